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
