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
