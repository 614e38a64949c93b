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

    public init(host: String, port: Int, credentials: ProxyCredentials? = nil, bypass: ProxyBypassList = ProxyBypassList()) {
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
                throw InputError(source: source, message: "'\(scheme)://' proxies are not supported: give an HTTP proxy (http://HOST:PORT), as WinHTTP uses")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw InputError(source: source, message: "a proxy address has no path: give http://[USER:PASSWORD@]HOST:PORT")
            }
            rest = rest[..<slash]
        }
        var credentials: ProxyCredentials?
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

    static func percentDecoded(_ s: String) -> String? {
        var bytes: [UInt8] = []
        var utf8 = s.utf8[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%") {
                guard utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return nil }
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

    public var description: String { "(credentials hidden)" }
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
        var p = 0, t = 0
        var star = -1, mark = 0
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
