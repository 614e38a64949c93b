import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit report`: a compatibility matrix of candidate configurations x Windows releases x hosts,
/// before a GPO rollout, or across a fleet's exports.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compatibility report: candidate configurations (or a fleet's exports) x Windows releases x hosts.",
        discussion: """
            Each cell is the protocol and suite the client would negotiate with the host, or the \
            cause of failure (the diagnose vocabulary). The summary says which candidates are safe \
            to roll out and why not for the others.

            Server side per host: --server-profile (a saved scan or a built-in name such as \
            windows-update), else one live scan per host. Every distinct ClientHello is confirmed \
            with one real handshake per host when the host is reachable (not with --offline).

            Windows releases default to windows-10-22h2, windows-11, server-2019, server-2022. \
            Hosts default to the Windows Update hosts.

            Fleet mode (--fleet DIR) reads every export under DIR (.reg, .pol, .xml, .txt, .json; a \
            GPO backup folder is one machine), takes each machine's release from a folder named \
            after a release (DIR/windows-7/pc1.reg) or else the first --windows (default \
            server-2022), groups machines with identical effective configurations, and reports a \
            verdict per group. Unreadable exports are listed as skipped.

            Example:
              tlsfit report --candidate strict=gpo-strict.reg --candidate legacy.reg \\
                --offline --server-profile windows-update
            Example:
              tlsfit report --fleet exports/ --offline --server-profile windows-update \\
                --format json --output fleet.json

            Exit codes: 0 every cell works, 1 a cell fails, 2 bad input, 130 interrupted.
            """
    )

    @Argument(help: "Hosts (HOST or HOST:PORT). Default: the Windows Update hosts.")
    var hosts: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A candidate configuration: [NAME=]FILE[,FILE...] (files applied in order; GPO backup folders too). Repeatable.",
            valueName: "[name=]file[,file...]"), completion: Completions.configFiles)
    var candidate: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Windows releases to test (repeatable or comma-separated). Default: windows-10-22h2, windows-11, server-2019, server-2022.",
            valueName: "release"), completion: Completions.releases)
    var windows: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("Fleet mode: every export under this folder is a machine.", valueName: "dir"),
        completion: .directory)
    var fleet: String?

    @Flag(name: .long, help: "Report on the Windows Update hosts (the default without HOST arguments).")
    var windowsUpdate = false

    @Option(
        name: .long,
        help:
            "Server side: a saved profile (ServerProfile JSON, or {\"hosts\": [...]}), or a built-in name (windows-update). Repeatable.",
        completion: Completions.serverProfiles)
    var serverProfile: [String] = []

    @Option(name: .long, help: "Dial ADDR[:PORT] for HOST: HOST=ADDR[:PORT]. Repeatable.")
    var resolve: [String] = []

    @Option(
        name: .long, help: "Dial ADDRESS[:PORT] for every host (SNI and certificate checks still use the host name).")
    var connect: String?

    @OptionGroup(title: "Network path") var network: ProxyOptions

    @Option(name: .long, help: "PEM file of trusted roots (default: the system store).")
    var caFile: String?

    @Option(name: .long, help: "Seconds per connection.")
    var timeout: Double = 5

    @Flag(
        name: .long,
        help:
            "No connections: each host is judged from its --server-profile, else tlsfit's built-in profile of it (the update hosts have one)."
    )
    var offline = false

    @Option(name: .long, help: "Output format: text, markdown, html, json, junit or csv.")
    var format: ReportFormat = .text

    @Option(
        name: .long,
        help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"),
        completion: .file())
    var output: String?

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The report's date, ISO 8601 (for reproducible output; also TLSFIT_REPORT_DATE).", visibility: .hidden))
    var generatedAt: String?

    static func fail(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    func run() async throws {
        Interruption.shared.install()
        let progress = ReportProgress(whenTerminal: !quiet)
        let plan = try makePlan()
        let engine = ReportEngine(
            plan: plan, progress: { progress.update($0, $1, $2) }, isCancelled: { Interruption.shared.isInterrupted },
            warn: { CLIErrors.warn($0) })
        let report: CompatibilityReport
        do {
            report = try await engine.run()
        } catch let stop as ReportEngine.Interrupted {
            progress.finish()
            StandardError.write("tlsfit: interrupted: \(stop.done); no report written\n")
            throw ExitCode(130)
        } catch let error as InputError {
            progress.finish()
            throw Self.fail(error.description)
        }
        progress.finish()

        var text = ""
        // Text for a terminal fits it; into a file or a pipe it is 80 columns wide.
        let layout = output == nil ? TerminalOptions.widthLayout() : TextLayout()
        try CompatibilityRenderer.render(report, as: format, layout: layout, into: &text)
        if Interruption.shared.isInterrupted {
            StandardError.write("tlsfit: interrupted: every cell was done; no report written\n")
            throw ExitCode(130)
        }
        if let output {
            do { try AtomicFile.write(text, to: output) } catch {
                throw Self.fail("--output: cannot write \(output): \(error)")
            }
        } else {
            // Text for a terminal: control characters from files and servers are shown, not obeyed.
            StandardOutput.write(format == .text ? Escaping.terminal(text) : text)
        }
        let disagreements = report.cells.filter { $0.confirmed == false }.count
        if disagreements > 0 {
            CLIErrors.warn(
                "\(disagreements) cell(s) where the real handshake disagrees with the simulation (see the cells' summaries)"
            )
        }
        if !report.allOK { throw ExitCode(1) }
    }

    /// Validates every input and reads the candidates; everything wrong here exits with 2.
    func makePlan() throws -> ReportPlan {
        guard !candidate.isEmpty || fleet != nil else {
            throw Self.fail("report: name at least one --candidate [NAME=]FILE[,FILE...] or a --fleet DIR")
        }
        try CLIErrors.option { try ConnectionOptions.check(timeout: timeout, caFile: caFile) }
        let releases = try CLIErrors.option { try WindowsRelease.options(windows) }
        let date = try CLIErrors.option { try ReportPlan.reportDate(generatedAt) }
        // Before any handshake: the folder exists and is writable, the path is not a folder.
        if let output { try OutputPath.check(output, option: "--output") }
        do {
            try ReportPlan.checkFleet(fleet)
            let candidates = try ReportPlan.readCandidates(candidate) { CLIErrors.warn(Escaping.terminal($0)) }
            let list = try HostArguments.parse(hosts)
            let all = try ScanTarget.list(
                hosts: list, windowsUpdate: list.isEmpty || windowsUpdate, resolve: resolve,
                connect: connect, connectAppliesToAll: true)
            let (targets, sources) = try ReportPlan.serverSides(
                all, provider: try ServerProfileInputs(serverProfile).provider,
                offline: offline, hostsNamed: !list.isEmpty, warn: CLIErrors.warn)
            return ReportPlan(
                candidates: candidates, releases: releases.isEmpty ? CompatibilityMatrix.defaultReleases : releases,
                releasesGiven: !releases.isEmpty, fleet: fleet, targets: targets, profiles: sources, offline: offline,
                timeout: timeout, caFile: caFile, generatedAt: date, path: try network.path() ?? .direct,
                toolName: "tlsfit \(TLSFit.configuration.version)")
        } catch {
            throw Self.fail(error.description)
        }
    }
}
