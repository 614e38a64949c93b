#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The link-layer header types the reader understands (libpcap's DLT_ values are mapped to these
/// by `CaptureReader`, because some differ between systems).
enum LinkLayer: Sendable, Hashable {
    /// DLT_EN10MB: Ethernet, with any number (up to 4) of 802.1Q / 802.1ad VLAN tags.
    case ethernet
    /// DLT_LINUX_SLL: Linux cooked capture v1 (`tcpdump -i any` before 4.99).
    case linuxCooked
    /// DLT_LINUX_SLL2: Linux cooked capture v2 (`tcpdump -i any` from 4.99).
    case linuxCooked2
    /// DLT_RAW, DLT_IPV4, DLT_IPV6: the packet starts with the IP header.
    case rawIP
    /// DLT_NULL (a 4-byte address family in the capturing host's byte order) and DLT_LOOP (in
    /// network order): the IP version nibble tells the family either way.
    case loopback
}

/// An IPv4 or IPv6 address and a TCP port.
struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes.
    var address: [UInt8]
    var port: UInt16

    /// `10.0.0.5:49712`, or `[2001:db8::5]:49712` for IPv6 (RFC 5952 text, as `inet_ntop` writes it).
    var description: String {
        if address.count == 4 {
            return address.map(String.init).joined(separator: ".") + ":\(port)"
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written = address.withUnsafeBytes { raw in
            inet_ntop(AF_INET6, raw.baseAddress, &text, socklen_t(text.count))
        }
        let host =
            written == nil
            ? address.map { String($0, radix: 16) }.joined(separator: ".")
            : String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "[\(host)]:\(port)"
    }
}

/// One TCP segment taken out of a captured frame.
struct TCPSegment: Sendable, Hashable {
    var source: Endpoint
    var destination: Endpoint
    var sequence: UInt32
    var syn: Bool
    var fin: Bool
    var rst: Bool
    var payload: ArraySlice<UInt8>
    /// The frame was cut short (snapshot length, or a damaged file): the payload is only the
    /// first bytes of what the segment carried.
    var truncated: Bool
}

/// What a frame held, as far as the reader cares.
enum DecodedPacket: Sendable, Hashable {
    case tcp(TCPSegment)
    /// An IP fragment: a ClientHello is never sent fragmented by a sane stack, so it is skipped.
    case fragment
    /// Anything else (ARP, UDP, ICMP, non-IP, or bytes too damaged to be a TCP segment).
    case other
}

/// Decodes link, IP and TCP headers from captured bytes. Pure: never reads outside `frame`.
enum PacketDecoder {
    static let vlanTypes: Set<UInt16> = [0x8100, 0x88A8, 0x9100, 0x9200]
    /// At most this many stacked IPv6 extension headers or VLAN tags are walked.
    static let maxHeaderChain = 8

    static func decode(_ frame: [UInt8], link: LinkLayer) -> DecodedPacket {
        let bytes = ByteReader(frame)
        switch link {
        case .ethernet:
            guard let type = bytes.u16(at: 12) else { return .other }
            return network(bytes, etherType: type, at: 14)
        case .linuxCooked:
            guard let type = bytes.u16(at: 14) else { return .other }
            return network(bytes, etherType: type, at: 16)
        case .linuxCooked2:
            guard let type = bytes.u16(at: 0), frame.count >= 20 else { return .other }
            return network(bytes, etherType: type, at: 20)
        case .rawIP:
            return ip(bytes, at: 0)
        case .loopback:
            guard frame.count > 4 else { return .other }
            return ip(bytes, at: 4)
        }
    }

    /// After an EtherType: VLAN tags, then IPv4 or IPv6.
    private static func network(_ bytes: ByteReader, etherType: UInt16, at start: Int) -> DecodedPacket {
        var type = etherType
        var offset = start
        var tags = 0
        while vlanTypes.contains(type) {
            tags += 1
            guard tags <= maxHeaderChain, let inner = bytes.u16(at: offset + 2) else { return .other }
            type = inner
            offset += 4
        }
        switch type {
        case 0x0800, 0x86DD: return ip(bytes, at: offset)
        default: return .other
        }
    }

    private static func ip(_ bytes: ByteReader, at offset: Int) -> DecodedPacket {
        guard let first = bytes.u8(at: offset) else { return .other }
        switch first >> 4 {
        case 4: return ipv4(bytes, at: offset)
        case 6: return ipv6(bytes, at: offset)
        default: return .other
        }
    }

    private static func ipv4(_ bytes: ByteReader, at offset: Int) -> DecodedPacket {
        guard let first = bytes.u8(at: offset), let totalLength = bytes.u16(at: offset + 2),
            let fragment = bytes.u16(at: offset + 6), let proto = bytes.u8(at: offset + 9),
            bytes.count >= offset + 20
        else { return .other }
        let headerLength = Int(first & 0x0F) * 4
        guard headerLength >= 20, Int(totalLength) >= headerLength, bytes.count >= offset + headerLength else {
            return .other
        }
        if fragment & 0x1FFF != 0 || fragment & 0x2000 != 0 { return .fragment }
        guard proto == 6 else { return .other }
        let source = bytes.slice(offset + 12, 4)
        let destination = bytes.slice(offset + 16, 4)
        return tcp(
            bytes, at: offset + headerLength, end: offset + Int(totalLength),
            source: source, destination: destination)
    }

    private static func ipv6(_ bytes: ByteReader, at offset: Int) -> DecodedPacket {
        guard let payloadLength = bytes.u16(at: offset + 4), var next = bytes.u8(at: offset + 6),
            bytes.count >= offset + 40
        else { return .other }
        // A zero payload length is a jumbogram (or nonsense): not TCP that matters here.
        guard payloadLength > 0 else { return .other }
        let end = offset + 40 + Int(payloadLength)
        var cursor = offset + 40
        var walked = 0
        while next != 6 {
            walked += 1
            guard walked <= maxHeaderChain, let following = bytes.u8(at: cursor), cursor < end else { return .other }
            switch next {
            case 0, 43, 60, 135, 139, 140:
                // Hop-by-hop, routing, destination options, mobility, HIP, shim6: (length + 1) * 8 bytes.
                guard let length = bytes.u8(at: cursor + 1) else { return .other }
                cursor += (Int(length) + 1) * 8
            case 44:
                // Fragment header: 8 bytes; a fragment of anything is skipped.
                guard let field = bytes.u16(at: cursor + 2) else { return .other }
                if field & 0xFFF9 != 0 { return .fragment }
                cursor += 8
            case 51:
                // Authentication header: (length + 2) * 4 bytes.
                guard let length = bytes.u8(at: cursor + 1) else { return .other }
                cursor += (Int(length) + 2) * 4
            default:
                // ESP (encrypted), no next header, or an upper layer other than TCP.
                return .other
            }
            next = following
        }
        let source = bytes.slice(offset + 8, 16)
        let destination = bytes.slice(offset + 24, 16)
        return tcp(bytes, at: cursor, end: end, source: source, destination: destination)
    }

    /// The TCP header at `offset`; the IP header says the segment ends at `end`, which may lie past
    /// the captured bytes.
    private static func tcp(
        _ bytes: ByteReader, at offset: Int, end: Int, source: [UInt8], destination: [UInt8]
    ) -> DecodedPacket {
        guard offset < end, let sourcePort = bytes.u16(at: offset), let destinationPort = bytes.u16(at: offset + 2),
            let sequence = bytes.u32(at: offset + 4), let dataOffset = bytes.u8(at: offset + 12),
            let flags = bytes.u8(at: offset + 13)
        else { return .other }
        let headerLength = Int(dataOffset >> 4) * 4
        let payloadStart = offset + headerLength
        guard headerLength >= 20, payloadStart <= end else { return .other }
        // Ethernet pads short frames: the IP length, not the frame, says where the payload ends.
        let capturedEnd = min(end, bytes.count)
        let payload = payloadStart < capturedEnd ? bytes.frame[payloadStart..<capturedEnd] : []
        return .tcp(
            TCPSegment(
                source: Endpoint(address: source, port: sourcePort),
                destination: Endpoint(address: destination, port: destinationPort),
                sequence: sequence, syn: flags & 0x02 != 0, fin: flags & 0x01 != 0, rst: flags & 0x04 != 0,
                payload: payload, truncated: end > bytes.count))
    }
}

/// Bounds-checked big-endian reads: every accessor returns nil past the end.
struct ByteReader {
    let frame: [UInt8]
    init(_ frame: [UInt8]) { self.frame = frame }
    var count: Int { frame.count }

    func u8(at offset: Int) -> UInt8? {
        offset >= 0 && offset < frame.count ? frame[offset] : nil
    }

    func u16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset <= frame.count - 2 else { return nil }
        return UInt16(frame[offset]) << 8 | UInt16(frame[offset + 1])
    }

    func u32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset <= frame.count - 4 else { return nil }
        return UInt32(frame[offset]) << 24 | UInt32(frame[offset + 1]) << 16 | UInt32(frame[offset + 2]) << 8
            | UInt32(frame[offset + 3])
    }

    /// Callers check the bounds first.
    func slice(_ offset: Int, _ length: Int) -> [UInt8] {
        Array(frame[offset..<(offset + length)])
    }
}
