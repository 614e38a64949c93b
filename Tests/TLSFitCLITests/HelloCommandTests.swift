import Foundation
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// `tlsfit hello` and `tlsfit probe --windows` end to end.
@Suite("tlsfit hello and probe --windows")
struct HelloCommandTests {
    let pki = TestPKI.shared

    func writeReg(_ lines: [String], name: String) throws -> String {
        let path = pki.directory.appendingPathComponent("\(name)-\(UUID().uuidString).reg").path
        try ("Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func helloTextShowsSuitesExtensionsAndFingerprints() throws {
        let result = try CLI.run(["hello", "--windows", "windows-7"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ClientHello of Windows 7 SP1 (windows-7), WinHTTP"))
        #expect(result.stdout.contains("offers           SSLv3, TLSv1.0"))
        #expect(result.stdout.contains("0x000A  TLS_RSA_WITH_3DES_EDE_CBC_SHA"))
        #expect(result.stdout.contains("(OpenSSL cannot offer it)"))
        #expect(result.stdout.contains("0xFF01 renegotiation_info"))
        #expect(result.stdout.contains("JA3  ") && result.stdout.contains("JA4  t10d"))
        #expect(!result.stdout.contains("signature_algorithms"))  // a TLS 1.0 hello has none
    }

    @Test func helloJSONIsTheHexDecoded() throws {
        let json = try CLI.json(
            try CLI.run(["hello", "--windows", "windows-11", "--format", "json", "--host", "a.example"]))
        #expect(json["source"] as? String == "emulated")
        #expect(json["windowsRelease"] as? String == "windows-11")
        #expect(json["offeredVersions"] as? [String] == ["TLSv1.2", "TLSv1.3"])
        #expect(json["serverName"] as? String == "a.example")
        #expect(json["matches"] is NSNull)
        let sigalgs = try #require(json["signatureAlgorithms"] as? [[String: Any]])
        #expect(sigalgs.first?["name"] as? String == "rsa_pss_rsae_sha256")
        let hex = try #require(json["hex"] as? String)
        // Decoding that hex gives the same fingerprints.
        let decoded = try CLI.json(try CLI.run(["hello", "--decode", hex, "--format", "json"]))
        #expect(decoded["ja3Hash"] as? String == json["ja3Hash"] as? String)
        #expect(decoded["ja4"] as? String == json["ja4"] as? String)
        let matches = try #require(decoded["matches"] as? [[String: Any]])
        let first = try #require(matches.first)
        #expect((first["releases"] as? [String])?.contains("windows-11") == true)
        #expect(first["identical"] as? Bool == true)
        let hexOnly = try CLI.run(["hello", "--windows", "windows-11", "--format", "hex", "--host", "a.example"])
        #expect(hexOnly.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == hex)
    }

    @Test func helloReadsTheReleaseFromTheExportAndTheConfiguration() throws {
        let reg = try writeReg(
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"#, #""CurrentBuild"="19044""#,
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"#,
                #""Functions"="TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256""#,
            ], name: "hello-21h2")
        let json = try CLI.json(try CLI.run(["hello", "--config", reg, "--format", "json"]))
        #expect(json["windowsRelease"] as? String == "windows-10-21h2")
        #expect(json["windowsReleaseAssumed"] as? Bool == false)
        #expect((json["cipherSuites"] as? [[String: Any]])?.map { $0["code"] as? String } == ["0x000A", "0xC02F"])
        // --windows wins and the disagreement is said.
        let both = try CLI.run(["hello", "--config", reg, "--windows", "windows-7"])
        #expect(both.exitCode == 0)
        #expect(both.stderr.contains("warning") && both.stderr.contains("windows-10-21h2"))
    }

    @Test func badInputIsExplained() throws {
        let typo = try CLI.run(["hello", "--windows", "windows-10-22h"])
        #expect(typo.exitCode == 2)
        #expect(typo.stderr.contains("did you mean windows-10-22h2"))
        let notHex = try CLI.run(["hello", "--decode", "16030zz"])
        #expect(notHex.exitCode == 2)
        let truncated = try CLI.run(["hello", "--decode", "1603030010010000"])
        #expect(truncated.exitCode == 2)
        #expect(truncated.stderr.contains("not a ClientHello"))
        let missing = try CLI.run(["hello", "--decode", "@/nonexistent/hello.bin"])
        #expect(missing.exitCode == 2 && missing.stderr.contains("no such file"))
        let clash = try CLI.run(["probe", "a.example", "--windows", "windows-7", "--ciphers", "AES128-SHA"])
        #expect(clash.exitCode == 2)
    }

    @Test func decodeReadsRawBytesFromAFile() throws {
        let hex = try #require(
            try CLI.json(try CLI.run(["hello", "--windows", "windows-10-1607", "--format", "json"]))["hex"] as? String)
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        let path = pki.directory.appendingPathComponent("hello-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["hello", "--decode", "@" + path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Closest Windows releases"))
        #expect(result.stdout.contains("1. windows-10-1607, server-2016 [identical; "), "\(result.stdout)")
        #expect(result.stdout.contains("patch level 2023; defaults]"), "\(result.stdout)")
    }

    /// probe --windows: a GnuTLS server that accepts only RC4 answers Windows 10 1607's exact hello; OpenSSL cannot confirm.
    @Test func probeWindowsSendsTheExactHello() throws {
        let gnutls = try #require(
            ExternalServer.find("gnutls-serv"), "gnutls-serv is not installed (apt-get install gnutls-bin)")
        let files = try pki.write(pki.rsaLeaf, name: "cli-rc4")
        let port = freePort()
        let server = try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key,
                "--priority", "NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",
            ], port: port)
        defer { server.stop() }
        let base = [
            "probe", TestPKI.updateHost, "--connect", "127.0.0.1:\(port)", "--ca-file", pki.caFile, "--timeout", "5",
        ]
        let result = try CLI.run(base + ["--windows", "windows-10-1607", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect((json["cipher"] as? [String: Any])?["code"] as? String == "0x0005")
        let client = try #require(json["windowsClient"] as? [String: Any])
        #expect(client["release"] as? String == "windows-10-1607")
        #expect(client["confirmingHandshake"] as? Bool == false)
        #expect(
            (client["confirmationNote"] as? String)?.contains("OpenSSL cannot speak TLS_RSA_WITH_RC4_128_SHA") == true)
        #expect((client["helloHex"] as? String)?.hasPrefix("1603") == true)
        // OpenSSL cannot speak RC4, but the Certificate message is in the clear: read from the exact
        // exchange and verified with OpenSSL's X509 API.
        let certificate = try #require(json["certificate"] as? [String: Any])
        #expect(certificate["verified"] as? Bool == true)
        let proof = try #require(client["certificateProof"] as? [String: Any])
        #expect(proof["source"] as? String == "exact-hello")
        #expect(proof["proven"] as? Bool == true)

        let text = try CLI.run(base + ["--windows", "windows-10-22h2"])
        #expect(text.exitCode == 1)
        #expect(text.stdout.contains("Client  Windows 10 22H2 (windows-10-22h2): its exact WinHTTP ClientHello"))
        #expect(text.stdout.contains("handshake_failure"))
        #expect(text.stdout.contains("0x80072EFE"))
    }

    @Test func plainProbeJSONHasANullWindowsClient() throws {
        let server = try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))
        let json = try CLI.json(
            try CLI.run([
                "probe", TestPKI.updateHost, "--connect", "127.0.0.1:\(server.port)", "--ca-file", pki.caFile,
                "--format", "json",
            ]))
        #expect(json["windowsClient"] is NSNull)
        // The same server through Windows 11's exact hello: TLS 1.3, certificate checked by the confirming handshake.
        let win11 = try CLI.json(
            try CLI.run([
                "probe", TestPKI.updateHost, "--connect", "127.0.0.1:\(server.port)", "--ca-file", pki.caFile,
                "--windows", "windows-11", "--format", "json",
            ]))
        #expect(win11["protocol"] as? String == "TLSv1.3")
        #expect((win11["certificate"] as? [String: Any])?["verified"] as? Bool == true)
        #expect((win11["windowsClient"] as? [String: Any])?["confirmingHandshake"] as? Bool == true)
    }
}

@Suite("tlsfit config reads the release from the export")
struct ConfigReleaseFromExportTests {
    @Test func configJSONNamesTheExportRelease() throws {
        let path = TestPKI.shared.directory.appendingPathComponent("cv-\(UUID().uuidString).reg").path
        try
            ("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
            + "\"CurrentBuild\"=\"22631\"\r\n\"UBR\"=dword:00001000\r\n\"DisplayVersion\"=\"23H2\"\r\n\"InstallationType\"=\"Client\"\r\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let json = try CLI.json(try CLI.run(["config", path, "--format", "json"]))
        #expect(json["windowsRelease"] as? String == "windows-11-23h2")
        #expect(json["windowsReleaseAssumed"] as? Bool == false)
        let export = try #require(json["exportRelease"] as? [String: Any])
        #expect(export["build"] as? Int == 22631 && export["ubr"] as? Int == 4096)
        #expect(export["displayVersion"] as? String == "23H2")
        #expect((export["evidence"] as? [String: Any])?["line"] as? Int == 4)
        let text = try CLI.run(["config", path, "--windows", "server-2019"])
        #expect(text.stdout.contains("[release-mismatch]"))
        let plain = try CLI.json(
            try CLI.run(["config", "-", "--format", "json"], stdin: "TLS_RSA_WITH_AES_128_CBC_SHA\n"))
        #expect(plain["exportRelease"] is NSNull)
    }
}

@Suite("diagnose decides on the exact Windows ClientHello")
struct DiagnoseExactHelloTests {
    /// A server that accepts only 3DES: Windows 7's exact hello reaches it; OpenSSL cannot speak 3DES,
    /// so the certificate is read from the exact exchange's Certificate message and verified there.
    @Test func tripleDESOnlyServerReachedByWindows7() throws {
        let pki = TestPKI.shared
        let gnutls = try #require(
            ExternalServer.find("gnutls-serv"), "gnutls-serv is not installed (apt-get install gnutls-bin)")
        let files = try pki.write(pki.rsaLeaf, name: "diag-3des")
        let port = freePort()
        let server = try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key,
                "--priority", "NONE:+VERS-TLS1.2:+VERS-TLS1.0:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL",
            ], port: port)
        defer { server.stop() }
        let reg = pki.directory.appendingPathComponent("diag-win7-\(UUID().uuidString).reg").path
        try "Windows Registry Editor Version 5.00\r\n\r\n".write(toFile: reg, atomically: true, encoding: .utf8)
        let host = "localhost"  // a name the test certificate carries: the chain is verified for it
        let result = try CLI.run([
            "diagnose", host, "--windows", "windows-7", "--resolve", "\(host)=127.0.0.1:\(port)",
            "--ca-file", pki.caFile, "--timeout", "5", "--config", reg, "--format", "json",
        ])
        let json = try CLI.json(result)
        let entry = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(entry["outcome"] as? String == "ok", "\(result.stdout)")
        #expect((entry["negotiated"] as? [String: Any])?["cipher"] as? String == "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
        #expect((entry["wireNote"] as? String)?.contains("OpenSSL cannot speak TLS_RSA_WITH_3DES_EDE_CBC_SHA") == true)

        // Windows 10 22H2 offers no 3DES: the server refuses its exact hello.
        let win10 = try CLI.json(
            try CLI.run([
                "diagnose", host, "--windows", "windows-10-22h2", "--resolve", "\(host)=127.0.0.1:\(port)",
                "--ca-file", pki.caFile, "--timeout", "5", "--config", reg, "--format", "json",
            ]))
        let failing = try #require((win10["hosts"] as? [[String: Any]])?.first)
        #expect(failing["outcome"] as? String == "fails")
        #expect((failing["observedFailure"] as? [String: Any])?["kind"] as? String == "alert-received")
        #expect(failing["wireNote"] is NSNull)
    }
}
