import FoundationEssentials
import TLSFitCore

/// Renders scan results as a per-host table, in the spirit of sslscan and testssl.sh.
public enum ScanTextRenderer {
    /// Writes every profile, one block per host, separated by a blank line.
    public static func render(
        _ profiles: [ServerProfile], layout: TextLayout = TextLayout(), into output: inout some TextOutputStream
    ) {
        for (index, profile) in profiles.enumerated() {
            if index > 0 { output.write("\n") }
            render(profile, layout: layout, into: &output)
        }
    }

    /// The text for `profiles` at `layout.width` columns.
    public static func render(_ profiles: [ServerProfile], layout: TextLayout = TextLayout()) -> String {
        var text = ""
        render(profiles, layout: layout, into: &text)
        return text
    }

    /// One host: lines wrap under their label; a suite table too wide for the width puts each IANA
    /// name on a line of its own under its row. Suite names, hosts and errors' keys stay whole.
    public static func render(
        _ profile: ServerProfile, layout: TextLayout = TextLayout(), into output: inout some TextOutputStream
    ) {
        let name = HostPort(host: profile.host, port: profile.port).description
        output.write("\(name)\(profile.address.map { " (\($0))" } ?? "")\n")
        let when = Timestamp.iso8601(profile.scannedAt)
        // The tool and library versions stay together.
        var from = ["scanned", when]
        if let host = profile.scannedFrom { from += ["from", host] }
        if let detail = profile.sourceDetail { from.append("with \(detail)") }
        output.write(layout.wrap(atoms: from, first: "  ", indent: "    "))

        if profile.protocols.isEmpty {
            writeErrors(profile, layout: layout, into: &output)
            output.write(
                "  \(profile.connections) connection\(profile.connections == 1 ? "" : "s"), \(Int(profile.durationMs)) ms\n"
            )
            return
        }

        output.write("\n  Protocols\n")
        for version in TLSVersion.allCases {
            let state: String
            if let support = profile.protocols[version.rawValue] {
                state = support.accepted ? "accepted" : "not accepted"
            } else {
                state = version == .ssl3 ? "not tested (the linked OpenSSL cannot offer SSLv3)" : "not tested"
            }
            output.write(
                layout.wrap(state, first: "    " + pad(version.rawValue, 9), indent: String(repeating: " ", count: 13)))
        }

        for version in profile.acceptedVersions {
            let suites = profile.cipherSuites(for: version)
            output.write(
                "\n"
                    + layout.wrap(
                        "\(version.rawValue) cipher suites (\(suites.count)): \(orderStatement(profile, version, count: suites.count))",
                        first: "  ", indent: "    "))
            var rows = [["", "OpenSSL name", "IANA name", "code", "kx/auth"]]
            for (position, iana) in suites.enumerated() {
                let suite = Catalog.shared.suite(named: iana)
                let kx = suite.map { $0.isTLS13 ? "any (TLS 1.3)" : "\($0.keyExchange)/\($0.authentication)" } ?? "?"
                let flag = suite?.isInsecure == true ? " (insecure)" : ""
                rows.append(["\(position + 1)", suite?.openssl ?? "-", iana, suite?.codeString ?? "?", kx + flag])
            }
            let text = table(rows, indent: "    ")
            if text.split(separator: "\n").allSatisfy({ $0.count <= layout.width }) {
                output.write(text)
            } else {
                // Too wide: the IANA name (column 2) goes under the OpenSSL name.
                let short = table(rows.map { [$0[0], $0[1], $0[3], $0[4]] }, indent: "    ").split(
                    separator: "\n", omittingEmptySubsequences: false)
                let under = String(repeating: " ", count: 4 + (rows.map { $0[0].count }.max() ?? 0) + 2)
                for (row, shortLine) in zip(rows, short) { output.write(shortLine + "\n" + under + row[2] + "\n") }
            }
        }

        output.write(
            "\n"
                + layout.wrap(
                    "Groups (curves, then finite-field; each in the order the server chose them): \(profile.groups.isEmpty ? "none found" : profile.groups.joined(separator: ", "))",
                    first: "  ", indent: "    "))
        writeCertificate(profile.certificate, layout: layout, into: &output)
        writeErrors(profile, layout: layout, into: &output)
        output.write(
            "\n  \(profile.connections) connection\(profile.connections == 1 ? "" : "s"), \(Int(profile.durationMs)) ms\n"
        )
    }

    static func orderStatement(_ profile: ServerProfile, _ version: TLSVersion, count: Int) -> String {
        switch profile.serverPreference[version.rawValue] {
        case true?: return "the server enforces its order (listed in the server's preference order)"
        case false?: return "the server follows the client's order (listed strongest first)"
        case nil: return count < 2 ? "a single suite, no order to measure" : "order not determined"
        }
    }

    static func writeCertificate(
        _ report: CertificateReport?, layout: TextLayout = TextLayout(), into output: inout some TextOutputStream
    ) {
        let value = String(repeating: " ", count: 15)
        func line(_ label: String, _ text: String) {
            output.write(layout.wrap(text, first: "    " + pad(label, 11), indent: value))
        }
        guard let report, let leaf = report.chain.first else {
            output.write("\n  Certificate: not obtained\n")
            return
        }
        output.write("\n  Certificate\n")
        line("subject", leaf.subject)
        line("issuer", leaf.issuer)
        if !leaf.subjectAlternativeNames.isEmpty {
            line("names", leaf.subjectAlternativeNames.joined(separator: ", "))
        }
        let curve = leaf.keyCurve.map { " \($0)" } ?? ""
        line("key", "\(leaf.keyType) \(leaf.keyBits) bits\(curve), signed with \(leaf.signatureAlgorithm)")
        if let notAfter = leaf.notAfter {
            let start = leaf.notBefore.map(Timestamp.iso8601) ?? "?"
            output.write("    valid      \(start) to \(Timestamp.iso8601(notAfter))\n")
        }
        output.write("    chain      \(report.chain.count) certificate\(report.chain.count == 1 ? "" : "s") sent\n")
        if report.verified {
            output.write("    verified   yes, for \(report.verifiedName ?? "the host")\n")
        } else {
            line("verified", "NO: \(report.verifyError ?? "verification failed")")
        }
    }

    static func writeErrors(
        _ profile: ServerProfile, layout: TextLayout = TextLayout(), into output: inout some TextOutputStream
    ) {
        guard !profile.errors.isEmpty else { return }
        output.write("\n  Errors\n")
        for error in profile.errors { output.write(layout.wrapKeepingKeys(error, first: "    ", indent: "      ")) }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func table(_ rows: [[String]], indent: String) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            indent
                + row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : pad(cell, widths[column] + 2)
                }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
