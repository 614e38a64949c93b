import FoundationEssentials
import TLSFitCore

/// `tlsfit probe` for people: what was agreed, the certificate, or where and why it failed.
public enum ProbeTextRenderer {
    /// The text at `layout.width` columns: lines wrap under their label; suite lists, names and hashes stay whole.
    public static func render(
        _ r: ProbeReport, catalog: Catalog = .shared, layout: TextLayout = TextLayout(),
        into out: inout some TextOutputStream
    ) {
        let field = "        "
        func line(_ text: String, _ first: String, _ indent: String = "          ") {
            out.write(layout.wrap(text, first: first, indent: indent))
        }
        let target = r.address.map { "\(r.host):\(r.port) (\($0))" } ?? "\(r.host):\(r.port)"
        out.write("Probe   \(target)\n")
        if r.http == nil { out.write("SNI     \(r.sni ?? "(none)")\n") }
        if let h = r.http {
            line("\(h.request)\(h.statusLine.map { " -> \($0)" } ?? "")", "HTTP    ", field)
        }
        if let p = r.proxy {
            let answer = p.statusLine.map { " -> \($0)" } ?? ""
            line(
                "through \(p.proxy)\(p.credentialsSent ? " (Basic credentials sent)" : ""): \(p.request)\(answer)",
                "Path    ", field)
            if !p.authenticateSchemes.isEmpty {
                line("Proxy-Authenticate: \(p.authenticateSchemes.joined(separator: ", "))", field)
            }
        } else {
            out.write("Path    \(r.path)\n")
        }
        writeOffered(r, catalog: catalog, layout: layout, into: &out)
        out.write("\n")
        if let p = r.protocol { out.write("Protocol      \(p.rawValue)\n") }
        if let c = r.cipher {
            let kx =
                c.iana.flatMap { catalog.suite(named: $0) }.map { " [\($0.keyExchange)/\($0.authentication)]" } ?? ""
            line(
                "\(c.iana ?? "?") (\(c.openssl ?? "no OpenSSL name"), \(c.code))\(kx)", "Cipher suite  ",
                "              ")
        }
        if let g = r.group { out.write("Key exchange  \(g)\n") }
        writeCertificate(r, catalog: catalog, layout: layout, into: &out)
        out.write("\n")
        writeResult(r, catalog: catalog, layout: layout, into: &out)
    }

    /// What the client offered: versions, suites and, for a Windows client, its fingerprints and assumptions.
    private static func writeOffered(
        _ r: ProbeReport, catalog: Catalog, layout: TextLayout, into out: inout some TextOutputStream
    ) {
        let field = "        "
        func line(_ text: String, _ first: String, _ indent: String = "          ") {
            out.write(layout.wrap(text, first: first, indent: indent))
        }
        if r.http == nil {
            var offered = "\(r.offered.minVersion.rawValue)..\(r.offered.maxVersion.rawValue)"
            if r.windowsClient != nil, let list = r.offered.cipherList {
                let count = list.isEmpty ? 0 : list.split(separator: ",").count
                offered +=
                    ", \(count) suites (\(r.offered.notNegotiable.count) of them OpenSSL cannot offer; `tlsfit hello` lists them)"
            } else if let list = r.offered.cipherList {
                offered += ", ciphers \(list.isEmpty ? "(none)" : list)"
            }
            if let list = r.offered.tls13CipherSuites {
                offered += ", TLS 1.3 suites \(list.isEmpty ? "(none)" : list)"
            }
            line(offered, "Offered ", field)
            if let w = r.windowsClient {
                let name = WindowsRelease(rawValue: w.release)?.displayName ?? w.release
                line(
                    "\(name) (\(w.release))\(w.releaseAssumed ? " [release assumed]" : ""): its exact WinHTTP ClientHello",
                    "Client  ", field)
                if let ja3 = w.ja3, let ja4 = w.ja4 {
                    let both = field + "JA3 \(ja3)  JA4 \(ja4)"
                    out.write(
                        both.count <= layout.width ? both + "\n" : field + "JA3 \(ja3)\n" + field + "JA4 \(ja4)\n")
                }
                if w.helloRetryRequest {
                    line("the server asked for another key share (HelloRetryRequest); its choice stands", field)
                }
                if let note = w.confirmationNote { line(note, field) }
                if let proof = w.certificateProof { line("certificate: \(proof.summary)", field) }
                for a in w.assumptions {
                    out.write(layout.wrapKeepingKeys("assumed: \(a)", first: field, indent: "          "))
                }
            } else if !r.offered.notNegotiable.isEmpty {
                line(
                    "not offered, this OpenSSL cannot negotiate them: \(r.offered.notNegotiable.joined(separator: ", "))",
                    field)
            }
        }
    }

    /// The chain the server sent, one block per certificate, and whether it verified.
    private static func writeCertificate(
        _ r: ProbeReport, catalog: Catalog, layout: TextLayout, into out: inout some TextOutputStream
    ) {
        func line(_ text: String, _ first: String, _ indent: String = "          ") {
            out.write(layout.wrap(text, first: first, indent: indent))
        }
        if let cert = r.certificate {
            out.write("\nCertificate chain (\(cert.chain.count) sent by the server):\n")
            for (i, c) in cert.chain.enumerated() {
                let value = "             "
                line(c.subject, "  \(i) subject  ", value)
                line(c.issuer, "    issuer   ", value)
                if !c.subjectAlternativeNames.isEmpty {
                    line(c.subjectAlternativeNames.joined(separator: ", "), "    names    ", value)
                }
                let curve = c.keyCurve.map { " \($0)" } ?? ""
                line(
                    "\(c.keyType) \(c.keyBits) bits\(curve), signed with \(c.signatureAlgorithm)", "    key      ",
                    value)
                out.write("    valid    \(day(c.notBefore)) to \(day(c.notAfter))\n")
            }
            if cert.verified {
                out.write("  verified for \(r.host)\n")
            } else {
                line("NOT verified: \(cert.verifyError ?? "unknown reason")", "  ", "    ")
            }
        }
    }

    /// FAILED with where and why (and the Windows error), or OK; then the timings.
    private static func writeResult(
        _ r: ProbeReport, catalog: Catalog, layout: TextLayout, into out: inout some TextOutputStream
    ) {
        func line(_ text: String, _ first: String, _ indent: String = "          ") {
            out.write(layout.wrap(text, first: first, indent: indent))
        }
        if let f = r.failure {
            let alert = f.alert.map { ", \($0) (\(f.alertCode ?? 0))" } ?? ""
            line("FAILED at \(f.stage.rawValue): \(f.kind.rawValue)\(alert)", "", "  ")
            line(f.detail, "  ", "    ")
            if let w = r.windowsError {
                let name = catalog.windowsError(w).map { " \($0.name)" } ?? ""
                line("A Windows Update client shows this as \(w)\(name).", "  ", "    ")
            }
        } else if r.http != nil {
            out.write("OK: the HTTP request was answered.\n")
        } else {
            out.write("OK: handshake succeeded.\n")
        }
        let t = r.timings
        var parts: [String] = []
        if let d = t.dnsMs { parts.append("dns \(ms(d))") }
        if let c = t.connectMs { parts.append("connect \(ms(c))") }
        if let h = t.handshakeMs { parts.append("handshake \(ms(h))") }
        parts.append("total \(ms(t.totalMs))")
        line("Timings: \(parts.joined(separator: ", "))", "", "  ")
    }

    static func ms(_ v: Double) -> String { v.fixed(1) + " ms" }

    static func day(_ d: Date?) -> String {
        guard let d else { return "?" }
        return Timestamp.day(d)
    }
}

extension ProbeTextRenderer {
    /// The whole output of `probe`: JSON, or the text escaped for a terminal; ready to print as is.
    public static func output(_ report: ProbeReport, json: Bool, layout: TextLayout) throws -> String {
        if json { return try JSONOutput.encode(report) + "\n" }
        var text = ""
        render(report, layout: layout, into: &text)
        return Escaping.terminal(text)
    }
}
