/// OS build number (from a WindowsUpdate.log request URL, `10.0.19045.2728`) -> the closest release in
/// tlsfit's catalog. The one place that maps builds: swap it for `Catalog.release(forBuild:)` when the
/// catalog gains a build column.
///
/// Client and server releases share builds (14393: Windows 10 1607 and Server 2016; 17763: 1809 and
/// Server 2019; 26100: Windows 11 24H2 and Server 2025): the client release is chosen, and `exact` is
/// false when the build is only near a catalog release (19041-19044 -> Windows 10 22H2).
public enum WindowsBuildReleaseMap {
    public static func release(forBuild build: Int) -> (release: WindowsRelease, exact: Bool)? {
        switch build {
        case 7600, 7601: return (.windows7, true)
        case 9600: return (.windows81, true)
        case 14393: return (.windows10_1607, true)
        case 17763: return (.windows10_1809, true)
        case 19045: return (.windows10_22H2, true)
        case 19041...19044: return (.windows10_22H2, false)
        case 20348: return (.server2022, true)
        case 22000...: return (.windows11, build == 22621 || build == 22631 || build == 22000 || build == 26100)
        case 10240..<14393: return (.windows10_1607, false)
        case 14394..<17763: return (.windows10_1809, false)
        case 17764..<19041: return (.windows10_1809, false)
        default: return nil
        }
    }

    /// `10.0.19045.2728` -> 19045.
    public static func buildNumber(_ version: String) -> Int? {
        let parts = version.split(separator: ".")
        guard parts.count >= 3, parts[0] == "10" || parts[0] == "6", let build = Int(parts[2]) else { return nil }
        return build
    }
}
