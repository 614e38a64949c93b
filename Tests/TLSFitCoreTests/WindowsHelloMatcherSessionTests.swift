import Testing

@testable import TLSFitCore

/// `hello --pcap` ranks every hello of a capture with one `WindowsHelloMatcher.Session`: its candidates are built
/// once per run, and a hello seen before (apart from its random and session id) is ranked from memory.
@Suite struct WindowsHelloMatcherSessionTests {
    /// Hellos of several releases and stacks, as a capture would hold them.
    static func hellos() throws -> [ClientHello] {
        var out: [ClientHello] = []
        let cases: [(WindowsRelease, [String], ClientStack)] = [
            (.windows7, [], .winHTTP), (.windows7, WindowsClientHelloTests.windows7TLS12, .winHTTP),
            (.windows81, [], .winHTTP), (.server2012R2, [], .winINet), (.windows10_1607, [], .winHTTP),
            (.windows10_22H2, [], .sspi), (.windows10_22H2, [], .dotNet), (.windows11, [], .winHTTP),
            (.server2022, [], .winHTTP), (.server2025, [], .winINet),
        ]
        for (release, lines, stack) in cases {
            var config = try WindowsClientHelloTests.config(lines, release)
            config.stack = stack
            out.append(try WindowsClientHelloBuilder.build(config: config, serverName: "a.example").hello)
            // The same release without a server name: another candidate set.
            if release == .windows10_1607 {
                out.append(try WindowsClientHelloBuilder.build(config: config, serverName: nil).hello)
            }
        }
        return out
    }

    /// The same hello with another random and session id, as every new connection sends it.
    static func reconnected(_ hello: ClientHello, _ seed: UInt8) -> ClientHello {
        var copy = hello
        copy.random = (0..<32).map { UInt8(truncatingIfNeeded: Int($0) * 7 + Int(seed)) }
        copy.sessionID = copy.sessionID.isEmpty ? [] : (0..<copy.sessionID.count).map { _ in seed }
        return copy
    }

    @Test func oneSessionRanksEveryHelloAsAFreshMatcherDoes() throws {
        let hellos = try Self.hellos()
        #expect(hellos.count == 11)
        let session = WindowsHelloMatcher.Session()
        let reversed = WindowsHelloMatcher.Session()
        // A capture's time (2023-11-14) leaves out what was made later: the notes must agree too.
        let time = 1_700_000_000.0
        let shared = hellos.map { session.rank($0, limit: 5, capturedAt: time) }
        let sharedReversed = Array(hellos.reversed().map { reversed.rank($0, limit: 5, capturedAt: time) }.reversed())
        for (i, hello) in hellos.enumerated() {
            // A fresh session per hello builds every candidate again: the ranking of one hello alone.
            let alone = WindowsHelloMatcher.Session().rank(hello, limit: 5, capturedAt: time)
            #expect(!alone.matches.isEmpty)
            #expect(shared[i].matches == alone.matches, "hello \(i)")
            #expect(shared[i].notes == alone.notes, "hello \(i)")
            #expect(sharedReversed[i].matches == alone.matches, "hello \(i), reversed")
            #expect(session.rank(hello, limit: 5, capturedAt: time).matches == alone.matches)
            #expect(WindowsHelloMatcher.rank(hello) == WindowsHelloMatcher.Session().rank(hello).matches)
        }
        // Without a capture time, each release's own hello is identical to its best match.
        for (i, hello) in hellos.enumerated() {
            #expect(session.rank(hello, limit: 5).matches.first?.identical == true, "hello \(i)")
        }
        // Server 2025 (2024) is left out of a capture of 2023-11-14, and said so.
        #expect(shared.last?.notes.contains { $0.contains("server-2025") } == true)
    }

    @Test func hellosThatDifferOnlyInRandomAndSessionIDAreRankedOnce() throws {
        let hellos = try Self.hellos()
        let session = WindowsHelloMatcher.Session()
        let first = session.rank(hellos[0], limit: 5)
        #expect(session.scoredHellos == 1)
        let built = session.builtHellos
        #expect(built > 0)
        for seed in 1...20 {
            let again = Self.reconnected(hellos[0], UInt8(seed))
            #expect(again.random != hellos[0].random)
            #expect(session.rank(again, limit: 5).matches == first.matches)
        }
        #expect(session.scoredHellos == 1)
        #expect(session.rememberedRankings == 20)
        #expect(session.builtHellos == built)

        // Another capture time (another day) selects again from the same scores, without scoring again.
        _ = session.rank(Self.reconnected(hellos[0], 99), limit: 5, capturedAt: 1_600_000_000)
        #expect(session.scoredHellos == 1)

        // A session id of another length reads differently (a resumed session): scored anew.
        var resumed = hellos[0]
        resumed.sessionID = resumed.sessionID.isEmpty ? [UInt8](repeating: 1, count: 32) : []
        _ = session.rank(resumed, limit: 5)
        #expect(session.scoredHellos == 2)

        // Every other hello is scored once however often it comes; the candidates are built once per
        // (protocols offered, server name present): a second pass builds nothing.
        for hello in hellos { _ = session.rank(hello, limit: 5) }
        let scored = session.scoredHellos
        let builtAll = session.builtHellos
        #expect(scored == 2 + Set(hellos.map(WindowsHelloMatcher.Session.featureKey)).count - 1)
        for (i, hello) in hellos.enumerated() { _ = session.rank(Self.reconnected(hello, UInt8(i)), limit: 5) }
        #expect(session.scoredHellos == scored)
        #expect(session.builtHellos == builtAll)
    }
}
