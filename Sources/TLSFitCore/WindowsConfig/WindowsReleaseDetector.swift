/// Reads the Windows release from an export's `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`
/// (`CurrentBuild`, `UBR`, `DisplayVersion`, `InstallationType`), so `--windows` can be left out.
public struct DetectedRelease: Sendable, Hashable, Codable {
    /// The release the build names; nil when tlsfit does not know the build.
    public var release: WindowsRelease?
    public var build: Int
    /// Update build revision (the patch level): 19045.**4529**.
    public var ubr: Int?
    /// `DisplayVersion` ("22H2"), when the export has it.
    public var displayVersion: String?
    /// `InstallationType` ("Client", "Server", "Server Core").
    public var installationType: String?
    /// The `CurrentBuild` value's file and line.
    public var evidence: Provenance

    /// "build 19045.4529 (DisplayVersion 22H2, Client)".
    public var summary: String {
        var s = "build \(build)" + (ubr.map { ".\($0)" } ?? "")
        let extras = [displayVersion.map { "DisplayVersion \($0)" }, installationType].compactMap { $0 }
        if !extras.isEmpty { s += " (" + extras.joined(separator: ", ") + ")" }
        return s
    }

    public static let key = #"SOFTWARE\Microsoft\Windows NT\CurrentVersion"#

    enum CodingKeys: String, CodingKey { case release, build, ubr, displayVersion, installationType, evidence }

    /// nil when the export has no usable `CurrentBuild`.
    public static func detect(_ registry: RegistrySnapshot, catalog: Catalog = .shared) -> DetectedRelease? {
        guard let entry = registry.value(key, "CurrentBuild") else { return nil }
        let build: Int
        switch entry.data {
        case .string(let s), .expandString(let s):
            guard let n = Int(s.trimmingASCIIWhitespace()) else { return nil }
            build = n
        default:
            guard let n = entry.data.integerValue, n < 1_000_000 else { return nil }
            build = Int(n)
        }
        func text(_ name: String) -> String? {
            guard let e = registry.value(key, name) else { return nil }
            switch e.data {
            case .string(let s), .expandString(let s): return s.trimmingASCIIWhitespace()
            default: return nil
            }
        }
        let ubr = registry.value(key, "UBR")?.data.integerValue.map { Int(truncatingIfNeeded: $0) }
        let installation = text("InstallationType")
        let server = installation.map { $0.lowercased().hasPrefix("server") } ?? false
        return DetectedRelease(
            release: catalog.release(forBuild: build, server: server), build: build, ubr: ubr,
            displayVersion: text("DisplayVersion"), installationType: installation, evidence: entry.provenance)
    }
}
