import Foundation
import Testing

@testable import TLSFitCapture

/// A small deterministic generator (SplitMix64), so a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
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

/// Ethernet + IPv4 + TCP frames built in code, for captures no real stack would send.
enum SyntheticFrame {
    static func tcp(
        source: (UInt32, UInt16) = (0x0A00_0005, 49712), destination: (UInt32, UInt16) = (0x1401_0203, 443),
        sequence: UInt32, flags: UInt8 = 0x18, payload: [UInt8]
    ) -> [UInt8] {
        var ip: [UInt8] = [0x45, 0]
        let total = 20 + 20 + payload.count
        ip += [UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0x40, 0, 64, 6, 0, 0]
        ip += be32(source.0) + be32(destination.0)
        var tcp = be16(source.1) + be16(destination.1) + be32(sequence) + be32(0)
        tcp += [0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]
        return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp + payload
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * UInt32($0))) & 0xFF) } }
}

@Suite("Hostile and random capture bytes never crash the reader")
struct CaptureFuzzTests {
    /// A capture of a few connections built in code: hellos in segments and records, HTTP.
    static func seedPackets() -> [WrittenPacket] {
        var packets: [WrittenPacket] = []
        for connection in 0..<3 {
            let port = UInt16(50000 + connection)
            let hello = Hellos.split(
                Hellos.simple(serverName: "seed\(connection).example", seed: UInt8(connection)), recordSize: 90)
            packets.append(
                WrittenPacket(
                    timestamp: 1,
                    data: SyntheticFrame.tcp(source: (0x0A00_0005, port), sequence: 999, flags: 0x02, payload: [])))
            var sequence: UInt32 = 1000
            for chunk in Hellos.chunks(hello, size: 70) {
                packets.append(
                    WrittenPacket(
                        timestamp: 2,
                        data: SyntheticFrame.tcp(source: (0x0A00_0005, port), sequence: sequence, payload: chunk)))
                sequence &+= UInt32(chunk.count)
            }
        }
        return packets
    }

    func read(_ bytes: [UInt8], at path: String) throws -> CaptureContents? {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let contents = try CaptureReader.read(path: path)
            for hello in contents.clientHellos {
                #expect(hello.bytes.count >= 5 + 4 + 41 && hello.bytes.count <= CaptureReader.streamLimit)
                #expect(hello.bytes[0] == 0x16 && hello.bytes[1] == 0x03 && hello.bytes[5] == 1)
                #expect(hello.packetNumber >= 1 && hello.packetNumber <= contents.packetCount)
            }
            return contents
        } catch let error as CaptureError {
            #expect(error.description.hasPrefix(path + ": "))
            return nil
        }
    }

    @Test func theSeedIsRead() throws {
        let path = try captureDirectory().appendingPathComponent("seed.pcap").path
        let contents = try #require(try read(CaptureFileWriter.pcap(Self.seedPackets(), linkType: .ethernet), at: path))
        #expect(contents.clientHellos.map(\.serverName) == ["seed0.example", "seed1.example", "seed2.example"])
        #expect(contents.clientHellos.map(\.source) == ["10.0.0.5:50000", "10.0.0.5:50001", "10.0.0.5:50002"])
        #expect(contents.clientHellos.map(\.destination) == Array(repeating: "20.1.2.3:443", count: 3))
    }

    /// Byte flips, cuts, insertions and repeated chunks of pcap and pcapng files.
    @Test(arguments: [false, true])
    func mutatedFiles(pcapng: Bool) throws {
        let seed =
            pcapng
            ? CaptureFileWriter.pcapng(Self.seedPackets(), linkType: .ethernet)
            : CaptureFileWriter.pcap(Self.seedPackets(), linkType: .ethernet)
        var random = SeededGenerator(seed: pcapng ? 2 : 1)
        let directory = try captureDirectory()
        for round in 0..<400 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<6, using: &random) {
                case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &random)
                case 1: bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0x16, 0x01][Int.random(in: 0..<6, using: &random)]
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
                case 3:
                    bytes.insert(
                        contentsOf: (0..<Int.random(in: 1...16, using: &random)).map { _ in
                            UInt8.random(in: 0...255, using: &random)
                        }, at: at)
                case 4: bytes = Array(bytes[..<at])
                default:
                    let length = min(bytes.count - at, Int.random(in: 1...300, using: &random))
                    bytes.insert(
                        contentsOf: bytes[at..<(at + length)], at: Int.random(in: 0...bytes.count, using: &random))
                }
            }
            _ = try read(bytes, at: directory.appendingPathComponent("mutated-\(round)").path)
        }
    }

    /// Wholly random files, and random files behind a valid header (so libpcap hands over packets).
    @Test func randomFiles() throws {
        var random = SeededGenerator(seed: 3)
        let directory = try captureDirectory()
        let headers: [[UInt8]] = [
            [], Array(CaptureFileWriter.pcap([], linkType: .ethernet)),
            Array(CaptureFileWriter.pcap([], linkType: .raw)),
            Array(CaptureFileWriter.pcapng([], linkType: .linuxSLL2)),
            Array(CaptureFileWriter.pcapng([], linkType: .null)),
        ]
        for round in 0..<250 {
            let header = headers[round % headers.count]
            let body = (0..<Int.random(in: 0...3000, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            _ = try read(header + body, at: directory.appendingPathComponent("random-\(round)").path)
        }
    }

    /// Random frames straight into the decoder and the stream assembler, for every link layer:
    /// plausible headers with random fields, and payloads that start like TLS.
    @Test func randomPacketsThroughTheAssembler() {
        var random = SeededGenerator(seed: 4)
        let links: [LinkLayer] = [.ethernet, .linuxCooked, .linuxCooked2, .rawIP, .loopback]
        var assembler = HelloAssembler(streamLimit: 4096, openStreamLimit: 16)
        for number in 1...30000 {
            var frame: [UInt8]
            if Bool.random(using: &random) {
                var payload: [UInt8] = [0x16, 0x03, UInt8.random(in: 0...5, using: &random)]
                payload += (0..<Int.random(in: 0...200, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                frame = SyntheticFrame.tcp(
                    source: (UInt32.random(in: 0...3, using: &random), UInt16.random(in: 1...40, using: &random)),
                    sequence: UInt32.random(in: 0...600, using: &random),
                    flags: UInt8.random(in: 0...255, using: &random),
                    payload: payload)
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    frame[Int.random(in: 0..<frame.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            } else {
                frame = (0..<Int.random(in: 0...120, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            }
            let link = links[Int.random(in: 0..<links.count, using: &random)]
            assembler.add(PacketDecoder.decode(frame, link: link), number: number, timestamp: 0)
        }
        assembler.finish()
        #expect(assembler.warnings.count <= assembler.warningLimit + 3)
        for hello in assembler.hellos { #expect(hello.bytes.count <= 4096) }
    }

    /// More streams than the reader follows at once, each with an unfinished hello: memory stays
    /// bounded, the streams given up on are counted, and a hello sent after them is still found.
    @Test func manyOpenStreams() throws {
        var packets: [WrittenPacket] = []
        let partial = Array(Hellos.simple(serverName: "many.example")[..<60])
        for stream in 0..<3000 {
            packets.append(
                WrittenPacket(
                    timestamp: 1,
                    data: SyntheticFrame.tcp(
                        source: (0x0A00_0000 + UInt32(stream), 40000), sequence: 7, payload: partial)))
        }
        let hello = Hellos.simple(serverName: "last.example")
        packets.append(
            WrittenPacket(
                timestamp: 2, data: SyntheticFrame.tcp(source: (0x0B00_0001, 1234), sequence: 1, payload: hello)))
        let path = try captureDirectory().appendingPathComponent("many.pcap").path
        let contents = try #require(try read(CaptureFileWriter.pcap(packets, linkType: .ethernet), at: path))
        #expect(contents.clientHellos.map(\.bytes) == [hello])
        #expect(
            contents.warnings.contains {
                $0.message.contains("stopped following") && $0.message.contains("more than 1024 open at once")
            })
        #expect(contents.warnings.count <= 104)
    }

    /// A hello whose first segment never comes, followed by 1,200 1-byte segments with gaps
    /// in large frames: held segments are capped, and the hello is reported as missing segments.
    @Test func gapsEverywhere() throws {
        let hello = Hellos.simple(serverName: "gaps.example")
        var packets = [WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: 0, flags: 0x02, payload: []))]
        packets.append(WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: 1, payload: Array(hello[..<20]))))
        for index in 0..<1200 {
            // Each frame carries 8 KB after its IP packet (as padding): only the payload byte counts.
            let frame =
                SyntheticFrame.tcp(sequence: 40 + 2 * UInt32(index), payload: [0x41])
                + [UInt8](repeating: 0, count: 8000)
            packets.append(WrittenPacket(timestamp: 2, data: frame))
        }
        let start = Date()
        let path = try captureDirectory().appendingPathComponent("gaps.pcap").path
        let contents = try #require(try read(CaptureFileWriter.pcap(packets, linkType: .ethernet), at: path))
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(contents.clientHellos.isEmpty)
        #expect(
            contents.warnings.map(\.message) == [
                "10.0.0.5:49712 -> 20.1.2.3:443: an incomplete ClientHello (20 bytes of a \(hello.count - 5)-byte handshake message): segments are missing from the capture"
            ])
    }

    /// A hello that declares more than the reader follows, and one spread over 1-byte records.
    @Test func oversizedAndFragmentedHellos() throws {
        var huge: [UInt8] = [0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x7F, 0xFF, 0xFF]
        huge += [UInt8](repeating: 0x41, count: 1000)
        let hello = Hellos.simple(serverName: "tiny-records.example")
        let tiny = Hellos.split(hello, recordSize: 1)
        let packets = [
            WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(source: (1, 1), sequence: 1, payload: huge)),
            WrittenPacket(timestamp: 2, data: SyntheticFrame.tcp(source: (2, 2), sequence: 1, payload: tiny)),
        ]
        let path = try captureDirectory().appendingPathComponent("odd.pcap").path
        let contents = try #require(try read(CaptureFileWriter.pcap(packets, linkType: .ethernet), at: path))
        #expect(contents.clientHellos.map(\.bytes) == [tiny])
        #expect(contents.clientHellos.first?.serverName == "tiny-records.example")
        #expect(contents.warnings.contains { $0.packetNumber == 1 && $0.message.contains("more than the 65536 bytes") })
    }
}

@Suite("Streams built in code")
struct SyntheticStreamTests {
    func read(_ packets: [WrittenPacket]) throws -> CaptureContents {
        let path = try captureDirectory().appendingPathComponent("synthetic.pcap").path
        try Data(CaptureFileWriter.pcap(packets, linkType: .ethernet)).write(to: URL(fileURLWithPath: path))
        return try CaptureReader.read(path: path)
    }

    /// One four-tuple used by two connections, one after the other: two hellos.
    @Test func sameFourTupleTwice() throws {
        let first = Hellos.simple(serverName: "first.example", seed: 1)
        let second = Hellos.simple(serverName: "second.example", seed: 2)
        let contents = try read([
            WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: 100, flags: 0x02, payload: [])),
            WrittenPacket(timestamp: 2, data: SyntheticFrame.tcp(sequence: 101, payload: first)),
            WrittenPacket(
                timestamp: 3, data: SyntheticFrame.tcp(sequence: 101 + UInt32(first.count), flags: 0x11, payload: [])),
            WrittenPacket(timestamp: 4, data: SyntheticFrame.tcp(sequence: 90_000, flags: 0x02, payload: [])),
            WrittenPacket(timestamp: 5, data: SyntheticFrame.tcp(sequence: 90_001, payload: second)),
        ])
        #expect(contents.clientHellos.map(\.bytes) == [first, second])
        #expect(contents.clientHellos.map(\.packetNumber) == [2, 5])
        #expect(contents.clientHellos.map(\.timestamp) == [2, 5])
        #expect(contents.warnings.isEmpty)
    }

    /// Sequence numbers that wrap past 2^32 inside the hello.
    @Test func sequenceNumbersWrap() throws {
        let hello = Hellos.simple(serverName: "wrap.example", suites: Array(0xC000...0xC030))
        let chunks = Hellos.chunks(hello, size: 50)
        var packets = [
            WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: UInt32.max - 70, flags: 0x02, payload: []))
        ]
        var sequence = UInt32.max - 69
        for chunk in chunks {
            packets.append(WrittenPacket(timestamp: 2, data: SyntheticFrame.tcp(sequence: sequence, payload: chunk)))
            sequence &+= UInt32(chunk.count)
        }
        // The second chunk wraps past 2^32; the third (wholly after the wrap) comes first.
        packets.swapAt(1, 3)
        let contents = try read(packets)
        #expect(contents.clientHellos.map(\.bytes) == [hello])
        #expect(contents.clientHellos.first?.segmentCount == chunks.count)
    }

    /// A CONNECT request cut anywhere, the hello after it in the same segment as the request's end.
    @Test func connectRequestSplitAcrossSegments() throws {
        let hello = Hellos.simple(serverName: "tunnel.example")
        let stream = Array("CONNECT tunnel.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n\r\n".utf8) + hello
        let cuts = [4, 40, 60, 70]
        var packets: [WrittenPacket] = [
            WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: 0, flags: 0x02, payload: []))
        ]
        var previous = 0
        for cut in cuts + [stream.count] {
            packets.append(
                WrittenPacket(
                    timestamp: 2,
                    data: SyntheticFrame.tcp(sequence: 1 + UInt32(previous), payload: Array(stream[previous..<cut]))))
            previous = cut
        }
        // A CONNECT that never carries a hello (the proxy refused it), on another connection.
        let refused = Array("CONNECT other.example:443 HTTP/1.1\r\n\r\n".utf8)
        packets.append(
            WrittenPacket(timestamp: 3, data: SyntheticFrame.tcp(source: (9, 9), sequence: 0, flags: 0x02, payload: []))
        )
        packets.append(
            WrittenPacket(
                timestamp: 3, data: SyntheticFrame.tcp(source: (9, 9), sequence: 1, flags: 0x19, payload: refused)))
        let contents = try read(packets)
        #expect(contents.clientHellos.map(\.bytes) == [hello])
        #expect(contents.clientHellos.first?.proxyConnectTarget == "tunnel.example:443")
        #expect(contents.clientHellos.first?.packetNumber == 6)
        #expect(contents.warnings.isEmpty, "\(contents.warnings)")
    }

    /// A server's answer (ServerHello) and other protocols are not ClientHellos; a TLS stream
    /// joined after its hello is not one either.
    @Test func onlyClientHellos() throws {
        let serverHello: [UInt8] =
            [0x16, 0x03, 0x03, 0x00, 0x30, 0x02, 0x00, 0x00, 0x2C] + [UInt8](repeating: 3, count: 44)
        let applicationData: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x10] + [UInt8](repeating: 9, count: 16)
        let contents = try read([
            WrittenPacket(
                timestamp: 1,
                data: SyntheticFrame.tcp(
                    source: (0x1401_0203, 443), destination: (0x0A00_0005, 5000), sequence: 1, payload: serverHello)),
            WrittenPacket(timestamp: 1, data: SyntheticFrame.tcp(sequence: 1, flags: 0x02, payload: [])),
            WrittenPacket(
                timestamp: 1, data: SyntheticFrame.tcp(sequence: 2, payload: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8))),
            WrittenPacket(
                timestamp: 1, data: SyntheticFrame.tcp(source: (7, 7), sequence: 5, payload: applicationData)),
        ])
        #expect(contents.clientHellos.isEmpty)
        #expect(contents.warnings.isEmpty)
    }
}
