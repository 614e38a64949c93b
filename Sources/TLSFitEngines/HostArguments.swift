import FoundationEssentials
import TLSFitCore
import TLSFitSystem

/// Host arguments (`HOST[:PORT]`) as the commands take them, with one check the core cannot make:
/// an argument that names a file here (`diagnose policy.reg`) was meant as a configuration, so it
/// is refused with the flag to use instead of being resolved as a host name.
public enum HostArguments {
    /// File endings of the inputs tlsfit reads; none is a top-level domain in use for hosts (`.zip`
    /// is, so a `.zip` argument counts as a file only when it exists).
    public static let configurationEndings: Set<String> = [
        "reg", "pol", "xml", "json", "txt", "log", "pcap", "pcapng", "etl", "csv", "tsv",
    ]

    public static func parse(_ arguments: [String], defaultPort: Int = 443) throws(InputError) -> [HostPort] {
        for argument in arguments {
            try rejectFile(argument)
        }
        return try HostList.parse(arguments: arguments, defaultPort: defaultPort)
    }

    /// Throws when `argument` is a file (or folder) here, or ends like one of tlsfit's input files.
    public static func rejectFile(_ argument: String, source: String = "host") throws(InputError) {
        var isFolder = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder)
        let ending = argument.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard exists || (argument.contains(".") && configurationEndings.contains(ending)) else { return }
        let what = exists ? (isFolder ? "a folder here" : "a file here") : "named like a file"
        throw InputError(
            source: source,
            message:
                "'\(argument)' is \(what), not a host; to read it as the Windows configuration, use --config \(argument)"
        )
    }
}

/// A word given after `--config` that is no file but looks like a host: the user meant it as a HOST.
public enum HostAfterConfigHint {
    /// The error for the first such word; nil when there is none.
    public static func message(_ config: [String]) -> String? {
        for path in config where !FileManager.default.fileExists(atPath: path) {
            let looksLikeHost =
                !path.contains("/") && !path.contains("\\") && path.contains(".")
                && !["reg", "pol", "xml", "json", "txt", "zip"].contains(PathText.pathExtension(of: path).lowercased())
            if looksLikeHost {
                return
                    "--config: no such file \(path); it looks like a host: --config takes every word up to the next option, so give hosts before --config (tlsfit diagnose \(path) --config ...)"
            }
        }
        return nil
    }
}
