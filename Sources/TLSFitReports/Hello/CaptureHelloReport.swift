import FoundationEssentials
import TLSFitCore

/// The JSON shape of `tlsfit hello --pcap FILE`: every ClientHello found in a capture, where it was
/// seen, its decode and the closest Windows releases. A public interface, documented in the README.
public struct CaptureHelloReport: Sendable, Codable {
    /// One ClientHello of the capture.
    public struct Entry: Sendable, Codable {
        /// The 1-based frame number of the packet that completed the hello (Wireshark's `frame.number`).
        public var packetNumber: Int
        /// Seconds since 1970 (UTC), from the capture.
        public var timestamp: Double
        /// `10.0.0.5:49712`.
        public var source: String
        /// `20.1.2.3:443`; the proxy's address when the hello followed a `CONNECT`.
        public var destination: String
        /// `host:443` of the proxy `CONNECT` the hello followed; null for a direct connection.
        public var proxyConnectTarget: String?
        /// The decode, fingerprints and ranking; null when the bytes are not a ClientHello tlsfit can decode.
        public var hello: ClientHelloReport?
        /// Why the hello could not be decoded; null when it was.
        public var error: String?

        public init(packetNumber: Int, timestamp: Double, source: String, destination: String, proxyConnectTarget: String?,
                    hello: ClientHelloReport?, error: String?) {
            self.packetNumber = packetNumber
            self.timestamp = timestamp
            self.source = source
            self.destination = destination
            self.proxyConnectTarget = proxyConnectTarget
            self.hello = hello
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case packetNumber, timestamp, source, destination, proxyConnectTarget, hello, error
        }
    }

    public var schemaVersion: Int
    /// The capture file, as given.
    public var file: String
    /// Packets read.
    public var packetCount: Int
    /// The capture's link type (`EN10MB`, `LINUX_SLL2`...).
    public var linkType: String
    /// What could not be read (a hello cut by the snapshot length, a file that ends mid-packet...).
    public var warnings: [String]
    public var clientHellos: [Entry]

    public init(file: String, packetCount: Int, linkType: String, warnings: [String], clientHellos: [Entry]) {
        schemaVersion = JSONOutput.schemaVersion
        self.file = file
        self.packetCount = packetCount
        self.linkType = linkType
        self.warnings = warnings
        self.clientHellos = clientHellos
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, file, packetCount, linkType, warnings, clientHellos
    }
}

/// `tlsfit hello --pcap` for people: a heading per hello (packet, time, addresses), then its decode.
public enum CaptureHelloTextRenderer {
    public static func render(_ r: CaptureHelloReport, layout: TextLayout = TextLayout(), into out: inout some TextOutputStream) {
        let file = Escaping.terminal(r.file)
        out.write(layout.wrap(atoms: ["Capture", file + ":"] + "\(r.packetCount) packets (\(r.linkType)), \(r.clientHellos.count) ClientHello\(r.clientHellos.count == 1 ? "" : "s")".split(separator: " ").map(String.init),
                              first: "", indent: "  "))
        for w in r.warnings { out.write(layout.wrapKeepingKeys(Escaping.terminal(w), first: "  warning: ", indent: "    ")) }
        for entry in r.clientHellos {
            let time = Timestamp.iso8601Fractional(Date(timeIntervalSince1970: entry.timestamp))
            var line = "\n== packet \(entry.packetNumber)  \(time)  \(entry.source) -> \(entry.destination)"
            if let target = entry.proxyConnectTarget { line += " (CONNECT \(Escaping.terminal(target)))" }
            // As it is when it fits (two spaces between the fields); wrapped when it does not.
            out.write(line.count - 1 <= layout.width ? line + "\n" : "\n" + layout.wrap(String(line.dropFirst()), first: "", indent: "   "))
            if let hello = entry.hello {
                ClientHelloTextRenderer.render(hello, layout: layout, into: &out)
            } else if let error = entry.error {
                out.write(layout.wrap(Escaping.terminal(error), first: "  not decoded: ", indent: "    "))
            }
        }
    }
}
