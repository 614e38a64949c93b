import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show every fact about one cipher suite and which Windows releases support it.",
            discussion: "NAME is an IANA, OpenSSL or Windows name, or a code point: 0xC030, C030, \"0xC0,0x30\"."
        )

        @Argument(help: "The suite: a name of any kind or a code point.")
        var name: String

        @OptionGroup var output: FormatOptions

        func run() async throws {
            let suite = try SuitesCommand.suite(name)
            switch output.format {
            case .json: try SuitesCommand.emitJSON(SuitesText.showJSON(suite))
            case .text: print(SuitesText.show(suite, layout: TerminalOptions.widthLayout()), terminator: "")
            }
        }
    }
}
