import FoundationEssentials

/// The JSON shape of `tlsfit hello --pcap FILE`: every ClientHello found in a capture, where it was
/// seen, its decode and the closest Windows releases. A public interface, documented in the README.
public struct CaptureHelloReport: Sendable, Codable {
    /// One ClientHello of the capture.
    public struct Entry: Sendable, Codable {
        /// The 1-based frame number of the packet that completed the hello (Wireshark's `frame.number`).
        public var packetNumber: Int
        /// Seconds since 1970 (UTC), from the capture.
        public var timestamp: Double
        /// `10.0.0.5:49712`.
        public var source: String
        /// `20.1.2.3:443`; the proxy's address when the hello followed a `CONNECT`.
        public var destination: String
        /// `host:443` of the proxy `CONNECT` the hello followed; null for a direct connection.
        public var proxyConnectTarget: String?
        /// The decode, fingerprints and ranking; null when the bytes are not a ClientHello tlsfit can decode.
        public var hello: ClientHelloReport?
        /// Why the hello could not be decoded; null when it was.
        public var error: String?

        public init(
            packetNumber: Int, timestamp: Double, source: String, destination: String, proxyConnectTarget: String?,
            hello: ClientHelloReport?, error: String?
        ) {
            self.packetNumber = packetNumber
            self.timestamp = timestamp
            self.source = source
            self.destination = destination
            self.proxyConnectTarget = proxyConnectTarget
            self.hello = hello
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case packetNumber, timestamp, source, destination, proxyConnectTarget, hello, error
        }
    }

    public var schemaVersion: Int
    /// The capture file, as given.
    public var file: String
    /// Packets read.
    public var packetCount: Int
    /// The capture's link type (`EN10MB`, `LINUX_SLL2`...).
    public var linkType: String
    /// What could not be read (a hello cut by the snapshot length, a file that ends mid-packet...).
    public var warnings: [String]
    public var clientHellos: [Entry]

    public init(file: String, packetCount: Int, linkType: String, warnings: [String], clientHellos: [Entry]) {
        schemaVersion = JSONOutput.schemaVersion
        self.file = file
        self.packetCount = packetCount
        self.linkType = linkType
        self.warnings = warnings
        self.clientHellos = clientHellos
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, file, packetCount, linkType, warnings, clientHellos
    }
}
