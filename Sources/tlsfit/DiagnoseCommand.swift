import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif
import TLSFitCore
import TLSFitSystem
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports

/// `tlsfit diagnose`: why a Windows client gets 0x80072EFE (and friends) from a host, with the evidence and the fix.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Explain why a Windows client cannot reach a host over TLS (0x80072EFE...), with the evidence and the fix.",
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

    enum OutputFormat: String, ArgumentChoice, Sendable {
        case text, json, markdown, html
    }

    @Argument(help: "Hosts to diagnose (HOST or HOST:PORT). Default: the Windows Update hosts.")
    var hosts: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Configuration files or GPO backup folders, applied in order (as `tlsfit config`).", completion: Completions.configFiles)
    var config: [String] = []

    @Option(name: .long, help: "The Windows release to emulate. Default: the export's CurrentBuild, else the build in --log, else server-2022.", completion: Completions.releases)
    var windows: String?

    @Flag(name: .long, help: "Diagnose the Windows Update hosts of the role (the default without HOST arguments).")
    var windowsUpdate = false

    @Option(name: .long, help: "client (the Windows Update agent over WinHTTP, the default) or wsus (a WSUS server's upstream sync over .NET Framework).")
    var role: UpdateRole = .client

    @Option(name: .long, help: ArgumentHelp("The stack the client connects with: winhttp, wininet, dotnet (.NET 5+) or sspi. Default: the role's (client: winhttp; wsus: .NET Framework).", valueName: "STACK"))
    var stack: String?

    @Option(name: .long, help: "A WindowsUpdate.log (Get-WindowsUpdateLog output): its failing hosts, error codes and OS build.")
    var log: String?

    @Option(name: .long, help: "The moment the inputs describe (ISO 8601, e.g. 2023-05-04T10:00:00Z), for age rules such as DisallowedCertLastSyncTime.")
    var asOf: String?

    @Flag(name: .long, help: "Check Windows Update's certificate pin (the public keys of Microsoft's update roots) even with --ca-file.")
    var checkPin = false

    /// For tests and labs only: the pinned keys from FILE (update-pins.tsv format) instead of Microsoft's.
    /// Hidden, and named in the output (the pin evidence says where the keys came from).
    @Option(name: .long, help: ArgumentHelp("Test only: pinned keys from FILE (update-pins.tsv format) instead of Microsoft's.", visibility: .hidden))
    var testPins: String?

    @Option(name: .long, help: "Server side: a saved profile (ServerProfile JSON, or {\"hosts\": [...]}), or a built-in name (slscr, sws, fe2-sls...; windows-update: every update host's own). Repeatable. Default: a live scan, else tlsfit's built-in profile of the host.", completion: Completions.serverProfiles)
    var serverProfile: [String] = []

    @Option(name: .long, help: "Dial ADDRESS[:PORT] for every host (SNI and certificate checks still use the host name).")
    var connect: String?

    @Option(name: .long, help: "Dial ADDR[:PORT] for HOST: HOST=ADDR[:PORT]. Repeatable.")
    var resolve: [String] = []

    @OptionGroup(title: "Network path (default: the machine's WinHTTP proxy from --config, else direct)") var network: ProxyOptions

    @Option(name: .long, help: "PEM file of trusted roots (default: the system store; then update hosts must chain to a Microsoft root).", completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Option(name: .long, help: "Seconds per host connection: one deadline covers the proxy's CONNECT and the handshake.")
    var timeout: Double = 5

    @Option(name: .long, help: "Hosts diagnosed at once (1-1024).")
    var concurrency: Int = DiagnoseEngine.defaultConcurrency

    @Flag(name: .long, help: "No connections: simulate against --server-profile data only.")
    var offline = false

    @Option(name: .long, help: "Write every proposed registry change to this .reg file.", completion: .file(extensions: ["reg"]))
    var fixOut: String?

    @Option(name: .long, help: "Output format: text, json, markdown or html.")
    var format: OutputFormat = .text

    @OptionGroup var terminal: TerminalOptions

    static func fail(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    func run() async throws {
        // A configuration file given where a host goes (`diagnose policy.reg`) is named before anything else.
        do { for host in hosts { try HostArguments.rejectFile(host) } } catch { throw Self.fail(error.description) }
        guard !config.isEmpty || log != nil else { throw Self.fail("--config: name at least one configuration file (or give --log)") }
        var release: WindowsRelease?
        if let windows {
            guard let r = WindowsRelease(userText: windows) else {
                throw Self.fail("--windows: " + WindowsRelease.unknownMessage(windows))
            }
            release = r
        }
        guard timeout > 0, timeout <= 300 else { throw Self.fail("--timeout: give seconds between 0 and 300") }
        guard (1...1024).contains(concurrency) else { throw Self.fail("--concurrency: give a number of hosts from 1 to 1024") }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { throw Self.fail("--ca-file: cannot read \(caFile)") }
        // Before any handshake: a fix file that cannot be written would only be found out at the end.
        if let fixOut { try OutputPath.check(fixOut, option: "--fix-out") }
        try HostAfterConfigHint.check(config)
        var asOfDate: Date?
        if let asOf {
            guard let d = InputTime.parseISO(asOf) else { throw Self.fail("--as-of: '\(asOf)' is not an ISO 8601 time (2023-05-04T10:00:00Z)") }
            asOfDate = d
        }

        var configuration: WindowsTLSConfig
        var targets: [ScanTarget]
        let provider: DiagnoseEngine.ProfileProvider
        var updateLog: WindowsUpdateLog?
        var logRelease: (release: WindowsRelease, exact: Bool)?
        var inputs: [WindowsConfigReader.InputFile] = []
        let machineProxy: MachineProxyConfiguration
        let path: NetworkPath
        // The WindowsUpdate.log: --log, else the one a collect bundle holds.
        var log = self.log
        var bundles: [CollectedBundle] = []
        let chosenStack = try HelloCommand.parseStack(stack)
        do {
            (inputs, bundles) = try ConfigInputLoader.loadWithBundles(config)
            if let log {
                // Streamed: a log of any size is read in one pass, one chunk in memory.
                var reader = WindowsUpdateLog.Reader(source: log)
                try FileContents.stream(log) { (chunk) throws(InputError) in try reader.feed(chunk) }
                updateLog = try reader.finish()
            } else if let bundled = bundles.compactMap(\.updateLog).first {
                log = bundled.name
                updateLog = try WindowsUpdateLog.parse(bundled.bytes, source: bundled.name)
            }
            logRelease = updateLog?.build.flatMap { WindowsBuildReleaseMap.release(forBuild: $0) }
            // The release: --windows, else the configuration's CurrentVersion, else the log's OS build.
            configuration = try WindowsConfigReader.read(inputs, release: release, xml: LibXML2Reader())
            if release == nil, configuration.detectedRelease?.release == nil, let fromLog = logRelease?.release {
                configuration = try WindowsConfigReader.read(inputs, release: fromLog, xml: LibXML2Reader())
            }
            if release == nil, logRelease != nil { configuration.releaseAssumed = false }  // one of the two named it
            configuration.stack = chosenStack ?? role.stack
            machineProxy = try MachineProxyConfiguration.read(from: configuration.registry)
            if let asked = try network.path() {
                path = asked
            } else {
                path = try network.withCredentials(machineProxy.winHTTPPath)
            }
            targets = try makeTargets(release: configuration.release, log: updateLog, logFromBundle: self.log == nil && updateLog != nil)
            provider = try ServerProfileInputs(serverProfile).provider
        } catch {
            throw Self.fail(error.description)
        }
        func known(_ t: ScanTarget) -> Bool { provider(t) != nil || BuiltInServerProfile.forHost(t.host) != nil || DiagnoseEngine.isPlainHTTP(t) }

        // Every host asked for is accounted for in the report: checked, predicted offline only, or skipped.
        let roleOrder = targets
        var skipped: [HostAccount] = []
        if offline, hosts.isEmpty, (updateLog?.failures.isEmpty ?? true) || (self.log == nil && updateLog != nil) {
            // The role's hosts: those tlsfit knows nothing of cannot be judged offline; say so and go on.
            let unknown = targets.filter { !known($0) }
            if !unknown.isEmpty {
                CLIErrors.warn("--offline: no profile for \(unknown.map(\.host).joined(separator: ", ")); skipped (scan them, or give --server-profile)")
                skipped += unknown.map { HostAccount(status: .skipped, host: $0.host, port: $0.port,
                                                     reason: "offline and no server profile (built-in or --server-profile): scan it, or run online") }
                targets = targets.filter(known)
            }
        }
        if offline, let missing = targets.first(where: { !known($0) }) {
            throw Self.fail("--offline: no --server-profile for \(missing.host) and no built-in profile; save one with `tlsfit scan --save` or name a built-in one (\(BuiltInServerProfile.all.map(\.name).joined(separator: ", ")))")
        }
        // The moment the inputs describe: the newest of the log's lines, a gpresult report's time, --as-of.
        var references: [(date: Date, source: String)] = []
        if let t = updateLog?.newestTime, let log { references.append((t, "\(log):\(updateLog?.newestTimeLine ?? 0)")) }
        for input in inputs { if let t = InputTime.gpresultReadTime(input.bytes) { references.append((t, "\(input.name) ReadTime")) } }
        if let asOfDate { references.append((asOfDate, "--as-of")) }
        let reference = references.max { $0.date < $1.date }
        let revocation = RevocationListSync.evaluate(registry: configuration.registry, reference: reference)

        // Offline, plain-HTTP hosts cannot be judged: there is no TLS to simulate.
        let checked = offline ? targets.filter { !DiagnoseEngine.isPlainHTTP($0) } : targets
        if checked.count < targets.count {
            let plain = targets.filter(DiagnoseEngine.isPlainHTTP)
            CLIErrors.warn("--offline: \(plain.map(\.host).joined(separator: ", ")) serve over plain HTTP (port 80): checked only online")
            skipped += plain.map { HostAccount(status: .skipped, host: $0.host, port: $0.port,
                                               reason: "plain HTTP (no TLS to simulate): checked only online") }
        }
        // Input Windows ignores (a misspelt key or value) or that tlsfit cannot read: say so up front,
        // with the file and line, since the diagnosis rests on what Windows does read. The report
        // carries every warning that bears on the hello as a finding too.
        for w in configuration.warnings where w.code == .unknownRegistryName || w.code == .curvesUnreadable || w.code == .releaseMismatch {
            let place = [w.file, w.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            CLIErrors.warn(Escaping.terminal("\(place.isEmpty ? "" : place + ": ")\(w.message)"))
        }
        var engine = DiagnoseEngine(timeout: timeout, caFile: caFile, offline: offline, profileProvider: provider)
        let progress = ReportProgress(enabled: !terminal.quiet && checked.count > 1 && isatty(STDERR_FILENO) == 1)
        engine.progress = { done, total, host in progress.update(done, total, Escaping.terminal(host)) }
        engine.path = path
        engine.concurrency = concurrency
        engine.machineProxy = machineProxy
        engine.checkPin = checkPin
        if let testPins {
            guard let text = try? String(contentsOfFile: testPins, encoding: .utf8) else { throw Self.fail("--test-pins: cannot read \(testPins)") }
            do { engine.pins = try UpdatePinSet.parse(text, source: testPins) } catch { throw CLIErrors.badInput(error) }
        }
        engine.revocation = revocation
        engine.plainHTTPTargets = Set((updateLog?.failures ?? []).filter { $0.scheme == "http" }.map { "\($0.host):\($0.port)" })
        var hosts = await engine.run(config: configuration, targets: checked)
        progress.finish()
        if let updateLog {
            for i in hosts.indices {
                guard let failure = updateLog.failures.first(where: { $0.host == hosts[i].host.lowercased() }) else { continue }
                hosts[i].logErrors = failure.errors
                hosts[i].matchesLog = hosts[i].predictedWindowsError.map { failure.errors.contains($0) } ?? false
            }
        }
        var report = DiagnosisReport(windowsRelease: configuration.release, windowsReleaseAssumed: configuration.releaseAssumed,
                                     inputs: config, hosts: hosts)
        report.role = role.rawValue
        report.stack = configuration.stack.rawValue
        report.revocationListSync = revocation
        report.blockedPorts = Self.blockedPorts(hosts)
        report.configurationFindings = ConfigurationFinding.make(configuration.warnings, hosts: hosts)
        // In the order the hosts were asked for: the skipped ones where they were.
        var accounts = report.hostAccounts + skipped
        let order = Dictionary(roleOrder.enumerated().map { ("\($1.host):\($1.port)", $0) }, uniquingKeysWith: { a, _ in a })
        accounts.sort { (order["\($0.host):\($0.port)"] ?? Int.max) < (order["\($1.host):\($1.port)"] ?? Int.max) }
        report.hostAccounts = accounts
        if let updateLog, let log {
            report.log = DiagnosisReport.LogSummary(file: log, osVersion: updateLog.osVersions.first, windowsRelease: logRelease?.release.rawValue,
                                                    windowsReleaseExact: logRelease?.exact, failures: updateLog.failures, newestTime: updateLog.newestTime)
        }
        if let fixOut, DiagnosisReport.combinedChanges(hosts).isEmpty {
            CLIErrors.warn("--fix-out: nothing to fix; \(fixOut) not written")
        } else if let fixOut {
            let changes = DiagnosisReport.combinedChanges(hosts)
            var comment = "tlsfit diagnose: proposed fix for \(configuration.release.displayName) (\(hosts.filter { !$0.succeeded }.map(\.host).joined(separator: ", ")))\nReview before importing: regedit /s fix.reg"
            // A policy-hive value is the GPO's: a local import does not last.
            let (scope, note) = FixScope.of(changes)
            if scope == .groupPolicy, let note { comment += "\n" + note }
            let bytes = RegFileWriter.write(changes, encoding: .utf16LE, comment: comment)
            do {
                try AtomicFile.write(Data(bytes), to: fixOut)
            } catch {
                throw Self.fail("--fix-out: cannot write \(fixOut): \(error)")
            }
        }
        // The third vantage point: the machine's own WinHTTP (collect -Probe), beside tlsfit's verdicts.
        if let bundle = bundles.first(where: { $0.probe != nil }), let probe = bundle.probe {
            report.machineProbe = MachineProbeComparison(probe: probe, source: bundle.source, hosts: hosts)
        }
        switch format {
        case .text:
            print(DiagnosisTextRenderer.render(report, layout: terminal.layout()), terminator: "")
            if let probe = report.machineProbe { print(MachineProbeRenderer.text(probe, layout: terminal.layout()), terminator: "") }
        case .json: print(try JSONOutput.encode(report))
        case .markdown:
            print(DiagnosisMarkdownRenderer.render(report) + (report.machineProbe.map(MachineProbeRenderer.markdown) ?? ""), terminator: "")
        case .html:
            let page = DiagnosisHTMLRenderer.render(report)
            print(report.machineProbe.map { MachineProbeRenderer.insert($0, intoHTML: page) } ?? page, terminator: "")
        }
        let status = report.exitStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// Ports whose every connection failed at TCP (refused, unreachable, reset, timeout): 80 or 443 blocked.
    static func blockedPorts(_ hosts: [HostDiagnosis]) -> [Int]? {
        var byPort: [Int: [HostDiagnosis]] = [:]
        for h in hosts where h.observedFailure != nil || h.succeeded { byPort[h.port, default: []].append(h) }
        let blocked = byPort.filter { _, hs in
            !hs.isEmpty && hs.allSatisfy { $0.observedFailure?.stage == .tcp }
        }.keys.sorted()
        return blocked.isEmpty ? nil : blocked
    }

    /// HOST arguments, then (with --windows-update, or without HOST arguments) the role's hosts for the
    /// release, or the hosts a WindowsUpdate.log shows failing.
    /// The most hosts taken from a WindowsUpdate.log without HOST arguments: a log can name any
    /// number of host:port pairs, and each is a connection from this machine.
    static let logHostLimit = 32

    /// The hosts to diagnose: HOST arguments, else a `--log`'s failing hosts, else the role's.
    /// A collected bundle's log does not narrow the hosts: the admin's bundle is judged against every
    /// host of the role, and the hosts its log shows failing are added (each then compared with the log).
    func makeTargets(release: WindowsRelease, log: WindowsUpdateLog?, logFromBundle: Bool = false) throws(InputError) -> [ScanTarget] {
        var list = try HostArguments.parse(hosts)
        if list.isEmpty, !windowsUpdate, logFromBundle {
            list = role.hosts(release: release).map { HostPort(host: $0.host, port: $0.port) }
            list += (log?.failures ?? []).prefix(Self.logHostLimit).map { HostPort(host: $0.host, port: $0.port) }
        } else if list.isEmpty, !windowsUpdate, let log, !log.failures.isEmpty {
            list = log.failures.map { HostPort(host: $0.host, port: $0.port) }
            if list.count > Self.logHostLimit {
                let rest = list[Self.logHostLimit...].map(\.description)
                list = Array(list.prefix(Self.logHostLimit))
                CLIErrors.warn(Escaping.terminal("--log: the log names \(Self.logHostLimit + rest.count) hosts; the first \(Self.logHostLimit) are checked. Not checked (\(rest.count)): \(rest.joined(separator: ", ")). Name hosts as arguments to check others."))
            }
        } else if list.isEmpty || windowsUpdate {
            list += role.hosts(release: release).map { HostPort(host: $0.host, port: $0.port) }
        }
        return try ScanTarget.list(hosts: list, windowsUpdate: false, resolve: resolve, connect: connect, connectAppliesToAll: true)
    }
}

extension UpdateRole: ArgumentChoice {}
