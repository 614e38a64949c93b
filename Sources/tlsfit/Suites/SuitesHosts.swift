import ArgumentParser
import TLSFitCore
import TLSFitReports

extension SuitesCommand {
    /// `tlsfit suites hosts`: the Windows Update hosts and what tlsfit knows of each, with sources.
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hosts",
            abstract: "The Windows Update hosts: role, scheme, certificate chain, suites, refusal; each fact with source, date and confidence.",
            usage: "tlsfit suites hosts [--role <role>] [--windows <windows>]\n  [--format <format>]",
            discussion: """
                Confidence: documented (Microsoft says so), observed (seen in public material), assumed \
                (inferred; a verdict that rests on it says so). A live scan always wins over this table.
                """
        )

        @Option(name: .long, help: "Only the hosts of this role for --windows: client or wsus.")
        var role: UpdateRole?

        @Option(name: .customLong("windows"), help: "The release whose agent's hosts --role lists (default: windows-11).")
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
                try SuitesCommand.emitJSON(HostsJSON(schemaVersion: JSONOutput.schemaVersion, patterns: Catalog.shared.updateHostPatterns, hosts: entries))
            case .text:
                let layout = TerminalOptions.widthLayout()
                print(Self.text(entries, layout: layout), terminator: "")
                print(layout.wrap("Allow-list (the seed article, and windows-update-security.md for the delivery hosts; ports 80 and 443): \(Catalog.shared.updateHostPatterns.joined(separator: ", "))",
                                  first: "", indent: "  "), terminator: "")
            }
        }
    }
}

extension SuitesCommand.Hosts {
    /// The hosts at `layout.width` columns: facts and suite lists wrap; host names, suite names and sources stay whole.
    static func text(_ entries: [UpdateHostEntry], layout: TextLayout) -> String {
        var out = ""
        func line(_ text: String, _ first: String, _ indent: String) { out += layout.wrapKeepingKeys(text, first: first, indent: indent) }
        for e in entries {
            line("\(e.host):\(e.port) (\(e.scheme))  \(e.roles.joined(separator: ", "))"
                + (e.agents.isEmpty ? "; contacted by no agent by default" : "; contacted by: \(e.agents.joined(separator: ", "))"), "", "  ")
            line(e.purpose, "  ", "    ")
            line("allow-list: \(e.allowListPattern ?? "not covered")", "  ", "    ")
            if e.scheme == "http" {
                line("served over plain HTTP: checked with TCP \(e.port) and one request, not TLS", "  ", "    ")
            }
            if let profile = e.profile {
                var text = "built-in profile '\(profile)': \(e.certificateKeyType == "EC" ? "ECDSA" : (e.certificateKeyType ?? "?")) certificate"
                if let chain = e.certificateChain, !chain.isEmpty { text += ", \(chain.joined(separator: " -> "))" }
                line(text + "; refuses by \(e.refusal == "reset" ? "TCP reset" : "alert")", "  ", "    ")
                for (version, suites) in (e.protocols ?? [:]).sorted(by: { $0.key > $1.key }) {
                    line("\(version): \(suites.joined(separator: ", "))", "    ", "      ")
                }
                for f in e.facts ?? [] {
                    line("\(f.name): \(f.confidence.rawValue.uppercased()) (\(f.date)) \(f.source)", "    ", "      ")
                }
            } else if e.scheme == "https" {
                line("no built-in TLS profile: measured live (tlsfit scan)", "  ", "    ")
            }
            line("source: \(e.source)", "  ", "    ")
            out += "\n"
        }
        return out
    }
}
