import FoundationEssentials

/// What one protocol version of a server accepts.
public struct ProtocolSupport: Sendable, Hashable, Codable {
    public var accepted: Bool
    /// IANA names of the accepted suites, in the server's preference order when it enforces one,
    /// otherwise in the order they were found.
    public var cipherSuites: [String]

    public init(accepted: Bool, cipherSuites: [String] = []) {
        self.accepted = accepted
        self.cipherSuites = cipherSuites
    }
}

/// What a scan measured about one server: the server side of every simulation.
///
/// Serialized as the `hosts[]` entries of `tlsfit scan --format json`, and as the file written by
/// `--save`, so that `diagnose` and `report` can run offline from it later.
public struct ServerProfile: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var host: String
    public var port: Int
    /// The address that was measured (`20.72.235.82:443`), nil for built-in profiles.
    public var address: String?
    public var scannedAt: Date
    /// The machine (host name) the scan ran from.
    public var scannedFrom: String?
    /// `scan` for a live measurement, `built-in` for a profile shipped with tlsfit, `file` when loaded.
    public var source: String
    /// Free text: what tool and library measured it, or where built-in data came from.
    public var sourceDetail: String?
    /// Keyed by `TLSVersion.rawValue` ("TLSv1.2").
    public var protocols: [String: ProtocolSupport]
    /// Per protocol: true when the server enforces its own suite order, false when it follows the client's.
    public var serverPreference: [String: Bool]
    /// Key-exchange groups accepted (IANA names such as `x25519`, `secp256r1`), in the server's order when known.
    public var groups: [String]
    public var certificate: CertificateReport?
    /// Connections the scan used.
    public var connections: Int
    public var durationMs: Double
    /// Problems met during the scan (a timeout on one probe...), as text; the scan goes on.
    public var errors: [String]
    /// The path the scan took: `direct`, or the proxy (`http://10.0.0.8:3128`); nil for built-in
    /// profiles and files saved before tlsfit recorded it.
    public var path: String?

    public init(
        host: String, port: Int, address: String? = nil, scannedAt: Date = Date(), scannedFrom: String? = nil,
        source: String = "scan", sourceDetail: String? = nil, protocols: [String: ProtocolSupport] = [:],
        serverPreference: [String: Bool] = [:], groups: [String] = [], certificate: CertificateReport? = nil,
        connections: Int = 0, durationMs: Double = 0, errors: [String] = []
    ) {
        self.schemaVersion = JSONOutput.schemaVersion
        self.host = host
        self.port = port
        self.address = address
        self.scannedAt = scannedAt
        self.scannedFrom = scannedFrom
        self.source = source
        self.sourceDetail = sourceDetail
        self.protocols = protocols
        self.serverPreference = serverPreference
        self.groups = groups
        self.certificate = certificate
        self.connections = connections
        self.durationMs = durationMs
        self.errors = errors
    }

    public func accepts(_ version: TLSVersion) -> Bool { protocols[version.rawValue]?.accepted ?? false }

    /// Accepted protocol versions, highest first.
    public var acceptedVersions: [TLSVersion] { TLSVersion.allCases.reversed().filter(accepts) }

    /// IANA names of the suites accepted with `version`, in the order recorded.
    public func cipherSuites(for version: TLSVersion) -> [String] { protocols[version.rawValue]?.cipherSuites ?? [] }

    /// Whether the server picks by its own order for `version` (false: it follows the client's).
    public func enforcesOrder(_ version: TLSVersion) -> Bool { serverPreference[version.rawValue] ?? false }

    /// `RSA`, `EC`... of the leaf certificate, when known.
    public var certificateKeyType: String? { certificate?.chain.first?.keyType }
}
