import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    /// `tlsfit suites hosts`: the Windows Update hosts and what tlsfit knows of each, with sources.
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hosts",
            abstract:
                "The Windows Update hosts: role, scheme, certificate chain, suites, refusal; each fact with source, date and confidence.",
            usage: "tlsfit suites hosts [--role <role>] [--windows <windows>]\n  [--format <format>]",
            discussion: """
                Confidence: documented (Microsoft says so), observed (seen in public material), assumed \
                (inferred; a verdict that rests on it says so). A live scan always wins over this table.
                """
        )

        @Option(name: .long, help: "Only the hosts of this role for --windows: client or wsus.")
        var role: UpdateRole?

        @Option(
            name: .customLong("windows"), help: "The release whose agent's hosts --role lists (default: windows-11).")
        var windowsRelease: String?

        @OptionGroup var output: FormatOptions

        func run() async throws {
            var entries = UpdateHostEntry.all()
            if let role {
                let release = try windowsRelease.map(SuitesCommand.release) ?? .windows11
                let names = Set(role.hosts(release: release).map(\.host))
                entries = entries.filter { names.contains($0.host) }
            }
            switch output.format {
            case .json:
                try SuitesCommand.emitJSON(
                    HostsJSON(
                        schemaVersion: JSONOutput.schemaVersion, patterns: Catalog.shared.updateHostPatterns,
                        hosts: entries))
            case .text:
                let patterns = Catalog.shared.updateHostPatterns
                print(
                    SuitesText.hosts(entries, patterns: patterns, layout: TerminalOptions.widthLayout()), terminator: ""
                )
            }
        }
    }
}
