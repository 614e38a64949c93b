import FoundationEssentials
import TLSFitCore

/// `tlsfit hello --pcap` for people: a heading per hello (packet, time, addresses), then its decode.
public enum CaptureHelloTextRenderer {
    public static func render(
        _ r: CaptureHelloReport, layout: TextLayout = TextLayout(), into out: inout some TextOutputStream
    ) {
        let file = Escaping.terminal(r.file)
        out.write(
            layout.wrap(
                atoms: ["Capture", file + ":"]
                    + "\(r.packetCount) packets (\(r.linkType)), \(r.clientHellos.count) ClientHello\(r.clientHellos.count == 1 ? "" : "s")"
                    .split(separator: " ").map(String.init),
                first: "", indent: "  "))
        for w in r.warnings {
            out.write(layout.wrapKeepingKeys(Escaping.terminal(w), first: "  warning: ", indent: "    "))
        }
        // A capture repeats its hellos (a new random and session id each connection): each body is rendered once.
        var bodies: [ClientHelloReport: String] = [:]
        for entry in r.clientHellos {
            let time = Timestamp.iso8601Fractional(Date(timeIntervalSince1970: entry.timestamp))
            var line = "\n== packet \(entry.packetNumber)  \(time)  \(entry.source) -> \(entry.destination)"
            if let target = entry.proxyConnectTarget { line += " (CONNECT \(Escaping.terminal(target)))" }
            // As it is when it fits (two spaces between the fields); wrapped when it does not.
            out.write(
                line.count - 1 <= layout.width
                    ? line + "\n" : "\n" + layout.wrap(String(line.dropFirst()), first: "", indent: "   "))
            if let hello = entry.hello {
                let key = bodyKey(hello)
                if let body = bodies[key] {
                    out.write(body)
                } else {
                    var body = ""
                    ClientHelloTextRenderer.renderBody(hello, layout: layout, into: &body)
                    if bodies.count < bodyMemoryLimit { bodies[key] = body }
                    out.write(body)
                }
                ClientHelloTextRenderer.renderHex(hello, into: &out)
            } else if let error = entry.error {
                out.write(layout.wrap(Escaping.terminal(error), first: "  not decoded: ", indent: "    "))
            }
        }
    }

    /// The most distinct hello bodies remembered while rendering one capture.
    static let bodyMemoryLimit = 4096

    /// What `ClientHelloTextRenderer.renderBody` reads of a hello: the rest blanked.
    static func bodyKey(_ hello: ClientHelloReport) -> ClientHelloReport {
        var key = hello
        key.random = ""
        key.hex = ""
        key.sessionID = String(repeating: "0", count: hello.sessionID.count)
        let shownFromFields = ClientHelloTextRenderer.extensionsShownFromFields
        for i in key.extensions.indices where shownFromFields.contains(key.extensions[i].name) {
            key.extensions[i].data = ""
            key.extensions[i].length = 0
        }
        return key
    }
}
