import CipherSuites
import Foundation
import Testing

@testable import TLSFitCore

@Suite("Network path: --proxy, bypass lists, WinHttpSettings, netsh")
struct NetworkPathTests {
    // MARK: --proxy

    @Test(arguments: [
        ("http://10.0.0.8:3128", "10.0.0.8", 3128, nil as String?),
        ("proxy.contoso.com:8080", "proxy.contoso.com", 8080, nil),
        ("proxy.contoso.com", "proxy.contoso.com", 80, nil),
        ("http://alice:s3cret@127.0.0.1:3128/", "127.0.0.1", 3128, "alice"),
        ("http://dom%5Calice:p%40ss@[::1]:3128", "::1", 3128, "dom\\alice"),
    ])
    func parsesProxyAddresses(text: String, host: String, port: Int, user: String?) throws {
        let proxy = try HTTPProxy(parsing: text)
        #expect(proxy.host == host)
        #expect(proxy.port == port)
        #expect(proxy.credentials?.user == user)
        // Never the credentials in what is shown.
        #expect(!proxy.description.contains("s3cret") && !proxy.description.contains("@"))
        #expect(!NetworkPath.proxy(proxy).description.contains("alice"))
    }

    @Test func credentialsBecomeABasicHeaderAndStayHidden() throws {
        let proxy = try HTTPProxy(parsing: "http://alice:s3cret@p:1")
        #expect(proxy.credentials?.basicAuthorization == "Basic YWxpY2U6czNjcmV0")
        #expect(proxy.credentials?.password == "s3cret")
        #expect("\(proxy.credentials!)" == "alice:***")
    }

    @Test(arguments: [
        "https://p:443", "socks5://p:1080", "http://p:0", "http://p:99999", "http://p:1/path", "", "http://:pw@p:1",
    ])
    func rejectsBadProxies(text: String) {
        #expect(throws: InputError.self) { try HTTPProxy(parsing: text) }
    }

    // MARK: bypass

    @Test func bypassFollowsWinHTTPSyntax() {
        let list = ProxyBypassList(parsing: "<local>; *.contoso.com 10.* wsus01:8530;http://fe2.update.microsoft.com")
        #expect(list.entries.count == 5)
        #expect(list.matches(host: "intranet", port: 443))  // <local>: no dot
        #expect(!list.matches(host: "intranet.example", port: 443))
        #expect(list.matches(host: "WWW.Contoso.com", port: 443))
        #expect(!list.matches(host: "contoso.com.evil.example", port: 443))
        #expect(list.matches(host: "10.1.2.3", port: 443))
        #expect(list.matches(host: "wsus01", port: 8530))
        #expect(list.matches(host: "fe2.update.microsoft.com", port: 443))
        #expect(!list.matches(host: "sls.update.microsoft.com", port: 443))
        let path = NetworkPath.proxy(HTTPProxy(host: "p", port: 1, bypass: list))
        #expect(path.route(host: "www.contoso.com", port: 443) == .direct)
        #expect(path.route(host: "sls.update.microsoft.com", port: 443) == path)
    }

    @Test func wildcardMatchingIsLinearOnHostileInput() {
        let pattern = Array(String(repeating: "*a", count: 200).utf8)
        let text = Array(String(repeating: "a", count: 2000).utf8) + [UInt8(ascii: "b")]
        #expect(!ProxyBypassList.wildcardMatch(pattern, text))
    }

    // MARK: WinHttpSettings

    @Test func decodesRealShapedValues() throws {
        let direct = try WindowsFixtures.config(["proxy/winhttp-direct.reg"])
        let d = try MachineProxyConfiguration.read(from: direct.registry)
        #expect(d.winHTTP?.settings.version == 0x18)
        #expect(d.winHTTP?.settings.usesNamedProxy == false)
        #expect(d.winHTTPPath == .direct)

        let named = try MachineProxyConfiguration.read(
            from: try WindowsFixtures.config(["proxy/winhttp-proxy.reg"]).registry)
        #expect(named.winHTTP?.settings.proxyServer == "proxy.contoso.com:8080")
        #expect(named.winHTTPPath.description == "http://proxy.contoso.com:8080")
        #expect(named.winHTTP?.source.line == 4)

        let bypass = try MachineProxyConfiguration.read(
            from: try WindowsFixtures.config(["proxy/winhttp-proxy-bypass.reg"]).registry)
        let setting = try #require(bypass.winHTTP)
        #expect(setting.settings.counter == 2)
        #expect(setting.settings.bypassList == "<local>;*.contoso.com;wsus01")
        #expect(setting.path.proxy?.host == "10.0.0.8" && setting.path.proxy?.port == 3128)
        #expect(setting.path.route(host: "wsus01", port: 8530) == .direct)
        #expect(setting.path.route(host: "fe2.update.microsoft.com", port: 443) == setting.path)
    }

    @Test func readsTheUsersProxyBesideWinHTTPs() throws {
        let config = try WindowsFixtures.config(["proxy/winhttp-direct-user-proxy.reg"])
        let machine = try MachineProxyConfiguration.read(from: config.registry)
        #expect(machine.winHTTPPath == .direct)
        #expect(machine.user?.settings.version == 0x46)
        #expect(machine.user?.path.description == "http://10.0.0.8:3128")
    }

    @Test func aTruncatedValueNamesFileLineAndByte() throws {
        let config = try WindowsFixtures.config(["proxy/winhttp-truncated.reg"])
        let error = #expect(throws: InputError.self) { try MachineProxyConfiguration.read(from: config.registry) }
        #expect(error?.source == "proxy/winhttp-truncated.reg")
        #expect(error?.line == 4)
        #expect(error?.message.contains("byte 12") == true)
    }

    @Test func encodingRoundTrips() throws {
        let s = WinHTTPProxySettings.netsh(proxy: "http=p:80;https=sp:8443", bypass: "<local>")
        #expect(try WinHTTPProxySettings(bytes: s.encoded()) == s)
        #expect(s.proxyEntry(forScheme: "https") == "sp:8443")
        #expect(s.proxyEntry(forScheme: "http") == "p:80")
        #expect(
            WinHTTPProxySettings.netsh(proxy: nil).encoded() == [
                0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ])
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 14)
        let seeds = [
            WinHTTPProxySettings.netsh(proxy: "10.0.0.8:3128", bypass: "<local>").encoded(),
            WinHTTPProxySettings.netsh(proxy: nil).encoded(),
        ]
        var decoded = 0
        for i in 0..<20_000 {
            var bytes: [UInt8]
            switch i % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1: bytes = Array(seeds[i % 2].prefix(Int.random(in: 0...seeds[i % 2].count, using: &rng)))
            default:
                bytes = seeds[i % 2]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            if let s = try? WinHTTPProxySettings(bytes: bytes) {
                decoded += 1
                _ = try? s.networkPath(source: "fuzz")
                _ = s.summary
            }
        }
        #expect(decoded > 0)
    }

    @Test func theUpdateAgentProxyRulesLoad() throws {
        let rules = try UpdateAgentProxyRule.load(CipherSuitesData.updateAgentProxyTSV)
        #expect(rules.map(\.id) == ["service", "scan-fallback", "wsus-scan", "other"])
        #expect(UpdateAgentProxyRule.all == rules)
        #expect(UpdateAgentProxyRule.rule("service")?.proxy == "winhttp")
        #expect(UpdateAgentProxyRule.rule("service")?.evidence.file == "CipherSuites/update-agent-proxy.tsv")
    }

    // MARK: netsh winhttp show proxy

    @Test func readsNetshOutput() throws {
        let direct = try WindowsFixtures.document("proxy/netsh-direct.txt")
        #expect(direct.format == .netshWinHTTPProxy)
        let d = try MachineProxyConfiguration.read(from: RegistrySnapshot(documents: [direct]))
        #expect(d.winHTTPPath == .direct)

        let proxy = try MachineProxyConfiguration.read(
            from: RegistrySnapshot(documents: [try WindowsFixtures.document("proxy/netsh-proxy.txt")]))
        #expect(proxy.winHTTP?.source.line == 4)
        #expect(proxy.winHTTPPath.proxy?.host == "10.0.0.8")
        #expect(proxy.winHTTPPath.proxy?.bypass.entries == ["<local>", "*.contoso.com"])

        let scheme = try MachineProxyConfiguration.read(
            from: RegistrySnapshot(documents: [try WindowsFixtures.document("proxy/netsh-proxy-nobypass.txt")]))
        #expect(scheme.winHTTPPath.description == "http://sproxy.contoso.com:8443")
        #expect(scheme.winHTTPPath.proxy?.bypass.isEmpty == true)

        // Another language: read by shape (header naming WinHTTP, then label : value lines).
        let german = try MachineProxyConfiguration.read(
            from: RegistrySnapshot(documents: [try WindowsFixtures.document("proxy/netsh-proxy-de.txt")]))
        #expect(german.winHTTPPath.proxy?.port == 3128)
        #expect(german.winHTTPPath.proxy?.bypass.entries == ["<local>"])
    }

    @Test func aBadNetshProxyNamesItsLine() {
        let text = "Current WinHTTP proxy settings:\n\n    Proxy Server(s) :  https://p:443\n"
        let error = #expect(throws: InputError.self) {
            try WindowsConfigFormatDetector.parse(Array(text.utf8), source: "netsh.txt")
        }
        #expect(error?.description.hasPrefix("netsh.txt:3") == true)
    }
}
