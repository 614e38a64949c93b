/// A TLS (or SSL) protocol version, named as tlsfit prints it everywhere ("TLSv1.2").
public enum TLSVersion: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case ssl3 = "SSLv3"
    case tls10 = "TLSv1.0"
    case tls11 = "TLSv1.1"
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"

    /// The version number on the wire (RFC 8446 `ProtocolVersion`).
    public var wireValue: UInt16 {
        switch self {
        case .ssl3: 0x0300
        case .tls10: 0x0301
        case .tls11: 0x0302
        case .tls12: 0x0303
        case .tls13: 0x0304
        }
    }

    public init?(wireValue: UInt16) {
        guard let match = Self.allCases.first(where: { $0.wireValue == wireValue }) else { return nil }
        self = match
    }

    /// Accepts the spellings people type: "1.2", "tls1.2", "TLSv1.2", "TLS 1.2", "tls12", "ssl3".
    public init?(userText: String) {
        let t = userText.lowercased().filter { !" _-".contains($0) }
        switch t {
        case "ssl3", "sslv3", "ssl3.0", "sslv3.0", "3.0": self = .ssl3
        case "1", "1.0", "10", "tls1", "tlsv1", "tls1.0", "tlsv1.0", "tls10": self = .tls10
        case "1.1", "11", "tls1.1", "tlsv1.1", "tls11": self = .tls11
        case "1.2", "12", "tls1.2", "tlsv1.2", "tls12": self = .tls12
        case "1.3", "13", "tls1.3", "tlsv1.3", "tls13": self = .tls13
        default: return nil
        }
    }

    /// The name Windows uses for the protocol's SCHANNEL registry key ("TLS 1.2").
    public var schannelKeyName: String {
        switch self {
        case .ssl3: "SSL 3.0"
        case .tls10: "TLS 1.0"
        case .tls11: "TLS 1.1"
        case .tls12: "TLS 1.2"
        case .tls13: "TLS 1.3"
        }
    }

    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.wireValue < rhs.wireValue }
}
