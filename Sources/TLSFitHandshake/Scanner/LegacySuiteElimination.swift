import Foundation
import TLSFitCore

/// Finds the TLS 1.0-1.2 suites the linked OpenSSL cannot offer (RC4, DES, 3DES, IDEA, RC2,
/// export) with hand-built ClientHellos that read only the ServerHello, and folds them into what
/// the OpenSSL elimination found.
///
/// The same elimination as `SuiteElimination`: offer every candidate, note the server's choice,
/// remove it, repeat until the server refuses; one connection per accepted suite plus one.
enum LegacySuiteElimination {
    /// Catalog suites of TLS 1.0-1.2 whose code the linked OpenSSL does not list, without the
    /// PSK and SRP suites (they need a secret the scan does not have, as in `SuiteElimination`).
    static let legacySuites: [CipherSuite] = {
        let opensslCodes = Set(OpenSSLCipherTable.all().map(\.code))
        return Catalog.shared.suites.filter { suite in
            !suite.isTLS13 && !opensslCodes.contains(suite.code)
                && !suite.keyExchange.contains("PSK") && !suite.keyExchange.contains("SRP")
                && !suite.authentication.contains("PSK") && !suite.authentication.contains("SRP")
        }
    }()

    static let legacyCodes = Set(legacySuites.map(\.code))

    /// The protocols probed with raw hellos (SSLv3 would need its own record rules).
    static let versions: [TLSVersion] = [.tls10, .tls11, .tls12]

    /// The candidates for `version`, strongest first; the catalog's version range applies, as
    /// for the suites OpenSSL offers.
    static func candidates(for version: TLSVersion) -> [CipherSuite] {
        CipherSuiteStrength.sorted(legacySuites.filter { $0.minVersion <= version && version <= $0.maxVersion })
    }

    /// What the raw hellos found for one protocol.
    struct Result: Sendable {
        /// In the order the server chose them.
        var found: [CipherSuite] = []
        /// Decided with a reversed offer when at least two were found; nil otherwise.
        var serverPreference: Bool?
        var errors: [String] = []
    }

    static func run(_ version: TLSVersion, probe: HostProbe, isCancelled: () -> Bool = { false }) -> Result {
        var result = Result()
        var remaining = candidates(for: version)
        let wire = RawClientHello.wireVersion(version)
        let label = "\(version.rawValue): legacy suites"
        while !remaining.isEmpty, !isCancelled(), probe.gaveUp == nil {
            switch probe.rawHello(version: version, suites: remaining.map(\.code)) {
            case .chose(let chosenVersion, let code):
                // Another version means this one is refused (the server would downgrade).
                guard chosenVersion == wire else { remaining = []; continue }
                guard let index = remaining.firstIndex(where: { $0.code == code }) else {
                    result.errors.append("\(label): the server chose \(CipherSuite.codeString(code)), which was not offered")
                    remaining = []
                    continue
                }
                result.found.append(remaining.remove(at: index))
            case .refused:
                remaining = []
            case .failed(let detail):
                result.errors.append("\(label): \(detail)")
                remaining = []
            }
        }
        guard result.found.count >= 2, !isCancelled() else { return result }
        switch probe.rawHello(version: version, suites: result.found.reversed().map(\.code)) {
        case .chose(wire, let code) where code == result.found.first?.code: result.serverPreference = true
        case .chose(wire, let code) where code == result.found.last?.code: result.serverPreference = false
        case .chose: result.errors.append("\(label): the server's order could not be decided")
        case .refused: result.errors.append("\(label): the server refused suites it had accepted")
        case .failed(let detail): result.errors.append("\(label): \(detail)")
        }
        return result
    }

    /// Adds the legacy suites to a protocol's OpenSSL result.
    ///
    /// When OpenSSL found suites too, the legacy ones go after them: where the server ranks them
    /// among the others would take a second, mixed elimination, and servers that still offer
    /// RC4 or 3DES almost always rank them last. With the server's order enforced, the legacy
    /// suites keep the order the server chose them in; with the client's order, the whole list
    /// is sorted by strength, as `SuiteElimination` reports it. When OpenSSL found nothing, the
    /// protocol is accepted and its order is the one the raw hellos measured.
    static func merge(_ legacy: Result, into result: inout ProtocolScanResult) {
        result.errors += legacy.errors
        guard !legacy.found.isEmpty else { return }
        let names = legacy.found.map(\.iana)
        if result.accepted {
            result.suites += names.filter { !result.suites.contains($0) }
        } else {
            result.accepted = true
            result.suites = names
            result.serverPreference = legacy.serverPreference
        }
        if result.serverPreference == false { result.suites = CipherSuiteStrength.sorted(ianaNames: result.suites) }
    }
}
