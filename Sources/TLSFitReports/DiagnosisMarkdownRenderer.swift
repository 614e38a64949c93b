import TLSFitCore

/// `tlsfit diagnose --format markdown`: for tickets and wikis.
public enum DiagnosisMarkdownRenderer {
    public static func render(_ report: DiagnosisReport) -> String {
        var out = "# tlsfit diagnosis\n\n"
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        out += "- Client: **\(escape(release))**\(report.windowsReleaseAssumed ? " (assumed)" : "")\n"
        out += "- Configuration: \(report.inputs.map { "`\(code($0))`" }.joined(separator: ", "))\n"
        for line in EndpointNotes.report(report) { out += "- \(escape(line))\n" }
        out += "\n"
        out += "| host | outcome | negotiated | predicted | agrees |\n| --- | --- | --- | --- | --- |\n"
        for h in report.hosts {
            let n = h.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = h.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            out += "| \(escape(h.host)):\(h.port) | \(h.succeeded ? "ok" : "**fails**") | \(escape(n)) | \(escape(p)) | \(h.agrees.map { $0 ? "yes" : "**no**" } ?? "-") |\n"
        }
        for h in report.hosts where !h.causes.isEmpty || !EndpointNotes.host(h).isEmpty {
            out += "\n## \(escape(h.host)):\(h.port)\n"
            let notes = EndpointNotes.host(h)
            if !notes.isEmpty { out += "\n" + notes.map { "- \(escape($0))\n" }.joined() }
            for c in h.causes {
                out += "\n### `\(c.code.rawValue)` (\(c.windowsError)): \(escape(c.summary))\n\n\(escape(c.explanation))\n\n"
                if !c.evidence.isEmpty {
                    out += "Evidence:\n\n"
                    for e in c.evidence { out += "- `\(code(e.location))` `[\(code(e.key))]` \(escape(e.value))\n" }
                    out += "\n"
                }
                if let fix = c.fix {
                    out += "**Fix** (\(fix.verified ? "verified by simulation" : "not verified")): \(escape(fix.description))\n\n"
                    if let gpo = fix.gpo { out += "GPO string:\n\n```\n\(gpo)\n```\n\n" }
                    if let reg = fix.reg { out += "```reg\n\(reg.replacingOccurrences(of: "\r\n", with: "\n"))```\n" }
                }
            }
        }
        return out
    }

    static func escape(_ s: String) -> String { Escaping.markdown(s) }

    static func code(_ s: String) -> String { s.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ") }
}
