import FoundationEssentials

/// Everything one handshake attempt needs: where to dial, what name to present, what to offer.
///
/// Pure data: the handshake engine turns it into OpenSSL calls; the diagnosis builds it from a
/// Windows configuration.
public struct HandshakeRequest: Sendable, Hashable {
    /// The host name: used for SNI and certificate verification, and dialled unless `connectAddress` is set.
    public var host: String
    public var port: Int
    /// Dial this address instead of resolving `host` (curl's `--resolve`).
    public var connectAddress: String?
    public var connectPort: Int?
    /// The SNI to send; nil sends none.
    public var sni: String?
    public var minVersion: TLSVersion
    public var maxVersion: TLSVersion
    /// OpenSSL cipher string for TLS 1.2 and below; nil uses OpenSSL's default list.
    public var cipherString: String?
    /// OpenSSL TLS 1.3 ciphersuites string; nil uses OpenSSL's default.
    public var tls13CipherSuites: String?
    /// OpenSSL groups list (`X25519:P-256`); nil uses OpenSSL's default.
    public var groups: String?
    /// OpenSSL signature algorithms list (`RSA+SHA256:ECDSA+SHA256`); nil uses the default.
    public var signatureAlgorithms: String?
    /// Seconds for connect and handshake together (DNS counts too).
    public var timeout: Double
    /// PEM file of trust anchors; nil uses the system trust store.
    public var caFile: String?
    /// Verify the chain and name (the handshake completes either way; a failed check is reported).
    public var verifyCertificate: Bool
    /// Stop reading once the ServerHello told us what we need (scans): saves a round trip.
    public var stopAfterServerHello: Bool
    /// How to reach the server: direct, or through an HTTP proxy (already routed: the bypass list applied).
    public var path: NetworkPath = .direct

    public init(
        host: String, port: Int = 443, connectAddress: String? = nil, connectPort: Int? = nil, sni: String? = nil,
        minVersion: TLSVersion = .tls10, maxVersion: TLSVersion = .tls13, cipherString: String? = nil,
        tls13CipherSuites: String? = nil, groups: String? = nil, signatureAlgorithms: String? = nil,
        timeout: Double = 10, caFile: String? = nil, verifyCertificate: Bool = true, stopAfterServerHello: Bool = false
    ) {
        self.host = host
        self.port = port
        self.connectAddress = connectAddress
        self.connectPort = connectPort
        self.sni = sni
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.cipherString = cipherString
        self.tls13CipherSuites = tls13CipherSuites
        self.groups = groups
        self.signatureAlgorithms = signatureAlgorithms
        self.timeout = timeout
        self.caFile = caFile
        self.verifyCertificate = verifyCertificate
        self.stopAfterServerHello = stopAfterServerHello
    }

    /// The address and port that will be dialled.
    public var dialHost: String { connectAddress ?? host }
    public var dialPort: Int { connectPort ?? port }
}

/// `HOST[:PORT]`, `[v6]:PORT`, as typed on the command line.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[::1]:port`, `::1`; rejects empty names, bad ports, spaces and control characters.
    public init(parsing text: String, defaultPort: Int = 443, source: String = "host") throws(InputError) {
        let t = text.trimmingWhitespace()
        guard !t.isEmpty else { throw InputError(source: source, message: "empty host name") }
        var host = t
        var portText: String?
        if t.hasPrefix("[") {
            guard let close = t.firstIndex(of: "]") else {
                throw InputError(source: source, message: "'\(text)': missing ']' after IPv6 address")
            }
            host = String(t[t.index(after: t.startIndex)..<close])
            let rest = t[t.index(after: close)...]
            if rest.hasPrefix(":") {
                portText = String(rest.dropFirst())
            } else if !rest.isEmpty {
                throw InputError(source: source, message: "'\(text)': unexpected text after ']'")
            }
        } else if t.filter({ $0 == ":" }).count == 1, let colon = t.lastIndex(of: ":") {
            host = String(t[..<colon])
            portText = String(t[t.index(after: colon)...])
        }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw InputError(source: source, message: "'\(text)': port must be a number from 1 to 65535")
            }
            port = p
        }
        guard !host.isEmpty else { throw InputError(source: source, message: "'\(text)': empty host name") }
        guard host.utf8.count <= 253,
            host.unicodeScalars.allSatisfy({
                $0.value > 0x20 && $0.value < 0x7F && !"/\\@?#,;'\"`$".unicodeScalars.contains($0)
            })
        else {
            throw InputError(source: source, message: "'\(text)' is not a valid host name or address")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
