/// `tlsfit suites hosts --format json`: the Windows Update hosts and the allow-list patterns.
public struct HostsJSON: Sendable, Codable {
    public var schemaVersion: Int
    public var patterns: [String]
    public var hosts: [UpdateHostEntry]

    public init(schemaVersion: Int, patterns: [String], hosts: [UpdateHostEntry]) {
        self.schemaVersion = schemaVersion
        self.patterns = patterns
        self.hosts = hosts
    }
}
