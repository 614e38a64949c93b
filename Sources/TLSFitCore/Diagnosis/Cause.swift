/// Why a Windows client fails against a host: a fixed vocabulary, documented in the README, that only grows.
public enum CauseCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The TCP connection could not be made (firewall, proxy, port closed).
    case tcpBlocked = "tcp-blocked"
    /// Nothing came back in time.
    case timeout
    /// The host name did not resolve.
    case dns
    /// The protocol the server needs is disabled or not enabled for the client (Schannel
    /// `Protocols\...\Client`, or WinHTTP `DefaultSecureProtocols` on older releases).
    case protocolDisabled = "protocol-disabled"
    /// The client's suites and the server's have nothing in common.
    case noSharedCipher = "no-shared-cipher"
    /// A `SCHANNEL\Ciphers` switch removes the suites the server needs.
    case cipherDisabled = "cipher-disabled"
    /// A `SCHANNEL\Hashes` switch removes the suites the server needs.
    case hashDisabled = "hash-disabled"
    /// A `SCHANNEL\KeyExchangeAlgorithms` switch removes the suites the server needs.
    case keyExchangeDisabled = "key-exchange-disabled"
    /// The list names suites the server accepts but this Windows release does not have.
    case unsupportedByRelease = "unsupported-by-release"
    /// The suites in common need an elliptic curve the client does not offer (`EccCurves`).
    case noSharedGroup = "no-shared-group"
    /// The suite the server needs is named past the 1023-character Group Policy field limit.
    case policyTruncated = "policy-truncated"
    /// The certificate chain does not lead to a trusted root (TLS inspection included).
    case certificateUntrusted = "certificate-untrusted"
    /// The protocol is enabled under `Server`, but the `Client` key is what outgoing connections read.
    case serverOnlySetting = "server-only-setting"
    /// The server aborted the handshake for a reason tlsfit cannot pin on the configuration.
    case tlsAborted = "tls-aborted"
    /// Schannel's Client key has the protocol on, but WinHTTP (Windows 7 / 2008 R2 / 8 / 2012) does
    /// not use it: `DefaultSecureProtocols` is absent or leaves it out (KB3140245).
    case winHTTPDefaultProtocols = "winhttp-default-protocols"
    /// A Windows 7 / 8.1 list names ECDHE suites without the `_P256`/`_P384` suffix those releases
    /// know them by, so Schannel ignores them.
    case curveSuffixMissing = "curve-suffix-missing"

    /// The proxy refuses the `CONNECT` (403, or the host is not on its allow-list).
    case proxyBlocked = "proxy-blocked"
    /// The proxy itself cannot be reached.
    case proxyUnreachable = "proxy-unreachable"
    /// The proxy asks for authentication (407) the update agent cannot give.
    case proxyAuth = "proxy-auth"
    /// The proxy cannot resolve the update host's name (its own DNS).
    case proxyNameNotResolved = "proxy-name-not-resolved"
    /// WinHTTP has no proxy, but this network reaches the host only through one.
    case winHTTPProxyMissing = "winhttp-proxy-missing"
    /// A host that serves update content over plain HTTP cannot be reached on port 80.
    case httpBlocked = "http-blocked"
    /// Revocation checks fail offline: the disallowed-certificate list (`AuthRoot\AutoUpdate`
    /// `DisallowedCertLastSyncTime`) is more than 24 hours old (CRYPT_E_REVOCATION_OFFLINE 0x80092013 underneath).
    case revocationOffline = "revocation-offline"
    /// .NET Framework (a WSUS server's sync) offers only old protocols: `SchUseStrongCrypto` /
    /// `SystemDefaultTlsVersions` are not set.
    case dotNetLegacyTLS = "dotnet-legacy-tls"
    /// The suite order names a suite Schannel does not know (a typo): Schannel skips the name, so
    /// the suite it meant is not offered and nothing is in common with the server (`leadsTo`:
    /// `no-shared-cipher`).
    case unknownSuiteName = "unknown-suite-name"

    /// The Windows Update error this cause most likely shows as (from `cause-errors.tsv`).
    public var windowsError: String { CauseErrorCatalog.shared.errors(for: self).primary }

    /// Where a cause is established: `configuration` (the export against the host's profile; holds
    /// on the Windows machine's own network) or `this-machine` (measured from the machine running
    /// tlsfit: DNS, TCP, the proxy, what answered the handshake).
    public var vantage: Vantage {
        switch self {
        case .tcpBlocked, .timeout, .dns, .certificateUntrusted, .tlsAborted, .proxyBlocked, .proxyUnreachable,
            .proxyAuth,
            .proxyNameNotResolved, .winHTTPProxyMissing, .httpBlocked:
            .thisMachine
        case .protocolDisabled, .noSharedCipher, .cipherDisabled, .hashDisabled, .keyExchangeDisabled,
            .unsupportedByRelease,
            .noSharedGroup, .policyTruncated, .serverOnlySetting, .winHTTPDefaultProtocols, .curveSuffixMissing,
            .revocationOffline, .dotNetLegacyTLS, .unknownSuiteName:
            .configuration
        }
    }
}

/// The two vantage points of a diagnosis, never mixed: the configuration (what the export does
/// against a host's profile, wherever the machine is) and the measurement from the machine running
/// tlsfit (its DNS, its route, its proxy).
public enum Vantage: String, Sendable, Hashable, Codable, CaseIterable {
    case configuration
    case thisMachine = "this-machine"
}

/// One setting (or observation) that shows a cause: where it is and what it says.
public struct Evidence: Sendable, Hashable, Codable {
    /// The input file; nil for a release default or an observation of the server.
    public var file: String?
    public var line: Int?
    /// Record number in a Registry.pol file.
    public var record: Int?
    public var key: String
    public var value: String

    public init(file: String?, line: Int? = nil, record: Int? = nil, key: String, value: String) {
        self.file = file
        self.line = line
        self.record = record
        self.key = key
        self.value = value
    }

    public init(_ p: Provenance, line: Int? = nil) {
        self.init(file: p.file, line: line ?? p.line, record: p.record, key: p.key, value: p.value)
    }

    /// `file:line` (or a description of where the fact came from).
    public var location: String {
        guard let file else { return "(default)" }
        if let line { return "\(file):\(line)" }
        if let record { return "\(file) record \(record)" }
        return file
    }
}

/// The smallest change that removes a cause, in three forms.
public struct Fix: Sendable, Hashable, Codable {
    /// The change in words.
    public var description: String
    /// The registry changes (not in JSON: `reg` is their text).
    public var changes: [RegFileWriter.Change]
    /// A regedit 5.00 snippet; nil when the fix is not a registry change.
    public var reg: String?
    /// The corrected "SSL Cipher Suite Order" string, when the fix changes the suite order.
    public var gpo: String?
    /// True when re-simulating with this fix (and the fixes listed before it) applied succeeds.
    public var verified: Bool
    /// Where the change has to be made (`FixScope`); nil when the fix is not a registry change.
    public var scope: FixScope?
    /// That place in words: the Group Policy setting's path, or how to change the value locally.
    public var scopeNote: String?

    public init(description: String, changes: [RegFileWriter.Change] = [], gpo: String? = nil, verified: Bool = false) {
        self.description = description
        self.changes = changes
        self.reg = changes.isEmpty ? nil : RegFileWriter.text(changes)
        self.gpo = gpo
        self.verified = verified
        (self.scope, self.scopeNote) = FixScope.of(changes)
    }

    enum CodingKeys: String, CodingKey { case description, reg, gpo, verified, scope, scopeNote }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decode(String.self, forKey: .description)
        reg = try c.decodeIfPresent(String.self, forKey: .reg)
        gpo = try c.decodeIfPresent(String.self, forKey: .gpo)
        verified = try c.decode(Bool.self, forKey: .verified)
        scope = try c.decodeIfPresent(FixScope.self, forKey: .scope)
        scopeNote = try c.decodeIfPresent(String.self, forKey: .scopeNote)
        changes = []
    }
}

/// One reason a host fails, with its evidence and fix.
public struct Cause: Sendable, Hashable, Codable {
    public var code: CauseCode
    /// One sentence.
    public var summary: String
    /// What happens and why, in plain words, for an administrator.
    public var explanation: String
    /// The Windows error this cause most likely shows as.
    public var windowsError: String
    /// Other errors observed for the same cause (never a contradiction of `windowsError`: the same failure seen differently).
    public var otherWindowsErrors: [String]
    /// How sure the error mapping is: `documented`, `observed` or `assumed` (`cause-errors.tsv`).
    public var windowsErrorEvidence: ErrorEvidence
    /// Where the error mapping comes from.
    public var windowsErrorSource: String
    public var evidence: [Evidence]
    /// For suite causes: the client's suites (IANA names, client order) at the negotiated version.
    public var clientSuites: [String]?
    /// For suite causes: the server's suites (IANA names, server order) at that version.
    public var serverSuites: [String]?
    /// The server's suites this release could offer: the nearest change that fixes it.
    public var nearestSuites: [String]?
    /// For certificate causes: the subject of the root the chain ends at.
    public var rootSubject: String?
    public var fix: Fix?
    /// The failure this cause produces when it is the root of another (`unknown-suite-name` leads to
    /// `no-shared-cipher`); nil otherwise.
    public var leadsTo: CauseCode?

    /// `configuration` or `this-machine`: where the cause is established (from the code).
    public var vantage: Vantage { code.vantage }

    public init(
        code: CauseCode, summary: String, explanation: String, evidence: [Evidence], clientSuites: [String]? = nil,
        serverSuites: [String]? = nil, nearestSuites: [String]? = nil, rootSubject: String? = nil, fix: Fix? = nil,
        leadsTo: CauseCode? = nil
    ) {
        self.code = code
        self.summary = summary
        self.explanation = explanation
        let errors = CauseErrorCatalog.shared.errors(for: code)
        self.windowsError = errors.primary
        self.otherWindowsErrors = errors.others
        self.windowsErrorEvidence = errors.evidence
        self.windowsErrorSource = errors.source
        self.evidence = evidence
        self.clientSuites = clientSuites
        self.serverSuites = serverSuites
        self.nearestSuites = nearestSuites
        self.rootSubject = rootSubject
        self.fix = fix
        self.leadsTo = leadsTo
    }

    /// Uses the errors of another context (`cause-errors.tsv`), e.g. when no ClientHello is sent.
    public mutating func applyErrors(context: String) {
        let errors = CauseErrorCatalog.shared.errors(for: code, context: context)
        windowsError = errors.primary
        otherWindowsErrors = errors.others.filter { $0 != errors.primary }
        windowsErrorEvidence = errors.evidence
        windowsErrorSource = errors.source
    }

    enum CodingKeys: String, CodingKey {
        case code, summary, explanation, windowsError, otherWindowsErrors, windowsErrorEvidence, windowsErrorSource,
            evidence
        case clientSuites, serverSuites, nearestSuites, rootSubject, fix, leadsTo
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(CauseCode.self, forKey: .code)
        summary = try c.decode(String.self, forKey: .summary)
        explanation = try c.decode(String.self, forKey: .explanation)
        let errors = CauseErrorCatalog.shared.errors(for: code)
        windowsError = try c.decodeIfPresent(String.self, forKey: .windowsError) ?? errors.primary
        otherWindowsErrors = try c.decodeIfPresent([String].self, forKey: .otherWindowsErrors) ?? errors.others
        windowsErrorEvidence =
            try c.decodeIfPresent(ErrorEvidence.self, forKey: .windowsErrorEvidence) ?? errors.evidence
        windowsErrorSource = try c.decodeIfPresent(String.self, forKey: .windowsErrorSource) ?? errors.source
        evidence = try c.decode([Evidence].self, forKey: .evidence)
        clientSuites = try c.decodeIfPresent([String].self, forKey: .clientSuites)
        serverSuites = try c.decodeIfPresent([String].self, forKey: .serverSuites)
        nearestSuites = try c.decodeIfPresent([String].self, forKey: .nearestSuites)
        rootSubject = try c.decodeIfPresent(String.self, forKey: .rootSubject)
        fix = try c.decodeIfPresent(Fix.self, forKey: .fix)
        leadsTo = try c.decodeIfPresent(CauseCode.self, forKey: .leadsTo)
    }
}

extension Cause: JSONDerivedFields {
    public enum DerivedKeys: String, CodingKey { case vantage }
    public static var derivedFieldTypes: [(String, any Decodable.Type)] { [("vantage", Vantage.self)] }

    public func encodeDerived(into container: inout KeyedEncodingContainer<DerivedKeys>) throws {
        try container.encode(vantage, forKey: .vantage)
    }
}
