import FoundationEssentials

/// A Windows release whose Schannel defaults tlsfit knows.
// swift-format-ignore: AlwaysUseLowerCamelCase
// (`windows10_1507`: the version number is part of the name, as Microsoft writes it, and reads badly run together.)
public enum WindowsRelease: String, Sendable, Hashable, Codable, CaseIterable {
    case windows7 = "windows-7"
    case server2008R2 = "server-2008r2"
    case windows8 = "windows-8"
    case server2012 = "server-2012"
    case windows81 = "windows-8.1"
    case server2012R2 = "server-2012r2"
    case windows10_1507 = "windows-10-1507"
    case windows10_1511 = "windows-10-1511"
    case windows10_1607 = "windows-10-1607"
    case server2016 = "server-2016"
    case windows10_1703 = "windows-10-1703"
    case windows10_1709 = "windows-10-1709"
    case windows10_1803 = "windows-10-1803"
    case windows10_1809 = "windows-10-1809"
    case server2019 = "server-2019"
    case windows10_1903 = "windows-10-1903"
    case windows10_1909 = "windows-10-1909"
    case windows10_2004 = "windows-10-2004"
    case windows10_20H2 = "windows-10-20h2"
    case windows10_21H1 = "windows-10-21h1"
    case windows10_21H2 = "windows-10-21h2"
    case windows10_22H2 = "windows-10-22h2"
    case windows11_21H2 = "windows-11-21h2"
    case windows11_22H2 = "windows-11-22h2"
    case windows11_23H2 = "windows-11-23h2"
    case windows11_24H2 = "windows-11-24h2"
    /// The current Windows 11 release (25H2).
    case windows11 = "windows-11"
    case server2022 = "server-2022"
    case server23H2 = "server-23h2"
    case server2025 = "server-2025"

    /// Accepts the identifiers and the aliases of `windows-releases.tsv` ("win7", "2012r2", "win11"...), case-insensitive.
    public init?(userText: String) {
        let key = WindowsRelease.aliasKey(userText)
        if let match = WindowsRelease.byKey[key] {
            self = match
            return
        }
        guard let id = Catalog.shared.releaseAliases[key], let match = WindowsRelease(rawValue: id) else { return nil }
        self = match
    }

    /// "Windows Server 2012 R2".
    public var displayName: String { Catalog.shared.release(self).displayName }

    /// Known identifiers closest to a mistyped one, best first ("windows-10-22h" -> "windows-10-22h2").
    public static func suggestions(for text: String, limit: Int = 3) -> [String] {
        let key = aliasKey(text)
        let ids = allCases.map(\.rawValue)
        let aliases = Array(Catalog.shared.releaseAliases.keys)
        var result: [String] = []
        for name in NameDistance.closest(to: key, among: NameDistance.Index(ids + aliases), limit: limit * 2) {
            let id = WindowsRelease(userText: name)?.rawValue ?? name
            if !result.contains(id) { result.append(id) }
        }
        return Array(result.prefix(limit))
    }

    /// The message for a release nobody knows: "did you mean" plus the known identifiers.
    public static func unknownMessage(_ text: String) -> String {
        let close = suggestions(for: text)
        let hint = close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"
        return "unknown Windows release '\(text)'\(hint); known: \(allCases.map(\.rawValue).joined(separator: ", "))"
    }

    /// Before Windows 10 (curve-suffixed names, DisabledByDefault also hides a protocol from WinHTTP).
    public var isPreWindows10: Bool { Catalog.shared.release(self).build < 10240 }

    /// Lower-cased with spaces, underscores and a "microsoft"/"windows" prefix variance folded, so
    /// "Windows Server 2019", "server_2019" and "ws2019" meet.
    static func aliasKey(_ text: String) -> String {
        var t = text.lowercased().trimming([" ", "\t", "\"", "'"])
        // One pass (a fleet's folder names are read once per file): spaces and underscores become dashes.
        if t.utf8.contains(where: { $0 == 0x20 || $0 == 0x5F }) {
            t = String(decoding: t.utf8.map { $0 == 0x20 || $0 == 0x5F ? 0x2D : $0 }, as: UTF8.self)
        }
        if t.hasPrefix("microsoft-") { t.removeFirst("microsoft-".count) }
        return t
    }

    /// Every release by the alias key of its identifier, made once.
    private static let byKey: [String: WindowsRelease] = Dictionary(
        allCases.map { (aliasKey($0.rawValue), $0) }, uniquingKeysWith: { first, _ in first })
}

/// How one Windows release treats one cipher suite, under one Schannel name.
public struct WindowsSuiteSupport: Sendable, Hashable {
    /// The Schannel name as the release spells it (curve-suffixed before Windows 10).
    public var windowsName: String
    public var suite: CipherSuite
    /// In the release's default list. See `onlyWhenRequested` for the NULL suites.
    public var enabledByDefault: Bool
    /// 1-based position in the default order; nil when not enabled by default.
    public var defaultPriority: Int?
    /// The protocols Schannel uses it with on this release.
    public var protocols: [TLSVersion]
    /// Kept when the application passes `SCH_USE_STRONG_CRYPTO`.
    public var allowedWithStrongCrypto: Bool
    /// In the list, but used only when an application explicitly asks (the NULL suites).
    public var onlyWhenRequested: Bool
    /// A PSK suite: used only when an application asks for PSK (`SCH_USE_PRESHAREDKEY_ONLY`).
    public var pskOnly: Bool

    public init(
        windowsName: String, suite: CipherSuite, enabledByDefault: Bool, defaultPriority: Int?, protocols: [TLSVersion],
        allowedWithStrongCrypto: Bool, onlyWhenRequested: Bool = false, pskOnly: Bool = false
    ) {
        self.windowsName = windowsName
        self.suite = suite
        self.enabledByDefault = enabledByDefault
        self.defaultPriority = defaultPriority
        self.protocols = protocols
        self.allowedWithStrongCrypto = allowedWithStrongCrypto
        self.onlyWhenRequested = onlyWhenRequested
        self.pskOnly = pskOnly
    }

    /// The curve a suffixed name pins ("NistP256"), nil for unsuffixed names.
    public var curve: String? {
        CipherSuite.curveSuffix(of: windowsName).map(CipherSuite.curveName(forSuffix:))
    }

    /// What an ordinary client offers: enabled by default and not reserved for explicit requests.
    public var offeredByDefault: Bool { enabledByDefault && !onlyWhenRequested && !pskOnly }
}

/// Everything tlsfit knows about one Windows release's Schannel defaults.
public struct WindowsReleaseInfo: Sendable {
    public var release: WindowsRelease
    public var displayName: String
    /// Every suite the release knows, default-enabled first in priority order, then the others.
    public var supported: [WindowsSuiteSupport]
    /// Enabled by default, in priority order (includes the NULL suites used only on request; see `offeredByDefault`).
    public var defaultOrder: [WindowsSuiteSupport]
    /// Schannel client protocols on by default.
    public var defaultClientProtocols: [TLSVersion]
    public var supportedProtocols: [TLSVersion]
    /// Windows curve names in default order: "curve25519", "NistP256", "NistP384".
    public var defaultCurves: [String]
    /// True before Windows 10: ECDHE suite names carry the curve (`_P256`...).
    public var usesCurveSuffixes: Bool
    /// `CurrentBuild` (7601, 19045, 26100...).
    public var build: Int
    /// A server release (InstallationType `Server` or `Server Core`).
    public var isServer: Bool
    /// The ClientHello profile in `windows-hello.tsv`.
    public var helloProfile: String
    /// Microsoft's own default list where tlsfit follows real captures instead (Windows 7: see `note`).
    public var documentedOrder: [WindowsSuiteSupport]?
    /// Where the release's data comes from, when it needs saying; nil otherwise.
    public var note: String?
    /// What its ClientHello holds besides the suites (WinHTTP stack).
    public var hello: WindowsHelloProfile

    /// The release's entry for an exact Schannel name, case-insensitive.
    public func support(forWindowsName name: String) -> WindowsSuiteSupport? {
        let upper = name.uppercased()
        return supported.first(where: { $0.windowsName.uppercased() == upper })
    }

    /// Every entry (all curve variants) for a suite.
    public func support(for suite: CipherSuite) -> [WindowsSuiteSupport] {
        supported.filter { $0.suite.code == suite.code }
    }
}
