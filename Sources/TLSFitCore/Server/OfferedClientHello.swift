import Synchronization

/// What a client offered in its ClientHello, read from the first TLS record: for `serve`'s log, its
/// choice of host by SNI, and its refusal by TCP reset (as sws.update.microsoft.com refuses).
public struct OfferedClientHello: Sendable, Hashable {
    /// `legacy_version` of the hello (0x0303 for TLS 1.2 and 1.3 hellos).
    public var legacyVersion: UInt16
    /// `supported_versions`, when sent (TLS 1.3-capable clients).
    public var supportedVersions: [UInt16]
    public var cipherSuites: [UInt16]
    /// `signature_algorithms`, in wire order.
    public var signatureAlgorithms: [UInt16]
    /// `supported_groups`, in wire order.
    public var groups: [UInt16]
    /// The host name of `server_name`, nil when none.
    public var serverName: String?
    /// Extension types in wire order.
    public var extensions: [UInt16]
    /// The whole decoded hello, when it came from bytes (nil for one built field by field).
    public var decoded: ClientHello?

    public init(
        legacyVersion: UInt16, supportedVersions: [UInt16] = [], cipherSuites: [UInt16],
        signatureAlgorithms: [UInt16] = [],
        groups: [UInt16] = [], serverName: String? = nil, extensions: [UInt16] = []
    ) {
        self.legacyVersion = legacyVersion
        self.supportedVersions = supportedVersions
        self.cipherSuites = cipherSuites
        self.signatureAlgorithms = signatureAlgorithms
        self.groups = groups
        self.serverName = serverName
        self.extensions = extensions
    }

    /// Offered versions, lowest first: `supported_versions` when present, else every version up to
    /// the legacy `client_version`.
    public var versions: [TLSVersion] {
        let supported = supportedVersions.compactMap(TLSVersion.init(wireValue:))
        return
            (supported.isEmpty
            ? TLSVersion.allCases.filter { $0.wireValue <= legacyVersion && $0 < .tls13 } : supported).sorted()
    }

    /// The version a server accepting `accepted` (suite code points per version) would choose, and
    /// whether it has a suite for it; nil when it would refuse the hello.
    public func negotiable(_ accepted: [TLSVersion: Set<UInt16>]) -> TLSVersion? {
        guard let version = versions.reversed().first(where: { accepted[$0] != nil }) else { return nil }
        return accepted[version]!.isDisjoint(with: cipherSuites) ? nil : version
    }

    /// The highest version offered.
    public var highestVersion: UInt16 { supportedVersions.filter { $0 & 0x0A0A != 0x0A0A }.max() ?? legacyVersion }

    public enum ParseResult: Sendable, Hashable {
        case hello(OfferedClientHello)
        /// The first record is not complete yet: at least this many bytes are needed.
        case incomplete(needed: Int)
        /// Not a TLS handshake record holding a ClientHello (or a hello split over records).
        case notAClientHello(String)
    }

    /// Parses the ClientHello in the first TLS record of `bytes` with the one ClientHello decoder.
    /// Never traps on any input.
    public static func parse(_ bytes: [UInt8]) -> ParseResult {
        guard bytes.count >= 5 else { return .incomplete(needed: 5) }
        guard bytes[0] == 0x16, bytes[1] == 0x03 else { return .notAClientHello("not a TLS handshake record") }
        let recordLength = Int(bytes[3]) << 8 | Int(bytes[4])
        guard recordLength <= 16384 + 2048 else { return .notAClientHello("record too long") }
        guard bytes.count >= 5 + recordLength else { return .incomplete(needed: 5 + recordLength) }
        let hello: ClientHello
        do {
            hello = try ClientHello.decode(Array(bytes[0..<(5 + recordLength)]))
        } catch {
            return .notAClientHello(error.description)
        }
        var offered = OfferedClientHello(
            legacyVersion: hello.version, supportedVersions: hello.supportedVersions, cipherSuites: hello.cipherSuites,
            signatureAlgorithms: hello.signatureAlgorithms, groups: hello.supportedGroups, serverName: hello.serverName,
            extensions: hello.extensionTypes)
        offered.decoded = hello
        return .hello(offered)
    }
}

/// A first guess at which Windows release sent a hello, from its signature algorithms (whose
/// order is Schannel's own per release; see /work/shared/reference/schannel-clienthello.md) and
/// its versions. A simple heuristic kept in one function, so a full hello matcher can replace it.
public enum ClientReleaseGuess {
    public static func guess(_ hello: OfferedClientHello) -> String {
        // The whole hello against every release's WinHTTP hello (the matcher of `tlsfit hello --pcap`).
        if let decoded = hello.decoded, let best = WindowsHelloMatcher.rank(decoded, limit: 1).first {
            let names = best.releases.map(\.rawValue).joined(separator: ", ")
            if best.identical { return "\(names): identical \(best.stack.displayName) hello (\(best.configuration))" }
            if best.score <= 6 {
                return "closest \(names) (differs: \(best.differences.map(\.kind).joined(separator: ", ")))"
            }
        }
        return signatureAlgorithmGuess(hello)
    }

    /// Schannel's signature-algorithm order per release, when the whole hello matches none closely.
    static func signatureAlgorithmGuess(_ hello: OfferedClientHello) -> String {
        let sigalgs = hello.signatureAlgorithms
        func starts(_ prefix: [UInt16]) -> Bool { sigalgs.starts(with: prefix) }
        if starts([0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201]) {
            return "Windows 11 / Server 2022 or later (Schannel signature algorithms)"
        }
        if starts([0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603]) {
            return "Windows 10 / Server 2016-2019 (Schannel signature algorithms)"
        }
        if starts([0x0401, 0x0501, 0x0601, 0x0201, 0x0403]) {
            return "Windows 8.1 / Server 2012 R2 (Schannel signature algorithms)"
        }
        if starts([0x0601, 0x0603, 0x0401, 0x0501, 0x0201, 0x0403]) {
            return "Windows 7 SP1 / Server 2008 R2 (Schannel signature algorithms)"
        }
        if sigalgs.isEmpty, hello.legacyVersion <= 0x0302 {
            return "a TLS 1.0/1.1-only client (Windows 7/8 WinHTTP defaults look like this), release unknown"
        }
        return "not a known Windows hello (another TLS stack, or a changed configuration)"
    }
}

/// `ClientReleaseGuess.guess`, computed once per distinct hello: a flood of connections that send
/// the same client's hello costs one run of the release matcher, not one per connection. The key is
/// the hello's bytes with what changes on every connection (random, session id, key share values)
/// zeroed; at most `capacity` distinct hellos are kept (then the cache starts over).
public final class ReleaseGuessCache: Sendable {
    private struct State {
        var guesses: [[UInt8]: String] = [:]
        var matcherRuns = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    /// How many times the matcher actually ran (for tests and the log's statistics).
    public var matcherRuns: Int { state.withLock { $0.matcherRuns } }

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    public func guess(_ hello: OfferedClientHello) -> String {
        let key = Self.key(hello)
        if let known = state.withLock({ $0.guesses[key] }) { return known }
        let guess = ClientReleaseGuess.guess(hello)
        state.withLock { state in
            state.matcherRuns += 1
            if state.guesses.count >= capacity { state.guesses.removeAll(keepingCapacity: true) }
            state.guesses[key] = guess
        }
        return guess
    }

    /// The hello's bytes without the values that differ between two connections of one client.
    static func key(_ hello: OfferedClientHello) -> [UInt8] {
        guard var decoded = hello.decoded else {
            // Not decodable: what the guess reads (versions, suites, groups, names) is the key.
            var key: [UInt8] = [0xFF]
            for list in [
                [hello.legacyVersion], hello.supportedVersions, hello.cipherSuites, hello.signatureAlgorithms,
                hello.groups, hello.extensions,
            ] {
                key += [UInt8(list.count >> 8), UInt8(list.count & 0xFF)]
                for v in list { key += [UInt8(v >> 8), UInt8(v & 0xFF)] }
            }
            key += Array((hello.serverName ?? "").utf8)
            return key
        }
        decoded.random = [UInt8](repeating: 0, count: decoded.random.count)
        decoded.sessionID = []
        decoded.extensions = decoded.extensions.map { ext in
            var ext = ext
            // key_share (51): its groups stay, the key values go; pre_shared_key (41) and padding (21) go.
            if ext.type == 51 { ext.data = keyShareGroups(ext.data) }
            if ext.type == 41 || ext.type == 21 { ext.data = [] }
            return ext
        }
        return decoded.encode()
    }

    /// The group ids of a ClientHello key_share extension (`client_shares`), without the keys.
    static func keyShareGroups(_ data: [UInt8]) -> [UInt8] {
        var groups: [UInt8] = []
        var at = 2
        while data.count - at >= 4 {
            let length = Int(data[at + 2]) << 8 | Int(data[at + 3])
            groups += data[at..<(at + 2)]
            at += 4 + length
        }
        return groups
    }
}
