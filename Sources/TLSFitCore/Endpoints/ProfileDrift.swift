/// Where a live scan differs from tlsfit's built-in knowledge of a host, so a change on Microsoft's
/// side is seen, not hidden behind the newer measurement. Pure.
public enum ProfileDrift {
    /// One line per difference (empty when they agree on what the built-in profile states).
    public static func differences(builtIn: BuiltInServerProfile, live: ServerProfile) -> [String] {
        var lines: [String] = []
        let known = builtIn.profile
        let knownVersions = known.acceptedVersions.map(\.rawValue)
        let liveVersions = live.acceptedVersions.map(\.rawValue)
        if knownVersions != liveVersions {
            lines.append(
                "protocols: built-in \(list(knownVersions)) (\(confidence(builtIn, "protocols"))), live \(list(liveVersions))"
            )
        }
        for version in TLSVersion.allCases.reversed() where known.accepts(version) && live.accepts(version) {
            let a = known.cipherSuites(for: version)
            let b = live.cipherSuites(for: version)
            let missing = a.filter { !b.contains($0) }
            let extra = b.filter { !a.contains($0) }
            if !missing.isEmpty {
                lines.append(
                    "\(version.rawValue) suites in the built-in profile (\(confidence(builtIn, "suites"))) but not accepted live: \(missing.joined(separator: ", "))"
                )
            }
            if !extra.isEmpty {
                lines.append(
                    "\(version.rawValue) suites accepted live but not in the built-in profile: \(extra.joined(separator: ", "))"
                )
            }
        }
        if let a = known.certificateKeyType, let b = live.certificateKeyType, a.uppercased() != b.uppercased() {
            lines.append("certificate key: built-in \(a) (\(confidence(builtIn, "certificate"))), live \(b)")
        }
        if let expected = builtIn.expectedIntermediate, let seen = live.certificate?.chain.first?.issuer,
            !seen.lowercased().contains(expected.lowercased())
        {
            lines.append(
                "certificate issuer: built-in \(expected) (\(confidence(builtIn, "certificate"))), live \(seen)")
        }
        return lines
    }

    static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }

    static func confidence(_ p: BuiltInServerProfile, _ fact: String) -> String {
        p.fact(fact).map { "\($0.confidence.rawValue), \($0.date)" } ?? "unknown"
    }
}
