import Foundation
import TLSFitCore

/// What one protocol version of a server accepts, as the elimination measured it.
struct ProtocolScanResult: Sendable {
    var version: TLSVersion
    var accepted: Bool
    /// IANA names: the server's order when it enforces one, else the catalog's strength order.
    var suites: [String]
    /// Nil when fewer than two suites were accepted (nothing to order) or the check was inconclusive.
    var serverPreference: Bool?
    var errors: [String]
}

/// The suites and groups a scan offers, computed once per process (only when a host answers, so a
/// scan of a closed port never reads the catalog).
///
/// One candidate list per protocol: the suites the linked OpenSSL knows and the legacy ones it
/// cannot offer (RC4, DES, 3DES, IDEA, RC2, export), together, strongest first. Every probe is a
/// hand-built ClientHello, so both kinds go in the same hello and one elimination finds them in
/// the server's own order.
enum ScanCandidates {
    /// The TLS 1.3 suites, in the order OpenSSL prefers them, then the CCM ones.
    static let tls13: [UInt16] = [0x1302, 0x1303, 0x1301, 0x1304, 0x1305]

    /// The protocols probed; SSLv3 only when the linked OpenSSL could offer it (as before: the
    /// report says "not tested" otherwise).
    static var versions: [TLSVersion] {
        var list: [TLSVersion] = [.tls13, .tls12, .tls11, .tls10]
        if OpenSSLLibrary.canOfferSSLv3 { list.append(.ssl3) }
        return list
    }

    /// OpenSSL's suites (every one below TLS 1.3 it knows) by code.
    static let openSSLTable: [UInt16: OpenSSLCipherEntry] = Dictionary(
        OpenSSLCipherTable.all().filter { $0.code & 0xFF00 != 0x1300 }.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

    private static func needsSecret(_ suite: CipherSuite) -> Bool {
        suite.keyExchange.contains("PSK") || suite.keyExchange.contains("SRP")
            || suite.authentication.contains("PSK") || suite.authentication.contains("SRP")
    }

    /// Every suite below TLS 1.3 worth offering, with the versions it may be used with: the
    /// catalog's (without PSK and SRP: they need a secret the scan does not have) and those
    /// OpenSSL knows that the catalog does not.
    private static let below13: [(code: UInt16, min: TLSVersion, max: TLSVersion, rank: Int)] = {
        let catalog = Catalog.shared.suites.filter { !$0.isTLS13 && !needsSecret($0) }
        let sorted = CipherSuiteStrength.sorted(catalog)
        var list = sorted.enumerated().map { (code: $0.element.code, min: $0.element.minVersion, max: $0.element.maxVersion, rank: $0.offset) }
        let known = Set(catalog.map(\.code))
        let allCatalog = Set(Catalog.shared.suites.map(\.code))
        for code in openSSLTable.keys.sorted() where !known.contains(code) && !allCatalog.contains(code) {
            list.append((code: code, min: .ssl3, max: .tls12, rank: list.count))
        }
        return list.filter { $0.code != RawClientHello.renegotiationSCSV && $0.code != 0x5600 }
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [TLSVersion: [UInt16]] = [:]

    /// The candidates for `version`, strongest first.
    static func suites(for version: TLSVersion) -> [UInt16] {
        if version == .tls13 { return tls13 }
        return lock.withLock {
            if let list = cache[version] { return list }
            let list = below13.filter { $0.min <= version && version <= $0.max }.map(\.code)
            cache[version] = list
            return list
        }
    }

    /// Suites with an ECDHE key exchange below TLS 1.3: what a TLS 1.2 group probe offers.
    static let ecdheSuites: [UInt16] = {
        let ecdhe = Set(Catalog.shared.suites.filter { $0.keyExchange == "ECDHE" && !needsSecret($0) }.map(\.code))
        return suites(for: .tls12).filter { ecdhe.contains($0) } + suites(for: .tls10).filter { ecdhe.contains($0) && !suites(for: .tls12).contains($0) }
    }()

    /// The groups a TLS 1.3 group elimination offers (and every TLS 1.3 suite probe).
    static let tls13Groups: [UInt16] = RawClientHello.suiteProbeGroups(.tls13)
    /// The named curves a TLS 1.2 group elimination offers.
    static let tls12Groups: [UInt16] = RawClientHello.suiteProbeGroups(.tls12)

    /// The IANA name of a suite code.
    static func name(_ code: UInt16) -> String {
        if let suite = Catalog.shared.suite(code: code) { return suite.iana }
        return openSSLTable[code]?.iana ?? CipherSuite.codeString(code)
    }

    /// Strongest first; codes the catalog does not know go last in their given order.
    static func strengthSorted(_ codes: [UInt16]) -> [UInt16] {
        let known = codes.compactMap { Catalog.shared.suite(code: $0) }
        let knownCodes = Set(known.map(\.code))
        return CipherSuiteStrength.sorted(known).map(\.code) + codes.filter { !knownCodes.contains($0) }
    }

    /// The catalog's strength position of a code (unknown codes last), for the `--fast` merge's first guess.
    static func strengthRank(_ code: UInt16) -> Int {
        below13.first { $0.code == code }?.rank ?? (tls13.firstIndex(of: code) ?? Int.max / 2)
    }

    /// A suite OpenSSL can negotiate (for the certificate handshake's retry): its OpenSSL name.
    static func openSSLName(_ code: UInt16) -> String? {
        if let entry = openSSLTable[code] { return entry.openssl }
        if tls13.contains(code) { return Catalog.shared.suite(code: code)?.iana }
        return nil
    }
}
