import FoundationEssentials

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
        public var stage: FailureStage
        public var kind: FailureKind
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
    public var outcome: HostOutcome
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
    public var directOutcome: HostOutcome? = nil
    /// That direct handshake's failure; nil when it succeeded or was not tried.
    public var directFailure: ObservedFailure? = nil
    /// How the real handshake was read when it needs saying: the server chose a suite OpenSSL cannot speak, so
    /// the certificate was not checked; nil otherwise.
    public var wireNote: String? = nil
    /// `https`, or `http` for a content host checked on port 80 without TLS.
    public var scheme: String?
    /// The built-in profile tlsfit has for this host (`slscr`), or the one used for it (a built-in
    /// name given as `--server-profile` for another host); nil when none.
    public var builtInProfile: String?
    /// The assumed (not documented, not observed) facts the verdict rests on: set when the built-in
    /// profile decided it; nil when a live scan or a saved profile did.
    public var assumedFacts: [EndpointFact]?
    /// Where the measured (or saved) profile differs from the built-in one; nil when not compared.
    public var drift: [String]?
    /// The seed article's allow-list pattern that covers the host; nil when none does.
    public var allowListPattern: String?
    /// The error codes WindowsUpdate.log shows for this host (`--log`); nil without.
    public var logErrors: [String]?
    /// Whether the Windows error tlsfit predicts is one the log shows; nil without log errors.
    public var matchesLog: Bool?
    /// What tlsfit could not know for this host (an empty saved profile...), in words; empty when nothing is unknown.
    public var warnings: [String] = []
    /// The configuration's verdict (the export against the host's profile): holds on the Windows
    /// machine's own network. Always set by the Diagnoser.
    public var configuration: ConfigurationVerdict? = nil
    /// What the machine running tlsfit measured (DNS, TCP, proxy, handshake); nil offline.
    public var fromHere: MeasurementFromHere? = nil

    public var succeeded: Bool { outcome == .ok }

    /// The Windows error this host would show: the first cause's, or the observed failure's; nil when it works.
    public var predictedWindowsError: String? {
        succeeded ? nil : (causes.first?.windowsError ?? observedFailure?.windowsError)
    }

    enum CodingKeys: String, CodingKey {
        case host, port, address, serverProfileSource, outcome, negotiated, predicted, predictedFailure, agrees,
            observedFailure
        case certificateRoot, causes, fixVerified, fixConfirmedOnWire, warnings
        case path, proxy, directOutcome, directFailure, wireNote, scheme, builtInProfile, assumedFacts, drift,
            allowListPattern
        case logErrors, matchesLog, configuration, fromHere
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decode(Int.self, forKey: .port)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        serverProfileSource = try c.decodeIfPresent(String.self, forKey: .serverProfileSource)
        outcome = try c.decode(HostOutcome.self, forKey: .outcome)
        negotiated = try c.decodeIfPresent(Negotiation.self, forKey: .negotiated)
        predicted = try c.decodeIfPresent(Negotiation.self, forKey: .predicted)
        predictedFailure = try c.decodeIfPresent(String.self, forKey: .predictedFailure)
        agrees = try c.decodeIfPresent(Bool.self, forKey: .agrees)
        observedFailure = try c.decodeIfPresent(ObservedFailure.self, forKey: .observedFailure)
        certificateRoot = try c.decodeIfPresent(String.self, forKey: .certificateRoot)
        causes = try c.decode([Cause].self, forKey: .causes)
        fixVerified = try c.decodeIfPresent(Bool.self, forKey: .fixVerified)
        fixConfirmedOnWire = try c.decodeIfPresent(Bool.self, forKey: .fixConfirmedOnWire)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        path = try c.decodeIfPresent(String.self, forKey: .path)
        proxy = try c.decodeIfPresent(ProxyExchange.self, forKey: .proxy)
        directOutcome = try c.decodeIfPresent(HostOutcome.self, forKey: .directOutcome)
        directFailure = try c.decodeIfPresent(ObservedFailure.self, forKey: .directFailure)
        wireNote = try c.decodeIfPresent(String.self, forKey: .wireNote)
        scheme = try c.decodeIfPresent(String.self, forKey: .scheme)
        builtInProfile = try c.decodeIfPresent(String.self, forKey: .builtInProfile)
        assumedFacts = try c.decodeIfPresent([EndpointFact].self, forKey: .assumedFacts)
        drift = try c.decodeIfPresent([String].self, forKey: .drift)
        allowListPattern = try c.decodeIfPresent(String.self, forKey: .allowListPattern)
        logErrors = try c.decodeIfPresent([String].self, forKey: .logErrors)
        matchesLog = try c.decodeIfPresent(Bool.self, forKey: .matchesLog)
        configuration = try c.decodeIfPresent(ConfigurationVerdict.self, forKey: .configuration)
        fromHere = try c.decodeIfPresent(MeasurementFromHere.self, forKey: .fromHere)
    }

    public init(
        host: String, port: Int, address: String?, serverProfileSource: String?, outcome: HostOutcome,
        negotiated: Negotiation?,
        predicted: Negotiation?, predictedFailure: String?, agrees: Bool?, observedFailure: ObservedFailure?,
        certificateRoot: String?,
        causes: [Cause], fixVerified: Bool?, fixConfirmedOnWire: Bool?, warnings: [String] = []
    ) {
        self.host = host
        self.port = port
        self.address = address
        self.serverProfileSource = serverProfileSource
        self.outcome = outcome
        self.negotiated = negotiated
        self.predicted = predicted
        self.predictedFailure = predictedFailure
        self.agrees = agrees
        self.observedFailure = observedFailure
        self.certificateRoot = certificateRoot
        self.causes = causes
        self.fixVerified = fixVerified
        self.fixConfirmedOnWire = fixConfirmedOnWire
        self.warnings = warnings
    }
}

/// The whole `tlsfit diagnose` result, as JSON.
public struct DiagnosisReport: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var windowsRelease: String
    public var windowsReleaseAssumed: Bool
    public var inputs: [String]
    /// One finding per cause code, grouping the hosts that fail for it (most hosts first).
    public var findings: [Finding]
    public var hosts: [HostDiagnosis]
    /// `client` (the Windows Update agent over WinHTTP) or `wsus` (a WSUS server's sync over .NET Framework).
    public var role: String?
    /// The stack whose protocol choice was modelled: `winhttp` or `dotnet-framework`.
    public var stack: String?
    /// `DisallowedCertLastSyncTime` and its age, when the inputs hold it.
    public var revocationListSync: RevocationListSync?
    /// What `--log WindowsUpdate.log` showed, when given.
    public var log: LogSummary?
    /// Ports whose every connection was refused or blocked (80 for content, 443 for the service): 0x80072EFD.
    public var blockedPorts: [Int]?
    /// Every configuration warning that can change the hello, with the causes it produces (shown first).
    public var configurationFindings: [ConfigurationFinding] = []
    /// Every host asked for (the role's, or the arguments): checked, predicted offline only, or skipped, and why.
    public var hostAccounts: [HostAccount] = []
    /// Whether this machine reached the hosts at all; nil offline.
    public var reachability: Reachability? = nil
    /// The machine's own WinHTTP against each host (`tlsfit collect -Probe` in a bundle) beside tlsfit's
    /// verdict; nil without a probe (then absent from the JSON).
    public var machineProbe: MachineProbeComparison?

    /// The WindowsUpdate.log facts a diagnosis used.
    public struct LogSummary: Sendable, Hashable, Codable {
        public var file: String
        /// `10.0.19045.2728`, from the request URLs.
        public var osVersion: String?
        /// The release that build maps to, and whether the build is exactly that release's.
        public var windowsRelease: String?
        public var windowsReleaseExact: Bool?
        /// Hosts the agent failed to reach, with their error codes.
        public var failures: [WindowsUpdateLog.HostFailure]
        public var newestTime: Date?

        public init(
            file: String, osVersion: String?, windowsRelease: String?, windowsReleaseExact: Bool?,
            failures: [WindowsUpdateLog.HostFailure], newestTime: Date?
        ) {
            self.file = file
            self.osVersion = osVersion
            self.windowsRelease = windowsRelease
            self.windowsReleaseExact = windowsReleaseExact
            self.failures = failures
            self.newestTime = newestTime
        }
    }

    public init(windowsRelease: WindowsRelease, windowsReleaseAssumed: Bool, inputs: [String], hosts: [HostDiagnosis]) {
        schemaVersion = JSONOutput.schemaVersion
        self.windowsRelease = windowsRelease.rawValue
        self.windowsReleaseAssumed = windowsReleaseAssumed
        self.inputs = inputs
        self.hosts = hosts
        self.findings = Finding.group(hosts)
        self.reachability = Reachability.evaluate(hosts)
        self.hostAccounts = hosts.map {
            HostAccount(
                status: $0.fromHere == nil ? .predicted : .checked, host: $0.host, port: $0.port,
                reason: $0.fromHere == nil ? "offline: simulated against its profile, no connection" : nil)
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, windowsRelease, windowsReleaseAssumed, inputs, findings, hosts, role, stack,
            revocationListSync, log, blockedPorts
        case configurationFindings, hostAccounts, reachability
        case machineProbe
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        windowsRelease = try c.decode(String.self, forKey: .windowsRelease)
        windowsReleaseAssumed = try c.decode(Bool.self, forKey: .windowsReleaseAssumed)
        inputs = try c.decode([String].self, forKey: .inputs)
        hosts = try c.decode([HostDiagnosis].self, forKey: .hosts)
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? Finding.group(hosts)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        stack = try c.decodeIfPresent(String.self, forKey: .stack)
        revocationListSync = try c.decodeIfPresent(RevocationListSync.self, forKey: .revocationListSync)
        log = try c.decodeIfPresent(LogSummary.self, forKey: .log)
        blockedPorts = try c.decodeIfPresent([Int].self, forKey: .blockedPorts)
        configurationFindings = try c.decodeIfPresent([ConfigurationFinding].self, forKey: .configurationFindings) ?? []
        hostAccounts = try c.decodeIfPresent([HostAccount].self, forKey: .hostAccounts) ?? []
        reachability = try c.decodeIfPresent(Reachability.self, forKey: .reachability)
        machineProbe = try c.decodeIfPresent(MachineProbeComparison.self, forKey: .machineProbe)
    }

    /// Every registry change of every fix, in order, duplicates removed: what `--fix-out` writes.
    public static func combinedChanges(_ hosts: [HostDiagnosis]) -> [RegFileWriter.Change] {
        var result: [RegFileWriter.Change] = []
        for host in hosts {
            for cause in host.causes {
                for change in cause.fix?.changes ?? [] {
                    // A later change to the same value replaces the earlier one.
                    result.removeAll {
                        $0.key.lowercased() == change.key.lowercased()
                            && $0.action.valueName?.lowercased() == change.action.valueName?.lowercased()
                    }
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

extension HostDiagnosis {
    /// A host with nothing measured yet (for checks that are not TLS handshakes, such as plain HTTP).
    public init(host: String, port: Int, outcome: HostOutcome) {
        self.init(
            host: host, port: port, address: nil, serverProfileSource: nil, outcome: outcome, negotiated: nil,
            predicted: nil,
            predictedFailure: nil, agrees: nil, observedFailure: nil, certificateRoot: nil, causes: [],
            fixVerified: nil,
            fixConfirmedOnWire: nil)
    }
}

extension HostDiagnosis.ObservedFailure {
    /// A plain-HTTP check's failure: a DNS error, or a connection Windows shows as 0x80072EFD.
    public static func plainHTTP(_ f: HandshakeFailure) -> Self {
        Self(
            stage: f.stage, kind: f.kind, alert: nil, detail: f.detail,
            windowsError: f.stage == .dns ? WindowsErrorMapping.nameNotResolved : WindowsErrorMapping.cannotConnect)
    }
}

/// One cause, with every host that fails for it: "14 hosts fail for the same reason".
public struct Finding: Sendable, Hashable, Codable {
    /// How much an administrator should care, a fixed vocabulary: `error` (the host fails for this
    /// reason), `risk` (the failure rests on an undocumented assumption, e.g. `policy-truncated`).
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
        case error, risk
    }

    public var code: CauseCode
    public var severity: Severity
    /// The cause in one line, without host names.
    public var title: String
    /// The error most hosts of this finding show as, and the others seen for the same cause.
    public var windowsError: String
    public var otherWindowsErrors: [String]
    /// `documented`, `observed` or `assumed`.
    public var windowsErrorEvidence: ErrorEvidence
    /// `host:port` of every host that fails for this cause, in the order of `hosts`.
    public var hosts: [String]
    /// The failure this cause produces (`unknown-suite-name` leads to `no-shared-cipher`); nil otherwise.
    public var leadsTo: CauseCode? = nil

    public var hostCount: Int { hosts.count }
    /// `configuration` (holds on the Windows machine's own network) or `this-machine` (measured here).
    public var vantage: Vantage { code.vantage }

    enum CodingKeys: String, CodingKey {
        case code, severity, title, windowsError, otherWindowsErrors, windowsErrorEvidence, hosts, leadsTo
    }

    public init(
        code: CauseCode, severity: Severity, title: String, windowsError: String, otherWindowsErrors: [String],
        windowsErrorEvidence: ErrorEvidence, hosts: [String]
    ) {
        self.code = code
        self.severity = severity
        self.title = title
        self.windowsError = windowsError
        self.otherWindowsErrors = otherWindowsErrors
        self.windowsErrorEvidence = windowsErrorEvidence
        self.hosts = hosts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(CauseCode.self, forKey: .code)
        severity = try c.decode(Severity.self, forKey: .severity)
        title = try c.decode(String.self, forKey: .title)
        windowsError = try c.decode(String.self, forKey: .windowsError)
        otherWindowsErrors = try c.decode([String].self, forKey: .otherWindowsErrors)
        windowsErrorEvidence = try c.decode(ErrorEvidence.self, forKey: .windowsErrorEvidence)
        hosts = try c.decode([String].self, forKey: .hosts)
        leadsTo = try c.decodeIfPresent(CauseCode.self, forKey: .leadsTo)
    }

    /// Groups the failing hosts by cause code: one finding per code, most hosts first, then in order of first appearance.
    public static func group(_ hosts: [HostDiagnosis]) -> [Finding] {
        var findings: [Finding] = []
        for h in hosts where !h.succeeded {
            for cause in h.causes {
                let target = "\(h.host):\(h.port)"
                if let i = findings.firstIndex(where: { $0.code == cause.code }) {
                    if !findings[i].hosts.contains(target) { findings[i].hosts.append(target) }
                    for e in [cause.windowsError] + cause.otherWindowsErrors
                    where e != findings[i].windowsError && !findings[i].otherWindowsErrors.contains(e) {
                        findings[i].otherWindowsErrors.append(e)
                    }
                    continue
                }
                let row = CauseErrorCatalog.shared.errors(for: cause.code)
                var finding = Finding(
                    code: cause.code, severity: cause.code == .policyTruncated ? .risk : .error, title: row.title,
                    windowsError: cause.windowsError, otherWindowsErrors: cause.otherWindowsErrors,
                    windowsErrorEvidence: cause.windowsErrorEvidence, hosts: [target])
                finding.leadsTo = cause.leadsTo
                findings.append(finding)
            }
        }
        // The configuration's findings first (they hold on the Windows machine's own network), then
        // what was measured here; within each, most hosts first.
        let order = Dictionary(uniqueKeysWithValues: findings.enumerated().map { ($1.code, $0) })
        func rank(_ f: Finding) -> Int { f.vantage == .configuration ? 0 : 1 }
        return findings.sorted {
            (-rank($0), $0.hostCount, -order[$0.code]!) > (-rank($1), $1.hostCount, -order[$1.code]!)
        }
    }
}

extension Finding: JSONDerivedFields {
    public enum DerivedKeys: String, CodingKey { case hostCount, vantage }
    public static var derivedFieldTypes: [(String, any Decodable.Type)] {
        [("hostCount", Int.self), ("vantage", Vantage.self)]
    }

    public func encodeDerived(into container: inout KeyedEncodingContainer<DerivedKeys>) throws {
        try container.encode(hostCount, forKey: .hostCount)
        try container.encode(vantage, forKey: .vantage)
    }
}
