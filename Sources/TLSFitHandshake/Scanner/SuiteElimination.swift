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

/// Finds a protocol's accepted suites with few connections.
///
/// Offer every candidate at once; the server picks one; remove it and offer the rest; repeat until
/// the server refuses. That costs one connection per accepted suite plus one, instead of one per
/// candidate (about 100). Then offer the accepted suites in reverse: a server that enforces its own
/// order still picks its first choice, and the elimination order is then its preference order; a
/// server that follows the client picks the last one.
enum SuiteElimination {
    /// OpenSSL's TLS 1.3 suites (it negotiates the CCM ones only when offered explicitly).
    static let tls13Suites: [OpenSSLCipherEntry] = [
        .init(code: 0x1302, openssl: "TLS_AES_256_GCM_SHA384", iana: "TLS_AES_256_GCM_SHA384"),
        .init(code: 0x1303, openssl: "TLS_CHACHA20_POLY1305_SHA256", iana: "TLS_CHACHA20_POLY1305_SHA256"),
        .init(code: 0x1301, openssl: "TLS_AES_128_GCM_SHA256", iana: "TLS_AES_128_GCM_SHA256"),
        .init(code: 0x1304, openssl: "TLS_AES_128_CCM_SHA256", iana: "TLS_AES_128_CCM_SHA256"),
        .init(code: 0x1305, openssl: "TLS_AES_128_CCM_8_SHA256", iana: "TLS_AES_128_CCM_8_SHA256"),
    ]

    /// Every suite below TLS 1.3 that the linked OpenSSL can offer without a PSK or SRP secret.
    static let legacySuites: [OpenSSLCipherEntry] = OpenSSLCipherTable.all().filter { entry in
        guard entry.code & 0xFF00 != 0x1300 else { return false }
        guard let suite = Catalog.shared.suite(code: entry.code) else { return true }
        return !suite.keyExchange.contains("PSK") && !suite.keyExchange.contains("SRP")
            && !suite.authentication.contains("PSK") && !suite.authentication.contains("SRP")
    }

    /// The suites worth offering with `version`, strongest first.
    static func candidates(for version: TLSVersion) -> [OpenSSLCipherEntry] {
        if version == .tls13 { return tls13Suites }
        let usable = legacySuites.filter { entry in
            guard let suite = Catalog.shared.suite(code: entry.code) else { return true }
            return suite.minVersion <= version && version <= suite.maxVersion
        }
        let rank = Dictionary(
            CipherSuiteStrength.sorted(usable.compactMap { Catalog.shared.suite(code: $0.code) }).enumerated().map {
                ($0.element.code, $0.offset)
            }, uniquingKeysWith: { a, _ in a })
        return usable.enumerated().sorted { a, b in
            (rank[a.element.code] ?? Int.max, a.offset) < (rank[b.element.code] ?? Int.max, b.offset)
        }.map(\.element)
    }

    static func run(_ version: TLSVersion, probe: HostProbe) -> ProtocolScanResult {
        var result = ProtocolScanResult(version: version, accepted: false, suites: [], serverPreference: nil, errors: [])
        var remaining = candidates(for: version)
        var found: [OpenSSLCipherEntry] = []

        func offer(_ entries: [OpenSSLCipherEntry]) -> HostProbe.Answer {
            let names = entries.map(\.openssl).joined(separator: ":")
            let outcome = version == .tls13
                ? probe.handshake(min: version, max: version, tls13CipherSuites: names)
                : probe.handshake(min: version, max: version, cipherString: names + ":@SECLEVEL=0")
            return HostProbe.answer(outcome, version: version)
        }

        while !remaining.isEmpty {
            switch offer(remaining) {
            case .chose(let negotiated):
                guard let code = negotiated.cipherCode, let index = remaining.firstIndex(where: { $0.code == code }) else {
                    result.errors.append("\(version.rawValue): the server chose a suite that was not offered")
                    remaining = []
                    continue
                }
                found.append(remaining.remove(at: index))
            case .refused:
                remaining = []
            case .failed(let detail):
                result.errors.append("\(version.rawValue): \(detail)")
                remaining = []
            }
        }
        result.accepted = !found.isEmpty
        var ordered = found
        if found.count >= 2 {
            switch offer(found.reversed()) {
            case .chose(let negotiated) where negotiated.cipherCode == found.first?.code:
                result.serverPreference = true
            case .chose(let negotiated) where negotiated.cipherCode == found.last?.code:
                result.serverPreference = false
            case .chose:
                // Neither first nor last: an order that depends on more than the suite list (a
                // ChaCha20 priority rule, for one). Keep the order the server's choices gave.
                result.errors.append("\(version.rawValue): the server's suite order could not be decided")
            case .refused:
                result.errors.append("\(version.rawValue): the server refused suites it had accepted")
            case .failed(let detail):
                result.errors.append("\(version.rawValue): \(detail)")
            }
            if result.serverPreference == false {
                let strength = CipherSuiteStrength.sorted(found.compactMap { Catalog.shared.suite(code: $0.code) })
                let known = Set(strength.map(\.code))
                ordered = strength.compactMap { s in found.first { $0.code == s.code } } + found.filter { !known.contains($0.code) }
            }
        }
        result.suites = ordered.map { $0.iana ?? Catalog.shared.suite(code: $0.code)?.iana ?? CipherSuite.codeString($0.code) }
        return result
    }
}
