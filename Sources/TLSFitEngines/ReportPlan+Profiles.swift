import FoundationEssentials
import TLSFitCore

extension ReportPlan {
    /// The server side of each target: a saved or built-in profile from `provider`, else (offline)
    /// tlsfit's built-in profile of the host, as diagnose --offline does. Offline, the role's hosts
    /// tlsfit knows nothing of are skipped with a warning when no host was named; a named host without
    /// any profile is an error.
    public static func serverSides(
        _ targets: [ScanTarget], provider: (ScanTarget) -> ServerProfile?, offline: Bool,
        hostsNamed: Bool, warn: (String) -> Void
    ) throws(InputError)
        -> (targets: [ScanTarget], profiles: [ScanTarget: ServerProfile])
    {
        var targets = targets
        var sources: [ScanTarget: ServerProfile] = [:]
        for t in targets {
            // A profile standing for several hosts (built-in windows-update) speaks of the host it is used for.
            let builtIn = offline ? BuiltInServerProfile.forHost(t.host)?.profile : nil
            sources[t] = (provider(t) ?? builtIn).map { p in
                var p = p
                p.host = t.host
                p.port = t.port
                return p
            }
        }
        if offline, !hostsNamed {
            let unknown = targets.filter { sources[$0] == nil }
            if !unknown.isEmpty {
                warn(
                    "--offline: no profile for \(unknown.map(\.host).joined(separator: ", ")); skipped (scan them, or give --server-profile)"
                )
                targets = targets.filter { sources[$0] != nil }
            }
        }
        if offline, let missing = targets.first(where: { sources[$0] == nil }) {
            throw InputError(
                source: "--offline",
                message:
                    "no --server-profile for \(missing.host), and tlsfit has no built-in profile of it; save one with `tlsfit scan --save` or name a built-in one (windows-update)"
            )
        }
        return (targets, sources)
    }
}

extension ReportPlan.Candidate {
    /// `[NAME=]FILE[,FILE...]`: the name defaults to the first file's name without extension; `taken`
    /// are the names already given (two candidates cannot share one).
    public static func parse(_ spec: String, taken: [String]) throws(InputError) -> (name: String, files: [String]) {
        var name: String?
        var rest = spec
        if let equals = spec.firstIndex(of: "="), !spec[..<equals].contains("/"),
            !FileManager.default.fileExists(atPath: spec)
        {
            name = spec[..<equals].trimmingWhitespace()
            rest = String(spec[spec.index(after: equals)...])
        }
        let files = rest.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        guard !files.isEmpty else {
            throw InputError(source: "--candidate", message: "'\(spec)': name at least one file")
        }
        let label = name ?? URL(fileURLWithPath: files[0]).deletingPathExtension().lastPathComponent
        guard !label.isEmpty else { throw InputError(source: "--candidate", message: "'\(spec)': empty name") }
        guard !taken.contains(label) else {
            throw InputError(
                source: "--candidate", message: "two candidates are named '\(label)'; name them: --candidate NAME=FILE")
        }
        return (label, files)
    }
}
