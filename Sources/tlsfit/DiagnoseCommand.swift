import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit diagnose`: why a Windows client gets 0x80072EFE (and friends) from a host, with the evidence and the fix.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract:
            "Explain why a Windows client cannot reach a host over TLS (0x80072EFE...), with the evidence and the fix.",
        discussion: """
            Reads the client's configuration (as `tlsfit config` does), emulates the ClientHello that \
            Windows release would send, negotiates with each host as that client, predicts the result \
            from the server's profile and explains every failure: the cause, the setting that shows it \
            (file and line), and the smallest fix as words, a .reg snippet and a GPO string. Each fix is \
            checked by simulating again with it applied, and on the wire when the host is reachable.

            Without HOST arguments, diagnoses the Windows Update hosts of the role (--windows-update): \
            --role client (the default: the Windows Update agent over WinHTTP; Windows 10/11 start at \
            slscr.update.microsoft.com) or --role wsus (a WSUS server's upstream sync from \
            sws.update.microsoft.com over .NET Framework, whose protocols follow SchUseStrongCrypto and \
            SystemDefaultTlsVersions). Content hosts served over plain HTTP are checked on port 80.

            The server side: --server-profile (a saved scan, or a built-in name), else a live scan, else \
            tlsfit's built-in profile of the host (offline). The output names every assumed fact a verdict \
            rests on, and where a measured profile differs from the built-in one.

            --log WindowsUpdate.log (Get-WindowsUpdateLog) picks the hosts the agent failed to reach and \
            the release from the OS build in its request URLs, and says whether tlsfit's predicted error \
            matches the log's.

            Connections take the path the machine's update agent takes: WinHTTP's proxy when the inputs \
            hold one (a regedit export with WinHttpSettings, or `netsh winhttp show proxy` output), \
            else direct; --proxy overrides it, --no-proxy goes direct.

            Example:
              tlsfit diagnose fe2.update.microsoft.com --config schannel.reg \\
                gpo-backup/ --windows windows-7 --fix-out fix.reg
            Example:
              tlsfit diagnose --log WindowsUpdate.log --config reg-query.txt --offline
            Example:
              tlsfit diagnose --role wsus --config wsus-2012r2.reg --windows \\
                server-2012r2 --offline

            Exit codes: 0 every host works; 1 the configuration fails against a host (on the Windows \
            machine's own network too), or a host reached from here fails; 3 the configuration holds, \
            but this machine could not reach a host (DNS, TCP, the proxy): a fact about this network \
            only; 2 bad input.
            """
    )

    @Argument(help: "Hosts to diagnose (HOST or HOST:PORT). Default: the Windows Update hosts.")
    var hosts: [String] = []

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Configuration files or GPO backup folders, applied in order (as `tlsfit config`).",
        completion: Completions.configFiles)
    var config: [String] = []

    @Option(
        name: .long,
        help:
            "The Windows release to emulate. Default: the export's CurrentBuild, else the build in --log, else server-2022.",
        completion: Completions.releases)
    var windows: String?

    @Flag(name: .long, help: "Diagnose the Windows Update hosts of the role (the default without HOST arguments).")
    var windowsUpdate = false

    @Option(
        name: .long,
        help:
            "client (the Windows Update agent over WinHTTP, the default) or wsus (a WSUS server's upstream sync over .NET Framework)."
    )
    var role: UpdateRole = .client

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The stack the client connects with: winhttp, wininet, dotnet (.NET 5+) or sspi. Default: the role's (client: winhttp; wsus: .NET Framework).",
            valueName: "STACK"))
    var stack: String?

    @Option(
        name: .long,
        help: "A WindowsUpdate.log (Get-WindowsUpdateLog output): its failing hosts, error codes and OS build.")
    var log: String?

    @Option(
        name: .long,
        help:
            "The moment the inputs describe (ISO 8601, e.g. 2023-05-04T10:00:00Z), for age rules such as DisallowedCertLastSyncTime."
    )
    var asOf: String?

    @Flag(
        name: .long,
        help:
            "Check Windows Update's certificate pin (the public keys of Microsoft's update roots) even with --ca-file.")
    var checkPin = false

    /// For tests and labs only: the pinned keys from FILE (update-pins.tsv format) instead of Microsoft's.
    /// Hidden, and named in the output (the pin evidence says where the keys came from).
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Test only: pinned keys from FILE (update-pins.tsv format) instead of Microsoft's.", visibility: .hidden))
    var testPins: String?

    @Option(
        name: .long,
        help:
            "Server side: a saved profile (ServerProfile JSON, or {\"hosts\": [...]}), or a built-in name (slscr, sws, fe2-sls...; windows-update: every update host's own). Repeatable. Default: a live scan, else tlsfit's built-in profile of the host.",
        completion: Completions.serverProfiles)
    var serverProfile: [String] = []

    @Option(
        name: .long, help: "Dial ADDRESS[:PORT] for every host (SNI and certificate checks still use the host name).")
    var connect: String?

    @Option(name: .long, help: "Dial ADDR[:PORT] for HOST: HOST=ADDR[:PORT]. Repeatable.")
    var resolve: [String] = []

    @OptionGroup(title: "Network path (default: the machine's WinHTTP proxy from --config, else direct)") var network:
        ProxyOptions

    @Option(
        name: .long,
        help:
            "PEM file of trusted roots (default: the system store; then update hosts must chain to a Microsoft root).",
        completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Option(
        name: .long, help: "Seconds per host connection: one deadline covers the proxy's CONNECT and the handshake.")
    var timeout: Double = 5

    @Option(name: .long, help: "Hosts diagnosed at once (1-1024).")
    var concurrency: Int = DiagnoseEngine.defaultConcurrency

    @Flag(name: .long, help: "No connections: simulate against --server-profile data only.")
    var offline = false

    @Option(
        name: .long, help: "Write every proposed registry change to this .reg file.",
        completion: .file(extensions: ["reg"]))
    var fixOut: String?

    @OptionGroup var output: DiagnosisFormatOptions

    @OptionGroup var terminal: TerminalOptions

    static func fail(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    func run() async throws {
        let checked = try CLIErrors.option {
            try DiagnosePlan.checkOptions(
                hosts: hosts, config: config, log: log, windows: windows, timeout: timeout, concurrency: concurrency,
                caFile: caFile, fixOut: fixOut, asOf: asOf, stack: stack)
        }
        let warn: @Sendable (String) -> Void = { CLIErrors.warn(Escaping.terminal($0)) }
        var plan: DiagnosePlan
        let configuration: WindowsTLSConfig
        let targets: [ScanTarget]
        var engine: DiagnoseEngine
        do {
            plan = try DiagnosePlan.read(config: config, log: log, note: warn)
            (plan.release, plan.role, plan.stack, plan.asOf) = (checked.release, role, checked.stack, checked.asOf)
            (plan.windowsUpdate, plan.resolve, plan.connect) = (windowsUpdate, resolve, connect)
            plan.wantsFixFile = fixOut != nil
            configuration = try plan.configuration()
            let machineProxy = try MachineProxyConfiguration.read(from: configuration.registry)
            let path = try network.path(orMachine: machineProxy.winHTTPPath)
            plan.hosts = try HostArguments.parse(hosts)
            targets = try plan.targets(release: configuration.release, warn: warn)
            engine = try DiagnoseEngine(
                timeout: timeout, caFile: caFile, offline: offline, serverProfiles: serverProfile,
                machineProxy: machineProxy, path: path, concurrency: concurrency, checkPin: checkPin, warn: warn)
        } catch {
            throw Self.fail(error.description)
        }
        let progress = ReportProgress(whenTerminal: !terminal.quiet && targets.count > 1)
        engine.progress = { done, total, host in progress.update(done, total, Escaping.terminal(host)) }
        if let testPins { engine.pins = try CLIErrors.option { try DiagnosePlan.readTestPins(testPins) } }
        let result: DiagnoseResult
        do { result = try await engine.run(plan, configuration: configuration, targets: targets) } catch {
            throw Self.fail(error.description)
        }
        progress.finish()
        if let fixOut, let note = try CLIErrors.option({ try result.writeFix(to: fixOut) }) { CLIErrors.warn(note) }
        print(
            try DiagnosisRendering.render(result.report, as: output.format, layout: terminal.layout()), terminator: "")
        if result.report.exitStatus != 0 { throw ExitCode(result.report.exitStatus) }
    }
}
