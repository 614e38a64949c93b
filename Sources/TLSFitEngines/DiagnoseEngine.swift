import Dispatch
import FoundationEssentials
import Synchronization
import TLSFitCore
import TLSFitHandshake

/// Runs a diagnosis for a list of hosts: the server side from an injected provider (a saved or
/// built-in profile) or a live measurement, the real handshake as the emulated client, then the
/// pure `Diagnoser`. The only part of `diagnose` that touches the network.
///
/// The server side, strongest first: a live handshake always decides whether the host works; the
/// prediction uses a `--server-profile` when given, else a live scan, else tlsfit's built-in profile
/// of the host (offline, or when the scan fails). A measured or saved profile is compared with the
/// built-in one and the differences are reported (`drift`).
public struct DiagnoseEngine: Sendable {
    /// Supplies the server side for a host; nil means "measure it live" (unless offline).
    public typealias ProfileProvider = @Sendable (ScanTarget) -> ServerProfile?

    public var timeout: Double
    public var caFile: String?
    public var offline: Bool
    public var profileProvider: ProfileProvider
    /// The path every connection takes (each host routed by the bypass list): the machine's
    /// WinHTTP proxy by default, `--proxy` or `--no-proxy` when given.
    public var path: NetworkPath = .direct
    /// What the inputs say about the machine's proxies (for the missing-proxy finding).
    public var machineProxy = MachineProxyConfiguration()
    /// Check the Windows Update chain pin even with `--ca-file` (a lab that plays Microsoft's chain).
    public var checkPin = false
    /// The keys the pin check wants: Microsoft's (built in); a lab passes its own root's key explicitly.
    public var pins: UpdatePinSet = .builtIn
    /// The disallowed-certificate list's age, when the inputs hold it.
    public var revocation: RevocationListSync?
    /// `host:port` of other targets known to speak plain HTTP (a WindowsUpdate.log `http://` URL).
    public var plainHTTPTargets: Set<String> = []
    /// Live measurement: the scan engine, for one host (nil when the host could not be reached).
    public var measure: @Sendable (ScanTarget, Double, String?, NetworkPath) -> ServerProfile? = {
        target, timeout, caFile, path in
        var options = ScanOptions(timeout: timeout, caFile: caFile)
        options.path = path
        let profile = ServerScanner.scan([target], options: options).first
        return profile.flatMap { $0.protocols.isEmpty ? nil : $0 }
    }

    /// Called after each host: hosts done, total, the host just done.
    public var progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in }
    /// Warnings for the user (hosts skipped, input Windows ignores), in the order they arise.
    public var warn: @Sendable (String) -> Void = { _ in }

    public init(timeout: Double, caFile: String?, offline: Bool, profileProvider: @escaping ProfileProvider) {
        self.timeout = timeout
        self.caFile = caFile
        self.offline = offline
        self.profileProvider = profileProvider
    }

    /// How many hosts are diagnosed at once (`--concurrency`).
    public var concurrency = DiagnoseEngine.defaultConcurrency
    public static let defaultConcurrency = 32

    /// Diagnoses every host side by side, at most `concurrency` at once, each on a thread of its
    /// own (the work blocks in poll and getaddrinfo, which must not hold Swift's cooperative pool:
    /// on two cores it ran two hosts at a time). Results in the order of `targets`.
    public func run(config: WindowsTLSConfig, targets: [ScanTarget]) async -> [HostDiagnosis] {
        await withCheckedContinuation { (done: CheckedContinuation<[HostDiagnosis], Never>) in
            DispatchQueue.global().async { done.resume(returning: runBlocking(config: config, targets: targets)) }
        }
    }

    /// `run`, blocking the calling thread until every host is done.
    public func runBlocking(config: WindowsTLSConfig, targets: [ScanTarget]) -> [HostDiagnosis] {
        struct State {
            var next = 0
            var finished = 0
            var results: [HostDiagnosis?]
        }
        final class Shared: Sendable {
            let state: Mutex<State>
            init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }
        }
        let shared = Shared(count: targets.count)
        let workers = min(max(1, concurrency), targets.count)
        runOnThreads(workers) { _ in
            while true {
                let index: Int? = shared.state.withLock { state in
                    guard state.next < targets.count else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                let result = diagnose(config: config, target: targets[index])
                let count = shared.state.withLock { state in
                    state.results[index] = result
                    state.finished += 1
                    return state.finished
                }
                progress(count, targets.count, result.host)
            }
        }
        return shared.state.withLock { $0.results.compactMap { $0 } }
    }

    /// True when the target is a catalog host served over plain HTTP on this port.
    public static func isPlainHTTP(_ t: ScanTarget) -> Bool {
        Catalog.shared.updateHosts.contains { $0.host == t.host.lowercased() && $0.isPlainHTTP && $0.port == t.port }
    }

    func diagnose(config: WindowsTLSConfig, target t: ScanTarget) -> HostDiagnosis {
        let route = path.route(host: t.host, port: t.port)
        if t.port == 80 || Self.isPlainHTTP(t) || plainHTTPTargets.contains("\(t.host.lowercased()):\(t.port)") {
            return plainHTTP(config: config, target: t, route: route)
        }
        let builtIn = BuiltInServerProfile.forHost(t.host)
        let client = ClientProfile(config: config)
        let (wire, server, measuredDrift, usedBuiltIn) = serverSide(client, t, route: route, builtIn: builtIn)
        var drift = measuredDrift
        var observed: HandshakeOutcome?
        var direct: HandshakeOutcome?
        var wireNote: String?
        if let wire {
            observed = wire.outcome
            wireNote = wire.confirmationSkipped
            // Through a proxy, a failure the proxy may have caused is compared with a direct handshake.
            if route.proxy != nil, let f = observed?.failure,
                f.stage == .certificate || (f.stage == .tls && observed?.negotiated.version == nil)
            {
                direct = handshake(client, t, path: .direct)
            }
        }
        // The update service endpoints must chain to Microsoft's update chain: the update client pins
        // them. Hosts with a known chain are checked exactly below; other *.update.microsoft.com
        // hosts, against the system store, must at least end at a Microsoft root.
        let pinning = caFile == nil || checkPin
        let required =
            caFile == nil && builtIn?.expectedRoot == nil && Self.isPinnedUpdateService(t.host) ? "Microsoft" : nil
        let pinned = builtIn?.expectedRoot != nil || Self.isPinnedUpdateService(t.host)
        var result = Diagnoser.diagnose(
            host: t.host, port: t.port, config: config, server: server, observed: observed,
            requiredRootSubject: required, direct: direct, pinned: pinned)
        result.wireNote = wireNote
        if let observed, let missing = missingProxyFinding(client, t, route: route, observed: observed) {
            result.causes.insert(missing, at: 0)
            result.outcome = .fails
        }
        if let builtIn, let observed, pinning {
            applyUpdatePin(
                to: &result, config: config, target: t, builtIn: builtIn, observed: observed, server: server)
        }
        // A stale disallowed-certificate list breaks revocation checks of the pinned update chain.
        if let revocation, builtIn?.expectedRoot != nil, let cause = revocation.cause(host: t.host, port: t.port) {
            if result.succeeded { result.causes = [] }
            result.outcome = .fails
            result.causes.append(cause)
        }
        // Confirm the fix on the wire: apply it, emulate the fixed client, handshake again.
        if !offline, result.fixVerified == true {
            var snapshot = config.registry
            Diagnoser.apply(result.causes.flatMap { $0.fix?.changes ?? [] }, to: &snapshot)
            var fixed = WindowsTLSConfig.evaluate(registry: snapshot, release: config.release, suggestNames: false)
            fixed.stack = config.stack
            result.fixConfirmedOnWire = handshake(ClientProfile(config: fixed), t, path: route).succeeded
        }
        result.scheme = "https"
        result.builtInProfile = builtIn?.name ?? usedBuiltIn?.name
        result.assumedFacts = usedBuiltIn?.assumedFacts
        // The chain the real handshake saw, against the known one (a rotation by Microsoft shows here).
        if let builtIn, let observed, pinning,
            let line = UpdateCertificatePin.differs(builtIn: builtIn, certificate: observed.certificate),
            !(drift ?? []).contains(where: { $0.hasPrefix("certificate issuer:") })
        {
            drift = (drift ?? []) + [line]
        }
        result.drift = drift
        result.allowListPattern = AllowList.match(t.host)
        // Causes added above (a missing proxy, the pin, the revocation list): configuration first again.
        result.separateVantages()
        return result
    }

    /// The server side of a TLS host, strongest first: the injected profile, else a live scan, else the
    /// built-in profile; also the real handshake (nil offline), the drift from the built-in profile
    /// and the built-in profile that decided the prediction.
    private func serverSide(
        _ client: ClientProfile, _ t: ScanTarget, route: NetworkPath, builtIn: BuiltInServerProfile?
    ) -> (
        wire: WindowsHelloProbe.Result?, server: ServerProfile?, drift: [String]?, usedBuiltIn: BuiltInServerProfile?
    ) {
        var server = profileProvider(t)
        // The exact hello first: one deadline covers its dial (the proxy's CONNECT included) and
        // the handshake. When it could not even connect (DNS, TCP, the proxy), a live scan would
        // only wait for the same deadline again: the host is not measured.
        // The live scan gets what is left of the host's deadline: a server that accepts the
        // connection and never answers costs one deadline, not two.
        let hostStart = DispatchTime.now().uptimeNanoseconds
        var wire: WindowsHelloProbe.Result?
        if !offline { wire = exchange(client, t, path: route) }
        let unreachable =
            wire.map { w in
                guard let stage = w.answer.failure?.stage else { return false }
                return stage == .dns || stage == .tcp || stage == .proxy
            } ?? false
        let left = timeout - Double(DispatchTime.now().uptimeNanoseconds - hostStart) / 1e9
        if server == nil, !offline, !unreachable, left > 0.05 { server = measure(t, left, caFile, route) }
        var drift: [String]?
        if let builtIn, let s = server, s.source != "built-in" {
            drift = ProfileDrift.differences(builtIn: builtIn, live: s)
        }
        if server == nil, let builtIn { server = builtIn.profile }
        // Which built-in profile decided the prediction (its assumed facts are what the verdict rests on).
        let usedBuiltIn = server.flatMap { s in
            s.source == "built-in" ? BuiltInServerProfile.all.first { $0.profile.sourceDetail == s.sourceDetail } : nil
        }
        return (wire, server, drift, usedBuiltIn)
    }

    /// The update certificate pin, against the certificate the real handshake saw: a pin failure
    /// (TLS inspection) replaces the causes; an untrusted chain gets the expected chain as evidence.
    private func applyUpdatePin(
        to result: inout HostDiagnosis, config: WindowsTLSConfig, target t: ScanTarget,
        builtIn: BuiltInServerProfile, observed: HandshakeOutcome, server: ServerProfile?
    ) {
        if observed.failure == nil,
            let pin = UpdateCertificatePin.check(
                host: t.host, port: t.port, builtIn: builtIn, certificate: observed.certificate, pins: pins)
        {
            result.outcome = .fails
            // Something else answered for the server (TLS inspection): the configuration's verdict
            // comes from the server's profile, first, and the pin failure is what this machine saw.
            var configCauses: [Cause] = []
            var configOutcome: ConfigurationOutcome = server == nil ? .unknown : .ok
            if var s = server, result.predictedFailure != nil {
                s.host = t.host
                s.port = t.port
                let explained = Diagnoser.explainConfiguration(config: config, server: s)
                configCauses = explained.causes
                result.fixVerified = explained.fixVerified
                configOutcome = .fails
            }
            result.causes = configCauses + [pin]
            result.configuration = nil
            result.separateVantages(configurationOutcome: configOutcome)
        } else if observed.failure?.stage == .certificate,
            let i = result.causes.firstIndex(where: { $0.code == .certificateUntrusted }),
            let intermediate = builtIn.expectedIntermediate, let root = builtIn.expectedRoot
        {
            result.causes[i].evidence.append(
                Evidence(file: nil, key: "\(t.host):\(t.port) expected chain", value: "\(intermediate) -> \(root)"))
        }
    }

    /// A host served over plain HTTP (update content on port 80, an internal WSUS on 8530): a TCP
    /// connection and one request, through the proxy as an ordinary proxied request; any HTTP answer
    /// from the server is a pass. No TLS, so only network and proxy causes apply.
    func plainHTTP(config: WindowsTLSConfig, target t: ScanTarget, route: NetworkPath) -> HostDiagnosis {
        var observed: HandshakeOutcome?
        if !offline {
            var request = HandshakeRequest(
                host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
                timeout: timeout)
            request.path = route
            observed = PlainHTTPCheck.get(request).outcome
        }
        let allowList = AllowList.match(t.host)
        var result: HostDiagnosis
        if let observed, let failure = observed.failure, failure.stage != .proxy {
            // The path to the server itself fails (DNS, TCP, no HTTP answer).
            result = HostDiagnosis(host: t.host, port: t.port, outcome: .fails)
            result.address = observed.address
            result.path = observed.path
            result.proxy = observed.proxy
            result.observedFailure = .plainHTTP(failure)
            let seen = Evidence(
                file: nil, key: "\(t.host):\(t.port)" + (observed.address.map { " (\($0))" } ?? ""),
                value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
            result.causes = [plainHTTPFailureCause(t, failure: failure, seen: seen, allowList: allowList)]
        } else {
            // Reached, not tried (offline), or stopped by the proxy: the proxy causes come from the Diagnoser.
            result = Diagnoser.diagnose(host: t.host, port: t.port, config: config, server: nil, observed: observed)
            // No TLS on this host: a failure the proxy causes is never a TLS cause.
            if let observed, let failure = observed.failure, result.causes.contains(where: { $0.code == .tlsAborted }) {
                result.causes = [plainHTTPProxyCause(t, observed: observed, failure: failure)]
            }
        }
        result.scheme = "http"
        result.allowListPattern = allowList
        result.recordMeasurement(observed)
        result.separateVantages(configurationOutcome: .notApplicable)
        return result
    }

    /// The cause of a plain HTTP host that could not be reached: its name does not resolve, or its port is blocked.
    private func plainHTTPFailureCause(
        _ t: ScanTarget, failure: HandshakeFailure, seen: Evidence, allowList: String?
    ) -> Cause {
        if failure.stage == .dns {
            return Cause(
                code: .dns, summary: "\(t.host) does not resolve",
                explanation:
                    "The name \(t.host) could not be resolved, so update content cannot be downloaded.",
                evidence: [seen],
                fix: Fix(
                    description:
                        "Make \(t.host) resolvable from this machine (DNS forwarders, filtering policy)."))
        }
        return Cause(
            code: .httpBlocked,
            summary: "\(t.host) serves Windows Update over plain HTTP, and port \(t.port) is blocked",
            explanation:
                "Windows Update talks to \(t.host) over plain HTTP (port \(t.port)), not TLS. The connection failed (\(failure.detail)). Windows Update shows 0x80072EFD; Delivery Optimization downloads may show 0x80D02002. The seed article asks to allow the update URLs on ports 80 and 443.",
            evidence: [seen]
                + (allowList.map {
                    [
                        Evidence(
                            file: nil, key: "allow-list",
                            value: "covered by \($0): allow it on port 80 as well as 443")
                    ]
                } ?? []),
            fix: Fix(
                description:
                    "Allow outgoing TCP \(t.port) to \(t.host) (allow-list entry \(allowList ?? t.host)) in the firewall or proxy."
            ))
    }

    /// The cause of a plain HTTP request the proxy gave no usable answer to (never a TLS cause: no TLS here).
    private func plainHTTPProxyCause(_ t: ScanTarget, observed: HandshakeOutcome, failure: HandshakeFailure) -> Cause {
        Cause(
            code: .proxyUnreachable,
            summary:
                "the proxy \(observed.path ?? "in the path") did not answer the request for \(t.host):\(t.port) (\(failure.kind.rawValue))",
            explanation:
                "The request for \(t.host) (plain HTTP, no TLS) went to the proxy, which gave no usable answer: \(failure.detail). Windows Update shows \(failure.windowsError). This is measured from the machine running tlsfit.",
            evidence: [
                Evidence(
                    file: nil, key: "\(t.host):\(t.port) through \(observed.path ?? "the proxy")",
                    value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
            ],
            fix: Fix(
                description:
                    "Check the proxy WinHTTP uses (netsh winhttp show proxy) and that it lets plain HTTP to \(t.host) on port \(t.port) through."
            ))
    }

    public static func isPinnedUpdateService(_ host: String) -> Bool {
        let h = host.lowercased()
        return h.hasSuffix(".update.microsoft.com") && Catalog.shared.updateHosts.contains { $0.host.lowercased() == h }
    }

    /// WinHTTP goes direct (no proxy in its setting) where the network needs a proxy: the direct
    /// handshake fails at the network while a known proxy (`--proxy`, or the user's proxy in the
    /// export) gets through. Nil when that is not the case, or nothing is known to compare.
    func missingProxyFinding(_ client: ClientProfile, _ t: ScanTarget, route: NetworkPath, observed: HandshakeOutcome)
        -> Cause?
    {
        guard machineProxy.winHTTPPath.route(host: t.host, port: t.port) == .direct else { return nil }
        func networkFailure(_ o: HandshakeOutcome) -> HandshakeFailure? {
            guard let f = o.failure,
                f.stage == .dns || f.stage == .tcp || (f.kind == .timeout && o.negotiated.version == nil)
            else { return nil }
            return f
        }
        let viaProxy: HandshakeOutcome
        let directFailure: HandshakeFailure
        if route.proxy != nil {
            // --proxy given where WinHTTP has none: how does the machine's own (direct) path fare?
            guard observed.failure?.stage != .proxy, let f = networkFailure(handshake(client, t, path: .direct)) else {
                return nil
            }
            (viaProxy, directFailure) = (observed, f)
        } else {
            guard let f = networkFailure(observed), let user = machineProxy.user?.path,
                user.route(host: t.host, port: t.port).proxy != nil
            else { return nil }
            let through = handshake(client, t, path: user)
            guard through.failure?.stage != .proxy else { return nil }
            (viaProxy, directFailure) = (through, f)
        }
        return Diagnoser.missingWinHTTPProxyCause(
            host: t.host, port: t.port, directFailure: directFailure, via: viaProxy,
            winHTTPSource: machineProxy.winHTTP?.source, userProxySource: machineProxy.user?.source)
    }

    /// The handshake as the Windows client: its exact ClientHello decides what the server does; OpenSSL
    /// checks the certificate when it can speak the suite the server chose. Along `path` (direct or a proxy).
    public func handshake(_ client: ClientProfile, _ t: ScanTarget, path: NetworkPath) -> HandshakeOutcome {
        exchange(client, t, path: path).outcome
    }

    func exchange(_ client: ClientProfile, _ t: ScanTarget, path: NetworkPath) -> WindowsHelloProbe.Result {
        var request = WindowsHelloProbe.Request(
            host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
            profile: client, timeout: timeout, caFile: caFile)
        request.path = path
        return WindowsHelloProbe.run(request)
    }
}
