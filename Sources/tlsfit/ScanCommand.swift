import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit scan`: what servers accept, with few connections, for many hosts at once.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Measure what servers accept: protocols, cipher suites in preference order, groups, certificate.",
        discussion: """
            Offers many suites at once in a hand-built ClientHello and removes the one the server \
            picks until it refuses, so a server with N suites costs about N+2 connections per \
            protocol instead of one per known suite; each probe reads only the ServerHello. Whether \
            the server enforces its own order is decided from its own choices. Every protocol, the \
            groups and the certificate are measured at once, on connections opened ahead, with at \
            most --per-host connections to one host and --concurrency in all.

            Exit codes: 0 every host scanned, 1 a host could not be reached, 2 bad input.

            Example: tlsfit scan --windows-update --format json --save wu.json
            Example:
              tlsfit scan fe2.update.microsoft.com --resolve \\
                fe2.update.microsoft.com=10.0.0.5:8443
            """
    )

    @Argument(help: "Hosts to scan, as HOST[:PORT] (port 443 by default).")
    var hosts: [String] = []

    @Flag(name: .long, help: "Scan the Windows Update hosts of the catalog.")
    var windowsUpdate = false

    @Option(
        name: .customLong("hosts"),
        help: ArgumentHelp("A file of hosts: one HOST[:PORT] per line, # comments.", valueName: "file"))
    var hostsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Dial ADDRESS for HOST, keeping the name for SNI and verification (repeatable).",
            valueName: "host=address[:port]"))
    var resolve: [String] = []

    @Option(name: .long, help: ArgumentHelp("Dial this address for the one host given.", valueName: "address[:port]"))
    var connect: String?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp(
            "PEM trust anchors for the certificate check (default: the system store).", valueName: "file"),
        completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @OptionGroup var network: ProxyOptions

    @Option(name: .long, help: "Seconds for each connection.")
    var timeout: Double = 5

    @Option(name: .long, help: "Connections open at once, over all hosts.")
    var concurrency: Int = ScanOptions.defaultConcurrency

    @Option(name: .customLong("per-host"), help: "Connections open at once to one host (default 16, 32 with --fast).")
    var perHost: Int?

    @Flag(
        name: .long,
        help:
            "Split large suite sets into parts eliminated side by side, merged by pairwise order probes (more connections, fewer round trips)."
    )
    var fast = false

    @OptionGroup var output: FormatOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the result as server profile JSON, for diagnose and report to use offline.", valueName: "file"),
        completion: .file(extensions: ["json"]))
    var save: String?

    @Flag(name: .long, help: "No progress display.")
    var quiet = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Scan N times in one process, printing memory and open files after each round on stderr (soak tests).",
            valueName: "n"))
    var `repeat`: Int = 1

    /// Synchronous: the scan engine runs its own event loop on this thread, so a scan never needs
    /// Swift concurrency's thread pool (starting it cost a closed-port scan about a millisecond).
    func run() throws {
        var options = ScanOptions(
            timeout: timeout, caFile: caFile, concurrency: concurrency,
            perHost: perHost ?? (fast ? ScanOptions.fastPerHost : ScanOptions.defaultPerHost),
            toolName: "tlsfit \(TLSFit.configuration.version)", fast: fast)
        let targets: [ScanTarget]
        do {
            targets = try ScanPlan.targets(
                hosts: hosts, hostsFile: hostsFile, windowsUpdate: windowsUpdate, resolve: resolve, connect: connect,
                options: options, perHost: perHost)
            options.path = try network.path() ?? .direct
        } catch {
            throw CLIErrors.badInput(error)
        }
        // Before any handshake: a --save file that cannot be written would only be found out at the end.
        if let save { try OutputPath.check(save, option: "--save") }
        guard (1...1_000_000).contains(`repeat`) else { throw CLIErrors.badInput("--repeat must be from 1 to 1000000") }
        Interruption.shared.install()
        let progress = ScanProgressDisplay(whenTerminal: !quiet && targets.count > 1)
        var plan = ScanPlan(targets: targets, options: options)
        plan.rounds = `repeat`
        var engine = ScanEngine(plan: plan)
        engine.progress = { progress.update($0) }
        engine.isCancelled = { Interruption.shared.isInterrupted }
        if `repeat` > 1 {
            engine.roundDone = { round, profiles in
                let usage = ProcessUsage.current()
                StandardError.write(
                    "round \(round): \(profiles.reduce(0) { $0 + $1.connections }) connections, rss \(usage.residentKiB) KiB, open files \(usage.openFiles)\n"
                )
            }
        }
        let result = engine.run()
        let profiles = result.profiles
        progress.finish()
        if result.interrupted {
            // Say what was done; write no --save file from a partial scan.
            StandardError.write(
                "tlsfit: scan interrupted: \(profiles.count) of \(targets.count) host(s) finished; nothing saved\n")
            if output.format == .text {
                print(
                    Escaping.terminal(ScanTextRenderer.render(profiles, layout: TerminalOptions.widthLayout())),
                    terminator: "")
            }
            throw ExitCode(130)
        }

        switch output.format {
        case .json:
            print(try JSONOutput.encode(result.document))
        case .text:
            print(
                Escaping.terminal(ScanTextRenderer.render(profiles, layout: TerminalOptions.widthLayout())),
                terminator: "")
        }
        if let save {
            do {
                try AtomicFile.write(try ServerProfileStore.encode(profiles), to: save)
            } catch {
                throw CLIErrors.badInput("--save: cannot write \(save): \(error)")
            }
        }
        // A host that could not be reached measured nothing: its protocols are empty.
        if !result.unreachable.isEmpty { throw ExitCode(1) }
    }
}
