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
            let catalog = Catalog.shared
            let suite = try SuitesCommand.suite(name)
            let windows = catalog.windowsSupport(for: suite)
            switch output.format {
            case .json:
                try SuitesCommand.emitJSON(ShowJSON(
                    schemaVersion: JSONOutput.schemaVersion, suite: SuiteJSON(suite),
                    windows: WindowsRelease.allCases.map { release in
                        let entries = windows.first(where: { $0.release == release })?.entries ?? []
                        return ShowJSON.Release(
                            release: release.rawValue, displayName: release.displayName, supported: !entries.isEmpty,
                            enabledByDefault: entries.contains(where: \.enabledByDefault), entries: entries.map(WindowsEntryJSON.init))
                    }))
            case .text:
                let layout = TerminalOptions.widthLayout()
                print("\(suite.iana) (\(suite.codeString))")
                print(SuitesText.table([
                    ["OpenSSL:", suite.openssl ?? "- (OpenSSL has no name for it)"],
                    ["Windows:", suite.windowsNames.isEmpty ? "- (Windows never supported it)" : suite.windowsNames.joined(separator: ", ")],
                    ["Key exchange:", suite.keyExchange],
                    ["Authentication:", suite.authentication],
                    ["Encryption:", suite.encryption],
                    ["MAC:", suite.mac],
                    ["Protocols:", SuitesText.protocolRange(suite)],
                    ["Flags:", SuitesText.flagWords(suite)],
                ], layout: layout))
                print("")
                print("Windows:")
                var rows = [["release", "supported", "default", "priority", "name"]]
                for release in WindowsRelease.allCases {
                    let entries = windows.first(where: { $0.release == release })?.entries ?? []
                    if entries.isEmpty {
                        rows.append([release.rawValue, "no", "-", "-", "-"])
                    }
                    for entry in entries {
                        let state = entry.enabledByDefault ? (entry.onlyWhenRequested ? "on request" : "yes") : (entry.pskOnly ? "psk only" : "no")
                        rows.append([release.rawValue, "yes", state, entry.defaultPriority.map(String.init) ?? "-", entry.windowsName])
                    }
                }
                print(SuitesText.table(rows, layout: layout))
            }
        }
    }
}
