import Foundation
import TLSFitHandshake
import TLSFitTestSupport
import Testing

@testable import TLSFitCapture

#if canImport(Glibc)
    import Glibc
#endif

/// One real capture, taken once: tcpdump on lo while the test sends hellos whose bytes it knows
/// to a listener on 127.0.0.1. Several tests read it and its rewrites.
struct SampleCapture: Sendable {
    struct Sent: Sendable {
        var hello: [UInt8]
        var serverName: String
        var clientPort: Int
        var segments: Int
        var proxyTarget: String? = nil
    }

    let path: String
    let serverPort: Int
    /// The hellos the capture must hold, in the order they were sent.
    let sent: [Sent]
    /// The client port of the connection that sent only the first 100 bytes of a hello.
    let cutOffPort: Int
    let started: Double
    let ended: Double

    static let shared: Result<SampleCapture, CaptureTestError> = {
        do { return .success(try SampleCapture()) } catch {
            return .failure(CaptureTestError("the sample capture could not be taken: \(error)"))
        }
    }()

    static func get() throws -> SampleCapture { try shared.get() }

    private init() throws {
        let directory = try captureDirectory()
        path = directory.appendingPathComponent("sample.pcap").path
        let listener = try SinkListener()
        serverPort = listener.port
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(listener.port)")
        started = Date().timeIntervalSince1970
        var sent: [Sent] = []
        // A: one hello, one write.
        let a = Hellos.simple(serverName: "a.example", seed: 1)
        sent.append(Sent(hello: a, serverName: "a.example", clientPort: try send([a], to: listener), segments: 1))
        // B: one hello in 40-byte writes.
        let b = Hellos.simple(serverName: "b.example", suites: Array(0xC000...0xC040), seed: 2)
        let bChunks = Hellos.chunks(b, size: 40)
        sent.append(
            Sent(
                hello: b, serverName: "b.example", clientPort: try send(bChunks, to: listener), segments: bChunks.count)
        )
        // Plain HTTP on the same port: not a hello.
        try send([Array("GET / HTTP/1.0\r\nHost: x\r\n\r\n".utf8)], to: listener)
        // C: one hello in two records (the handshake header in the first), written in two pieces
        // that cut the second record's header.
        let c = Hellos.split(Hellos.simple(serverName: "c.example", seed: 3), recordSize: 60)
        let cut = 5 + 60 + 3
        sent.append(
            Sent(
                hello: c, serverName: "c.example",
                clientPort: try send([Array(c[..<cut]), Array(c[cut...])], to: listener), segments: 2))
        // E: a 20 KB hello in two records, in 1400-byte writes.
        let e = Hellos.large(size: 20000, serverName: "large.example")
        let eChunks = Hellos.chunks(e, size: 1400)
        sent.append(
            Sent(
                hello: e, serverName: "large.example", clientPort: try send(eChunks, to: listener, pause: 5000),
                segments: eChunks.count))
        // G: through an HTTP proxy: a CONNECT refused with 407, a second one with credentials on
        // the same connection, then the hello (the listener plays the proxy and answers nothing).
        let g = Hellos.simple(serverName: TestPKI.updateHost, seed: 7)
        let connect = "CONNECT \(TestPKI.updateHost):443 HTTP/1.1\r\nHost: \(TestPKI.updateHost):443\r\n"
        let gChunks = [
            Array((connect + "\r\n").utf8), Array((connect + "Proxy-Authorization: Negotiate YII=\r\n\r\n").utf8), g,
        ]
        sent.append(
            Sent(
                hello: g, serverName: TestPKI.updateHost, clientPort: try send(gChunks, to: listener), segments: 3,
                proxyTarget: "\(TestPKI.updateHost):443"))
        // F: the first 100 bytes of a hello, then the connection closes.
        cutOffPort = try send([Array(Hellos.simple(serverName: "f.example", seed: 6)[..<100])], to: listener)
        let received = listener.connections(7)
        ended = Date().timeIntervalSince1970
        capture.stop(expectingHellos: 5)
        // The listener must have received what was sent, or the capture cannot hold it either.
        for hello in sent where !received.contains(where: { $0.suffix(hello.hello.count).elementsEqual(hello.hello) }) {
            throw CaptureTestError("the listener did not receive the hello for \(hello.serverName)")
        }
        self.sent = sent
    }
}

/// A hello with its timestamp set to 0, to compare the rest exactly.
func withoutTime(_ hello: CapturedClientHello) -> CapturedClientHello {
    var copy = hello
    copy.timestamp = 0
    return copy
}

/// The number of records in a run of whole records.
func recordCount(_ records: [UInt8]) -> Int {
    var offset = 0
    var count = 0
    while offset + 5 <= records.count {
        offset += 5 + (Int(records[offset + 3]) << 8 | Int(records[offset + 4]))
        count += 1
    }
    return count
}

@Suite("Reading real captures taken by tcpdump", .serialized)
struct LiveCaptureTests {
    /// Every hello the sample capture holds, byte for byte, with its addresses, SNI and packet.
    /// `joinedLate`: without the SYNs, a proxied hello whose segments come in reverse is whole
    /// before the CONNECT requests are seen, so it is read as a direct one from a single segment.
    func expectSample(
        _ hellos: [CapturedClientHello], _ sample: SampleCapture, sameFrames: Bool = true, joinedLate: Bool = false
    ) {
        #expect(hellos.count == sample.sent.count)
        for (found, sent) in zip(hellos, sample.sent) {
            #expect(found.bytes == sent.hello, "the hello for \(sent.serverName)")
            #expect(
                found.handshakeMessage.first == 1
                    && found.handshakeMessage.count == sent.hello.count - 5 * recordCount(sent.hello))
            #expect(found.serverName == sent.serverName)
            #expect(found.source == "127.0.0.1:\(sent.clientPort)")
            #expect(found.destination == "127.0.0.1:\(sample.serverPort)")
            #expect(found.timestamp >= sample.started - 1 && found.timestamp <= sample.ended + 1)
            if joinedLate, sent.proxyTarget != nil {
                #expect(found.proxyConnectTarget == nil && found.segmentCount == 1)
                continue
            }
            if sameFrames { #expect(found.segmentCount == sent.segments, "segments of \(sent.serverName)") }
            #expect(found.proxyConnectTarget == sent.proxyTarget)
        }
        #expect(hellos.map(\.packetNumber) == hellos.map(\.packetNumber).sorted())
    }

    @Test func readsEveryHelloByteForByte() throws {
        let sample = try SampleCapture.get()
        let contents = try CaptureReader.read(path: sample.path)
        #expect(contents.linkType == "EN10MB")
        expectSample(contents.clientHellos, sample)
        #expect(try CaptureReader.clientHellos(path: sample.path) == contents.clientHellos)
        // The packet numbers are the frames that completed each hello: the frame's payload is the hello's end.
        let packets = try CaptureFileWriter.packets(of: sample.path)
        for hello in contents.clientHellos {
            guard case .tcp(let segment) = PacketDecoder.decode(packets[hello.packetNumber - 1].data, link: .ethernet)
            else {
                Issue.record("packet \(hello.packetNumber) is not a TCP segment")
                continue
            }
            #expect(!segment.payload.isEmpty && hello.bytes.suffix(segment.payload.count) == segment.payload)
        }
    }

    @Test func warnsAboutAHelloCutOffMidway() throws {
        let sample = try SampleCapture.get()
        let warnings = try CaptureReader.read(path: sample.path).warnings
        let cutOff = warnings.filter { $0.message.contains("127.0.0.1:\(sample.cutOffPort) ->") }
        #expect(cutOff.count == 1, "\(warnings)")
        #expect(cutOff.first?.message.contains("incomplete ClientHello (100 bytes") == true)
        #expect(cutOff.first?.message.contains("closed the connection") == true)
        #expect(warnings.count == 1, "\(warnings)")
    }

    @Test func readsTheSamePacketsAsPcapng() throws {
        let sample = try SampleCapture.get()
        let packets = try CaptureFileWriter.packets(of: sample.path)
        let path = try captureDirectory().appendingPathComponent("sample.pcapng").path
        try Data(CaptureFileWriter.pcapng(packets, linkType: .ethernet)).write(to: URL(fileURLWithPath: path))
        let pcap = try CaptureReader.clientHellos(path: sample.path)
        let pcapng = try CaptureReader.clientHellos(path: path)
        expectSample(pcapng, sample)
        #expect(pcapng.map(\.packetNumber) == pcap.map(\.packetNumber))
        for (a, b) in zip(pcapng, pcap) { #expect(abs(a.timestamp - b.timestamp) < 1e-6) }
    }

    @Test(.enabled(if: ExternalServer.find("editcap") != nil, "editcap (Wireshark's tools) is not installed"))
    func readsPcapngWrittenByEditcap() throws {
        let sample = try SampleCapture.get()
        let path = try captureDirectory().appendingPathComponent("editcap.pcapng").path
        let result = try run(ExternalServer.find("editcap")!, ["-F", "pcapng", sample.path, path])
        #expect(result.status == 0, "\(result.error)")
        let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)).prefix(4))
        #expect(head == [0x0A, 0x0D, 0x0D, 0x0A], "editcap wrote a pcapng section header")
        expectSample(try CaptureReader.clientHellos(path: path), sample)
    }

    /// Wireshark's dissector, asked independently: the same frames complete the same hellos.
    @Test(.enabled(if: ExternalServer.find("tshark") != nil, "tshark is not installed"))
    func agreesWithTshark() throws {
        let sample = try SampleCapture.get()
        let result = try run(
            ExternalServer.find("tshark")!,
            [
                "-r", sample.path, "-d", "tcp.port==\(sample.serverPort),tls", "-Y", "tls.handshake.type == 1", "-T",
                "fields",
                "-e", "frame.number", "-e", "tls.handshake.extensions_server_name",
            ])
        #expect(result.status == 0, "\(result.error)")
        let rows = result.output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        // Wireshark decodes TLS inside a CONNECT tunnel only after the proxy's "200" answer,
        // which the test's listener never sends: the proxied hello is left out of the comparison.
        let hellos = try CaptureReader.clientHellos(path: sample.path).filter { $0.proxyConnectTarget == nil }
        #expect(rows.map { $0.first.flatMap { Int($0) } } == hellos.map(\.packetNumber))
        #expect(rows.map { $0.count > 1 ? $0[1] : nil } == hellos.map(\.serverName))
    }

    enum Framing: String, CaseIterable, Sendable {
        case raw, ipv4, null, loop, linuxSLL, linuxSLL2, vlan, qinq, ethernetTrailer
    }

    @Test(arguments: Framing.allCases)
    func readsEveryLinkLayer(_ framing: Framing) throws {
        let sample = try SampleCapture.get()
        let packets = try CaptureFileWriter.packets(of: sample.path)
        func rewrite(_ transform: ([UInt8]) -> [UInt8]) -> [WrittenPacket] {
            packets.map { WrittenPacket(timestamp: $0.timestamp, data: transform($0.data)) }
        }
        let file: [UInt8]
        let name: String
        switch framing {
        case .raw: (file, name) = (CaptureFileWriter.pcap(rewrite(Reframe.raw), linkType: .raw), "RAW")
        case .ipv4: (file, name) = (CaptureFileWriter.pcapng(rewrite(Reframe.raw), linkType: .ipv4), "IPV4")
        case .null: (file, name) = (CaptureFileWriter.pcap(rewrite(Reframe.null), linkType: .null), "NULL")
        case .loop: (file, name) = (CaptureFileWriter.pcapng(rewrite(Reframe.loop), linkType: .loop), "LOOP")
        case .linuxSLL:
            (file, name) = (CaptureFileWriter.pcap(rewrite(Reframe.linuxSLL), linkType: .linuxSLL), "LINUX_SLL")
        case .linuxSLL2:
            (file, name) = (CaptureFileWriter.pcapng(rewrite(Reframe.linuxSLL2), linkType: .linuxSLL2), "LINUX_SLL2")
        case .vlan:
            (file, name) = (
                CaptureFileWriter.pcap(rewrite { Reframe.vlan($0, double: false) }, linkType: .ethernet), "EN10MB"
            )
        case .qinq:
            (file, name) = (
                CaptureFileWriter.pcapng(rewrite { Reframe.vlan($0, double: true) }, linkType: .ethernet), "EN10MB"
            )
        case .ethernetTrailer:
            (file, name) = (CaptureFileWriter.pcap(rewrite(Reframe.trailer), linkType: .ethernet), "EN10MB")
        }
        let path = try captureDirectory().appendingPathComponent("\(framing).cap").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        let contents = try CaptureReader.read(path: path)
        #expect(contents.linkType == name)
        expectSample(contents.clientHellos, sample)
    }

    /// The client's data segments of each connection in reverse order, every one sent twice, and
    /// (optionally) without the SYNs, as a capture that starts late sees them.
    @Test(arguments: [false, true])
    func reassemblesOutOfOrderAndRetransmittedSegments(dropSYNs: Bool) throws {
        let sample = try SampleCapture.get()
        let packets = try CaptureFileWriter.packets(of: sample.path)
        var output: [WrittenPacket] = []
        var held: [WrittenPacket] = []
        for packet in packets {
            guard case .tcp(let segment) = PacketDecoder.decode(packet.data, link: .ethernet) else {
                output.append(packet)
                continue
            }
            let fromClient = Int(segment.destination.port) == sample.serverPort
            if segment.syn, fromClient, dropSYNs { continue }
            if fromClient, !segment.payload.isEmpty {
                held.append(packet)
            } else {
                if segment.fin, fromClient {
                    // Let the held segments out before the FIN: reversed, each one twice; the
                    // second copy of each has its last payload byte changed (the first copy wins).
                    for late in held.reversed() {
                        output.append(late)
                        var copy = late
                        copy.data[copy.data.count - 1] ^= 0xFF
                        output.append(copy)
                    }
                    held = []
                }
                output.append(packet)
            }
        }
        let path = try captureDirectory().appendingPathComponent("reordered.pcap").path
        try Data(CaptureFileWriter.pcap(output, linkType: .ethernet)).write(to: URL(fileURLWithPath: path))
        let hellos = try CaptureReader.clientHellos(path: path)
        expectSample(hellos, sample, joinedLate: dropSYNs)
    }

    /// Every packet twice, as a capture on two components (pktmon --comp all) or two interfaces
    /// records it: each hello once, completed by the first copy.
    @Test func everyPacketCapturedTwice() throws {
        let sample = try SampleCapture.get()
        let packets = try CaptureFileWriter.packets(of: sample.path)
        let path = try captureDirectory().appendingPathComponent("twice.pcapng").path
        try Data(CaptureFileWriter.pcapng(packets.flatMap { [$0, $0] }, linkType: .ethernet)).write(
            to: URL(fileURLWithPath: path))
        let once = try CaptureReader.clientHellos(path: sample.path)
        let twice = try CaptureReader.clientHellos(path: path)
        expectSample(twice, sample)
        #expect(twice.map(\.packetNumber) == once.map { 2 * $0.packetNumber - 1 })
    }

    /// A file cut at any point: no crash, and the hellos found are the first ones of the whole file.
    @Test func readsTruncatedFiles() throws {
        let sample = try SampleCapture.get()
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample.path)))
        let full = try CaptureReader.clientHellos(path: sample.path)
        let directory = try captureDirectory()
        var sawWarning = false
        for (index, length) in stride(from: 24, to: whole.count, by: max(1, whole.count / 150)).enumerated() {
            let path = directory.appendingPathComponent("cut-\(index).pcap").path
            try Data(whole[..<length]).write(to: URL(fileURLWithPath: path))
            let contents = try CaptureReader.read(path: path)
            #expect(Array(full.prefix(contents.clientHellos.count)) == contents.clientHellos, "cut at \(length)")
            if contents.warnings.contains(where: { $0.message.contains("ends in the middle of a packet") }) {
                sawWarning = true
            }
        }
        #expect(sawWarning)
        // Cut inside the header: not a capture.
        let path = directory.appendingPathComponent("header.pcap").path
        try Data(whole[..<10]).write(to: URL(fileURLWithPath: path))
        #expect(throws: CaptureError.self) { try CaptureReader.read(path: path) }
    }

    /// Whether this machine can listen on ::1 (a container may have IPv6 turned off).
    static let ipv6Loopback: Bool = (try? SinkListener(ipv6: true)) != nil

    @Test(.enabled(if: ipv6Loopback, "IPv6 loopback (::1) is not available on this machine"))
    func readsIPv6WithExtensionHeaders() throws {
        let listener = try SinkListener(ipv6: true)
        let path = try captureDirectory().appendingPathComponent("ipv6.pcap").path
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(listener.port)")
        let one = Hellos.simple(serverName: "v6.example", seed: 11)
        let two = Hellos.split(Hellos.simple(serverName: "v6-split.example", seed: 12), recordSize: 100)
        let portOne = try send([one], to: listener)
        let portTwo = try send(Hellos.chunks(two, size: 70), to: listener)
        _ = listener.connections(2)
        capture.stop(expectingHellos: 2)

        let hellos = try CaptureReader.clientHellos(path: path)
        #expect(hellos.map(\.bytes) == [one, two])
        #expect(hellos.map(\.source) == ["[::1]:\(portOne)", "[::1]:\(portTwo)"])
        #expect(hellos.map(\.destination) == ["[::1]:\(listener.port)", "[::1]:\(listener.port)"])
        #expect(hellos.map(\.serverName) == ["v6.example", "v6-split.example"])

        let packets = try CaptureFileWriter.packets(of: path).map {
            WrittenPacket(timestamp: $0.timestamp, data: Reframe.ipv6ExtensionHeaders($0.data))
        }
        let extended = try captureDirectory().appendingPathComponent("ipv6-ext.pcapng").path
        try Data(CaptureFileWriter.pcapng(packets, linkType: .ethernet)).write(to: URL(fileURLWithPath: extended))
        // A Double holds a 2026 timestamp to about 0.2 µs, so the rewritten file's times may differ by that.
        let extendedHellos = try CaptureReader.clientHellos(path: extended)
        #expect(extendedHellos.map { withoutTime($0) } == hellos.map { withoutTime($0) })
        for (a, b) in zip(extendedHellos, hellos) { #expect(abs(a.timestamp - b.timestamp) < 1e-6) }

        // The same IPv6 packets as raw IP and behind BSD loopback headers (AF_INET6 = 30, macOS).
        let original = try CaptureFileWriter.packets(of: path)
        for (file, name) in [
            (
                CaptureFileWriter.pcap(
                    original.map { WrittenPacket(timestamp: $0.timestamp, data: Reframe.raw($0.data)) }, linkType: .raw),
                "v6-raw.pcap"
            ),
            (
                CaptureFileWriter.pcap(
                    original.map { WrittenPacket(timestamp: $0.timestamp, data: Reframe.null($0.data)) },
                    linkType: .null), "v6-null.pcap"
            ),
        ] {
            let reframed = try captureDirectory().appendingPathComponent(name).path
            try Data(file).write(to: URL(fileURLWithPath: reframed))
            #expect(try CaptureReader.clientHellos(path: reframed).map(\.bytes) == [one, two], "\(name)")
        }
    }

    /// A real client: openssl s_client to openssl s_server; s_client's -msg trace shows the bytes it sent.
    @Test func readsOpenSSLClientHello() throws {
        let openssl = try #require(ExternalServer.find("openssl"))
        let pki = TestPKI.shared
        let files = try pki.write(pki.rsaLeaf, name: "capture-s_server")
        let port = freePort()
        let path = try captureDirectory().appendingPathComponent("openssl.pcap").path
        let capture = try TcpdumpCapture(path: path, interface: "any", filter: "tcp port \(port)")
        let server = try ExternalServer(
            executable: openssl,
            arguments: [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", files.cert, "-key", files.key, "-quiet",
                "-naccept", "10",
            ],
            port: port)
        defer { server.stop() }
        let client = try run(
            openssl,
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-servername", TestPKI.updateHost, "-msg", "-CAfile",
                pki.caFile,
            ])
        capture.stop(expectingHellos: 1)

        // The lines after ">>> ... ClientHello" are the handshake message in hex.
        let message = Self.clientHelloMessage(inTrace: client.output)
        #expect(message.count > 100, "s_client -msg printed the ClientHello: \(client.output.prefix(400))")

        let contents = try CaptureReader.read(path: path)
        #expect(contents.linkType == "LINUX_SLL2" || contents.linkType == "LINUX_SLL")
        let hello = try #require(contents.clientHellos.first)
        #expect(hello.handshakeMessage == message)
        #expect(hello.bytes.count == message.count + 5)
        #expect(hello.serverName == TestPKI.updateHost)
        #expect(hello.destination == "127.0.0.1:\(port)")
    }

    /// A real proxy: openssl s_client -proxy through tinyproxy to openssl s_server. The capture
    /// on the proxy's port holds the CONNECT request, then the hello.
    @Test func readsAHelloThroughAnHTTPProxy() throws {
        let openssl = try #require(ExternalServer.find("openssl"))
        let tinyproxy = try #require(
            ExternalServer.find("tinyproxy"), "tinyproxy is not installed (apt-get install tinyproxy)")
        let pki = TestPKI.shared
        let files = try pki.write(pki.rsaLeaf, name: "capture-proxy-s_server")
        let serverPort = freePort()
        let server = try ExternalServer(
            executable: openssl,
            arguments: [
                "s_server", "-accept", "127.0.0.1:\(serverPort)", "-cert", files.cert, "-key", files.key, "-quiet",
                "-naccept", "10",
            ],
            port: serverPort)
        defer { server.stop() }
        let directory = try captureDirectory()
        let proxyPort = freePort()
        let configuration = directory.appendingPathComponent("tinyproxy.conf").path
        try """
        Port \(proxyPort)
        Listen 127.0.0.1
        Timeout 10
        MaxClients 10
        Allow 127.0.0.1
        ConnectPort \(serverPort)
        LogLevel Error
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        let proxy = try ExternalServer(executable: tinyproxy, arguments: ["-d", "-c", configuration], port: proxyPort)
        defer { proxy.stop() }

        let path = directory.appendingPathComponent("proxy.pcap").path
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(proxyPort)")
        let client = try run(
            openssl,
            [
                "s_client", "-proxy", "127.0.0.1:\(proxyPort)", "-connect", "127.0.0.1:\(serverPort)", "-servername",
                TestPKI.updateHost,
                "-msg", "-CAfile", pki.caFile,
            ])
        capture.stop(expectingHellos: 1)

        let contents = try CaptureReader.read(path: path)
        let hello = try #require(contents.clientHellos.first, "\(contents.warnings) \(client.error)")
        #expect(contents.clientHellos.count == 1)
        #expect(hello.handshakeMessage == Self.clientHelloMessage(inTrace: client.output))
        #expect(hello.proxyConnectTarget == "127.0.0.1:\(serverPort)")
        #expect(hello.destination == "127.0.0.1:\(proxyPort)")
        #expect(hello.serverName == TestPKI.updateHost)
        #expect(contents.warnings.isEmpty, "\(contents.warnings)")
        // A real proxy answers "200 Connection established", so Wireshark decodes the tunnel too.
        if let tshark = ExternalServer.find("tshark") {
            let result = try run(
                tshark, ["-r", path, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e", "frame.number"])
            #expect(result.output.split(separator: "\n") == ["\(hello.packetNumber)"], "\(result.error)")
        }
    }

    /// The handshake message after ">>> ... ClientHello" in `openssl s_client -msg` output.
    static func clientHelloMessage(inTrace output: String) -> [UInt8] {
        var message: [UInt8] = []
        var inHello = false
        for line in output.split(separator: "\n") {
            if line.hasPrefix(">>>") || line.hasPrefix("<<<") {
                if inHello { break }
                inHello = line.hasPrefix(">>>") && line.contains("ClientHello")
                continue
            }
            if inHello { message += line.split(separator: " ").compactMap { UInt8($0, radix: 16) } }
        }
        return message
    }

    /// tcpdump -s 100 cuts every packet: the hello is reported as cut short, never invented.
    @Test func warnsWhenTheSnapshotLengthCutsTheHello() throws {
        let listener = try SinkListener()
        let path = try captureDirectory().appendingPathComponent("snaplen.pcap").path
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(listener.port)", snapshotLength: 120)
        let port = try send([Hellos.simple(serverName: "snap.example")], to: listener)
        _ = listener.connections(1)
        capture.stop(settle: 0.5)
        let contents = try CaptureReader.read(path: path)
        #expect(contents.clientHellos.isEmpty)
        #expect(
            contents.warnings.contains {
                $0.message.contains("127.0.0.1:\(port) ->") && $0.message.contains("snapshot length")
            })
        #expect(
            contents.warnings.contains { $0.message.contains("cut short by the capture's snapshot length (120 bytes)") }
        )
    }
}
