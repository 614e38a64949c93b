import Foundation
import Testing

@testable import TLSFitCapture

/// Files that are not captures, or captures the reader cannot use: one clear error naming the file.
@Suite("Capture files that cannot be read")
struct CaptureErrorTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = try captureDirectory().appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func error(_ path: String) -> CaptureError? {
        do {
            _ = try CaptureReader.read(path: path)
            return nil
        } catch let error as CaptureError {
            return error
        } catch {
            Issue.record("not a CaptureError: \(error)")
            return nil
        }
    }

    @Test func missingFile() throws {
        let path = try captureDirectory().appendingPathComponent("absent.pcap").path
        let failure = try #require(error(path))
        #expect(failure.code == .fileNotFound)
        #expect(failure.description == "\(path): no such file")
    }

    @Test func directory() throws {
        let path = try captureDirectory().path
        let failure = try #require(error(path))
        #expect(failure.code == .notReadable)
        #expect(failure.description.hasPrefix(path + ": "))
        #expect(failure.reason.contains("directory"))
    }

    @Test func emptyFile() throws {
        let path = try write([], "empty.pcap")
        let failure = try #require(error(path))
        #expect(failure.code == .notACapture)
        #expect(failure.description == "\(path): the file is empty, not a pcap or pcapng capture")
    }

    @Test(arguments: [
        ("garbage", (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }),
        ("text", Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8)),
        ("etl", [0x00, 0x40, 0x00, 0x00] + [UInt8](repeating: 0x11, count: 200)),
    ])
    func notACapture(name: String, bytes: [UInt8]) throws {
        let path = try write(bytes, "\(name).pcap")
        let failure = try #require(error(path))
        #expect(failure.code == .notACapture)
        #expect(failure.description.hasPrefix(path + ": not a pcap or pcapng capture file"))
        #expect(
            failure.reason.hasSuffix(
                "; if it is a pktmon .etl file, convert it first: pktmon etl2pcap FILE.etl -o FILE.pcapng"))
    }

    @Test(arguments: [
        ("gzip", [0x1F, 0x8B, 0x08, 0x00] + [UInt8](repeating: 0, count: 60), "a gzip-compressed file"),
        ("zip", Array("PK".utf8) + [3, 4] + [UInt8](repeating: 0, count: 60), "a zip archive"),
        (
            "netmon", Array("GMBU".utf8) + [0, 2] + [UInt8](repeating: 0, count: 60),
            "a Microsoft Network Monitor capture"
        ),
    ])
    func namesWhatTheFileIs(name: String, bytes: [UInt8], what: String) throws {
        let path = try write(bytes, "\(name).cap")
        let failure = try #require(error(path))
        #expect(failure.code == .notACapture)
        #expect(failure.reason.contains(what), "\(failure)")
    }

    @Test func truncatedHeader() throws {
        let header = CaptureFileWriter.pcap([], linkType: .ethernet)
        let path = try write(Array(header.prefix(12)), "short.pcap")
        let failure = try #require(error(path))
        #expect(failure.code == .notACapture)
        #expect(failure.description.hasPrefix(path + ": not a capture file libpcap can read (libpcap: "))
    }

    @Test func unsupportedLinkType() throws {
        let packet = WrittenPacket(timestamp: 1, data: [UInt8](repeating: 0, count: 64))
        for (file, name) in [
            (CaptureFileWriter.pcap([packet], linkType: .ieee80211), "wifi.pcap"),
            (CaptureFileWriter.pcapng([packet], linkType: .ieee80211), "wifi.pcapng"),
        ] {
            let path = try write(file, name)
            let failure = try #require(error(path))
            #expect(failure.code == .unsupportedLinkType)
            #expect(failure.description.hasPrefix(path + ": link-layer type IEEE802_11"))
            #expect(failure.reason.contains("is not supported"))
        }
    }

    /// Packets, but none a TCP segment: said, so an empty answer is not mistaken for "no hello sent".
    @Test func captureWithoutTCP() throws {
        let arp = WrittenPacket(
            timestamp: 1, data: [UInt8](repeating: 0xFF, count: 12) + [0x08, 0x06] + [UInt8](repeating: 0, count: 28))
        let contents = try CaptureReader.read(
            path: try write(CaptureFileWriter.pcap([arp, arp], linkType: .ethernet), "arp.pcap"))
        #expect(contents.clientHellos.isEmpty)
        #expect(contents.warnings.map(\.message).first?.hasPrefix("none of the 2 packets is a TCP segment") == true)
    }

    @Test func captureWithoutPackets() throws {
        for (file, name) in [
            (CaptureFileWriter.pcap([], linkType: .ethernet), "none.pcap"),
            (CaptureFileWriter.pcapng([], linkType: .linuxSLL2), "none.pcapng"),
        ] {
            let contents = try CaptureReader.read(path: try write(file, name))
            #expect(contents.clientHellos.isEmpty)
            #expect(contents.warnings.isEmpty)
            #expect(contents.packetCount == 0)
        }
    }
}
