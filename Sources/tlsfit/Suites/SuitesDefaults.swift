import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    struct Defaults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "defaults",
            abstract: "Show a Windows release's default cipher suites in priority order, client protocols and curves.",
            discussion: "RELEASE is one of \(WindowsRelease.allCases.map(\.rawValue).joined(separator: ", ")) (or an alias such as win7, 2012r2, win11, 22h2). windows-11 is the current Windows 11 release (25H2)."
        )

        @Argument(help: "The Windows release.", completion: Completions.releases)
        var release: String

        @Flag(help: "Also list the suites the release supports but does not enable by default.")
        var all = false

        @OptionGroup var output: FormatOptions

        func run() async throws {
            let info = Catalog.shared.release(try SuitesCommand.release(release))
            let others = info.supported.filter { !$0.enabledByDefault }
            switch output.format {
            case .json:
                try SuitesCommand.emitJSON(DefaultsJSON(
                    schemaVersion: JSONOutput.schemaVersion, release: info.release.rawValue, displayName: info.displayName,
                    defaultClientProtocols: info.defaultClientProtocols.map(\.rawValue),
                    supportedProtocols: info.supportedProtocols.map(\.rawValue), defaultCurves: info.defaultCurves,
                    usesCurveSuffixes: info.usesCurveSuffixes, defaultOrder: info.defaultOrder.map(WindowsEntryJSON.init),
                    supportedNotDefault: all ? others.map(WindowsEntryJSON.init) : nil,
                    build: info.build, edition: info.isServer ? "server" : "client", note: info.note,
                    documentedOrder: info.documentedOrder?.map(WindowsEntryJSON.init),
                    winHTTPDefaultProtocols: info.hello.winHTTPProtocols.value.map(\.rawValue),
                    winHTTPDefaultProtocolsConfidence: info.hello.winHTTPProtocols.confidence.rawValue))
            case .text:
                let layout = TerminalOptions.widthLayout()
                print("\(info.displayName) (\(info.release.rawValue))")
                print(SuitesText.table([
                    ["Client protocols on by default:", info.defaultClientProtocols.map(\.rawValue).joined(separator: ", ")],
                    ["Supported protocols:", info.supportedProtocols.map(\.rawValue).joined(separator: ", ")],
                    ["Default curves:", info.defaultCurves.joined(separator: ", ")],
                    ["Curve-suffixed suite names:", info.usesCurveSuffixes ? "yes (before Windows 10)" : "no"],
                    ["Build (CurrentBuild):", "\(info.build) (\(info.isServer ? "server" : "client"))"],
                    ["WinHTTP default protocols:", info.hello.winHTTPProtocols.value.map(\.rawValue).joined(separator: ", ")
                        + (info.hello.winHTTPProtocols.confidence == .assumed ? " (assumed: Microsoft does not name this release)" : "")],
                ], layout: layout))
                if let note = info.note { print(layout.wrap("Note: \(note)", first: "", indent: "  "), terminator: "") }
                if let documented = info.documentedOrder {
                    let shown = Set(info.defaultOrder.map { $0.windowsName.uppercased() })
                    let extra = documented.filter { !shown.contains($0.windowsName.uppercased()) }
                    print(layout.wrap("Sources: this list follows real captures; Microsoft's page is kept as a second source"
                        + (extra.isEmpty ? "." : " and also lists: " + extra.map { "\($0.windowsName) (\($0.defaultPriority.map(String.init) ?? "-"))" }.joined(separator: ", ")),
                        first: "", indent: "  "), terminator: "")
                }
                print("")
                print("Default cipher suites, in priority order:")
                print(SuitesText.table(info.defaultOrder.map(row), layout: layout))
                if all {
                    print("")
                    print("Supported, not enabled by default:")
                    print(SuitesText.table(others.map(row), layout: layout))
                }
            }
        }

        private func row(_ e: WindowsSuiteSupport) -> [String] {
            var notes: [String] = []
            if e.onlyWhenRequested { notes.append("only when an application asks") }
            if e.pskOnly { notes.append("PSK only") }
            if !e.allowedWithStrongCrypto { notes.append("not with SCH_USE_STRONG_CRYPTO") }
            return [
                e.defaultPriority.map { "\($0)." } ?? "-", e.windowsName, e.suite.codeString, e.suite.openssl ?? "-",
                e.protocols.sorted(by: >).map(\.rawValue).joined(separator: ","), notes.joined(separator: "; "),
            ]
        }
    }
}
