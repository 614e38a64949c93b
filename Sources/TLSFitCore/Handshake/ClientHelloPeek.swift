/// The two things a server looks at first in a ClientHello, read from its bytes: the protocol
/// versions offered and the cipher suite code points. Enough for a lab server to refuse the way a
/// real host does (sws.update.microsoft.com answers a hello it cannot serve with a TCP reset). Pure.
public struct ClientHelloPeek: Sendable, Hashable {
    /// Offered versions, lowest first: `supported_versions` when present, else every version up to
    /// the legacy `client_version`.
    public var versions: [TLSVersion]
    public var cipherSuites: [UInt16]

    /// The length of the first TLS record when `bytes` start with a handshake record (5 + length), nil otherwise.
    public static func recordLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 5, bytes[0] == 0x16, bytes[1] == 0x03 else { return nil }
        return 5 + (Int(bytes[3]) << 8 | Int(bytes[4]))
    }

    /// Parses the first record; nil when it is not a whole ClientHello.
    public static func parse(_ bytes: [UInt8]) -> ClientHelloPeek? {
        guard let total = recordLength(bytes), bytes.count >= total, total >= 9, bytes[5] == 0x01 else { return nil }
        var r = Reader(bytes: Array(bytes[9..<total]))
        guard let legacy = r.u16(), r.skip(32), let sessionLength = r.u8(), r.skip(Int(sessionLength)),
            let suitesLength = r.u16(), suitesLength % 2 == 0
        else { return nil }
        var suites: [UInt16] = []
        for _ in 0..<(Int(suitesLength) / 2) {
            guard let s = r.u16() else { return nil }
            suites.append(s)
        }
        guard let compressionLength = r.u8(), r.skip(Int(compressionLength)) else { return nil }
        var supported: [TLSVersion]?
        if let extensionsLength = r.u16() {
            var e = Reader(bytes: r.take(Int(extensionsLength)) ?? [])
            while let type = e.u16(), let length = e.u16(), let body = e.take(Int(length)) {
                guard type == 0x002B else { continue }
                var v = Reader(bytes: body)
                guard let listLength = v.u8() else { continue }
                var list: [TLSVersion] = []
                for _ in 0..<(Int(listLength) / 2) {
                    if let wire = v.u16(), let version = TLSVersion(wireValue: wire) { list.append(version) }
                }
                supported = list
            }
        }
        let versions = supported ?? TLSVersion.allCases.filter { $0.wireValue <= legacy && $0 < .tls13 }
        return ClientHelloPeek(versions: versions.sorted(), cipherSuites: suites)
    }

    /// The version a server accepting `accepted` (suite code points per version) would choose, and
    /// whether it has a suite for it; nil when it would refuse the hello.
    public func negotiable(_ accepted: [TLSVersion: Set<UInt16>]) -> TLSVersion? {
        guard let version = versions.reversed().first(where: { accepted[$0] != nil }) else { return nil }
        return accepted[version]!.isDisjoint(with: cipherSuites) ? nil : version
    }

    struct Reader {
        var bytes: [UInt8]
        var index = 0
        mutating func u8() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }
        mutating func u16() -> UInt16? {
            guard index + 2 <= bytes.count else { return nil }
            defer { index += 2 }
            return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        }
        mutating func skip(_ n: Int) -> Bool {
            guard index + n <= bytes.count else { return false }
            index += n
            return true
        }
        mutating func take(_ n: Int) -> [UInt8]? {
            guard index + n <= bytes.count else { return nil }
            defer { index += n }
            return Array(bytes[index..<(index + n)])
        }
    }
}
