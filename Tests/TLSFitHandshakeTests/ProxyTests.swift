import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// Handshakes through real proxies started on 127.0.0.1 (tinyproxy, squid from squid-openssl, and
/// a tiny 407 proxy), each beside a direct handshake to the same server.
@Suite("Through a proxy", .serialized)
struct ProxyTests {
    static let pki = TestPKI.shared
    static let host = TestPKI.updateHost

    static func server() throws -> LocalTLSServer {
        try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf], maxVersion: .tls12))
    }

    /// One verified handshake as fe2.update.microsoft.com, dialled at `address:port`, along `path`.
    static func handshake(_ address: String, _ port: Int, path: NetworkPath, timeout: Double = 5) -> HandshakeOutcome {
        var request = HandshakeRequest(
            host: host, connectAddress: address, connectPort: port, sni: host, minVersion: .tls12,
            maxVersion: .tls13, timeout: timeout, caFile: pki.caFile)
        request.path = path
        return TLSClient.handshake(request)
    }

    static func proxy(_ url: String) throws -> NetworkPath { .proxy(try HTTPProxy(parsing: url)) }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func tinyproxyAllowListAndBasicAuthentication() throws {
        let server = try Self.server()
        defer { server.stop() }
        let proxy = try ProxyProcess.tinyproxy(allow: ["^localhost$"], basicAuth: ("alice", "s3cret"))
        defer { proxy.stop() }
        let withCredentials = try Self.proxy(proxy.url(user: "alice", password: "s3cret"))

        // Direct: works.
        let direct = Self.handshake("127.0.0.1", server.port, path: .direct)
        #expect(direct.succeeded)
        #expect(direct.path == "direct" && direct.proxy == nil)

        // On the allow-list (the CONNECT names --connect's address, localhost): works, SNI and verification keep the name.
        let allowed = Self.handshake("localhost", server.port, path: withCredentials)
        #expect(allowed.succeeded, "\(String(describing: allowed.failure))")
        #expect(allowed.certificate?.verifiedName == Self.host)
        #expect(allowed.path == "http://127.0.0.1:\(proxy.port)")
        #expect(allowed.proxy?.request == "CONNECT localhost:\(server.port) HTTP/1.1")
        #expect(allowed.proxy?.status == 200)
        #expect(allowed.proxy?.credentialsSent == true)
        #expect(allowed.address == "127.0.0.1:\(proxy.port)")

        // Not on the allow-list: 403, the agent's 0x80244018.
        let blocked = Self.handshake("127.0.0.1", server.port, path: withCredentials)
        let failure = try #require(blocked.failure)
        #expect(failure.stage == .proxy && failure.kind == .proxyForbidden)
        #expect(failure.windowsError == "0x80244018")
        #expect(blocked.proxy?.status == 403)
        #expect(blocked.proxy?.bodyFirstLine?.isEmpty == false)

        // No credentials: 407 asking for Basic, the agent's 0x8024401B.
        let anonymous = Self.handshake("localhost", server.port, path: try Self.proxy(proxy.url()))
        #expect(anonymous.failure?.kind == .proxyAuthRequired)
        #expect(anonymous.failure?.windowsError == "0x8024401B")
        #expect(anonymous.proxy?.authenticateSchemes == ["Basic"])
        #expect(anonymous.proxy?.credentialsSent == false)

        // Nothing of the password anywhere in the outcome.
        let json = try JSONOutput.encode(allowed) + JSONOutput.encode(blocked) + JSONOutput.encode(anonymous)
        #expect(!json.contains("s3cret") && !json.contains("YWxpY2U6czNjcmV0"))
    }

    @Test func ntlmOnlyProxyIsReportedWithItsSchemes() throws {
        let server = try Self.server()
        defer { server.stop() }
        let ntlm = AuthDemandingProxy(schemes: ["NTLM", "Negotiate"])
        defer { ntlm.stop() }
        let outcome = Self.handshake("127.0.0.1", server.port, path: try Self.proxy("http://127.0.0.1:\(ntlm.port)"))
        #expect(outcome.failure?.stage == .proxy)
        #expect(outcome.failure?.kind == .proxyAuthRequired)
        #expect(outcome.failure?.windowsError == "0x8024401B")
        #expect(outcome.proxy?.authenticateSchemes == ["NTLM", "Negotiate"])
        #expect(outcome.proxy?.bodyFirstLine == "Access Denied")
        #expect(outcome.failure?.detail.contains("NTLM, Negotiate") == true)
        #expect(Self.handshake("127.0.0.1", server.port, path: .direct).succeeded)
    }

    @Test func unreachableProxyIsAProxyFailure() throws {
        let outcome = Self.handshake(
            "127.0.0.1", 443, path: try Self.proxy("http://127.0.0.1:\(freePort())"), timeout: 2)
        #expect(outcome.failure?.stage == .proxy)
        #expect(outcome.failure?.kind == .refused)
        #expect(outcome.failure?.windowsError == "0x80072EFD")
    }

    @Test func proxyThatNeverAnswersEndsAtTheDeadline() throws {
        let silent = RawTCPServer { _ in sleep(5) }
        defer { silent.stop() }
        let start = Date()
        let outcome = Self.handshake(
            "127.0.0.1", 443, path: try Self.proxy("http://127.0.0.1:\(silent.port)"), timeout: 1)
        #expect(outcome.failure?.stage == .proxy && outcome.failure?.kind == .timeout)
        #expect(Date().timeIntervalSince(start) < 2.5)
    }

    @Test func oversizedProxyAnswerIsCapped() throws {
        let chatty = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            RawTCPServer.write(fd, Array("HTTP/1.1 200 OK\r\n".utf8))
            for _ in 0..<40 {
                RawTCPServer.write(fd, Array(("X-Filler: " + String(repeating: "a", count: 1000) + "\r\n").utf8))
            }
            sleep(2)
        }
        defer { chatty.stop() }
        let outcome = Self.handshake(
            "127.0.0.1", 443, path: try Self.proxy("http://127.0.0.1:\(chatty.port)"), timeout: 5)
        #expect(outcome.failure?.kind == .proxyBadResponse)
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func squidDenyListRefusesTheNameWithItsErrorPage() throws {
        let proxy = try ProxyProcess.squid(deny: ["sls.update.microsoft.com"])
        defer { proxy.stop() }
        var request = HandshakeRequest(
            host: "sls.update.microsoft.com", sni: "sls.update.microsoft.com", timeout: 5, caFile: Self.pki.caFile)
        request.path = try Self.proxy(proxy.url())
        let outcome = TLSClient.handshake(request)
        #expect(outcome.failure?.kind == .proxyForbidden)
        #expect(outcome.proxy?.status == 403)
        #expect(outcome.proxy?.request == "CONNECT sls.update.microsoft.com:443 HTTP/1.1")
        #expect(outcome.proxy?.bodyFirstLine?.contains("ERROR") == true)
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func squidSSLBumpReSignsWithItsOwnCA() throws {
        let server = try Self.server()
        defer { server.stop() }
        let inspectionCA = try CertificateFactory.makeCA(commonName: "Contoso TLS Inspection CA")
        let proxy = try ProxyProcess.squid(tls: .bump(ca: inspectionCA, upstreamCAFile: Self.pki.caFile))
        defer { proxy.stop() }
        let inspected = Self.handshake("127.0.0.1", server.port, path: try Self.proxy(proxy.url()))
        #expect(inspected.failure?.stage == .certificate)
        #expect(inspected.failure?.windowsError == "0x80072F8F")
        #expect(inspected.certificate?.chain.first?.issuer.contains("Contoso TLS Inspection CA") == true)
        let direct = Self.handshake("127.0.0.1", server.port, path: .direct)
        #expect(direct.succeeded)
        #expect(direct.certificate?.chain.first?.issuer.contains("tlsfit Test Root CA") == true)
    }

    @Test(.enabled(if: ProxyProcess.squidInstalled))
    func squidClosingTheTunnelAfterTheClientHelloSaysSo() throws {
        let server = try Self.server()
        defer { server.stop() }
        let proxy = try ProxyProcess.squid(tls: .terminateAfterClientHello)
        defer { proxy.stop() }
        let outcome = Self.handshake("127.0.0.1", server.port, path: try Self.proxy(proxy.url()))
        let failure = try #require(outcome.failure)
        #expect(failure.stage == .tls)
        #expect(failure.kind == .reset || failure.kind == .unexpectedClose)
        #expect(outcome.proxy?.status == 200)
        #expect(failure.detail.contains("through the tunnel"))
        #expect(Self.handshake("127.0.0.1", server.port, path: .direct).succeeded)
    }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func scanGoesThroughTheProxyToo() throws {
        let server = try Self.server()
        defer { server.stop() }
        let proxy = try ProxyProcess.tinyproxy()
        defer { proxy.stop() }
        let target = ScanTarget(host: Self.host, port: 443, connectAddress: "127.0.0.1", connectPort: server.port)
        var options = ScanOptions(timeout: 5, caFile: Self.pki.caFile, scanGroups: false)
        let direct = try #require(ServerScanner.scan([target], options: options).first)
        options.path = try Self.proxy(proxy.url())
        let proxied = try #require(ServerScanner.scan([target], options: options).first)
        #expect(proxied.errors.isEmpty, "\(proxied.errors)")
        #expect(proxied.path == "http://127.0.0.1:\(proxy.port)")
        #expect(direct.path == "direct")
        #expect(proxied.protocols == direct.protocols)
        #expect(proxied.certificate?.verified == true)
        // Every probe is one tunnel: the count is that of direct, give or take the connections
        // opened ahead and never used (a matter of timing: at most one for each probe that ends a
        // line of work, 4 chains and 2 order checks here).
        #expect(proxied.connections > 0 && abs(proxied.connections - direct.connections) <= 6)
    }
}

/// Plain HTTP (port 80 content downloads): direct `GET /`, through a proxy an absolute URI.
@Suite("Plain HTTP through a proxy", .serialized)
struct PlainHTTPProxyTests {
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var requests: [String] = []
    }

    static func httpServer(_ seen: Seen) -> RawTCPServer {
        RawTCPServer { fd in
            var head: [UInt8] = []
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]), head.count < 16384 {
                let chunk = RawTCPServer.readSome(fd, limit: 1)
                if chunk.isEmpty { return }
                head += chunk
            }
            seen.lock.withLock { seen.requests.append(String(decoding: head, as: UTF8.self)) }
            RawTCPServer.write(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8))
        }
    }

    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func absoluteURIThroughTheProxyOriginFormDirect() throws {
        let seen = Seen()
        let server = Self.httpServer(seen)
        defer { server.stop() }
        let proxy = try ProxyProcess.tinyproxy(allow: ["^localhost$"])
        defer { proxy.stop() }
        let host = "download.windowsupdate.com"
        var request = HandshakeRequest(
            host: host, port: 80, connectAddress: "127.0.0.1", connectPort: server.port, timeout: 5)

        let direct = PlainHTTPCheck.get(request)
        #expect(direct.outcome.succeeded)
        #expect(direct.requestLine == "GET / HTTP/1.1")
        #expect(direct.status == 200)

        request.path = .proxy(try HTTPProxy(parsing: proxy.url()))
        let blocked = PlainHTTPCheck.get(request)
        #expect(blocked.requestLine == "GET http://127.0.0.1:\(server.port)/ HTTP/1.1")
        #expect(blocked.outcome.failure?.stage == .proxy && blocked.outcome.failure?.kind == .proxyForbidden)
        #expect(blocked.outcome.failure?.windowsError == "0x80244018")

        request.connectAddress = "localhost"
        let allowed = PlainHTTPCheck.get(request)
        #expect(allowed.outcome.succeeded, "\(String(describing: allowed.outcome.failure))")
        #expect(allowed.status == 200)
        #expect(allowed.outcome.proxy?.request == "GET http://localhost:\(server.port)/ HTTP/1.1")
        let requests = seen.lock.withLock { seen.requests }
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.contains("Host: \(host)\r\n") || $0.contains("Host: localhost") })
        #expect(requests.first?.hasPrefix("GET / HTTP/1.1") == true)
    }
}
