/// OS build number (from a WindowsUpdate.log request URL, `10.0.19045.2728`) -> the release in
/// tlsfit's catalog (`windows-releases.tsv`, column `build`).
///
/// Client and server releases share builds (14393: Windows 10 1607 and Server 2016; 17763: 1809 and
/// Server 2019; 26100: Windows 11 24H2 and Server 2025): the agent's log does not say which, so the
/// client release is chosen unless `server` is given. A build the catalog does not list (an Insider
/// build) maps to the nearest older release of the same kind, with `exact` false.
public enum WindowsBuildReleaseMap {
    public static func release(forBuild build: Int, server: Bool = false) -> (release: WindowsRelease, exact: Bool)? {
        let catalog = Catalog.shared
        if let exact = catalog.release(forBuild: build, server: server) { return (exact, true) }
        let older = WindowsRelease.allCases.filter {
            catalog.release($0).isServer == server && catalog.release($0).build < build
        }
        guard let nearest = older.max(by: { catalog.release($0).build < catalog.release($1).build }) else { return nil }
        return (nearest, false)
    }

    /// `10.0.19045.2728` -> 19045.
    public static func buildNumber(_ version: String) -> Int? {
        let parts = version.split(separator: ".")
        guard parts.count >= 3, parts[0] == "10" || parts[0] == "6", let build = Int(parts[2]) else { return nil }
        return build
    }
}
