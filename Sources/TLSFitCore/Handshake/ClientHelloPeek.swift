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

    /// Parses the first record with the one ClientHello decoder; nil when it is not a whole ClientHello.
    public static func parse(_ bytes: [UInt8]) -> ClientHelloPeek? {
        guard let total = recordLength(bytes), bytes.count >= total, let hello = try? ClientHello.decode(Array(bytes[0..<total])) else {
            return nil
        }
        let supported = hello.supportedVersions.compactMap(TLSVersion.init(wireValue:))
        let versions = supported.isEmpty ? TLSVersion.allCases.filter { $0.wireValue <= hello.version && $0 < .tls13 } : supported
        return ClientHelloPeek(versions: versions.sorted(), cipherSuites: hello.cipherSuites)
    }

    /// The version a server accepting `accepted` (suite code points per version) would choose, and
    /// whether it has a suite for it; nil when it would refuse the hello.
    public func negotiable(_ accepted: [TLSVersion: Set<UInt16>]) -> TLSVersion? {
        guard let version = versions.reversed().first(where: { accepted[$0] != nil }) else { return nil }
        return accepted[version]!.isDisjoint(with: cipherSuites) ? nil : version
    }
}
