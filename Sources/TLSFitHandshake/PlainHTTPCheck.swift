import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain HTTP request (Windows Update content comes over port 80): `GET /` to the host, or
/// through a proxy an ordinary proxied request with an absolute URI (`GET http://host/`), as
/// WinHTTP sends it. Reads only the status line and headers, within the timeout.
public enum PlainHTTPCheck {
    /// What came back: the outcome in the handshake vocabulary (no TLS fields) and the status line.
    public struct Result: Sendable, Hashable {
        public var outcome: HandshakeOutcome
        /// `GET http://host/ HTTP/1.1` (through a proxy) or `GET / HTTP/1.1`.
        public var requestLine: String
        public var status: Int?
        public var statusLine: String?
    }

    /// `request.host`/`port` name the URL; `dialHost`/`dialPort` and `path` say where to send it.
    public static func get(_ request: HandshakeRequest, urlPath: String = "/") -> Result {
        _ = ignoreSIGPIPE
        let started = Deadline.now
        let deadline = Deadline(seconds: request.timeout)
        var outcome = HandshakeOutcome(
            host: request.host, port: request.port, address: nil, sni: nil, negotiated: NegotiatedParameters(),
            certificate: nil, failure: nil, timings: HandshakeTimings(totalMs: 0), path: request.path.description)
        func authority(_ host: String, _ port: Int) -> String {
            port == 80 ? (host.contains(":") ? "[\(host)]" : host) : HostPort(host: host, port: port).description
        }
        // The Host header names the host; through a proxy the URI names where to go, which is
        // --connect/--resolve's address when given (as the CONNECT of a tunnel does).
        let hostHeader = authority(request.host, request.port)
        let proxy = request.path.proxy
        let requestLine =
            proxy != nil
            ? "GET http://\(authority(request.dialHost, request.dialPort))\(urlPath) HTTP/1.1"
            : "GET \(urlPath) HTTP/1.1"
        var result = Result(outcome: outcome, requestLine: requestLine)
        func finish(_ failure: HandshakeFailure?) -> Result {
            result.outcome = outcome
            result.outcome.failure = failure
            result.outcome.timings.totalMs = Deadline.millisecondsSince(started)
            return result
        }

        // Direct: the server (or --connect's address). Through a proxy: the proxy, no tunnel.
        let dialHost = proxy?.host ?? request.dialHost
        let dialPort = proxy?.port ?? request.dialPort
        let source = proxy.map { "proxy \($0)" } ?? hostHeader
        func stage(_ f: HandshakeFailure) -> HandshakeFailure {
            proxy == nil ? f : HandshakeFailure(stage: .proxy, kind: f.kind, detail: "\(source): \(f.detail)")
        }
        let dnsStart = Deadline.now
        let addresses: [ResolvedAddress]
        switch TCPConnector.resolve(dialHost, port: dialPort, deadline: deadline) {
        case .success(let list): addresses = list
        case .failure(let f): return finish(stage(f))
        }
        outcome.timings.dnsMs = Deadline.millisecondsSince(dnsStart)
        let connectStart = Deadline.now
        let (connected, address) = TCPConnector.connect(toFirstOf: addresses, deadline: deadline)
        outcome.address = address?.display(port: dialPort)
        let fd: Int32
        switch connected {
        case .success(let s): fd = s
        case .failure(let f): return finish(stage(f))
        }
        defer { close(fd) }
        outcome.timings.connectMs = Deadline.millisecondsSince(connectStart)
        if let proxy {
            outcome.proxy = ProxyExchange(
                proxy: proxy.description, proxyAddress: outcome.address, request: requestLine,
                credentialsSent: proxy.credentials != nil)
        }

        let text = requestText(requestLine: requestLine, hostHeader: hostHeader, proxy: proxy)
        if let error = SocketIO.writeAll(fd, Array(text.utf8), deadline: deadline) {
            return finish(
                stage(
                    HandshakeFailure(
                        stage: .tcp, kind: error.kind, detail: "the request could not be sent: \(error.text)")))
        }
        let answer = ProxyTunnel.readAnswer(fd, deadline: deadline, source: source, credentials: proxy?.credentials)
        result.status = answer.status
        result.statusLine = answer.statusLine
        outcome.proxy?.status = answer.status
        outcome.proxy?.statusLine = answer.statusLine
        outcome.proxy?.authenticateSchemes = answer.authenticateSchemes
        outcome.proxy?.bodyFirstLine = answer.bodyFirstLine
        return finish(failure(of: answer, proxy: proxy, requestLine: requestLine))
    }

    /// The request: its line, the Host header, the proxy's credentials when there are some, and the fixed headers.
    private static func requestText(requestLine: String, hostHeader: String, proxy: HTTPProxy?) -> String {
        var text = requestLine + "\r\nHost: \(hostHeader)\r\n"
        if let credentials = proxy?.credentials { text += "Proxy-Authorization: \(credentials.basicAuthorization)\r\n" }
        text += "User-Agent: tlsfit\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        return text
    }

    /// What the answer says about the path: nil when it works (direct, any HTTP answer; through a
    /// proxy, any answer but the proxy's refusals).
    private static func failure(of answer: ProxyTunnel.Answer, proxy: HTTPProxy?, requestLine: String)
        -> HandshakeFailure?
    {
        if var failure = answer.failure {
            if proxy == nil {
                // Direct: the server's own answer is not HTTP, or none came.
                failure.stage = .tcp
                if failure.kind == .proxyBadResponse { failure.kind = .protocolError }
                failure.detail = failure.detail.replacing("proxy ", with: "")
            }
            return failure
        }
        guard let status = answer.status else { return nil }
        // Through a proxy, its refusals are failures of the path; direct, any HTTP answer shows the path works.
        if proxy != nil, status >= 400,
            let failure = ProxyTunnel.failure(status: status, answer: answer, proxy: proxy!, what: requestLine)
        {
            return failure
        }
        return nil
    }
}
