import FoundationEssentials
import TLSFitCore

/// `tlsfit hello` as text: the decoded hello, its fingerprints, and (for a capture) the closest releases.
public enum ClientHelloTextRenderer {
    /// The text at `layout.width` columns: lists and explanations wrap; suite names, JA3 and hex stay whole.
    public static func render(
        _ r: ClientHelloReport, layout: TextLayout = TextLayout(), into out: inout some TextOutputStream
    ) {
        renderBody(r, layout: layout, into: &out)
        renderHex(r, into: &out)
    }

    /// Extensions whose line is made from the report's other fields: their `data` and `length` are not shown.
    static let extensionsShownFromFields: Set<String> = [
        "server_name", "supported_groups", "ec_point_formats", "signature_algorithms", "supported_versions",
        "key_share", "application_layer_protocol_negotiation", "renegotiation_info",
    ]

    /// Everything but the hex: it reads neither `random`, nor `hex`, nor `sessionID` beyond its length, nor the
    /// data of `extensionsShownFromFields` (a capture's many copies of one hello render the same body).
    static func renderBody(_ r: ClientHelloReport, layout: TextLayout, into out: inout some TextOutputStream) {
        header(r, layout: layout, into: &out)
        suites(r, layout: layout, into: &out)
        extensions(r, layout: layout, into: &out)
        out.write("\nJA3  \(r.ja3Hash)\n     \(r.ja3)\n")
        out.write("JA4  \(r.ja4)\n")
        if !r.assumptions.isEmpty {
            out.write("\nAssumed (no capture or document says so; see CipherSuites/windows-hello.tsv):\n")
            for a in r.assumptions { out.write(layout.wrapKeepingKeys(a, first: "  - ", indent: "    ")) }
        }
        if !r.notes.isEmpty {
            out.write("\nNotes:\n")
            for n in r.notes { out.write(layout.wrapKeepingKeys(n, first: "  - ", indent: "    ")) }
        }
        if let matches = r.matches { closestReleases(matches, layout: layout, into: &out) }
    }

    /// The release and stack, the findings that change the hello, and the record's first fields.
    private static func header(_ r: ClientHelloReport, layout: TextLayout, into out: inout some TextOutputStream) {
        if let release = r.windowsRelease {
            let name = WindowsRelease(rawValue: release)?.displayName ?? release
            let stack = r.stack.flatMap(ClientStack.init(rawValue:))?.displayName ?? "WinHTTP"
            out.write(
                layout.wrap(
                    "ClientHello of \(name) (\(release))\(r.windowsReleaseAssumed == true ? " [release assumed]" : ""), \(stack)"
                        + (r.patchLevel.map { ", patch level \($0)" } ?? ""), first: "", indent: "  "))
        } else {
            out.write("Decoded ClientHello\n")
        }
        if !r.configurationFindings.isEmpty {
            out.write("\nConfiguration findings (they change this hello):\n")
            for w in r.configurationFindings {
                out.write(
                    layout.wrapKeepingKeys(
                        "[\(w.severity)] \(w.code.rawValue): \(w.message)\(w.location.map { " (\($0))" } ?? "")",
                        first: "  ", indent: "    "))
            }
            out.write("\n")
        }
        out.write("  record version   \(r.recordVersion)    hello version \(r.helloVersion)\n")
        let field = String(repeating: " ", count: 19)
        out.write(layout.wrap(r.offeredVersions.joined(separator: ", "), first: "  offers           ", indent: field))
        out.write(layout.wrap(atoms: [r.serverName ?? "(none)"], first: "  server name      ", indent: field))
        out.write("  session id       \(r.sessionID.isEmpty ? "(empty)" : "\(r.sessionID.count / 2) bytes")\n")
    }

    /// The suites in order, each with its OpenSSL name beside it or, when one row is too long, under it.
    private static func suites(_ r: ClientHelloReport, layout: TextLayout, into out: inout some TextOutputStream) {
        out.write("\nCipher suites (\(r.cipherSuites.count), in order):\n")
        let suites = r.cipherSuites.enumerated().map { i, s in
            let openssl = s.iana == nil ? "" : (s.openssl.map { "  \($0)" } ?? "  (OpenSSL cannot offer it)")
            let name = s.iana ?? (s.code == "0x00FF" ? "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" : "unknown")
            return (start: "  \(pad("\(i + 1).", 4)) \(s.code)  ", name: name, openssl: openssl)
        }
        // When one row is too long, every OpenSSL name goes under its IANA name (one layout for the list).
        let oneLine = suites.allSatisfy {
            $0.start.count + ($0.openssl.isEmpty ? $0.name.count : max($0.name.count, 42) + $0.openssl.count)
                <= layout.width
        }
        for s in suites {
            if oneLine || s.openssl.isEmpty {
                out.write(s.start + (s.openssl.isEmpty ? s.name : pad(s.name, 42)) + s.openssl + "\n")
            } else {
                out.write(
                    s.start + s.name + "\n" + String(repeating: " ", count: s.start.count) + s.openssl.dropFirst(2)
                        + "\n")
            }
        }
    }

    /// The extensions in order, each with what it says.
    private static func extensions(_ r: ClientHelloReport, layout: TextLayout, into out: inout some TextOutputStream) {
        out.write("\nExtensions (\(r.extensions.count), in order):\n")
        for e in r.extensions {
            var detail = ""
            // The names of `extensionsShownFromFields`, then the rest.
            switch e.name {
            case "server_name": detail = r.serverName ?? ""
            case "supported_groups": detail = r.supportedGroups.map(\.name).joined(separator: ", ")
            case "ec_point_formats":
                detail = (r.pointFormats ?? []).map { $0 == 0 ? "uncompressed" : "\($0)" }.joined(separator: ", ")
            case "signature_algorithms": detail = r.signatureAlgorithms.map(\.name).joined(separator: ", ")
            case "supported_versions":
                detail = r.supportedVersions.map {
                    TLSVersion(wireValue: UInt16($0.dropFirst(2), radix: 16) ?? 0)?.rawValue ?? $0
                }.joined(separator: ", ")
            case "key_share": detail = r.keyShares.map { "\($0.name) (\($0.length) bytes)" }.joined(separator: ", ")
            case "application_layer_protocol_negotiation": detail = r.alpn.joined(separator: ", ")
            case "renegotiation_info": detail = "empty (initial handshake)"
            default: detail = e.length == 0 ? "empty" : e.data.count > 40 ? "\(e.length) bytes" : e.data
            }
            let first = "  \(e.type) \(pad(e.name, 24)) "
            let indent = String(repeating: " ", count: layout.width >= 72 ? first.count : 4)
            // A first word that does not fit after the name starts the next line.
            let firstWord = detail.split(separator: " ").first.map(\.count) ?? 0
            out.write(
                first.count + firstWord > layout.width && indent.count < first.count
                    ? String(first.reversed().drop { $0 == " " }.reversed()) + "\n"
                        + layout.wrap(detail, indent: indent)
                    : layout.wrap(detail, first: first, indent: indent))
        }
    }

    /// A capture's hello: the modelled releases closest to it, best first, with what differs.
    private static func closestReleases(
        _ matches: [ClientHelloReport.Match], layout: TextLayout, into out: inout some TextOutputStream
    ) {
        out.write("\nClosest Windows releases, best first:\n")
        for (i, m) in matches.enumerated() {
            let tie = matches.indices.contains { $0 != i && matches[$0].score == m.score }
            let verdict = (m.identical ? "identical" : "score \(m.score)") + (tie ? ", tie" : "")
            let stack =
                m.stacks.count > 1
                ? m.stacks.map { ClientStack(rawValue: $0)?.displayName ?? $0 }.joined(separator: " or ")
                    + " (the same bytes)"
                : ClientStack(rawValue: m.stack)?.displayName ?? m.stack
            let patch = m.patchLevels.isEmpty ? "" : "; patch level \(m.patchLevels.joined(separator: "/"))"
            out.write(
                layout.wrap(
                    "\(i + 1). \(m.releases.joined(separator: ", ")) [\(verdict); \(stack)\(patch); \(m.configuration)]",
                    first: "  ", indent: "       "))
            for d in m.differences {
                out.write(layout.wrap("\(d.kind): \(d.detail)", first: "       ", indent: "         "))
            }
        }
    }

    /// The hex, 32 bytes a line.
    static func renderHex(_ r: ClientHelloReport, into out: inout some TextOutputStream) {
        if TextLayout.isPlain(r.hex) {
            // One byte, one character (as `Digest.hex` writes it): lines cut from the bytes.
            let digits = Array(r.hex.utf8)
            var text = Array("\nHex (\(digits.count / 2) bytes):\n".utf8)
            text.reserveCapacity(text.count + digits.count + digits.count / 64 * 3 + 3)
            var i = 0
            while i < digits.count {
                let end = min(i + 64, digits.count)
                text += [0x20, 0x20]
                text += digits[i..<end]
                text.append(0x0A)
                i = end
            }
            out.write(String(decoding: text, as: UTF8.self))
            return
        }
        out.write("\nHex (\(r.hex.count / 2) bytes):\n")
        var i = r.hex.startIndex
        while i < r.hex.endIndex {
            let end = r.hex.index(i, offsetBy: 64, limitedBy: r.hex.endIndex) ?? r.hex.endIndex
            out.write("  \(r.hex[i..<end])\n")
            i = end
        }
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
