import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    struct Defaults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "defaults",
            abstract: "Show a Windows release's default cipher suites in priority order, client protocols and curves.",
            discussion:
                "RELEASE is one of \(WindowsRelease.allCases.map(\.rawValue).joined(separator: ", ")) (or an alias such as win7, 2012r2, win11, 22h2). windows-11 is the current Windows 11 release (25H2)."
        )

        @Argument(help: "The Windows release.", completion: Completions.releases)
        var release: String

        @Flag(help: "Also list the suites the release supports but does not enable by default.")
        var all = false

        @OptionGroup var output: FormatOptions

        func run() async throws {
            let info = Catalog.shared.release(try SuitesCommand.release(release))
            switch output.format {
            case .json: try SuitesCommand.emitJSON(SuitesText.defaultsJSON(info, all: all))
            case .text:
                print(SuitesText.defaults(info, all: all, layout: TerminalOptions.widthLayout()), terminator: "")
            }
        }
    }
}
