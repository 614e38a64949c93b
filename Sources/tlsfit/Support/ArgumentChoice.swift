import ArgumentParser
import TLSFitCore
import TLSFitReports

/// An option whose value is one word of a closed set (`--format text|json`), written as a
/// `String` enum.
///
/// ArgumentParser's own defaults for such enums build the lists through key paths and
/// `String(describing:)`; the first use of each costs a scan of every protocol conformance in
/// the binary, on every run, for help text the run usually never prints. These give the same
/// strings directly: the raw values, no separate descriptions, and the raw values as the
/// shell-completion list. Public only because two of the enums are public types of the libraries.
public protocol ArgumentChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension ArgumentChoice {
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    public var defaultValueDescription: String { rawValue }
}

/// `--format text|json`: the same option in every command that prints text or JSON.
struct FormatOptions: ParsableArguments {
    enum Format: String, ArgumentChoice, Sendable {
        case text, json
    }

    @Option(help: "Output format: text or json.")
    var format: Format = .text
}

/// `--format text|json|markdown|html`: diagnose's and demo's.
struct DiagnosisFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, markdown or html.")
    var format: DiagnosisFormat = .text
}

extension UpdateRole: ArgumentChoice {}
extension DiagnosisFormat: ArgumentChoice {}
extension ReportFormat: ArgumentChoice {}
extension HelloFormat: ArgumentChoice {}
