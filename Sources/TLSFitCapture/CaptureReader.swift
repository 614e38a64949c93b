internal import CPcap

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the ClientHellos out of a capture file (pcap or pcapng, as tcpdump, Wireshark and
/// `pktmon etl2pcap` write them). libpcap reads the file; this module decodes the packets and
/// follows the TCP streams.
public enum CaptureReader {
    /// The most bytes of one stream kept while waiting for its ClientHello to be whole.
    public static let streamLimit = 65536
    /// The most TCP streams followed at once.
    public static let openStreamLimit = 1024

    /// The ClientHellos in the capture at `path`, in the order they were completed.
    /// Throws `CaptureError` when the file cannot be read as a capture at all.
    public static func clientHellos(path: String) throws -> [CapturedClientHello] {
        try read(path: path).clientHellos
    }

    /// The ClientHellos and the warnings about what could not be read (a hello cut short by the
    /// snapshot length, a file that ends mid-packet). Throws `CaptureError` when the file is
    /// missing, is not a pcap or pcapng file, or has a link type the reader does not know.
    public static func read(path: String) throws -> CaptureContents {
        var assembler = HelloAssembler(streamLimit: streamLimit, openStreamLimit: openStreamLimit)
        var warnings: [CaptureWarning] = []
        var cutShort = 0
        var snapshotLength = 0
        let summary = try forEachPacket(path: path) { packet in
            if packet.data.count < packet.wireLength { cutShort += 1 }
            assembler.add(
                PacketDecoder.decode(packet.data, link: packet.link), number: packet.number, timestamp: packet.timestamp
            )
        }
        snapshotLength = summary.snapshotLength
        assembler.finish()
        if let failure = summary.failure {
            warnings.append(
                CaptureWarning(
                    packetNumber: summary.packetCount + 1,
                    message:
                        "reading stopped here: the file ends in the middle of a packet or is damaged (libpcap: \(failure)); the \(summary.packetCount) packets before were read"
                ))
        }
        if summary.packetCount > 0, assembler.tcpSegments == 0 {
            warnings.append(
                CaptureWarning(
                    packetNumber: nil,
                    message:
                        "none of the \(summary.packetCount) packets is a TCP segment over IPv4 or IPv6 that the reader can decode "
                        + "(a capture filtered to other traffic, or frames that are not what the link type \(summary.linkTypeName) says: "
                        + "pktmon is known to write Wi-Fi frames as Ethernet frames that do not decode; capture on a wired adapter or with Wireshark)"
                ))
        }
        if cutShort > 0 {
            warnings.append(
                CaptureWarning(
                    packetNumber: nil,
                    message:
                        "\(cutShort == 1 ? "1 packet was" : "\(cutShort) packets were") cut short by the capture's snapshot length (\(snapshotLength) bytes); take the capture again with the full packet size (tcpdump -s 0, pktmon --pkt-size 0)"
                ))
        }
        return CaptureContents(
            clientHellos: assembler.hellos, warnings: assembler.warnings + warnings, packetCount: summary.packetCount,
            linkType: summary.linkTypeName)
    }

    /// One packet as libpcap hands it over.
    struct Packet {
        /// 1-based, counting every packet in the file.
        var number: Int
        var timestamp: Double
        var link: LinkLayer
        /// The captured bytes (`caplen`).
        var data: [UInt8]
        /// The packet's length on the wire (`len`); more than `data.count` when it was cut short.
        var wireLength: Int
    }

    struct Summary {
        var packetCount: Int
        var linkType: Int32
        var linkTypeName: String
        var snapshotLength: Int
        /// libpcap's message when reading stopped before the end of the file.
        var failure: String?
    }

    /// Opens `path` with libpcap and calls `body` for each packet, in file order. Tests use it to
    /// rewrite real captures into other formats and link types.
    static func forEachPacket(path: String, _ body: (Packet) throws -> Void) throws -> Summary {
        try checkFile(path)
        if let why = cpcap_load() {
            throw CaptureError(
                code: .libpcapMissing, path: path, reason: "cannot read captures: \(String(cString: why))")
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard
            let handle = cpcap_open_offline_with_tstamp_precision(
                path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw CaptureError(code: .notACapture, path: path, reason: notACaptureReason(message, head: head(of: path)))
        }
        defer { cpcap_close(handle) }

        let linkType = cpcap_datalink(handle)
        let linkTypeName = cpcap_datalink_val_to_name(linkType).map { String(cString: $0) } ?? "\(linkType)"
        guard let link = linkLayer(linkType) else {
            let description = cpcap_datalink_val_to_description(linkType).map { " (\(String(cString: $0)))" } ?? ""
            throw CaptureError(
                code: .unsupportedLinkType, path: path,
                reason: "link-layer type \(linkTypeName)\(description), number \(linkType), is not supported: "
                    + "tlsfit reads Ethernet, Linux cooked (tcpdump -i any), raw IP and BSD loopback captures")
        }
        var summary = Summary(
            packetCount: 0, linkType: linkType, linkTypeName: linkTypeName, snapshotLength: Int(cpcap_snapshot(handle)))
        while true {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let result = cpcap_next_ex(handle, &header, &data)
            if result == PCAP_ERROR_BREAK { break }  // the end of the file
            guard result == 1, let header, let data else {
                summary.failure = cpcap_geterr(handle).map { String(cString: $0) } ?? "error \(result)"
                break
            }
            summary.packetCount += 1
            let captured = Int(header.pointee.caplen)
            // With nanosecond precision libpcap puts nanoseconds in tv_usec.
            let timestamp = Double(header.pointee.ts.tv_sec) + Double(header.pointee.ts.tv_usec) / 1e9
            try body(
                Packet(
                    number: summary.packetCount, timestamp: timestamp, link: link,
                    data: Array(UnsafeBufferPointer(start: data, count: captured)), wireLength: Int(header.pointee.len))
            )
        }
        return summary
    }

    static func linkLayer(_ linkType: Int32) -> LinkLayer? {
        switch linkType {
        case DLT_EN10MB: .ethernet
        case DLT_LINUX_SLL: .linuxCooked
        case DLT_LINUX_SLL2: .linuxCooked2
        case DLT_RAW, DLT_IPV4, DLT_IPV6: .rawIP
        case DLT_NULL, DLT_LOOP: .loopback
        default: nil
        }
    }

    /// Fails early, with a plain reason, for what libpcap would describe less clearly.
    private static func checkFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT { throw CaptureError(code: .fileNotFound, path: path, reason: "no such file") }
            throw CaptureError(code: .notReadable, path: path, reason: "cannot read the file: \(reason)")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw CaptureError(code: .notReadable, path: path, reason: "a directory, not a capture file")
        }
        guard access(path, R_OK) == 0 else {
            throw CaptureError(
                code: .notReadable, path: path, reason: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 {
            throw CaptureError(
                code: .notACapture, path: path, reason: "the file is empty, not a pcap or pcapng capture")
        }
    }

    private static func notACaptureReason(_ libpcap: String, head: [UInt8]) -> String {
        guard libpcap.contains("unknown file format") else {
            return "not a capture file libpcap can read (libpcap: \(libpcap))"
        }
        let what: String
        if head.starts(with: [0x1F, 0x8B]) {
            what = "a gzip-compressed file: decompress it first (gunzip)"
        } else if head.starts(with: Array("PK".utf8) + [3, 4]) {
            what = "a zip archive: extract the capture from it first"
        } else if head.starts(with: Array("GMBU".utf8)) || head.starts(with: Array("RTSS".utf8)) {
            what = "a Microsoft Network Monitor capture: open it in Wireshark and save it as pcapng"
        } else {
            what = "if it is a pktmon .etl file, convert it first: pktmon etl2pcap FILE.etl -o FILE.pcapng"
        }
        return "not a pcap or pcapng capture file (libpcap: \(libpcap)); \(what)"
    }

    /// The first bytes of the file, to name what it is when it is not a capture.
    private static func head(of path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 8)
        let count = fread(&bytes, 1, bytes.count, file)
        return Array(bytes.prefix(count))
    }
}
