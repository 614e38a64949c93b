import CipherSuites
import FoundationEssentials
import Synchronization

/// The cipher-suite and Windows catalog: suites and their names, Windows release defaults,
/// Windows Update hosts and Windows error codes, loaded from the `CipherSuites/` data files.
public final class Catalog: Sendable {
    /// Loaded once from the data embedded in the binary. A malformed embedded file is a programming
    /// error (a test loads the embedded files eagerly). The Windows release tables, the largest
    /// part, are parsed when first asked for: a scan needs only the suites.
    public static let shared: Catalog = {
        do {
            return try Catalog(
                suitesTSV: CipherSuitesData.suitesTSV,
                windowsReleasesTSV: CipherSuitesData.windowsReleasesTSV,
                windowsSuitesTSV: CipherSuitesData.windowsSuitesTSV,
                updateHostsTSV: CipherSuitesData.updateHostsTSV,
                windowsErrorsTSV: CipherSuitesData.windowsErrorsTSV,
                windowsHelloTSV: CipherSuitesData.windowsHelloTSV,
                releasesWhenAsked: true
            )
        } catch {
            fatalError("embedded catalog data is malformed: \(error)")
        }
    }()

    /// Every suite, by code point.
    public let suites: [CipherSuite]
    public let updateHosts: [UpdateHost]
    public let updateHostPatterns: [String]
    public let windowsErrors: [WindowsErrorCode]

    private let byCode: [UInt16: CipherSuite]
    /// Upper-cased IANA, OpenSSL and Windows names -> code.
    private let byName: [String: UInt16]
    private let releaseTables: ReleaseTables
    private var releases: [WindowsRelease: WindowsReleaseInfo] { releaseTables.value.releases }
    /// Alias key (see `WindowsRelease.aliasKey`) -> release identifier.
    var releaseAliases: [String: String] { releaseTables.value.aliases }
    /// Every distinct spelling, for suggestions.
    private let allNames: NameDistance.Index

    /// Parses and cross-checks the data files; the first problem is thrown with its file and line.
    /// With `releasesWhenAsked` the Windows release tables are parsed on first use instead (and a
    /// problem in them stops the process: for the embedded data only).
    public init(
        suitesTSV: String,
        windowsReleasesTSV: String,
        windowsSuitesTSV: String,
        updateHostsTSV: String,
        windowsErrorsTSV: String,
        windowsHelloTSV: String = CipherSuitesData.windowsHelloTSV,
        releasesWhenAsked: Bool = false
    ) throws(InputError) {
        let suites = try CatalogLoader.suites(suitesTSV)
        var byCode: [UInt16: CipherSuite] = [:]
        var byName: [String: UInt16] = [:]
        var allNames: [String] = []
        for suite in suites {
            byCode[suite.code] = suite
            for name in [suite.iana] + (suite.openssl.map { [$0] } ?? []) + suite.windowsNames {
                if byName[name.uppercased()] == nil { allNames.append(name) }
                byName[name.uppercased()] = suite.code
            }
        }
        self.suites = suites
        self.byCode = byCode
        self.byName = byName
        self.allNames = NameDistance.Index(allNames)

        let load = { [byName, byCode] () throws(InputError) -> ReleaseTables.Tables in
            let (releases, aliases) = try CatalogLoader.releases(
                releasesText: windowsReleasesTSV, suitesText: windowsSuitesTSV, helloText: windowsHelloTSV,
                byName: byName, byCode: byCode)
            return ReleaseTables.Tables(releases: releases, aliases: aliases)
        }
        releaseTables = releasesWhenAsked ? ReleaseTables(load: load) : ReleaseTables(tables: try load())
        (self.updateHostPatterns, self.updateHosts) = try CatalogLoader.updateHosts(updateHostsTSV)
        self.windowsErrors = try CatalogLoader.windowsErrors(windowsErrorsTSV)
    }

    public func suite(code: UInt16) -> CipherSuite? { byCode[code] }

    /// Finds a suite by IANA, OpenSSL or any Windows name (curve suffixes included) or by code point
    /// ("0xC030", "C030", "0xC0,0x30"), case-insensitive. Also accepts `SSL_` for `TLS_` and the OpenSSL
    /// `EDH-` spelling of `DHE-`.
    public func suite(named name: String) -> CipherSuite? {
        let trimmed = name.trimmingSpaces.trimmingQuotes
        guard !trimmed.isEmpty else { return nil }
        let upper = trimmed.uppercased()
        if let code = byName[upper] { return byCode[code] }
        if upper.hasPrefix("SSL_"), let code = byName["TLS_" + upper.dropFirst(4)] { return byCode[code] }
        if upper.hasPrefix("EDH-"), let code = byName["DHE-" + upper.dropFirst(4)] { return byCode[code] }
        if upper.hasPrefix("DHE-"), let code = byName["EDH-" + upper.dropFirst(4)] { return byCode[code] }
        if let code = parseCodePoint(trimmed) { return byCode[code] }
        return nil
    }

    /// The closest known names to a name nobody knows, best first.
    public func suggestions(for name: String, limit: Int) -> [String] {
        NameDistance.closest(to: name, among: allNames, limit: limit)
    }

    /// The closest known names to a suite name Schannel does not know ("did you mean"), Schannel's
    /// `TLS_` spellings before OpenSSL's: what `config` suggests and what `diagnose` corrects.
    public func schannelNameSuggestions(for name: String, limit: Int = 3) -> [String] {
        let candidates = suggestions(for: name, limit: 12)
        return Array(
            (candidates.filter { $0.hasPrefix("TLS_") } + candidates.filter { !$0.hasPrefix("TLS_") }).prefix(limit))
    }

    public func release(_ r: WindowsRelease) -> WindowsReleaseInfo {
        guard let info = releases[r] else { fatalError("catalog has no entry for \(r.rawValue)") }
        return info
    }

    /// The release a `CurrentBuild` number names; `server` picks between a client and a server
    /// release of the same build (7601, 9200, 9600, 14393, 17763, 26100). nil for a build tlsfit does not know.
    public func release(forBuild build: Int, server: Bool) -> WindowsRelease? {
        let matches = WindowsRelease.allCases.filter { release($0).build == build }
        return matches.first(where: { release($0).isServer == server }) ?? matches.first
    }

    /// The Windows releases that support a suite, with their entries for it.
    public func windowsSupport(for suite: CipherSuite) -> [(release: WindowsRelease, entries: [WindowsSuiteSupport])] {
        WindowsRelease.allCases.compactMap { r in
            let entries = release(r).support(for: suite)
            return entries.isEmpty ? nil : (r, entries)
        }
    }

    /// Looks up "0x80072EFE", "80072efe" or the decimal WinINet number ("12030").
    public func windowsError(_ code: String) -> WindowsErrorCode? {
        var t = code.trimmingSpaces.uppercased()
        if t.hasPrefix("0X") { t.removeFirst(2) }
        if let exact = windowsErrors.first(where: { $0.code.dropFirst(2).uppercased() == t }) { return exact }
        if let number = Int(t), (0..<0x10000).contains(number) {
            return windowsErrors.first(where: { $0.name.hasSuffix("(\(number))") })
        }
        if let value = Int64(code.trimmingSpaces), value < 0, value >= Int64(Int32.min) {
            // A negative HRESULT as .NET prints it (-2147012866).
            let hex = String(UInt32(bitPattern: Int32(value)), radix: 16, uppercase: true)
            return windowsErrors.first(where: { $0.code.dropFirst(2) == hex })
        }
        return nil
    }

    /// Windows names, comma separated, for the "SSL Cipher Suite Order" policy. For a release that needs
    /// curve-suffixed names, an ECDHE suite becomes its suffixed variants for the release's default curves;
    /// with a release, names it does not support are left out; suites Windows never had are always left out.
    public func gpoString(_ suites: [CipherSuite], release: WindowsRelease?) -> String {
        gpoNames(suites, release: release).joined(separator: ",")
    }

    /// The names `gpoString` joins.
    public func gpoNames(_ suites: [CipherSuite], release: WindowsRelease?) -> [String] {
        var names: [String] = []
        for suite in suites {
            guard let base = suite.windowsBaseName else { continue }
            guard let release else {
                names.append(base)
                continue
            }
            let info = self.release(release)
            let entries = info.support(for: suite)
            if info.usesCurveSuffixes {
                let suffixed = entries.filter { $0.curve != nil }
                if suffixed.isEmpty {
                    names += entries.map(\.windowsName)
                } else {
                    for curve in info.defaultCurves {
                        names += suffixed.filter { $0.curve == curve }.map(\.windowsName)
                    }
                }
            } else {
                names += entries.filter { $0.curve == nil }.map(\.windowsName)
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// OpenSSL names, colon separated (TLS 1.3 names included; see `opensslLists` to split them).
    public func opensslString(_ suites: [CipherSuite]) -> String {
        suites.compactMap(\.openssl).joined(separator: ":")
    }

    /// The two strings OpenSSL wants: `SSL_CTX_set_cipher_list` (TLS 1.2 and below) and `SSL_CTX_set_ciphersuites` (TLS 1.3).
    public func opensslLists(_ suites: [CipherSuite]) -> (cipherList: String, ciphersuites: String) {
        (
            suites.filter { !$0.isTLS13 }.compactMap(\.openssl).joined(separator: ":"),
            suites.filter(\.isTLS13).compactMap(\.openssl).joined(separator: ":")
        )
    }
}

extension String {
    var trimmingQuotes: String {
        var s = Substring(self)
        while let f = s.first, f == "\"" || f == "'" { s.removeFirst() }
        while let l = s.last, l == "\"" || l == "'" { s.removeLast() }
        return String(s)
    }
}

/// The Windows release tables of a catalog: parsed at once, or on first use (under a lock).
final class ReleaseTables: Sendable {
    struct Tables {
        var releases: [WindowsRelease: WindowsReleaseInfo]
        var aliases: [String: String]
    }

    private enum State {
        case loaded(Tables)
        case pending(() throws(InputError) -> Tables)
    }

    private let state: Mutex<State>

    init(tables: Tables) { state = Mutex(.loaded(tables)) }
    init(load: sending @escaping () throws(InputError) -> Tables) { state = Mutex(.pending(load)) }

    var value: Tables {
        state.withLock { state in
            switch state {
            case .loaded(let tables):
                return tables
            case .pending(let load):
                do {
                    let loaded = try load()
                    state = .loaded(loaded)
                    return loaded
                } catch {
                    fatalError("embedded catalog data is malformed: \(error)")
                }
            }
        }
    }
}
