import FoundationEssentials
import Synchronization
import TLSFitCore
import TLSFitHandshake
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Everything `tlsfit report` was asked to do, validated.
public struct ReportPlan: Sendable {
    public struct Candidate: Sendable {
        public var name: String
        public var files: [String]
        public var registry: RegistrySnapshot

        public init(name: String, files: [String], registry: RegistrySnapshot) {
            self.name = name
            self.files = files
            self.registry = registry
        }
    }

    public var candidates: [Candidate]
    public var releases: [WindowsRelease]
    /// False when `releases` are the defaults.
    public var releasesGiven: Bool
    public var fleet: String?
    public var targets: [ScanTarget]
    /// Saved or built-in profiles, by target; the others are scanned live (or offline: refused earlier).
    public var profiles: [ScanTarget: ServerProfile]
    public var offline: Bool
    public var timeout: Double
    public var caFile: String?
    public var generatedAt: Date
    /// Direct, or through `--proxy` (each host routed by the bypass list).
    public var path: NetworkPath
    /// The tool and version recorded in scanned profiles (`tlsfit 0.1.0`).
    public var toolName: String

    public init(
        candidates: [Candidate], releases: [WindowsRelease], releasesGiven: Bool, fleet: String?, targets: [ScanTarget],
        profiles: [ScanTarget: ServerProfile], offline: Bool, timeout: Double, caFile: String?, generatedAt: Date,
        path: NetworkPath = .direct, toolName: String = "tlsfit"
    ) {
        self.candidates = candidates
        self.releases = releases
        self.releasesGiven = releasesGiven
        self.fleet = fleet
        self.targets = targets
        self.profiles = profiles
        self.offline = offline
        self.timeout = timeout
        self.caFile = caFile
        self.generatedAt = generatedAt
        self.path = path
        self.toolName = toolName
    }
}

/// Runs a report: reads the fleet, measures the servers that have no profile (once per host),
/// makes one real handshake per distinct ClientHello and host, and diagnoses every cell.
///
/// The front end supplies what is its own: progress display, cancellation (Ctrl-C) and warnings.
public struct ReportEngine: Sendable {
    public struct Interrupted: Error {
        /// What was done, for the message.
        public var done: String
    }

    /// One client of the matrix: a candidate on a release, or a fleet group.
    struct Client: Sendable {
        var name: String
        var release: WindowsRelease
        var config: WindowsTLSConfig
        var profile: ClientProfile
    }

    public var plan: ReportPlan
    /// Hosts or cells done, their total, and what is being done.
    public var progress: @Sendable (Int, Int, String) -> Void
    /// Checked between steps; true stops the run with `Interrupted`.
    public var isCancelled: @Sendable () -> Bool
    /// A warning for the user (a folder or file skipped, a host simulated from its saved profile).
    public var warn: @Sendable (String) -> Void

    public init(
        plan: ReportPlan, progress: @escaping @Sendable (Int, Int, String) -> Void = { _, _, _ in },
        isCancelled: @escaping @Sendable () -> Bool = { false }, warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.plan = plan
        self.progress = progress
        self.isCancelled = isCancelled
        self.warn = warn
    }

    public func run() async throws -> CompatibilityReport {
        // Clients: candidates x releases, then fleet groups.
        let candidates = candidateClients()
        var clients = candidates.clients
        var candidateInfo = candidates.info
        let candidateWarnings = candidates.warnings
        var reading: FleetReading?
        var representativeFiles: [String: [String]] = [:]
        if let fleet = plan.fleet {
            let read: FleetReading
            (read, representativeFiles) = try readFleet(fleet)
            reading = read
            for g in read.groups {
                clients.append(Client(name: g.id, release: g.release, config: g.configuration, profile: g.client))
            }
        }
        if isCancelled() { throw Interrupted(done: "while reading the fleet") }

        let servers = try await serverProfiles()
        var serverSources: [String: String] = [:]
        for t in plan.targets { serverSources[Self.label(t)] = servers[t]?.source ?? "unreachable" }

        let observed = try confirmingHandshakes(clients)
        let (cells, diagnosesByCandidate) = try simulateCells(
            clients, servers: servers, observed: observed, candidateWarnings: candidateWarnings)

        for i in candidateInfo.indices {
            let name = candidateInfo[i].name
            candidateInfo[i].configurationFindings = ConfigurationFinding.make(
                candidateWarnings[name] ?? [], hosts: diagnosesByCandidate[name] ?? [])
        }

        // Fleet groups, and the report.
        var groups: [FleetGroup]?
        var releases = plan.candidates.isEmpty ? [] : plan.releases
        if let reading {
            let byClient = Dictionary(grouping: cells, by: \.candidate)
            groups = reading.groups.map {
                FleetGroup(
                    id: $0.id, windowsRelease: $0.release, machines: $0.machines, candidate: $0.id,
                    verdicts: byClient[$0.id] ?? [])
            }
            let used = Set(reading.groups.map(\.release))
            releases += WindowsRelease.allCases.filter { used.contains($0) && !releases.contains($0) }
            for g in reading.groups {
                candidateInfo.append(CandidateInfo(name: g.id, files: representativeFiles[g.id] ?? []))
            }
        }
        return CompatibilityReport(
            generatedAt: plan.generatedAt, candidates: candidateInfo, windowsReleases: releases,
            hosts: plan.targets.map(Self.label),
            cells: cells, groups: groups, serverSources: serverSources, skipped: reading?.skipped)
    }

    /// The clients of the candidates (candidates x releases), their report entries and their warnings.
    private func candidateClients() -> (clients: [Client], info: [CandidateInfo], warnings: [String: [ConfigWarning]]) {
        var clients: [Client] = []
        var candidateInfo: [CandidateInfo] = []
        // Candidates are few: their warnings carry the "did you mean" names (a fleet's groups do not).
        var candidateWarnings: [String: [ConfigWarning]] = [:]
        for c in plan.candidates {
            candidateInfo.append(CandidateInfo(name: c.name, files: c.files))
            for r in plan.releases {
                let config = WindowsTLSConfig.evaluate(registry: c.registry, release: r, suggestNames: true)
                for w in config.warnings
                where !(candidateWarnings[c.name] ?? []).contains(where: {
                    $0.code == w.code && $0.message == w.message
                }) {
                    candidateWarnings[c.name, default: []].append(w)
                }
                clients.append(Client(name: c.name, release: r, config: config, profile: ClientProfile(config: config)))
            }
        }
        return (clients, candidateInfo, candidateWarnings)
    }

    /// Server side: saved or built-in profiles, else one live scan per host.
    private func serverProfiles() async throws -> [ScanTarget: ServerProfile] {
        var servers = plan.profiles
        let missing = plan.targets.filter { servers[$0] == nil }
        if !missing.isEmpty, !plan.offline {
            var options = ScanOptions(timeout: plan.timeout, caFile: plan.caFile, toolName: plan.toolName)
            options.path = plan.path
            let display = progress
            let scanned = await ServerScanner.scan(missing, options: options) { p in
                display(p.hostsDone, p.hostsTotal, "scanning \(p.lastHost) (\(p.connections) connections)")
            }
            for (t, profile) in zip(missing, scanned) where !profile.protocols.isEmpty { servers[t] = profile }
        }
        if isCancelled() { throw Interrupted(done: "after scanning \(missing.count) host(s), before any cell") }
        return servers
    }

    /// One real handshake per distinct ClientHello and host; an unreachable host gets one in all.
    private func confirmingHandshakes(_ clients: [Client]) throws -> [String: HandshakeOutcome] {
        guard !plan.offline else { return [:] }
        var engine = DiagnoseEngine(
            timeout: plan.timeout, caFile: plan.caFile, offline: false, profileProvider: { _ in nil })
        engine.path = plan.path
        var pairs: [(key: String, client: ClientProfile, target: ScanTarget)] = []
        var seen = Set<String>()
        for t in plan.targets {
            for c in clients {
                let key = Self.pairKey(c.profile, t)
                if seen.insert(key).inserted { pairs.append((key, c.profile, t)) }
            }
        }
        return try Self.confirm(pairs, engine: engine, progress: progress, isCancelled: isCancelled)
    }

    /// Every cell: the simulation, checked against the wire when there is a handshake.
    /// Also returns the candidates' diagnoses (for their configuration findings), and warns about
    /// the hosts whose cells stay unconfirmed.
    private func simulateCells(
        _ clients: [Client], servers: [ScanTarget: ServerProfile], observed: [String: HandshakeOutcome],
        candidateWarnings: [String: [ConfigWarning]]
    ) throws -> ([MatrixCell], [String: [HostDiagnosis]]) {
        var cells: [MatrixCell] = []
        var diagnosesByCandidate: [String: [HostDiagnosis]] = [:]
        var unconfirmed = Set<String>()
        let total = clients.count * plan.targets.count
        cells.reserveCapacity(total)
        for (i, c) in clients.enumerated() {
            if isCancelled() {
                throw Interrupted(done: "\(cells.count) of \(total) cells done")
            }
            progress(i + 1, clients.count, "simulating \(c.name) on \(c.release.rawValue)")
            for t in plan.targets {
                let server = servers[t]
                var outcome = observed[Self.pairKey(c.profile, t)]
                // A host with a saved profile that cannot be reached now: the simulation stands, unconfirmed.
                if let o = outcome, server != nil, Self.isNetworkFailure(o) {
                    unconfirmed.insert(Self.label(t))
                    outcome = nil
                }
                let diagnosis = diagnose(c, t, server: server, observed: outcome)
                cells.append(
                    CompatibilityMatrix.cell(
                        candidate: c.name, release: c.release, host: Self.label(t), diagnosis: diagnosis))
                if candidateWarnings[c.name] != nil { diagnosesByCandidate[c.name, default: []].append(diagnosis) }
            }
        }
        for host in unconfirmed.sorted() {
            warn(
                "\(host) could not be reached: its cells are simulated from the saved profile, not confirmed on the wire"
            )
        }
        return (cells, diagnosesByCandidate)
    }

    /// One cell's diagnosis: the client against the server's profile and the observed handshake, if any.
    private func diagnose(
        _ c: Client, _ t: ScanTarget, server: ServerProfile?, observed outcome: HandshakeOutcome?
    ) -> HostDiagnosis {
        let required = plan.caFile == nil && DiagnoseEngine.isPinnedUpdateService(t.host) ? "Microsoft" : nil
        let pinned =
            BuiltInServerProfile.forHost(t.host)?.expectedRoot != nil
            || DiagnoseEngine.isPinnedUpdateService(t.host)
        return Diagnoser.diagnose(
            host: t.host, port: t.port, config: c.config, server: server, observed: outcome,
            requiredRootSubject: required, pinned: pinned)
    }

    /// Reads every export under `folder`; nothing readable is bad input.
    /// Also returns the export files of each group's first machine, by group id.
    func readFleet(_ folder: String) throws -> (FleetReading, [String: [String]]) {
        let root = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let listing = FolderWalk.files(under: root)
        let relative = listing.files
        let unreadable = listing.unreadable.map {
            SkippedInput(file: $0.path, line: nil, reason: "cannot read the folder: \($0.reason)")
        }
        for item in unreadable { warn("skipped \(item.description)") }
        let defaultRelease = plan.releasesGiven ? plan.releases[0] : WindowsConfigReader.defaultRelease
        let machines = FleetLayout.machines(relativeFiles: relative, defaultRelease: defaultRelease)
        guard !machines.isEmpty else {
            throw InputError(
                source: folder, message: "no export found (.reg, .pol, .xml, .txt, .json or GPO backup folders)")
        }
        let display = progress
        let grouped = FleetGrouping.group(
            machines,
            load: { machine throws(InputError) in
                var inputs: [WindowsConfigReader.InputFile] = []
                for file in machine.files { inputs += try Self.readMachineFile(root + "/" + file) }
                return inputs
            },
            executor: ConcurrentExecutor(),
            xml: LibXML2Reader(),
            isCancelled: { isCancelled() },
            progress: { done, total in display(done, total, "reading exports") })
        if grouped.cancelled { throw Interrupted(done: "\(grouped.machinesRead) of \(machines.count) exports read") }
        var reading = grouped
        reading.skipped = (unreadable + reading.skipped).sorted { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
        guard reading.machinesRead > 0 else {
            for item in reading.skipped.prefix(20) { warn("skipped \(item.description)") }
            throw InputError(source: folder, message: "none of the \(machines.count) export(s) could be read")
        }
        let filesByName = Dictionary(
            machines.map { ($0.name, $0.files.map { root + "/" + $0 }) }, uniquingKeysWith: { a, _ in a })
        var representative: [String: [String]] = [:]
        for g in reading.groups { representative[g.id] = g.machines.first.flatMap { filesByName[$0] } ?? [] }
        return (reading, representative)
    }

    /// One export, up to the size limit: one open, one fstat and one read (no stat by path: a fleet has thousands).
    static func readExport(_ path: String) throws(InputError) -> WindowsConfigReader.InputFile {
        let bytes = try FileContents.read(path, limit: WindowsConfigReader.maximumFileSize) {
            WindowsConfigReader.tooBig(path, $0)
        }
        return .init(name: path, bytes: bytes)
    }

    /// One file of a fleet machine, or its `tlsfit collect` bundle (a zip, or a folder: a path ending in "/").
    static func readMachineFile(_ path: String) throws(InputError) -> [WindowsConfigReader.InputFile] {
        if path.hasSuffix("/") || path.lowercased().hasSuffix(".zip") {
            let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
            return try CollectedBundle.read(path: folder)?.configFiles ?? []
        }
        return [try readExport(path)]
    }

    static func label(_ t: ScanTarget) -> String { "\(t.host):\(t.port)" }

    /// Handshakes are shared by clients sending the same ClientHello.
    /// The confirming handshakes, hosts in parallel (at most 8 at once, one connection per host at
    /// a time). A host that cannot be reached fails the same way for every client: its first
    /// handshake shows it, and its other pairs reuse that outcome.
    static func confirm(
        _ pairs: [(key: String, client: ClientProfile, target: ScanTarget)], engine: DiagnoseEngine,
        progress: @escaping @Sendable (Int, Int, String) -> Void, isCancelled: @escaping @Sendable () -> Bool
    ) throws -> [String: HandshakeOutcome] {
        struct State {
            var observed: [String: HandshakeOutcome] = [:]
            var done = 0
            var nextHost = 0
        }
        final class Results: Sendable {
            let state = Mutex(State())
        }
        let results = Results()
        var byHost: [String: [(key: String, client: ClientProfile, target: ScanTarget)]] = [:]
        var hostOrder: [String] = []
        for pair in pairs {
            let host = label(pair.target)
            if byHost[host] == nil { hostOrder.append(host) }
            byHost[host, default: []].append(pair)
        }
        let order = hostOrder
        let pairsByHost = byHost
        runOnThreads(min(8, order.count)) { _ in
            while let host = results.state.withLock({ state -> String? in
                guard state.nextHost < order.count else { return nil }
                defer { state.nextHost += 1 }
                return order[state.nextHost]
            }) {
                var networkFailure: HandshakeOutcome?
                for pair in pairsByHost[host] ?? [] {
                    if isCancelled() { return }
                    let outcome =
                        networkFailure
                        ?? engine.handshake(
                            pair.client, pair.target,
                            path: engine.path.route(host: pair.target.host, port: pair.target.port))
                    if networkFailure == nil, isNetworkFailure(outcome) { networkFailure = outcome }
                    let done = results.state.withLock { state in
                        state.observed[pair.key] = outcome
                        state.done += 1
                        return state.done
                    }
                    progress(done, pairs.count, "handshake with \(host)")
                }
            }
        }
        let (observed, done) = results.state.withLock { ($0.observed, $0.done) }
        if isCancelled() {
            throw Interrupted(done: "\(done) of \(pairs.count) confirming handshakes done")
        }
        return observed
    }

    static func pairKey(_ client: ClientProfile, _ t: ScanTarget) -> String { label(t) + "|" + client.wireFingerprint }

    /// The host was not reached (no name, no TCP connection, no answer): nothing about TLS was learnt.
    static func isNetworkFailure(_ o: HandshakeOutcome) -> Bool {
        guard let f = o.failure else { return false }
        return f.stage == .dns || f.stage == .tcp || f.stage == .proxy
            || (f.kind == .timeout && o.negotiated.version == nil)
    }
}
