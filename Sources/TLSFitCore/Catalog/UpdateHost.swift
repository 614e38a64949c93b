/// A concrete host the Windows Update client connects to.
public struct UpdateHost: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    public var purpose: String

    public init(host: String, port: Int, purpose: String) {
        self.host = host
        self.port = port
        self.purpose = purpose
    }
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
