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
    /// `update-hosts.tsv`: Windows Update host patterns and concrete hosts.
    public static let updateHostsTSV = text(PackageResources.update_hosts_tsv)
    /// `windows-errors.tsv`: Windows error codes and what they mean for a TLS client.
    public static let windowsErrorsTSV = text(PackageResources.windows_errors_tsv)
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
        "ecdsa-only-gpo.reg": text(PackageResources.ecdsa_only_gpo_reg),
        "tls12-client-disabled.reg": text(PackageResources.tls12_client_disabled_reg),
        "windows7-defaults.reg": text(PackageResources.windows7_defaults_reg),
        "windows7-win10-gpo.reg": text(PackageResources.windows7_win10_gpo_reg),
    ]

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
