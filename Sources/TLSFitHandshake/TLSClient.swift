internal import COpenSSL
internal import COpenSSLShims
import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// A bad handshake request: something OpenSSL itself refuses (an unknown group name, a cipher
/// string that selects nothing). Found before any connection is made.
public struct HandshakeConfigurationError: Error, Sendable, CustomStringConvertible {
    public var option: String
    public var message: String
    public var description: String { "\(option): \(message)" }
}

/// Performs TLS handshakes with OpenSSL, one at a time per call, each ending by its deadline.
///
/// Every call is synchronous and self-contained: the `SSL*` lives and dies inside it, so calls
/// can run on any number of threads at once.
public enum TLSClient {
    /// True for an IPv4 or IPv6 address: OpenSSL sends no SNI for one (RFC 6066).
    public static func isIPAddress(_ host: String) -> Bool { TCPConnector.isNumericAddress(host) }

    /// Checks that OpenSSL accepts the request's lists, without connecting.
    public static func validate(_ request: HandshakeRequest) throws(HandshakeConfigurationError) {
        let ctx = try makeContext(request)
        SSL_CTX_free(ctx)
    }

    /// One handshake: DNS, TCP, TLS, certificate verification. Never throws; every failure is data.
    public static func handshake(_ request: HandshakeRequest) -> HandshakeOutcome {
        _ = ignoreSIGPIPE
        let started = Deadline.now
        let deadline = Deadline(seconds: request.timeout)
        // What is really sent: OpenSSL (as RFC 6066 requires) sends no SNI for an IP address.
        let sentSNI = request.sni.flatMap { TCPConnector.isNumericAddress($0) || $0.isEmpty ? nil : $0 }
        var outcome = HandshakeOutcome(
            host: request.host, port: request.port, address: nil, sni: sentSNI, negotiated: NegotiatedParameters(),
            certificate: nil, failure: nil, timings: HandshakeTimings(totalMs: 0))

        func finish(_ failure: HandshakeFailure?) -> HandshakeOutcome {
            outcome.failure = failure
            outcome.timings.totalMs = Deadline.millisecondsSince(started)
            return outcome
        }

        // DNS, TCP and, through a proxy, the CONNECT tunnel: a socket that carries the server's bytes.
        outcome.path = request.path.description
        let dialed = Dialer.open(
            dialHost: request.dialHost, dialPort: request.dialPort, path: request.path, deadline: deadline,
            timings: &outcome.timings)
        outcome.address = dialed.address
        outcome.proxy = dialed.exchange
        let fd: Int32
        switch dialed.result {
        case .success(let socket): fd = socket
        case .failure(let failure): return finish(failure)
        }
        defer { close(fd) }

        // TLS
        let tlsStart = Deadline.now
        let ctx: OpaquePointer
        do {
            ctx = try makeContext(request)
        } catch {
            return finish(HandshakeFailure(stage: .tls, kind: .noSharedCipher, detail: error.description))
        }
        defer { SSL_CTX_free(ctx) }
        guard let ssl = SSL_new(ctx) else {
            return finish(HandshakeFailure(stage: .tls, kind: .other, detail: errorText(OpenSSLErrorQueue.drain())))
        }
        defer { SSL_free(ssl) }
        let trace = UnsafeMutablePointer<tlsfit_trace>.allocate(capacity: 1)
        defer { trace.deallocate() }
        tlsfit_trace_reset(trace)
        tlsfit_ssl_set_trace(ssl, trace)
        // Every read checks the deadline and the budgets: a peer that never stops sending keeps
        // OpenSSL inside SSL_connect, where no poll(2) of ours runs.
        let guardState = UnsafeMutablePointer<tlsfit_guard>.allocate(capacity: 1)
        defer { guardState.deallocate() }
        tlsfit_guard_init(
            guardState, trace, Int(deadline.remainingMilliseconds), Self.handshakeByteBudget, Self.noiseBudget)
        guard let bio = tlsfit_guarded_socket_bio(fd, guardState) else {
            return finish(HandshakeFailure(stage: .tls, kind: .other, detail: errorText(OpenSSLErrorQueue.drain())))
        }
        SSL_set_bio(ssl, bio, bio)
        SSL_set_connect_state(ssl)
        setNameChecks(ssl, request: request)

        let result = namingTunnel(
            drive(ssl: ssl, fd: fd, trace: trace, guard: guardState, request: request, deadline: deadline),
            request: request)
        outcome.negotiated = negotiated(ssl: ssl, trace: trace.pointee, completed: result == nil)
        if result != nil { dropUnofferedVersion(&outcome.negotiated, request: request) }
        outcome.timings.handshakeMs = Deadline.millisecondsSince(tlsStart)
        if let failure = result { return finish(failure) }

        // Certificate
        if let failure = checkCertificate(ssl: ssl, request: request, into: &outcome) { return finish(failure) }
        // Say goodbye politely; ignore the answer.
        if !request.stopAfterServerHello { SSL_shutdown(ssl) }
        return finish(nil)
    }

    /// A reset or close through a tunnel names the proxy: the proxy, not only the server, may have ended it.
    private static func namingTunnel(_ result: HandshakeFailure?, request: HandshakeRequest) -> HandshakeFailure? {
        if var failure = result, let proxy = request.path.proxy,
            failure.kind == .reset || failure.kind == .unexpectedClose
        {
            // Through a tunnel the proxy, not only the server, may have ended it.
            failure.detail += " (through the tunnel of \(proxy): the proxy or the server ended it)"
            return failure
        }
        return result
    }

    /// A failed handshake reports no protocol the client did not offer (a ServerHello choosing
    /// TLS 1.3 for a 1.2-only hello is the server's mistake, said in the failure's detail).
    private static func dropUnofferedVersion(_ negotiated: inout NegotiatedParameters, request: HandshakeRequest) {
        if let version = negotiated.version, !(request.minVersion...request.maxVersion).contains(version) {
            negotiated.version = nil
        }
    }

    /// SNI (never for an IP address, as RFC 6066 requires) and the name or address the chain is verified for.
    static func setNameChecks(_ ssl: OpaquePointer, request: HandshakeRequest) {
        if let sni = request.sni, !TCPConnector.isNumericAddress(sni) {
            _ = tlsfit_ssl_set_tlsext_host_name(ssl, sni)
        }
        if request.verifyCertificate {
            if TCPConnector.isNumericAddress(request.host) {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), request.host)
            } else {
                SSL_set1_host(ssl, request.host)
            }
        }
    }

    /// The certificate report of a completed handshake, and the failure when it does not verify or is missing.
    static func checkCertificate(ssl: OpaquePointer, request: HandshakeRequest, into outcome: inout HandshakeOutcome)
        -> HandshakeFailure?
    {
        let report = certificateReport(ssl: ssl, request: request)
        outcome.certificate = report
        if let report, request.verifyCertificate, !report.verified {
            let kind = CertificateReader.failureKind(verifyCode: report.verifyCode)
            return HandshakeFailure(
                stage: .certificate, kind: kind, detail: report.verifyError ?? "verification failed")
        }
        if report == nil, request.verifyCertificate, !request.stopAfterServerHello {
            return HandshakeFailure(stage: .certificate, kind: .untrusted, detail: "the server sent no certificate")
        }
        return nil
    }

    // MARK: - Context

    static func makeContext(_ request: HandshakeRequest) throws(HandshakeConfigurationError) -> OpaquePointer {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw HandshakeConfigurationError(option: "openssl", message: errorText(OpenSSLErrorQueue.drain()))
        }
        OpenSSLErrorQueue.clear()
        func fail(_ option: String, _ message: String) -> HandshakeConfigurationError {
            let detail = errorText(OpenSSLErrorQueue.drain())
            SSL_CTX_free(ctx)
            return HandshakeConfigurationError(
                option: option, message: detail.isEmpty ? message : "\(message) (\(detail))")
        }
        // Legacy protocols and suites must be offerable: security level 0 for the handshake.
        _ = SSL_CTX_set_options(
            ctx,
            tlsfit_ssl_op_legacy_server_connect() | tlsfit_ssl_op_no_compression()
                | tlsfit_ssl_op_ignore_unexpected_eof())
        _ = tlsfit_ssl_ctx_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        if let ciphers = request.cipherString {
            if SSL_CTX_set_cipher_list(ctx, ciphers.isEmpty ? "eNULL:!eNULL" : ciphers) != 1, !ciphers.isEmpty {
                throw fail("--ciphers", "OpenSSL selects no cipher suite from '\(ciphers)'")
            }
        } else {
            _ = SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0")
        }
        OpenSSLErrorQueue.clear()
        if let suites = request.tls13CipherSuites, SSL_CTX_set_ciphersuites(ctx, suites) != 1 {
            throw fail("--ciphersuites", "OpenSSL does not accept the TLS 1.3 suites '\(suites)'")
        }
        SSL_CTX_set_security_level(ctx, 0)
        if let groups = request.groups, tlsfit_ssl_ctx_set1_groups_list(ctx, groups) != 1 {
            throw fail("--groups", "OpenSSL does not accept the groups '\(groups)'")
        }
        if let sigalgs = request.signatureAlgorithms, tlsfit_ssl_ctx_set1_sigalgs_list(ctx, sigalgs) != 1 {
            throw fail("--sigalgs", "OpenSSL does not accept the signature algorithms '\(sigalgs)'")
        }
        _ = tlsfit_ssl_ctx_set_min_proto_version(ctx, Int32(request.minVersion.wireValue))
        _ = tlsfit_ssl_ctx_set_max_proto_version(ctx, Int32(request.maxVersion.wireValue))
        // Verification runs but never aborts the handshake: its result is reported separately,
        // at a sane security level even though the handshake itself runs at level 0.
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        if request.verifyCertificate {
            // Parsed once per run, shared by every context (see TrustStoreCache).
            if let store = TrustStoreCache.shared.reference(caFile: request.caFile) {
                SSL_CTX_set_cert_store(ctx, store)
            } else if let caFile = request.caFile {
                throw fail("--ca-file", "cannot load trust anchors from \(caFile)")
            }
            // Level 2, as Windows: RSA keys of 2048 bits and more, no SHA-1 or MD5 signatures.
            X509_VERIFY_PARAM_set_auth_level(SSL_CTX_get0_param(ctx), 2)
        }
        OpenSSLErrorQueue.clear()
        return ctx
    }

    // MARK: - Handshake loop

    /// Runs SSL_connect to completion or failure, waiting in poll(2) with the deadline.
    static func drive(
        ssl: OpaquePointer, fd: Int32, trace: UnsafeMutablePointer<tlsfit_trace>,
        guard guardState: UnsafeMutablePointer<tlsfit_guard>, request: HandshakeRequest, deadline: Deadline
    ) -> HandshakeFailure? {
        while true {
            OpenSSLErrorQueue.clear()
            errno = 0
            let rc = SSL_connect(ssl)
            if rc == 1 { return nil }
            let code = SSL_get_error(ssl, rc)
            let savedErrno = errno
            let errors = OpenSSLErrorQueue.drain()
            if guardState.pointee.stop_reason != 0 {
                return stopped(
                    reason: guardState.pointee.stop_reason, bytes: guardState.pointee.bytes_in, trace: trace.pointee)
            }
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                if request.stopAfterServerHello, trace.pointee.server_hello_seen == 1,
                    trace.pointee.server_hello_done == 1 || trace.pointee.server_selected_version == 0x0304
                {
                    return nil
                }
                var pfd = pollfd(fd: fd, events: Int16(code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), revents: 0)
                var n: Int32
                repeat { n = poll(&pfd, 1, deadline.remainingMilliseconds) } while n < 0 && errno == EINTR
                if n == 0 {
                    if let storm = storm(trace.pointee) { return storm }
                    let what =
                        trace.pointee.server_hello_seen == 1
                        ? "the server stopped answering in the middle of the handshake"
                        : "the server accepted the TCP connection but sent no TLS answer before the timeout"
                    return HandshakeFailure(stage: .tls, kind: .timeout, detail: what)
                }
            default:
                return classify(sslError: code, errno: savedErrno, errors: errors, trace: trace.pointee)
            }
        }
    }

    /// The most raw bytes a server may send before the handshake ends: a real first flight with a
    /// long chain is far smaller (OpenSSL refuses certificate lists over 100 KiB anyway).
    static let handshakeByteBudget = 1 << 20
    /// The most warning alerts, and HelloRequests, a server may send during one handshake. OpenSSL
    /// stops at 5 consecutive warning alerts, but any other record resets its count.
    static let noiseBudget = 32
    /// From this many, a handshake that did not finish is named after what the server streamed.
    static let stormThreshold = 8

    /// The failure for a connection the guard stopped (deadline or budget).
    static func stopped(reason: Int32, bytes: Int, trace: tlsfit_trace) -> HandshakeFailure {
        if let storm = storm(trace) { return storm }
        if reason == 2 {
            return HandshakeFailure(
                stage: .tls, kind: .protocolError,
                detail:
                    "the server sent more than \(handshakeByteBudget / 1024) KiB without finishing the handshake; the client gave up"
            )
        }
        let what =
            trace.server_hello_seen == 1
            ? "the server did not finish the handshake before the timeout (\(bytes) bytes received)"
            : "the server sent \(bytes) bytes but no ServerHello before the timeout"
        return HandshakeFailure(stage: .tls, kind: .timeout, detail: what)
    }

    /// An alert or HelloRequest storm, named after what the server streamed; nil when it did not.
    static func storm(_ trace: tlsfit_trace) -> HandshakeFailure? {
        let alerts = trace.warning_alerts
        let requests = trace.hello_requests
        let hellos = requests > 0 ? " interleaved with \(requests) HelloRequest(s)" : ""
        if alerts >= stormThreshold {
            let last = trace.received_alert >= 0 ? " (last: \(TLSAlert(code: Int(trace.received_alert))))" : ""
            return HandshakeFailure(
                stage: .tls, kind: .alertStorm,
                alert: trace.received_alert >= 0 ? TLSAlert(code: Int(trace.received_alert)) : nil,
                detail:
                    "the server streamed \(alerts) warning alerts\(last)\(hellos) instead of finishing the handshake; the client gave up"
            )
        }
        if requests >= stormThreshold {
            return HandshakeFailure(
                stage: .tls, kind: .helloRequestStorm,
                detail:
                    "the server streamed \(requests) HelloRequests instead of finishing the handshake; the client gave up"
            )
        }
        return nil
    }

    static func classify(sslError: Int32, errno err: Int32, errors: [OpenSSLErrorEntry], trace: tlsfit_trace)
        -> HandshakeFailure
    {
        let text = errorText(errors)
        if trace.received_alert >= 0, trace.received_alert != 0 {
            let alert = TLSAlert(code: Int(trace.received_alert))
            return HandshakeFailure(
                stage: .tls, kind: .alertReceived, alert: alert,
                detail: text.isEmpty ? "the server sent the alert \(alert)" : text)
        }
        let reasons = Set(errors.filter { $0.library == ERR_LIB_SSL }.map(\.reason))
        if reasons.contains(SSL_R_NO_CIPHERS_AVAILABLE) {
            return HandshakeFailure(
                stage: .tls, kind: .noSharedCipher,
                detail: "no cipher suite of the list can be offered for these protocol versions (\(text))")
        }
        if reasons.contains(SSL_R_NO_PROTOCOLS_AVAILABLE) {
            return HandshakeFailure(stage: .tls, kind: .noProtocolOffered, detail: text)
        }
        let notTLSReasons: Set<Int32> = [
            SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST,
            SSL_R_UNKNOWN_PROTOCOL, SSL_R_RECORD_LENGTH_MISMATCH, SSL_R_BAD_PACKET_LENGTH,
        ]
        if trace.server_hello_seen == 0, !reasons.isDisjoint(with: notTLSReasons) {
            return HandshakeFailure(
                stage: .tls, kind: .notTLS,
                detail: "the server's answer is not TLS (\(text))")
        }
        if sslError == SSL_ERROR_SYSCALL || sslError == SSL_ERROR_ZERO_RETURN
            || reasons.contains(SSL_R_UNEXPECTED_EOF_WHILE_READING)
        {
            if err == ECONNRESET || err == EPIPE {
                return HandshakeFailure(
                    stage: .tls, kind: .reset,
                    detail: trace.server_hello_seen == 1
                        ? "the server reset the connection after its ServerHello"
                        : "the server reset the connection after the ClientHello, without an alert")
            }
            return HandshakeFailure(
                stage: .tls, kind: .unexpectedClose,
                detail: trace.server_hello_seen == 1
                    ? "the server closed the connection in the middle of the handshake"
                    : "the server closed the connection after the ClientHello, without an alert")
        }
        if reasons.contains(SSL_R_WRONG_CIPHER_RETURNED) || reasons.contains(SSL_R_UNKNOWN_CIPHER_RETURNED) {
            return HandshakeFailure(
                stage: .tls, kind: .protocolError,
                alert: trace.sent_alert >= 0 ? TLSAlert(code: Int(trace.sent_alert)) : nil,
                detail: "the server chose a cipher suite the client did not offer (\(text))")
        }
        if trace.sent_alert >= 0 {
            let alert = TLSAlert(code: Int(trace.sent_alert))
            return HandshakeFailure(
                stage: .tls, kind: .alertSent, alert: alert,
                detail: "OpenSSL aborted the handshake with \(alert): \(text)")
        }
        if trace.server_hello_seen == 0, !errors.isEmpty {
            return HandshakeFailure(stage: .tls, kind: .notTLS, detail: "the server's answer is not TLS (\(text))")
        }
        return HandshakeFailure(stage: .tls, kind: .protocolError, detail: text.isEmpty ? "handshake failed" : text)
    }

    // MARK: - Results

    static func negotiated(ssl: OpaquePointer, trace: tlsfit_trace, completed: Bool) -> NegotiatedParameters {
        var p = NegotiatedParameters()
        if trace.server_hello_seen == 1 {
            let wire = trace.server_selected_version != 0 ? trace.server_selected_version : trace.server_hello_version
            p.version = TLSVersion(wireValue: UInt16(truncatingIfNeeded: wire))
            if trace.server_cipher >= 0 { p.cipherCode = UInt16(truncatingIfNeeded: trace.server_cipher) }
        }
        if completed, let cipher = SSL_get_current_cipher(ssl) {
            p.cipherCode = UInt16(truncatingIfNeeded: SSL_CIPHER_get_protocol_id(cipher))
            p.cipherOpenSSLName = cString(SSL_CIPHER_get_name(cipher))
            p.cipherIANAName = cString(SSL_CIPHER_standard_name(cipher))
            p.version = TLSVersion(wireValue: UInt16(truncatingIfNeeded: SSL_version(ssl)))
        } else if let code = p.cipherCode {
            var bytes: [UInt8] = [UInt8(code >> 8), UInt8(code & 0xFF)]
            if let cipher = SSL_CIPHER_find(ssl, &bytes) {
                p.cipherOpenSSLName = cString(SSL_CIPHER_get_name(cipher))
                p.cipherIANAName = cString(SSL_CIPHER_standard_name(cipher))
            }
        }
        if trace.server_group >= 0 {
            p.group = NamedGroup.name(forID: Int(trace.server_group))
        } else if trace.server_dh_bits > 0 {
            p.group = "DH-\(trace.server_dh_bits)"
        }
        return p
    }

    static func certificateReport(ssl: OpaquePointer, request: HandshakeRequest) -> CertificateReport? {
        guard let stack = SSL_get_peer_cert_chain(ssl), OPENSSL_sk_num(stack) > 0 else { return nil }
        var infos: [CertificateInfo] = []
        for i in 0..<OPENSSL_sk_num(stack) {
            if let cert = OPENSSL_sk_value(stack, i) { infos.append(CertificateReader.info(OpaquePointer(cert))) }
        }
        guard request.verifyCertificate else {
            return CertificateReport(
                chain: infos, verified: false, verifyError: "verification turned off", verifyCode: -1, verifiedName: nil
            )
        }
        let code = Int(SSL_get_verify_result(ssl))
        let verified = code == Int(X509_V_OK)
        return CertificateReport(
            chain: infos, verified: verified,
            verifyError: verified ? nil : cString(X509_verify_cert_error_string(code)),
            verifyCode: code, verifiedName: request.host,
            verifiedPath: verified ? ChainVerifier.path(SSL_get0_verified_chain(ssl)) : nil)
    }

    static func errorText(_ errors: [OpenSSLErrorEntry]) -> String {
        errors.map(\.text).joined(separator: "; ")
    }
}

/// Writing to a socket the peer has reset raises SIGPIPE, which would kill the process; OpenSSL's
/// socket writes do not ask for MSG_NOSIGNAL, so the signal is ignored once for the process.
let ignoreSIGPIPE: Void = {
    signal(SIGPIPE, SIG_IGN)
    return ()
}()
