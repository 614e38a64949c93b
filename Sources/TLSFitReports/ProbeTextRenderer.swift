import FoundationEssentials
import TLSFitCore

/// `tlsfit probe` for people: what was agreed, the certificate, or where and why it failed.
public enum ProbeTextRenderer {
    public static func render(_ r: ProbeReport, catalog: Catalog = .shared, into out: inout some TextOutputStream) {
        let target = r.address.map { "\(r.host):\(r.port) (\($0))" } ?? "\(r.host):\(r.port)"
        out.write("Probe   \(target)\n")
        if r.http == nil { out.write("SNI     \(r.sni ?? "(none)")\n") }
        if let h = r.http {
            out.write("HTTP    \(h.request)\(h.statusLine.map { " -> \($0)" } ?? "")\n")
        }
        if let p = r.proxy {
            let answer = p.statusLine.map { " -> \($0)" } ?? ""
            out.write("Path    through \(p.proxy)\(p.credentialsSent ? " (Basic credentials sent)" : ""): \(p.request)\(answer)\n")
            if !p.authenticateSchemes.isEmpty { out.write("        Proxy-Authenticate: \(p.authenticateSchemes.joined(separator: ", "))\n") }
        } else {
            out.write("Path    \(r.path)\n")
        }
        if r.http == nil {
            out.write("Offered \(r.offered.minVersion.rawValue)..\(r.offered.maxVersion.rawValue)")
            if r.windowsClient != nil, let list = r.offered.cipherList {
                let count = list.isEmpty ? 0 : list.split(separator: ",").count
                out.write(", \(count) suites (\(r.offered.notNegotiable.count) of them OpenSSL cannot offer; `tlsfit hello` lists them)")
            } else if let list = r.offered.cipherList { out.write(", ciphers \(list.isEmpty ? "(none)" : list)") }
            if let list = r.offered.tls13CipherSuites { out.write(", TLS 1.3 suites \(list.isEmpty ? "(none)" : list)") }
            out.write("\n")
            if let w = r.windowsClient {
                let name = WindowsRelease(rawValue: w.release)?.displayName ?? w.release
                out.write("Client  \(name) (\(w.release))\(w.releaseAssumed ? " [release assumed]" : ""): its exact WinHTTP ClientHello\n")
                if let ja3 = w.ja3, let ja4 = w.ja4 { out.write("        JA3 \(ja3)  JA4 \(ja4)\n") }
                if w.helloRetryRequest { out.write("        the server asked for another key share (HelloRetryRequest); its choice stands\n") }
                if let note = w.confirmationNote { out.write("        \(note)\n") }
                if let proof = w.certificateProof { out.write("        certificate: \(proof.summary)\n") }
                for a in w.assumptions { out.write("        assumed: \(a)\n") }
            } else if !r.offered.notNegotiable.isEmpty {
                out.write("        not offered, this OpenSSL cannot negotiate them: \(r.offered.notNegotiable.joined(separator: ", "))\n")
            }
        }
        out.write("\n")
        if let p = r.protocol { out.write("Protocol      \(p.rawValue)\n") }
        if let c = r.cipher {
            let kx = c.iana.flatMap { catalog.suite(named: $0) }.map { " [\($0.keyExchange)/\($0.authentication)]" } ?? ""
            out.write("Cipher suite  \(c.iana ?? "?") (\(c.openssl ?? "no OpenSSL name"), \(c.code))\(kx)\n")
        }
        if let g = r.group { out.write("Key exchange  \(g)\n") }
        if let cert = r.certificate {
            out.write("\nCertificate chain (\(cert.chain.count) sent by the server):\n")
            for (i, c) in cert.chain.enumerated() {
                out.write("  \(i) subject  \(c.subject)\n")
                out.write("    issuer   \(c.issuer)\n")
                if !c.subjectAlternativeNames.isEmpty {
                    out.write("    names    \(c.subjectAlternativeNames.joined(separator: ", "))\n")
                }
                let curve = c.keyCurve.map { " \($0)" } ?? ""
                out.write("    key      \(c.keyType) \(c.keyBits) bits\(curve), signed with \(c.signatureAlgorithm)\n")
                out.write("    valid    \(day(c.notBefore)) to \(day(c.notAfter))\n")
            }
            if cert.verified {
                out.write("  verified for \(r.host)\n")
            } else {
                out.write("  NOT verified: \(cert.verifyError ?? "unknown reason")\n")
            }
        }
        out.write("\n")
        if let f = r.failure {
            let alert = f.alert.map { ", \($0) (\(f.alertCode ?? 0))" } ?? ""
            out.write("FAILED at \(f.stage.rawValue): \(f.kind.rawValue)\(alert)\n")
            out.write("  \(f.detail)\n")
            if let w = r.windowsError {
                let name = catalog.windowsError(w).map { " \($0.name)" } ?? ""
                out.write("  A Windows Update client shows this as \(w)\(name).\n")
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
        out.write("Timings: \(parts.joined(separator: ", "))\n")
    }

    static func ms(_ v: Double) -> String { v.fixed(1) + " ms" }

    static func day(_ d: Date?) -> String {
        guard let d else { return "?" }
        return Timestamp.day(d)
    }
}
