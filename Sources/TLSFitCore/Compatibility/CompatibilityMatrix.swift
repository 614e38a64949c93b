import FoundationEssentials

/// An input a fleet report could not read: the file (and line, when known) and why.
public struct SkippedInput: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public init(_ error: InputError, file: String) {
        self.init(file: error.source.isEmpty ? file : error.source, line: error.line, reason: error.message)
    }

    /// `file:line: reason`.
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

extension ClientProfile {
    /// What goes on the wire, and nothing else (no provenance): the protocols offered, the suite
    /// code points in order, the groups and the signature algorithms. Two configurations with the
    /// same fingerprint send the same ClientHello, so one real handshake confirms both.
    public var wireFingerprint: String {
        var s = "p=" + protocols.map(\.rawValue).joined(separator: ",")
        s += ";s=" + suites.map { String($0.suite.code, radix: 16) }.joined(separator: ",")
        s += ";g=" + groups.joined(separator: ",")
        s += ";a=" + signatureAlgorithms.joined(separator: ",")
        s += ";h=" + helloProfile  // the extensions Schannel sends around them
        return s
    }

    /// The fleet-grouping key: the release and what goes on the wire (not where the settings came from).
    public var configurationFingerprint: String { "r=\(release.rawValue);" + wireFingerprint }
}

/// Turns diagnoses into matrix cells. Pure.
public enum CompatibilityMatrix {
    /// The releases a report covers when none is named.
    public static let defaultReleases: [WindowsRelease] = [.windows10_22H2, .windows11, .server2019, .server2022]

    /// One cell from the diagnosis of one client (a candidate on a release, or a fleet group) against one host.
    public static func cell(candidate: String, release: WindowsRelease, host: String, diagnosis d: HostDiagnosis)
        -> MatrixCell
    {
        let ok = d.succeeded
        let negotiation = ok ? (d.negotiated ?? d.predicted) : nil
        var summary: String
        if ok {
            summary = "works: " + describe(negotiation)
        } else if let first = d.causes.first {
            summary = first.summary + (d.causes.count > 1 ? " (and \(d.causes.count - 1) more cause(s))" : "")
        } else {
            summary = "fails"
        }
        // A disagreement between the simulation and the wire is shown, never hidden.
        if d.agrees == false {
            let wire =
                d.negotiated.map(describe) ?? d.observedFailure.map {
                    "failed (\($0.stage.rawValue)/\($0.kind.rawValue))"
                } ?? "failed"
            let predicted = d.predicted.map(describe) ?? "failure (\(d.predictedFailure ?? "?"))"
            summary += " [the real handshake disagrees with the simulation: wire \(wire), predicted \(predicted)]"
        }
        return MatrixCell(
            candidate: candidate, windowsRelease: release, host: host, verdict: ok ? .ok : .fails,
            protocol: negotiation?.tlsProtocol.flatMap(TLSVersion.init(rawValue:)), cipher: negotiation?.cipher,
            causes: d.causes.map(\.code.rawValue), windowsError: ok ? nil : d.causes.first?.windowsError,
            summary: summary, confirmed: d.agrees)
    }

    static func describe(_ n: HostDiagnosis.Negotiation?) -> String {
        guard let n else { return "?" }
        return "\(n.tlsProtocol ?? "?") \(n.cipher ?? "?")" + (n.group.map { " (\($0))" } ?? "")
    }
}
