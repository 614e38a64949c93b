/// A ClientHello found in a capture file: the exact bytes the client sent, and where and when.
public struct CapturedClientHello: Sendable, Hashable {
    /// The TLS record(s) carrying the ClientHello, from the first record header (`16 03 0x ..`) to
    /// the last byte of the ClientHello handshake message. A hello split across several records
    /// keeps every record header, as on the wire.
    public var bytes: [UInt8]
    /// The client's address and port: `10.0.0.5:49712`, `[2001:db8::5]:49712`.
    public var source: String
    /// The server's address and port: `20.1.2.3:443`.
    public var destination: String
    /// The host name of the server_name extension (SNI), when the hello has one.
    public var serverName: String?
    /// When the packet that completed the hello was captured, in seconds since 1970 (UTC).
    public var timestamp: Double
    /// The 1-based number of the packet that completed the hello, as Wireshark numbers frames.
    public var packetNumber: Int
    /// How many TCP segments with data carried the hello (more than one for a hello split by the
    /// client or the network); retransmitted copies are not counted.
    public var segmentCount: Int
    /// When the client went through an HTTP proxy: the target of its `CONNECT` request
    /// (`fe2.update.microsoft.com:443`); `destination` is then the proxy. Nil for a direct connection.
    public var proxyConnectTarget: String?

    public init(
        bytes: [UInt8], source: String, destination: String, serverName: String?, timestamp: Double,
        packetNumber: Int, segmentCount: Int = 1, proxyConnectTarget: String? = nil
    ) {
        self.proxyConnectTarget = proxyConnectTarget
        self.bytes = bytes
        self.source = source
        self.destination = destination
        self.serverName = serverName
        self.timestamp = timestamp
        self.packetNumber = packetNumber
        self.segmentCount = segmentCount
    }

    /// The ClientHello handshake message (type 1, its 3-byte length, then the body), joined from
    /// the records' fragments: what a decoder reads when the record layer does not matter.
    public var handshakeMessage: [UInt8] { ClientHelloRecords.handshakeMessage(bytes) }
}

/// Something in a capture that was read past rather than believed: a hello cut off by the snapshot
/// length or by the end of the capture, a file that ends mid-packet, streams given up on.
public struct CaptureWarning: Sendable, Hashable, CustomStringConvertible {
    /// The packet the warning is about, when there is one (1-based, as Wireshark counts).
    public var packetNumber: Int?
    public var message: String

    public init(packetNumber: Int?, message: String) {
        self.packetNumber = packetNumber
        self.message = message
    }

    public var description: String {
        if let packetNumber { return "packet \(packetNumber): \(message)" }
        return message
    }
}

/// Everything `CaptureReader.read(path:)` found in one capture file.
public struct CaptureContents: Sendable, Hashable {
    /// In the order they were completed in the capture.
    public var clientHellos: [CapturedClientHello]
    public var warnings: [CaptureWarning]
    /// The number of packets read (every packet, not only TCP).
    public var packetCount: Int
    /// libpcap's name for the link-layer header type: `EN10MB`, `LINUX_SLL2`, `RAW`, `NULL`...
    public var linkType: String
}

/// Why a capture file cannot be read at all. Problems inside a readable file are warnings.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case fileNotFound
        case notReadable
        case notACapture
        case unsupportedLinkType
        /// libpcap itself could not be loaded (it is loaded when the first capture is opened).
        case libpcapMissing
    }

    public var code: Code
    /// The file as the caller named it.
    public var path: String
    /// What is wrong, for a person.
    public var reason: String

    public init(code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
