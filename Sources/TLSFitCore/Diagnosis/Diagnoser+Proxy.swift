/// The causes a proxy in the path adds: it refuses the tunnel, cannot be reached, wants
/// authentication, inspects TLS, or ends the tunnel after the ClientHello; and a machine whose
/// WinHTTP has no proxy on a network that needs one.
extension Diagnoser {
    static func recordPath(_ observed: HandshakeOutcome, direct: HandshakeOutcome?, into result: inout HostDiagnosis) {
        result.path = observed.path
        result.proxy = observed.proxy
        // Through an inspecting proxy the handshake is with the proxy, not the server: nothing to compare with the prediction.
        if observed.proxy != nil,
            observed.failure?.stage == .certificate
                || (direct != nil && rootSubject(direct?.certificate) != rootSubject(observed.certificate))
        {
            result.agrees = nil
        }
        if let direct {
            result.directOutcome = direct.succeeded ? .ok : .fails
            result.directFailure = direct.failure.map {
                .init(
                    stage: $0.stage, kind: $0.kind, alert: $0.alert?.description, detail: $0.detail,
                    windowsError: $0.windowsError)
            }
        }
    }

    /// The host of a `CONNECT host:port HTTP/1.1` request line (IPv6 literals without brackets).
    public static func requestedHost(_ request: String) -> String? {
        let parts = request.split(separator: " ")
        guard parts.count >= 2, parts[0] == "CONNECT" else { return nil }
        return (try? HostPort(parsing: String(parts[1])))?.host
    }

    static let pinningNote =
        "Windows Update pins its service connections to Microsoft's own intermediates (Microsoft Update Secure Server CA 2.1, Microsoft ECC Update Secure Server CA 2.1), so making the machine trust the proxy's CA does not help"

    /// The causes of a failure the proxy explains; nil when the proxy plays no part.
    static func proxyCauses(
        for failure: HandshakeFailure, observed: HandshakeOutcome, direct: HandshakeOutcome?, pinned: Bool = false
    ) -> [Cause]? {
        guard let exchange = observed.proxy else {
            // The proxy itself could not be reached (no exchange took place): a proxy cause, never a TLS one.
            guard failure.stage == .proxy else { return nil }
            return [unreachableProxyCause(observed, failure)]
        }
        // A plain HTTP request through the proxy (`GET http://...`) is not a tunnel.
        let plain = exchange.request.hasPrefix("GET ")
        let what = plain ? "the request for" : "the tunnel to"
        let target = "\(observed.host):\(observed.port)"
        let seen = Evidence(
            file: nil, key: "\(target) through \(exchange.proxy)",
            value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
        let body = exchange.bodyFirstLine.flatMap { exchange.statusLine?.hasSuffix($0) == true ? nil : $0 }
        let answer =
            exchange.statusLine.map {
                [
                    Evidence(
                        file: nil, key: "\(exchange.proxy) answer to \(exchange.request)",
                        value: $0 + (body.map { " / \($0)" } ?? ""))
                ]
            } ?? []
        let comparison = directSentence(direct, target: target)
        switch (failure.stage, failure.kind) {
        case (.proxy, .proxyForbidden):
            return [
                forbiddenCause(
                    exchange, target: target, what: what, plain: plain, body: body, seen: seen, answer: answer,
                    comparison: comparison)
            ]
        case (.proxy, .proxyAuthRequired):
            return [proxyAuthCause(exchange, seen: seen, answer: answer, comparison: comparison)]
        case (.proxy, .proxyNameNotResolved):
            return [
                proxyNameCause(
                    exchange, observed: observed, body: body, seen: seen, answer: answer, comparison: comparison)
            ]
        case (.proxy, .proxyUpstreamError):
            return [
                upstreamCause(
                    exchange, observed: observed, body: body, seen: seen, answer: answer, comparison: comparison)
            ]
        case (.proxy, _):
            return [unansweredProxyCause(exchange, failure, seen: seen)]
        case (.certificate, _):
            let root = rootSubject(observed.certificate) ?? "unknown"
            return [proxyInspectionCause(observed, root: root, direct: direct, failure: failure, pinned: pinned)]
        case (.tls, .reset), (.tls, .unexpectedClose), (.tls, .timeout):
            return tunnelAbortedCause(
                exchange, observed: observed, direct: direct, failure: failure, plain: plain, seen: seen, answer: answer
            )
        default:
            return nil
        }
    }

    /// The proxy itself could not be reached: no exchange took place.
    private static func unreachableProxyCause(_ observed: HandshakeOutcome, _ failure: HandshakeFailure) -> Cause {
        let proxy = observed.path
        var cause = Cause(
            code: .proxyUnreachable, summary: "the proxy \(proxy) cannot be reached (\(failure.kind.rawValue))",
            explanation:
                "tlsfit could not get an answer from the proxy itself: \(failure.detail). Every host behind it fails the same way, with or without TLS; Windows Update shows \(failure.windowsError). This is measured from the machine running tlsfit.",
            evidence: [
                Evidence(
                    file: nil, key: "\(observed.host):\(observed.port) through \(proxy)",
                    value: "\(failure.stage.rawValue)/\(failure.kind.rawValue): \(failure.detail)")
            ],
            fix: Fix(
                description:
                    "Check the proxy address and port in WinHTTP's setting (netsh winhttp show proxy), and that the machine may reach the proxy (firewall)."
            ))
        cause.windowsError = failure.windowsError
        return cause
    }

    /// The proxy refuses the tunnel or request (its policy or allow-list).
    private static func forbiddenCause(
        _ exchange: ProxyExchange, target: String, what: String, plain: Bool, body: String?, seen: Evidence,
        answer: [Evidence], comparison: String
    ) -> Cause {
        var cause = Cause(
            code: .proxyBlocked,
            summary:
                "the proxy \(exchange.proxy) refuses \(what) \(target) (\(exchange.statusLine ?? "HTTP \(exchange.status ?? 0)"))",
            explanation:
                "The proxy answered \(exchange.request) with \(exchange.statusLine ?? "a refusal")\(body.map { " (\"\($0)\")" } ?? ""): its policy or allow-list does not let this host through. The Windows Update agent sees the proxy's HTTP status, \(WindowsErrorMapping.code(forHTTPStatus: exchange.status ?? 403) ?? WindowsErrorMapping.httpForbidden) (WU_E_PT_HTTP_STATUS_*), not a TLS error; \(plain ? "this host is plain HTTP, so TLS settings play no part at all" : "TLS settings play no part yet").\(comparison)",
            evidence: [seen] + answer,
            fix: Fix(
                description:
                    "Add the Windows Update hosts to the proxy's allow-list (ports 443 and 80: *.update.microsoft.com, *.windowsupdate.com, *.delivery.mp.microsoft.com...), or send them past the proxy (netsh winhttp set proxy ... bypass-list=...)."
            ))
        if let status = exchange.status, let code = WindowsErrorMapping.code(forHTTPStatus: status) {
            cause.windowsError = code
        }
        return cause
    }

    /// The proxy cannot resolve the name it was asked for.
    private static func proxyNameCause(
        _ exchange: ProxyExchange, observed: HandshakeOutcome, body: String?, seen: Evidence, answer: [Evidence],
        comparison: String
    ) -> Cause {
        // The name the proxy was asked for (the CONNECT target), which --resolve may have changed.
        let name = requestedHost(exchange.request) ?? observed.host
        var cause = Cause(
            code: .proxyNameNotResolved,
            summary: "the proxy \(exchange.proxy) cannot resolve \(name) (\(exchange.statusLine ?? "5xx"))",
            explanation:
                "The proxy accepted \(exchange.request) but could not resolve \(name) itself\(body.map { " (\"\($0)\")" } ?? ""): the name is looked up by the proxy, not by the machine, so the machine's DNS plays no part. Windows Update shows \(CauseCode.proxyNameNotResolved.windowsError) (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED).\(comparison)",
            evidence: [seen] + answer,
            fix: Fix(
                description:
                    "Let the proxy resolve \(name): its DNS servers must answer for the Windows Update names (and a DNS filter on the proxy's side must not drop them)."
            ))
        cause.windowsError = CauseCode.proxyNameNotResolved.windowsError
        return cause
    }

    /// The proxy accepted the request but cannot open the connection itself.
    private static func upstreamCause(
        _ exchange: ProxyExchange, observed: HandshakeOutcome, body: String?, seen: Evidence, answer: [Evidence],
        comparison: String
    ) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        var cause = Cause(
            code: .tcpBlocked,
            summary: "the proxy \(exchange.proxy) cannot reach \(target) (\(exchange.statusLine ?? "5xx"))",
            explanation:
                "The proxy accepted the request but could not open the connection itself: \(exchange.statusLine ?? "")\(body.map { " (\"\($0)\")" } ?? ""). A name the proxy cannot resolve, or a firewall behind the proxy, shows this way; Windows Update reports the proxy's HTTP status.\(comparison)",
            evidence: [seen] + answer,
            fix: Fix(
                description:
                    "Let the proxy resolve and reach \(observed.host) on port \(observed.port) (its DNS and its own outgoing firewall rules)."
            ))
        if let status = exchange.status, let code = WindowsErrorMapping.code(forHTTPStatus: status) {
            cause.windowsError = code
        }
        return cause
    }

    /// The proxy named in the exchange gave no answer.
    private static func unansweredProxyCause(
        _ exchange: ProxyExchange, _ failure: HandshakeFailure, seen: Evidence
    ) -> Cause {
        var cause = Cause(
            code: .proxyUnreachable,
            summary: "the proxy \(exchange.proxy) cannot be reached (\(failure.kind.rawValue))",
            explanation:
                "tlsfit could not get an answer from the proxy itself: \(failure.detail). Every host behind it fails the same way; Windows Update shows \(failure.windowsError).",
            evidence: [seen],
            fix: Fix(
                description:
                    "Check the proxy address and port in WinHTTP's setting (netsh winhttp show proxy), and that the machine may reach the proxy (firewall)."
            ))
        cause.windowsError = failure.windowsError
        return cause
    }

    /// The proxy asks for authentication (407): which schemes, and why the update agent cannot answer them.
    static func proxyAuthCause(_ exchange: ProxyExchange, seen: Evidence, answer: [Evidence], comparison: String)
        -> Cause
    {
        let schemes = exchange.authenticateSchemes
        let onlyIntegrated =
            !schemes.isEmpty && schemes.allSatisfy { ["ntlm", "negotiate", "kerberos"].contains($0.lowercased()) }
        let words =
            schemes.isEmpty
            ? "without a Proxy-Authenticate header" : "with Proxy-Authenticate: \(schemes.joined(separator: ", "))"
        let why =
            onlyIntegrated
            ? "It accepts only Windows integrated authentication (\(schemes.joined(separator: ", "))): the update agent runs as Local System and can authenticate only as the computer account, and only if the proxy accepts that account; tlsfit does not fake that authentication, so it cannot tell whether the computer account would pass."
            : exchange.credentialsSent
                ? "The Basic credentials given were refused. The update agent has no user credentials to offer in any case."
                : "The update agent runs as Local System and has no user credentials to offer."
        var cause = Cause(
            code: .proxyAuth,
            summary:
                "the proxy \(exchange.proxy) asks for authentication (407, \(schemes.isEmpty ? "no scheme named" : schemes.joined(separator: ", ")))",
            explanation:
                "The proxy answered \(exchange.request) with \(exchange.statusLine ?? "407") \(words). \(why) Windows Update shows \(exchange.status == 401 ? "0x80244017 (WU_E_PT_HTTP_STATUS_DENIED)" : "0x8024401B (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ)").\(comparison)",
            evidence: [seen] + answer,
            fix: Fix(
                description:
                    "Let the Windows Update hosts through the proxy without authentication (an exemption by destination), or allow the computer accounts (DOMAIN\\COMPUTER$) where the proxy supports Negotiate/NTLM."
            ))
        if let status = exchange.status, status != 407, let code = WindowsErrorMapping.code(forHTTPStatus: status) {
            cause.windowsError = code
        }
        return cause
    }

    /// The tunnel opened, then the connection ended after the ClientHello: the proxy's TLS policy, or the server's.
    static func tunnelAbortedCause(
        _ exchange: ProxyExchange, observed: HandshakeOutcome, direct: HandshakeOutcome?,
        failure: HandshakeFailure, plain: Bool, seen: Evidence, answer: [Evidence]
    ) -> [Cause]? {
        guard observed.negotiated.version == nil, !plain else { return nil }
        // The same ClientHello, direct: if the server refuses it too, the configuration explains it.
        if let direct, direct.failure?.stage == .tls, direct.negotiated.version == nil { return nil }
        let verdict: String
        if let direct, direct.handshakeCompleted {
            verdict =
                "Directly, the same ClientHello completes the handshake, so this is the proxy's own TLS policy (a filter on the ClientHello, or inspection that refuses the offer), not the server's."
        } else if direct == nil {
            verdict =
                "tlsfit could not compare with a direct connection, so the proxy's TLS policy and the server's cannot be told apart here; repeat with --no-proxy from a network that allows it."
        } else {
            verdict =
                "A direct connection could not be made to compare (\(direct?.failure?.detail ?? "?")), so the proxy's TLS policy and the server's cannot be told apart here."
        }
        return [
            Cause(
                code: .tlsAborted,
                summary: "the tunnel through \(exchange.proxy) ends after the ClientHello (\(failure.kind.rawValue))",
                explanation:
                    "The proxy opened the tunnel (\(exchange.statusLine ?? "200")), then the connection ended after the ClientHello without a ServerHello: \(failure.detail). \(verdict) Windows Update shows \(failure.windowsError).",
                evidence: [seen] + answer,
                fix: Fix(
                    description:
                        "Exempt the Windows Update hosts from the proxy's TLS inspection and TLS filtering (bypass by destination)."
                ))
        ]
    }

    /// The proxy re-signs the connection: name its CA and say why trusting it does not help.
    static func proxyInspectionCause(
        _ observed: HandshakeOutcome, root: String, direct: HandshakeOutcome?, failure: HandshakeFailure? = nil,
        pinned: Bool = true
    ) -> Cause {
        let target = "\(observed.host):\(observed.port)"
        let proxy = observed.proxy?.proxy ?? observed.path
        let directRoot = rootSubject(direct?.certificate)
        var comparison = ""
        if let directRoot, directRoot != root {
            comparison = " Directly, the chain ends at \"\(directRoot)\": the proxy replaces the server's certificate."
        } else if direct?.succeeded == true {
            comparison = " Directly, the certificate verifies."
        }
        var evidence = [Evidence(file: nil, key: "\(target) certificate root through \(proxy)", value: root)]
        if let issuer = observed.certificate?.chain.first?.issuer {
            evidence.append(Evidence(file: nil, key: "\(target) leaf issuer through \(proxy)", value: issuer))
        }
        if let directRoot {
            evidence.append(Evidence(file: nil, key: "\(target) certificate root, direct", value: directRoot))
        }
        return Cause(
            code: .certificateUntrusted,
            summary: "the proxy \(proxy) inspects TLS: the chain of \(observed.host) ends at its CA \"\(root)\"",
            explanation:
                "Through \(proxy) the server's certificate is re-signed by \"\(root)\"\(failure.map { " and fails verification (\($0.detail))" } ?? ""): the proxy inspects TLS.\(comparison) "
                + (pinned
                    ? "\(pinningNote): the update hosts must be exempted from inspection. Windows Update shows 0x80072F8F."
                    : "The machine does not trust the proxy's CA, so the handshake fails with 0x80072F8F."),
            evidence: evidence, rootSubject: root,
            fix: Fix(
                description: pinned
                    ? "Exempt the Windows Update hosts from TLS inspection on \(proxy) (*.update.microsoft.com, *.delivery.mp.microsoft.com, *.prod.do.dsp.mp.microsoft.com). Do not import or trust the proxy's CA for them: the update client accepts only Microsoft's chain."
                    : "Exempt \(observed.host) from TLS inspection on \(proxy), or, if inspecting it is intended, make the machine trust the proxy's CA \"\(root)\" (deployed through Group Policy)."
            ))
    }

    static func directSentence(_ direct: HandshakeOutcome?, target: String) -> String {
        guard let direct else { return "" }
        if direct.succeeded { return " Directly (without the proxy), \(target) answers and the handshake succeeds." }
        if let f = direct.failure { return " Directly, \(target) fails too (\(f.stage.rawValue)/\(f.kind.rawValue))." }
        return ""
    }

    /// WinHTTP goes direct, which fails at the network, while the proxy `via` gets through.
    public static func missingWinHTTPProxyCause(
        host: String, port: Int, directFailure: HandshakeFailure, via: HandshakeOutcome,
        winHTTPSource: Provenance?, userProxySource: Provenance?
    ) -> Cause {
        let proxy = via.proxy?.proxy ?? via.path
        var evidence = [
            winHTTPSource.map { Evidence($0) }
                ?? Evidence(
                    file: nil, key: MachineProxyConfiguration.connectionsKey,
                    value: "WinHttpSettings not set in the inputs: WinHTTP goes direct")
        ]
        evidence.append(
            Evidence(
                file: nil, key: "\(host):\(port) direct",
                value: "\(directFailure.stage.rawValue)/\(directFailure.kind.rawValue): \(directFailure.detail)"))
        evidence.append(
            Evidence(
                file: nil, key: "\(host):\(port) through \(proxy)",
                value: via.failure.map { "\($0.stage.rawValue)/\($0.kind.rawValue)" } ?? "handshake succeeded"))
        if let userProxySource { evidence.append(Evidence(userProxySource)) }
        if let rule = UpdateAgentProxyRule.rule("service") { evidence.append(rule.evidence) }
        var cause = Cause(
            code: .winHTTPProxyMissing, summary: "WinHTTP has no proxy, but \(host) is reachable only through \(proxy)",
            explanation:
                "The machine's WinHTTP setting is direct access, and a direct connection to \(host):\(port) fails (\(directFailure.kind.rawValue)), while through \(proxy) the connection gets through. The Windows Update agent runs as Local System and finds its proxy only in WinHTTP's setting or by WPAD; \(userProxySource != nil ? "the user's proxy in the export (Internet Options) is not used for the automatic scan, " : "")so it goes direct and fails with \(directFailure.windowsError).",
            evidence: evidence,
            fix: Fix(
                description:
                    "Give WinHTTP the proxy: netsh winhttp set proxy \(via.proxy.map { $0.proxy.replacing("http://", with: "") } ?? proxy) bypass-list=\"<local>\" (or netsh winhttp import proxy source=ie), or publish WPAD."
            ))
        cause.windowsError = directFailure.windowsError
        return cause
    }
}
