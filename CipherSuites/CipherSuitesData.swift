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

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
