/// What happened on one connection to a local server, for its log.
public struct ServerConnectionEvent: Sendable {
    public enum Result: Sendable, Equatable {
        /// The handshake completed with this version and suite (IANA name).
        case negotiated(version: String, cipher: String)
        /// The handshake failed: OpenSSL's reason, or what the client did.
        case refused(String)
        /// The handshake did not end by the deadline.
        case timedOut(String)
        /// Closed at once: this many connections were already being served.
        case overCapacity(open: Int)
        /// Closed before its ClientHello was whole (idle or dripping) to give its slot to a newer connection: every slot was taken.
        case evicted(open: Int)
    }

    /// `127.0.0.1:53422`.
    public var peer: String
    /// The ClientHello as read from the first record; nil when none could be read.
    public var offered: OfferedClientHello?
    /// The first name of the host that served the connection; nil when none did.
    public var servedHost: String?
    public var result: Result

    public init(peer: String, offered: OfferedClientHello?, servedHost: String?, result: Result) {
        self.peer = peer
        self.offered = offered
        self.servedHost = servedHost
        self.result = result
    }
}
