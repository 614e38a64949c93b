/// Explains why a Windows client fails against a host, with evidence from the configuration
/// files and a fix that is checked by simulating again with it applied. Pure: no I/O.
public enum Diagnoser {
    /// Diagnoses one host.
    ///
    /// - Parameters:
    ///   - server: the server side (measured, loaded or built in); nil when it could not be measured.
    ///   - observed: the real handshake made as this client; nil offline.
    ///   - requiredRootSubject: text the root certificate's subject must contain (`Microsoft` for
    ///     update hosts checked against the system store); nil to rely on chain verification alone.
    public static func diagnose(host: String, port: Int, config: WindowsTLSConfig, server: ServerProfile?,
                                observed: HandshakeOutcome?, requiredRootSubject: String? = nil) -> HostDiagnosis {
        let client = ClientProfile(config: config)
        let predicted = server.map { NegotiationSimulator.simulate(client: client, server: $0) }
        var result = HostDiagnosis(
            host: host, port: port, address: observed?.address, serverProfileSource: server?.source, outcome: "fails",
            negotiated: nil, predicted: predicted.flatMap(summary), predictedFailure: predicted?.failure?.rawValue,
            agrees: nil, observedFailure: nil, certificateRoot: nil, causes: [], fixVerified: nil, fixConfirmedOnWire: nil)

        if let observed {
            if observed.negotiated.version != nil {
                let code = observed.negotiated.cipherCode
                let iana = code.flatMap { Catalog.shared.suite(code: $0)?.iana } ?? observed.negotiated.cipherIANAName
                result.negotiated = .init(tlsProtocol: observed.negotiated.version?.rawValue, cipher: iana, group: observed.negotiated.group)
            }
            if let f = observed.failure {
                result.observedFailure = .init(stage: f.stage.rawValue, kind: f.kind.rawValue, alert: f.alert?.description,
                                               detail: f.detail, windowsError: f.windowsError)
            }
            if let predicted, observed.failure?.stage != .dns, observed.failure?.stage != .tcp, observed.failure?.kind != .timeout {
                result.agrees = agrees(observed, predicted)
            }
            result.certificateRoot = rootSubject(observed.certificate)
        }

        // Did it work?
        if let observed {
            if let failure = observed.failure {
                result.causes = causes(for: failure, observed: observed, config: config, server: server, predicted: predicted)
            } else if let required = requiredRootSubject, let root = result.certificateRoot,
                !root.localizedLowercase.contains(required.localizedLowercase)
            {
                result.causes = [inspectionCause(observed, root: root, required: required)]
            } else {
                result.outcome = "ok"
            }
        } else if let predicted, let server {
            if predicted.succeeded {
                result.outcome = "ok"
            } else {
                (result.causes, result.fixVerified) = explainConfiguration(config: config, server: server)
            }
        } else {
            result.causes = [Cause(code: .tlsAborted, summary: "no server profile and no handshake: nothing to compare",
                                   explanation: "tlsfit had neither a measurement of \(host) nor a live handshake with it.",
                                   evidence: [])]
        }
        if result.fixVerified == nil, !result.causes.isEmpty, result.causes.contains(where: { $0.fix?.changes.isEmpty == false }) {
            result.fixVerified = result.causes.last?.fix?.verified ?? false
        }
        // A client with nothing to offer fails before any ClientHello: the configuration causes
        // then show as a secure failure, not as an aborted connection.
        if client.protocols.isEmpty {
            result.causes = result.causes.map { $0.sentNoClientHello() }
        }
        return result
    }

    // MARK: Observed failures

    static func causes(for failure: HandshakeFailure, observed: HandshakeOutcome, config: WindowsTLSConfig,
                       server: ServerProfile?, predicted: SimulatedHandshake?) -> [Cause] {
        let target = "\(observed.host):\(observed.port)"
        let seen = Evidence(file: nil, key: target + (observed.address.map { " (\($0))" } ?? ""), value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
        switch (failure.stage, failure.kind) {
        case (.dns, _):
            return [Cause(code: .dns, summary: "\(observed.host) does not resolve",
                          explanation: "The name \(observed.host) could not be resolved, so Windows Update never gets to TLS. Check the DNS servers and any split-horizon or filtering DNS the machine uses.",
                          evidence: [seen], fix: Fix(description: "Make \(observed.host) resolvable from this machine (DNS forwarders, filtering policy, hosts file)."))]
        case (_, .timeout) where failure.stage == .tcp || observed.negotiated.version == nil:
            return [Cause(code: .timeout, summary: "\(target) did not answer in time",
                          explanation: "The connection to \(target) got no answer before the timeout. A firewall that drops packets, a proxy that is required but not configured, or an overloaded appliance shows this way.",
                          evidence: [seen], fix: Fix(description: "Allow outgoing TCP 443 to \(observed.host), or configure the proxy for WinHTTP (netsh winhttp set proxy)."))]
        case (.tcp, _):
            return [Cause(code: .tcpBlocked, summary: "the TCP connection to \(target) is refused or blocked",
                          explanation: "The TCP connection to \(target) could not be made (\(failure.detail)). Windows Update shows 0x80072EFD. A firewall, a proxy or a closed port is in the way; TLS settings play no part yet.",
                          evidence: [seen], fix: Fix(description: "Allow outgoing TCP 443 to \(observed.host) in the firewall, or configure the proxy for WinHTTP (netsh winhttp set proxy)."))]
        case (.certificate, _):
            let root = rootSubject(observed.certificate)
                ?? observed.certificate?.chain.last.map { "unknown: the chain stops at a certificate issued by \"\($0.issuer)\", which was not sent and is not trusted here (an intermediate or a root)" }
                ?? "unknown"
            return [Cause(code: .certificateUntrusted,
                          summary: "the certificate of \(target) is not trusted (\(failure.kind.rawValue))",
                          explanation: "The handshake completed, but the certificate chain failed verification: \(failure.detail). The chain ends at \"\(root)\". If that is not a Microsoft root, something between this machine and Windows Update re-signs the connection (TLS inspection); the update client accepts only Microsoft's own roots.",
                          evidence: [seen, Evidence(file: nil, key: "\(target) certificate root", value: root)],
                          rootSubject: rootSubject(observed.certificate),
                          fix: Fix(description: "Exempt the Windows Update hosts from TLS inspection on the proxy or firewall, or make the chain lead to a root this machine trusts."))]
        default:
            guard let server, let predicted else {
                return [abortedCause(observed, failure, detail: "No measurement of the server was available to explain it.")]
            }
            if predicted.succeeded {
                return [abortedCause(observed, failure, detail: "The simulation predicted success (\(predicted.version?.rawValue ?? "?") \(predicted.suite?.iana ?? "?")), so the server rejects something tlsfit does not model; compare the server profile with a fresh scan.")]
            }
            return explainConfiguration(config: config, server: server).causes
        }
    }

    static func abortedCause(_ observed: HandshakeOutcome, _ failure: HandshakeFailure, detail: String) -> Cause {
        Cause(code: .tlsAborted, summary: "\(observed.host):\(observed.port) aborted the TLS handshake (\(failure.kind.rawValue)\(failure.alert.map { ", \($0)" } ?? ""))",
              explanation: "The server ended the handshake: \(failure.detail). \(detail)",
              evidence: [Evidence(file: nil, key: "\(observed.host):\(observed.port)", value: failure.detail)])
    }

    static func inspectionCause(_ observed: HandshakeOutcome, root: String, required: String) -> Cause {
        Cause(code: .certificateUntrusted, summary: "the chain of \(observed.host) ends at \"\(root)\", not a \(required) root",
              explanation: "The certificate verified against the trust store, but its chain ends at \"\(root)\". Windows Update accepts only Microsoft's own roots for its service, so a TLS-inspecting proxy that re-signs the connection breaks it even though the machine trusts the proxy's CA.",
              evidence: [Evidence(file: nil, key: "\(observed.host):\(observed.port) certificate root", value: root)], rootSubject: root,
              fix: Fix(description: "Exempt the Windows Update hosts from TLS inspection (bypass list on the proxy or firewall)."))
    }

    static func agrees(_ observed: HandshakeOutcome, _ predicted: SimulatedHandshake) -> Bool {
        guard observed.handshakeCompleted == predicted.succeeded else { return false }
        guard predicted.succeeded else { return true }
        return observed.negotiated.version == predicted.version && observed.negotiated.cipherCode == predicted.suite?.code
    }

    static func summary(_ s: SimulatedHandshake) -> HostDiagnosis.Negotiation? {
        guard s.version != nil else { return nil }
        return .init(tlsProtocol: s.version?.rawValue, cipher: s.suite?.iana, group: s.group)
    }

    /// The subject of the root the chain ends at (the last certificate's issuer, unless it is
    /// self-signed); nil when the chain is incomplete (OpenSSL found no issuer for the last
    /// certificate sent, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)): that issuer may be an
    /// intermediate the server did not send, not a root.
    static func rootSubject(_ report: CertificateReport?) -> String? {
        guard let report, let last = report.chain.last else { return nil }
        if last.isSelfSigned { return last.subject }
        if report.verifyCode == 2 || report.verifyCode == 20 { return nil }
        return last.issuer
    }

    // MARK: Configuration causes

    /// Explains a failing simulation one cause at a time: each cause's fix is applied to a copy of
    /// the registry, the configuration evaluated and simulated again, until it succeeds (at most 5 rounds).
    public static func explainConfiguration(config: WindowsTLSConfig, server: ServerProfile) -> (causes: [Cause], fixVerified: Bool) {
        var snapshot = config.registry
        var current = config
        var causes: [Cause] = []
        for _ in 0..<5 {
            let client = ClientProfile(config: current)
            let sim = NegotiationSimulator.simulate(client: client, server: server)
            if sim.succeeded { break }
            guard var cause = explain(current, client: client, server: server, simulated: sim) else {
                causes.append(Cause(code: .tlsAborted, summary: "the simulated handshake fails (\(sim.failure?.rawValue ?? "?")) for a reason tlsfit cannot pin on a setting",
                                    explanation: "The server accepts \(server.acceptedVersions.map(\.rawValue).joined(separator: ", ")) with its own suites; nothing in this configuration explains the failure.",
                                    evidence: []))
                break
            }
            guard var fix = cause.fix, !fix.changes.isEmpty else { causes.append(cause); break }
            apply(fix.changes, to: &snapshot)
            current = WindowsTLSConfig.evaluate(registry: snapshot, release: config.release, releaseAssumed: config.releaseAssumed, suggestNames: false)
            fix.verified = NegotiationSimulator.simulate(client: ClientProfile(config: current), server: server).succeeded
            cause.fix = fix
            causes.append(cause)
            if fix.verified { break }
        }
        return (causes, causes.last?.fix?.verified ?? false)
    }

    /// Applies fix changes to a registry, as `regedit /s fix.reg` would.
    public static func apply(_ changes: [RegFileWriter.Change], to snapshot: inout RegistrySnapshot) {
        for change in changes {
            snapshot.apply(RegistryOperation(key: change.key, action: change.action,
                                             provenance: Provenance(file: "(proposed fix)", key: change.key, value: "\(change.action)"),
                                             format: .regedit))
        }
    }

    static func explain(_ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, simulated: SimulatedHandshake) -> Cause? {
        switch simulated.failure {
        case .noClientProtocol, .noCommonProtocol:
            return protocolCause(c, client: client, server: server)
        case .noSharedCipher:
            return suiteCause(c, client: client, server: server, version: simulated.version ?? .tls12)
        case .noSharedGroup:
            return groupCause(c, client: client, server: server, version: simulated.version ?? .tls12)
        case nil:
            return nil
        }
    }
}
