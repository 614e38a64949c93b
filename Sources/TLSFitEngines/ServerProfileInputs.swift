import FoundationEssentials
import TLSFitCore
import TLSFitSystem

/// The `--server-profile` values of `diagnose` and `report`: saved scans (files) and built-in
/// profile names, and which one stands for a given host.
public struct ServerProfileInputs: Sendable {
    public var profiles: [ServerProfile] = []
    public var builtIns: [BuiltInServerProfile] = []
    /// `windows-update` (the old single profile's name): every update host gets its own built-in
    /// profile, and any other host the profile the name now stands for (`fe2-sls`).
    public var aliasFallback: ServerProfile?

    /// Each item is a file (a saved scan) or, when no such file exists, a built-in profile name.
    public init(_ items: [String]) throws(InputError) {
        for item in items {
            if !FileManager.default.fileExists(atPath: item), BuiltInServerProfile.isUpdateServiceAlias(item),
                let target = BuiltInServerProfile.named(item)
            {
                builtIns += BuiltInServerProfile.all.filter { !$0.hosts.isEmpty && !builtIns.contains($0) }
                aliasFallback = target.profile
                continue
            }
            if !FileManager.default.fileExists(atPath: item), let builtIn = BuiltInServerProfile.named(item) {
                builtIns.append(builtIn)
                continue
            }
            if !FileManager.default.fileExists(atPath: item), !item.contains("/"), !item.lowercased().hasSuffix(".json")
            {
                // A bare word that is neither a file nor a built-in profile: most likely a mistyped name.
                let close = BuiltInServerProfile.suggestions(for: item)
                let hint = close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"
                throw InputError(
                    source: "--server-profile",
                    message:
                        "'\(item)' is neither a built-in profile nor a file\(hint); built-in profiles: \(BuiltInServerProfile.allNames.joined(separator: ", ")), or a scan saved with `tlsfit scan --save FILE`"
                )
            }
            let limit = WindowsConfigReader.maximumFileSize
            let bytes = try FileContents.read(item, limit: limit) { WindowsConfigReader.tooBig(item, $0) }
            profiles += try ServerProfileStore.load(bytes: bytes, source: item)
        }
    }

    /// Files first (by host name), then built-in profiles (by the hosts they stand for); a single
    /// profile given alone applies to every host.
    public var provider: DiagnoseEngine.ProfileProvider {
        let profiles = profiles
        let builtIns = builtIns
        let single: ServerProfile? =
            profiles.count + builtIns.count == 1 ? (profiles.first ?? builtIns.first?.profile) : aliasFallback
        return { t in
            let host = t.host.lowercased()
            if let p = profiles.first(where: { $0.host.lowercased() == host }) { return p }
            if let b = builtIns.first(where: { $0.hosts.contains { $0.lowercased() == host } }) { return b.profile }
            return single
        }
    }
}
