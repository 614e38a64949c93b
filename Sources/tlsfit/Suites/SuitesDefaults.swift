import ArgumentParser
import TLSFitCore

extension SuitesCommand {
    struct Defaults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "defaults",
            abstract: "Show a Windows release's default cipher suites in priority order, client protocols and curves.",
            discussion: "RELEASE is windows-7, server-2008r2, windows-8.1, server-2012r2, windows-10-1607, server-2016, windows-10-1809, server-2019, windows-10-22h2, windows-11, server-2022 or server-2025 (or an alias such as win7, 2012r2, win11)."
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
                    supportedNotDefault: all ? others.map(WindowsEntryJSON.init) : nil))
            case .text:
                print("\(info.displayName) (\(info.release.rawValue))")
                print(SuitesCommand.table([
                    ["Client protocols on by default:", info.defaultClientProtocols.map(\.rawValue).joined(separator: ", ")],
                    ["Supported protocols:", info.supportedProtocols.map(\.rawValue).joined(separator: ", ")],
                    ["Default curves:", info.defaultCurves.joined(separator: ", ")],
                    ["Curve-suffixed suite names:", info.usesCurveSuffixes ? "yes (before Windows 10)" : "no"],
                ]))
                print("")
                print("Default cipher suites, in priority order:")
                print(SuitesCommand.table(info.defaultOrder.map(row)))
                if all {
                    print("")
                    print("Supported, not enabled by default:")
                    print(SuitesCommand.table(others.map(row)))
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

struct DefaultsJSON: Encodable {
    var schemaVersion: Int
    var release: String
    var displayName: String
    var defaultClientProtocols: [String]
    var supportedProtocols: [String]
    var defaultCurves: [String]
    var usesCurveSuffixes: Bool
    var defaultOrder: [WindowsEntryJSON]
    var supportedNotDefault: [WindowsEntryJSON]?
}
