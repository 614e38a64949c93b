import Foundation
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HostProbe {
    /// What one hand-built ClientHello got back.
    enum RawAnswer: Sendable, Equatable {
        /// A ServerHello with this version and suite.
        case chose(version: UInt16, suite: UInt16)
        /// An alert, a close, a reset or bytes that are not a ServerHello: nothing offered is taken.
        case refused(String)
        /// No answer could be had (DNS, TCP, timeout): stop and report.
        case failed(String)
    }

    /// The most a raw probe reads: a ServerHello is far smaller, a Certificate may follow.
    static let rawReadLimit = 64 * 1024

    /// Sends one hand-built ClientHello offering `suites` as `version` and reads only up to the
    /// end of the ServerHello (or an alert), within the scan's timeout. One connection.
    func rawHello(version: TLSVersion, suites: [UInt16]) -> RawAnswer {
        _ = ignoreSIGPIPE
        let deadline = Deadline(seconds: options.timeout)
        let port = target.connectPort ?? target.port
        var timings = HandshakeTimings(totalMs: 0)
        countConnection()
        let fd: Int32
        switch Dialer.open(dialHost: dialHost, dialPort: port, path: path, deadline: deadline, timings: &timings).result {
        case .success(let socket): fd = socket
        case .failure(let failure): return .failed(failure.detail)
        }
        defer { close(fd) }

        var random = [UInt8](repeating: 0, count: 32)
        for i in random.indices { random[i] = UInt8.random(in: 0...255) }
        let hello = RawClientHello.build(version: version, suites: suites, serverName: target.host, random: random)
        if let failure = Self.writeAll(fd, hello, deadline: deadline) { return failure }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            switch RawServerHelloParser.parse(received) {
            case .complete(.serverHello(let hello)):
                return .chose(version: hello.version, suite: hello.cipherSuite)
            case .complete(.alert(let level, let description)):
                return .refused("alert \(level == 2 ? "fatal" : "warning") \(description)")
            case .invalid(let why):
                return .refused("not a ServerHello: \(why)")
            case .needMore:
                break
            }
            guard received.count < Self.rawReadLimit else { return .refused("no ServerHello in \(received.count) bytes") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, deadline.remainingMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 {
                return .failed("no ServerHello before the timeout (\(received.count) bytes received)")
            }
            let want = min(buffer.count, Self.rawReadLimit - received.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return .refused("connection reset: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return .refused("connection closed after \(received.count) bytes") }
            received += buffer[0..<n]
        }
    }

    /// Writes every byte before the deadline; nil on success.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Deadline) -> RawAnswer? {
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
                    return .failed("the ClientHello could not be sent before the timeout")
                }
                continue
            }
            return .refused("the connection closed while the ClientHello was sent: \(String(cString: strerror(errno)))")
        }
        return nil
    }
}
