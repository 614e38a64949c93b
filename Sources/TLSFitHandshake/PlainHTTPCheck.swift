import Foundation
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// The result of checking a host that serves over plain HTTP (port 80): a TCP connection and one
/// `HEAD /` request; any HTTP answer, whatever its status, means the path is open.
public struct PlainHTTPResult: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The address that was dialled.
    public var address: String?
    /// The status line of the answer (`HTTP/1.1 200 OK`), nil when none came.
    public var statusLine: String?
    /// Why there was no HTTP answer (DNS, TCP, timeout, not HTTP).
    public var failure: HandshakeFailure?

    public var reachable: Bool { statusLine != nil }
}

/// Checks a plain-HTTP host as the seed article's allow-list check does: TCP to the port, then a request.
public enum PlainHTTPCheck {
    public static func check(host: String, port: Int = 80, connectAddress: String? = nil, connectPort: Int? = nil,
                             timeout: Double) -> PlainHTTPResult {
        let deadline = Deadline(seconds: timeout)
        var result = PlainHTTPResult(host: host, port: port)
        let addresses: [ResolvedAddress]
        switch TCPConnector.resolve(connectAddress ?? host, port: connectPort ?? port, deadline: deadline) {
        case .failure(let f):
            result.failure = f
            return result
        case .success(let a): addresses = a
        }
        let (connected, address) = TCPConnector.connect(toFirstOf: addresses, deadline: deadline)
        result.address = address?.display(port: connectPort ?? port)
        let fd: Int32
        switch connected {
        case .failure(let f):
            result.failure = f
            return result
        case .success(let s): fd = s
        }
        defer { close(fd) }
        let request = "HEAD / HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: tlsfit\r\nConnection: close\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while received.count < 4096 {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let n = poll(&pfd, 1, deadline.remainingMilliseconds)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if received.isEmpty {
                    result.failure = HandshakeFailure(stage: .tcp, kind: .timeout, detail: "connected to port \(port), but no HTTP answer before the timeout")
                }
                break
            }
            let got = recv(fd, &buffer, buffer.count, 0)
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                let reset = errno == ECONNRESET
                if received.isEmpty {
                    result.failure = HandshakeFailure(stage: .tcp, kind: reset ? .reset : .other,
                                                      detail: "the connection to port \(port) was \(reset ? "reset" : "broken") before an HTTP answer")
                }
                break
            }
            if got == 0 { break }
            received += buffer[0..<got]
            if received.contains(0x0A) { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        if let line = text.split(separator: "\r\n", maxSplits: 1).first ?? text.split(separator: "\n").first, line.hasPrefix("HTTP/") {
            result.statusLine = String(line)
            result.failure = nil
        } else if result.failure == nil {
            result.failure = HandshakeFailure(stage: .tcp, kind: received.isEmpty ? .unexpectedClose : .notTLS,
                                              detail: received.isEmpty ? "the connection to port \(port) closed without an HTTP answer"
                                                  : "port \(port) answered, but not with HTTP")
        }
        return result
    }
}
