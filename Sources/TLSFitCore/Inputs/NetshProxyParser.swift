/// Reads the output of `netsh winhttp show proxy` and turns it into the `WinHttpSettings` value
/// netsh would have written, so it joins the other inputs as one more registry setting.
///
/// English output (other languages have the same shape: a header naming WinHTTP, then either one
/// sentence for direct access or two `label :  value` lines):
///
///     Current WinHTTP proxy settings:
///
///         Proxy Server(s) :  proxy.contoso.com:8080
///         Bypass List     :  <local>;*.contoso.com
///
/// or `Direct access (no proxy server).` The first labelled line is the proxy, the second the
/// bypass list; a value in parentheses (`(none)`) is empty. Labels end at a colon followed by
/// white space, so the `host:port` in a value is never taken for one.
public enum NetshProxyParser {
    /// True when the first non-empty line looks like netsh's header.
    static func looksLikeNetsh(firstLine: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: firstLine, as: UTF8.self).lowercased()
        return text.contains("winhttp") && text.trimmingASCIIWhitespace().hasSuffix(":")
    }

    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let text = try TextDecoding.decode(bytes, source: source).text
        var labelled: [(line: Int, value: String)] = []
        var headerSeen = false
        for (number, raw) in TextDecoding.lines(text) {
            let line = String(decoding: raw, as: UTF8.self).trimmingASCIIWhitespace()
            if line.isEmpty { continue }
            if !headerSeen {
                guard line.lowercased().contains("winhttp") else {
                    throw InputError(
                        source: source, line: number,
                        message: "expected the header of `netsh winhttp show proxy` (a line naming WinHTTP)")
                }
                headerSeen = true
                continue
            }
            if let value = labelValue(line) { labelled.append((number, value)) }
        }
        guard headerSeen else {
            throw InputError(source: source, line: 1, message: "the file holds no `netsh winhttp show proxy` output")
        }
        let settings: WinHTTPProxySettings
        var provenanceLine: Int?
        if let proxy = labelled.first {
            let bypass = labelled.count > 1 ? labelled[1].value : ""
            settings = .netsh(proxy: proxy.value, bypass: bypass)
            provenanceLine = proxy.line
            guard settings.usesNamedProxy else {
                throw InputError(source: source, line: proxy.line, message: "the proxy server line has no address")
            }
            // Check the address now, so a bad one is reported at its line.
            _ = try settings.networkPath(source: "\(source):\(proxy.line)")
        } else {
            settings = .netsh(proxy: nil)
        }
        let provenance = Provenance(
            file: source, line: provenanceLine ?? 1, key: MachineProxyConfiguration.connectionsKey,
            value: "WinHttpSettings = \(settings.summary) (netsh winhttp show proxy)")
        let op = RegistryOperation(
            key: MachineProxyConfiguration.connectionsKey,
            action: .setValue(
                name: MachineProxyConfiguration.winHTTPValue, data: .binary(type: 3, bytes: settings.encoded())),
            provenance: provenance, format: .netshWinHTTPProxy)
        return WindowsConfigDocument(source: source, format: .netshWinHTTPProxy, operations: [op])
    }

    /// The value of a `label :  value` line; nil for a line without a label.
    static func labelValue(_ line: String) -> String? {
        let scalars = Array(line.unicodeScalars)
        for i in scalars.indices where scalars[i] == ":" {
            let next = i + 1 < scalars.count ? scalars[i + 1] : " "
            guard next == " " || next == "\t" else { continue }
            var value = String(String.UnicodeScalarView(scalars[(i + 1)...])).trimmingASCIIWhitespace()
            if value.hasPrefix("("), value.hasSuffix(")") { value = "" }
            return value
        }
        return nil
    }
}
