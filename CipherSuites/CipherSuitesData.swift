/// The reviewed data files of `CipherSuites/`, compiled into the binary, as text.
///
/// Parsing and validation live in `TLSFitCore` (`Catalog`); this module only hands out the bytes.
public enum CipherSuitesData {
    /// `suites.tsv`: one row per cipher suite code point.
    public static let suitesTSV = text(PackageResources.suites_tsv)
    /// `windows-releases.tsv`: one row per Windows release.
    public static let windowsReleasesTSV = text(PackageResources.windows_releases_tsv)
    /// `windows-suites.tsv`: Schannel suites per release list, default ones in priority order.
    public static let windowsSuitesTSV = text(PackageResources.windows_suites_tsv)
    /// `windows-hello.tsv`: what Schannel puts into its ClientHello besides the suites, per release profile.
    public static let windowsHelloTSV = text(PackageResources.windows_hello_tsv)
    /// `update-hosts.tsv`: Windows Update host patterns and concrete hosts.
    public static let updateHostsTSV = text(PackageResources.update_hosts_tsv)
    /// `update-pins.tsv`: the public keys (SPKI SHA-256) the update service chains are pinned to.
    public static let updatePinsTSV = text(PackageResources.update_pins_tsv)
    /// `windows-errors.tsv`: Windows error codes and what they mean for a TLS client.
    public static let windowsErrorsTSV = text(PackageResources.windows_errors_tsv)
    /// `update-agent-proxy.tsv`: which proxy the Windows Update agent uses, per kind of connection.
    public static let updateAgentProxyTSV = text(PackageResources.update_agent_proxy_tsv)
    /// `cause-errors.tsv`: the Windows error(s) each cause code shows as, with the evidence.
    public static let causeErrorsTSV = text(PackageResources.cause_errors_tsv)
    /// `schannel-switches.tsv`: the SCHANNEL Ciphers/Hashes/KeyExchangeAlgorithms key names Schannel reads.
    public static let schannelSwitchesTSV = text(PackageResources.schannel_switches_tsv)

    /// `fix-locations.tsv`: where a registry fix has to be made (the GPO setting, or the machine).
    public static let fixLocationsTSV = text(PackageResources.fix_locations_tsv)
    /// `collect.tsv`: what `tlsfit collect` gathers on the Windows machine and what tlsfit reads from it.
    public static let collectTSV = text(PackageResources.collect_tsv)

    /// `server-profiles.json`: built-in server profiles (the Windows Update front ends), assumed from public scans.
    public static let serverProfilesJSON = text(PackageResources.server_profiles_json)

    /// `examples/`: the configurations `tlsfit demo` diagnoses, by file name, and their index (`examples.tsv`).
    public static let examplesTSV = text(PackageResources.examples_tsv)
    public static let examples: [String: String] = [
        "healthy.reg": text(PackageResources.healthy_reg),
        "slscr-no-ecdsa-policy.reg": text(PackageResources.slscr_no_ecdsa_policy_reg),
        "wsus-2012r2-no-ecdhe-rsa.reg": text(PackageResources.wsus_2012r2_no_ecdhe_rsa_reg),
        "windows7-tls12-no-winhttp.reg": text(PackageResources.windows7_tls12_no_winhttp_reg),
    ]

    /// `examples/server-2019-hardening/`: the demo's `tlsfit collect` bundle, file name -> bytes (the
    /// registry exports are UTF-16LE, as reg export writes them).
    public static let collectBundleName = "server-2019-hardening"
    public static let collectBundle: [String: [UInt8]] = [
        "WindowsUpdate.log": PackageResources.WindowsUpdate_log,
        "authroot-autoupdate.reg": PackageResources.authroot_autoupdate_reg,
        "connections.reg": PackageResources.connections_reg,
        "currentversion.reg": PackageResources.currentversion_reg,
        "dotnet-v4-wow64.reg": PackageResources.dotnet_v4_wow64_reg,
        "dotnet-v4.reg": PackageResources.dotnet_v4_reg,
        "gpresult.xml": PackageResources.gpresult_xml,
        "manifest.json": PackageResources.manifest_json,
        "netsh-winhttp-proxy.txt": PackageResources.netsh_winhttp_proxy_txt,
        "schannel.reg": PackageResources.schannel_reg,
        "ssl-local.reg": PackageResources.ssl_local_reg,
        "ssl-policy.reg": PackageResources.ssl_policy_reg,
        "tls-cipher-suites.json": PackageResources.tls_cipher_suites_json,
        "tls-ecc-curves.txt": PackageResources.tls_ecc_curves_txt,
        "winhttp-probe.json": PackageResources.winhttp_probe_json,
    ]

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
