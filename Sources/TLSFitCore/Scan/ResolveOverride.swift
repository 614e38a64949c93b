import FoundationEssentials

/// `HOST[:PORT]=ADDRESS[:PORT]`: dial `ADDRESS` for `HOST` while keeping the name for SNI and
/// certificate verification, as curl's `--resolve` does.
///
/// Shared by every command that connects (`scan`, `diagnose`, `report`).
public struct ResolveOverride: Sendable, Hashable, CustomStringConvertible {
    /// The name the override applies to (compared without regard to case).
    public var host: String
    /// When set, the override applies only to this port of `host`.
    public var port: Int?
    /// The address (or name) to dial instead.
    public var address: String
    /// The port to dial; nil keeps the target's port.
    public var addressPort: Int?

    public init(host: String, port: Int? = nil, address: String, addressPort: Int? = nil) {
        self.host = host
        self.port = port
        self.address = address
        self.addressPort = addressPort
    }

    /// Parses `fe2.update.microsoft.com=127.0.0.1:8443`, `host:443=[::1]:8443`, `host=10.0.0.5`.
    public init(parsing text: String, source: String = "--resolve") throws(InputError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(source: source, message: "'\(text)': expected HOST=ADDRESS[:PORT]")
        }
        let left = String(text[..<equals])
        let right = String(text[text.index(after: equals)...])
        guard !right.isEmpty else { throw InputError(source: source, message: "'\(text)': missing address after '='") }
        // A port on the left is optional; without one the override covers every port of the host.
        let name = try HostPort(parsing: left, defaultPort: 0, source: source)
        let target = try HostPort(parsing: right, defaultPort: 0, source: source)
        self.host = name.host
        self.port = name.port == 0 ? nil : name.port
        self.address = target.host
        self.addressPort = target.port == 0 ? nil : target.port
    }

    /// True when this override redirects `host:port`.
    public func applies(to host: String, port: Int) -> Bool {
        self.host.equalsIgnoringCase(host) && (self.port == nil || self.port == port)
    }

    public var description: String {
        let name = port.map { HostPort(host: host, port: $0).description } ?? host
        let target =
            addressPort.map { HostPort(host: address, port: $0).description }
            ?? (address.contains(":") ? "[\(address)]" : address)
        return "\(name)=\(target)"
    }

    /// The first override in `overrides` that applies to `host:port`.
    public static func match(_ overrides: [ResolveOverride], host: String, port: Int) -> ResolveOverride? {
        overrides.first { $0.applies(to: host, port: port) }
    }
}
