import FoundationEssentials
import TLSFitCore

/// Renders scan results as a per-host table, in the spirit of sslscan and testssl.sh.
public enum ScanTextRenderer {
    /// Writes every profile, one block per host, separated by a blank line.
    public static func render(_ profiles: [ServerProfile], into output: inout some TextOutputStream) {
        for (index, profile) in profiles.enumerated() {
            if index > 0 { output.write("\n") }
            render(profile, into: &output)
        }
    }

    /// The text for `profiles`.
    public static func render(_ profiles: [ServerProfile]) -> String {
        var text = ""
        render(profiles, into: &text)
        return text
    }

    public static func render(_ profile: ServerProfile, into output: inout some TextOutputStream) {
        let name = HostPort(host: profile.host, port: profile.port).description
        output.write("\(name)\(profile.address.map { " (\($0))" } ?? "")\n")
        let when = Timestamp.iso8601(profile.scannedAt)
        var from = "scanned \(when)"
        if let host = profile.scannedFrom { from += " from \(host)" }
        if let detail = profile.sourceDetail { from += " with \(detail)" }
        output.write("  \(from)\n")

        if profile.protocols.isEmpty {
            writeErrors(profile, into: &output)
            output.write("  \(profile.connections) connection\(profile.connections == 1 ? "" : "s"), \(Int(profile.durationMs)) ms\n")
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
            output.write("    \(pad(version.rawValue, 9))\(state)\n")
        }

        for version in profile.acceptedVersions {
            let suites = profile.cipherSuites(for: version)
            output.write("\n  \(version.rawValue) cipher suites (\(suites.count)): \(orderStatement(profile, version, count: suites.count))\n")
            var rows = [["", "OpenSSL name", "IANA name", "code", "kx/auth"]]
            for (position, iana) in suites.enumerated() {
                let suite = Catalog.shared.suite(named: iana)
                let kx = suite.map { $0.isTLS13 ? "any (TLS 1.3)" : "\($0.keyExchange)/\($0.authentication)" } ?? "?"
                let flag = suite?.isInsecure == true ? " (insecure)" : ""
                rows.append(["\(position + 1)", suite?.openssl ?? "-", iana, suite?.codeString ?? "?", kx + flag])
            }
            output.write(table(rows, indent: "    "))
        }

        output.write("\n  Groups (curves, then finite-field; each in the order the server chose them): \(profile.groups.isEmpty ? "none found" : profile.groups.joined(separator: ", "))\n")
        writeCertificate(profile.certificate, into: &output)
        writeErrors(profile, into: &output)
        output.write("\n  \(profile.connections) connection\(profile.connections == 1 ? "" : "s"), \(Int(profile.durationMs)) ms\n")
    }

    static func orderStatement(_ profile: ServerProfile, _ version: TLSVersion, count: Int) -> String {
        switch profile.serverPreference[version.rawValue] {
        case true?: return "the server enforces its order (listed in the server's preference order)"
        case false?: return "the server follows the client's order (listed strongest first)"
        case nil: return count < 2 ? "a single suite, no order to measure" : "order not determined"
        }
    }

    static func writeCertificate(_ report: CertificateReport?, into output: inout some TextOutputStream) {
        guard let report, let leaf = report.chain.first else {
            output.write("\n  Certificate: not obtained\n")
            return
        }
        output.write("\n  Certificate\n")
        output.write("    subject    \(leaf.subject)\n")
        output.write("    issuer     \(leaf.issuer)\n")
        if !leaf.subjectAlternativeNames.isEmpty {
            output.write("    names      \(leaf.subjectAlternativeNames.joined(separator: ", "))\n")
        }
        let curve = leaf.keyCurve.map { " \($0)" } ?? ""
        output.write("    key        \(leaf.keyType) \(leaf.keyBits) bits\(curve), signed with \(leaf.signatureAlgorithm)\n")
        if let notAfter = leaf.notAfter {
            let start = leaf.notBefore.map(Timestamp.iso8601) ?? "?"
            output.write("    valid      \(start) to \(Timestamp.iso8601(notAfter))\n")
        }
        output.write("    chain      \(report.chain.count) certificate\(report.chain.count == 1 ? "" : "s") sent\n")
        if report.verified {
            output.write("    verified   yes, for \(report.verifiedName ?? "the host")\n")
        } else {
            output.write("    verified   NO: \(report.verifyError ?? "verification failed")\n")
        }
    }

    static func writeErrors(_ profile: ServerProfile, into output: inout some TextOutputStream) {
        guard !profile.errors.isEmpty else { return }
        output.write("\n  Errors\n")
        for error in profile.errors { output.write("    \(error)\n") }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func table(_ rows: [[String]], indent: String) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            indent + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : pad(cell, widths[column] + 2)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
