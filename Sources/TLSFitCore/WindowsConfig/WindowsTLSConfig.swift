/// A Windows client's effective TLS configuration: what Schannel (and WinHTTP, which the update
/// client uses) offers, with where each setting came from and what a Windows expert would warn about.
///
/// Build one with `WindowsConfigReader.read(...)`, or with `evaluate(registry:release:...)` from a
/// `RegistrySnapshot` (for instance after applying a proposed fix to a copy of `registry`).
public struct WindowsTLSConfig: Sendable {
    public var release: WindowsRelease
    /// True when the user did not name a release and tlsfit assumed one.
    public var releaseAssumed: Bool
    /// The merged registry the configuration was computed from.
    public var registry: RegistrySnapshot
    /// Schannel protocol switches, one entry per protocol tlsfit knows.
    public var protocols: [TLSVersion: ProtocolSetting]
    /// WinHTTP `DefaultSecureProtocols` (the 64-bit key, the one the update client reads).
    public var winHTTPDefaultSecureProtocols: WinHTTPSetting?
    /// The same value under `Wow6432Node` (32-bit applications).
    public var winHTTPDefaultSecureProtocolsWow64: WinHTTPSetting?
    /// Where the suite order came from.
    public var suiteOrderSource: SuiteOrderSource
    /// The suites the client offers, in order, after names were resolved and switches applied.
    public var cipherSuites: [EffectiveSuite]
    /// Suites the order named but a `SCHANNEL\Ciphers`, `Hashes` or `KeyExchangeAlgorithms` switch removed.
    public var removedSuites: [RemovedSuite]
    /// Curve order (`EccCurves`), or the release's defaults.
    public var curves: [String]
    public var curvesSource: Provenance?
    public var warnings: [ConfigWarning]
    /// What the export's `CurrentVersion` key says about the release, when it has one.
    public var detectedRelease: DetectedRelease? = nil
    /// The networking stack that makes the connection: WinHTTP (the update agent, the default), WinINet,
    /// .NET, .NET Framework (a WSUS server's upstream sync; see `DotNetFrameworkTLS`) or SSPI.
    public var stack: ClientStack = .winHTTP

    /// The protocols WinHTTP (and so the Windows Update client) offers, lowest first.
    ///
    /// `DefaultSecureProtocols`, when present, replaces WinHTTP's defaults (Windows 7 / 8 / 2008 R2 /
    /// 2012: SSL 3.0 and TLS 1.0; Windows 11: TLS 1.2 and 1.3; others: the Schannel defaults). Schannel's `Enabled=0` always
    /// wins. Before Windows 10, a client `DisabledByDefault=1` also removes the protocol (the
    /// KB3140245 guidance); from Windows 10 on, a protocol WinHTTP names explicitly is used.
    public func offeredProtocols() -> [TLSVersion] {
        switch Catalog.shared.release(release).hello.stacks[stack]?.protocols.value ?? .winhttp {
        case .dotNetFramework: return DotNetFrameworkTLS(registry: registry).offeredProtocols(self)
        case .schannel: return schannelDefaultProtocols()
        case .enabled:
            // The application (WinINet: Internet Options) asks for its protocols itself, so DisabledByDefault does not
            // hold them back; on Windows 11 WinINet, like WinHTTP, no longer offers TLS 1.0/1.1.
            let modernOnly = !WindowsTLSConfig.winHTTPDefaultProtocols(release).contains(.tls10)
            return protocols.values.filter { p in
                p.supported && p.clientEnabled && p.version >= (modernOnly ? .tls12 : .tls10)
            }.map(\.version).sorted()
        case .winhttp: break
        }
        let legacy = WindowsTLSConfig.isPreWindows10(release)
        let explicit = winHTTPDefaultSecureProtocols?.protocols
        let base: [TLSVersion]
        if let explicit {
            base = explicit
        } else {
            base = WindowsTLSConfig.winHTTPDefaultProtocols(release)
        }
        return base.filter { v in
            guard let p = protocols[v], p.supported, p.clientEnabled else { return false }
            if !p.clientDisabledByDefault { return true }
            return explicit != nil && !legacy
        }.sorted()
    }

    /// The protocols Schannel offers to an application that asks for the system defaults.
    public func schannelDefaultProtocols() -> [TLSVersion] {
        protocols.values.filter(\.clientOffered).map(\.version).sorted()
    }

    static func isPreWindows10(_ r: WindowsRelease) -> Bool { r.isPreWindows10 }

    /// WinHTTP's own protocols when `DefaultSecureProtocols` is not set (`windows-hello.tsv`):
    /// SSL 3.0 and TLS 1.0 on Windows 7 / 8 / 2008 R2 / 2012, TLS 1.2 and 1.3 on Windows 11.
    public static func winHTTPDefaultProtocols(_ r: WindowsRelease) -> [TLSVersion] {
        Catalog.shared.release(r).hello.winHTTPProtocols.value
    }

    /// WinHTTP cannot use TLS 1.2 without `DefaultSecureProtocols` (Windows 7 / 8 / 2008 R2 / 2012, KB3140245).
    static func winHTTPNeedsDefaultSecureProtocols(_ r: WindowsRelease) -> Bool {
        !winHTTPDefaultProtocols(r).contains(.tls12)
    }
}

/// One protocol's Schannel switches.
public struct ProtocolSetting: Sendable, Hashable {
    public var version: TLSVersion
    /// Whether the release implements the protocol at all.
    public var supported: Bool
    /// `Client\Enabled`, or the release's default.
    public var clientEnabled: Bool
    /// `Client\DisabledByDefault`, or the release's default.
    public var clientDisabledByDefault: Bool
    public var clientEnabledSource: Provenance?
    public var clientDisabledByDefaultSource: Provenance?
    /// `Server\Enabled` when set (nil: not set).
    public var serverEnabled: Bool?
    public var serverDisabledByDefault: Bool?
    public var serverSource: Provenance?

    /// Used by a client that asks for the system defaults.
    public var clientOffered: Bool { supported && clientEnabled && !clientDisabledByDefault }

    /// The setting that decided `clientOffered`, if any was set.
    public var clientSource: Provenance? {
        if clientEnabledSource != nil, !clientEnabled { return clientEnabledSource }
        if clientDisabledByDefault { return clientDisabledByDefaultSource ?? clientEnabledSource }
        return clientEnabledSource ?? clientDisabledByDefaultSource
    }
}

/// WinHTTP's `DefaultSecureProtocols` bit mask.
public struct WinHTTPSetting: Sendable, Hashable {
    public var value: UInt32
    public var source: Provenance

    /// The protocols in the mask (0x20 SSL 3.0, 0x80 TLS 1.0, 0x200 TLS 1.1, 0x800 TLS 1.2, 0x2000 TLS 1.3).
    public var protocols: [TLSVersion] { WinHTTPSetting.protocols(in: value) }

    public static func bit(for version: TLSVersion) -> UInt32 {
        switch version {
        case .ssl3: 0x20
        case .tls10: 0x80
        case .tls11: 0x200
        case .tls12: 0x800
        case .tls13: 0x2000
        }
    }

    public static func protocols(in mask: UInt32) -> [TLSVersion] {
        TLSVersion.allCases.filter { mask & bit(for: $0) != 0 }
    }
}

/// Where the cipher suite order came from.
public enum SuiteOrderSource: Sendable, Hashable {
    /// The "SSL Cipher Suite Order" policy value.
    case policy(Provenance)
    /// The local `Functions` value (`Enable-TlsCipherSuite`, or a hand edit).
    case local(Provenance)
    /// Neither is set: the release's default order.
    case releaseDefault

    public var provenance: Provenance? {
        switch self {
        case .policy(let p), .local(let p): p
        case .releaseDefault: nil
        }
    }
}

/// One suite the client offers.
public struct EffectiveSuite: Sendable, Hashable {
    public var suite: CipherSuite
    /// The name as configured (or the release's default name).
    public var windowsName: String
    /// Curves pinned by suffixed names (Windows 7 / 8.1 only); empty otherwise.
    public var pinnedCurves: [String]
    /// The value that put the suite in the list (nil: the release's default order).
    public var source: Provenance?
    /// The line of the name itself, when the input put names on separate lines.
    public var line: Int?
}

/// A suite the configured order names but a Schannel switch removes.
public struct RemovedSuite: Sendable, Hashable {
    public var suite: CipherSuite
    public var windowsName: String
    /// "SCHANNEL\Ciphers\Triple DES 168 Enabled=0".
    public var reason: String
    public var evidence: Provenance
}

/// Something a Windows expert would point out, with the setting that shows it.
public struct ConfigWarning: Sendable, Hashable, Codable {
    /// A fixed vocabulary that only grows.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case gpoStringTooLong = "gpo-string-too-long"
        case unknownSuiteName = "unknown-suite-name"
        case unsupportedOnRelease = "unsupported-on-release"
        case duplicateSuite = "duplicate-suite"
        case curveSuffixIgnored = "curve-suffix-ignored"
        case curveSuffixMissing = "curve-suffix-missing"
        case serverOnlyProtocol = "server-only-protocol"
        case disabledByDefaultBlocksWinHTTP = "disabled-by-default-blocks-winhttp"
        case winHTTPLegacyDefaults = "winhttp-legacy-defaults"
        case winHTTPWow64Mismatch = "winhttp-wow64-mismatch"
        case protocolNotSupported = "protocol-not-supported"
        case noCipherSuites = "no-cipher-suites"
        case noSuiteForOfferedProtocols = "no-suite-for-offered-protocols"
        case noOfferedProtocols = "no-offered-protocols"
        case suitesRemovedBySwitch = "suites-removed-by-switch"
        case eccCurvesIgnored = "ecc-curves-ignored"
        case unknownCurve = "unknown-curve"
        case onlyRC4Suites = "only-rc4-suites"
        case wrongValueType = "wrong-value-type"
        case releaseMismatch = "release-mismatch"
        /// A key or value name under SCHANNEL, Cryptography\Configuration, WinHTTP or .NET that Windows does not read (a typo).
        case unknownRegistryName = "unknown-registry-name"
        /// An EccCurves value tlsfit could not read as a list of curves: the curves are unknown.
        case curvesUnreadable = "curves-unreadable"
    }

    public var code: Code
    public var message: String
    public var file: String?
    public var line: Int?
    public var record: Int?
    public var evidence: [Provenance]

    public init(_ code: Code, _ message: String, evidence: [Provenance], line: Int? = nil) {
        self.code = code
        self.message = message
        self.evidence = evidence
        self.file = evidence.first?.file
        self.line = line ?? evidence.first?.line
        self.record = evidence.first?.record
    }
}
