/// Which Windows Update client is diagnosed: the agent of a Windows machine, or a WSUS server
/// syncing from Microsoft. Each contacts its own hosts through its own TLS stack.
public enum UpdateRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The Windows Update agent, over WinHTTP.
    case client
    /// A WSUS server's upstream sync (`sws.update.microsoft.com`), over .NET Framework.
    case wsus

    /// The stack that makes the connections.
    public var stack: ClientStack { self == .wsus ? .dotNetFramework : .winHTTP }

    /// The TLS hosts this role contacts on any modelled release, in catalog order: the one list
    /// `scan --windows-update` and `report` check, so they agree with `diagnose` (which takes the
    /// hosts of the one release it diagnoses).
    public func tlsHosts(catalog: Catalog = .shared) -> [UpdateHost] {
        var wanted = Set<String>()
        for release in WindowsRelease.allCases {
            for h in hosts(release: release, catalog: catalog) where !h.isPlainHTTP {
                wanted.insert("\(h.host.lowercased()):\(h.port)")
            }
        }
        return catalog.updateHosts.filter { wanted.contains("\($0.host.lowercased()):\($0.port)") }
    }

    /// The update hosts this role contacts on `release`, in catalog order.
    ///
    /// - client: hosts whose agents are `all`, plus `windows-10+` hosts from Windows 10 1607 / Server
    ///   2016 on, `before-windows-10` hosts before (which hosts an older agent uses is assumed).
    /// - wsus: `sws.update.microsoft.com` and the content hosts every machine downloads from.
    public func hosts(release: WindowsRelease, catalog: Catalog = .shared) -> [UpdateHost] {
        let modern = !WindowsTLSConfig.isPreWindows10(release) && release != .windows7 && release != .server2008R2
        return catalog.updateHosts.filter { h in
            switch self {
            case .client:
                return h.agents.contains("all") || h.agents.contains(modern ? "windows-10+" : "before-windows-10")
            case .wsus:
                return h.agents.contains("wsus") || (h.agents.contains("all") && h.roles.contains("content"))
            }
        }
    }
}

/// The Windows networking stack that makes the connection: its protocols, and what it changes in Schannel's
/// ClientHello (`stack:NAME` rows of `windows-hello.tsv`).
public enum ClientStack: String, Sendable, Hashable, Codable, CaseIterable {
    /// WinHTTP (the Windows Update agent): `DefaultSecureProtocols` over Schannel.
    case winHTTP = "winhttp"
    /// WinINet (Internet Explorer, Office, many installers): its own protocol choice; no RC4 or DHE suites.
    case winINet = "wininet"
    /// .NET 5 and later (`SslStream`, `HttpClient`): Schannel's defaults, always with strong crypto.
    case dotNet = "dotnet"
    /// .NET Framework 4.x (WSUS, Configuration Manager): `SchUseStrongCrypto`, `SystemDefaultTlsVersions`.
    case dotNetFramework = "dotnet-framework"
    /// An application calling Schannel (SSPI) directly: curl.exe, the RDP client, most agents.
    case sspi = "sspi"

    /// How output names it.
    public var displayName: String {
        switch self {
        case .winHTTP: "WinHTTP"
        case .winINet: "WinINet"
        case .dotNet: ".NET"
        case .dotNetFramework: ".NET Framework"
        case .sspi: "SSPI (Schannel directly)"
        }
    }

    /// The stacks `--stack` accepts (`dotnet-framework` comes with `--role wsus`).
    public static let selectable: [ClientStack] = [.winHTTP, .winINet, .dotNet, .sspi]
}
