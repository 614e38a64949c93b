import TLSFitCore

/// `tlsfit diagnose --format markdown`: for tickets and wikis. Carries everything the text output
/// does: the findings across hosts, then per host the handshake, the prediction, each cause with its
/// error and confidence, the evidence, both sides' suites, the nearest fix, the labelled fix blocks
/// and the wire confirmation.
public enum DiagnosisMarkdownRenderer {
    public static func render(_ report: DiagnosisReport, title: String = "tlsfit diagnosis", level: Int = 1) -> String {
        let h1 = String(repeating: "#", count: level)
        var out = "\(h1) \(escape(title))\n\n"
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        out += "- Client: **\(escape(release))**\(report.windowsReleaseAssumed ? " (assumed)" : "")\n"
        out += "- Configuration: \(report.inputs.map { "`\(code($0))`" }.joined(separator: ", "))\n"
        for line in EndpointNotes.report(report) { out += "- \(escape(line))\n" }
        out += "\n"
        if !report.findings.isEmpty {
            out += "\(h1)# Findings\n\n| severity | cause | hosts | Windows error | also seen | evidence |\n| --- | --- | --- | --- | --- | --- |\n"
            for f in report.findings {
                out += "| \(f.severity.rawValue) | `\(f.code.rawValue)`: \(escape(f.title)) | \(f.hostCount): \(f.hosts.map(escape).joined(separator: ", ")) | \(f.windowsError) | \(f.otherWindowsErrors.joined(separator: ", ").nonEmpty ?? "-") | \(f.windowsErrorEvidence) |\n"
            }
            out += "\n"
        }
        out += "| host | outcome | negotiated | predicted | agrees |\n| --- | --- | --- | --- | --- |\n"
        for h in report.hosts {
            let n = h.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = h.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            out += "| \(escape(h.host)):\(h.port) | \(h.succeeded ? "ok" : "**fails**") | \(escape(n)) | \(escape(p)) | \(h.agrees.map { $0 ? "yes" : "**no**" } ?? "-") |\n"
        }
        for h in report.hosts where !h.causes.isEmpty || !h.warnings.isEmpty || !EndpointNotes.host(h).isEmpty {
            out += "\n\(h1)# \(escape(h.host)):\(h.port)\n\n"
            for line in EndpointNotes.host(h) { out += "- \(escape(line))\n" }
            if let path = h.path { out += "- Path: \(escape(path))\(h.proxy.map { " (\(escape($0.request))\($0.statusLine.map { " -> \(escape($0))" } ?? ""))" } ?? "")\(h.directOutcome.map { "; direct for comparison: \($0)" } ?? "")\n" }
            if let note = h.wireNote { out += "- Note: \(escape(note))\n" }
            if let f = h.observedFailure {
                out += "- Handshake\(["dns", "tcp"].contains(f.stage) || f.kind == "timeout" ? " (measured from the machine running tlsfit)" : ""): failed at \(escape(f.stage)): \(escape(f.kind))\(f.alert.map { ", \(escape($0))" } ?? "") - \(escape(f.detail))\n"
            } else if let n = h.negotiated {
                out += "- Handshake: \(escape(n.tlsProtocol ?? "?")) \(escape(n.cipher ?? "?"))\n"
            } else {
                out += "- Handshake: not tried (offline)\n"
            }
            out += "- Predicted: \(h.predicted.map { escape("\($0.tlsProtocol ?? "?") \($0.cipher ?? "(no suite)")") } ?? "no server profile")\(h.predictedFailure.map { " (fails: \(escape($0)))" } ?? "")\(h.serverProfileSource.map { " [server profile: \(escape($0))]" } ?? "")\n"
            if h.agrees == false { out += "- **Warning**: the prediction and the real handshake disagree; trust the real handshake and re-measure the server.\n" }
            for w in h.warnings { out += "- **Warning**: \(escape(w))\n" }
            for (i, c) in h.causes.enumerated() {
                out += "\n\(h1)## Cause \(i + 1): `\(c.code.rawValue)` (\(c.windowsError)): \(escape(c.summary))\n\n\(escape(c.explanation))\n\n"
                out += escape(DiagnosisTextRenderer.errorSentence(c.windowsError, others: c.otherWindowsErrors, evidence: c.windowsErrorEvidence)) + "\n\n"
                if !c.evidence.isEmpty {
                    out += "Evidence:\n\n"
                    for e in c.evidence { out += "- `\(code(e.location))` `[\(code(e.key))]` \(escape(e.value))\n" }
                    out += "\n"
                }
                if let client = c.clientSuites { out += "- Client offers: \(client.isEmpty ? "(nothing)" : client.map { "`\(code($0))`" }.joined(separator: ", "))\n" }
                if let server = c.serverSuites { out += "- Server accepts: \(server.isEmpty ? "unknown (no suite measured)" : server.map { "`\(code($0))`" }.joined(separator: ", "))\n" }
                if let nearest = c.nearestSuites, !nearest.isEmpty { out += "- Nearest fix: \(nearest.map { "`\(code($0))`" }.joined(separator: ", "))\n" }
                if let root = c.rootSubject { out += "- Chain ends at: \(escape(root))\n" }
                if c.clientSuites != nil || c.serverSuites != nil || c.rootSubject != nil { out += "\n" }
                if let fix = c.fix {
                    out += "**Fix**: \(escape(fix.description))\n\n"
                    if fix.reg != nil {
                        out += FixNotes.simulation(fix, index: i) + ".\n\n"
                    }
                    if let gpo = fix.gpo { out += "GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters):\n\n```\n\(fence(gpo))\n```\n\n" }
                    if let reg = fix.reg { out += ".reg:\n\n```reg\n\(fence(reg.replacing("\r\n", with: "\n")))```\n\n" }
                }
            }
            if let confirmed = h.fixConfirmedOnWire {
                out += confirmed ? "\(FixNotes.confirmedOnWire)\n" : "**Warning**: \(FixNotes.failsOnWire)\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String { Escaping.markdown(s) }

    /// Text in a code span: no backtick, no line break, hostile characters shown (one rule, `HostileCharacters`).
    static func code(_ s: String) -> String {
        Escaping.visible(s.replacing("`", with: "'").replacing("\r\n", with: " ").replacing("\n", with: " "), keepingLineFeeds: false)
    }

    /// Text inside a fenced block: a line of backticks cannot close the fence early; hostile characters shown.
    static func fence(_ s: String) -> String { Escaping.visible(s.replacing("```", with: "'''"), keepingLineFeeds: true) }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
