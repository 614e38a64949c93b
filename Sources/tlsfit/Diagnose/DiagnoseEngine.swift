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
    /// Live measurement: the scan engine, for one host (nil when the host could not be reached).
    var measure: @Sendable (ScanTarget, Double, String?) -> ServerProfile? = { target, timeout, caFile in
        let profile = ServerScanner.scan([target], options: ScanOptions(timeout: timeout, caFile: caFile)).first
        return profile.flatMap { $0.protocols.isEmpty ? nil : $0 }
    }

    /// Called after each host: hosts done, total, the host just done.
    var progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in }

    func run(config: WindowsTLSConfig, targets: [ScanTarget]) async -> [HostDiagnosis] {
        await withTaskGroup(of: (Int, HostDiagnosis).self) { group in
            for (i, t) in targets.enumerated() {
                group.addTask { (i, diagnose(config: config, target: t)) }
            }
            var results: [(Int, HostDiagnosis)] = []
            for await r in group {
                results.append(r)
                progress(results.count, targets.count, r.1.host)
            }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func diagnose(config: WindowsTLSConfig, target t: ScanTarget) -> HostDiagnosis {
        let client = ClientProfile(config: config)
        var server = profileProvider(t)
        if server == nil, !offline { server = measure(t, timeout, caFile) }
        var observed: HandshakeOutcome?
        if !offline {
            observed = handshake(client, t, config: config)
        }
        // The update service endpoints (*.update.microsoft.com), checked against the system store,
        // must chain to a Microsoft root: the update client pins them. Content hosts (download...,
        // go.microsoft.com) use public CAs and are not checked this way.
        let required = caFile == nil && Self.isPinnedUpdateService(t.host) ? "Microsoft" : nil
        var result = Diagnoser.diagnose(host: t.host, port: t.port, config: config, server: server, observed: observed,
                                        requiredRootSubject: required)
        // Confirm the fix on the wire: apply it, emulate the fixed client, handshake again.
        if !offline, result.fixVerified == true {
            var snapshot = config.registry
            Diagnoser.apply(result.causes.flatMap { $0.fix?.changes ?? [] }, to: &snapshot)
            let fixed = WindowsTLSConfig.evaluate(registry: snapshot, release: config.release, suggestNames: false)
            result.fixConfirmedOnWire = handshake(ClientProfile(config: fixed), t, config: fixed).succeeded
        }
        return result
    }

    static func isPinnedUpdateService(_ host: String) -> Bool {
        let h = host.lowercased()
        return h.hasSuffix(".update.microsoft.com") && Catalog.shared.updateHosts.contains { $0.host.lowercased() == h }
    }

    func handshake(_ client: ClientProfile, _ t: ScanTarget, config: WindowsTLSConfig? = nil) -> HandshakeOutcome {
        guard !client.protocols.isEmpty else {
            // Windows would not even send a ClientHello. Say which is missing: protocols are
            // enabled but no suite can be used with them is not "no protocol offered".
            let enabled = config?.offeredProtocols() ?? []
            let failure = enabled.isEmpty
                ? HandshakeFailure(stage: .tls, kind: .noProtocolOffered,
                                   detail: config == nil ? "the configuration offers no protocol and no suite to use with one; no ClientHello is sent"
                                       : "the configuration enables no protocol for WinHTTP; no ClientHello is sent")
                : HandshakeFailure(stage: .tls, kind: .noSharedCipher,
                                   detail: "WinHTTP would offer \(enabled.map(\.rawValue).joined(separator: ", ")), but no suite in the list can be used with them; no ClientHello is sent")
            return HandshakeOutcome(host: t.host, port: t.port, address: nil, sni: t.host, negotiated: NegotiatedParameters(),
                                    certificate: nil, failure: failure, timings: HandshakeTimings(totalMs: 0))
        }
        let request = client.handshakeRequest(host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort,
                                              timeout: timeout, caFile: caFile)
        return TLSClient.handshake(request)
    }
}
