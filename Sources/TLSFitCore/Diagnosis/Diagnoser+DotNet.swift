/// The .NET Framework cause: a WSUS server's sync offers only SSL 3.0 / TLS 1.0 because
/// `SchUseStrongCrypto` / `SystemDefaultTlsVersions` are not set (see `DotNetFrameworkTLS`).
extension Diagnoser {
    static func dotNetCause(_ c: WindowsTLSConfig, server: ServerProfile) -> Cause? {
        let dotNet = DotNetFrameworkTLS(registry: c.registry)
        // Only when the .NET values are what keeps the server's protocol out: with the OS choosing,
        // Schannel would offer one the server accepts.
        guard !dotNet.usesSystemDefaults, c.schannelDefaultProtocols().contains(where: server.accepts) else {
            return nil
        }
        let accepted = server.acceptedVersions.map(\.rawValue).joined(separator: ", ")
        let offered = dotNet.offeredProtocols(c).map(\.rawValue).joined(separator: ", ")
        var evidence = dotNet.evidence.map { Evidence($0) }
        if evidence.isEmpty {
            evidence.append(
                Evidence(
                    file: nil, key: DotNetFrameworkTLS.key,
                    value:
                        "SchUseStrongCrypto and SystemDefaultTlsVersions not set (assumed default 0: WSUS targets a .NET Framework older than 4.6)"
                ))
        }
        var changes: [RegFileWriter.Change] = []
        for key in [DotNetFrameworkTLS.key, DotNetFrameworkTLS.keyWow64] {
            changes.append(dword(key, "SystemDefaultTlsVersions", 1))
            changes.append(dword(key, "SchUseStrongCrypto", 1))
        }
        // Server 2012 R2 (incident 3 of the reference): WSUS speaks TLS 1.2 only with the June 2017
        // preview rollup (KB4022720) or a later monthly rollup; security-only updates leave it at TLS 1.0.
        let updates =
            c.release == .server2012R2
            ? " On Server 2012 R2 WSUS also needs the June 2017 preview rollup (KB4022720) or any later monthly rollup: with security-only updates it stays at TLS 1.0 whatever the registry says (troubleshoot-wsus-import-sync-issues.md)."
            : ""
        return Cause(
            code: .dotNetLegacyTLS,
            summary:
                ".NET Framework offers \(offered.isEmpty ? "no protocol" : offered), and \(server.host) accepts only \(accepted)",
            explanation:
                "A WSUS server syncs from \(server.host) through .NET Framework, not WinHTTP. \(dotNet.explanation(c)) \(server.host) accepts \(accepted), so the handshake fails (sws.update.microsoft.com answers a TLS 1.0 ClientHello with a TCP reset: the WSUS log says \"An existing connection was forcibly closed by the remote host\"). Rules: \(DotNetFrameworkTLS.source).\(updates)",
            evidence: evidence,
            fix: Fix(
                description:
                    "Set SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 under \(DotNetFrameworkTLS.key) and its Wow6432Node twin, then restart the WSUS service (or reboot)\(c.release == .server2012R2 ? "; install a monthly rollup from June 2017 or later (KB4022720) if the server has only security-only updates" : "").",
                changes: changes))
    }
}
