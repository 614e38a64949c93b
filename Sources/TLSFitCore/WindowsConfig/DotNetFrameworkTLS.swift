/// How .NET Framework 4.x (WSUS upstream sync, Configuration Manager) chooses the TLS protocols it
/// offers, from `SchUseStrongCrypto` and `SystemDefaultTlsVersions` under
/// `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319` (64-bit processes) and its `Wow6432Node` twin
/// (32-bit processes).
///
/// Microsoft's rules (dotnet/docs `docs/framework/network-programming/tls.md`, "Transport Layer
/// Security (TLS) best practices with the .NET Framework", ms.date 2018-03-15):
/// - `SystemDefaultTlsVersions`=1: "allow the operating system to choose the protocol" (Schannel's
///   client defaults). Default 1 only for applications that target 4.7 or later.
/// - `SchUseStrongCrypto`=1: "more secure network protocols (TLS 1.2, TLS 1.1, and TLS 1.0) and blocks
///   protocols that are not secure". Default 1 only for applications that target 4.6 or later.
/// - Neither (an application targeting 4.5.2 or earlier): SSL 3.0 and TLS 1.0 (the same article:
///   `SslProtocols.Default` "forces the use of SSL 3.0 / TLS 1.0 and prevents TLS 1.2").
/// An explicit protocol request is honoured by Schannel when the protocol is enabled (`Enabled`), even
/// when `DisabledByDefault`=1.
///
/// Assumed (not documented): the WSUS services are 64-bit processes that target a .NET Framework
/// older than 4.6, so both values default to 0 and the 64-bit key decides; the troubleshooting article
/// for WSUS sync (SupportArticles-docs `troubleshoot-wsus-import-sync-issues.md`) says WSUS needs them
/// to offer TLS 1.2.
public struct DotNetFrameworkTLS: Sendable, Hashable {
    public static let key = #"SOFTWARE\Microsoft\.NETFramework\v4.0.30319"#
    public static let keyWow64 = #"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319"#
    public static let source = "dotnet/docs docs/framework/network-programming/tls.md (2018-03-15)"

    public var schUseStrongCrypto: RegistrySnapshot.Entry?
    public var systemDefaultTlsVersions: RegistrySnapshot.Entry?
    public var schUseStrongCryptoWow64: RegistrySnapshot.Entry?
    public var systemDefaultTlsVersionsWow64: RegistrySnapshot.Entry?

    public init(registry: RegistrySnapshot) {
        schUseStrongCrypto = registry.value(Self.key, "SchUseStrongCrypto")
        systemDefaultTlsVersions = registry.value(Self.key, "SystemDefaultTlsVersions")
        schUseStrongCryptoWow64 = registry.value(Self.keyWow64, "SchUseStrongCrypto")
        systemDefaultTlsVersionsWow64 = registry.value(Self.keyWow64, "SystemDefaultTlsVersions")
    }

    /// `SystemDefaultTlsVersions`=1 in the 64-bit key (assumed default 0: WSUS targets an older framework).
    public var usesSystemDefaults: Bool { systemDefaultTlsVersions?.data.integerValue == 1 }
    /// `SchUseStrongCrypto`=1 in the 64-bit key (assumed default 0).
    public var usesStrongCrypto: Bool { schUseStrongCrypto?.data.integerValue == 1 }

    /// The protocols .NET asks Schannel for, before Schannel's switches: nil means "the system defaults".
    public var requestedProtocols: [TLSVersion]? {
        if usesSystemDefaults { return nil }
        if usesStrongCrypto { return [.tls10, .tls11, .tls12] }
        return [.ssl3, .tls10]
    }

    /// The protocols offered, lowest first, for this Windows configuration.
    public func offeredProtocols(_ config: WindowsTLSConfig) -> [TLSVersion] {
        guard let requested = requestedProtocols else { return config.schannelDefaultProtocols() }
        return requested.filter { v in
            guard let p = config.protocols[v] else { return false }
            return p.supported && p.clientEnabled
        }
    }

    /// The values that decided the choice (for evidence), 64-bit first.
    public var evidence: [Provenance] {
        [systemDefaultTlsVersions, schUseStrongCrypto, systemDefaultTlsVersionsWow64, schUseStrongCryptoWow64]
            .compactMap { $0?.provenance }
    }

    /// One sentence: what .NET offers and why.
    public func explanation(_ config: WindowsTLSConfig) -> String {
        let offered = offeredProtocols(config).map(\.rawValue).joined(separator: ", ")
        if usesSystemDefaults {
            return
                "SystemDefaultTlsVersions=1: .NET Framework lets Schannel choose (\(offered.isEmpty ? "nothing" : offered))."
        }
        if usesStrongCrypto {
            return
                "SchUseStrongCrypto=1 without SystemDefaultTlsVersions: .NET Framework asks for TLS 1.0, 1.1 and 1.2; Schannel allows \(offered.isEmpty ? "none of them" : offered)."
        }
        return
            "Neither SchUseStrongCrypto nor SystemDefaultTlsVersions is 1 under \(Self.key): .NET Framework (as WSUS uses it; its target framework is assumed older than 4.6) asks for SSL 3.0 and TLS 1.0 only; Schannel allows \(offered.isEmpty ? "none of them" : offered)."
    }
}
