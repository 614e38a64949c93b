import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every cipher suite in the catalog, or those a Windows release supports."
        )

        @Option(
            name: .customLong("windows"),
            help: "Only the suites this Windows release supports, default ones first in priority order.",
            completion: Completions.releases)
        var windowsRelease: String?

        @OptionGroup var output: FormatOptions

        func run() async throws {
            let layout = TerminalOptions.widthLayout()
            if let windowsRelease {
                let info = Catalog.shared.release(try SuitesCommand.release(windowsRelease))
                switch output.format {
                case .json: try SuitesCommand.emitJSON(SuitesText.listJSON(info))
                case .text: print(SuitesText.list(info, layout: layout))
                }
                return
            }
            switch output.format {
            case .json: try SuitesCommand.emitJSON(SuitesText.listJSON(Catalog.shared.suites))
            case .text: print(SuitesText.list(Catalog.shared.suites, layout: layout))
            }
        }
    }
}
