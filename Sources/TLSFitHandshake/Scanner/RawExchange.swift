import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One connection that sends hand-built bytes and reads the server's first answer: a ServerHello, an
/// alert, a close, a reset, bytes that are not TLS, or silence until the deadline. Used by the legacy
/// suite scan and by the exact Windows ClientHello.
enum RawExchange {
    enum Answer: Sendable, Hashable {
        case serverHello(RawServerHello)
        case alert(level: UInt8, description: UInt8)
        /// Bytes that are not a ServerHello.
        case invalid(String)
        case closed(received: Int)
        case reset(String)
        /// Nothing (or not enough) before the deadline.
        case silence(received: Int)
        /// DNS or TCP failed: no ClientHello was sent.
        case connectFailed(HandshakeFailure)
        /// The ClientHello could not be written.
        case writeFailed(String, timeout: Bool)
    }

    struct Result: Sendable {
        var answer: Answer
        /// The address dialled (`127.0.0.1:8443`; the proxy's, through a proxy).
        var address: String?
        var dnsMs: Double?
        var connectMs: Double?
        var exchangeMs: Double?
        var totalMs: Double
        /// The `CONNECT` exchange, when the path is a proxy.
        var proxy: ProxyExchange?
    }

    /// The most read: a ServerHello is far smaller, a Certificate may follow.
    static let readLimit = 64 * 1024

    static func run(host: String, port: Int, bytes: [UInt8], timeout: Double, path: NetworkPath = .direct,
                    onConnect: () -> Void = {}) -> Result {
        _ = ignoreSIGPIPE
        let started = Deadline.now
        let deadline = Deadline(seconds: timeout)
        var timings = HandshakeTimings(totalMs: 0)
        onConnect()
        let dialed = Dialer.open(dialHost: host, dialPort: port, path: path, deadline: deadline, timings: &timings)
        func done(_ answer: Answer, exchange: Double? = nil) -> Result {
            Result(answer: answer, address: dialed.address, dnsMs: timings.dnsMs, connectMs: timings.connectMs, exchangeMs: exchange,
                   totalMs: Deadline.millisecondsSince(started), proxy: dialed.exchange)
        }
        let fd: Int32
        switch dialed.result {
        case .success(let socket): fd = socket
        case .failure(let failure): return done(.connectFailed(failure))
        }
        defer { close(fd) }
        let exchangeStart = Deadline.now
        func finish(_ answer: Answer) -> Result {
            done(answer, exchange: Deadline.millisecondsSince(exchangeStart))
        }
        if let failure = writeAll(fd, bytes, deadline: deadline) { return finish(failure) }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            switch RawServerHelloParser.parse(received) {
            case .complete(.serverHello(let hello)): return finish(.serverHello(hello))
            case .complete(.alert(let level, let description)): return finish(.alert(level: level, description: description))
            case .invalid(let why): return finish(.invalid(why))
            case .needMore: break
            }
            guard received.count < readLimit else { return finish(.invalid("no ServerHello in \(received.count) bytes")) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, deadline.remainingMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return finish(.silence(received: received.count)) }
            let want = min(buffer.count, readLimit - received.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return finish(.reset(String(cString: strerror(errno))))
            }
            if n == 0 { return finish(.closed(received: received.count)) }
            received += buffer[0..<n]
        }
    }

    /// Writes every byte before the deadline; nil on success.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Deadline) -> Answer? {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, deadline.remainingMilliseconds) <= 0, deadline.expired {
                    return .writeFailed("the ClientHello could not be sent before the timeout", timeout: true)
                }
                continue
            }
            return .writeFailed("the connection closed while the ClientHello was sent: \(String(cString: strerror(errno)))", timeout: false)
        }
        return nil
    }
}
