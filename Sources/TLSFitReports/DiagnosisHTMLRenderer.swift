import TLSFitCore

/// `tlsfit diagnose --format html`: one self-contained page (no scripts, no external files).
/// Everything that came from files or servers is escaped.
public enum DiagnosisHTMLRenderer {
    public static func render(_ report: DiagnosisReport) -> String {
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>tlsfit diagnosis</title>
            <style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
            .fails{color:#b00020;font-weight:bold}.ok{color:#1b5e20}pre{background:#f4f4f4;padding:.6em;overflow-x:auto}
            code{background:#f4f4f4}li,p{overflow-wrap:anywhere}</style></head><body>
            <h1>tlsfit diagnosis</h1>

            """
        out += "<p>Client: <b>\(h(release))</b>\(report.windowsReleaseAssumed ? " (assumed)" : ""); configuration: \(report.inputs.map { "<code>\(h($0))</code>" }.joined(separator: ", "))</p>\n"
        let notes = EndpointNotes.report(report)
        if !notes.isEmpty { out += "<ul>\n" + notes.map { "<li>\(h($0))</li>\n" }.joined() + "</ul>\n" }
        out += "<table><tr><th>host</th><th>outcome</th><th>negotiated</th><th>predicted</th><th>agrees</th></tr>\n"
        for host in report.hosts {
            let n = host.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = host.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            out += "<tr><td>\(h(host.host)):\(host.port)</td><td class=\"\(host.succeeded ? "ok" : "fails")\">\(host.succeeded ? "ok" : "fails")</td><td>\(h(n))</td><td>\(h(p))</td><td>\(host.agrees.map { $0 ? "yes" : "<b>no</b>" } ?? "-")</td></tr>\n"
        }
        out += "</table>\n"
        for host in report.hosts where !host.causes.isEmpty || !EndpointNotes.host(host).isEmpty {
            out += "<h2>\(h(host.host)):\(host.port)</h2>\n"
            let hostNotes = EndpointNotes.host(host)
            if !hostNotes.isEmpty { out += "<ul>\n" + hostNotes.map { "<li>\(h($0))</li>\n" }.joined() + "</ul>\n" }
            for c in host.causes {
                out += "<h3><code>\(h(c.code.rawValue))</code> (\(h(c.windowsError))): \(h(c.summary))</h3>\n<p>\(h(c.explanation))</p>\n"
                if !c.evidence.isEmpty {
                    out += "<ul>\n"
                    for e in c.evidence { out += "<li><code>\(h(e.location))</code> <code>[\(h(e.key))]</code> \(h(e.value))</li>\n" }
                    out += "</ul>\n"
                }
                if let fix = c.fix {
                    out += "<p><b>Fix</b> (\(fix.verified ? "verified by simulation" : "not verified")): \(h(fix.description))</p>\n"
                    if let gpo = fix.gpo { out += "<pre>\(h(gpo))</pre>\n" }
                    if let reg = fix.reg { out += "<pre>\(h(reg.replacingOccurrences(of: "\r\n", with: "\n")))</pre>\n" }
                }
            }
        }
        return out + "</body></html>\n"
    }

    /// Escapes text for HTML element content and attribute values.
    public static func h(_ s: String) -> String { Escaping.html(s) }
}
