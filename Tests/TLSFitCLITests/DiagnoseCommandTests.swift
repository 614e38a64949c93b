import Foundation
import TLSFitCore
import TLSFitHandshake
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Local servers that play update hosts, shared by every test (they live as long as the test process).
final class DiagnoseLab: Sendable {
    static let shared: DiagnoseLab = {
        do { return try DiagnoseLab() } catch { fatalError("cannot start the diagnose lab: \(error)") }
    }()

    static let host = "fe2.update.microsoft.com"

    let dir: URL
    let caFile: String
    /// A CA that did not issue the servers' certificates.
    let otherCAFile: String
    /// Accepts what the built-in windows-update profile says (TLS 1.2, ECDHE-RSA and RSA, AES), RSA certificate.
    let windowsUpdate: LocalTLSServer
    /// TLS 1.2 with SHA-256 CBC suites only.
    let cbcOnly: LocalTLSServer
    /// ECDHE-RSA only, with the P-256 curve only.
    let p256Only: LocalTLSServer
    /// Accepts TCP connections and never answers.
    let silentPort: Int
    private let silentFD: Int32

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-diagnose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Diagnose Lab CA")
        let other = try CertificateFactory.makeCA(commonName: "Contoso Inspection CA")
        let leaf = try CertificateFactory.issue(
            CertificateSpec(
                commonName: Self.host, dnsNames: [Self.host, "sls.update.microsoft.com"], ipAddresses: ["127.0.0.1"]),
            issuer: ca)
        caFile = dir.appendingPathComponent("ca.pem").path
        otherCAFile = dir.appendingPathComponent("other-ca.pem").path
        try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try other.certificatePEM.write(toFile: otherCAFile, atomically: true, encoding: .utf8)
        windowsUpdate = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [leaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString:
                    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256"
            ))
        cbcOnly = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [leaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: "ECDHE-RSA-AES128-SHA256:AES128-SHA256"))
        p256Only = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [leaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256", groups: "P-256"))
        (silentFD, silentPort) = try Self.silentListener()
    }

    static func silentListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// Writes a .reg file from lines (line 1 is the header, line 2 blank: the first given line is line 3).
    func reg(_ name: String, _ lines: [String]) throws -> String {
        let path = dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)").path
        let text = "Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite("tlsfit diagnose")
struct DiagnoseCommandTests {
    static let schannel = #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
    static let policy = #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#
    static let winHTTP = #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"#
    static var lab: DiagnoseLab { .shared }

    enum Server: String, Sendable { case windowsUpdate, cbcOnly, p256Only }

    struct Case: Sendable, CustomStringConvertible {
        var code: String
        var release: String
        var server: Server
        var lines: [String]
        var evidenceLine: Int
        var description: String { code }
    }

    static let longPolicy: String = {
        let bases = [
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        ]
        var names: [String] = []
        for suffix in ["", "_P256", "_P384", "_P521"] { names += bases.map { $0 + suffix } }
        return (names + ["TLS_RSA_WITH_AES_128_GCM_SHA256"]).joined(separator: ",")
    }()

    static let cases: [Case] = [
        Case(
            code: "protocol-disabled", release: "windows-10-22h2", server: .windowsUpdate,
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Client]", "\"Enabled\"=dword:00000000",
            ], evidenceLine: 4),
        Case(
            code: "server-only-setting", release: "windows-7", server: .windowsUpdate,
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Server]", "\"Enabled\"=dword:00000001",
                "\"DisabledByDefault\"=dword:00000000", "",
                "[\(winHTTP)]", "\"DefaultSecureProtocols\"=dword:00000800",
            ], evidenceLine: 4),
        Case(
            code: "no-shared-cipher", release: "windows-10-22h2", server: .windowsUpdate,
            lines: [
                "[\(policy)]",
                "\"Functions\"=\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"",
            ], evidenceLine: 4),
        Case(
            code: "cipher-disabled", release: "windows-10-22h2", server: .windowsUpdate,
            lines: [
                "[\(schannel)\\Ciphers\\AES 256/256]", "\"Enabled\"=dword:00000000", "",
                "[\(schannel)\\Ciphers\\AES 128/128]", "\"Enabled\"=dword:00000000",
            ], evidenceLine: 4),
        Case(
            code: "hash-disabled", release: "windows-10-22h2", server: .cbcOnly,
            lines: [
                "[\(schannel)\\Hashes\\SHA256]", "\"Enabled\"=dword:00000000",
            ], evidenceLine: 4),
        Case(
            code: "key-exchange-disabled", release: "windows-10-22h2", server: .windowsUpdate,
            lines: [
                "[\(schannel)\\KeyExchangeAlgorithms\\ECDH]", "\"Enabled\"=dword:00000000", "",
                "[\(schannel)\\KeyExchangeAlgorithms\\PKCS]", "\"Enabled\"=dword:00000000",
            ], evidenceLine: 4),
        Case(
            code: "unsupported-by-release", release: "windows-7", server: .windowsUpdate,
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Client]", "\"DisabledByDefault\"=dword:00000000", "",
                "[\(winHTTP)]", "\"DefaultSecureProtocols\"=dword:00000a00", "",
                "[\(policy)]",
                "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"",
            ], evidenceLine: 10),
        Case(
            code: "no-shared-group", release: "windows-10-22h2", server: .p256Only,
            lines: [
                "[\(policy)]", "\"EccCurves\"=\"curve25519\"",
            ], evidenceLine: 4),
        Case(
            code: "policy-truncated", release: "windows-10-22h2", server: .windowsUpdate,
            lines: [
                "[\(policy)]", "\"Functions\"=\"\(longPolicy)\"",
            ], evidenceLine: 4),
    ]

    func port(_ s: Server) -> Int {
        switch s {
        case .windowsUpdate: Self.lab.windowsUpdate.port
        case .cbcOnly: Self.lab.cbcOnly.port
        case .p256Only: Self.lab.p256Only.port
        }
    }

    static func host(_ json: [String: Any]) throws -> [String: Any] {
        try #require((json["hosts"] as? [[String: Any]])?.first)
    }

    @Test("each cause on the wire: code, evidence, and a fix that makes the real handshake succeed", arguments: cases)
    func causeAndFix(_ c: Case) throws {
        let config = try Self.lab.reg("\(c.code).reg", c.lines)
        let fixFile = Self.lab.dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-fix.reg").path
        let common = [
            DiagnoseLab.host, "--windows", c.release, "--resolve", "\(DiagnoseLab.host)=127.0.0.1:\(port(c.server))",
            "--ca-file", Self.lab.caFile, "--timeout", "3",
        ]
        let result = try CLI.run(
            ["diagnose"] + common + ["--config", config, "--fix-out", fixFile, "--format", "json"])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let host = try Self.host(try CLI.json(result))
        #expect(host["outcome"] as? String == "fails")
        #expect(
            host["agrees"] as? Bool == true,
            "predicted \(String(describing: host["predicted"])) negotiated \(String(describing: host["negotiated"]))")
        let causes = try #require(host["causes"] as? [[String: Any]])
        let cause = try #require(causes.first)
        #expect(cause["code"] as? String == c.code)
        // A client left with no protocol fails before any ClientHello: a secure failure.
        let sendsNoHello =
            ((host["observedFailure"] as? [String: Any])?["detail"] as? String)?.contains("no ClientHello is sent")
            == true
        #expect(cause["windowsError"] as? String == (sendsNoHello ? "0x80072F8F" : "0x80072EFE"))
        let evidence = try #require(cause["evidence"] as? [[String: Any]])
        #expect(
            evidence.contains { $0["file"] as? String == config && $0["line"] as? Int == c.evidenceLine }, "\(evidence)"
        )
        #expect((cause["fix"] as? [String: Any])?["verified"] as? Bool == true)
        #expect(host["fixVerified"] as? Bool == true)
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: fixFile))

        // The fix, applied after the original files, makes the real handshake succeed.
        let fixed = try CLI.run(["diagnose"] + common + ["--config", config, fixFile, "--format", "json"])
        #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
        let after = try Self.host(try CLI.json(fixed))
        #expect(after["outcome"] as? String == "ok")
        #expect(after["agrees"] as? Bool == true)
        #expect((after["negotiated"] as? [String: Any])?["protocol"] as? String == "TLSv1.2")
    }

    @Test func untrustedRootIsNamed() throws {
        let config = try Self.lab.reg("healthy.reg", [])
        let result = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10",
            "--connect", "127.0.0.1:\(Self.lab.windowsUpdate.port)", "--ca-file", Self.lab.otherCAFile, "--format",
            "json",
        ])
        #expect(result.exitCode == 1)
        let host = try Self.host(try CLI.json(result))
        let cause = try #require((host["causes"] as? [[String: Any]])?.first)
        #expect(cause["code"] as? String == "certificate-untrusted")
        #expect(cause["windowsError"] as? String == "0x80072F8F")
        // The server sent only its leaf and no trusted issuer was found: whether that issuer is a
        // root or an intermediate cannot be known, so no root is named; the issuer is.
        #expect(cause["rootSubject"] == nil || cause["rootSubject"] is NSNull)
        #expect(
            (cause["explanation"] as? String)?.contains("issued by \"CN=tlsfit Diagnose Lab CA") == true, "\(cause)")
        #expect((host["negotiated"] as? [String: Any])?["protocol"] as? String == "TLSv1.2")
    }

    @Test("network causes", arguments: ["tcp-blocked", "timeout", "dns"])
    func network(_ code: String) throws {
        let config = try Self.lab.reg("healthy.reg", [])
        var args = ["diagnose", "--config", config, "--windows", "win10", "--timeout", "1", "--format", "json"]
        switch code {
        case "tcp-blocked": args += [DiagnoseLab.host, "--connect", "127.0.0.1:1"]
        case "timeout": args += [DiagnoseLab.host, "--connect", "127.0.0.1:\(Self.lab.silentPort)"]
        default: args += ["no-such-host.invalid"]
        }
        let result = try CLI.run(args)
        // The configuration holds (or cannot be judged): only this machine's network fails, exit 3.
        #expect(result.exitCode == 3)
        let json = try CLI.json(result)
        let host = try Self.host(json)
        #expect((host["fromHere"] as? [String: Any])?["outcome"] as? String == "unreached")
        #expect((host["configuration"] as? [String: Any])?["outcome"] as? String == (code == "dns" ? "unknown" : "ok"))
        #expect((json["reachability"] as? [String: Any])?["noneReached"] as? Bool == true)
        let cause = try #require((host["causes"] as? [[String: Any]])?.first)
        #expect(cause["code"] as? String == code)
        #expect(cause["vantage"] as? String == "this-machine")
        let expected = ["tcp-blocked": "0x80072EFD", "timeout": "0x80072EE2", "dns": "0x80072EE7"][code]
        #expect(cause["windowsError"] as? String == expected)
        // Measured from this machine, phrased as a prediction for the Windows one.
        #expect((cause["explanation"] as? String)?.contains("measured here, not on the Windows machine") == true)
        if code == "timeout" {
            // The silent listener accepts the TCP connection: not a closed port, so not "allow TCP 443".
            #expect((cause["summary"] as? String)?.contains("accepted the TCP connection") == true, "\(cause)")
            #expect(
                ((cause["fix"] as? [String: Any])?["description"] as? String)?.contains("Allow outgoing TCP") == false)
        }
    }

    /// Hosts run side by side (`--concurrency`), each with one deadline that covers the proxy's
    /// CONNECT and the handshake; the results keep the order of the arguments. (The time this takes
    /// is measured by Benchmarks/input-benchmark.sh, not here.)
    @Test func hostsSideBySideThroughASilentProxyKeepTheirOrder() throws {
        let config = try Self.lab.reg("healthy.reg", [])
        let hosts = (1...6).map { "h\($0).example.test" }
        let result = try CLI.run(
            ["diagnose"] + hosts + [
                "--config", config, "--windows", "win10", "--timeout", "1", "--concurrency", "4",
                "--proxy", "http://127.0.0.1:\(Self.lab.silentPort)", "--format", "json",
            ])
        // Only the path from here fails (the proxy never answers): exit 3.
        #expect(result.exitCode == 3, "\(result.stderr)")
        let listed = try #require(try CLI.json(result)["hosts"] as? [[String: Any]])
        #expect(listed.compactMap { $0["host"] as? String } == hosts)
        for host in listed {
            let codes = (host["causes"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            #expect(codes.contains { $0.hasPrefix("proxy-") }, "\(host)")
        }
        for bad in ["0", "1025", "x"] {
            let refused = try CLI.run(["diagnose", "--config", config, "--offline", "--concurrency", bad])
            #expect(refused.exitCode != 0 && refused.stderr.contains("--concurrency"), "\(refused.stderr)")
        }
    }

    @Test func disagreementBetweenProfileAndServerIsReported() throws {
        // The saved profile claims an ECDSA server; the real one has an RSA certificate.
        let profile = ServerProfile(
            host: DiagnoseLab.host, port: 443, source: "scan",
            protocols: [
                "TLSv1.2": ProtocolSupport(accepted: true, cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"])
            ],
            serverPreference: ["TLSv1.2": true], groups: ["secp256r1"])
        let profileFile = try Self.lab.file("profile.json", try ServerProfileStore.encode([profile]))
        let config = try Self.lab.reg("ecdsa.reg", Self.cases[2].lines)
        let result = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10", "--server-profile", profileFile,
            "--connect", "127.0.0.1:\(Self.lab.windowsUpdate.port)", "--ca-file", Self.lab.caFile, "--format", "json",
        ])
        #expect(result.exitCode == 1)
        let host = try Self.host(try CLI.json(result))
        #expect(host["agrees"] as? Bool == false)
        #expect(
            (host["predicted"] as? [String: Any])?["cipher"] as? String == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        #expect(host["serverProfileSource"] as? String == "file")
        #expect((host["causes"] as? [[String: Any]])?.first?["code"] as? String == "tls-aborted")
        // The text says so in words.
        let text = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10", "--server-profile", profileFile,
            "--connect", "127.0.0.1:\(Self.lab.windowsUpdate.port)", "--ca-file", Self.lab.caFile,
        ])
        #expect(text.stdout.contains("DISAGREE"))
    }

    @Test func offlineWithBuiltInProfile() throws {
        let config = try Self.lab.reg("ecdsa.reg", Self.cases[2].lines)
        let result = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10", "--offline",
            "--server-profile", "windows-update", "--format", "json",
        ])
        #expect(result.exitCode == 1)
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["windowsRelease"] as? String == "windows-10-22h2")
        let host = try Self.host(json)
        #expect(host["negotiated"] is NSNull)
        #expect(host["agrees"] is NSNull)
        #expect(host["serverProfileSource"] as? String == "built-in")
        let cause = try #require((host["causes"] as? [[String: Any]])?.first)
        #expect(cause["code"] as? String == "no-shared-cipher")
        #expect((cause["fix"] as? [String: Any])?["gpo"] as? String != nil)
    }

    @Test(
        "bad input exits 2",
        arguments: [
            ["diagnose", "h"],
            ["diagnose", "h", "--config", "/nonexistent.reg"],
            ["diagnose", "h", "--config", "CONFIG", "--windows", "windows-95"],
            ["diagnose", "h", "--config", "CONFIG", "--offline"],
            ["diagnose", "h", "--config", "CONFIG", "--resolve", "nonsense"],
            ["diagnose", "h", "--config", "CONFIG", "--server-profile", "CONFIG"],
        ])
    func badInput(_ args: [String]) throws {
        let config = try Self.lab.reg("healthy.reg", [])
        let result = try CLI.run(args.map { $0 == "CONFIG" ? config : $0 })
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("tlsfit: error:"), "\(result.stderr)")
    }

    @Test func htmlEscapesAndMarkdownRenders() throws {
        let config = try Self.lab.reg("<script>alert(1)&'x'.reg", Self.cases[2].lines)
        let html = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10", "--offline",
            "--server-profile", "windows-update", "--format", "html",
        ])
        #expect(html.exitCode == 1)
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.stdout.contains("<script>"))
        #expect(html.stdout.contains("&lt;script&gt;alert(1)&amp;&#39;x&#39;.reg"))
        #expect(!html.stdout.contains("src=\"http"))
        let md = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10", "--offline",
            "--server-profile", "windows-update", "--format", "markdown",
        ])
        #expect(md.stdout.contains("`no-shared-cipher`"))
        #expect(md.stdout.contains("```reg"))
    }

    // Its speed is not asserted here (speed targets are benchmarks, not unit tests); the timeout catches a hang.
    @Test func demoRunsOffline() throws {
        let result = try CLI.run(["demo"], timeout: 60)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("every example behaved as expected"))
        // The reference incidents: slscr without ECDHE-ECDSA, sws resetting, Windows 7 without DefaultSecureProtocols,
        // a TLS-inspecting proxy (pinned chain), a healthy machine.
        let text = result.stdout.unwrapped
        for tag in [
            "[no-shared-cipher, 0x80072EFE]: no cipher suite in common with slscr.update.microsoft.com",
            "[no-shared-cipher, 0x80072EFE]: no cipher suite in common with sws.update.microsoft.com",
            "failed at tls: reset", "it answered 1 ClientHello(s) with a TCP reset",
            "[winhttp-default-protocols, 0x80072F8F]: TLS 1.2 is on for Schannel",
            "DefaultSecureProtocols\"=dword:00000a00",
            "[certificate-untrusted, 0x80072F8F]", "Contoso TLS Inspection Root CA",
            "TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (secp256r1)",
        ] {
            #expect(text.contains(tag), "\(tag)")
        }
        #expect(result.stdout.contains("Confirmed on the wire"))
    }

    @Test func serveActsLikeTheProfileAndStopsOnSIGINT() throws {
        let certOut = Self.lab.dir.appendingPathComponent("serve-\(UUID().uuidString.prefix(8))").path
        let process = Process()
        process.executableURL = CLI.executableURL
        process.arguments = ["serve", "--profile", "windows-update", "--port", "0", "--cert-out", certOut]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The first line names the port.
        var text = ""
        let handle = out.fileHandleForReading
        while !text.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(
            text.components(separatedBy: "127.0.0.1:").dropFirst().first.flatMap { Int($0.prefix(while: \.isNumber)) })
        let config = try Self.lab.reg("healthy.reg", [])
        let result = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--config", config, "--windows", "win10",
            "--connect", "127.0.0.1:\(port)", "--ca-file", certOut + "/ca.pem", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(text) \(result.stdout) \(result.stderr)")
        let host = try Self.host(try CLI.json(result))
        #expect((host["negotiated"] as? [String: Any])?["cipher"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
