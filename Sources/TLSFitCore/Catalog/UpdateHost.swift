/// A Windows Update host from `update-hosts.tsv`: where it listens, over what, and who contacts it.
public struct UpdateHost: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    public var purpose: String
    /// `https` (checked with TLS) or `http` (content served in the clear: checked with a TCP connect
    /// and a plain HTTP request).
    public var scheme: String
    /// What the host does: `service-locator`, `client-metadata`, `wsus-upstream`, `content`,
    /// `trust-lists`, `delivery-optimization`, `web-site`, `other`.
    public var roles: [String]
    /// Who contacts it: `windows-10+`, `before-windows-10`, `all`, `wsus`; empty: nobody by default.
    public var agents: [String]
    /// Where the row's facts come from.
    public var source: String

    public init(
        host: String, port: Int, purpose: String, scheme: String = "https", roles: [String] = [], agents: [String] = [],
        source: String = ""
    ) {
        self.host = host
        self.port = port
        self.purpose = purpose
        self.scheme = scheme
        self.roles = roles
        self.agents = agents
        self.source = source
    }

    /// True when the host serves in the clear (port 80): checked without TLS.
    public var isPlainHTTP: Bool { scheme == "http" }
}

/// A Windows error code a TLS failure shows up as, with what it means for tlsfit.
public struct WindowsErrorCode: Sendable, Hashable, Codable {
    /// "0x80072EFE".
    public var code: String
    /// "ERROR_INTERNET_CONNECTION_ABORTED (12030)".
    public var name: String
    public var meaning: String

    public init(code: String, name: String, meaning: String) {
        self.code = code
        self.name = name
        self.meaning = meaning
    }
}
