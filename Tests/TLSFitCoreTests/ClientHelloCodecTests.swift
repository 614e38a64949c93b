import Foundation
import Testing

@testable import TLSFitCore

/// Real captured hellos (testssl.sh's etc/client-simulation.txt), by short name.
enum CapturedHellos {
    struct Capture {
        var name: String
        var short: String
        var bytes: [UInt8]
        var ja3: String?
        var ja4: String?
    }

    static let all: [String: Capture] = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/hello/testssl-client-simulation.tsv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var result: [String: Capture] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, let bytes = hexBytes(f[2]) else { continue }
            result[f[1]] = Capture(
                name: f[0], short: f[1], bytes: bytes, ja3: f[3] == "-" ? nil : f[3], ja4: f[4] == "-" ? nil : f[4])
        }
        return result
    }()

    static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }

    static func capture(_ short: String) throws -> Capture {
        try #require(all[short], "fixture \(short) missing")
    }
}

@Suite struct DigestTests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"), ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func md5(input: String, expected: String) {
        #expect(Digest.hex(Digest.md5(Array(input.utf8))) == expected)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256(input: String, expected: String) {
        #expect(Digest.hex(Digest.sha256(Array(input.utf8))) == expected)
    }

    @Test func longInputsCrossBlockBoundaries() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.hex(Digest.md5(million)) == "7707d6ae4e027c70eea2a935c2296f21")
        #expect(
            Digest.hex(Digest.sha256(million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct ClientHelloCodecTests {
    @Test func decodesAndReencodesEveryCaptureByteForByte() throws {
        for capture in CapturedHellos.all.values {
            let hello = try ClientHello.decode(capture.bytes)
            #expect(hello.encode() == capture.bytes, "\(capture.name)")
            // The bare handshake message decodes too (its record version is then the hello's own).
            var bare = try ClientHello.decode(Array(capture.bytes.dropFirst(5)))
            #expect(bare.recordVersion == bare.version)
            bare.recordVersion = hello.recordVersion
            #expect(bare == hello, "\(capture.name)")
        }
    }

    @Test func typedViewsOfIE11OnWindows7() throws {
        let hello = try ClientHello.decode(try CapturedHellos.capture("ie_11_win7").bytes)
        #expect(hello.recordVersion == 0x0303 && hello.version == 0x0303)
        #expect(hello.sessionID.isEmpty)
        #expect(hello.cipherSuites.count == 24 && hello.cipherSuites.first == 0xC028)
        #expect(hello.serverName == "dev.ssllabs.com")
        #expect(hello.supportedGroups == [0x0017, 0x0018])
        #expect(hello.pointFormats == [0])
        #expect(hello.signatureAlgorithms == [0x0601, 0x0603, 0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202])
        #expect(hello.extensionTypes == [0x0000, 0x0005, 0x000A, 0x000B, 0x000D, 0x0017, 0xFF01])
        #expect(hello.offeredVersions == [.tls10, .tls11, .tls12])
    }

    /// testssl.sh lists JA3 and JA4 for its Edge 133 capture: both must come out of the bytes.
    @Test func ja3AndJA4MatchThePublishedValues() throws {
        let capture = try CapturedHellos.capture("edge_133_win11_23h2")
        let hello = try ClientHello.decode(capture.bytes)
        #expect(hello.ja3 == capture.ja3)
        #expect(hello.ja4 == capture.ja4)
        #expect(hello.ja4.hasPrefix("t13d1516h2_8daaf6152771_"))
        #expect(hello.keyShares.map(\.group) == [0x1A1A, 0x11EC, 0x001D])
        #expect(hello.alpn == ["h2", "http/1.1"])
    }

    @Test func ja3OfAHelloWithoutGREASE() throws {
        let hello = try ClientHello.decode(try CapturedHellos.capture("ie_11_win7").bytes)
        #expect(
            hello.ja3String
                == "771,49192-49191-49172-49171-159-158-157-156-61-60-53-47-49196-49195-49188-49187-49162-49161-106-64-56-50-10-19,0-5-10-11-13-23-65281,23-24,0"
        )
        #expect(hello.ja4.hasPrefix("t12d240700_"))
    }

    @Test(arguments: [
        ([UInt8](), "no bytes"),
        ([0x17, 0x03, 0x03, 0x00, 0x01, 0x00], "neither a handshake record"),
        ([0x16, 0x03, 0x01, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00], "not ClientHello"),
        ([0x16, 0x03, 0x01, 0x00, 0x10, 0x01], "the record says 16 bytes"),
        ([0x16, 0x03, 0x01, 0x00, 0x00], "empty handshake record"),
    ])
    func clearErrors(bytes: [UInt8], message: String) {
        do {
            _ = try ClientHello.decode(bytes)
            Issue.record("decoding should fail: \(message)")
        } catch {
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func duplicateAndMalformedExtensionsAreRefused() throws {
        var hello = try ClientHello.decode(try CapturedHellos.capture("ie_11_win10").bytes)
        hello.extensions.append(TLSExtension(type: 0x000A, data: [0, 2, 0, 0x17]))
        #expect(throws: ClientHelloDecodingError.self) { try ClientHello.decode(hello.encode()) }
        hello.extensions.removeLast()
        hello.extensions[2].data = [0, 9, 0, 0x17]  // supported_groups with a wrong inner length
        do {
            _ = try ClientHello.decode(hello.encode())
            Issue.record("should fail")
        } catch {
            #expect(error.message.contains("supported_groups"))
        }
    }

    /// Random, truncated and mutated input: an error or a hello, never a trap.
    @Test func fuzzStyleInputNeverCrashes() throws {
        var rng = SplitMix64(seed: 0xC11E_7A11)
        let seeds = CapturedHellos.all.values.map(\.bytes)
        var decoded = 0
        for i in 0..<4000 {
            var bytes: [UInt8]
            switch i % 4 {
            case 0:
                bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if i % 8 == 0, !bytes.isEmpty { bytes[0] = 0x16 }
            case 1:
                let seed = seeds[i % seeds.count]
                bytes = Array(seed.prefix(Int.random(in: 0...seed.count, using: &rng)))
            default:
                bytes = seeds[i % seeds.count]
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            if let hello = try? ClientHello.decode(bytes) {
                decoded += 1
                _ = (hello.ja3, hello.ja4, hello.serverName, hello.keyShares, hello.offeredVersions)
            }
        }
        #expect(decoded > 0)
    }
}
