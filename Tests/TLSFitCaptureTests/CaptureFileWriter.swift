import Foundation

@testable import TLSFitCapture

/// Writes packets into pcap and pcapng containers, so a real capture can be turned into other
/// formats and link types that libpcap must then read back. Little-endian, nanosecond timestamps.
struct WrittenPacket {
    var timestamp: Double
    var data: [UInt8]
    /// The length on the wire; `data.count` unless the packet was cut short.
    var wireLength: Int

    init(timestamp: Double, data: [UInt8], wireLength: Int? = nil) {
        self.timestamp = timestamp
        self.data = data
        self.wireLength = wireLength ?? data.count
    }
}

/// LINKTYPE_ values as they appear in files (libpcap maps them to its DLT_ values).
enum FileLinkType: UInt32 {
    case null = 0
    case ethernet = 1
    case raw = 101
    case loop = 108
    case linuxSLL = 113
    case ipv4 = 228
    case linuxSLL2 = 276
    /// IEEE 802.11: a link type the reader does not support.
    case ieee80211 = 105
}

enum CaptureFileWriter {
    static func pcap(_ packets: [WrittenPacket], linkType: FileLinkType, snapshotLength: UInt32 = 262144) -> [UInt8] {
        var out: [UInt8] = []
        out.le32(0xA1B2_3C4D)  // nanosecond-resolution pcap
        out.le16(2)
        out.le16(4)
        out.le32(0)  // thiszone
        out.le32(0)  // sigfigs
        out.le32(snapshotLength)
        out.le32(linkType.rawValue)
        for packet in packets {
            let (seconds, nanoseconds) = split(packet.timestamp)
            out.le32(UInt32(seconds))
            out.le32(UInt32(nanoseconds))
            out.le32(UInt32(packet.data.count))
            out.le32(UInt32(packet.wireLength))
            out += packet.data
        }
        return out
    }

    /// A pcapng file: a Section Header Block, one Interface Description Block (with if_tsresol 9:
    /// nanoseconds), and an Enhanced Packet Block per packet.
    static func pcapng(_ packets: [WrittenPacket], linkType: FileLinkType) -> [UInt8] {
        var out: [UInt8] = []
        var body: [UInt8] = []
        body.le32(0x1A2B_3C4D)  // byte-order magic
        body.le16(1)
        body.le16(0)
        body += [UInt8](repeating: 0xFF, count: 8)  // section length unknown
        block(0x0A0D_0D0A, body, into: &out)

        body = []
        body.le16(UInt16(linkType.rawValue))
        body.le16(0)
        body.le32(262144)
        body.le16(9)  // if_tsresol
        body.le16(1)
        body += [9, 0, 0, 0]  // 10^-9, padded
        body.le16(0)  // opt_endofopt
        body.le16(0)
        block(1, body, into: &out)

        for packet in packets {
            let nanoseconds = UInt64((packet.timestamp * 1e9).rounded())
            body = []
            body.le32(0)  // interface 0
            body.le32(UInt32(nanoseconds >> 32))
            body.le32(UInt32(nanoseconds & 0xFFFF_FFFF))
            body.le32(UInt32(packet.data.count))
            body.le32(UInt32(packet.wireLength))
            body += packet.data
            while body.count % 4 != 0 { body.append(0) }
            block(6, body, into: &out)
        }
        return out
    }

    private static func block(_ type: UInt32, _ body: [UInt8], into out: inout [UInt8]) {
        let length = UInt32(12 + body.count)
        out.le32(type)
        out.le32(length)
        out += body
        out.le32(length)
    }

    private static func split(_ timestamp: Double) -> (Int, Int) {
        let nanoseconds = Int((timestamp * 1e9).rounded())
        return (nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000)
    }

    /// The packets of a capture file as libpcap reads them.
    static func packets(of path: String) throws -> [WrittenPacket] {
        var packets: [WrittenPacket] = []
        _ = try CaptureReader.forEachPacket(path: path) { packet in
            packets.append(WrittenPacket(timestamp: packet.timestamp, data: packet.data, wireLength: packet.wireLength))
        }
        return packets
    }
}

/// Rewrites Ethernet frames (what tcpdump writes for Linux's lo) into other link-layer framings.
enum Reframe {
    static func ipPacket(_ frame: [UInt8]) -> [UInt8] { Array(frame[14...]) }
    static func etherType(_ frame: [UInt8]) -> UInt16 { UInt16(frame[12]) << 8 | UInt16(frame[13]) }

    static func raw(_ frame: [UInt8]) -> [UInt8] { ipPacket(frame) }

    /// DLT_NULL: the address family in the capturing host's (here little-endian) order; AF_INET6 as macOS numbers it.
    static func null(_ frame: [UInt8]) -> [UInt8] {
        let family: UInt8 = etherType(frame) == 0x86DD ? 30 : 2
        return [family, 0, 0, 0] + ipPacket(frame)
    }

    /// DLT_LOOP: the address family in network order; AF_INET6 as OpenBSD numbers it.
    static func loop(_ frame: [UInt8]) -> [UInt8] {
        let family: UInt8 = etherType(frame) == 0x86DD ? 24 : 2
        return [0, 0, 0, family] + ipPacket(frame)
    }

    static func linuxSLL(_ frame: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [0, 4]  // packet type: outgoing
        header += [0x03, 0x04]  // ARPHRD_LOOPBACK
        header += [0, 6]
        header += Array(frame[6..<12]) + [0, 0]
        header += Array(frame[12..<14])
        return header + ipPacket(frame)
    }

    static func linuxSLL2(_ frame: [UInt8]) -> [UInt8] {
        var header: [UInt8] = Array(frame[12..<14]) + [0, 0]  // protocol, reserved
        header += [0, 0, 0, 1]  // interface index
        header += [0x03, 0x04]  // ARPHRD_LOOPBACK
        header += [4, 6]  // outgoing, address length
        header += Array(frame[6..<12]) + [0, 0]
        return header + ipPacket(frame)
    }

    /// 802.1ad outer tag and 802.1Q inner tag (QinQ) when `double`, else one 802.1Q tag.
    static func vlan(_ frame: [UInt8], double: Bool) -> [UInt8] {
        var tags: [UInt8] = double ? [0x88, 0xA8, 0x00, 0x64] : []
        tags += [0x81, 0x00, 0x00, 0x2A]
        return Array(frame[0..<12]) + tags + Array(frame[12...])
    }

    /// Bytes after the IP packet, as Ethernet padding or a frame check sequence leave them.
    static func trailer(_ frame: [UInt8]) -> [UInt8] { frame + [0xDE, 0xAD, 0xBE, 0xEF] }

    /// Inserts a hop-by-hop and a destination options header into an IPv6 frame.
    static func ipv6ExtensionHeaders(_ frame: [UInt8]) -> [UInt8] {
        guard etherType(frame) == 0x86DD else { return frame }
        var ip = ipPacket(frame)
        let next = ip[6]
        let payloadLength = Int(ip[4]) << 8 | Int(ip[5])
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]  // next: destination options; PadN
        let destination: [UInt8] = [next, 1] + [1, 12] + [UInt8](repeating: 0, count: 12)  // 16 bytes
        ip[6] = 0
        let newLength = payloadLength + hopByHop.count + destination.count
        ip[4] = UInt8(newLength >> 8)
        ip[5] = UInt8(newLength & 0xFF)
        ip.insert(contentsOf: hopByHop + destination, at: 40)
        return Array(frame[0..<14]) + ip
    }
}

extension [UInt8] {
    mutating func le16(_ value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, through: 24, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
