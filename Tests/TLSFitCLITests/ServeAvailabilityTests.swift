import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `serve` stays available (issue 25): 64 idle sockets used to make every honest handshake fail; a
/// flood of hellos ran the release matcher per connection; every refusal was one log line.
@Suite("serve stays available", .serialized)
struct ServeAvailabilityTests {
    /// An honest client completes its handshake within 3 s beside 100 idle connections (default limits).
    @Test func anHonestClientGetsThroughBesideAHundredIdleConnections() throws {
        let pki = TestPKI.shared
        let server = try LocalTLSServer(
            hosts: [VirtualHost(names: [], configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))],
            limits: ServerLimits(maxConnections: 64))
        defer { server.stop() }
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<100 { idle.append(connectTCP(server.port)) }
        #expect(idle.allSatisfy { $0 >= 0 })
        usleep(200_000)
        let started = Date()
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, port: server.port, connectAddress: "127.0.0.1",
                timeout: 3, caFile: pki.caFile))
        let took = Date().timeIntervalSince(started)
        #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
        #expect(took < 3)
        #expect(server.evictions > 0)
        #expect(server.peakOpenConnections <= 64 + 8)
    }

    /// Slow clients too: connections that drip their ClientHello cannot hold every slot either.
    @Test func anHonestClientGetsThroughBesideDrippingConnections() throws {
        let pki = TestPKI.shared
        let server = try LocalTLSServer(
            hosts: [VirtualHost(names: [], configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))],
            limits: ServerLimits(maxConnections: 8, handshakeTimeout: 10, firstByteTimeout: 2))
        defer { server.stop() }
        var slow: [Int32] = []
        defer { slow.forEach { close($0) } }
        for _ in 0..<8 {
            let fd = connectTCP(server.port)
            _ = send(fd, [0x16, 0x03], 2, Int32(MSG_NOSIGNAL))  // the start of a record header, never more
            slow.append(fd)
        }
        usleep(300_000)
        let started = Date()
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, port: server.port, connectAddress: "127.0.0.1",
                timeout: 3, caFile: pki.caFile))
        #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(server.evictions >= 1)
    }

    /// Idle connections are closed after the first-byte deadline, so they give their slots back.
    @Test func idleConnectionsAreClosedAfterTheFirstByteDeadline() throws {
        let pki = TestPKI.shared
        let server = try LocalTLSServer(
            hosts: [VirtualHost(names: [], configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))],
            limits: ServerLimits(maxConnections: 8, handshakeTimeout: 10, firstByteTimeout: 0.5))
        defer { server.stop() }
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<8 { idle.append(connectTCP(server.port)) }
        let end = Date().addingTimeInterval(5)
        while Date() < end, server.openConnections > 0 { usleep(50_000) }
        #expect(server.openConnections == 0)
    }

    /// The release matcher runs once per distinct hello, not once per connection.
    @Test func theReleaseGuessIsCachedPerDistinctHello() throws {
        let cache = ReleaseGuessCache()
        let config = try WindowsConfigReader.read(
            [.init(name: "t.reg", bytes: Array("Windows Registry Editor Version 5.00\r\n\r\n".utf8))],
            release: .windows11)
        for _ in 0..<20 {
            // Each connection of one client: a new random, session id and key shares.
            var random = [UInt8](repeating: 0, count: 32)
            for i in random.indices { random[i] = UInt8.random(in: 0...255) }
            let built = try WindowsClientHelloBuilder.build(
                profile: ClientProfile(config: config), serverName: "a.example", random: random,
                sessionID: random, keyShares: [0x001D: random, 0x0017: [4] + random + random])
            guard case .hello(let hello) = OfferedClientHello.parse(built.hello.encode()) else {
                Issue.record("the hello does not parse")
                return
            }
            #expect(cache.guess(hello).contains("windows-11"))
        }
        #expect(cache.matcherRuns == 1)
    }

    /// A flood of refused connections: counted, a few lines, not one line each.
    @Test func repeatedRefusalsAreCountedNotLogged() throws {
        let serve = try ServeProcess(["--profile", "slscr", "--first-byte-timeout", "5"])
        defer { serve.stop() }
        #expect(serve.port > 0)
        #expect(serve.waitForLine { $0.contains("Press Ctrl-C") } != nil)
        for _ in 0..<60 {
            let fd = connectTCP(serve.port)
            _ = Array("GET / HTTP/1.0\r\n\r\n".utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            usleep(5_000)
            close(fd)
        }
        usleep(1_000_000)
        let refusals = serve.lines.filter { $0.contains(" -> refused") }
        #expect(refusals.count < 5, "\(refusals.count) refusal lines")
        kill(serve.process.processIdentifier, SIGTERM)
        serve.process.waitUntilExit()
        #expect(
            serve.waitForLine(timeout: 3) { $0.contains("more connection(s) like this one, counted") } != nil,
            "\(serve.lines.suffix(5))")
    }
}
