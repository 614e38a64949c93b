import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP `CONNECT` exchange on a socket connected to a proxy (RFC 9110, 9.3.6): one request,
/// one response head read with a size cap and the connection's deadline. On a 2xx the socket is
/// a tunnel to the target; anything else is a failure with the proxy's own words.
enum ProxyTunnel {
    /// The most a response head may hold.
    static let headLimit = 16 * 1024
    /// The most of an error body read to find its first line.
    static let bodyLimit = 8 * 1024

    struct Answer {
        var status: Int?
        var statusLine: String?
        var authenticateSchemes: [String] = []
        var bodyFirstLine: String?
        /// squid's `X-Squid-Error` header (`ERR_DNS_FAIL 0`), which names the proxy's own failure.
        var squidError: String?
        /// Nil when the tunnel is open.
        var failure: HandshakeFailure?
    }

    /// `CONNECT host:port HTTP/1.1` (IPv6 literals in brackets).
    static func requestLine(_ target: HostPort) -> String { "CONNECT \(target.description) HTTP/1.1" }

    static func request(_ target: HostPort, proxy: HTTPProxy) -> String {
        var text = requestLine(target) + "\r\nHost: \(target.description)\r\n"
        if let credentials = proxy.credentials { text += "Proxy-Authorization: \(credentials.basicAuthorization)\r\n" }
        text += "User-Agent: tlsfit\r\nProxy-Connection: Keep-Alive\r\n\r\n"
        return text
    }

    static func connect(fd: Int32, target: HostPort, proxy: HTTPProxy, deadline: Deadline) -> Answer {
        var answer = Answer()
        let source = "proxy \(proxy)"
        if let error = SocketIO.writeAll(fd, Array(request(target, proxy: proxy).utf8), deadline: deadline) {
            answer.failure = HandshakeFailure(
                stage: .proxy, kind: error.kind,
                detail: "\(source): the CONNECT request could not be sent: \(error.text)")
            return answer
        }
        answer = readAnswer(fd, deadline: deadline, source: source, credentials: proxy.credentials)
        guard answer.failure == nil, let status = answer.status else { return answer }
        if (200...299).contains(status) {
            answer.bodyFirstLine = nil
            return answer
        }
        answer.failure =
            failure(status: status, answer: answer, proxy: proxy, what: "CONNECT \(target)")
            ?? HandshakeFailure(
                stage: .proxy, kind: .proxyBadResponse,
                detail: "\(source) answered CONNECT \(target) with \(answer.statusLine ?? "?"), not a tunnel")
        return answer
    }

    /// Reads a response head (a byte at a time: nothing past its end may be consumed, it belongs to
    /// the tunnel) and, for an error status, the first line of its body.
    /// Every line tlsfit keeps from the answer is split on CR and LF alike (a bare LF in a status
    /// line cannot start a line of its own in the output) and has `credentials` and any echoed
    /// `Proxy-Authorization` redacted.
    static func readAnswer(_ fd: Int32, deadline: Deadline, source: String, credentials: ProxyCredentials? = nil)
        -> Answer
    {
        var answer = readRawAnswer(fd, deadline: deadline, source: source)
        answer.statusLine = answer.statusLine.map { ProxyCredentials.redacting($0, credentials) }
        answer.bodyFirstLine = answer.bodyFirstLine.map { ProxyCredentials.redacting($0, credentials) }
        if var failure = answer.failure {
            failure.detail = ProxyCredentials.redacting(failure.detail, credentials)
            answer.failure = failure
        }
        return answer
    }

    /// Protocol lines: split on CR, LF or CRLF alike, empty lines dropped.
    static func protocolLines(_ bytes: [UInt8]) -> [String] {
        bytes.split(whereSeparator: { $0 == 13 || $0 == 10 }).map { String(decoding: $0, as: UTF8.self) }
    }

    static func readRawAnswer(_ fd: Int32, deadline: Deadline, source: String) -> Answer {
        var answer = Answer()
        var head: [UInt8] = []
        while !head.ends(with: [13, 10, 13, 10]) {
            guard head.count < headLimit else {
                answer.failure = HandshakeFailure(
                    stage: .proxy, kind: .proxyBadResponse,
                    detail: "\(source): no end of the response head in \(headLimit) bytes")
                return answer
            }
            switch SocketIO.read(fd, max: 1, deadline: deadline) {
            case .bytes(let b): head += b
            case .closed:
                answer.failure = HandshakeFailure(
                    stage: .proxy, kind: head.isEmpty ? .unexpectedClose : .proxyBadResponse,
                    detail:
                        "\(source) closed the connection \(head.isEmpty ? "without answering the request" : "in the middle of its answer")"
                )
                return answer
            case .timeout:
                answer.failure = HandshakeFailure(
                    stage: .proxy, kind: .timeout,
                    detail: "\(source) did not answer the request before the timeout (\(head.count) bytes received)")
                return answer
            case .error(let kind, let text):
                answer.failure = HandshakeFailure(stage: .proxy, kind: kind, detail: "\(source): \(text)")
                return answer
            }
        }
        let lines = protocolLines(head)
        let statusLine = lines.first ?? ""
        answer.statusLine = statusLine
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status)
        else {
            answer.failure = HandshakeFailure(
                stage: .proxy, kind: .proxyBadResponse,
                detail: "\(source): the answer is not HTTP: \(statusLine.prefix(120).debugDescription)")
            return answer
        }
        answer.status = status
        var contentLength: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingWhitespace().lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if name == "proxy-authenticate",
                let scheme = value.split(separator: " ").first.map({ String($0.prefix { $0 != "," }) }), !scheme.isEmpty
            {
                answer.authenticateSchemes.append(scheme)
            }
            if name == "content-length" { contentLength = Int(value) }
            if name == "x-squid-error" { answer.squidError = value }
        }
        if status >= 400 {
            answer.bodyFirstLine = firstLine(of: readBody(fd, contentLength: contentLength, deadline: deadline))
        }
        return answer
    }

    /// The failure a proxy's error status means (`what` is the request it refused).
    static func failure(status: Int, answer: Answer, proxy: HTTPProxy, what: String) -> HandshakeFailure? {
        let source = "proxy \(proxy)"
        let statusLine = answer.statusLine ?? "HTTP \(status)"
        // The body's first line, unless it only repeats the status line.
        let body = answer.bodyFirstLine.flatMap { statusLine.hasSuffix($0) ? nil : $0 }
        let said = statusLine + (body.map { ": \($0)" } ?? "")
        switch status {
        case 407, 401:  // some proxies (tinyproxy) answer refused credentials with 401
            let schemes =
                answer.authenticateSchemes.isEmpty
                ? "no Proxy-Authenticate header"
                : "Proxy-Authenticate: \(answer.authenticateSchemes.joined(separator: ", "))"
            return HandshakeFailure(
                stage: .proxy, kind: .proxyAuthRequired,
                detail:
                    "\(source) asks for authentication (\(schemes))\(proxy.credentials != nil ? "; the Basic credentials given were refused" : ""): \(said)"
            )
        case 400...499:
            return HandshakeFailure(stage: .proxy, kind: .proxyForbidden, detail: "\(source) refused \(what): \(said)")
        case 500...599 where nameNotResolved(answer):
            return HandshakeFailure(
                stage: .proxy, kind: .proxyNameNotResolved,
                detail:
                    "\(source) could not resolve the name in \(what): \(said)\(answer.squidError.map { " (X-Squid-Error: \($0))" } ?? "")"
            )
        case 500...599:
            return HandshakeFailure(
                stage: .proxy, kind: .proxyUpstreamError, detail: "\(source) could not serve \(what): \(said)")
        default:
            return nil
        }
    }

    /// Whether a proxy's 5xx says it could not resolve the name: squid's `ERR_DNS_FAIL`, or an error
    /// page in the words of the resolver (glibc's, squid's, tinyproxy's).
    static func nameNotResolved(_ answer: Answer) -> Bool {
        if let squid = answer.squidError { return squid.uppercased().hasPrefix("ERR_DNS_FAIL") }
        let text = ((answer.statusLine ?? "") + " " + (answer.bodyFirstLine ?? "")).lowercased()
        return [
            "name or service not known", "temporary failure in name resolution", "unable to determine ip address",
            "could not resolve", "unknown host", "no address associated",
        ].contains { text.contains($0) }
    }

    /// Reads an error body: `Content-Length` bytes, or until the proxy closes, at most `bodyLimit`
    /// bytes and at most a second (the verdict does not wait for an error page).
    static func readBody(_ fd: Int32, contentLength: Int?, deadline: Deadline) -> [UInt8] {
        let limit = min(contentLength ?? bodyLimit, bodyLimit)
        let bodyDeadline = Deadline(seconds: min(1.0, Double(deadline.remainingMilliseconds) / 1000))
        var body: [UInt8] = []
        while body.count < limit {
            guard case .bytes(let b) = SocketIO.read(fd, max: limit - body.count, deadline: bodyDeadline) else { break }
            body += b
        }
        return body
    }

    /// The first line of text in an error body: an HTML page's title, else its first non-empty line without tags.
    static func firstLine(of body: [UInt8]) -> String? {
        var text = String(decoding: body, as: UTF8.self)
        if let open = text.firstOccurrence(of: "<title>", ignoringASCIICase: true),
            let close = text[open.upperBound...].firstOccurrence(of: "</title>", ignoringASCIICase: true)
        {
            text = String(text[open.upperBound..<close.lowerBound])
        } else if text.contains("<") {
            text = strippingTags(text)
        }
        let line = text.split(whereSeparator: { $0.isNewline || $0 == "\r" || $0 == "\n" }).map {
            $0.trimmingWhitespace()
        }.first { !$0.isEmpty }
        return line.map { String($0.prefix(200)) }
    }

    /// Each `<...>` tag replaced by a line break (an unclosed `<` stays).
    static func strippingTags(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out += rest[..<open]
            out += "\n"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

/// Reads and writes on a non-blocking socket with a deadline.
enum SocketIO {
    enum ReadResult {
        case bytes([UInt8])
        case closed
        case timeout
        case error(FailureKind, String)
    }

    static func read(_ fd: Int32, max: Int, deadline: Deadline) -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: Swift.max(1, max))
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return .bytes(Array(buffer[0..<n])) }
            if n == 0 { return .closed }
            let err = errno
            if err == EINTR { continue }
            guard err == EAGAIN || err == EWOULDBLOCK else {
                return .error(err == ECONNRESET ? .reset : .other, String(cString: strerror(err)))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, deadline.remainingMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return .timeout }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Deadline) -> (kind: FailureKind, text: String)? {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                continue
            }
            let err = errno
            if n < 0, err == EINTR { continue }
            if n < 0, err == EAGAIN || err == EWOULDBLOCK {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, deadline.remainingMilliseconds) <= 0, deadline.expired {
                    return (.timeout, "timed out")
                }
                continue
            }
            return (err == ECONNRESET || err == EPIPE ? .reset : .other, String(cString: strerror(err)))
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
