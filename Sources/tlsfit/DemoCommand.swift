import ArgumentParser
import CipherSuites
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit demo`: the real Windows Update incidents, each against a local server that plays the
/// host involved (its key type, suites, chain names and way of refusing). No network needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay real Windows Update incidents against local servers that play the update hosts.",
        discussion: """
            For each bundled example (CipherSuites/examples/), starts an OpenSSL server on 127.0.0.1 \
            that plays the host of that incident from tlsfit's built-in knowledge: slscr with an ECDSA \
            certificate under lab copies of Microsoft's ECC update chain, sws accepting four ECDHE-RSA \
            suites and refusing with a TCP reset, a TLS-inspecting proxy that re-signs the chain. Each \
            Windows configuration is emulated with OpenSSL and diagnosed with real handshakes; every \
            proposed registry fix is confirmed on the wire. Needs no network.

            Exit code 0 when every example behaved as expected.
            """
    )

    @OptionGroup var output: DiagnosisFormatOptions

    @OptionGroup var terminal: TerminalOptions

    func run() async throws {
        // Ctrl-C removes the temporary folder and its CA files, then exits.
        Interruption.shared.install(exitAtOnce: true)
        let dir = try DemoEngine.makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var allAsExpected = true
        var reports: [DiagnosisReport] = []
        let layout = terminal.layout()
        let opening = DemoRenderer.opening(output.format, layout: layout)
        if output.format == .text { print(opening) }
        var document = output.format == .text ? "" : opening
        for (i, example) in DemoEngine.examples().enumerated() {
            let outcome: DemoEngine.Outcome
            do { outcome = try await DemoEngine.run(example, index: i, in: dir) } catch let error
                as DemoEngine.SetupError
            {
                throw CLIErrors.badInput(error.description)
            }
            reports.append(outcome.report)
            allAsExpected = allAsExpected && outcome.asExpected
            document += render(outcome, example: example, index: i, layout: layout)
        }
        print(
            try DemoRenderer.finish(
                document: document, allAsExpected: allAsExpected, reports: reports, format: output.format),
            terminator: "")
        if !allAsExpected { throw ExitCode(1) }
    }

    /// One example: printed at once as text (unless --quiet and as expected), else its document section.
    func render(_ outcome: DemoEngine.Outcome, example: DemoEngine.Example, index: Int, layout: TextLayout) -> String {
        let walk = outcome.walk.map {
            DemoRenderer.walkThrough(
                bundle: $0.bundle, name: outcome.name, hosts: $0.hosts, after: $0.after, changes: $0.changes)
        }
        let title = DemoRenderer.title(
            index: index, title: example.title, name: outcome.name, release: example.release, role: example.role)
        let verdict = DemoRenderer.verdict(
            server: outcome.server, resets: outcome.resets, expected: example.expected, got: outcome.got,
            asExpected: outcome.asExpected, walk: walk)
        guard output.format == .text else {
            return DemoRenderer.section(outcome.report, title: title, verdict: verdict, format: output.format)
        }
        if !terminal.quiet || !outcome.asExpected {
            print(
                DemoRenderer.text(title: title, verdict: verdict, report: outcome.report, layout: layout),
                terminator: "")
        }
        return ""
    }
}
