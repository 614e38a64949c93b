import ArgumentParser
import FoundationEssentials
import Synchronization
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

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
        let targets: [ScanTarget]
        let path: NetworkPath
        do {
            targets = try makeTargets()
            path = try network.path() ?? .direct
        } catch {
            throw CLIErrors.badInput(error)
        }
        // Before any handshake: a --save file that cannot be written would only be found out at the end.
        if let save { try OutputPath.check(save, option: "--save") }
        var options = ScanOptions(
            timeout: timeout, caFile: caFile, concurrency: concurrency,
            perHost: perHost ?? (fast ? ScanOptions.fastPerHost : ScanOptions.defaultPerHost),
            toolName: "tlsfit \(TLSFit.configuration.version)", fast: fast)
        options.path = path
        guard (1...1_000_000).contains(`repeat`) else { throw CLIErrors.badInput("--repeat must be from 1 to 1000000") }
        Interruption.shared.install()
        let progress = ScanProgressDisplay(enabled: !quiet && targets.count > 1 && isatty(STDERR_FILENO) == 1)
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

    /// The hosts from arguments, `--hosts` and `--windows-update`, with `--resolve` and `--connect` applied.
    func makeTargets() throws(InputError) -> [ScanTarget] {
        guard timeout > 0, timeout <= 600 else {
            throw InputError(source: "--timeout", message: "must be more than 0 and at most 600 seconds")
        }
        guard (1...1024).contains(concurrency) else {
            throw InputError(source: "--concurrency", message: "must be from 1 to 1024")
        }
        guard (1...64).contains(perHost ?? 1) else {
            throw InputError(source: "--per-host", message: "must be from 1 to 64")
        }
        var list = try HostArguments.parse(hosts)
        if let hostsFile {
            // Read with the same size limit as every input file.
            let file = try ConfigInputLoader.readFile(hostsFile)
            list += try HostList.parse(String(decoding: file.bytes, as: UTF8.self), source: hostsFile)
        }
        let targets = try ScanTarget.list(
            hosts: list, windowsUpdate: windowsUpdate, resolve: resolve, connect: connect,
            connectAppliesToAll: false)
        guard !targets.isEmpty else {
            throw InputError(
                source: "scan", message: "no host to scan: give HOST[:PORT], --hosts FILE or --windows-update")
        }
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw InputError(source: caFile, message: "cannot read the file")
            }
            do {
                try TLSClient.validate(HandshakeRequest(host: "localhost", caFile: caFile))
            } catch {
                throw InputError(source: caFile, message: "no PEM certificate could be loaded")
            }
        }
        return targets
    }
}

/// A one-line progress display on standard error, for terminals.
final class ScanProgressDisplay: Sendable {
    private let enabled: Bool
    private let shown = Mutex(false)

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: ScanProgress) {
        guard enabled else { return }
        shown.withLock { shown in
            let line =
                "\r\u{1B}[K[\(progress.hostsDone)/\(progress.hostsTotal)] \(progress.connections) connections, last: \(progress.lastHost)"
            StandardError.write(line)
            shown = true
        }
    }

    func finish() {
        shown.withLock { shown in
            if shown { StandardError.write("\r\u{1B}[K") }
        }
    }
}
