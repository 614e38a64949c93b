import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif
import TLSFitCore
import TLSFitReports

/// `--color` and `--quiet` for commands that print text for a person, and the terminal's width.
struct TerminalOptions: ParsableArguments {
    enum ColorChoice: String, ArgumentChoice, Sendable {
        case auto, always, never
    }

    @Option(name: .long, help: "Colour: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .long, help: "Text output: print only the findings and the summary line.")
    var quiet = false

    /// The layout for standard output: the terminal's width (80 when not a terminal), colour per `--color` and `NO_COLOR`.
    func layout() -> TextLayout {
        let terminal = isatty(STDOUT_FILENO) == 1
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let color: Bool = switch self.color {
        case .always: true
        case .never: false
        case .auto: terminal && !noColor && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        }
        return TextLayout(width: terminal ? Self.terminalWidth() ?? 80 : 80, color: color, quiet: quiet)
    }

    /// The layout of plain text output for commands without `--color`/`--quiet`: the terminal's width
    /// (TIOCGWINSZ, else `COLUMNS`), 80 when standard output is not a terminal; no colour.
    static func widthLayout() -> TextLayout {
        TextLayout(width: isatty(STDOUT_FILENO) == 1 ? terminalWidth() ?? 80 : 80)
    }

    static func terminalWidth() -> Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return nil
    }
}

/// Checks an output path before any work is done: its folder exists and is writable, and the path is not a folder.
enum OutputPath {
    static func check(_ path: String, option: String) throws(ExitCode) {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
            throw CLIErrors.badInput("\(option): \(path) is a folder; name a file")
        }
        let folder = PathText.folder(of: path)
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory else {
            throw CLIErrors.badInput("\(option): cannot write \(path): no such folder \(dir)")
        }
        guard FileManager.default.isWritableFile(atPath: dir) else {
            throw CLIErrors.badInput("\(option): cannot write \(path): the folder \(dir) is not writable")
        }
        if FileManager.default.fileExists(atPath: path), !FileManager.default.isWritableFile(atPath: path) {
            throw CLIErrors.badInput("\(option): cannot write \(path): the file is not writable")
        }
    }
}

/// A word given after `--config` that is no file but looks like a host: the user meant it as a HOST.
enum HostAfterConfigHint {
    static func check(_ config: [String]) throws(ExitCode) {
        for path in config where !FileManager.default.fileExists(atPath: path) {
            let looksLikeHost = !path.contains("/") && !path.contains("\\") && path.contains(".")
                && !["reg", "pol", "xml", "json", "txt", "zip"].contains(PathText.pathExtension(of: path).lowercased())
            if looksLikeHost {
                throw CLIErrors.badInput("--config: no such file \(path); it looks like a host: --config takes every word up to the next option, so give hosts before --config (tlsfit diagnose \(path) --config ...)")
            }
        }
    }
}

/// Shell completions for the values people type: files, release names, profile names.
enum Completions {
    /// Every Windows release identifier (`windows-7` ... `server-2025`).
    static var releases: CompletionKind { .list(WindowsRelease.allCases.map(\.rawValue)) }

    /// Built-in profile names and the `.json` files of the current folder.
    static var serverProfiles: CompletionKind {
        .custom { _, _, prefix in
            let names = BuiltInServerProfile.all.map(\.name) + BuiltInServerProfile.aliases.keys.sorted()
            let files = (try? FileManager.default.contentsOfDirectory(atPath: ".").filter { $0.lowercased().hasSuffix(".json") }) ?? []
            return (names + files.sorted()).filter { $0.hasPrefix(prefix) }
        }
    }

    /// Configuration exports (and GPO backup folders, which file completion offers too).
    static var configFiles: CompletionKind { .file(extensions: ["reg", "pol", "xml", "json", "txt", "zip"]) }
}
