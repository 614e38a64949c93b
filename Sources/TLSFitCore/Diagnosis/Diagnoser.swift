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
    ///   - direct: through a proxy, the same handshake made directly, for comparison; nil when not tried.
    ///   - pinned: the host is one of the update service hosts whose chain Windows Update pins: TLS
    ///     inspection there is fixed only by an exemption, never by trusting another root.
    public static func diagnose(
        host: String, port: Int, config: WindowsTLSConfig, server: ServerProfile?,
        observed: HandshakeOutcome?, requiredRootSubject: String? = nil,
        direct: HandshakeOutcome? = nil, pinned: Bool = false
    ) -> HostDiagnosis {
        let client = ClientProfile(config: config)
        var warnings: [String] = []
        let server = usableServer(server, host: host, port: port, warnings: &warnings)
        let predicted = server.map { NegotiationSimulator.simulate(client: client, server: $0) }
        var result = HostDiagnosis(
            host: host, port: port, address: observed?.address, serverProfileSource: server?.source, outcome: .fails,
            negotiated: nil, predicted: predicted.flatMap(summary), predictedFailure: predicted?.failure?.rawValue,
            agrees: nil, observedFailure: nil, certificateRoot: nil, causes: [], fixVerified: nil,
            fixConfirmedOnWire: nil)

        record(observed, predicted: predicted, direct: direct, into: &result)

        // Did it work?
        if let observed {
            explainObserved(
                observed, config: config, server: server, predicted: predicted,
                requiredRootSubject: requiredRootSubject, direct: direct, pinned: pinned, into: &result)
        } else if let predicted, let server {
            if predicted.succeeded {
                result.outcome = .ok
            } else {
                (result.causes, result.fixVerified) = explainConfiguration(config: config, server: server)
            }
        } else {
            result.causes = [
                Cause(
                    code: .tlsAborted,
                    summary: "no usable server profile and no handshake: what \(host) accepts is unknown",
                    explanation:
                        "tlsfit had neither a usable measurement of \(host) nor a live handshake with it, so it cannot say whether this client can reach it.",
                    evidence: [])
            ]
        }
        result.warnings = warnings
        if result.fixVerified == nil, !result.causes.isEmpty,
            result.causes.contains(where: { $0.fix?.changes.isEmpty == false })
        {
            result.fixVerified = result.causes.last?.fix?.verified ?? false
        }
        // A client with nothing to offer fails before any ClientHello: the configuration causes
        // then show as a secure failure, not as an aborted connection.
        if client.protocols.isEmpty {
            result.causes = result.causes.map { $0.sentNoClientHello() }
        }
        // Two vantage points, never mixed: the simulation's verdict on the configuration, and what
        // this machine measured. A real handshake that completed with the server itself (no proxy
        // in between) confirms the configuration works, whatever the profile predicted.
        var configurationOutcome: ConfigurationOutcome =
            server == nil ? .unknown : (predicted?.succeeded == true ? .ok : .fails)
        if let observed, observed.failure == nil, Self.serverItselfAnswered(observed, causes: result.causes) {
            configurationOutcome = .ok
        }
        result.recordMeasurement(observed)
        result.separateVantages(configurationOutcome: configurationOutcome)
        return result
    }

    /// The server profile to diagnose with: renamed to the host diagnosed, or nil (with a warning)
    /// when it holds no accepted protocol.
    private static func usableServer(
        _ server: ServerProfile?, host: String, port: Int, warnings: inout [String]
    ) -> ServerProfile? {
        // A saved profile with no accepted protocol (the host was unreachable when it was saved)
        // says nothing about the server: unknown, not "accepts nothing".
        var server = server
        // A built-in or shared profile stands for this host: name the host diagnosed in the text.
        if var s = server, s.host != host {
            s.host = host
            s.port = port
            server = s
        }
        if let s = server, s.acceptedVersions.isEmpty {
            warnings.append(
                "the server profile of \(s.host):\(s.port) (\(s.source)) holds no accepted protocol: the host was probably unreachable when it was measured, so what it accepts is unknown; measure it again with `tlsfit scan --save`"
            )
            server = nil
        }
        return server
    }

    /// The causes of a real handshake: its failure, an unexpected root, or none; then the
    /// configuration's own verdict when the wire did not speak for the server.
    private static func explainObserved(
        _ observed: HandshakeOutcome, config: WindowsTLSConfig, server: ServerProfile?,
        predicted: SimulatedHandshake?, requiredRootSubject: String?, direct: HandshakeOutcome?, pinned: Bool,
        into result: inout HostDiagnosis
    ) {
        if let failure = observed.failure {
            result.causes =
                proxyCauses(for: failure, observed: observed, direct: direct, pinned: pinned)
                ?? causes(
                    for: failure, observed: observed, config: config, server: server, predicted: predicted,
                    pinned: pinned)
        } else if let required = requiredRootSubject, let root = result.certificateRoot,
            !root.lowercased().contains(required.lowercased())
        {
            result.causes = [
                observed.proxy != nil
                    ? proxyInspectionCause(observed, root: root, direct: direct, pinned: pinned)
                    : inspectionCause(observed, root: root, required: required)
            ]
        } else {
            result.outcome = .ok
        }
        // Not reached from here, or reached only through a proxy that stood in for the server: the
        // configuration's own verdict (the export against the host's profile) still holds on the
        // Windows machine's network. It comes first.
        if !Self.serverItselfAnswered(observed, causes: result.causes), let predicted, let server,
            !predicted.succeeded, !result.causes.contains(where: { $0.vantage == .configuration })
        {
            let (configCauses, verified) = explainConfiguration(config: config, server: server)
            result.causes = configCauses + result.causes
            result.fixVerified = verified
            result.outcome = .fails
        }
    }

    /// What the real handshake negotiated or where it failed, whether the prediction agrees, the root and the path.
    static func record(
        _ observed: HandshakeOutcome?, predicted: SimulatedHandshake?, direct: HandshakeOutcome?,
        into result: inout HostDiagnosis
    ) {
        if let observed {
            if observed.negotiated.version != nil {
                let code = observed.negotiated.cipherCode
                let iana = code.flatMap { Catalog.shared.suite(code: $0)?.iana } ?? observed.negotiated.cipherIANAName
                result.negotiated = .init(
                    tlsProtocol: observed.negotiated.version?.rawValue, cipher: iana, group: observed.negotiated.group)
            }
            if let f = observed.failure {
                result.observedFailure = .init(
                    stage: f.stage, kind: f.kind, alert: f.alert?.description,
                    detail: f.detail, windowsError: f.windowsError)
            }
            if let predicted, observed.failure?.stage != .dns, observed.failure?.stage != .tcp,
                observed.failure?.stage != .proxy,
                observed.failure?.kind != .timeout
            {
                result.agrees = agrees(observed, predicted)
            }
            result.certificateRoot = rootSubject(observed.certificate)
            recordPath(observed, direct: direct, into: &result)
        }
    }

    // MARK: Observed failures

    static func causes(
        for failure: HandshakeFailure, observed: HandshakeOutcome, config: WindowsTLSConfig,
        server: ServerProfile?, predicted: SimulatedHandshake?, pinned: Bool = false
    ) -> [Cause] {
        let target = "\(observed.host):\(observed.port)"
        let seen = Evidence(
            file: nil, key: target + (observed.address.map { " (\($0))" } ?? ""),
            value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
        switch (failure.stage, failure.kind) {
        case (.dns, _):
            return [dnsCause(observed, seen: seen)]
        case (.tcp, .timeout):
            return [tcpTimeoutCause(observed, seen: seen)]
        case (_, .timeout) where observed.negotiated.version == nil:
            return [heldHandshakeCause(observed, seen: seen)]
        case (.tcp, _):
            return [tcpBlockedCause(observed, failure, seen: seen)]
        case (.certificate, .notConfirmed):
            // No chain was received and verified: nothing proves the host is Microsoft's, so no OK.
            return [unconfirmedCertificateCause(observed, failure, seen: seen)]
        case (.certificate, _):
            return [untrustedCertificateCause(observed, failure, seen: seen, pinned: pinned)]
        default:
            return handshakeCauses(observed, failure, config: config, server: server, predicted: predicted)
        }
    }

    /// The host name does not resolve from the machine running tlsfit.
    private static func dnsCause(_ observed: HandshakeOutcome, seen: Evidence) -> Cause {
        Cause(
            code: .dns, summary: "\(observed.host) does not resolve from the machine running tlsfit",
            explanation:
                "The name \(observed.host) could not be resolved from the machine that ran tlsfit, so the connection never got to TLS. This is measured here, not on the Windows machine: if that machine uses the same DNS servers, expect the same result there. Check the DNS servers and any split-horizon or filtering DNS it uses.",
            evidence: [seen],
            fix: Fix(
                description:
                    "Make \(observed.host) resolvable from the Windows machine (DNS forwarders, filtering policy, hosts file)."
            ))
    }

    /// The TCP connection got no answer before the timeout.
    private static func tcpTimeoutCause(_ observed: HandshakeOutcome, seen: Evidence) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        return Cause(
            code: .timeout,
            summary:
                "the TCP connection to \(target) got no answer in time (measured from the machine running tlsfit)",
            explanation:
                "From the machine that ran tlsfit, the TCP connection to \(target) was not answered before the timeout. A firewall that drops packets, a proxy that is required but not configured, or a route that goes nowhere shows this way. This is measured here, not on the Windows machine: if that machine takes the same network path, expect the same failure there.",
            evidence: [seen],
            fix: Fix(
                description:
                    "Allow outgoing TCP \(observed.port) to \(observed.host), or configure the proxy for WinHTTP (netsh winhttp set proxy)."
            ))
    }

    /// The TCP connection was accepted but the ClientHello got no answer before the timeout.
    private static func heldHandshakeCause(_ observed: HandshakeOutcome, seen: Evidence) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        return Cause(
            code: .timeout,
            summary: "\(target) accepted the TCP connection but did not answer the ClientHello in time",
            explanation:
                "From the machine that ran tlsfit, the TCP connection to \(target) was accepted, so no firewall refuses the port, but no TLS answer came before the timeout. Something that accepts the connection holds the handshake: an intrusion prevention system or TLS-inspecting firewall that stalls on this ClientHello, a transparent proxy, or an overloaded server. This is measured here, not on the Windows machine: if that machine takes the same network path, expect the same failure there.",
            evidence: [seen],
            fix: Fix(
                description:
                    "Find what accepts the connection to \(target) and holds the handshake (IPS, TLS inspection, transparent proxy); compare with a handshake from another network. Opening the port will not help: it is open."
            ))
    }

    /// The TCP connection was refused or blocked.
    private static func tcpBlockedCause(_ observed: HandshakeOutcome, _ failure: HandshakeFailure, seen: Evidence)
        -> Cause
    {
        let target = "\(observed.host):\(observed.port)"
        return Cause(
            code: .tcpBlocked,
            summary:
                "the TCP connection to \(target) is refused or blocked (measured from the machine running tlsfit)",
            explanation:
                "From the machine that ran tlsfit, the TCP connection to \(target) could not be made (\(failure.detail)). A firewall, a proxy or a closed port is in the way; TLS settings play no part yet. This is measured here, not on the Windows machine: if that machine takes the same network path, expect the same failure there.",
            evidence: [seen],
            fix: Fix(
                description:
                    "Allow outgoing TCP \(observed.port) to \(observed.host) in the firewall, or configure the proxy for WinHTTP (netsh winhttp set proxy)."
            ))
    }

    /// A protocol and suite were chosen, but no certificate chain was received and verified.
    private static func unconfirmedCertificateCause(
        _ observed: HandshakeOutcome, _ failure: HandshakeFailure, seen: Evidence
    ) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        return Cause(
            code: .certificateUntrusted,
            summary: "the certificate of \(target) was not confirmed: no chain was received and verified",
            explanation:
                "The server chose a protocol and suite from the exact ClientHello, but no certificate chain was received and verified (\(failure.detail)). A ServerHello alone proves nothing: a proxy or device in the path can forge one. Windows would abort the connection without a certificate, so tlsfit does not call this host OK.",
            evidence: [seen],
            fix: Fix(
                description:
                    "Find what answers \(target) without a certificate (a proxy, firewall or device in the path); compare with a handshake from another network."
            ))
    }

    /// The certificate chain failed verification: TLS inspection, or a root the machine lacks.
    private static func untrustedCertificateCause(
        _ observed: HandshakeOutcome, _ failure: HandshakeFailure, seen: Evidence, pinned: Bool
    ) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        let root =
            rootSubject(observed.certificate)
            ?? observed.certificate?.chain.last.map {
                "unknown: the chain stops at a certificate issued by \"\($0.issuer)\", which was not sent and is not trusted here (an intermediate or a root)"
            }
            ?? "unknown"
        // A pinned update host accepts only Microsoft's chain: one fix, the exemption. Elsewhere
        // trusting the inspection root is a valid fix too.
        let why =
            pinned
            ? "If that is not Microsoft's root, something between this machine and Windows Update re-signs the connection (TLS inspection). Windows Update pins \(observed.host) to Microsoft's own update chain, so no other root can work there, even one the machine trusts: the host must be exempted from inspection."
            : "If that is not the server's own CA, something between this machine and the server re-signs the connection (TLS inspection), or the machine lacks the root the chain needs."
        return Cause(
            code: .certificateUntrusted,
            summary: "the certificate of \(target) is not trusted (\(failure.kind.rawValue))",
            explanation:
                "The handshake completed, but the certificate chain failed verification: \(failure.detail). The chain ends at \"\(root)\". "
                + why,
            evidence: [seen, Evidence(file: nil, key: "\(target) certificate root", value: root)],
            rootSubject: rootSubject(observed.certificate),
            fix: Fix(
                description: pinned
                    ? "Exempt \(observed.host) (and the other Windows Update hosts: *.update.microsoft.com, *.delivery.mp.microsoft.com, *.prod.do.dsp.mp.microsoft.com) from TLS inspection on the proxy or firewall. Do not import or trust another root for it: the update client accepts only Microsoft's chain."
                    : "Exempt \(observed.host) from TLS inspection on the proxy or firewall, or make the machine trust the root the chain ends at (the inspection CA, deployed through Group Policy) if inspecting it is intended."
            ))
    }

    /// A TLS failure explained by the configuration against the server's profile, or an aborted handshake.
    private static func handshakeCauses(
        _ observed: HandshakeOutcome, _ failure: HandshakeFailure, config: WindowsTLSConfig,
        server: ServerProfile?, predicted: SimulatedHandshake?
    ) -> [Cause] {
        guard let server, let predicted else {
            return [
                abortedCause(observed, failure, detail: "No measurement of the server was available to explain it.")
            ]
        }
        if predicted.succeeded {
            return [
                abortedCause(
                    observed, failure,
                    detail:
                        "The simulation predicted success (\(predicted.version?.rawValue ?? "?") \(predicted.suite?.iana ?? "?")), so the server rejects something tlsfit does not model; compare the server profile with a fresh scan."
                )
            ]
        }
        return explainConfiguration(config: config, server: server).causes
    }

    /// The real handshake was with the server itself: no proxy in between, the host was reached, and
    /// no other chain (TLS inspection) stood in for the server's. Only then does the wire speak for the
    /// configuration; otherwise the configuration's verdict comes from the server's profile.
    static func serverItselfAnswered(_ observed: HandshakeOutcome, causes: [Cause]) -> Bool {
        observed.proxy == nil && !HostDiagnosis.unreached(observed)
            && !causes.contains { $0.code == .certificateUntrusted }
    }

    static func abortedCause(_ observed: HandshakeOutcome, _ failure: HandshakeFailure, detail: String) -> Cause {
        Cause(
            code: .tlsAborted,
            summary:
                "\(observed.host):\(observed.port) aborted the TLS handshake (\(failure.kind.rawValue)\(failure.alert.map { ", \($0)" } ?? ""))",
            explanation: "The server ended the handshake: \(failure.detail). \(detail)",
            evidence: [Evidence(file: nil, key: "\(observed.host):\(observed.port)", value: failure.detail)])
    }

    static func inspectionCause(_ observed: HandshakeOutcome, root: String, required: String) -> Cause {
        Cause(
            code: .certificateUntrusted,
            summary: "the chain of \(observed.host) ends at \"\(root)\", not a \(required) root",
            explanation:
                "The certificate verified against the trust store, but its chain ends at \"\(root)\". Windows Update accepts only Microsoft's own roots for its service, so a TLS-inspecting proxy that re-signs the connection breaks it even though the machine trusts the proxy's CA.",
            evidence: [Evidence(file: nil, key: "\(observed.host):\(observed.port) certificate root", value: root)],
            rootSubject: root,
            fix: Fix(
                description:
                    "Exempt the Windows Update hosts from TLS inspection (bypass list on the proxy or firewall)."))
    }

    static func agrees(_ observed: HandshakeOutcome, _ predicted: SimulatedHandshake) -> Bool {
        guard observed.handshakeCompleted == predicted.succeeded else { return false }
        guard predicted.succeeded else { return true }
        return observed.negotiated.version == predicted.version
            && observed.negotiated.cipherCode == predicted.suite?.code
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
    public static func explainConfiguration(config: WindowsTLSConfig, server: ServerProfile) -> (
        causes: [Cause], fixVerified: Bool
    ) {
        var snapshot = config.registry
        var current = config
        var causes: [Cause] = []
        for _ in 0..<5 {
            let client = ClientProfile(config: current)
            let sim = NegotiationSimulator.simulate(client: client, server: server)
            if sim.succeeded { break }
            guard var cause = explain(current, client: client, server: server, simulated: sim) else {
                causes.append(
                    Cause(
                        code: .tlsAborted,
                        summary:
                            "the simulated handshake fails (\(sim.failure?.rawValue ?? "?")) for a reason tlsfit cannot pin on a setting",
                        explanation:
                            "The server accepts \(server.acceptedVersions.map(\.rawValue).joined(separator: ", ")) with its own suites; nothing in this configuration explains the failure.",
                        evidence: []))
                break
            }
            guard var fix = cause.fix, !fix.changes.isEmpty else {
                causes.append(cause)
                break
            }
            apply(fix.changes, to: &snapshot)
            current = WindowsTLSConfig.evaluate(
                registry: snapshot, release: config.release, releaseAssumed: config.releaseAssumed, suggestNames: false)
            current.stack = config.stack
            fix.verified =
                NegotiationSimulator.simulate(client: ClientProfile(config: current), server: server).succeeded
            cause.fix = fix
            causes.append(cause)
            if fix.verified { break }
        }
        return (causes, causes.last?.fix?.verified ?? false)
    }

    /// Applies fix changes to a registry, as `regedit /s fix.reg` would.
    public static func apply(_ changes: [RegFileWriter.Change], to snapshot: inout RegistrySnapshot) {
        for change in changes {
            snapshot.apply(
                RegistryOperation(
                    key: change.key, action: change.action,
                    provenance: Provenance(file: "(proposed fix)", key: change.key, value: "\(change.action)"),
                    format: .regedit))
        }
    }

    static func explain(
        _ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, simulated: SimulatedHandshake
    ) -> Cause? {
        switch simulated.failure {
        case .noClientProtocol, .noCommonProtocol:
            if c.stack == .dotNetFramework, let cause = dotNetCause(c, server: server) { return cause }
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
