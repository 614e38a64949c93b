import Foundation
import TLSFitCore
import TLSFitTestSupport
import TLSFitTestZips
import Testing

/// `tlsfit hello --pcap BUNDLE`: the capture `tlsfit collect -Capture` puts in its bundle (pktmon
/// etl2pcap writes pcapng), read from the folder or from inside the zip.
@Suite(.serialized) struct CollectBundleCaptureTests {
    @Test(.enabled(if: ExternalServer.find("editcap") != nil, "editcap (Wireshark's tools) is not installed"))
    func helloPcapReadsTheBundlesCapture() throws {
        // A real capture of the exact Server 2019 hello (tcpdump on loopback), as pcapng.
        let sent = try HelloPcapCommandTests.emulated(.server2019, host: "slscr.update.microsoft.com")
        let listener = try SinkListener()
        defer { listener.stop() }
        let pcap = try captureDirectory().appendingPathComponent("bundle-\(UUID().uuidString).pcap").path
        let capture = try TcpdumpCapture(path: pcap, filter: "tcp port \(listener.port)")
        try send([sent.hello.encode()], to: listener)
        _ = listener.connections(1)
        capture.stop(expectingHellos: 1)
        let pcapng = pcap + "ng"
        let converted = try run(ExternalServer.find("editcap")!, ["-F", "pcapng", pcap, pcapng])
        #expect(converted.status == 0, "\(converted.error)")
        let captureBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: pcapng)))
        #expect(Array(captureBytes.prefix(4)) == [0x0A, 0x0D, 0x0D, 0x0A])

        // The bundle: the demo's files and the capture, as a folder and as its zip.
        let dir = try captureDirectory().appendingPathComponent("bundle-\(UUID().uuidString)")
        let folder = dir.appendingPathComponent("tlsfit-WS2019-APP01-20261201T092102Z")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let entries =
            try DemoBundleFiles.files(under: "tlsfit-WS2019-APP01-20261201T092102Z/")
            + [("tlsfit-WS2019-APP01-20261201T092102Z/capture.pcapng", captureBytes)]
        for (name, bytes) in entries { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        let zip = dir.appendingPathComponent("bundle.zip").path
        try Data(try ZipMaker.make(entries)).write(to: URL(fileURLWithPath: zip))

        for input in [zip, folder.path] {
            let result = try run(
                HelloPcapCommandTests.tlsfit, ["hello", "--pcap", input, "--format", "json"], timeout: 60)
            #expect(result.status == 0, "\(result.error)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            let hellos = try #require(json["clientHellos"] as? [[String: Any]])
            try #require(hellos.count == 1)
            let hello = try #require(hellos[0]["hello"] as? [String: Any])
            #expect(hello["ja3Hash"] as? String == sent.hello.ja3)
            let best = try #require((hello["matches"] as? [[String: Any]])?.first)
            #expect((best["releases"] as? [String])?.contains("server-2019") == true, "\(best)")
        }
        // The zip's capture went through a temporary file, which is gone.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("tlsfit-capture-") && $0.hasSuffix(".pcapng") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // A bundle without a capture says how to get one.
        let none = try run(
            HelloPcapCommandTests.tlsfit, ["hello", "--pcap", zip.replacing("bundle.zip", with: "none.zip")],
            timeout: 60)
        #expect(none.status != 0)
        try Data(try ZipMaker.make(Array(entries.dropLast()))).write(
            to: URL(fileURLWithPath: dir.appendingPathComponent("none.zip").path))
        let without = try run(
            HelloPcapCommandTests.tlsfit, ["hello", "--pcap", dir.appendingPathComponent("none.zip").path], timeout: 60)
        #expect(without.status == 2)
        #expect(without.error.contains("holds no capture") && without.error.contains("-Capture"), "\(without.error)")
    }
}
