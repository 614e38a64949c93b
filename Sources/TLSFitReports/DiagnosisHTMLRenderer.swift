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
        <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title>
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
        var out = "<h\(level)>\(escaped(title))</h\(level)>\n"
        let sub = min(level + 1, 6)
        let subsub = min(level + 2, 6)
        out +=
            "<p>Client: <b>\(escaped(release))</b>\(report.windowsReleaseAssumed ? " (assumed)" : ""); configuration: \(report.inputs.map { "<code>\(escaped($0))</code>" }.joined(separator: ", "))</p>\n"
        let notes = EndpointNotes.report(report)
        if !notes.isEmpty { out += "<ul>\n" + notes.map { "<li>\(escaped($0))</li>\n" }.joined() + "</ul>\n" }
        let configFindings = report.findings.filter { $0.vantage == .configuration }
        let hereFindings = report.findings.filter { $0.vantage == .thisMachine }
        if !report.configurationFindings.isEmpty || !configFindings.isEmpty {
            out +=
                "<h\(sub)>Findings: the configuration</h\(sub)>\n<p>The export against each host's profile: this holds on the Windows machine's own network.</p>\n"
            if !report.configurationFindings.isEmpty {
                out += "<table><tr><th>severity</th><th>warning</th><th>where</th><th>leads to</th></tr>\n"
                for w in report.configurationFindings {
                    out +=
                        "<tr><td class=\"\(w.severity == .error ? "error" : "risk")\">\(escaped(w.severity.rawValue))</td><td><code>\(escaped(w.code.rawValue))</code>: \(escaped(w.message))</td><td>\(w.location.map { "<code>\(escaped($0))</code>" } ?? "-")</td><td>\(w.leadsTo.isEmpty ? "-" : w.leadsTo.map { "<code>\(escaped($0.rawValue))</code>" }.joined(separator: ", ") + " on " + w.hosts.map(escaped).joined(separator: ", "))</td></tr>\n"
                }
                out += "</table>\n"
            }
            out += findingsTable(configFindings)
        }
        if !hereFindings.isEmpty {
            out +=
                "<h\(sub)>Findings: measured from this machine</h\(sub)>\n<p>This machine's DNS, route and proxy: the Windows machine may take another path.</p>\n"
            out += findingsTable(hereFindings)
        }
        if let note = report.reachability?.note {
            out += "<p class=\"risk\">No host reached from here: \(escaped(note))</p>\n"
        }
        out += hostTable(report)
        out += hostDetails(report, sub: sub, subsub: subsub)
        return out
    }

    /// One row per host: status, the verdict of the configuration and of the wire, negotiated against predicted.
    static func hostTable(_ report: DiagnosisReport) -> String {
        var out = ""
        out +=
            "<table><tr><th>host</th><th>status</th><th>configuration</th><th>from here</th><th>negotiated</th><th>predicted</th><th>agrees</th></tr>\n"
        for a in DiagnosisMarkdownRenderer.accounts(report) {
            let status = "\(escaped(a.status.rawValue))\(a.reason.map { ": \(escaped($0))" } ?? "")"
            guard let host = report.hosts.first(where: { $0.host == a.host && $0.port == a.port }) else {
                out +=
                    "<tr><td>\(escaped(a.host)):\(a.port)</td><td>\(status)</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>\n"
                continue
            }
            let n = host.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = host.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let config =
                host.configuration.map {
                    "<span class=\"\($0.outcome == .fails ? "fails" : $0.outcome == .ok ? "ok" : "")\">\(escaped($0.outcome.rawValue))</span>"
                        + ($0.causes.isEmpty ? "" : " (\(escaped($0.causes.map(\.rawValue).joined(separator: ", "))))")
                } ?? "-"
            let here =
                host.fromHere.map {
                    "<span class=\"\($0.outcome == .ok ? "ok" : "fails")\">\(escaped($0.outcome.rawValue))</span>"
                        + ($0.stage.map { " at \(escaped($0.rawValue))" } ?? "")
                } ?? "-"
            out +=
                "<tr><td>\(escaped(host.host)):\(host.port)</td><td>\(status)</td><td>\(config)</td><td>\(here)</td><td>\(escaped(n))</td><td>\(escaped(p))</td><td>\(host.agrees.map { $0 ? "yes" : "<b>no</b>" } ?? "-")</td></tr>\n"
        }
        out += "</table>\n"
        return out
    }

    /// Per host with something to say: notes, verdicts, the handshake, then each cause.
    static func hostDetails(_ report: DiagnosisReport, sub: Int, subsub: Int) -> String {
        var out = ""
        for host in report.hosts
        where !host.causes.isEmpty || !host.warnings.isEmpty || !EndpointNotes.host(host).isEmpty {
            out += "<h\(sub)>\(escaped(host.host)):\(host.port)</h\(sub)>\n<ul>\n"
            for line in EndpointNotes.host(host) { out += "<li>\(escaped(line))</li>\n" }
            if let c = host.configuration {
                out +=
                    "<li><span class=\"label\">Configuration</span>: \(escaped(c.outcome.rawValue))\(c.causes.isEmpty ? "" : " (\(escaped(c.causes.map(\.rawValue).joined(separator: ", "))))")\(c.windowsError.map { ", \(escaped($0))" } ?? "")</li>\n"
            }
            if let m = host.fromHere {
                out +=
                    "<li><span class=\"label\">From here</span> (measured from the machine running tlsfit): \(escaped(m.outcome.rawValue))\(m.stage.map { " at \(escaped($0.rawValue))" } ?? "")\(m.causes.isEmpty ? "" : " (\(escaped(m.causes.map(\.rawValue).joined(separator: ", "))))")</li>\n"
            }
            if let path = host.path {
                out +=
                    "<li><span class=\"label\">Path</span>: \(escaped(path))\(host.proxy.map { " (\(escaped($0.request))\($0.statusLine.map { " -&gt; \(escaped($0))" } ?? ""))" } ?? "")\(host.directOutcome.map { "; direct for comparison: \(escaped($0.rawValue))" } ?? "")</li>\n"
            }
            if let note = host.wireNote { out += "<li><span class=\"label\">Note</span>: \(escaped(note))</li>\n" }
            if let f = host.observedFailure {
                out +=
                    "<li><span class=\"label\">Handshake</span>\([.dns, .tcp].contains(f.stage) || f.kind == .timeout ? " (measured from the machine running tlsfit)" : ""): failed at \(escaped(f.stage.rawValue)): \(escaped(f.kind.rawValue))\(f.alert.map { ", \(escaped($0))" } ?? "") - \(escaped(f.detail))</li>\n"
            } else if let n = host.negotiated {
                out +=
                    "<li><span class=\"label\">Handshake</span>: \(escaped(n.tlsProtocol ?? "?")) \(escaped(n.cipher ?? "?"))</li>\n"
            } else {
                out += "<li><span class=\"label\">Handshake</span>: not tried (offline)</li>\n"
            }
            out +=
                "<li><span class=\"label\">Predicted</span>: \(host.predicted.map { escaped("\($0.tlsProtocol ?? "?") \($0.cipher ?? "(no suite)")") } ?? "no server profile")\(host.predictedFailure.map { " (fails: \(escaped($0)))" } ?? "")\(host.serverProfileSource.map { " [server profile: \(escaped($0))]" } ?? "")</li>\n"
            if host.agrees == false {
                out +=
                    "<li class=\"risk\">Warning: the prediction and the real handshake disagree; trust the real handshake and re-measure the server.</li>\n"
            }
            for w in host.warnings { out += "<li class=\"risk\">Warning: \(escaped(w))</li>\n" }
            out += "</ul>\n"
            for (i, c) in host.causes.enumerated() { out += causeSection(c, index: i, level: subsub) }
            if let confirmed = host.fixConfirmedOnWire {
                out +=
                    confirmed
                    ? "<p class=\"ok\">\(escaped(FixNotes.confirmedOnWire))</p>\n"
                    : "<p class=\"fails\">Warning: \(escaped(FixNotes.failsOnWire))</p>\n"
            }
        }
        return out
    }

    /// One cause: what, why, the evidence and the facts it rests on, and its fix.
    static func causeSection(_ c: Cause, index i: Int, level subsub: Int) -> String {
        var out = ""
        out +=
            "<h\(subsub)>Cause \(i + 1) (\(c.vantage == .configuration ? "configuration" : "measured here")): <code>\(escaped(c.code.rawValue))</code> (\(escaped(c.windowsError))): \(escaped(c.summary))</h\(subsub)>\n<p>\(escaped(c.explanation))</p>\n"
        if let next = c.leadsTo {
            out += "<p><span class=\"label\">Leads to</span>: <code>\(escaped(next.rawValue))</code></p>\n"
        }
        out +=
            "<p>\(escaped(DiagnosisTextRenderer.errorSentence(c.windowsError, others: c.otherWindowsErrors, evidence: c.windowsErrorEvidence)))</p>\n"
        if !c.evidence.isEmpty {
            out += "<p class=\"label\">Evidence</p>\n<ul>\n"
            for e in c.evidence {
                out +=
                    "<li><code>\(escaped(e.location))</code> <code>[\(escaped(e.key))]</code> \(escaped(e.value))</li>\n"
            }
            out += "</ul>\n"
        }
        var facts: [String] = []
        if let client = c.clientSuites {
            facts.append(
                "<li><span class=\"label\">Client offers</span>: \(client.isEmpty ? "(nothing)" : client.map { "<code>\(escaped($0))</code>" }.joined(separator: ", "))</li>"
            )
        }
        if let server = c.serverSuites {
            facts.append(
                "<li><span class=\"label\">Server accepts</span>: \(server.isEmpty ? "unknown (no suite measured)" : server.map { "<code>\(escaped($0))</code>" }.joined(separator: ", "))</li>"
            )
        }
        if let nearest = c.nearestSuites, !nearest.isEmpty {
            facts.append(
                "<li><span class=\"label\">Nearest fix</span>: \(nearest.map { "<code>\(escaped($0))</code>" }.joined(separator: ", "))</li>"
            )
        }
        if let root = c.rootSubject {
            facts.append("<li><span class=\"label\">Chain ends at</span>: \(escaped(root))</li>")
        }
        if !facts.isEmpty { out += "<ul>\n" + facts.joined(separator: "\n") + "\n</ul>\n" }
        if let fix = c.fix {
            out += "<p><span class=\"label\">Fix</span>: \(escaped(fix.description))</p>\n"
            if let note = fix.scopeNote { out += "<p><span class=\"label\">Where</span>: \(escaped(note))</p>\n" }
            if fix.reg != nil {
                out += "<p>\(escaped(FixNotes.simulation(fix, index: i))).</p>\n"
            }
            if let gpo = fix.gpo {
                out +=
                    "<p class=\"label\">GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters)</p>\n<pre>\(escaped(gpo))</pre>\n"
            }
            if let reg = fix.reg {
                out += "<p class=\"label\">.reg</p>\n<pre>\(escaped(reg.replacing("\r\n", with: "\n")))</pre>\n"
            }
        }
        return out
    }

    static func findingsTable(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var out =
            "<table><tr><th>severity</th><th>cause</th><th>hosts</th><th>Windows error</th><th>also seen</th><th>evidence</th></tr>\n"
        for f in findings {
            out +=
                "<tr><td class=\"\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td><code>\(escaped(f.code.rawValue))</code>: \(escaped(f.title))\(f.leadsTo.map { " (leads to <code>\(escaped($0.rawValue))</code>)" } ?? "")</td><td>\(f.hostCount == 1 ? "1 host" : "\(f.hostCount) hosts fail for the same reason"): \(f.hosts.map(escaped).joined(separator: ", "))</td><td>\(escaped(f.windowsError))</td><td>\(escaped(f.otherWindowsErrors.joined(separator: ", ")))</td><td>\(escaped(f.windowsErrorEvidence.rawValue))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// Escapes text for HTML element content and attribute values.
    static func escaped(_ s: String) -> String { Escaping.html(s) }
}
