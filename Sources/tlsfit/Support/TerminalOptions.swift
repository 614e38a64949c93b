import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitReports
import TLSFitSystem

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
        let terminal = TerminalWidth.standardOutputIsTerminal
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let color: Bool =
            switch self.color {
            case .always: true
            case .never: false
            case .auto: terminal && !noColor && ProcessInfo.processInfo.environment["TERM"] != "dumb"
            }
        return TextLayout(width: terminal ? TerminalWidth.current() ?? 80 : 80, color: color, quiet: quiet)
    }

    /// The layout of plain text output for commands without `--color`/`--quiet`: the terminal's width
    /// (TIOCGWINSZ, else `COLUMNS`), 80 when standard output is not a terminal; no colour.
    static func widthLayout() -> TextLayout {
        TextLayout(width: TerminalWidth.standardOutputIsTerminal ? TerminalWidth.current() ?? 80 : 80)
    }
}

extension OutputPath {
    static func check(_ path: String, option: String) throws(ExitCode) {
        if let problem = problem(path, option: option) { throw CLIErrors.badInput(problem) }
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
            let files =
                (try? FileManager.default.contentsOfDirectory(atPath: ".").filter { $0.lowercased().hasSuffix(".json") })
                ?? []
            return (names + files.sorted()).filter { $0.hasPrefix(prefix) }
        }
    }

    /// Configuration exports (and GPO backup folders, which file completion offers too).
    static var configFiles: CompletionKind { .file(extensions: ["reg", "pol", "xml", "json", "txt", "zip"]) }
}
