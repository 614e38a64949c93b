import Foundation
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// `tlsfit probe` end to end: the built binary against servers this test starts on 127.0.0.1.
@Suite("tlsfit probe")
struct ProbeCommandTests {
    let pki = TestPKI.shared

    func server(_ ciphers: String) throws -> LocalTLSServer {
        try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf], cipherString: ciphers))
    }

    func probe(_ port: Int, _ extra: [String], caFile: Bool = true) throws -> CLIResult {
        var args = ["probe", TestPKI.updateHost, "--connect", "127.0.0.1:\(port)", "--timeout", "5"]
        if caFile { args += ["--ca-file", pki.caFile] }
        return try CLI.run(args + extra)
    }

    @Test func windowsNamesNegotiateAndJSONHasEveryField() throws {
        let server = try server("ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA")
        let result = try probe(
            server.port,
            ["--ciphers", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_CBC_SHA", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["host"] as? String == TestPKI.updateHost)
        #expect(json["port"] as? Int == 443)
        #expect(json["address"] as? String == "127.0.0.1:\(server.port)")
        #expect(json["sni"] as? String == TestPKI.updateHost)
        #expect(json["outcome"] as? String == "success")
        #expect(json["protocol"] as? String == "TLSv1.2")
        let cipher = try #require(json["cipher"] as? [String: Any])
        #expect(cipher["iana"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(cipher["openssl"] as? String == "ECDHE-RSA-AES256-GCM-SHA384")
        #expect(cipher["code"] as? String == "0xC030")
        #expect(json["group"] as? String == "x25519")
        let cert = try #require(json["certificate"] as? [String: Any])
        #expect(cert["verified"] as? Bool == true)
        #expect((cert["chain"] as? [Any])?.count == 1)
        let timings = try #require(json["timings"] as? [String: Any])
        #expect(timings["handshakeMs"] is Double)
        #expect(json["failure"] is NSNull, "every field is written, null when it does not apply")
        #expect(json["windowsError"] is NSNull)
    }

    @Test func resolveKeepsTheNameForSNIAndVerification() throws {
        let server = try server("DEFAULT")
        let result = try CLI.run([
            "probe", TestPKI.updateHost, "--resolve", "\(TestPKI.updateHost)=127.0.0.1:\(server.port)",
            "--ca-file", pki.caFile, "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["address"] as? String == "127.0.0.1:\(server.port)")
        #expect(json["sni"] as? String == TestPKI.updateHost)
    }

    @Test func groupsSigalgsAndSNIOptionsReachTheWire() throws {
        let server = try server("ECDHE-RSA-AES128-GCM-SHA256")
        let result = try probe(
            server.port, ["--tls1.2", "--groups", "NistP384", "--sigalgs", "RSA+SHA256", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["group"] as? String == "secp384r1")
        let offered = try #require(json["offered"] as? [String: Any])
        #expect(offered["groups"] as? String == "P-384")
        #expect(offered["signatureAlgorithms"] as? String == "RSA+SHA256")
        let noSNI = try probe(server.port, ["--no-sni", "--format", "json"])
        #expect(try CLI.json(noSNI)["sni"] is NSNull)
        let badSigalgs = try probe(server.port, ["--sigalgs", "NOPE+SHA999"])
        #expect(badSigalgs.exitCode == 2)
        #expect(badSigalgs.stderr.contains("--sigalgs"))
    }

    @Test func codePointsAndOpenSSLSyntaxAreAccepted() throws {
        let server = try server("AES128-SHA")
        let hex = try probe(server.port, ["--ciphers", "0x002F"])
        #expect(hex.exitCode == 0, "\(hex.stderr)")
        #expect(hex.stdout.contains("TLS_RSA_WITH_AES_128_CBC_SHA (AES128-SHA, 0x002F)"))
        let expr = try probe(server.port, ["--ciphers", "kRSA:!aNULL"])
        #expect(expr.exitCode == 0, "\(expr.stderr)")
    }

    @Test func noSharedCipherIsExit1WithAlertAndWindowsCode() throws {
        let server = try server("AES128-GCM-SHA256")
        let result = try probe(server.port, ["--ciphers", "ECDHE-RSA-AES256-GCM-SHA384", "--format", "json"])
        #expect(result.exitCode == 1)
        let json = try CLI.json(result)
        #expect(json["outcome"] as? String == "failure")
        let failure = try #require(json["failure"] as? [String: Any])
        #expect(failure["stage"] as? String == "tls")
        #expect(failure["kind"] as? String == "alert-received")
        #expect(failure["alert"] as? String == "handshake_failure")
        #expect(failure["alertCode"] as? Int == 40)
        #expect((failure["detail"] as? String)?.contains("handshake failure") == true)
        #expect(json["windowsError"] as? String == "0x80072EFE")
    }

    @Test func protocolMismatchText() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(credentials: [pki.rsaLeaf], minVersion: .tls13))
        let result = try probe(server.port, ["--tls1.2"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("FAILED at tls: alert-received, protocol_version (70)"))
        #expect(result.stdout.contains("0x80072EFE"))
    }

    @Test func untrustedCertificateIsWindowsSecureFailure() throws {
        let server = try server("DEFAULT")
        let result = try probe(server.port, ["--format", "json"], caFile: false)
        #expect(result.exitCode == 1)
        let json = try CLI.json(result)
        let failure = try #require(json["failure"] as? [String: Any])
        #expect(failure["stage"] as? String == "certificate")
        #expect(failure["kind"] as? String == "untrusted")
        #expect(json["windowsError"] as? String == "0x80072F8F")
        #expect((json["certificate"] as? [String: Any])?["verified"] as? Bool == false)
    }

    @Test func refusedAndSilentServers() throws {
        let refused = try probe(freePort(), ["--format", "json"])
        #expect(refused.exitCode == 1)
        #expect(try CLI.json(refused)["windowsError"] as? String == "0x80072EFD")

        let silent = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            sleep(4)
        }
        defer { silent.stop() }
        let start = Date()
        let result = try CLI.run(["probe", "127.0.0.1:\(silent.port)", "--timeout", "1", "--format", "json"])
        #expect(Date().timeIntervalSince(start) < 3.5)
        #expect(result.exitCode == 1)
        let failure = try #require(try CLI.json(result)["failure"] as? [String: Any])
        #expect(failure["kind"] as? String == "timeout")
    }

    @Test(arguments: [
        (["--ciphers", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348"], "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
        (["--ciphers", "TLS_RSA_WITH_RC4_128_SHA"], "can be negotiated by OpenSSL"),
        (["--groups", "P-999"], "unknown group"),
        (["--min-tls", "1.3", "--max-tls", "1.2"], "above --max-tls"),
        (["--tls1.2", "--tls1.3"], "exclude each other"),
        (["--bogus-flag"], "Unknown option"),
    ])
    func badInputIsExit2WithAClearMessage(arguments: [String], expected: String) throws {
        let result = try CLI.run(["probe", "127.0.0.1:1"] + arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// OpenSSL sends no SNI for an IP address (RFC 6066 forbids it): the report says what was sent.
    @Test func anAddressIsNeverReportedAsTheSNISent() throws {
        let server = try server("ECDHE-RSA-AES256-GCM-SHA384")
        let direct = try CLI.run(["probe", "127.0.0.1:\(server.port)", "--no-verify", "--format", "json"])
        #expect(direct.exitCode == 0, "\(direct.stderr)")
        #expect(try CLI.json(direct)["sni"] is NSNull, "\(direct.stdout)")
        let text = try CLI.run(["probe", "127.0.0.1:\(server.port)", "--no-verify"])
        #expect(text.stdout.contains("SNI     (none)"), "\(text.stdout)")
        let forced = try CLI.run(["probe", "127.0.0.1:\(server.port)", "--no-verify", "--sni", "10.1.2.3"])
        #expect(forced.stderr.contains("--sni 10.1.2.3 is an IP address"), "\(forced.stderr)")
        #expect(forced.stdout.contains("SNI     (none)"))
    }
}
