import TLSFitCore

/// `tlsfit diagnose --format html`: one self-contained page (no scripts, no external files), with
/// everything the text output carries. Everything that came from files or servers is escaped.
public enum DiagnosisHTMLRenderer {
    public static func render(_ report: DiagnosisReport) -> String {
        page(title: "tlsfit diagnosis", body: section(report, level: 1))
    }

    /// A full page around `body`.
    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(h(title))</title>
        <style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}
        table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        .fails,.error{color:#b00020;font-weight:bold}.ok{color:#1b5e20}.risk{color:#8a5a00;font-weight:bold}
        pre{background:#f4f4f4;padding:.6em;overflow-x:auto}code{background:#f4f4f4}li,p,td{overflow-wrap:anywhere}
        .label{font-weight:bold}</style></head><body>

        """ + body + "</body></html>\n"
    }

    /// The report as a section (`level` is the heading level of its title).
    public static func section(_ report: DiagnosisReport, level: Int, title: String = "tlsfit diagnosis") -> String {
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        var out = "<h\(level)>\(h(title))</h\(level)>\n"
        let sub = min(level + 1, 6), subsub = min(level + 2, 6)
        out += "<p>Client: <b>\(h(release))</b>\(report.windowsReleaseAssumed ? " (assumed)" : ""); configuration: \(report.inputs.map { "<code>\(h($0))</code>" }.joined(separator: ", "))</p>\n"
        let notes = EndpointNotes.report(report)
        if !notes.isEmpty { out += "<ul>\n" + notes.map { "<li>\(h($0))</li>\n" }.joined() + "</ul>\n" }
        let configFindings = report.findings.filter { $0.vantage == .configuration }
        let hereFindings = report.findings.filter { $0.vantage == .thisMachine }
        if !report.configurationFindings.isEmpty || !configFindings.isEmpty {
            out += "<h\(sub)>Findings: the configuration</h\(sub)>\n<p>The export against each host's profile: this holds on the Windows machine's own network.</p>\n"
            if !report.configurationFindings.isEmpty {
                out += "<table><tr><th>severity</th><th>warning</th><th>where</th><th>leads to</th></tr>\n"
                for w in report.configurationFindings {
                    out += "<tr><td class=\"\(w.severity == .error ? "error" : "risk")\">\(h(w.severity.rawValue))</td><td><code>\(h(w.code.rawValue))</code>: \(h(w.message))</td><td>\(w.location.map { "<code>\(h($0))</code>" } ?? "-")</td><td>\(w.leadsTo.isEmpty ? "-" : w.leadsTo.map { "<code>\(h($0.rawValue))</code>" }.joined(separator: ", ") + " on " + w.hosts.map(h).joined(separator: ", "))</td></tr>\n"
                }
                out += "</table>\n"
            }
            out += findingsTable(configFindings)
        }
        if !hereFindings.isEmpty {
            out += "<h\(sub)>Findings: measured from this machine</h\(sub)>\n<p>This machine's DNS, route and proxy: the Windows machine may take another path.</p>\n"
            out += findingsTable(hereFindings)
        }
        if let note = report.reachability?.note { out += "<p class=\"risk\">No host reached from here: \(h(note))</p>\n" }
        out += "<table><tr><th>host</th><th>status</th><th>configuration</th><th>from here</th><th>negotiated</th><th>predicted</th><th>agrees</th></tr>\n"
        for a in DiagnosisMarkdownRenderer.accounts(report) {
            let status = "\(h(a.status.rawValue))\(a.reason.map { ": \(h($0))" } ?? "")"
            guard let host = report.hosts.first(where: { $0.host == a.host && $0.port == a.port }) else {
                out += "<tr><td>\(h(a.host)):\(a.port)</td><td>\(status)</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>\n"
                continue
            }
            let n = host.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = host.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let config = host.configuration.map { "<span class=\"\($0.outcome == .fails ? "fails" : $0.outcome == .ok ? "ok" : "")\">\(h($0.outcome.rawValue))</span>" + ($0.causes.isEmpty ? "" : " (\(h($0.causes.map(\.rawValue).joined(separator: ", "))))") } ?? "-"
            let here = host.fromHere.map { "<span class=\"\($0.outcome == .ok ? "ok" : "fails")\">\(h($0.outcome.rawValue))</span>" + ($0.stage.map { " at \(h($0.rawValue))" } ?? "") } ?? "-"
            out += "<tr><td>\(h(host.host)):\(host.port)</td><td>\(status)</td><td>\(config)</td><td>\(here)</td><td>\(h(n))</td><td>\(h(p))</td><td>\(host.agrees.map { $0 ? "yes" : "<b>no</b>" } ?? "-")</td></tr>\n"
        }
        out += "</table>\n"
        for host in report.hosts where !host.causes.isEmpty || !host.warnings.isEmpty || !EndpointNotes.host(host).isEmpty {
            out += "<h\(sub)>\(h(host.host)):\(host.port)</h\(sub)>\n<ul>\n"
            for line in EndpointNotes.host(host) { out += "<li>\(h(line))</li>\n" }
            if let c = host.configuration { out += "<li><span class=\"label\">Configuration</span>: \(h(c.outcome.rawValue))\(c.causes.isEmpty ? "" : " (\(h(c.causes.map(\.rawValue).joined(separator: ", "))))")\(c.windowsError.map { ", \(h($0))" } ?? "")</li>\n" }
            if let m = host.fromHere { out += "<li><span class=\"label\">From here</span> (measured from the machine running tlsfit): \(h(m.outcome.rawValue))\(m.stage.map { " at \(h($0.rawValue))" } ?? "")\(m.causes.isEmpty ? "" : " (\(h(m.causes.map(\.rawValue).joined(separator: ", "))))")</li>\n" }
            if let path = host.path { out += "<li><span class=\"label\">Path</span>: \(h(path))\(host.proxy.map { " (\(h($0.request))\($0.statusLine.map { " -&gt; \(h($0))" } ?? ""))" } ?? "")\(host.directOutcome.map { "; direct for comparison: \(h($0.rawValue))" } ?? "")</li>\n" }
            if let note = host.wireNote { out += "<li><span class=\"label\">Note</span>: \(h(note))</li>\n" }
            if let f = host.observedFailure {
                out += "<li><span class=\"label\">Handshake</span>\([.dns, .tcp].contains(f.stage) || f.kind == .timeout ? " (measured from the machine running tlsfit)" : ""): failed at \(h(f.stage.rawValue)): \(h(f.kind.rawValue))\(f.alert.map { ", \(h($0))" } ?? "") - \(h(f.detail))</li>\n"
            } else if let n = host.negotiated {
                out += "<li><span class=\"label\">Handshake</span>: \(h(n.tlsProtocol ?? "?")) \(h(n.cipher ?? "?"))</li>\n"
            } else {
                out += "<li><span class=\"label\">Handshake</span>: not tried (offline)</li>\n"
            }
            out += "<li><span class=\"label\">Predicted</span>: \(host.predicted.map { h("\($0.tlsProtocol ?? "?") \($0.cipher ?? "(no suite)")") } ?? "no server profile")\(host.predictedFailure.map { " (fails: \(h($0)))" } ?? "")\(host.serverProfileSource.map { " [server profile: \(h($0))]" } ?? "")</li>\n"
            if host.agrees == false { out += "<li class=\"risk\">Warning: the prediction and the real handshake disagree; trust the real handshake and re-measure the server.</li>\n" }
            for w in host.warnings { out += "<li class=\"risk\">Warning: \(h(w))</li>\n" }
            out += "</ul>\n"
            for (i, c) in host.causes.enumerated() {
                out += "<h\(subsub)>Cause \(i + 1) (\(c.vantage == .configuration ? "configuration" : "measured here")): <code>\(h(c.code.rawValue))</code> (\(h(c.windowsError))): \(h(c.summary))</h\(subsub)>\n<p>\(h(c.explanation))</p>\n"
                if let next = c.leadsTo { out += "<p><span class=\"label\">Leads to</span>: <code>\(h(next.rawValue))</code></p>\n" }
                out += "<p>\(h(DiagnosisTextRenderer.errorSentence(c.windowsError, others: c.otherWindowsErrors, evidence: c.windowsErrorEvidence)))</p>\n"
                if !c.evidence.isEmpty {
                    out += "<p class=\"label\">Evidence</p>\n<ul>\n"
                    for e in c.evidence { out += "<li><code>\(h(e.location))</code> <code>[\(h(e.key))]</code> \(h(e.value))</li>\n" }
                    out += "</ul>\n"
                }
                var facts: [String] = []
                if let client = c.clientSuites { facts.append("<li><span class=\"label\">Client offers</span>: \(client.isEmpty ? "(nothing)" : client.map { "<code>\(h($0))</code>" }.joined(separator: ", "))</li>") }
                if let server = c.serverSuites { facts.append("<li><span class=\"label\">Server accepts</span>: \(server.isEmpty ? "unknown (no suite measured)" : server.map { "<code>\(h($0))</code>" }.joined(separator: ", "))</li>") }
                if let nearest = c.nearestSuites, !nearest.isEmpty { facts.append("<li><span class=\"label\">Nearest fix</span>: \(nearest.map { "<code>\(h($0))</code>" }.joined(separator: ", "))</li>") }
                if let root = c.rootSubject { facts.append("<li><span class=\"label\">Chain ends at</span>: \(h(root))</li>") }
                if !facts.isEmpty { out += "<ul>\n" + facts.joined(separator: "\n") + "\n</ul>\n" }
                if let fix = c.fix {
                    out += "<p><span class=\"label\">Fix</span>: \(h(fix.description))</p>\n"
                    if let note = fix.scopeNote { out += "<p><span class=\"label\">Where</span>: \(h(note))</p>\n" }
                    if fix.reg != nil {
                        out += "<p>\(h(FixNotes.simulation(fix, index: i))).</p>\n"
                    }
                    if let gpo = fix.gpo { out += "<p class=\"label\">GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters)</p>\n<pre>\(h(gpo))</pre>\n" }
                    if let reg = fix.reg { out += "<p class=\"label\">.reg</p>\n<pre>\(h(reg.replacing("\r\n", with: "\n")))</pre>\n" }
                }
            }
            if let confirmed = host.fixConfirmedOnWire {
                out += confirmed ? "<p class=\"ok\">\(h(FixNotes.confirmedOnWire))</p>\n"
                    : "<p class=\"fails\">Warning: \(h(FixNotes.failsOnWire))</p>\n"
            }
        }
        return out
    }

    static func findingsTable(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var out = "<table><tr><th>severity</th><th>cause</th><th>hosts</th><th>Windows error</th><th>also seen</th><th>evidence</th></tr>\n"
        for f in findings {
            out += "<tr><td class=\"\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td><code>\(h(f.code.rawValue))</code>: \(h(f.title))\(f.leadsTo.map { " (leads to <code>\(h($0.rawValue))</code>)" } ?? "")</td><td>\(f.hostCount == 1 ? "1 host" : "\(f.hostCount) hosts fail for the same reason"): \(f.hosts.map(h).joined(separator: ", "))</td><td>\(h(f.windowsError))</td><td>\(h(f.otherWindowsErrors.joined(separator: ", ")))</td><td>\(h(f.windowsErrorEvidence.rawValue))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// Escapes text for HTML element content and attribute values.
    public static func h(_ s: String) -> String { Escaping.html(s) }
}
