/// How a connection reaches a server: directly, or through an HTTP proxy (a `CONNECT` tunnel for
/// TLS, an absolute-URI request for plain HTTP), as WinHTTP does.
///
/// Pure data: the handshake engine dials through it, and every outcome records which path it took.
public enum NetworkPath: Sendable, Hashable, CustomStringConvertible {
    case direct
    case proxy(HTTPProxy)

    /// The path one host takes: direct when the proxy's bypass list names it.
    public func route(host: String, port: Int) -> NetworkPath {
        if case .proxy(let proxy) = self, proxy.bypass.matches(host: host, port: port) { return .direct }
        return self
    }

    public var proxy: HTTPProxy? {
        if case .proxy(let p) = self { return p }
        return nil
    }

    /// `direct`, or the proxy's address without credentials (`http://10.0.0.8:3128`).
    public var description: String { proxy?.description ?? "direct" }
}

/// An HTTP proxy: where it listens, the Basic credentials to offer, and the hosts that bypass it.
public struct HTTPProxy: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var credentials: ProxyCredentials?
    public var bypass: ProxyBypassList

    public init(
        host: String, port: Int, credentials: ProxyCredentials? = nil, bypass: ProxyBypassList = ProxyBypassList()
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.bypass = bypass
    }

    /// WinHTTP's default proxy port when the setting names none.
    public static let defaultPort = 80

    /// Parses `http://[USER:PASSWORD@]HOST[:PORT]` (the scheme may be left out; the port defaults
    /// to 80, as in WinHTTP). User and password are percent-decoded. HTTPS and SOCKS proxies are
    /// refused: WinHTTP's proxy setting names HTTP proxies.
    public init(parsing text: String, source: String = "--proxy") throws(InputError) {
        var rest = Substring(text.trimmingASCIIWhitespace())
        guard !rest.isEmpty else { throw InputError(source: source, message: "empty proxy address") }
        if let schemeEnd = rest.firstOccurrence(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw InputError(
                    source: source,
                    message:
                        "'\(scheme)://' proxies are not supported: give an HTTP proxy (http://HOST:PORT), as WinHTTP uses"
                )
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw InputError(
                    source: source, message: "a proxy address has no path: give http://[USER:PASSWORD@]HOST:PORT")
            }
            rest = rest[..<slash]
        }
        var credentials: ProxyCredentials?
        if rest.lastIndex(of: "@") == nil, let user = Self.credentialsWithoutHost(rest) {
            // `alice:S3cr3tPW` or `alice:S3cr3tPW:8080`: a user and password, no host. Never echoed whole.
            throw InputError(
                source: source,
                message:
                    "'\(Self.redacted(text))' names a user (\(user)) and a password but no proxy host: give http://\(user):***@HOST:PORT, or the credentials in TLSFIT_PROXY_CREDENTIALS or --proxy-credentials-file"
            )
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = Self.percentDecoded(String(parts[0])), !user.isEmpty,
                let password = Self.percentDecoded(parts.count > 1 ? String(parts[1]) : "")
            else {
                throw InputError(source: source, message: "the user name before '@' is empty or badly percent-encoded")
            }
            credentials = ProxyCredentials(user: user, password: password)
        }
        let hostPort = try HostPort(parsing: String(rest), defaultPort: Self.defaultPort, source: source)
        self.init(host: hostPort.host, port: hostPort.port, credentials: credentials)
    }

    /// `http://HOST:PORT`, never with credentials.
    public var description: String { "http://" + HostPort(host: host, port: port).description }

    /// The user name when `hostPort` (a proxy address without `@`) is really `USER:PASSWORD` or
    /// `USER:PASSWORD:PORT`: after the first colon comes something that is not a port, and the whole
    /// is not an IPv6 literal. nil for `HOST`, `HOST:PORT`, `[v6]:PORT`, `v6`.
    static func credentialsWithoutHost(_ hostPort: Substring) -> String? {
        guard !hostPort.hasPrefix("["), let colon = hostPort.firstIndex(of: ":") else { return nil }
        let colons = hostPort.utf8.filter { $0 == UInt8(ascii: ":") }.count
        let isIPv6 =
            colons >= 2
            && hostPort.utf8.allSatisfy { b in
                (0x30...0x39).contains(b) || (0x61...0x66).contains(b | 0x20) || b == UInt8(ascii: ":")
                    || b == UInt8(ascii: ".")
            }
        if isIPv6 { return nil }
        let afterColon = hostPort[hostPort.index(after: colon)...]
        if colons == 1, !afterColon.isEmpty, afterColon.utf8.allSatisfy({ (0x30...0x39).contains($0) }) { return nil }
        let user = String(hostPort[..<colon])
        return user.isEmpty ? "?" : user
    }

    /// A proxy address as typed, fit to print: any password replaced by `***`
    /// (`http://alice:***@proxy:8080`, `alice:***`). The one form every message about a proxy uses.
    public static func redacted(_ text: String) -> String {
        var scheme = ""
        var rest = Substring(text)
        if let schemeEnd = rest.firstOccurrence(of: "://") {
            scheme = String(rest[..<schemeEnd.upperBound])
            rest = rest[schemeEnd.upperBound...]
        }
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at].prefix { $0 != ":" }
            return scheme + user + ":***" + rest[at...]
        }
        var address = rest
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            address = rest[..<slash]
            path = rest[slash...]
        }
        guard let user = credentialsWithoutHost(address) else { return text }
        let colons = address.utf8.filter { $0 == UInt8(ascii: ":") }.count
        var port = ""
        if colons >= 2, let last = address.lastIndex(of: ":"),
            address[address.index(after: last)...].utf8.allSatisfy({ (0x30...0x39).contains($0) })
        {
            port = String(address[last...])
        }
        return scheme + (user == "?" ? "" : user) + ":***" + port + path
    }

    /// Applies credentials given apart from the address (`TLSFIT_PROXY_CREDENTIALS`, a file): `USER:PASSWORD`.
    public static func credentials(parsing text: String, source: String) throws(InputError) -> ProxyCredentials {
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).first.map(String.init) ?? ""
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            throw InputError(source: source, message: "give the credentials as USER:PASSWORD (the value is not shown)")
        }
        return ProxyCredentials(user: String(line[..<colon]), password: String(line[line.index(after: colon)...]))
    }

    static func percentDecoded(_ s: String) -> String? {
        var bytes: [UInt8] = []
        var utf8 = s.utf8[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%") {
                guard utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
                    return nil
                }
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Basic credentials for a proxy. Never printed: `description` hides the password.
public struct ProxyCredentials: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// The `Proxy-Authorization` value (`Basic dXNlcjpwYXNz`).
    public var basicAuthorization: String { "Basic " + Base64.encode(Array("\(user):\(password)".utf8)) }

    public var description: String { "\(user):***" }

    /// `text` with every trace of these credentials (and of any `Authorization` header or Basic token
    /// a proxy echoes) replaced by `***`: for anything a proxy says that tlsfit prints.
    public static func redacting(_ text: String, _ credentials: ProxyCredentials?) -> String {
        var out = text
        if let credentials {
            let token = String(credentials.basicAuthorization.dropFirst("Basic ".count))
            for secret in [token, "\(credentials.user):\(credentials.password)", credentials.password]
            where secret.utf8.count >= 3 {
                out = out.replacing(secret, with: "***")
            }
        }
        // An echoed header: everything after `Authorization:` on its line; a bare Basic token.
        var lines: [String] = []
        for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            if let header = text.firstOccurrence(of: "authorization:", ignoringASCIICase: true) {
                text = String(text[..<header.upperBound]) + " ***" + (text.hasSuffix("\r") ? "\r" : "")
            } else if let basic = text.firstOccurrence(of: "basic ", ignoringASCIICase: true) {
                let rest = text[basic.upperBound...]
                let token = rest.prefix {
                    $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=")
                }
                // Base64, not a word ("Basic authentication required"): a digit or symbol, or mixed case.
                let looksEncoded =
                    token.contains { $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=" }
                    || (token.dropFirst().contains { $0.isUppercase } && token.contains { $0.isLowercase })
                if token.count >= 8, looksEncoded {
                    text = String(text[..<basic.upperBound]) + "***" + rest.dropFirst(token.count)
                }
            }
            lines.append(text)
        }
        out = lines.joined(separator: "\n")
        return out
    }
}

/// WinHTTP's proxy bypass list: entries separated by `;` or white space (`netsh winhttp set proxy
/// bypass-list=...`, the second string of `WinHttpSettings`). `*` matches any run of characters;
/// `<local>` matches every name without a dot; an entry may carry a scheme (`http://`, ignored)
/// and a port (then only that port matches). Names compare without regard to case.
public struct ProxyBypassList: Sendable, Hashable, CustomStringConvertible {
    public var entries: [String]

    public init(entries: [String] = []) {
        self.entries = entries
    }

    public init(parsing text: String) {
        entries = text.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
    }

    public var isEmpty: Bool { entries.isEmpty }

    public var description: String { entries.joined(separator: ";") }

    /// True when `host` (on `port`) goes direct.
    public func matches(host: String, port: Int) -> Bool {
        let name = host.lowercased()
        for raw in entries {
            var entry = Substring(raw.lowercased())
            if entry == "<local>" {
                if !name.contains("."), !name.contains(":") { return true }
                continue
            }
            if let scheme = entry.firstOccurrence(of: "://") { entry = entry[scheme.upperBound...] }
            // A trailing :PORT limits the entry to that port (an IPv6 literal has more colons: keep it whole).
            if entry.filter({ $0 == ":" }).count == 1, let colon = entry.lastIndex(of: ":"),
                let p = Int(entry[entry.index(after: colon)...])
            {
                guard p == port else { continue }
                entry = entry[..<colon]
            }
            if entry.hasPrefix("["), entry.hasSuffix("]") { entry = entry.dropFirst().dropLast() }
            if Self.wildcardMatch(Array(entry.utf8), Array(name.utf8)) { return true }
        }
        return false
    }

    /// `*` matches any run (also empty); everything else literally. Iterative, linear in practice.
    static func wildcardMatch(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

/// Standard Base64 (RFC 4648), for the Basic authorization header.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(n & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
