import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Servers that misbehave on purpose: every probe must end within its timeout (plus a small
/// margin) with the right failure kind.
@Suite("Hostile servers")
struct HostileServerTests {
    static let timeout = 1.5
    static let margin = 1.0

    func probe(_ server: RawTCPServer) -> (HandshakeOutcome, TimeInterval) {
        let start = Date()
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: "127.0.0.1", connectAddress: "127.0.0.1", connectPort: server.port, sni: nil,
                minVersion: .tls12, maxVersion: .tls13, timeout: Self.timeout, verifyCertificate: false))
        return (outcome, Date().timeIntervalSince(start))
    }

    @Test func slowDripOfBytesEndsAtTheTimeout() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            // A plausible record header, then one byte every half second: never enough.
            for byte in TLSBytes.serverHello().prefix(20) {
                RawTCPServer.write(fd, [byte])
                usleep(500_000)
            }
        }
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        #expect(outcome.failure?.kind == .timeout)
        #expect(elapsed < Self.timeout + Self.margin)
    }

    @Test func alertStormIsAnAlert() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            for _ in 0..<200 { RawTCPServer.write(fd, TLSBytes.warningAlert(112)) }
            sleep(3)
        }
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .alertReceived)
        #expect(failure.alert?.code == 112)
        #expect(elapsed < Self.timeout + Self.margin)
    }

    /// Warning alerts interleaved with HelloRequests, streamed without end: OpenSSL keeps reading
    /// inside SSL_connect as long as bytes arrive, so only a deadline on every read stops it.
    @Test(arguments: [false, true])
    func alertAndHelloRequestStormEndsAtTheTimeoutAndIsNamed(afterServerHello: Bool) throws {
        let server = RawTCPServer.storm(.alertsAndHelloRequests, afterServerHello: afterServerHello)
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .alertStorm, "\(failure)")
        #expect(failure.detail.contains("HelloRequest"), "\(failure.detail)")
        #expect(elapsed < Self.timeout + Self.margin)
    }

    /// A storm slow enough to stay under the record budget ends at the deadline, and is named.
    @Test func slowStormEndsAtTheTimeoutAndIsNamed() throws {
        let server = RawTCPServer.storm(.alertsAndHelloRequests, pause: 100_000)
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        #expect(outcome.failure?.kind == .alertStorm, "\(String(describing: outcome.failure))")
        #expect(elapsed >= Self.timeout - 0.1)
        #expect(elapsed < Self.timeout + Self.margin)
    }

    @Test(arguments: [false, true])
    func helloRequestStormEndsAtTheTimeoutAndIsNamed(afterServerHello: Bool) throws {
        let server = RawTCPServer.storm(.helloRequests, afterServerHello: afterServerHello)
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .helloRequestStorm, "\(failure)")
        #expect(elapsed < Self.timeout + Self.margin)
    }

    @Test func enormousCertificateMessageIsRefusedWithoutReadingIt() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, TLSBytes.serverHello())
            // A Certificate message announcing 16 MiB, then a first fragment of filler.
            let header: [UInt8] = [11, 0xFF, 0xFF, 0xFF]
            RawTCPServer.write(fd, TLSBytes.record(type: 0x16, header + [UInt8](repeating: 0x30, count: 16000)))
            for _ in 0..<50 {
                RawTCPServer.write(fd, TLSBytes.record(type: 0x16, [UInt8](repeating: 0x30, count: 16384)))
            }
            sleep(3)
        }
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect([.protocolError, .alertSent].contains(failure.kind))
        #expect(failure.detail.contains("excessive message size"))
        #expect(outcome.negotiated.cipherCode == 0xC02F)
        #expect(elapsed < Self.timeout + Self.margin)
    }

    @Test func oversizedRecordIsNotTLS() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, [0x16, 0x03, 0x03, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 1000))
            sleep(3)
        }
        defer { server.stop() }
        let (outcome, _) = probe(server)
        #expect(outcome.failure?.kind == .notTLS)
    }

    @Test func versionBelowTheOfferedRangeIsRefusedByTheClient() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, TLSBytes.serverHello(version: 0x0301, cipher: 0xC013))
            sleep(3)
        }
        defer { server.stop() }
        let (outcome, elapsed) = probe(server)
        let failure = try #require(outcome.failure)
        #expect(failure.kind == .alertSent)
        #expect(failure.alert == .protocolVersion)
        #expect(elapsed < Self.timeout + Self.margin)
    }

    /// A ServerHello that selects TLS 1.3 (supported_versions) for a client that offered only 1.2:
    /// the failed handshake must not report TLS 1.3 as its protocol.
    @Test func aVersionThatWasNotOfferedIsNotReportedAsTheProtocol() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            var body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 0x11, count: 32) + [0] + [0x13, 0x01, 0]
            body += [0, 6, 0x00, 0x2B, 0x00, 0x02, 0x03, 0x04]
            RawTCPServer.write(fd, TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 2, body)))
            sleep(3)
        }
        defer { server.stop() }
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: "127.0.0.1", connectAddress: "127.0.0.1", connectPort: server.port, sni: nil,
                minVersion: .tls12, maxVersion: .tls12, timeout: Self.timeout, verifyCertificate: false))
        #expect(outcome.failure != nil)
        #expect(outcome.negotiated.version != .tls13, "\(outcome.negotiated)")
    }

    @Test func cipherThatWasNotOfferedIsAProtocolError() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, TLSBytes.serverHello(cipher: 0x0005))  // RC4-SHA: never offered
            sleep(3)
        }
        defer { server.stop() }
        let (outcome, _) = probe(server)
        #expect(outcome.failure?.kind == .protocolError)
    }

    @Test func resetAfterServerHelloIsReset() throws {
        let server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, TLSBytes.serverHello())
            var l = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        }
        defer { server.stop() }
        let (outcome, _) = probe(server)
        #expect([.reset, .unexpectedClose].contains(outcome.failure?.kind))
    }
}

/// Certificates that must each be reported, never accepted silently.
@Suite("Certificate verification")
struct CertificateVerificationTests {
    let pki = TestPKI.shared
    let host = TestPKI.updateHost

    func outcome(_ credential: PEMCredential, chain: String? = nil) throws -> HandshakeOutcome {
        let server = try LocalTLSServer(configuration: ServerConfiguration(credentials: [credential], chainPEM: chain))
        return TLSClient.handshake(
            HandshakeRequest(
                host: host, connectAddress: "127.0.0.1", connectPort: server.port, sni: host, timeout: 5,
                caFile: pki.caFile))
    }

    func leaf(_ spec: CertificateSpec, issuer: PEMCredential? = nil) throws -> PEMCredential {
        try CertificateFactory.issue(spec, issuer: issuer ?? pki.ca)
    }

    @Test func expired() throws {
        let o = try outcome(
            leaf(CertificateSpec(commonName: host, dnsNames: [host], notBeforeDays: -30, notAfterDays: -1)))
        #expect(o.failure?.stage == .certificate)
        #expect(o.failure?.kind == .expired)
        #expect(o.failure?.windowsError == "0x80072F8F")
    }

    @Test func notYetValid() throws {
        let o = try outcome(
            leaf(CertificateSpec(commonName: host, dnsNames: [host], notBeforeDays: 2, notAfterDays: 30)))
        #expect(o.failure?.kind == .notYetValid)
    }

    @Test func selfSigned() throws {
        let o = try outcome(CertificateFactory.issue(CertificateSpec(commonName: host, dnsNames: [host]), issuer: nil))
        #expect(o.failure?.kind == .untrusted)
        #expect(o.certificate?.chain.first?.isSelfSigned == true)
    }

    @Test func missingIntermediateAndThenPresent() throws {
        let intermediate = try leaf(CertificateSpec(commonName: "tlsfit Test Intermediate", isCA: true))
        let end = try leaf(CertificateSpec(commonName: host, dnsNames: [host]), issuer: intermediate)
        let missing = try outcome(end)
        #expect(missing.failure?.kind == .untrusted)
        #expect(missing.certificate?.verifyError?.contains("local issuer") == true)
        let complete = try outcome(end, chain: intermediate.certificatePEM)
        #expect(complete.failure == nil)
        #expect(complete.certificate?.chain.count == 2)
    }

    @Test func weakKey() throws {
        let o = try outcome(leaf(CertificateSpec(commonName: host, dnsNames: [host], keyType: .rsa1024)))
        #expect(o.failure?.kind == .weakKey)
        #expect(o.certificate?.chain.first?.keyBits == 1024)
    }

    @Test func sha1Signature() throws {
        let o = try outcome(leaf(CertificateSpec(commonName: host, dnsNames: [host], digest: "sha1")))
        #expect(o.failure?.kind == .weakSignature)
        #expect(o.certificate?.chain.first?.signatureAlgorithm == "sha1WithRSAEncryption")
    }

    /// The trust store is parsed once per run and shared by every verifying handshake, also when
    /// many run at once.
    @Test func trustStoreIsLoadedOncePerRun() throws {
        let server = try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var outcomes: [HandshakeOutcome] = []
        }
        let results = Results()
        let request = HandshakeRequest(
            host: host, connectAddress: "127.0.0.1", connectPort: server.port, sni: host, timeout: 5, caFile: pki.caFile
        )
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            let outcome = TLSClient.handshake(request)
            results.lock.withLock { results.outcomes.append(outcome) }
        }
        let outcomes = results.outcomes
        #expect(outcomes.count == 12)
        for outcome in outcomes { #expect(outcome.failure == nil, "\(String(describing: outcome.failure))") }
        #expect(TrustStoreCache.shared.loads(caFile: pki.caFile) == 1)
    }

    /// The system anchors come from the hashed directory alone (only the issuers a chain names are
    /// read) when the bundle holds the same certificates, also where the directory is a symbolic
    /// link as Debian's /usr/lib/ssl/certs; a bundle with one certificate more is loaded too.
    @Test func systemStoreIsTheHashedDirectoryWhenTheBundleMatches() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pem = try String(contentsOfFile: pki.caFile, encoding: .utf8)
        let hashed = dir.appendingPathComponent("hashed")
        try FileManager.default.createDirectory(at: hashed, withIntermediateDirectories: true)
        try pem.write(to: hashed.appendingPathComponent("0a1b2c3d.0"), atomically: true, encoding: .utf8)
        let link = dir.appendingPathComponent("certs")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: hashed)
        let same = dir.appendingPathComponent("bundle.pem")
        try pem.write(to: same, atomically: true, encoding: .utf8)
        let more = dir.appendingPathComponent("more.pem")
        try (pem + pem).write(to: more, atomically: true, encoding: .utf8)

        let matching = TrustStoreCache.systemLocations(environment: [
            "SSL_CERT_DIR": link.path, "SSL_CERT_FILE": same.path,
        ])
        #expect(matching == .init(directory: link.path, file: nil))
        let larger = TrustStoreCache.systemLocations(environment: [
            "SSL_CERT_DIR": link.path, "SSL_CERT_FILE": more.path,
        ])
        #expect(larger == .init(directory: link.path, file: more.path))
        let noBundle = TrustStoreCache.systemLocations(environment: [
            "SSL_CERT_DIR": link.path, "SSL_CERT_FILE": dir.appendingPathComponent("none").path,
        ])
        #expect(noBundle == .init(directory: link.path, file: nil))
        // No hashed links: OpenSSL's default paths, as they are.
        #expect(
            TrustStoreCache.systemLocations(environment: ["SSL_CERT_DIR": dir.path, "SSL_CERT_FILE": same.path]) == nil)
    }

    @Test func ecdsaLeafVerifies() throws {
        let o = try outcome(pki.ecdsaLeaf)
        #expect(o.failure == nil)
        #expect(o.certificate?.chain.first?.keyCurve == "prime256v1")
    }
}

/// A scan that meets hostile servers among live ones: each hostile host becomes an error entry
/// within its timeout, and the live host is measured completely.
@Suite("Scan among hostile servers")
struct HostileScanTests {
    @Test func hostileHostsDoNotStopTheScan() throws {
        let pki = TestPKI.shared
        let live = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], maxVersion: .tls12,
                cipherString: "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"))
        let silent = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            sleep(4)
        }
        let http = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
        }
        let storm = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            for _ in 0..<100 { RawTCPServer.write(fd, TLSBytes.warningAlert(112)) }
        }
        defer { [silent, http, storm].forEach { $0.stop() } }
        let targets = [live.port, silent.port, http.port, storm.port].map {
            ScanTarget(host: "127.0.0.1", port: $0)
        }
        let start = Date()
        let profiles = ServerScanner.scan(targets, options: ScanOptions(timeout: 1, caFile: pki.caFile))
        #expect(Date().timeIntervalSince(start) < 4)
        #expect(profiles.count == 4)
        #expect(profiles[0].errors.isEmpty)
        #expect(
            profiles[0].cipherSuites(for: .tls12) == [
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
            ])
        for hostile in profiles[1...] {
            // The silent and the HTTP server measured nothing; the alert storm spoke TLS but
            // accepted no protocol.
            #expect(hostile.acceptedVersions.isEmpty)
            #expect(hostile.errors.count == 1)
        }
        #expect(profiles[1].protocols.isEmpty && profiles[2].protocols.isEmpty)
        #expect(profiles[1].errors.first?.contains("timeout") == true)
        #expect(profiles[2].errors.first?.contains("not-tls") == true)
        #expect(profiles[3].errors.first?.contains("alert") == true)
    }

    /// A storm costs one connection and one error, not one per probe: the scan gives up on the
    /// host after the first storming connection.
    @Test(arguments: [StormKind.alertsAndHelloRequests, .helloRequests])
    func stormingHostIsGivenUpAfterOneConnection(kind: StormKind) throws {
        let storm = RawTCPServer.storm(kind, afterServerHello: true)
        defer { storm.stop() }
        let start = Date()
        let profiles = ServerScanner.scan(
            [ScanTarget(host: "127.0.0.1", port: storm.port)], options: ScanOptions(timeout: 1))
        #expect(Date().timeIntervalSince(start) < 2)
        let profile = try #require(profiles.first)
        // The scan's probes run in parallel and each stops at the ServerHello, before any storm; the
        // full (certificate) handshake meets it, ends by its deadline, and the host is given up: one
        // error, nothing believed, one timeout at most (above).
        #expect(profile.errors.count == 1, "\(profile.errors)")
        let expected = kind == .helloRequests ? "hello-request-storm" : "alert-storm"
        #expect(profile.errors.first?.contains(expected) == true, "\(profile.errors)")
        #expect(profile.protocols.isEmpty)
    }
}
