/// Everything `tlsfit diagnose` found about one host: data first, text later.
public struct HostDiagnosis: Sendable, Hashable, Codable {
    /// A negotiated (or predicted) protocol and suite.
    public struct Negotiation: Sendable, Hashable, Codable {
        public var tlsProtocol: String?
        /// IANA name.
        public var cipher: String?
        public var group: String?

        enum CodingKeys: String, CodingKey {
            case tlsProtocol = "protocol"
            case cipher, group
        }

        public init(tlsProtocol: String?, cipher: String?, group: String?) {
            self.tlsProtocol = tlsProtocol
            self.cipher = cipher
            self.group = group
        }
    }

    /// The real handshake's failure, as observed.
    public struct ObservedFailure: Sendable, Hashable, Codable {
        public var stage: String
        public var kind: String
        public var alert: String?
        public var detail: String
        public var windowsError: String
    }

    public var host: String
    public var port: Int
    /// The address dialled, when a real handshake ran.
    public var address: String?
    /// Where the server side came from: `scan` (measured now), `file`, `built-in`; nil when unknown.
    public var serverProfileSource: String?
    /// "ok" or "fails".
    public var outcome: String
    /// What the real handshake agreed (nil offline or before the ServerHello).
    public var negotiated: Negotiation?
    /// What the simulation predicts (nil without a server profile).
    public var predicted: Negotiation?
    /// The simulation's failure reason, when it predicts one.
    public var predictedFailure: String?
    /// Whether the prediction matches the real handshake; nil when one of them is missing.
    public var agrees: Bool?
    public var observedFailure: ObservedFailure?
    /// Subject of the root the server's chain ends at.
    public var certificateRoot: String?
    public var causes: [Cause]
    /// True when all fixes together make the simulated handshake succeed; nil when there is nothing to fix.
    public var fixVerified: Bool?
    /// True when a real handshake made with every fix applied succeeded; nil when not tried (offline, or no verified fix).
    public var fixConfirmedOnWire: Bool?
    /// The path the real handshake took: `direct`, or the proxy (`http://10.0.0.8:3128`); nil offline.
    public var path: String? = nil
    /// The `CONNECT` exchange with the proxy; nil when direct or offline.
    public var proxy: ProxyExchange? = nil
    /// Through a proxy, the same handshake made directly for comparison: `ok` or `fails`; nil when not tried.
    public var directOutcome: String? = nil
    /// That direct handshake's failure; nil when it succeeded or was not tried.
    public var directFailure: ObservedFailure? = nil
    /// How the real handshake was read when it needs saying: the server chose a suite OpenSSL cannot speak, so
    /// the certificate was not checked; nil otherwise.
    public var wireNote: String? = nil

    public var succeeded: Bool { outcome == "ok" }

    // Absent values are written as null, so every documented field is always there.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
        try c.encode(address, forKey: .address)
        try c.encode(serverProfileSource, forKey: .serverProfileSource)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(negotiated, forKey: .negotiated)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(predictedFailure, forKey: .predictedFailure)
        try c.encode(agrees, forKey: .agrees)
        try c.encode(observedFailure, forKey: .observedFailure)
        try c.encode(certificateRoot, forKey: .certificateRoot)
        try c.encode(causes, forKey: .causes)
        try c.encode(fixVerified, forKey: .fixVerified)
        try c.encode(fixConfirmedOnWire, forKey: .fixConfirmedOnWire)
        try c.encode(path, forKey: .path)
        try c.encode(proxy, forKey: .proxy)
        try c.encode(directOutcome, forKey: .directOutcome)
        try c.encode(directFailure, forKey: .directFailure)
        try c.encode(wireNote, forKey: .wireNote)
    }
}

/// The whole `tlsfit diagnose` result, as JSON.
public struct DiagnosisReport: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var windowsRelease: String
    public var windowsReleaseAssumed: Bool
    public var inputs: [String]
    public var hosts: [HostDiagnosis]

    public init(windowsRelease: WindowsRelease, windowsReleaseAssumed: Bool, inputs: [String], hosts: [HostDiagnosis]) {
        schemaVersion = JSONOutput.schemaVersion
        self.windowsRelease = windowsRelease.rawValue
        self.windowsReleaseAssumed = windowsReleaseAssumed
        self.inputs = inputs
        self.hosts = hosts
    }

    /// Every registry change of every fix, in order, duplicates removed: what `--fix-out` writes.
    public static func combinedChanges(_ hosts: [HostDiagnosis]) -> [RegFileWriter.Change] {
        var result: [RegFileWriter.Change] = []
        for host in hosts {
            for cause in host.causes {
                for change in cause.fix?.changes ?? [] {
                    // A later change to the same value replaces the earlier one.
                    result.removeAll { $0.key.lowercased() == change.key.lowercased() && $0.action.valueName?.lowercased() == change.action.valueName?.lowercased() }
                    result.append(change)
                }
            }
        }
        return result
    }
}

extension RegistryOperation.Action {
    /// The value an action touches, nil for key-level actions.
    var valueName: String? {
        switch self {
        case .setValue(let name, _), .setValueIfAbsent(let name, _), .deleteValue(let name): name
        default: nil
        }
    }
}
