import Foundation
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
struct DiagnoseEngine: Sendable {
    /// Supplies the server side for a host; nil means "measure it live" (unless offline).
    typealias ProfileProvider = @Sendable (ScanTarget) -> ServerProfile?

    var timeout: Double
    var caFile: String?
    var offline: Bool
    var profileProvider: ProfileProvider
    /// Check the Windows Update chain pin even with `--ca-file` (a lab that plays Microsoft's chain).
    var checkPin = false
    /// The disallowed-certificate list's age, when the inputs hold it.
    var revocation: RevocationListSync?
    /// `host:port` of other targets known to speak plain HTTP (a WindowsUpdate.log `http://` URL).
    var plainHTTPTargets: Set<String> = []
    /// Live measurement: the scan engine, for one host (nil when the host could not be reached).
    var measure: @Sendable (ScanTarget, Double, String?) -> ServerProfile? = { target, timeout, caFile in
        let profile = ServerScanner.scan([target], options: ScanOptions(timeout: timeout, caFile: caFile)).first
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

    /// True when the target is a catalog host served over plain HTTP on this port.
    static func isPlainHTTP(_ t: ScanTarget) -> Bool {
        Catalog.shared.updateHosts.contains { $0.host == t.host.lowercased() && $0.isPlainHTTP && $0.port == t.port }
    }

    func diagnose(config: WindowsTLSConfig, target t: ScanTarget) -> HostDiagnosis {
        if Self.isPlainHTTP(t) || plainHTTPTargets.contains("\(t.host.lowercased()):\(t.port)") { return plainHTTP(t) }
        let builtIn = BuiltInServerProfile.forHost(t.host)
        let client = ClientProfile(config: config)
        var server = profileProvider(t)
        if server == nil, !offline { server = measure(t, timeout, caFile) }
        var drift: [String]?
        if let builtIn, let s = server, s.source != "built-in" { drift = ProfileDrift.differences(builtIn: builtIn, live: s) }
        if server == nil, let builtIn { server = builtIn.profile }
        // Which built-in profile decided the prediction (its assumed facts are what the verdict rests on).
        let usedBuiltIn = server.flatMap { s in s.source == "built-in" ? BuiltInServerProfile.all.first { $0.profile.sourceDetail == s.sourceDetail } : nil }
        var observed: HandshakeOutcome?
        if !offline {
            observed = handshake(client, t)
        }
        // The update service endpoints must chain to Microsoft's update chain: the update client pins
        // them. Hosts with a known chain are checked exactly below; other *.update.microsoft.com
        // hosts, against the system store, must at least end at a Microsoft root.
        let pinning = caFile == nil || checkPin
        let required = caFile == nil && builtIn?.expectedRoot == nil && Self.isPinnedUpdateService(t.host) ? "Microsoft" : nil
        var result = Diagnoser.diagnose(host: t.host, port: t.port, config: config, server: server, observed: observed,
                                        requiredRootSubject: required)
        if let builtIn, let observed, pinning {
            if observed.failure == nil, let pin = UpdateCertificatePin.check(host: t.host, port: t.port, builtIn: builtIn, certificate: observed.certificate) {
                result.outcome = "fails"
                result.causes = [pin]
            } else if observed.failure?.stage == .certificate, let i = result.causes.firstIndex(where: { $0.code == .certificateUntrusted }),
                let intermediate = builtIn.expectedIntermediate, let root = builtIn.expectedRoot
            {
                result.causes[i].evidence.append(Evidence(file: nil, key: "\(t.host):\(t.port) expected chain", value: "\(intermediate) -> \(root)"))
            }
        }
        // A stale disallowed-certificate list breaks revocation checks of the pinned update chain.
        if let revocation, builtIn?.expectedRoot != nil, let cause = revocation.cause(host: t.host, port: t.port) {
            if result.succeeded { result.causes = [] }
            result.outcome = "fails"
            result.causes.append(cause)
        }
        // Confirm the fix on the wire: apply it, emulate the fixed client, handshake again.
        if !offline, result.fixVerified == true {
            var snapshot = config.registry
            Diagnoser.apply(result.causes.flatMap { $0.fix?.changes ?? [] }, to: &snapshot)
            var fixed = WindowsTLSConfig.evaluate(registry: snapshot, release: config.release, suggestNames: false)
            fixed.stack = config.stack
            result.fixConfirmedOnWire = handshake(ClientProfile(config: fixed), t).succeeded
        }
        result.scheme = "https"
        result.builtInProfile = builtIn?.name ?? usedBuiltIn?.name
        result.assumedFacts = usedBuiltIn?.assumedFacts
        // The chain the real handshake saw, against the known one (a rotation by Microsoft shows here).
        if let builtIn, let observed, pinning, let line = UpdateCertificatePin.differs(builtIn: builtIn, certificate: observed.certificate),
            !(drift ?? []).contains(where: { $0.hasPrefix("certificate issuer:") })
        {
            drift = (drift ?? []) + [line]
        }
        result.drift = drift
        result.allowListPattern = AllowList.match(t.host)
        return result
    }

    /// A content host served over plain HTTP: a TCP connection to port 80 and one request; any HTTP answer is a pass.
    func plainHTTP(_ t: ScanTarget) -> HostDiagnosis {
        var result = HostDiagnosis(host: t.host, port: t.port, outcome: "ok")
        result.scheme = "http"
        result.allowListPattern = AllowList.match(t.host)
        let check = PlainHTTPCheck.check(host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort, timeout: timeout)
        result.address = check.address
        guard let failure = check.failure, !check.reachable else { return result }
        result.outcome = "fails"
        result.observedFailure = .plainHTTP(failure)
        let seen = Evidence(file: nil, key: "\(t.host):\(t.port)" + (check.address.map { " (\($0))" } ?? ""), value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
        if failure.stage == .dns {
            result.causes = [Cause(code: .dns, summary: "\(t.host) does not resolve", explanation: "The name \(t.host) could not be resolved, so update content cannot be downloaded.",
                                   evidence: [seen], fix: Fix(description: "Make \(t.host) resolvable from this machine (DNS forwarders, filtering policy)."))]
        } else {
            result.causes = [Cause(
                code: .httpBlocked, summary: "\(t.host) serves Windows Update over plain HTTP, and port \(t.port) is blocked",
                explanation: "Windows Update talks to \(t.host) over plain HTTP (port \(t.port)), not TLS. The connection failed (\(failure.detail)). Windows Update shows 0x80072EFD; Delivery Optimization downloads may show 0x80D02002. The seed article asks to allow the update URLs on ports 80 and 443.",
                evidence: [seen] + (result.allowListPattern.map { [Evidence(file: nil, key: "allow-list", value: "covered by \($0): allow it on port 80 as well as 443")] } ?? []),
                fix: Fix(description: "Allow outgoing TCP \(t.port) to \(t.host) (allow-list entry \(result.allowListPattern ?? t.host)) in the firewall or proxy."))]
        }
        return result
    }

    static func isPinnedUpdateService(_ host: String) -> Bool {
        let h = host.lowercased()
        return h.hasSuffix(".update.microsoft.com") && Catalog.shared.updateHosts.contains { $0.host.lowercased() == h }
    }

    func handshake(_ client: ClientProfile, _ t: ScanTarget) -> HandshakeOutcome {
        guard !client.protocols.isEmpty else {
            // Windows would not even send a ClientHello.
            return HandshakeOutcome(host: t.host, port: t.port, address: nil, sni: t.host, negotiated: NegotiatedParameters(),
                                    certificate: nil, failure: HandshakeFailure(stage: .tls, kind: .noProtocolOffered,
                                    detail: "the configuration offers no protocol and no suite to use with one; no ClientHello is sent"),
                                    timings: HandshakeTimings(totalMs: 0))
        }
        let request = client.handshakeRequest(host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
                                              timeout: timeout, caFile: caFile)
        return TLSClient.handshake(request)
    }
}
