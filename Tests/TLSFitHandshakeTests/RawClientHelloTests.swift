import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// The hand-built ClientHello and the ServerHello/alert parser, on byte arrays only.
@Suite("Raw ClientHello bytes")
struct RawClientHelloTests {
    let random = [UInt8](repeating: 0xAB, count: 32)

    func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }

    /// The extensions of a built hello: type → data, in order.
    func extensions(_ hello: [UInt8]) throws -> [(UInt16, [UInt8])] {
        var i = 5 + 4 + 2 + 32
        i += 1 + Int(hello[i])
        i += 2 + u16(hello, i)
        i += 1 + Int(hello[i])
        let end = i + 2 + u16(hello, i)
        try #require(end == hello.count)
        i += 2
        var out: [(UInt16, [UInt8])] = []
        while i < end {
            let type = UInt16(u16(hello, i))
            let length = u16(hello, i + 2)
            out.append((type, Array(hello[(i + 4)..<(i + 4 + length)])))
            i += 4 + length
        }
        try #require(i == end)
        return out
    }

    @Test func tls12HelloStructureAndLengths() throws {
        let hello = RawClientHello.build(
            version: .tls12, suites: [0x0005, 0x000A, 0xC012], serverName: "update.example.com", random: random)
        #expect(Array(hello[0..<3]) == [0x16, 0x03, 0x01])
        #expect(u16(hello, 3) == hello.count - 5)
        #expect(hello[5] == 1)
        #expect(Int(hello[6]) << 16 | u16(hello, 7) == hello.count - 9)
        #expect(u16(hello, 9) == 0x0303)
        #expect(Array(hello[11..<43]) == random)
        #expect(hello[43] == 0)  // empty session id
        #expect(u16(hello, 44) == 8)
        let suites: [Int] = [u16(hello, 46), u16(hello, 48), u16(hello, 50), u16(hello, 52)]
        #expect(suites == [0x0005, 0x000A, 0xC012, 0x00FF])
        #expect(Array(hello[54..<56]) == [1, 0])  // null compression only
        let ext = try extensions(hello)
        let types: [UInt16] = ext.map(\.0)
        #expect(types == [0x0000, 0x000A, 0x000B, 0x000D, 0x0017])
        let sni = ext[0].1
        #expect(u16(sni, 0) == sni.count - 2)
        #expect(sni[2] == 0)
        #expect(u16(sni, 3) == 18)
        #expect(String(decoding: sni[5...], as: UTF8.self) == "update.example.com")
        #expect(ext[1].1 == [0, 8, 0x00, 0x1D, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19])
        #expect(ext[2].1 == [1, 0])
        let schemes = ext[3].1
        #expect(u16(schemes, 0) == schemes.count - 2)
        let codes = stride(from: 2, to: schemes.count, by: 2).map { u16(schemes, $0) }
        #expect(
            Set([0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0201, 0x0203]).isSubset(
                of: Set(codes)))
        #expect(ext[4].1.isEmpty)
    }

    @Test func tls10HelloHasNoSignatureAlgorithmsAndNoSNIForAnAddress() throws {
        let hello = RawClientHello.build(
            version: .tls10, suites: [0x0004, 0x00FF], serverName: "127.0.0.1", random: random)
        #expect(u16(hello, 9) == 0x0301)
        #expect(u16(hello, 44) == 4)  // the SCSV once, at the end
        let suites: [Int] = [u16(hello, 46), u16(hello, 48)]
        #expect(suites == [0x0004, 0x00FF])
        let types: [UInt16] = try extensions(hello).map(\.0)
        #expect(types == [0x000A, 0x000B, 0x0017])
        let v6 = RawClientHello.build(version: .tls11, suites: [0x000A], serverName: "::1", random: random)
        #expect(u16(v6, 9) == 0x0302)
        let v6Types: [UInt16] = try extensions(v6).map(\.0)
        #expect(v6Types == [0x000A, 0x000B, 0x0017])
    }

    static func helloBody(version: UInt16 = 0x0303, suite: UInt16, session: Int = 32, extensions: [UInt8] = [0, 0])
        -> [UInt8]
    {
        [UInt8(version >> 8), UInt8(version & 0xFF)] + [UInt8](repeating: 7, count: 32) + [UInt8(session)]
            + [UInt8](repeating: 9, count: session) + [UInt8(suite >> 8), UInt8(suite & 0xFF), 0] + extensions
    }

    @Test func serverHelloCoalescedWithCertificate() {
        let hello = TLSBytes.handshake(type: 2, Self.helloBody(suite: 0x000A, extensions: [0, 4, 0xFF, 0x01, 0, 0]))
        let certificate = TLSBytes.handshake(type: 11, [0, 0, 3, 0, 0, 0])
        let bytes = TLSBytes.record(type: 0x16, hello + certificate)
        guard case .complete(.serverHello(let parsed)) = RawServerHelloParser.parse(bytes) else {
            Issue.record("no ServerHello")
            return
        }
        #expect(parsed.version == 0x0303 && parsed.cipherSuite == 0x000A && parsed.compression == 0)
        #expect(parsed.sessionID == [UInt8](repeating: 9, count: 32))
        #expect(parsed.random == [UInt8](repeating: 7, count: 32))
        // A ServerHello already whole in a record still arriving.
        #expect(RawServerHelloParser.parse(Array(bytes.prefix(5 + hello.count))) == RawServerHelloParser.parse(bytes))
    }

    @Test func serverHelloSplitAcrossRecords() {
        let hello = TLSBytes.handshake(type: 2, Self.helloBody(version: 0x0301, suite: 0x0005, session: 0))
        let bytes =
            TLSBytes.record(type: 0x16, Array(hello[0..<3])) + TLSBytes.record(type: 0x16, Array(hello[3..<20]))
            + TLSBytes.record(type: 0x16, Array(hello[20...]))
        guard case .complete(.serverHello(let parsed)) = RawServerHelloParser.parse(bytes) else {
            Issue.record("no ServerHello")
            return
        }
        #expect(parsed.version == 0x0301 && parsed.cipherSuite == 0x0005 && parsed.sessionID.isEmpty)
        // Every shorter prefix asks for more and never reads beyond what it has.
        for n in 0..<bytes.count {
            #expect(RawServerHelloParser.parse(Array(bytes.prefix(n))) == .needMore, "prefix \(n)")
        }
    }

    @Test func truncatedAndMalformedInputIsAnErrorNotACrash() {
        let full = TLSBytes.serverHello(cipher: 0xC011)
        for n in 0..<full.count {
            #expect(RawServerHelloParser.parse(Array(full.prefix(n))) == .needMore)
        }
        // A ServerHello whose own length is too short for its fields.
        let short = TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 2, [3, 3, 1, 2, 3]))
        guard case .invalid = RawServerHelloParser.parse(short) else {
            Issue.record("short ServerHello accepted")
            return
        }
        let badSession = TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 2, Self.helloBody(suite: 5, session: 33)))
        guard case .invalid = RawServerHelloParser.parse(badSession) else {
            Issue.record("session id of 33")
            return
        }
        guard case .invalid = RawServerHelloParser.parse(Array("HTTP/1.1 400 Bad Request\r\n".utf8)) else {
            Issue.record("HTTP")
            return
        }
        guard
            case .invalid = RawServerHelloParser.parse(
                TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 11, [0, 0, 0])))
        else {
            Issue.record("Certificate first")
            return
        }
        guard case .invalid = RawServerHelloParser.parse([0x16, 3, 3, 0xFF, 0xFF]) else {
            Issue.record("65535-byte record")
            return
        }
        guard case .invalid = RawServerHelloParser.parse([0x16, 3, 3, 0, 0]) else {
            Issue.record("empty record")
            return
        }
        for _ in 0..<200 {
            let noise = (0..<Int.random(in: 0...64)).map { _ in UInt8.random(in: 0...255) }
            _ = RawServerHelloParser.parse(noise)
            _ = RawServerHelloParser.parse([0x16, 3, 3, 0, UInt8(noise.count)] + noise)
        }
    }

    @Test func alertRecord() {
        #expect(
            RawServerHelloParser.parse(TLSBytes.record(type: 0x15, [2, 40]))
                == .complete(.alert(level: 2, description: 40)))
        #expect(RawServerHelloParser.parse(TLSBytes.warningAlert(112)) == .complete(.alert(level: 1, description: 112)))
        #expect(RawServerHelloParser.parse([0x15, 3, 1, 0, 2, 2]) == .needMore)
    }

    /// Hostile servers write these bytes: random, truncated and mutated answers (seeded, so a
    /// failure reproduces) must give a result, never a crash or an endless loop.
    @Test func randomAndMutatedAnswersNeverCrash() {
        var rng = SplitMix64(seed: 0x7151_F17)
        let valid = TLSBytes.serverHello() + TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 11, [0, 0, 0]))
        var complete = 0
        for round in 0..<5_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1:
                bytes = Array(valid.prefix(Int(rng.next() % UInt64(valid.count + 1))))
            default:
                bytes = valid
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if case .complete = RawServerHelloParser.parse(bytes) { complete += 1 }
        }
        #expect(complete > 0, "some mutated answers still parse")
    }
}

/// A small deterministic generator for reproducible fuzz-style tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
