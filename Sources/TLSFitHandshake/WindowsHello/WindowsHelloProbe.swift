import FoundationEssentials
import TLSFitCore

/// One connection as a Windows client: the exact ClientHello the configuration makes Schannel send
/// (WinHTTP), and the server's answer to those bytes. When OpenSSL can speak the suite the server chose,
/// a second, confirming OpenSSL handshake fetches and checks the certificate chain.
public enum WindowsHelloProbe {
    public struct Request: Sendable {
        public var host: String
        public var port: Int
        /// Dial this address instead of resolving `host` (SNI stays `host`).
        public var connectAddress: String?
        public var connectPort: Int?
        /// The client: `ClientProfile(config:)` of the Windows configuration.
        public var profile: ClientProfile
        public var timeout: Double
        public var caFile: String?
        /// Run the confirming OpenSSL handshake for the certificate when the server chose a suite OpenSSL speaks.
        public var confirm: Bool
        /// Direct, or through an HTTP proxy (`CONNECT`); the confirming handshake takes the same path.
        public var path: NetworkPath = .direct
        /// The keys a pinned host's verified chain must hold (`UpdatePinSet.builtIn` for the Windows
        /// Update hosts); nil: the host is not pinned. Tests pass a set of their own.
        public var pins: UpdatePinSet?

        public init(
            host: String, port: Int, connectAddress: String? = nil, connectPort: Int? = nil, config: WindowsTLSConfig,
            timeout: Double, caFile: String?, confirm: Bool = true
        ) {
            self.init(
                host: host, port: port, connectAddress: connectAddress, connectPort: connectPort,
                profile: ClientProfile(config: config), timeout: timeout, caFile: caFile, confirm: confirm)
        }

        public init(
            host: String, port: Int, connectAddress: String? = nil, connectPort: Int? = nil, profile: ClientProfile,
            timeout: Double, caFile: String?, confirm: Bool = true
        ) {
            self.host = host
            self.port = port
            self.connectAddress = connectAddress
            self.connectPort = connectPort
            self.profile = profile
            self.timeout = timeout
            self.caFile = caFile
            self.confirm = confirm
        }
    }

    public struct Result: Sendable {
        /// The hello sent; nil when the configuration sends none (no protocol or no suite).
        public var hello: WindowsClientHello?
        /// The bytes on the wire.
        public var bytes: [UInt8]
        /// What the server did with those bytes (no certificate: the exchange stops at the ServerHello).
        public var answer: HandshakeOutcome
        /// The ServerHello, when one came.
        public var serverHello: RawServerHello?
        /// The confirming OpenSSL handshake, when it ran.
        public var confirmation: HandshakeOutcome?
        /// Why there was no confirming handshake, when there was none after a ServerHello.
        public var confirmationSkipped: String?
        /// The server's decision from the exact bytes, with the certificate (and its failures) from the
        /// exact exchange's Certificate message or the confirming handshake: what the Windows client
        /// would see. It succeeds only when `proof` is proven.
        public var outcome: HandshakeOutcome
        /// What the certificate verdict rests on, or why it is not confirmed.
        public var proof = CertificateProof(notConfirmed: "no ServerHello")
    }

    public static func run(_ request: Request) -> Result {
        let profile = request.profile
        // A client with nothing to offer sends nothing: no connection, no key shares made.
        if let failure = profile.noClientHelloFailure { return nothingSent(request, failure) }
        let built: WindowsClientHello
        do { built = try buildHello(request) } catch { return nothingSent(request, error) }
        let bytes = built.hello.encode()
        let exchange = RawExchange.run(
            host: request.connectAddress ?? request.host, port: request.connectPort ?? request.port,
            bytes: bytes, timeout: request.timeout, path: request.path, readCertificate: true)
        var answer = exchangeOutcome(request, exchange)
        let serverHello = read(exchange.answer, built: built, into: &answer)
        var result = Result(
            hello: built, bytes: bytes, answer: answer, serverHello: serverHello, confirmation: nil,
            confirmationSkipped: nil, outcome: answer)
        guard answer.failure == nil, let code = answer.negotiated.cipherCode, let version = answer.negotiated.version
        else {
            result.proof = CertificateProof(notConfirmed: "the handshake did not reach a certificate")
            return result
        }
        var proof = CertificateProof(pinRequired: request.pins != nil)
        var combined = answer
        /// Not OK: no certificate was proven.
        func notConfirmed(_ why: String) -> Result {
            proof.notConfirmed = why
            combined.failure = HandshakeFailure(
                stage: .certificate, kind: .notConfirmed, detail: "the certificate was not confirmed: \(why)")
            result.outcome = combined
            result.proof = proof
            return result
        }
        // TLS 1.2 and older: the Certificate message follows the ServerHello in the clear, read from
        // the exact exchange and verified here, whatever suite the server chose.
        var fromExactHello = false
        switch exchange.certificate {
        case .received(let der)?:
            guard let report = ChainVerifier.verify(der: der, host: request.host, caFile: request.caFile) else {
                return notConfirmed("the server's Certificate message holds no certificate that parses")
            }
            fromExactHello = true
            combined.certificate = report
            proof.source = .exactHello
            proof.certificateReceived = true
            proof.chainVerified = report.verified
            if !report.verified {
                combined.failure = HandshakeFailure(
                    stage: .certificate, kind: CertificateReader.failureKind(verifyCode: report.verifyCode),
                    detail: report.verifyError ?? "verification failed")
            }
        case .absent(let why)?:
            // Schannel would abort here: a ServerHello alone proves nothing (a forging proxy can send one).
            return notConfirmed(why)
        case nil:
            break
        }
        if let why = confirm(
            request, answer: answer, version: version, code: code, fromExactHello: fromExactHello,
            result: &result, combined: &combined, proof: &proof)
        {
            return notConfirmed(why)
        }
        checkPins(request, combined: &combined, proof: &proof)
        result.outcome = combined
        result.proof = proof
        return result
    }

    /// The client's exact ClientHello, with fresh random, session ID and key shares; a failure when
    /// it cannot be built (nothing is sent then).
    private static func buildHello(_ request: Request) throws(HandshakeFailure) -> WindowsClientHello {
        let profile = request.profile
        var random = [UInt8](repeating: 0, count: 32)
        var session = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            random[i] = UInt8.random(in: 0...255)
            session[i] = UInt8.random(in: 0...255)
        }
        let shares = KeyShareGenerator.publicKeys(
            for: Catalog.shared.release(profile.release).hello.keyShares.value
                .filter { profile.groupIDs.contains($0) })
        do {
            return try WindowsClientHelloBuilder.build(
                profile: profile, serverName: request.host, random: random,
                sessionID: session, keyShares: shares)
        } catch {
            throw HandshakeFailure(stage: .tls, kind: .noProtocolOffered, detail: error.description)
        }
    }

    /// The exact exchange as a handshake outcome, before its answer is read: where it went and its timings.
    private static func exchangeOutcome(_ request: Request, _ exchange: RawExchange.Result) -> HandshakeOutcome {
        HandshakeOutcome(
            host: request.host, port: request.port, address: exchange.address,
            sni: TCPConnector.isNumericAddress(request.host) ? nil : request.host,
            negotiated: NegotiatedParameters(), certificate: nil, failure: nil,
            timings: HandshakeTimings(
                dnsMs: exchange.dnsMs, connectMs: exchange.connectMs, handshakeMs: exchange.exchangeMs,
                totalMs: exchange.totalMs),
            path: request.path.description, proxy: exchange.proxy)
    }

    /// No connection: the client sends no ClientHello.
    static func nothingSent(_ request: Request, _ failure: HandshakeFailure) -> Result {
        let outcome = HandshakeOutcome(
            host: request.host, port: request.port, address: nil, sni: request.host, negotiated: NegotiatedParameters(),
            certificate: nil, failure: failure, timings: HandshakeTimings(totalMs: 0), path: request.path.description)
        return Result(
            hello: nil, bytes: [], answer: outcome, serverHello: nil, confirmation: nil,
            confirmationSkipped: nil, outcome: outcome)
    }

    /// The server's answer to the ClientHello: the ServerHello it chose (checked against what was offered), or why not.
    static func read(_ answer: RawExchange.Answer, built: WindowsClientHello, into outcome: inout HandshakeOutcome)
        -> RawServerHello?
    {
        var serverHello: RawServerHello?
        switch answer {
        case .serverHello(let hello):
            serverHello = hello
            outcome.negotiated = negotiated(hello)
            if let failure = check(hello, against: built.hello) { outcome.failure = failure }
        case .alert(let level, let description):
            let alert = TLSAlert(code: Int(description))
            outcome.failure = HandshakeFailure(
                stage: .tls, kind: .alertReceived, alert: alert,
                detail: "the server answered the ClientHello with a \(level == 2 ? "fatal" : "warning") alert \(alert)")
        case .invalid(let why):
            outcome.failure = HandshakeFailure(stage: .tls, kind: .notTLS, detail: "not a ServerHello: \(why)")
        case .closed(let received):
            outcome.failure = HandshakeFailure(
                stage: .tls, kind: .unexpectedClose,
                detail: "the server closed the connection after the ClientHello (\(received) bytes received)")
        case .reset(let why):
            outcome.failure = HandshakeFailure(
                stage: .tls, kind: .reset, detail: "the connection was reset after the ClientHello: \(why)")
        case .silence(let received):
            outcome.failure = HandshakeFailure(
                stage: .tls, kind: .timeout,
                detail: "no answer to the ClientHello before the timeout (\(received) bytes received)")
        case .connectFailed(let failure):
            outcome.failure = failure
        case .writeFailed(let why, let timeout):
            outcome.failure = HandshakeFailure(stage: .tls, kind: timeout ? .timeout : .reset, detail: why)
        }
        return serverHello
    }

    /// The confirming OpenSSL handshake (what the server chose, nothing else), when asked for and possible; why the
    /// certificate is not confirmed, or nil.
    static func confirm(
        _ request: Request, answer: HandshakeOutcome, version: TLSVersion, code: UInt16, fromExactHello: Bool,
        result: inout Result, combined: inout HandshakeOutcome, proof: inout CertificateProof
    ) -> String? {
        let profile = request.profile
        let suite = Catalog.shared.suite(code: code)
        let label = suite?.iana ?? "0x" + code.hex(width: 4)
        if let suite, let name = suite.openssl, !suite.opensslNameIsLegacy, request.confirm {
            // The confirming handshake offers only what the server chose, so it reaches the same place.
            let groups = profile.opensslGroups
            var confirmRequest = HandshakeRequest(
                host: request.host, port: request.port,
                connectAddress: request.connectAddress
                    ?? (request.path.proxy == nil ? answer.address.map(Self.hostPart) : nil),
                connectPort: request.connectPort, sni: request.host, minVersion: version, maxVersion: version,
                cipherString: suite.isTLS13 ? nil : name, tls13CipherSuites: suite.isTLS13 ? name : nil,
                groups: groups.isEmpty ? "ffdhe2048" : groups.joined(separator: ":"),
                signatureAlgorithms: profile.signatureAlgorithms.joined(separator: ":"),
                timeout: request.timeout, caFile: request.caFile, verifyCertificate: true)
            confirmRequest.path = request.path
            let confirmation = TLSClient.handshake(confirmRequest)
            result.confirmation = confirmation
            combined.timings.totalMs += confirmation.timings.totalMs
            if let group = confirmation.negotiated.group, combined.negotiated.group == nil {
                combined.negotiated.group = group
            }
            if !fromExactHello {
                combined.certificate = confirmation.certificate
                if let failure = confirmation.failure {
                    if failure.stage == FailureStage.certificate {
                        proof.source = .confirmingHandshake
                        proof.certificateReceived = confirmation.certificate != nil
                        combined.failure = failure
                    } else {
                        result.confirmationSkipped =
                            "the confirming OpenSSL handshake failed (\(failure.kind.rawValue): \(failure.detail)), so the certificate was not checked"
                        return result.confirmationSkipped!
                    }
                } else if let certificate = confirmation.certificate, certificate.verified {
                    proof.source = .confirmingHandshake
                    proof.certificateReceived = true
                    proof.chainVerified = true
                } else {
                    return "the confirming OpenSSL handshake received no verified certificate"
                }
            } else if let failure = confirmation.failure, failure.stage != .certificate {
                result.confirmationSkipped =
                    "the confirming OpenSSL handshake failed (\(failure.kind.rawValue): \(failure.detail)); the certificate was read from the exact exchange"
            }
        } else if fromExactHello {
            result.confirmationSkipped =
                suite?.openssl == nil || suite?.opensslNameIsLegacy == true
                ? "OpenSSL cannot speak \(label), which the server chose: the certificate chain was read from the exact exchange and verified with OpenSSL's X509 API"
                : nil
        } else {
            let why =
                request.confirm
                ? "OpenSSL cannot speak \(label), which the server chose, and its certificate is encrypted (TLS 1.3)"
                : "no confirming handshake was asked for, and the certificate is encrypted (TLS 1.3)"
            result.confirmationSkipped = why
            return why
        }
        return nil
    }

    /// A pinned host: the verified path must hold one of the pinned keys.
    static func checkPins(_ request: Request, combined: inout HandshakeOutcome, proof: inout CertificateProof) {
        if combined.failure == nil, let pins = request.pins {
            let path = combined.certificate?.verifiedPath
            if let match = pins.match(path, group: .update) ?? pins.match(path, group: .microsoft) {
                proof.pinnedKey = match.link
            } else {
                combined.failure = HandshakeFailure(
                    stage: .certificate, kind: .untrusted,
                    detail:
                        "the verified chain holds none of the keys Windows Update pins \(request.host) to (SPKI SHA-256, \(pins.origin)): a re-signed chain (TLS inspection), whatever its names"
                )
            }
        }
    }

    /// What the ServerHello says was chosen.
    static func negotiated(_ hello: RawServerHello) -> NegotiatedParameters {
        let suite = Catalog.shared.suite(code: hello.cipherSuite)
        return NegotiatedParameters(
            version: TLSVersion(wireValue: hello.negotiatedVersion), cipherCode: hello.cipherSuite,
            cipherOpenSSLName: suite?.openssl, cipherIANAName: suite?.iana,
            group: hello.keyShareGroup.map { NamedGroup.name(forID: Int($0)) })
    }

    /// A ServerHello that picks what was not offered is a protocol error (Schannel aborts: illegal_parameter).
    static func check(_ server: RawServerHello, against hello: ClientHello) -> HandshakeFailure? {
        let version = server.negotiatedVersion
        guard let chosen = TLSVersion(wireValue: version), hello.offeredVersions.contains(chosen) else {
            return HandshakeFailure(
                stage: .tls, kind: .protocolError,
                detail: "the server chose version 0x\(version.hex(width: 4)), which the ClientHello did not offer")
        }
        guard hello.cipherSuites.contains(server.cipherSuite) else {
            return HandshakeFailure(
                stage: .tls, kind: .protocolError,
                detail:
                    "the server chose suite 0x\(server.cipherSuite.hex(width: 4)), which the ClientHello did not offer")
        }
        return nil
    }

    /// `127.0.0.1:443` or `[::1]:443` -> the host part.
    static func hostPart(_ address: String) -> String {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        if let colon = address.lastIndex(of: ":") { return String(address[..<colon]) }
        return address
    }
}
