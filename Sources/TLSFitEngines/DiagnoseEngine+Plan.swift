import FoundationEssentials
import TLSFitCore

extension DiagnoseEngine {
    /// Diagnoses the plan's hosts and assembles the report: hosts skipped offline, the log's errors
    /// beside each prediction, the disallowed-list age, the findings, the machine's own probe, the fix file.
    /// Throws when `offline` and a host asked for has no profile at all.
    public func run(_ plan: DiagnosePlan, configuration: WindowsTLSConfig, targets roleOrder: [ScanTarget])
        async throws(InputError) -> DiagnoseResult
    {
        var (targets, skipped) = try offlineTargets(plan, roleOrder)
        let revocation = RevocationListSync.evaluate(registry: configuration.registry, reference: plan.reference)
        // Offline, plain-HTTP hosts cannot be judged: there is no TLS to simulate.
        let checked = offline ? targets.filter { !Self.isPlainHTTP($0) } : targets
        if checked.count < targets.count {
            let plain = targets.filter(Self.isPlainHTTP)
            warn(
                "--offline: \(plain.map(\.host).joined(separator: ", ")) serve over plain HTTP (port 80): checked only online"
            )
            skipped += plain.map {
                HostAccount(
                    status: .skipped, host: $0.host, port: $0.port,
                    reason: "plain HTTP (no TLS to simulate): checked only online")
            }
        }
        targets = checked
        // Input Windows ignores (a misspelt key or value) or that tlsfit cannot read: said up front,
        // with the file and line, since the diagnosis rests on what Windows does read. The report
        // carries every warning that bears on the hello as a finding too.
        for w in configuration.warnings
        where w.code == .unknownRegistryName || w.code == .curvesUnreadable || w.code == .releaseMismatch {
            let place = [w.file, w.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            warn("\(place.isEmpty ? "" : place + ": ")\(w.message)")
        }
        var engine = self
        engine.revocation = revocation
        let failures = plan.log?.log.failures ?? []
        engine.plainHTTPTargets = Set(failures.filter { $0.scheme == "http" }.map { "\($0.host):\($0.port)" })
        var hosts = await engine.run(config: configuration, targets: targets)
        for i in hosts.indices {
            guard let failure = failures.first(where: { $0.host == hosts[i].host.lowercased() }) else { continue }
            hosts[i].logErrors = failure.errors
            hosts[i].matchesLog = hosts[i].predictedWindowsError.map { failure.errors.contains($0) } ?? false
        }
        var report = Self.report(plan, configuration: configuration, hosts: hosts, revocation: revocation)
        // In the order the hosts were asked for: the skipped ones where they were.
        var accounts = report.hostAccounts + skipped
        let order = Dictionary(
            roleOrder.enumerated().map { ("\($1.host):\($1.port)", $0) }, uniquingKeysWith: { a, _ in a })
        accounts.sort { (order["\($0.host):\($0.port)"] ?? Int.max) < (order["\($1.host):\($1.port)"] ?? Int.max) }
        report.hostAccounts = accounts
        let fix = plan.wantsFixFile ? Self.fixFile(hosts, release: configuration.release) : nil
        return DiagnoseResult(report: report, fixFile: fix)
    }

    /// The targets left to diagnose offline, and those skipped (a role's host tlsfit knows nothing of).
    func offlineTargets(_ plan: DiagnosePlan, _ targets: [ScanTarget]) throws(InputError)
        -> (targets: [ScanTarget], skipped: [HostAccount])
    {
        let provider = profileProvider
        func known(_ t: ScanTarget) -> Bool {
            provider(t) != nil || BuiltInServerProfile.forHost(t.host) != nil || Self.isPlainHTTP(t)
        }
        guard offline else { return (targets, []) }
        var targets = targets
        var skipped: [HostAccount] = []
        let failures = plan.log?.log.failures ?? []
        if plan.hosts.isEmpty, failures.isEmpty || plan.log?.fromBundle == true {
            // The role's hosts: those tlsfit knows nothing of cannot be judged offline; say so and go on.
            let unknown = targets.filter { !known($0) }
            if !unknown.isEmpty {
                warn(
                    "--offline: no profile for \(unknown.map(\.host).joined(separator: ", ")); skipped (scan them, or give --server-profile)"
                )
                skipped += unknown.map {
                    HostAccount(
                        status: .skipped, host: $0.host, port: $0.port,
                        reason: "offline and no server profile (built-in or --server-profile): scan it, or run online")
                }
                targets = targets.filter(known)
            }
        }
        if let missing = targets.first(where: { !known($0) }) {
            let names = BuiltInServerProfile.all.map(\.name).joined(separator: ", ")
            throw InputError(
                source: "--offline",
                message:
                    "no --server-profile for \(missing.host) and no built-in profile; save one with `tlsfit scan --save` or name a built-in one (\(names))"
            )
        }
        return (targets, skipped)
    }

    /// The report of the diagnosed hosts, before the skipped ones are put in their place.
    static func report(
        _ plan: DiagnosePlan, configuration: WindowsTLSConfig, hosts: [HostDiagnosis],
        revocation: RevocationListSync?
    ) -> DiagnosisReport {
        var report = DiagnosisReport(
            windowsRelease: configuration.release, windowsReleaseAssumed: configuration.releaseAssumed,
            inputs: plan.inputNames, hosts: hosts)
        report.role = plan.role.rawValue
        report.stack = configuration.stack.rawValue
        report.revocationListSync = revocation
        report.blockedPorts = blockedPorts(hosts)
        report.configurationFindings = ConfigurationFinding.make(configuration.warnings, hosts: hosts)
        if let log = plan.log {
            let release = log.release
            report.log = DiagnosisReport.LogSummary(
                file: log.name, osVersion: log.log.osVersions.first, windowsRelease: release?.release.rawValue,
                windowsReleaseExact: release?.exact, failures: log.log.failures, newestTime: log.log.newestTime)
        }
        // The third vantage point: the machine's own WinHTTP (collect -Probe), beside tlsfit's verdicts.
        if let bundle = plan.bundles.first(where: { $0.probe != nil }), let probe = bundle.probe {
            report.machineProbe = MachineProbeComparison(probe: probe, source: bundle.source, hosts: hosts)
        }
        return report
    }

    /// Ports whose every connection failed at TCP (refused, unreachable, reset, timeout): 80 or 443 blocked.
    public static func blockedPorts(_ hosts: [HostDiagnosis]) -> [Int]? {
        var byPort: [Int: [HostDiagnosis]] = [:]
        for h in hosts where h.observedFailure != nil || h.succeeded { byPort[h.port, default: []].append(h) }
        let blocked = byPort.filter { _, hs in
            !hs.isEmpty && hs.allSatisfy { $0.observedFailure?.stage == .tcp }
        }.keys.sorted()
        return blocked.isEmpty ? nil : blocked
    }

    /// Every proposed registry change as a `.reg` file; nil when there is nothing to fix.
    public static func fixFile(_ hosts: [HostDiagnosis], release: WindowsRelease) -> [UInt8]? {
        let changes = DiagnosisReport.combinedChanges(hosts)
        guard !changes.isEmpty else { return nil }
        let failing = hosts.filter { !$0.succeeded }.map(\.host).joined(separator: ", ")
        var comment =
            "tlsfit diagnose: proposed fix for \(release.displayName) (\(failing))\nReview before importing: regedit /s fix.reg"
        // A policy-hive value is the GPO's: a local import does not last.
        let (scope, note) = FixScope.of(changes)
        if scope == .groupPolicy, let note { comment += "\n" + note }
        return RegFileWriter.write(changes, encoding: .utf16LE, comment: comment)
    }
}
