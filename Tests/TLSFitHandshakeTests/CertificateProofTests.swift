import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// OK means proven (issue 25): the exact Windows hello's verdict is OK only with a certificate chain
/// received, verified and, for a pinned host, matched by key. Against the hostile peers that showed
/// otherwise: a bare ServerHello, directly or forged by a proxy, and a copy of Microsoft's chain.
@Suite("Certificate proof of the exact hello", .serialized)
struct CertificateProofTests {
    let pki = TestPKI.shared

    static func config(_ release: WindowsRelease = .windows10_22H2) throws -> WindowsTLSConfig {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n"
        return try WindowsConfigReader.read([.init(name: "test.reg", bytes: Array(text.utf8))], release: release)
    }

    func probe(
        host: String = TestPKI.updateHost, _ port: Int, caFile: String? = nil, path: NetworkPath = .direct,
        pins: UpdatePinSet? = nil, release: WindowsRelease = .windows10_22H2
    ) throws -> WindowsHelloProbe.Result {
        var request = WindowsHelloProbe.Request(
            host: host, port: 443, connectAddress: path == .direct ? "127.0.0.1" : nil,
            connectPort: path == .direct ? port : nil, config: try Self.config(release), timeout: 3,
            caFile: caFile ?? pki.caFile)
        if path != .direct {
            request = WindowsHelloProbe.Request(
                host: "127.0.0.1", port: port, config: try Self.config(release), timeout: 3,
                caFile: caFile ?? pki.caFile)
        }
        request.path = path
        request.pins = pins
        return WindowsHelloProbe.run(request)
    }

    @Test(arguments: [ForgedAnswer.bareServerHelloThenClose, .bareServerHelloThenSilence, .serverHelloDone])
    func aServerHelloWithoutACertificateIsNotConfirmed(_ answer: ForgedAnswer) throws {
        let server = BareServerHelloServer(answer)
        defer { server.stop() }
        let result = try probe(server.port)
        // The server's choice was read...
        #expect(result.answer.failure == nil, "\(String(describing: result.answer.failure))")
        #expect(result.answer.negotiated.cipherCode == 0xC02F)
        // ...but nothing proves who chose it: not OK.
        #expect(!result.outcome.succeeded)
        #expect(result.outcome.failure?.stage == .certificate)
        #expect(result.outcome.failure?.kind == .notConfirmed)
        #expect(!result.proof.isProven)
        #expect(result.proof.notConfirmed != nil)
        #expect(result.outcome.certificate == nil)
    }

    @Test func aProxyThatForgesTheServerHelloIsNotConfirmed() throws {
        let proxy = ForgingProxy()
        defer { proxy.stop() }
        let path = NetworkPath.proxy(HTTPProxy(host: "127.0.0.1", port: proxy.port))
        let result = try probe(1, path: path)
        #expect(result.answer.negotiated.cipherCode == 0xC02F)
        #expect(result.outcome.failure?.kind == .notConfirmed, "\(String(describing: result.outcome.failure))")
        #expect(!result.proof.isProven)
    }

    /// TLS 1.2: the Certificate message is read from the exact exchange and verified with X509_verify_cert.
    @Test func tls12CertificateIsReadFromTheExactExchange() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(credentials: [pki.rsaLeaf], maxVersion: .tls12))
        defer { server.stop() }
        let result = try probe(server.port)
        #expect(result.outcome.succeeded, "\(String(describing: result.outcome.failure))")
        #expect(result.proof.source == .exactHello)
        #expect(result.proof.isProven)
        #expect(result.outcome.certificate?.verified == true)
        #expect(result.outcome.certificate?.verifiedPath?.count == 2)
    }

    /// A chain the store does not trust, read from the exact exchange, fails as a certificate.
    @Test func untrustedChainFromTheExactExchangeFails() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(credentials: [pki.rsaLeaf], maxVersion: .tls12))
        defer { server.stop() }
        let other = try TestPKI()
        let result = try probe(server.port, caFile: other.caFile)
        #expect(result.outcome.failure?.stage == .certificate)
        #expect(result.outcome.failure?.kind == .untrusted)
        #expect(!result.proof.isProven)
    }

    /// A CA with Microsoft's names and other keys: refused by the key pin, accepted only with its own key pinned.
    @Test func microsoftNamesWithOtherKeysAreRefused() throws {
        let host = "fe2.update.microsoft.com"
        let chain = try LabChain.make(
            host: host, intermediateName: "Microsoft Update Secure Server CA 2.1",
            rootName: "Microsoft Root Certificate Authority 2011", keyType: "RSA")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-pin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let caFile = dir.appendingPathComponent("root.pem").path
        try chain.root.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        for maxVersion in [TLSVersion.tls12, .tls13] {
            let server = try LocalTLSServer(
                configuration: ServerConfiguration(
                    credentials: [chain.leaf], chainPEM: chain.intermediate.certificatePEM,
                    maxVersion: maxVersion))
            defer { server.stop() }
            let release: WindowsRelease = maxVersion == .tls13 ? .windows11 : .windows10_22H2
            let refused = try probe(host: host, server.port, caFile: caFile, pins: .builtIn, release: release)
            #expect(
                refused.outcome.failure?.kind == .untrusted,
                "\(maxVersion): \(String(describing: refused.outcome.failure))")
            #expect(refused.outcome.failure?.detail.contains("SPKI SHA-256") == true)
            #expect(!refused.proof.isProven)
            let pinned = try probe(host: host, server.port, caFile: caFile, pins: chain.pins(), release: release)
            #expect(pinned.outcome.succeeded, "\(maxVersion): \(String(describing: pinned.outcome.failure))")
            #expect(pinned.proof.isProven)
            #expect(
                pinned.proof.pinnedKey?.spkiSHA256
                    == CertificateFactory.spkiSHA256(certificatePEM: chain.root.certificatePEM))
            #expect(pinned.proof.source == (maxVersion == .tls13 ? .confirmingHandshake : .exactHello))
        }
    }

    /// The pure check: names are not enough, keys are.
    @Test func pinCheckComparesKeysNotNames() throws {
        let builtIn = try #require(BuiltInServerProfile.forHost("fe2.update.microsoft.com"))
        func report(_ rootKey: String) -> CertificateReport {
            let leaf = CertificateInfo(
                subject: "CN=fe2.update.microsoft.com", issuer: "CN=Microsoft Update Secure Server CA 2.1",
                subjectAlternativeNames: [],
                keyType: "RSA", keyBits: 2048, keyCurve: nil, signatureAlgorithm: "sha256WithRSAEncryption",
                notBefore: nil,
                notAfter: nil, serialNumber: "1", sha256Fingerprint: "", isSelfSigned: false)
            return CertificateReport(
                chain: [leaf], verified: true, verifyError: nil, verifyCode: 0,
                verifiedName: "fe2.update.microsoft.com",
                verifiedPath: [
                    VerifiedLink(subject: "CN=fe2.update.microsoft.com", spkiSHA256: String(repeating: "1", count: 64)),
                    VerifiedLink(
                        subject: "CN=Microsoft Update Secure Server CA 2.1",
                        spkiSHA256: String(repeating: "2", count: 64)),
                    VerifiedLink(subject: "CN=Microsoft Root Certificate Authority 2011", spkiSHA256: rootKey),
                ])
        }
        let genuine = try #require(
            UpdatePinSet.builtIn.keys.first { $0.subject == "Microsoft Root Certificate Authority 2011" })
        #expect(
            UpdateCertificatePin.check(
                host: "fe2.update.microsoft.com", port: 443, builtIn: builtIn, certificate: report(genuine.spkiSHA256))
                == nil)
        let copy = UpdateCertificatePin.check(
            host: "fe2.update.microsoft.com", port: 443, builtIn: builtIn,
            certificate: report(String(repeating: "3", count: 64)))
        #expect(copy?.code == .certificateUntrusted)
        #expect(copy?.summary.contains("Microsoft's names but not Microsoft's keys") == true)
    }

    /// The shipped keys: 64 hex digits each, with a source; the update roots of both chains are there.
    @Test func builtInPinsAreKeysWithSources() {
        let keys = UpdatePinSet.builtIn.keys
        #expect(keys.contains { $0.group == .update && $0.subject == "Microsoft Root Certificate Authority 2011" })
        #expect(
            keys.contains {
                $0.group == .update && $0.subject == "Microsoft ECC Product Root Certificate Authority 2018"
            })
        for key in keys {
            #expect(key.spkiSHA256.count == 64)
            #expect(!key.source.isEmpty)
        }
        #expect(throws: InputError.self) {
            try UpdatePinSet.parse("update\troot\tX\tnothex\tobserved\ts\n", source: "t.tsv")
        }
    }
}
