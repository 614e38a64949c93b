import Foundation
import TLSFitCore
import TLSFitTestSupport
import Testing

/// `tlsfit hello --pcap`: real captures (tcpdump on loopback) of exact Windows ClientHellos, read
/// back by the CLI, which must name the release that sent each.
@Suite(.serialized) struct HelloPcapCommandTests {
    /// The `tlsfit` binary SwiftPM built next to the test bundle.
    static var tlsfit: String { TLSFitBinary.url.path }

    static func emulated(_ release: WindowsRelease, host: String) throws -> WindowsClientHello {
        let config = try WindowsConfigReader.read([], release: release)
        let random = (0..<32).map { UInt8($0) }
        return try WindowsClientHelloBuilder.build(config: config, serverName: host, random: random)
    }

    @Test func namesTheReleaseOfEveryCapturedHello() throws {
        let windows10 = try Self.emulated(.windows10_22H2, host: "slscr.update.microsoft.com")
        let windows7 = try Self.emulated(.windows7, host: "fe2.update.microsoft.com")
        let listener = try SinkListener()
        defer { listener.stop() }
        let path = try captureDirectory().appendingPathComponent("hello-pcap-\(UUID().uuidString).pcap").path
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(listener.port)")
        try send([windows10.hello.encode()], to: listener)
        try send([windows7.hello.encode()], to: listener)
        _ = listener.connections(2)
        capture.stop(expectingHellos: 2)

        let result = try run(Self.tlsfit, ["hello", "--pcap", path, "--format", "json"], timeout: 60)
        #expect(result.status == 0, "\(result.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let hellos = try #require(json["clientHellos"] as? [[String: Any]])
        try #require(hellos.count == 2)
        for (entry, sent, release) in [(hellos[0], windows10, "windows-10-22h2"), (hellos[1], windows7, "windows-7")] {
            #expect((entry["destination"] as? String) == "127.0.0.1:\(listener.port)")
            #expect((entry["packetNumber"] as? Int ?? 0) > 0)
            let hello = try #require(entry["hello"] as? [String: Any])
            #expect(hello["ja3Hash"] as? String == sent.hello.ja3)
            #expect(hello["ja4"] as? String == sent.hello.ja4)
            let best = try #require((hello["matches"] as? [[String: Any]])?.first)
            #expect((best["releases"] as? [String])?.contains(release) == true, "\(best)")
            #expect(best["identical"] as? Bool == true, "\(best)")
        }

        // Text: one heading per hello, with its packet and addresses.
        let text = try run(Self.tlsfit, ["hello", "--pcap", path], timeout: 60)
        #expect(text.status == 0)
        #expect(text.output.contains("2 ClientHellos"))
        #expect(text.output.contains("-> 127.0.0.1:\(listener.port)"))
    }

    /// Every public Schannel capture found (SchannelCaptures.md), each on its own connection at its own time in
    /// one pcap file: `hello --pcap` names the release family, the stack and the patch level of each, and
    /// leaves out what did not exist when it was captured.
    @Test func namesEveryPublicSchannelCapture() throws {
        var packets: [WrittenPacket] = []
        for (i, capture) in SchannelCapture.all.enumerated() {
            let port = UInt16(51000 + i)
            packets.append(
                WrittenPacket(
                    timestamp: capture.timestamp,
                    data: SyntheticFrame.tcp(source: (0x0A00_0005, port), sequence: 999, flags: 0x02, payload: [])))
            packets.append(
                WrittenPacket(
                    timestamp: capture.timestamp + 0.01,
                    data: SyntheticFrame.tcp(
                        source: (0x0A00_0005, port), sequence: 1000, payload: capture.hello.encode())))
        }
        let path = try captureDirectory().appendingPathComponent("schannel-\(UUID().uuidString).pcap").path
        try Data(CaptureFileWriter.pcap(packets, linkType: .ethernet)).write(to: URL(fileURLWithPath: path))

        let result = try run(Self.tlsfit, ["hello", "--pcap", path, "--format", "json"], timeout: 120)
        #expect(result.status == 0, "\(result.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let hellos = try #require(json["clientHellos"] as? [[String: Any]])
        try #require(hellos.count == SchannelCapture.all.count)
        for (entry, capture) in zip(hellos, SchannelCapture.all) {
            let hello = try #require(entry["hello"] as? [String: Any])
            #expect(hello["ja3Hash"] as? String == capture.hello.ja3, "\(capture)")
            // The rebuilt hello has the fingerprints its source prints.
            if let ja3 = capture.publishedJA3 { #expect(capture.hello.ja3 == ja3, "\(capture)") }
            if let ja4 = capture.publishedJA4 { #expect(capture.hello.ja4 == ja4, "\(capture)") }
            let best = try #require((hello["matches"] as? [[String: Any]])?.first, "\(capture)")
            let releases = best["releases"] as? [String] ?? []
            #expect(releases.contains(capture.release), "\(capture): \(best)")
            for other in capture.notReleases {
                #expect(!releases.contains(other), "\(capture): \(other) in \(releases)")
            }
            #expect((best["stacks"] as? [String])?.contains(capture.stack) == true, "\(capture): \(best)")
            #expect(best["stack"] as? String != nil)
            let levels = best["patchLevels"] as? [String] ?? []
            if let level = capture.patchLevel {
                #expect(levels.contains(level), "\(capture): \(levels)")
            } else {
                #expect(levels.isEmpty, "\(capture): \(levels)")
            }
            let kinds = Set((best["differences"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
            #expect(kinds.isSubset(of: capture.allowedDifferences), "\(capture): \(kinds)")
            if capture.allowedDifferences.isEmpty { #expect(best["identical"] as? Bool == true, "\(capture): \(best)") }
            // Never "not Schannel's order" for an order a modelled stack sends.
            let details = (hello["matches"] as? [[String: Any]] ?? []).flatMap {
                ($0["differences"] as? [[String: Any]]) ?? []
            }
            #expect(
                !details.contains { ($0["detail"] as? String)?.contains("no modelled Schannel release") == true },
                "\(capture)")
            if let note = capture.note {
                #expect(
                    (hello["notes"] as? [String])?.contains { $0.contains(note) } == true,
                    "\(capture): \(hello["notes"] ?? "")")
            }
        }
    }

    /// A real tcpdump capture of one plain HTTP request: a capture file with no ClientHello in it.
    static func captureWithoutHello(_ name: String) throws -> String {
        let listener = try SinkListener()
        defer { listener.stop() }
        let path = try captureDirectory().appendingPathComponent("\(name)-\(UUID().uuidString).pcap").path
        let capture = try TcpdumpCapture(path: path, filter: "tcp port \(listener.port)")
        try send([Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], to: listener)
        _ = listener.connections(1)
        capture.stop()
        return path
    }

    @Test func aCaptureWithoutHellosIsExitOneAndGarbageIsExitTwo() throws {
        let path = try Self.captureWithoutHello("no-hello")
        let none = try run(Self.tlsfit, ["hello", "--pcap", path], timeout: 60)
        #expect(none.status == 1)
        #expect(none.error.contains("no ClientHello"))

        let garbage = try captureDirectory().appendingPathComponent("garbage-\(UUID().uuidString).pcap").path
        try Data("this is not a capture\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let bad = try run(Self.tlsfit, ["hello", "--pcap", garbage], timeout: 60)
        #expect(bad.status == 2)
        #expect(bad.error.contains(garbage))
        let clash = try run(Self.tlsfit, ["hello", "--pcap", garbage, "--windows", "windows-7"], timeout: 60)
        #expect(clash.status == 2)
    }

    /// libpcap is loaded only when a capture is opened. When it cannot be loaded (here a
    /// TLSFIT_LIBPCAP that names no library), reading a real capture is a clear error with exit
    /// 2, not a crash; and commands that read no capture never try.
    @Test func aMissingLibpcapIsAClearError() throws {
        let path = try Self.captureWithoutHello("no-libpcap")
        let missing = ["TLSFIT_LIBPCAP": "/nonexistent/libpcap.so.0.8"]
        let result = try run(Self.tlsfit, ["hello", "--pcap", path], timeout: 60, environment: missing)
        #expect(result.status == 2, "\(result.error)")
        #expect(result.error.contains(path))
        #expect(result.error.contains("cannot load libpcap from TLSFIT_LIBPCAP"), "\(result.error)")
        #expect(result.error.contains("/nonexistent/libpcap.so.0.8"), "\(result.error)")

        let other = try run(Self.tlsfit, ["suites", "show", "0xC030"], timeout: 60, environment: missing)
        #expect(other.status == 0, "\(other.error)")
    }
}
