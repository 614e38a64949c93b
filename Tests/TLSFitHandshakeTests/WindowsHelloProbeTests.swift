import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// The exact Windows ClientHello against real servers on 127.0.0.1: they answer it as they would answer Windows.
@Suite("Exact Windows ClientHello against local servers", .serialized)
struct WindowsHelloProbeTests {
    let pki = TestPKI.shared

    static func config(_ release: WindowsRelease, _ lines: [String] = []) throws -> WindowsTLSConfig {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "test.reg", bytes: Array(text.utf8))], release: release)
    }

    func probe(_ port: Int, _ config: WindowsTLSConfig) -> WindowsHelloProbe.Result {
        WindowsHelloProbe.run(
            .init(
                host: TestPKI.updateHost, port: 443, connectAddress: "127.0.0.1", connectPort: port,
                config: config, timeout: 5, caFile: pki.caFile))
    }

    func gnutls(_ priority: String, name: String) throws -> ExternalServer {
        let gnutls = try #require(
            ExternalServer.find("gnutls-serv"), "gnutls-serv is not installed (apt-get install gnutls-bin)")
        let files = try pki.write(pki.rsaLeaf, name: name)
        let port = freePort()
        return try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key, "--priority", priority,
            ],
            port: port)
    }

    /// `openssl s_server -www` with an RSA certificate for the update host and `options` (`-tls1_3`, `-groups`, ...).
    func opensslServer(name: String, _ options: [String]) throws -> ExternalServer {
        let openssl = try #require(ExternalServer.find("openssl"))
        let files = try pki.write(pki.rsaLeaf, name: name)
        let port = freePort()
        return try ExternalServer(
            executable: openssl,
            arguments: ["s_server", "-accept", "\(port)", "-cert", files.cert, "-key", files.key, "-www"] + options,
            port: port)
    }

    /// Windows 7's WinHTTP offers TLS 1.0 with 3DES; a GnuTLS server that takes only 3DES picks it from the exact bytes.
    @Test func onlyTripleDESAnswersWindows7() throws {
        let server = try gnutls(
            "NONE:+VERS-TLS1.2:+VERS-TLS1.0:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL", name: "win-3des")
        defer { server.stop() }
        let result = probe(server.port, try Self.config(.windows7))
        #expect(result.answer.failure == nil, "\(String(describing: result.answer.failure))")
        #expect(result.answer.negotiated.cipherCode == 0x000A)
        #expect(result.answer.negotiated.version == .tls10)
        // OpenSSL 3 has no 3DES: no certificate check, and the output says so.
        #expect(result.confirmation == nil)
        #expect(result.confirmationSkipped?.contains("TLS_RSA_WITH_3DES_EDE_CBC_SHA") == true)
        #expect(result.outcome.succeeded)
    }

    /// Windows 10 1607 still offers RC4 by default.
    @Test func onlyRC4AnswersWindows10_1607AndNot22H2() throws {
        let server = try gnutls("NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL", name: "win-rc4")
        defer { server.stop() }
        let old = probe(server.port, try Self.config(.windows10_1607))
        #expect(old.answer.negotiated.cipherCode == 0x0005)
        #expect(old.answer.negotiated.version == .tls12)
        #expect(old.confirmationSkipped?.contains("RC4") == true)
        let new = probe(server.port, try Self.config(.windows10_22H2))
        #expect(new.answer.failure?.stage == .tls)
        #expect(new.answer.failure?.kind == .alertReceived)
        #expect(new.answer.failure?.alert?.code == 40)
    }

    /// A DHE-DSS-only server (OpenSSL s_server with a DSA certificate: Debian's GnuTLS refuses to sign with DSA)
    /// answers Windows 10 1607, which sends dsa_sha1 and the DHE-DSS suites.
    @Test func onlyDHEDSSAnswersWindows10_1607() throws {
        let openssl = try #require(ExternalServer.find("openssl"))
        let dir = pki.directory.appendingPathComponent("dsa-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for args in [
            ["dsaparam", "-out", "\(dir)/p.pem", "1024"],
            [
                "req", "-x509", "-newkey", "dsa:\(dir)/p.pem", "-keyout", "\(dir)/k.pem", "-out", "\(dir)/c.pem",
                "-nodes",
                "-subj", "/CN=\(TestPKI.updateHost)", "-days", "2",
            ],
        ] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: openssl)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let port = freePort()
        let server = try ExternalServer(
            executable: openssl,
            arguments: [
                "s_server", "-accept", "\(port)", "-cert", "\(dir)/c.pem", "-key", "\(dir)/k.pem", "-tls1_2",
                "-cipher",
                "DHE-DSS-AES128-SHA:DHE-DSS-AES256-SHA:DHE-DSS-AES128-SHA256:DHE-DSS-AES256-SHA256:@SECLEVEL=0", "-www",
            ], port: port)
        defer { server.stop() }
        let result = probe(server.port, try Self.config(.windows10_1607))
        #expect(result.answer.failure == nil, "\(String(describing: result.answer.failure))")
        let code = try #require(result.answer.negotiated.cipherCode)
        #expect([0x0032, 0x0038, 0x0040, 0x006A].contains(code))
        // Windows 10 1809 no longer offers DHE-DSS: refused.
        let later = probe(server.port, try Self.config(.windows10_1809))
        #expect(later.answer.failure != nil)
    }

    /// A server that signs only with RSA-PSS refuses Windows 8.1 (no PSS in its hello) and accepts Windows 11,
    /// and Windows 10 at its newest patch level (RSA-PSS first since the 2023 captures).
    @Test func rsaPSSOnlyServerRefusesWindows81AndAcceptsWindows11() throws {
        let server = try opensslServer(
            name: "pss-only", ["-sigalgs", "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512"])
        defer { server.stop() }
        let win81 = probe(server.port, try Self.config(.windows81))
        #expect(win81.answer.failure?.kind == .alertReceived, "\(String(describing: win81.answer.failure))")
        #expect(win81.answer.failure?.alert?.code == 40)
        #expect(win81.outcome.failure?.windowsError == "0x80072EFE")
        let win10 = probe(server.port, try Self.config(.windows10_22H2))
        #expect(win10.answer.failure == nil, "\(String(describing: win10.answer.failure))")

        let win11 = probe(server.port, try Self.config(.windows11))
        #expect(win11.answer.failure == nil, "\(String(describing: win11.answer.failure))")
        #expect(win11.answer.negotiated.version == .tls13)
        #expect(win11.answer.negotiated.group == "x25519")
        // OpenSSL speaks the chosen suite: the confirming handshake checked the chain.
        #expect(win11.confirmation?.succeeded == true)
        #expect(win11.outcome.certificate?.verified == true)
        #expect(win11.outcome.succeeded)
        // Windows 11 over TLS 1.2 only (DefaultSecureProtocols 0x800) still works: PSS is in its list.
        let tls12 = probe(
            server.port,
            try Self.config(
                .windows11,
                [
                    #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                    #""DefaultSecureProtocols"=dword:00000800"#,
                ]))
        #expect(tls12.answer.negotiated.version == .tls12)
        #expect(tls12.answer.failure == nil)
    }

    /// Windows 11 sends a key share for every group it names (x25519, P-256, P-384): a TLS 1.3-only
    /// server that wants P-384 takes that share at once (no HelloRetryRequest is needed), and one that
    /// wants only a group Windows 11 does not name (ffdhe2048) has none in common and refuses.
    /// Windows 10, whose WinHTTP offers no TLS 1.3, is refused by both at the protocol.
    @Test func windows11KeySharesAgainstTLS13OnlyServers() throws {
        let p384 = try opensslServer(name: "tls13-p384", ["-tls1_3", "-groups", "P-384"])
        defer { p384.stop() }
        let taken = probe(p384.port, try Self.config(.windows11))
        #expect(taken.answer.failure == nil, "\(String(describing: taken.answer.failure))")
        #expect(taken.answer.negotiated.version == .tls13)
        #expect(taken.answer.negotiated.group == "secp384r1")
        #expect(taken.outcome.succeeded)

        let ffdhe = try opensslServer(name: "tls13-ffdhe", ["-tls1_3", "-groups", "ffdhe2048"])
        defer { ffdhe.stop() }
        let refused = probe(ffdhe.port, try Self.config(.windows11))
        #expect(refused.answer.failure?.kind == .alertReceived, "\(String(describing: refused.answer.failure))")
        #expect(refused.answer.failure?.alert?.code == 40)
        #expect(refused.outcome.failure?.windowsError == "0x80072EFE")

        let windows10 = probe(p384.port, try Self.config(.windows10_22H2))
        #expect(windows10.answer.failure?.kind == .alertReceived, "\(String(describing: windows10.answer.failure))")
        #expect(windows10.answer.failure?.alert?.code == 70)
    }

    @Test func closedPortAndNoProtocol() throws {
        let port = freePort()
        let closed = probe(port, try Self.config(.windows10_22H2))
        #expect(closed.answer.failure?.stage == .tcp)
        #expect(closed.hello != nil)
        let none = probe(
            port,
            try Self.config(
                .windows10_22H2,
                [
                    #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                    #""DefaultSecureProtocols"=dword:00000008"#,
                ]))
        #expect(none.hello == nil && none.bytes.isEmpty)
        #expect(none.answer.failure?.kind == .noProtocolOffered)
    }
}
