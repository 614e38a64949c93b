import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every cipher suite in the catalog, or those a Windows release supports."
        )

        @Option(name: .customLong("windows"), help: "Only the suites this Windows release supports, default ones first in priority order.", completion: Completions.releases)
        var windowsRelease: String?

        @OptionGroup var output: FormatOptions

        func run() async throws {
            if let windowsRelease {
                let info = Catalog.shared.release(try SuitesCommand.release(windowsRelease))
                switch output.format {
                case .json:
                    try SuitesCommand.emitJSON(ListWindowsJSON(
                        schemaVersion: JSONOutput.schemaVersion, release: info.release.rawValue,
                        suites: info.supported.map(WindowsEntryJSON.init)))
                case .text:
                    var rows = [["priority", "windows name", "code", "openssl", "default"]]
                    rows += info.supported.map { e in
                        [e.defaultPriority.map(String.init) ?? "-", e.windowsName, e.suite.codeString, e.suite.openssl ?? "-", e.enabledByDefault ? "yes" : "no"]
                    }
                    print(SuitesText.table(rows, indent: "", layout: TerminalOptions.widthLayout()))
                }
                return
            }
            let suites = Catalog.shared.suites
            switch output.format {
            case .json:
                try SuitesCommand.emitJSON(ListJSON(schemaVersion: JSONOutput.schemaVersion, suites: suites.map(SuiteJSON.init)))
            case .text:
                var rows = [["code", "iana", "openssl", "protocols", "flags"]]
                rows += suites.map { [$0.codeString, $0.iana, $0.openssl ?? "-", SuitesText.protocolRange($0), SuitesText.flagWords($0)] }
                print(SuitesText.table(rows, indent: "", layout: TerminalOptions.widthLayout()))
            }
        }
    }
}
