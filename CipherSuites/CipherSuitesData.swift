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

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
