import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real handshakes against servers started on 127.0.0.1 by the tests themselves.
@Suite("Handshake engine against local servers")
struct HandshakeTests {
    let pki = TestPKI.shared

    func request(
        port: Int, ciphers: String? = nil, min: TLSVersion = .tls10, max: TLSVersion = .tls13, timeout: Double = 5
    )
        -> HandshakeRequest
    {
        HandshakeRequest(
            host: TestPKI.updateHost, port: 443, connectAddress: "127.0.0.1", connectPort: port,
            sni: TestPKI.updateHost,
            minVersion: min, maxVersion: max, cipherString: ciphers, timeout: timeout, caFile: pki.caFile)
    }

    func server(_ ciphers: String = "DEFAULT", min: TLSVersion = .tls12, max: TLSVersion = .tls13, ecdsa: Bool = false)
        throws
        -> LocalTLSServer
    {
        try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [ecdsa ? pki.ecdsaLeaf : pki.rsaLeaf], minVersion: min, maxVersion: max,
                cipherString: ciphers))
    }

    @Test func successWithChosenSuiteReportsEverything() throws {
        let server = try server()
        let outcome = TLSClient.handshake(
            request(port: server.port, ciphers: "ECDHE-RSA-AES256-GCM-SHA384", max: .tls12))
        #expect(outcome.failure == nil)
        #expect(outcome.negotiated.version == .tls12)
        #expect(outcome.negotiated.cipherCode == 0xC030)
        #expect(outcome.negotiated.cipherOpenSSLName == "ECDHE-RSA-AES256-GCM-SHA384")
        #expect(outcome.negotiated.cipherIANAName == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(outcome.negotiated.group == "x25519")
        #expect(outcome.address == "127.0.0.1:\(server.port)")
        let cert = try #require(outcome.certificate)
        #expect(cert.verified)
        #expect(cert.chain.first?.keyType == "RSA")
        #expect(cert.chain.first?.keyBits == 2048)
        #expect(cert.chain.first?.subjectAlternativeNames.contains("DNS:\(TestPKI.updateHost)") == true)
        #expect(cert.chain.first?.subjectAlternativeNames.contains("IP:127.0.0.1") == true)
        #expect(cert.chain.first?.issuer.contains("tlsfit Test Root CA") == true)
        #expect(outcome.timings.connectMs != nil && outcome.timings.handshakeMs != nil)
    }

    @Test func tls13NegotiatesGroupAndSuite() throws {
        let server = try server(min: .tls13)
        let outcome = TLSClient.handshake(request(port: server.port, min: .tls13))
        #expect(outcome.failure == nil)
        #expect(outcome.negotiated.version == .tls13)
        #expect(outcome.negotiated.cipherCode == 0x1302)
        #expect(outcome.negotiated.group == "x25519")
    }

    @Test func dheGroupSizeIsReported() throws {
        let server = try server("DHE-RSA-AES128-GCM-SHA256")
        let outcome = TLSClient.handshake(request(port: server.port, ciphers: "DHE-RSA-AES128-GCM-SHA256", max: .tls12))
        #expect(outcome.failure == nil)
        #expect(outcome.negotiated.group == "DH-2048")
    }

    @Test func noSharedCipherIsAlert40() throws {
        let server = try server("AES128-GCM-SHA256")
        let outcome = TLSClient.handshake(
            request(port: server.port, ciphers: "ECDHE-RSA-AES256-GCM-SHA384", max: .tls12))
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .alertReceived)
        #expect(failure.alert == .handshakeFailure)
        #expect(failure.windowsError == "0x80072EFE")
        #expect(failure.detail.contains("handshake failure"))
    }

    @Test func protocolMismatchIsAlert70() throws {
        let server = try server(min: .tls13)
        let outcome = TLSClient.handshake(request(port: server.port, max: .tls12))
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .alertReceived)
        #expect(failure.alert == .protocolVersion)
        #expect(failure.alert?.description == "protocol_version (70)")
    }

    @Test func clientWithNothingToOfferIsDetectedLocally() throws {
        let server = try server()
        // TLS 1.2 only, with only TLS 1.3 suites: nothing can be offered.
        var r = request(port: server.port, ciphers: "", min: .tls12, max: .tls12)
        r.tls13CipherSuites = "TLS_AES_128_GCM_SHA256"
        let failure = try #require(TLSClient.handshake(r).failure)
        #expect(failure.kind == .noSharedCipher)
        #expect(failure.windowsError == "0x80072F8F", "no ClientHello is sent: a secure failure")
    }

    @Test func untrustedCertificateIsACertificateFailure() throws {
        let server = try server()
        var r = request(port: server.port)
        r.caFile = nil  // the system store does not know the test CA
        let outcome = TLSClient.handshake(r)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .certificate)
        #expect(failure.kind == .untrusted)
        #expect(failure.windowsError == "0x80072F8F")
        #expect(outcome.negotiated.version != nil)
        #expect(outcome.certificate?.verified == false)
    }

    @Test func wrongHostIsHostnameMismatch() throws {
        let server = try server()
        var r = request(port: server.port)
        r.host = "download.windowsupdate.com"
        r.sni = "download.windowsupdate.com"
        let failure = try #require(TLSClient.handshake(r).failure)
        #expect(failure.stage == .certificate)
        #expect(failure.kind == .hostnameMismatch)
    }

    @Test func refusedPortIsTCPRefused() throws {
        let port = freePort()
        let outcome = TLSClient.handshake(request(port: port))
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tcp)
        #expect(failure.kind == .refused)
        #expect(failure.windowsError == "0x80072EFD")
    }

    @Test func silentServerEndsAtTheTimeout() throws {
        let silent = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            sleep(5)
        }
        defer { silent.stop() }
        let start = Date()
        let outcome = TLSClient.handshake(request(port: silent.port, timeout: 1))
        let elapsed = Date().timeIntervalSince(start)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .timeout)
        #expect(failure.windowsError == "0x80072EE2")
        #expect(elapsed >= 0.9 && elapsed < 3)
    }

    @Test func garbageIsNotTLS() throws {
        let http = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8))
        }
        defer { http.stop() }
        let failure = try #require(TLSClient.handshake(request(port: http.port)).failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .notTLS)
    }

    @Test func closeAfterClientHelloIsUnexpectedClose() throws {
        let closer = RawTCPServer { fd in _ = RawTCPServer.readSome(fd) }
        defer { closer.stop() }
        let failure = try #require(TLSClient.handshake(request(port: closer.port)).failure)
        #expect(failure.kind == .unexpectedClose)
    }

    @Test func resetAfterClientHelloIsReset() throws {
        let resetter = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        }
        defer { resetter.stop() }
        let failure = try #require(TLSClient.handshake(request(port: resetter.port)).failure)
        #expect(failure.kind == .reset)
    }

    @Test func unresolvableNameIsDNS() throws {
        var r = request(port: 443)
        r.connectAddress = "no-such-host.invalid"
        let failure = try #require(TLSClient.handshake(r).failure)
        #expect(failure.stage == .dns)
        #expect(failure.windowsError == "0x80072EE7")
    }

    @Test func stopAfterServerHelloStillKnowsTheSuite() throws {
        let server = try server()
        var r = request(port: server.port, ciphers: "ECDHE-RSA-AES128-GCM-SHA256", max: .tls12)
        r.stopAfterServerHello = true
        let outcome = TLSClient.handshake(r)
        #expect(outcome.failure == nil)
        #expect(outcome.negotiated.cipherCode == 0xC02F)
        #expect(outcome.negotiated.group == "x25519")
    }
}

/// The same checks against independent implementations: OpenSSL's own s_server, and GnuTLS.
@Suite("Handshake engine against real peers")
struct RealPeerTests {
    let pki = TestPKI.shared

    @Test func opensslSServerChosenSuiteAndMismatch() throws {
        let openssl = try #require(ExternalServer.find("openssl"), "openssl is not installed")
        let files = try pki.write(pki.rsaLeaf, name: "s_server")
        let port = freePort()
        let server = try ExternalServer(
            executable: openssl,
            arguments: [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", files.cert, "-key", files.key, "-tls1_2",
                "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA", "-quiet",
            ], port: port)
        defer { server.stop() }
        let ok = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, connectAddress: "127.0.0.1", connectPort: port, sni: TestPKI.updateHost,
                cipherString: "AES256-SHA", timeout: 5, caFile: pki.caFile))
        #expect(ok.failure == nil)
        #expect(ok.negotiated.cipherIANAName == "TLS_RSA_WITH_AES_256_CBC_SHA")
        let bad = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, connectAddress: "127.0.0.1", connectPort: port, sni: TestPKI.updateHost,
                cipherString: "ECDHE-ECDSA-AES256-GCM-SHA384", timeout: 5, caFile: pki.caFile))
        #expect(bad.failure?.alert == .handshakeFailure)
    }

    @Test func gnutlsServer() throws {
        let gnutls = try #require(
            ExternalServer.find("gnutls-serv"), "gnutls-serv is not installed (apt-get install gnutls-bin)")
        let files = try pki.write(pki.ecdsaLeaf, name: "gnutls")
        let port = freePort()
        let server = try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key,
                "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2",
            ], port: port)
        defer { server.stop() }
        let ok = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, connectAddress: "127.0.0.1", connectPort: port, sni: TestPKI.updateHost,
                cipherString: "ECDHE-ECDSA-AES128-GCM-SHA256", timeout: 5, caFile: pki.caFile))
        #expect(ok.failure == nil)
        #expect(ok.negotiated.version == .tls12)
        #expect(ok.negotiated.cipherCode == 0xC02B)
        #expect(ok.certificate?.chain.first?.keyType == "EC")
        let bad = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, connectAddress: "127.0.0.1", connectPort: port, sni: TestPKI.updateHost,
                minVersion: .tls10, maxVersion: .tls11, timeout: 5, caFile: pki.caFile))
        #expect(bad.failure?.kind == .alertReceived)
        #expect(bad.failure?.alert == .protocolVersion)
    }
}
