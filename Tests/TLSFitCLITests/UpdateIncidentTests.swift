import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real incidents of tlsfit's reference (shared/reference/windows-update-endpoints.md), end to end:
/// `tlsfit diagnose` against local servers that play the update host (its key type, suites, chain
/// names and way of refusing), with the cause, the Windows error and the fix checked.
@Suite("Windows Update incidents", .serialized)
struct UpdateIncidentTests {
    /// A local server playing one update host from its built-in profile, and the roots to trust.
    final class HostLab: @unchecked Sendable {
        let host: String
        let server: LocalTLSServer
        let caFile: String
        let dir: URL
        /// The lab root's key as a pin set (update-pins.tsv format), for `--test-pins`: the lab plays
        /// Microsoft's chain with its own keys, which the built-in pins (Microsoft's real keys) refuse.
        let pinsFile: String

        init(host: String, proxy: Bool = false, configure: ((inout ServerConfiguration) -> Void)? = nil) throws {
            let builtIn = try #require(BuiltInServerProfile.forHost(host))
            self.host = host
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-incident-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let keyType = builtIn.profile.certificateKeyType ?? "RSA"
            let chain =
                proxy
                ? try LabChain.make(
                    host: host, intermediateName: "Contoso TLS Inspection Issuing CA",
                    rootName: "Contoso TLS Inspection Root CA", keyType: keyType)
                : try LabChain.make(
                    host: host, intermediateName: builtIn.expectedIntermediate!, rootName: builtIn.expectedRoot!,
                    keyType: keyType)
            caFile = dir.appendingPathComponent("roots.pem").path
            try chain.root.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            pinsFile = dir.appendingPathComponent("pins.tsv").path
            // An inspecting proxy's lab is pinned to another lab's "Microsoft" root, which its chain does not hold.
            let pinned =
                proxy
                ? try LabChain.make(
                    host: host, intermediateName: builtIn.expectedIntermediate!, rootName: builtIn.expectedRoot!,
                    keyType: keyType)
                : chain
            try pinned.pinsTSV().write(toFile: pinsFile, atomically: true, encoding: .utf8)
            var configuration = ServerProfileServer.configuration(
                builtIn.profile, credentials: [chain.leaf], chainPEM: chain.intermediate.certificatePEM,
                refusal: builtIn.refusal)
            configure?(&configuration)
            server = try LocalTLSServer(configuration: configuration)
        }

        func file(_ name: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func reg(_ name: String, _ body: String) throws -> String {
            try file(
                name, "Windows Registry Editor Version 5.00\r\n\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n")
            )
        }

        /// `diagnose HOST` dialling the lab, trusting its root, with the pin checked.
        /// `labPins: false`: Microsoft's real keys (built in), which no lab chain holds.
        func diagnose(_ extra: [String], labPins: Bool = true) throws -> (CLIResult, [String: Any], [String: Any]) {
            let result = try CLI.run(
                [
                    "diagnose", host, "--resolve", "\(host)=127.0.0.1:\(server.port)", "--ca-file", caFile,
                    "--check-pin",
                    "--timeout", "5", "--format", "json",
                ] + (labPins ? ["--test-pins", pinsFile] : []) + extra)
            let json = try CLI.json(result)
            let first = try #require((json["hosts"] as? [[String: Any]])?.first)
            return (result, json, first)
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    static func causes(_ host: [String: Any]) -> [[String: Any]] { host["causes"] as? [[String: Any]] ?? [] }
    static func observedKind(_ host: [String: Any]) -> String? {
        (host["observedFailure"] as? [String: Any])?["kind"] as? String
    }

    static let noECDSAPolicy = """
        [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]
        "Functions"="TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384"

        """
    static let dotNetOn = """
        [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]
        "SchUseStrongCrypto"=dword:00000001
        "SystemDefaultTlsVersions"=dword:00000001

        """

    // 1. Microsoft's 0x80072EFE article: a policy list without ECDHE-ECDSA against slscr (ECDSA certificate).
    @Test func incident1PolicyWithoutECDSAAgainstSlscr() throws {
        let lab = try HostLab(host: "slscr.update.microsoft.com")
        let config = try lab.reg("policy.reg", Self.noECDSAPolicy)
        let (result, json, host) = try lab.diagnose(["--config", config, "--windows", "windows-10-22h2"])
        #expect(result.exitCode == 1)
        #expect(json["role"] as? String == "client")
        #expect(Self.observedKind(host) == "alert-received")
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "no-shared-cipher")
        #expect(cause["windowsError"] as? String == "0x80072EFE")
        #expect(
            ((cause["fix"] as? [String: Any])?["gpo"] as? String)?.contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
                == true)
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
        #expect(host["builtInProfile"] as? String == "slscr")
        #expect(host["allowListPattern"] as? String == "*.update.microsoft.com")
        // A live scan measured the lab: it matches the built-in profile, so no drift.
        #expect(host["serverProfileSource"] as? String == "scan")
        #expect((host["drift"] as? [String])?.isEmpty == true)
        #expect(host["assumedFacts"] is NSNull)
    }

    // 2. WSUS sync: a 2012 R2 cipher-order GPO without ECDHE-RSA; sws resets after the ClientHello.
    @Test func incident2WSUSWithoutECDHERSAGetsAReset() throws {
        let lab = try HostLab(host: "sws.update.microsoft.com")
        let config = try lab.reg(
            "wsus.reg",
            Self.dotNetOn + """
                [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]
                "Functions"="TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_CBC_SHA256"

                """)
        let (result, json, host) = try lab.diagnose([
            "--config", config, "--windows", "server-2012r2", "--role", "wsus",
        ])
        #expect(result.exitCode == 1)
        #expect(json["stack"] as? String == "dotnet-framework")
        #expect(Self.observedKind(host) == "reset")
        #expect(lab.server.resets >= 1)
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "no-shared-cipher")
        #expect(cause["windowsError"] as? String == "0x80072EFE")
        // 2012 R2 names carry the curve suffix; there is no ECDHE-RSA GCM there.
        let gpo = try #require((cause["fix"] as? [String: Any])?["gpo"] as? String)
        #expect(gpo.contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"))
        #expect(!gpo.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM"))
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
    }

    // 3. 2012 R2 WSUS whose .NET Framework still sends TLS 1.0 (no SchUseStrongCrypto): sws resets.
    @Test func incident3WSUSSendingTLS10() throws {
        let lab = try HostLab(host: "sws.update.microsoft.com")
        let config = try lab.reg("wsus-old.reg", "")
        let (result, _, host) = try lab.diagnose(["--config", config, "--windows", "server-2012r2", "--role", "wsus"])
        #expect(result.exitCode == 1)
        #expect(Self.observedKind(host) == "reset")
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "dotnet-legacy-tls")
        #expect(cause["windowsError"] as? String == "0x80072EFE")
        // 2012 R2: security-only updates keep TLS 1.0
        #expect((cause["explanation"] as? String)?.contains("KB4022720") == true)
        let reg = try #require((cause["fix"] as? [String: Any])?["reg"] as? String)
        #expect(reg.contains(#"[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319]"#))
        #expect(reg.contains("\"SystemDefaultTlsVersions\"=dword:00000001"))
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
        // The same machine as a client (WinHTTP) offers TLS 1.2: the .NET values are the whole story.
        let client = try lab.diagnose(["--config", config, "--windows", "server-2012r2", "--role", "client"])
        #expect(client.0.exitCode == 0)
        #expect(client.2["observedFailure"] is NSNull)
    }

    // 4. Server 2022 images whose Functions lacked ECDSA suites broke PowerShell Gallery installs
    //    (d365fo.tools #874, #877). The gallery front end is played as TLS 1.2 only with an ECDSA
    //    certificate (an assumption of this test: TLS 1.3 would have saved these machines).
    @Test func incident4Server2022WithoutECDSAAgainstAnECDSAHost() throws {
        let host = "www.powershellgallery.com"
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Gallery Test CA")
        let leaf = try CertificateFactory.issue(
            CertificateSpec(commonName: host, dnsNames: [host], ipAddresses: ["127.0.0.1"], keyType: .ecdsaP256),
            issuer: ca)
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [leaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"))
        defer { server.stop() }
        let lab = try HostLab(host: "slscr.update.microsoft.com")  // for its folder
        let caFile = try lab.file("gallery-ca.pem", ca.certificatePEM)
        let config = try lab.reg("server2022.reg", Self.noECDSAPolicy)
        let result = try CLI.run([
            "diagnose", host, "--config", config, "--windows", "server-2022", "--resolve",
            "\(host)=127.0.0.1:\(server.port)",
            "--ca-file", caFile, "--format", "json",
        ])
        #expect(result.exitCode == 1)
        let json = try CLI.json(result)
        let h = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(h["builtInProfile"] is NSNull)
        #expect(h["allowListPattern"] is NSNull)
        let cause = try #require(Self.causes(h).first)
        #expect(cause["code"] as? String == "no-shared-cipher")
        #expect(cause["windowsError"] as? String == "0x80072EFE")
        #expect(
            ((cause["fix"] as? [String: Any])?["gpo"] as? String)?.contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
                == true)
        #expect(h["fixConfirmedOnWire"] as? Bool == true)
    }

    // 5. Windows 10 22H2: DisallowedCertLastSyncTime over 24 h old -> revocation offline -> 0x80072F8F,
    //    read from reg query output (PowerShell, UTF-16LE) and a WindowsUpdate.log with *FAILED* lines.
    @Test func incident5StaleDisallowedListFromRegQueryAndLog() throws {
        let lab = try HostLab(host: "slscr.update.microsoft.com")
        let logTime = "2023/05/04 10:13:02"
        let stale = try #require(InputTime.parseISO("2023-05-01T08:00:00Z"))
        let hex = RevocationListSync.filetime(stale).map { String(format: "%02X", $0) }.joined()
        let query =
            "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate\r\n    DisallowedCertLastSyncTime    REG_BINARY    \(hex)\r\n"
        let queryPath = lab.dir.appendingPathComponent("autoupdate.txt").path
        try Data([0xFF, 0xFE] + query.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(
            to: URL(fileURLWithPath: queryPath))
        let log = try lab.file(
            "WindowsUpdate.log",
            """
            2023/05/04 10:11:12.1234567 1234  5678  SLS             Making request with URL HTTPS://slscr.update.microsoft.com/SLS/{9482F4B4-E343-43B6-B170-9A65BC822C77}/x64/10.0.19045.2728/0?CH=686&L=en-US and send SLS events.
            2023/05/04 10:11:12.2234567 1234  5678  Misc            *FAILED* [80072F8F] Send request
            \(logTime).0000000 1234  5678  Misc            *FAILED* [80072F8F] GetDownloadedOnWeakSSLCert

            """)
        let result = try CLI.run([
            "diagnose", "--log", log, "--config", queryPath, "--resolve",
            "slscr.update.microsoft.com=127.0.0.1:\(lab.server.port)",
            "--ca-file", lab.caFile, "--check-pin", "--test-pins", lab.pinsFile, "--format", "json",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["windowsRelease"] as? String == "windows-10-22h2")  // from build 19045 in the URL
        #expect(json["windowsReleaseAssumed"] as? Bool == false)
        let sync = try #require(json["revocationListSync"] as? [String: Any])
        #expect(sync["stale"] as? Bool == true)
        #expect((sync["referenceSource"] as? String)?.hasSuffix("WindowsUpdate.log:3") == true)
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["slscr.update.microsoft.com"])
        let host = hosts[0]
        #expect(host["negotiated"] is [String: Any])  // the handshake itself works
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "revocation-offline")
        #expect(cause["windowsError"] as? String == "0x80072F8F")
        #expect((cause["evidence"] as? [[String: Any]])?.first?["file"] as? String == queryPath)
        #expect(host["logErrors"] as? [String] == ["0x80072F8F"])
        #expect(host["matchesLog"] as? Bool == true)
        // Without a time of its own the age cannot be judged: no cause.
        let undated = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", queryPath, "--windows", "win10", "--offline",
            "--format", "json",
        ])
        #expect(undated.exitCode == 0)
        #expect(((try CLI.json(undated))["revocationListSync"] as? [String: Any])?["stale"] is NSNull)
        // --as-of supplies it.
        let dated = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", queryPath, "--windows", "win10", "--offline",
            "--as-of", "2023-05-03T09:00:00Z",
        ])
        #expect(dated.exitCode == 1)
        #expect(dated.stdout.contains("[revocation-offline, 0x80072F8F]"))
    }

    // 6. Windows 7 with TLS 1.2 on in Schannel but no WinHTTP DefaultSecureProtocols, against a TLS 1.2-only host.
    @Test func incident6Windows7WithoutDefaultSecureProtocols() throws {
        let lab = try HostLab(host: "fe2cr.update.microsoft.com")
        let config = try lab.reg(
            "win7.reg",
            """
            [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client]
            "Enabled"=dword:00000001
            "DisabledByDefault"=dword:00000000

            """)
        let (result, _, host) = try lab.diagnose(["--config", config, "--windows", "windows-7"])
        #expect(result.exitCode == 1)
        #expect(Self.observedKind(host) == "alert-received")
        let cause = try #require(Self.causes(host).first)
        // Schannel has TLS 1.2 on; WinHTTP's defaults leave it out (issue #13: its own code, not protocol-disabled).
        #expect(cause["code"] as? String == "winhttp-default-protocols")
        #expect(
            ((cause["fix"] as? [String: Any])?["reg"] as? String)?.contains("\"DefaultSecureProtocols\"=dword:00000a00")
                == true)
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
    }

    // 7 and the pin: a TLS-inspecting proxy the machine trusts; a closed port; content over HTTP.
    @Test func inspectingProxyIsCertificateUntrustedWithBothSubjects() throws {
        let lab = try HostLab(host: "slscr.update.microsoft.com", proxy: true)
        let config = try lab.reg("healthy.reg", "")
        let (result, _, host) = try lab.diagnose(["--config", config, "--windows", "windows-10-22h2"])
        #expect(result.exitCode == 1)
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "certificate-untrusted")
        #expect(cause["windowsError"] as? String == "0x80072F8F")
        let values = (cause["evidence"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        #expect(
            values.contains {
                $0.hasPrefix(
                    "Microsoft ECC Update Secure Server CA 2.1 -> Microsoft ECC Product Root Certificate Authority 2018"
                )
            })
        #expect(
            values.contains {
                $0.contains("Contoso TLS Inspection Issuing CA") && $0.contains("Contoso TLS Inspection Root CA")
            })
        // The genuine lab chain passes the same check when its own root key is the pin...
        let genuine = try HostLab(host: "slscr.update.microsoft.com")
        #expect(try genuine.diagnose(["--config", config, "--windows", "windows-10-22h2"]).0.exitCode == 0)
        // ...and the pin is keys, not names: Microsoft's names over other keys, trusted by the machine, are
        // TLS inspection against the built-in pins (issue 25: "2 of 2 OK" before).
        let (copied, _, copiedHost) = try genuine.diagnose(
            ["--config", config, "--windows", "windows-10-22h2"], labPins: false)
        #expect(copied.exitCode == 1)
        let copyCause = try #require(Self.causes(copiedHost).first)
        #expect(copyCause["code"] as? String == "certificate-untrusted")
        #expect((copyCause["summary"] as? String)?.contains("Microsoft's names but not Microsoft's keys") == true)
        let copyValues = (copyCause["evidence"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        #expect(copyValues.contains { $0.contains("68ded9a203ff6e367e12aa49977cd200f7127a800faa6f859f0bafed8286a4fb") })
        // The handshake itself worked: an online run never says "not tried (offline)".
        let text = try CLI.run([
            "diagnose", genuine.host, "--resolve", "\(genuine.host)=127.0.0.1:\(genuine.server.port)", "--ca-file",
            genuine.caFile,
            "--check-pin", "--timeout", "5", "--config", config, "--windows", "windows-10-22h2",
        ])
        #expect(text.exitCode == 1)
        #expect(!text.stdout.contains("not tried (offline)"), "\(text.stdout)")
        #expect(text.stdout.contains("Handshake:  TLSv1."), "\(text.stdout)")
    }

    @Test func blockedPortsAndPlainHTTPContent() throws {
        let http = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        }
        defer { http.stop() }
        let closed = freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("healthy.reg").path
        try "Windows Registry Editor Version 5.00\r\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try CLI.run([
            "diagnose", "download.windowsupdate.com:80", "ctldl.windowsupdate.com:80", "--config", config, "--windows",
            "win10",
            "--resolve", "download.windowsupdate.com=127.0.0.1:\(http.port)", "--resolve",
            "ctldl.windowsupdate.com=127.0.0.1:\(closed)",
            "--timeout", "3", "--format", "json",
        ])
        // Port 80 blocked from here: the network, not the configuration (exit 3).
        #expect(result.exitCode == 3)
        let hosts = try #require(try CLI.json(result)["hosts"] as? [[String: Any]])
        #expect(hosts[0]["outcome"] as? String == "ok")
        #expect(hosts[0]["scheme"] as? String == "http")
        #expect(hosts[0]["allowListPattern"] as? String == "*.windowsupdate.com")
        let cause = try #require(Self.causes(hosts[1]).first)
        #expect(cause["code"] as? String == "http-blocked")
        #expect(cause["windowsError"] as? String == "0x80072EFD")
        // Every port-443 connection refused: port 443 blocked is its own finding.
        let blocked = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "fe2cr.update.microsoft.com", "--config", config, "--windows",
            "win10",
            "--connect", "127.0.0.1:\(closed)", "--timeout", "3", "--format", "json",
        ])
        let json = try CLI.json(blocked)
        #expect(json["blockedPorts"] as? [Int] == [443])
        #expect(
            Self.causes(try #require((json["hosts"] as? [[String: Any]])?.first)).first?["windowsError"] as? String
                == "0x80072EFD")
    }

    // Drift: the lab slscr also accepts TLS 1.3 and an ECDHE-ECDSA CBC suite; the built-in profile does not say so.
    @Test func liveScanWinsAndDriftIsShown() throws {
        let lab = try HostLab(host: "slscr.update.microsoft.com") { c in
            c.maxVersion = .tls13
            c.cipherString = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384"
            c.tls13CipherSuites = "TLS_AES_256_GCM_SHA384"
        }
        let config = try lab.reg("healthy.reg", "")
        let (result, _, host) = try lab.diagnose(["--config", config, "--windows", "windows-11"])
        #expect(result.exitCode == 0)
        #expect((host["negotiated"] as? [String: Any])?["protocol"] as? String == "TLSv1.3")
        let drift = try #require(host["drift"] as? [String])
        #expect(drift.contains { $0.hasPrefix("protocols: built-in TLSv1.2") && $0.hasSuffix("live TLSv1.3, TLSv1.2") })
        #expect(
            drift.contains {
                $0.contains("accepted live but not in the built-in profile: TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")
            })
        let text = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--resolve",
            "slscr.update.microsoft.com=127.0.0.1:\(lab.server.port)",
            "--ca-file", lab.caFile, "--config", config, "--windows", "windows-11",
        ])
        #expect(text.stdout.contains("DRIFT from the built-in profile 'slscr'"))
    }

    // Offline, a known host uses its built-in profile without being told, and every format names the assumed facts.
    @Test func offlineKnownHostNamesItsAssumedFacts() throws {
        let lab = try HostLab(host: "fe3cr.delivery.mp.microsoft.com")
        let config = try lab.reg("policy.reg", Self.noECDSAPolicy)
        let json = try CLI.json(
            try CLI.run([
                "diagnose", "fe3cr.delivery.mp.microsoft.com", "--config", config, "--windows", "win10", "--offline",
                "--format", "json",
            ]))
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(host["serverProfileSource"] as? String == "built-in")
        #expect((Self.causes(host).first)?["code"] as? String == "no-shared-cipher")
        let facts = try #require(host["assumedFacts"] as? [[String: Any]])
        #expect(facts.map { $0["name"] as? String } == ["protocols", "suites", "refusal", "groups"])
        #expect(facts.allSatisfy { $0["confidence"] as? String == "assumed" })
        for format in ["text", "markdown", "html"] {
            let out = try CLI.run([
                "diagnose", "fe3cr.delivery.mp.microsoft.com", "--config", config, "--windows", "win10", "--offline",
                "--format", format,
            ])
            #expect(
                out.stdout.contains("Rests on assumed facts (built-in profile &#39;fe3cr&#39;)")
                    || out.stdout.contains("Rests on assumed facts (built-in profile 'fe3cr')")
                    || out.stdout.contains("Rests on assumed facts (built-in profile \\'fe3cr\\')"), "\(format)")
        }
        // --server-profile wins over the built-in knowledge.
        let saved = try lab.file(
            "fe3cr.json",
            try ServerProfileStore.encode([
                {
                    var p = BuiltInServerProfile.named("fe2-sls")!.profile
                    p.host = "fe3cr.delivery.mp.microsoft.com"
                    p.source = "scan"
                    return p
                }()
            ]))
        let fromFile = try CLI.json(
            try CLI.run([
                "diagnose", "fe3cr.delivery.mp.microsoft.com", "--config", config, "--windows", "win10", "--offline",
                "--server-profile", saved, "--format", "json",
            ]))
        let fileHost = try #require((fromFile["hosts"] as? [[String: Any]])?.first)
        #expect(fileHost["serverProfileSource"] as? String == "file")
        #expect(fileHost["outcome"] as? String == "ok")
        #expect((fileHost["drift"] as? [String])?.contains { $0.hasPrefix("certificate key: built-in EC") } == true)
    }

    // Microsoft's article, from the log: FAILED [80072EFE] against slscr, diagnosed offline for the build in the URL.
    @Test func logWithFAILEDMatchesThePrediction() throws {
        let lab = try HostLab(host: "slscr.update.microsoft.com")
        let config = try lab.reg("policy.reg", Self.noECDSAPolicy)
        let log = try lab.file(
            "WindowsUpdate.log",
            """
            2024/09/12 08:00:00.0000000 1111  2222  SLS             Making request with URL HTTPS://slscr.update.microsoft.com/SLS/{9482F4B4-E343-43B6-B170-9A65BC822C77}/x64/10.0.22631.4169/0?CH=1 and send SLS events.
            2024/09/12 08:00:01.0000000 1111  2222  Misc            FAILED [80072EFE] Send request

            """)
        let result = try CLI.run(["diagnose", "--log", log, "--config", config, "--offline"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.unwrapped.contains("Client: Windows 11 23H2, configuration from"))
        #expect(
            result.stdout.unwrapped.contains(
                "WindowsUpdate.log \(log): OS 10.0.22631.4169 -> Windows 11 23H2; failed: slscr.update.microsoft.com 0x80072EFE"
            ))
        #expect(
            result.stdout.unwrapped.contains("WindowsUpdate.log shows 0x80072EFE; tlsfit predicts 0x80072EFE: matches"))
        // A log that is not one: exit 2, the file named.
        let bad = try lab.file("notes.txt", "just some text\n")
        let refused = try CLI.run(["diagnose", "--log", bad, "--config", config, "--offline"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("notes.txt:1: not a WindowsUpdate.log"))
    }

    // A log naming a plain-HTTP server (an internal WSUS on 8530): checked over HTTP, and the log's error compared.
    @Test func logWithAnHTTPURLIsCheckedWithoutTLS() throws {
        let http = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".utf8))
        }
        defer { http.stop() }
        let lab = try HostLab(host: "slscr.update.microsoft.com")  // for its folder
        let log = try lab.file(
            "WindowsUpdate.log",
            """
            2024/09/12 09:00:00.0000000 1111  2222  ProtocolTalker  Making request with URL http://wsus.contoso.test:\(http.port)/ClientWebService/client.asmx
            2024/09/12 09:00:01.0000000 1111  2222  ProtocolTalker  *FAILED* [80072EFD] Send request

            """)
        let result = try CLI.run([
            "diagnose", "--log", log, "--resolve", "wsus.contoso.test=127.0.0.1", "--timeout", "3", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let host = try #require((try CLI.json(result)["hosts"] as? [[String: Any]])?.first)
        #expect(host["scheme"] as? String == "http")
        #expect(host["outcome"] as? String == "ok")  // any HTTP answer, even 403, means the path is open
        #expect(host["logErrors"] as? [String] == ["0x80072EFD"])
        #expect(host["matchesLog"] as? Bool == false)
    }

    // The time a gpresult report was read is the moment the inputs describe, when nothing newer is given.
    @Test func gpresultReadTimeJudgesTheRevocationListAge() throws {
        let gpresult = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSFitCoreTests/Fixtures/windows/gpresult/gpresult-utf16.xml").path
        let lab = try HostLab(host: "slscr.update.microsoft.com")  // for its folder
        let lastSync = try #require(InputTime.parseISO("2026-11-18T09:00:00Z"))  // 49 hours before ReadTime
        let hex = RevocationListSync.filetime(lastSync).map { String(format: "%02X", $0) }.joined()
        let query = try lab.file(
            "autoupdate.txt",
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate\n    DisallowedCertLastSyncTime    REG_BINARY    \(hex)\n"
        )
        let result = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", gpresult, query, "--windows", "win10", "--offline",
            "--server-profile", "windows-update", "--format", "json",
        ])
        let json = try CLI.json(result)
        let sync = try #require(json["revocationListSync"] as? [String: Any])
        #expect(sync["referenceSource"] as? String == "\(gpresult) ReadTime")
        #expect(sync["ageHours"] as? Double == 49)
        #expect(sync["stale"] as? Bool == true)
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(Self.causes(host).contains { $0["code"] as? String == "revocation-offline" })
        // --as-of wins when it is newer; an older one does not move the reference back.
        let older = try CLI.json(
            try CLI.run([
                "diagnose", "slscr.update.microsoft.com", "--config", gpresult, query, "--windows", "win10",
                "--offline",
                "--as-of", "2026-11-18T10:00:00Z", "--format", "json",
            ]))
        #expect(
            (older["revocationListSync"] as? [String: Any])?["referenceSource"] as? String == "\(gpresult) ReadTime")
    }
}
