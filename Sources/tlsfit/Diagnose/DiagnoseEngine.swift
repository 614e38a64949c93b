import Foundation
import TLSFitCore
import TLSFitHandshake

/// Runs a diagnosis for a list of hosts: the server side from an injected provider (a saved or
/// built-in profile) or a live measurement, the real handshake as the emulated client, then the
/// pure `Diagnoser`. The only part of `diagnose` that touches the network.
struct DiagnoseEngine: Sendable {
    /// Supplies the server side for a host; nil means "measure it live" (unless offline).
    typealias ProfileProvider = @Sendable (ScanTarget) -> ServerProfile?

    var timeout: Double
    var caFile: String?
    var offline: Bool
    var profileProvider: ProfileProvider
    /// The path every connection takes (each host routed by the bypass list): the machine's
    /// WinHTTP proxy by default, `--proxy` or `--no-proxy` when given.
    var path: NetworkPath = .direct
    /// What the inputs say about the machine's proxies (for the missing-proxy finding).
    var machineProxy = MachineProxyConfiguration()
    /// Live measurement: the scan engine, for one host (nil when the host could not be reached).
    var measure: @Sendable (ScanTarget, Double, String?, NetworkPath) -> ServerProfile? = { target, timeout, caFile, path in
        var options = ScanOptions(timeout: timeout, caFile: caFile)
        options.path = path
        let profile = ServerScanner.scan([target], options: options).first
        return profile.flatMap { $0.protocols.isEmpty ? nil : $0 }
    }

    func run(config: WindowsTLSConfig, targets: [ScanTarget]) async -> [HostDiagnosis] {
        await withTaskGroup(of: (Int, HostDiagnosis).self) { group in
            for (i, t) in targets.enumerated() {
                group.addTask { (i, diagnose(config: config, target: t)) }
            }
            var results: [(Int, HostDiagnosis)] = []
            for await r in group { results.append(r) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func diagnose(config: WindowsTLSConfig, target t: ScanTarget) -> HostDiagnosis {
        let client = ClientProfile(config: config)
        let route = path.route(host: t.host, port: t.port)
        if t.port == 80 { return plainHTTP(config: config, target: t, route: route) }
        var server = profileProvider(t)
        if server == nil, !offline { server = measure(t, timeout, caFile, route) }
        var observed: HandshakeOutcome?
        var direct: HandshakeOutcome?
        var wireNote: String?
        if !offline {
            let wire = exchange(client, t, path: route)
            observed = wire.outcome
            wireNote = wire.confirmationSkipped
            // Through a proxy, a failure the proxy may have caused is compared with a direct handshake.
            if route.proxy != nil, let f = observed?.failure, f.stage == .certificate || (f.stage == .tls && observed?.negotiated.version == nil) {
                direct = handshake(client, t, path: .direct)
            }
        }
        // The update service endpoints (*.update.microsoft.com), checked against the system store,
        // must chain to a Microsoft root: the update client pins them. Content hosts (download...,
        // go.microsoft.com) use public CAs and are not checked this way.
        let required = caFile == nil && Self.isPinnedUpdateService(t.host) ? "Microsoft" : nil
        var result = Diagnoser.diagnose(host: t.host, port: t.port, config: config, server: server, observed: observed,
                                        requiredRootSubject: required, direct: direct)
        result.wireNote = wireNote
        if let observed, let missing = missingProxyFinding(client, t, route: route, observed: observed) {
            result.causes.insert(missing, at: 0)
            result.outcome = "fails"
        }
        // Confirm the fix on the wire: apply it, emulate the fixed client, handshake again.
        if !offline, result.fixVerified == true {
            var snapshot = config.registry
            Diagnoser.apply(result.causes.flatMap { $0.fix?.changes ?? [] }, to: &snapshot)
            let fixed = WindowsTLSConfig.evaluate(registry: snapshot, release: config.release, suggestNames: false)
            result.fixConfirmedOnWire = handshake(ClientProfile(config: fixed), t, path: route).succeeded
        }
        return result
    }

    /// Port 80 (update content comes over HTTP): a plain request, through the proxy as an ordinary
    /// proxied request; no TLS, so only network and proxy causes apply.
    func plainHTTP(config: WindowsTLSConfig, target t: ScanTarget, route: NetworkPath) -> HostDiagnosis {
        var observed: HandshakeOutcome?
        if !offline {
            var request = HandshakeRequest(host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
                                           timeout: timeout)
            request.path = route
            observed = PlainHTTPCheck.get(request).outcome
        }
        return Diagnoser.diagnose(host: t.host, port: t.port, config: config, server: nil, observed: observed)
    }

    static func isPinnedUpdateService(_ host: String) -> Bool {
        let h = host.lowercased()
        return h.hasSuffix(".update.microsoft.com") && Catalog.shared.updateHosts.contains { $0.host.lowercased() == h }
    }

    /// WinHTTP goes direct (no proxy in its setting) where the network needs a proxy: the direct
    /// handshake fails at the network while a known proxy (`--proxy`, or the user's proxy in the
    /// export) gets through. Nil when that is not the case, or nothing is known to compare.
    func missingProxyFinding(_ client: ClientProfile, _ t: ScanTarget, route: NetworkPath, observed: HandshakeOutcome) -> Cause? {
        guard machineProxy.winHTTPPath.route(host: t.host, port: t.port) == .direct else { return nil }
        func networkFailure(_ o: HandshakeOutcome) -> HandshakeFailure? {
            guard let f = o.failure, f.stage == .dns || f.stage == .tcp || (f.kind == .timeout && o.negotiated.version == nil) else { return nil }
            return f
        }
        let viaProxy: HandshakeOutcome
        let directFailure: HandshakeFailure
        if route.proxy != nil {
            // --proxy given where WinHTTP has none: how does the machine's own (direct) path fare?
            guard observed.failure?.stage != .proxy, let f = networkFailure(handshake(client, t, path: .direct)) else { return nil }
            (viaProxy, directFailure) = (observed, f)
        } else {
            guard let f = networkFailure(observed), let user = machineProxy.user?.path, user.route(host: t.host, port: t.port).proxy != nil else { return nil }
            let through = handshake(client, t, path: user)
            guard through.failure?.stage != .proxy else { return nil }
            (viaProxy, directFailure) = (through, f)
        }
        return Diagnoser.missingWinHTTPProxyCause(host: t.host, port: t.port, directFailure: directFailure, via: viaProxy,
                                                  winHTTPSource: machineProxy.winHTTP?.source, userProxySource: machineProxy.user?.source)
    }

    /// The handshake as the Windows client: its exact ClientHello decides what the server does; OpenSSL
    /// checks the certificate when it can speak the suite the server chose. Along `path` (direct or a proxy).
    func handshake(_ client: ClientProfile, _ t: ScanTarget, path: NetworkPath) -> HandshakeOutcome {
        exchange(client, t, path: path).outcome
    }

    func exchange(_ client: ClientProfile, _ t: ScanTarget, path: NetworkPath) -> WindowsHelloProbe.Result {
        var request = WindowsHelloProbe.Request(host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
                                                profile: client, timeout: timeout, caFile: caFile)
        request.path = path
        return WindowsHelloProbe.run(request)
    }
}
