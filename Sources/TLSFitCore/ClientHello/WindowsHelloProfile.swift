/// How sure tlsfit is of one fact about a Windows ClientHello (a column of `windows-hello.tsv`).
public enum FactConfidence: String, Sendable, Hashable, Codable, CaseIterable {
    /// Seen in a real capture.
    case captured
    /// Microsoft's documentation says so.
    case documented
    /// Public fingerprint collections or write-ups say so; no capture at hand.
    case reported
    /// No source: tlsfit's best guess. Output that rests on it says so.
    case assumed
}

/// One fact with where it comes from.
public struct HelloFact<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var confidence: FactConfidence
    public var source: String
}

/// The extensions Schannel sends, by name as `windows-hello.tsv` writes them.
public enum HelloExtensionKind: String, Sendable, Hashable, CaseIterable {
    case serverName = "server_name"
    case statusRequest = "status_request"
    case supportedGroups = "supported_groups"
    case ecPointFormats = "ec_point_formats"
    case signatureAlgorithms = "signature_algorithms"
    case sessionTicket = "session_ticket"
    case extendedMasterSecret = "extended_master_secret"
    case renegotiationInfo = "renegotiation_info"
    case supportedVersions = "supported_versions"
    case pskKeyExchangeModes = "psk_key_exchange_modes"
    case keyShare = "key_share"
    case postHandshakeAuth = "post_handshake_auth"

    /// The IANA extension type.
    public var code: UInt16 {
        switch self {
        case .serverName: 0x0000
        case .statusRequest: 0x0005
        case .supportedGroups: 0x000A
        case .ecPointFormats: 0x000B
        case .signatureAlgorithms: 0x000D
        case .sessionTicket: 0x0023
        case .extendedMasterSecret: 0x0017
        case .renegotiationInfo: 0xFF01
        case .supportedVersions: 0x002B
        case .pskKeyExchangeModes: 0x002D
        case .keyShare: 0x0033
        case .postHandshakeAuth: 0x0031
        }
    }
}

/// What one Windows release's Schannel (for WinHTTP) puts into its ClientHello besides the suites.
public struct WindowsHelloProfile: Sendable, Hashable {
    /// The profile name (`schannel-win10`).
    public var name: String
    /// Extension order; those that do not apply to a given hello are left out.
    public var extensions: HelloFact<[HelloExtensionKind]>
    /// signature_algorithms in wire order.
    public var signatureAlgorithms: HelloFact<[UInt16]>
    public var pointFormats: HelloFact<[UInt8]>
    /// TLS 1.3 key shares (group ids), empty before TLS 1.3.
    public var keyShares: HelloFact<[UInt16]>
    public var pskModes: HelloFact<[UInt8]>
    /// 0 or 32.
    public var sessionIDLength: HelloFact<Int>
    /// nil: the record says the hello's own version.
    public var recordVersion: HelloFact<UInt16?>
    /// WinHTTP asks for OCSP stapling.
    public var statusRequest: HelloFact<Bool>
    /// WinHTTP sends the session_ticket extension.
    public var sessionTicket: HelloFact<Bool>
    /// WinHTTP's protocols when `DefaultSecureProtocols` is not set.
    public var winHTTPProtocols: HelloFact<[TLSVersion]>
    /// What changed with updates, oldest first (empty: one hello for every patch level).
    public var patchLevels: [HelloPatchLevel] = []
    /// What each stack changes (`stack:NAME` rows).
    public var stacks: [ClientStack: HelloStackFacts] = [:]
    /// The release's general-availability date (`YYYY-MM-DD`), when known.
    public var released: HelloFact<String>?

    /// The patch level a `UBR` selects: the newest dated at or below it; without a UBR, or when no level
    /// is dated by one, the newest known (`dated` false). nil when the release has no patch levels.
    public func patchLevel(ubr: Int?) -> (level: HelloPatchLevel, dated: Bool)? {
        guard let newest = patchLevels.last else { return nil }
        if let ubr, patchLevels.contains(where: { $0.ubr != nil }) {
            if let hit = patchLevels.last(where: { ($0.ubr ?? Int.max) <= ubr }) { return (hit, true) }
            return (patchLevels[0], true)
        }
        return (newest, false)
    }

    public func patchLevel(named name: String) -> HelloPatchLevel? {
        patchLevels.first { $0.name == name }
    }

    /// Every fact with its field name, for output that lists sources and assumptions.
    public var facts: [(field: String, confidence: FactConfidence, source: String)] {
        [
            ("extensions", extensions.confidence, extensions.source),
            ("signature_algorithms", signatureAlgorithms.confidence, signatureAlgorithms.source),
            ("point_formats", pointFormats.confidence, pointFormats.source),
            ("key_shares", keyShares.confidence, keyShares.source),
            ("psk_modes", pskModes.confidence, pskModes.source),
            ("session_id", sessionIDLength.confidence, sessionIDLength.source),
            ("record_version", recordVersion.confidence, recordVersion.source),
            ("status_request", statusRequest.confidence, statusRequest.source),
            ("session_ticket", sessionTicket.confidence, sessionTicket.source),
            ("winhttp_protocols", winHTTPProtocols.confidence, winHTTPProtocols.source),
        ]
    }
}

/// One patch level of a release's hello (`PROFILE@LEVEL` rows of `windows-hello.tsv`): what updates changed.
public struct HelloPatchLevel: Sendable, Hashable {
    /// `2023`, `2024-06`.
    public var name: String
    /// `YYYY-MM` of the evidence (orders the levels; a capture older than this cannot show it).
    public var date: HelloFact<String>
    /// The first update build revision with it, when known.
    public var ubr: Int?
    public var signatureAlgorithms: HelloFact<[UInt16]>?
    /// The default suite list at this level (a list of `windows-suites.tsv`), when it differs from the release's.
    public var suiteList: HelloFact<String>?
    public var suiteOrder: [WindowsSuiteSupport]?

    /// Every fact with its field name.
    public var facts: [(field: String, confidence: FactConfidence, source: String)] {
        var out: [(field: String, confidence: FactConfidence, source: String)] = [
            ("date", date.confidence, date.source)
        ]
        if let s = signatureAlgorithms { out.append(("signature_algorithms", s.confidence, s.source)) }
        if let s = suiteList { out.append(("suite_list", s.confidence, s.source)) }
        return out
    }
}

/// What one stack changes in the hello (`stack:NAME` rows of `windows-hello.tsv`).
public struct HelloStackFacts: Sendable, Hashable {
    public enum Protocols: String, Sendable, Hashable {
        /// WinHTTP's defaults or `DefaultSecureProtocols`.
        case winhttp
        /// Schannel's client defaults.
        case schannel
        /// Every protocol Schannel has enabled, TLS 1.0 and later (the application asks for them).
        case enabled
        /// `SchUseStrongCrypto` / `SystemDefaultTlsVersions`.
        case dotNetFramework = "dotnet-framework"
    }

    public enum StrongCrypto: String, Sendable, Hashable {
        case yes, no
        /// From `SchUseStrongCrypto` in the registry.
        case registry
    }

    public var stack: ClientStack
    public var protocols: HelloFact<Protocols>
    /// Kinds of suites the application leaves out: `DHE`, `RC4`, `3DES`.
    public var dropSuites: HelloFact<[String]>
    public var strongCrypto: HelloFact<StrongCrypto>
    public var statusRequest: HelloFact<Bool>?
    public var sessionTicket: HelloFact<Bool>?
    public var pointFormats: HelloFact<[UInt8]>?

    /// True when the stack leaves the suite out.
    public func drops(_ suite: CipherSuite) -> Bool {
        for kind in dropSuites.value {
            switch kind {
            case "DHE": if suite.keyExchange == "DHE" { return true }
            case "RC4": if suite.encryption.uppercased().hasPrefix("RC4") { return true }
            case "3DES": if suite.encryption.uppercased().contains("3DES") { return true }
            default: break
            }
        }
        return false
    }

    public var facts: [(field: String, confidence: FactConfidence, source: String)] {
        var out: [(field: String, confidence: FactConfidence, source: String)] = [
            ("protocols", protocols.confidence, protocols.source),
            ("drop_suites", dropSuites.confidence, dropSuites.source),
            ("strong_crypto", strongCrypto.confidence, strongCrypto.source),
        ]
        if let s = statusRequest { out.append(("status_request", s.confidence, s.source)) }
        if let s = sessionTicket { out.append(("session_ticket", s.confidence, s.source)) }
        if let s = pointFormats { out.append(("point_formats", s.confidence, s.source)) }
        return out
    }
}
