/// A configuration warning that can change the ClientHello (what `tlsfit config` warns about), as
/// a finding of `diagnose`, `report` and `hello`: its code, its words, where it is (file, line)
/// and the causes it produces in this diagnosis.
public struct ConfigurationFinding: Sendable, Hashable, Codable {
    /// `ConfigWarning`'s vocabulary (`unknown-suite-name`, `release-mismatch`, `server-only-protocol`...).
    public var code: ConfigWarning.Code
    /// `error` when hosts fail for it (`leadsTo` is not empty), else `warning`.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case warning, error

        public var description: String { rawValue }
    }

    public var severity: Severity
    public var message: String
    public var file: String?
    public var line: Int?
    public var record: Int?
    public var evidence: [Evidence]
    /// The causes it produces in this diagnosis (`unknown-suite-name` -> `unknown-suite-name`, tied to `no-shared-cipher`).
    public var leadsTo: [CauseCode]
    /// `host:port` of the hosts that fail for those causes.
    public var hosts: [String]

    public init(_ w: ConfigWarning, leadsTo: [CauseCode] = [], hosts: [String] = []) {
        code = w.code
        message = w.message
        file = w.file
        line = w.line
        record = w.record
        evidence = w.evidence.map { Evidence($0, line: w.line) }
        self.leadsTo = leadsTo
        self.hosts = hosts
        severity = hosts.isEmpty ? .warning : .error
    }

    /// `file:line`, or nothing when the warning is about a default.
    public var location: String? {
        guard let file else { return nil }
        if let line { return "\(file):\(line)" }
        if let record { return "\(file) record \(record)" }
        return file
    }

    /// The causes a warning can produce when a host fails.
    static func causes(of code: ConfigWarning.Code) -> Set<CauseCode> {
        switch code {
        case .unknownSuiteName: [.unknownSuiteName]
        case .unsupportedOnRelease: [.unsupportedByRelease]
        case .curveSuffixMissing: [.curveSuffixMissing]
        case .serverOnlyProtocol: [.serverOnlySetting, .protocolDisabled]
        case .disabledByDefaultBlocksWinHTTP, .protocolNotSupported: [.protocolDisabled]
        case .winHTTPLegacyDefaults, .winHTTPWow64Mismatch: [.winHTTPDefaultProtocols, .protocolDisabled]
        case .noOfferedProtocols: [.protocolDisabled, .serverOnlySetting, .winHTTPDefaultProtocols]
        case .suitesRemovedBySwitch: [.cipherDisabled, .hashDisabled, .keyExchangeDisabled]
        case .gpoStringTooLong: [.policyTruncated]
        case .noCipherSuites, .noSuiteForOfferedProtocols, .onlyRC4Suites: [.noSharedCipher]
        case .eccCurvesIgnored, .unknownCurve, .curvesUnreadable, .curveSuffixIgnored: [.noSharedGroup]
        case .wrongValueType, .unknownRegistryName, .releaseMismatch, .duplicateSuite: []
        }
    }

    /// The warnings of a configuration that bear on the hello, tied to the causes they produce
    /// among `hosts`. A duplicate name changes nothing (Schannel keeps the first position).
    public static func make(_ warnings: [ConfigWarning], hosts: [HostDiagnosis]) -> [ConfigurationFinding] {
        warnings.filter { $0.code != .duplicateSuite }.map { w in
            let codes = causes(of: w.code)
            var leadsTo: [CauseCode] = []
            var hit: [String] = []
            for h in hosts where !h.succeeded {
                for cause in h.causes where codes.contains(cause.code) {
                    // A typo is tied to the cause that names its line.
                    if w.code == .unknownSuiteName, let line = w.line,
                        !cause.evidence.contains(where: { $0.line == line && $0.file == w.file })
                    {
                        continue
                    }
                    if !leadsTo.contains(cause.code) { leadsTo.append(cause.code) }
                    for c in [cause.code] + (cause.leadsTo.map { [$0] } ?? []) where !leadsTo.contains(c) {
                        leadsTo.append(c)
                    }
                    let target = "\(h.host):\(h.port)"
                    if !hit.contains(target) { hit.append(target) }
                }
            }
            return ConfigurationFinding(w, leadsTo: leadsTo, hosts: hit)
        }
    }
}

/// How one host of the role was treated: checked online, predicted offline only, or skipped, and why.
public struct HostAccount: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// Measured from this machine and simulated.
        case checked
        /// Offline: simulated against its profile only.
        case predicted
        /// Not diagnosed at all.
        case skipped

        public var description: String { rawValue }
    }

    public var status: Status
    public var host: String
    public var port: Int
    /// Why, in words (null when checked as asked).
    public var reason: String?

    public init(status: Status, host: String, port: Int, reason: String? = nil) {
        self.status = status
        self.host = host
        self.port = port
        self.reason = reason
    }
}

/// Whether the machine running tlsfit could reach the hosts at all.
public struct Reachability: Sendable, Hashable, Codable {
    /// Hosts measured from here, and those of them not reached (DNS, TCP, proxy, no answer).
    public var measured: Int
    public var unreached: Int
    /// True when every measured host was unreached: this machine's network says nothing about TLS.
    public var noneReached: Bool
    /// What that means and what to do, in words; nil when at least one host was reached.
    public var note: String?

    public static func evaluate(_ hosts: [HostDiagnosis]) -> Reachability? {
        let measured = hosts.compactMap(\.fromHere)
        guard !measured.isEmpty else { return nil }
        let unreached = measured.filter(\.unreached).count
        let none = unreached == measured.count
        var note: String?
        if none {
            let stages = Set(measured.compactMap { $0.stage?.rawValue }).sorted()
            let configFails = hosts.filter { $0.configuration?.outcome == .fails }.count
            note =
                "This machine cannot reach any of the \(measured.count) host(s) (each fails at \(stages.joined(separator: " or ")) from here): what it measured is its own network, not the Windows machine's. "
                + (configFails > 0
                    ? "The configuration verdict does not depend on the network: it fails against \(configFails) host(s) whatever the network. "
                    : "The configuration verdict does not depend on the network: it holds against every host it could judge. ")
                + "Run with --offline to judge the configuration alone, or run tlsfit where the failing machine's network is (same DNS, proxy and firewall)."
        }
        return Reachability(measured: measured.count, unreached: unreached, noneReached: none, note: note)
    }
}

extension DiagnosisReport {
    /// The exit status `diagnose` ends with: 1 when the configuration fails against a host, or a host
    /// that was reached fails; 3 when the configuration holds but a host could not be reached from
    /// this machine (a fact about this machine's network only); 0 when every host works.
    public var exitStatus: Int32 {
        let failing = hosts.filter { !$0.succeeded }
        guard !failing.isEmpty else { return 0 }
        let onlyUnreached = failing.allSatisfy { h in
            h.configuration?.outcome != .fails && (h.fromHere?.unreached ?? false)
        }
        return onlyUnreached ? 3 : 1
    }
}
