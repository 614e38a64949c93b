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
        /// With `readCertificate`, after a TLS 1.2 (or older) ServerHello: the Certificate message.
        var certificate: CertificateRead?
    }

    /// What followed a TLS 1.2 (or older) ServerHello where the Certificate belongs.
    enum CertificateRead: Sendable, Hashable {
        /// The DER certificates, leaf first.
        case received([[UInt8]])
        /// No certificate came (why).
        case absent(String)
    }

    /// The most read: a ServerHello is far smaller, a Certificate may follow.
    static let readLimit = 64 * 1024
    /// The most read when the Certificate is read too.
    static let certificateReadLimit = RawServerHelloParser.maxCertificateMessageLength + 64 * 1024

    /// With `readCertificate`, a TLS 1.2 (or older) ServerHello is followed as far as the Certificate
    /// message, which is returned in `certificate`.
    static func run(
        host: String, port: Int, bytes: [UInt8], timeout: Double, path: NetworkPath = .direct,
        readCertificate: Bool = false, onConnect: () -> Void = {}
    ) -> Result {
        _ = ignoreSIGPIPE
        let started = Deadline.now
        let deadline = Deadline(seconds: timeout)
        var timings = HandshakeTimings(totalMs: 0)
        onConnect()
        let dialed = Dialer.open(dialHost: host, dialPort: port, path: path, deadline: deadline, timings: &timings)
        func done(_ answer: Answer, exchange: Double? = nil) -> Result {
            Result(
                answer: answer, address: dialed.address, dnsMs: timings.dnsMs, connectMs: timings.connectMs,
                exchangeMs: exchange,
                totalMs: Deadline.millisecondsSince(started), proxy: dialed.exchange)
        }
        let fd: Int32
        switch dialed.result {
        case .success(let socket): fd = socket
        case .failure(let failure): return done(.connectFailed(failure))
        }
        defer { close(fd) }
        let exchangeStart = Deadline.now
        func finish(_ answer: Answer, certificate: CertificateRead? = nil) -> Result {
            var result = done(answer, exchange: Deadline.millisecondsSince(exchangeStart))
            result.certificate = certificate
            return result
        }
        if let failure = writeAll(fd, bytes, deadline: deadline) { return finish(failure) }

        let (answer, certificate) = readAnswer(fd, deadline: deadline, readCertificate: readCertificate)
        return finish(answer, certificate: certificate)
    }

    /// Reads the server's first answer from the connected socket before the deadline; with
    /// `readCertificate`, a TLS 1.2 (or older) ServerHello is followed as far as the Certificate.
    private static func readAnswer(
        _ fd: Int32, deadline: Deadline, readCertificate: Bool
    ) -> (Answer, CertificateRead?) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        /// The ServerHello, once read, while the Certificate is awaited.
        var hello: RawServerHello?
        var limit = readLimit
        while true {
            if let hello {
                switch RawServerHelloParser.parseCertificate(received) {
                case .certificates(let der): return (.serverHello(hello), .received(der))
                case .absent(let why): return (.serverHello(hello), .absent(why))
                case .invalid(let why):
                    return (.serverHello(hello), .absent("after its ServerHello, \(why)"))
                case .needMore: break
                }
            } else {
                switch RawServerHelloParser.parse(received) {
                case .complete(.serverHello(let parsed)):
                    guard readCertificate, parsed.negotiatedVersion < 0x0304, !parsed.isHelloRetryRequest else {
                        return (.serverHello(parsed), nil)
                    }
                    hello = parsed
                    limit = certificateReadLimit
                    continue
                case .complete(.alert(let level, let description)):
                    return (.alert(level: level, description: description), nil)
                case .invalid(let why): return (.invalid(why), nil)
                case .needMore: break
                }
            }
            /// The end of the bytes before a Certificate: the ServerHello stands, without a certificate.
            func ended(_ answer: Answer, _ why: String) -> (Answer, CertificateRead?) {
                guard let hello else { return (answer, nil) }
                return (.serverHello(hello), .absent(why))
            }
            guard received.count < limit else {
                return ended(
                    .invalid("no ServerHello in \(received.count) bytes"),
                    "no Certificate in the \(received.count) bytes after the ClientHello")
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, deadline.remainingMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 {
                return ended(
                    .silence(received: received.count),
                    "no Certificate came after the ServerHello before the timeout (\(received.count) bytes received)")
            }
            let want = min(buffer.count, limit - received.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                let why = String(cString: strerror(errno))
                return ended(
                    .reset(why), "the connection was reset after the ServerHello, before a Certificate: \(why)")
            }
            if n == 0 {
                return ended(
                    .closed(received: received.count),
                    "the server closed the connection after its ServerHello, before a Certificate (\(received.count) bytes received)"
                )
            }
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
            return .writeFailed(
                "the connection closed while the ClientHello was sent: \(String(cString: strerror(errno)))",
                timeout: false)
        }
        return nil
    }
}
