import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// `diagnose`, `probe`, `scan` and `report` through real proxies on 127.0.0.1, each with a direct
/// run beside it that shows the difference.
@Suite("Through a proxy: the commands", .serialized)
struct ProxyCommandTests {
    static var lab: DiagnoseLab { .shared }
    static let fe2 = "fe2.update.microsoft.com"
    static let sls = "sls.update.microsoft.com"
    static var healthy: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("CipherSuites/examples/healthy.reg").path
    }

    static func netsh(_ proxy: String?) throws -> String {
        let text =
            proxy.map {
                "Current WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  \($0)\r\n    Bypass List     :  (none)\r\n"
            }
            ?? "Current WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n"
        return try lab.file("netsh.txt", text)
    }

    static func hosts(_ result: CLIResult) throws -> [[String: Any]] {
        try #require(try CLI.json(result)["hosts"] as? [[String: Any]])
    }

    static func causes(_ host: [String: Any]) -> [[String: Any]] { host["causes"] as? [[String: Any]] ?? [] }

    var port: Int { Self.lab.windowsUpdate.port }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func machineProxyFromNetshBlocksOneHostAndPassesTheOther() throws {
        let proxy = try ProxyProcess.tinyproxy(allow: ["^localhost$"])
        defer { proxy.stop() }
        let args = [
            "diagnose", Self.fe2, Self.sls, "--config", Self.healthy, try Self.netsh("127.0.0.1:\(proxy.port)"),
            "--resolve", "\(Self.fe2)=localhost:\(port)", "--resolve", "\(Self.sls)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--timeout", "5",
        ]
        let result = try CLI.run(args + ["--format", "json"])
        // The configuration works with both; only the path from here fails for one: exit 3.
        #expect(result.exitCode == 3, "\(result.stderr)")
        let hosts = try Self.hosts(result)
        #expect((hosts[1]["configuration"] as? [String: Any])?["outcome"] as? String == "ok")
        #expect((hosts[1]["fromHere"] as? [String: Any])?["outcome"] as? String == "unreached")
        #expect(hosts[0]["outcome"] as? String == "ok")
        #expect(hosts[0]["path"] as? String == "http://127.0.0.1:\(proxy.port)")
        #expect(hosts[1]["outcome"] as? String == "fails")
        let cause = try #require(Self.causes(hosts[1]).first)
        #expect(cause["code"] as? String == "proxy-blocked")
        #expect(cause["windowsError"] as? String == "0x80244018")
        #expect((hosts[1]["proxy"] as? [String: Any])?["status"] as? Int == 403)

        // Beside it, direct: both work.
        let direct = try CLI.run(args + ["--no-proxy", "--format", "json"])
        #expect(direct.exitCode == 0, "\(direct.stdout)")
        #expect(
            try Self.hosts(direct).allSatisfy { $0["path"] as? String == "direct" && $0["outcome"] as? String == "ok" })

        let text = try CLI.run(args)
        #expect(
            text.stdout.unwrapped.contains(
                "Path:       http://127.0.0.1:\(proxy.port) (CONNECT 127.0.0.1:\(port) HTTP/1.1 -> HTTP/1.1 403 Filtered)"
            ))
        #expect(text.stdout.contains("Cause 1 [proxy-blocked, 0x80244018]"))
    }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func basicAuthenticationAndCredentialsNeverShown() throws {
        let proxy = try ProxyProcess.tinyproxy(basicAuth: ("alice", "s3cret"))
        defer { proxy.stop() }
        let base = [
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=127.0.0.1:\(port)", "--ca-file",
            Self.lab.caFile,
            "--server-profile", "windows-update", "--format", "json",
        ]
        let good = try CLI.run(base + ["--proxy", proxy.url(user: "alice", password: "s3cret")])
        #expect(good.exitCode == 0, "\(good.stdout)")
        #expect(!good.stdout.contains("s3cret") && !good.stderr.contains("s3cret") && !good.stdout.contains("alice:"))
        let anonymous = try CLI.run(base + ["--proxy", proxy.url()])
        // The proxy stops it from here; the configuration works: exit 3.
        #expect(anonymous.exitCode == 3)
        let cause = try #require(Self.causes(try Self.hosts(anonymous)[0]).first)
        #expect(cause["code"] as? String == "proxy-auth")
        #expect(cause["windowsError"] as? String == "0x8024401B")
        let wrong = try CLI.run(base + ["--proxy", proxy.url(user: "alice", password: "wrong")])
        let refused = Self.causes(try Self.hosts(wrong)[0]).first
        #expect(refused?["code"] as? String == "proxy-auth")
        #expect(
            (refused?["explanation"] as? String)?.contains("Basic credentials given were refused") == true,
            "\(String(describing: refused))")
        // tinyproxy answers refused credentials with 401: the agent's WU_E_PT_HTTP_STATUS_DENIED.
        #expect(refused?["windowsError"] as? String == "0x80244017")
        #expect(!wrong.stdout.contains("wrong"))
    }

    @Test func ntlmOnlyProxyNamesTheSchemes() throws {
        let ntlm = AuthDemandingProxy(schemes: ["NTLM", "Negotiate"])
        defer { ntlm.stop() }
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--proxy",
            "http://127.0.0.1:\(ntlm.port)",
        ])
        #expect(result.exitCode == 3)
        #expect(
            result.stdout.unwrapped.contains(
                "Cause 1 [proxy-auth, 0x8024401B]: the proxy http://127.0.0.1:\(ntlm.port) asks for authentication (407, NTLM, Negotiate)"
            ))
        #expect(result.stdout.unwrapped.contains("It accepts only Windows integrated"))
    }

    @Test func unreachableProxy() throws {
        let dead = freePort()
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--proxy", "http://127.0.0.1:\(dead)",
            "--format", "json",
        ])
        let cause = try #require(Self.causes(try Self.hosts(result)[0]).first)
        #expect(cause["code"] as? String == "proxy-unreachable")
        #expect(cause["windowsError"] as? String == "0x80072EFD")
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func tlsInspectionNamesTheProxysCA() throws {
        let inspection = try CertificateFactory.makeCA(commonName: "Contoso TLS Inspection CA")
        let proxy = try ProxyProcess.squid(tls: .bump(ca: inspection, upstreamCAFile: Self.lab.caFile))
        defer { proxy.stop() }
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--proxy", proxy.url(), "--format",
            "json",
        ])
        #expect(result.exitCode == 1)
        let host = try Self.hosts(result)[0]
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "certificate-untrusted")
        #expect(cause["windowsError"] as? String == "0x80072F8F")
        #expect((cause["rootSubject"] as? String)?.contains("Contoso TLS Inspection CA") == true)
        #expect((cause["explanation"] as? String)?.contains("pins") == true)
        #expect(host["directOutcome"] as? String == "ok")
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func proxyClosingTheTunnelAfterTheClientHelloIsItsOwnPolicy() throws {
        let proxy = try ProxyProcess.squid(tls: .terminateAfterClientHello)
        defer { proxy.stop() }
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--proxy", proxy.url(), "--format",
            "json",
        ])
        #expect(result.exitCode == 1)
        let host = try Self.hosts(result)[0]
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "tls-aborted")
        #expect((cause["explanation"] as? String)?.contains("the proxy's own TLS policy") == true)
        #expect(host["directOutcome"] as? String == "ok")
        #expect(host["agrees"] is NSNull || host["agrees"] as? Bool == false)
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func winHTTPWithoutProxyWhereTheNetworkNeedsOne() throws {
        // The proxy resolves a name this machine cannot: only through it is the server reachable.
        let proxy = try ProxyProcess.squid(hosts: ["wu-lab.invalid": "127.0.0.1"])
        defer { proxy.stop() }
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, try Self.netsh(nil),
            "--resolve", "\(Self.fe2)=wu-lab.invalid:\(port)", "--ca-file", Self.lab.caFile,
            "--server-profile", "windows-update", "--proxy", proxy.url(), "--format", "json",
        ])
        #expect(result.exitCode == 1, "\(result.stdout)")
        let host = try Self.hosts(result)[0]
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "winhttp-proxy-missing")
        #expect(cause["windowsError"] as? String == "0x80072EE7")
        let evidence = cause["evidence"] as? [[String: Any]] ?? []
        #expect(evidence.contains { $0["file"] as? String == "CipherSuites/update-agent-proxy.tsv" })
        #expect(
            (cause["fix"] as? [String: Any])?["description"] as? String
                == "Give WinHTTP the proxy: netsh winhttp set proxy 127.0.0.1:\(proxy.port) bypass-list=\"<local>\" (or netsh winhttp import proxy source=ie), or publish WPAD."
        )
    }

    /// A name the proxy cannot resolve, with a real resolver's NXDOMAIN behind squid: squid 5.7
    /// answers the CONNECT with 500 and `X-Squid-Error: ERR_CANNOT_FORWARD`, not ERR_DNS_FAIL, so
    /// nothing in the answer says it was the name. tlsfit reports the proxy failing to reach the
    /// host, says a name the proxy cannot resolve shows this way, and gives the status's code; it
    /// does not claim `proxy-name-not-resolved`, which needs the proxy to say so (unit-tested in
    /// ProxyAnswerTests).
    @Test(.enabled(if: ProxyProcess.squidInstalled && getuid() == 0))
    func aNameTheProxyCannotResolve() throws {
        let dns = try #require(NXDomainServer.start())
        defer { dns.stop() }
        let proxy = try ProxyProcess.squid(nameserver: dns.address)
        defer { proxy.stop() }
        let result = try CLI.run([
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve", "\(Self.fe2)=nowhere-lab.invalid:\(port)",
            "--ca-file", Self.lab.caFile, "--server-profile", "windows-update", "--proxy", proxy.url(),
            "--format", "json", "--timeout", "10",
        ])
        #expect(result.exitCode == 3, "\(result.stdout)")
        let host = try Self.hosts(result)[0]
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "tcp-blocked", "\(cause)")
        #expect((host["proxy"] as? [String: Any])?["status"] as? Int == 500)
        #expect(cause["windowsError"] as? String == "0x8024401F")
        #expect((cause["explanation"] as? String)?.contains("A name the proxy cannot resolve") == true)
    }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func probeScanAndReportGoThroughTheProxy() throws {
        let proxy = try ProxyProcess.tinyproxy()
        defer { proxy.stop() }
        let probe = try CLI.run([
            "probe", Self.fe2, "--connect", "127.0.0.1:\(port)", "--ca-file", Self.lab.caFile, "--proxy", proxy.url(),
            "--format", "json",
        ])
        #expect(probe.exitCode == 0)
        let json = try CLI.json(probe)
        #expect(json["path"] as? String == "http://127.0.0.1:\(proxy.port)")
        #expect((json["proxy"] as? [String: Any])?["request"] as? String == "CONNECT 127.0.0.1:\(port) HTTP/1.1")

        // The bypass list sends the host direct: the dead proxy is never dialled.
        let bypassed = try CLI.run([
            "probe", Self.fe2, "--connect", "127.0.0.1:\(port)", "--ca-file", Self.lab.caFile,
            "--proxy", "http://127.0.0.1:\(freePort())", "--proxy-bypass", "<local>;*.update.microsoft.com",
        ])
        #expect(bypassed.exitCode == 0)
        #expect(bypassed.stdout.contains("Path    direct"))

        let scan = try CLI.run([
            "scan", Self.fe2, "--connect", "127.0.0.1:\(port)", "--ca-file", Self.lab.caFile, "--proxy", proxy.url(),
            "--format", "json", "--quiet",
        ])
        #expect(scan.exitCode == 0, "\(scan.stderr)")
        let profile = try #require((try CLI.json(scan)["hosts"] as? [[String: Any]])?.first)
        #expect(profile["path"] as? String == "http://127.0.0.1:\(proxy.port)")
        #expect((profile["connections"] as? Int ?? 0) > 5)

        let report = try CLI.run([
            "report", Self.fe2, "--candidate", "healthy=" + Self.healthy, "--windows", "server-2022", "--resolve",
            "\(Self.fe2)=127.0.0.1:\(port)",
            "--ca-file", Self.lab.caFile, "--proxy", "http://127.0.0.1:\(freePort())", "--format", "json",
        ])
        // Through a dead proxy every cell fails at the proxy, not at TLS.
        #expect(report.stdout.contains("proxy-unreachable"), "\(report.stdout.prefix(400)) \(report.stderr)")
    }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func plainHTTPOnPort80GoesAsAProxiedRequest() throws {
        let web = RawTCPServer { fd in
            // The whole request head first: a proxy sends it in pieces.
            var head: [UInt8] = []
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]), head.count < 16384 {
                let chunk = RawTCPServer.readSome(fd, limit: 1)
                if chunk.isEmpty { return }
                head += chunk
            }
            RawTCPServer.write(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8))
        }
        defer { web.stop() }
        let proxy = try ProxyProcess.tinyproxy(allow: ["^localhost$"])
        defer { proxy.stop() }
        let host = "download.windowsupdate.com"
        let args = [
            "diagnose", "\(host):80", "--config", Self.healthy, "--resolve", "\(host):80=127.0.0.1:\(web.port)",
            "--format", "json",
        ]
        let blocked = try CLI.run(args + ["--proxy", proxy.url()])
        #expect(blocked.exitCode == 3, "\(blocked.stdout)")
        let h = try Self.hosts(blocked)[0]
        #expect((h["proxy"] as? [String: Any])?["request"] as? String == "GET http://127.0.0.1:\(web.port)/ HTTP/1.1")
        // A proxy cause with the proxy's status, never a TLS cause: there is no TLS on port 80.
        #expect(Self.causes(h).map { $0["code"] as? String } == ["proxy-blocked"])
        #expect((Self.causes(h).first?["summary"] as? String)?.contains("refuses the request for") == true)
        #expect((Self.causes(h).first?["summary"] as? String)?.contains("403") == true)
        #expect((h["configuration"] as? [String: Any])?["outcome"] as? String == "not-applicable")
        // A proxy that cannot be reached at all: still a proxy cause, not tls-aborted.
        let gone = try CLI.run(args + ["--proxy", "http://127.0.0.1:\(freePort())"])
        #expect(gone.exitCode == 3, "\(gone.stdout)")
        #expect(Self.causes(try Self.hosts(gone)[0]).map { $0["code"] as? String } == ["proxy-unreachable"])
        let direct = try CLI.run(args)
        #expect(direct.exitCode == 0, "\(direct.stdout)")

        let probe = try CLI.run(["probe", host, "--http", "--connect", "localhost:\(web.port)", "--proxy", proxy.url()])
        #expect(probe.exitCode == 0, "\(probe.stdout)")
        #expect(probe.stdout.contains("HTTP    GET http://localhost:\(web.port)/ HTTP/1.1 -> HTTP/1.1 200 OK"))
    }

    @Test(arguments: [
        (["probe", "h", "--proxy", "https://p:443"], "--proxy"),
        (["probe", "h", "--proxy", "http://p:1", "--no-proxy"], "--no-proxy"),
        (["scan", "h", "--proxy-bypass", "<local>"], "--proxy-bypass"),
        (["diagnose", "h", "--config", healthy, "--proxy", "http://p:99999"], "--proxy"),
    ])
    func badProxyInputIsExitTwo(args: [String], option: String) throws {
        let result = try CLI.run(args)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(option), "\(result.stderr)")
    }
}
