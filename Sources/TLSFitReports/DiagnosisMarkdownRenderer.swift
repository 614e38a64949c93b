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
        let configFindings = report.findings.filter { $0.vantage == .configuration }
        let hereFindings = report.findings.filter { $0.vantage == .thisMachine }
        if !report.configurationFindings.isEmpty || !configFindings.isEmpty {
            out +=
                "\(h1)# Findings: the configuration\n\nThe export against each host's profile: this holds on the Windows machine's own network.\n\n"
            if !report.configurationFindings.isEmpty {
                out += "| severity | warning | where | leads to |\n| --- | --- | --- | --- |\n"
                for w in report.configurationFindings {
                    out +=
                        "| \(w.severity) | `\(w.code.rawValue)`: \(escape(w.message)) | \(w.location.map { "`\(code($0))`" } ?? "-") | \(w.leadsTo.isEmpty ? "-" : w.leadsTo.map { "`\($0.rawValue)`" }.joined(separator: ", ") + " on " + w.hosts.map(escape).joined(separator: ", ")) |\n"
                }
                out += "\n"
            }
            out += findingsTable(configFindings)
        }
        if !hereFindings.isEmpty {
            out +=
                "\(h1)# Findings: measured from this machine\n\nThis machine's DNS, route and proxy: the Windows machine may take another path.\n\n"
            out += findingsTable(hereFindings)
        }
        if let note = report.reachability?.note { out += "**No host reached from here:** \(escape(note))\n\n" }
        out += hostTable(report)
        out += hostDetails(report, h1: h1)
        return out
    }

    /// One row per host: status, the verdict of the configuration and of the wire, negotiated against predicted.
    static func hostTable(_ report: DiagnosisReport) -> String {
        var out = ""
        out +=
            "| host | status | configuration | from here | negotiated | predicted | agrees |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        for a in accounts(report) {
            guard let h = report.hosts.first(where: { $0.host == a.host && $0.port == a.port }) else {
                out +=
                    "| \(escape(a.host)):\(a.port) | \(a.status)\(a.reason.map { ": \(escape($0))" } ?? "") | - | - | - | - | - |\n"
                continue
            }
            let n = h.negotiated.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let p = h.predicted.map { "\($0.tlsProtocol ?? "?") \($0.cipher ?? "-")" } ?? "-"
            let config =
                h.configuration.map {
                    $0.outcome == .fails
                        ? "**fails**"
                            + ($0.causes.isEmpty ? "" : " (\($0.causes.map(\.rawValue).joined(separator: ", ")))")
                        : $0.outcome.rawValue
                } ?? "-"
            let here =
                h.fromHere.map {
                    $0.outcome == .ok ? "ok" : "**\($0.outcome)**" + ($0.stage.map { " at \($0.rawValue)" } ?? "")
                } ?? "-"
            out +=
                "| \(escape(h.host)):\(h.port) | \(a.status)\(a.reason.map { ": \(escape($0))" } ?? "") | \(config) | \(here) | \(escape(n)) | \(escape(p)) | \(h.agrees.map { $0 ? "yes" : "**no**" } ?? "-") |\n"
        }
        return out
    }

    /// Per host with something to say: notes, verdicts, the handshake, then each cause.
    static func hostDetails(_ report: DiagnosisReport, h1: String) -> String {
        var out = ""
        for h in report.hosts where !h.causes.isEmpty || !h.warnings.isEmpty || !EndpointNotes.host(h).isEmpty {
            out += "\n\(h1)# \(escape(h.host)):\(h.port)\n\n"
            for line in EndpointNotes.host(h) { out += "- \(escape(line))\n" }
            if let c = h.configuration {
                out +=
                    "- Configuration: \(c.outcome)\(c.causes.isEmpty ? "" : " (\(c.causes.map(\.rawValue).joined(separator: ", ")))")\(c.windowsError.map { ", \($0)" } ?? "")\n"
            }
            if let m = h.fromHere {
                out +=
                    "- From here (measured from the machine running tlsfit): \(m.outcome)\(m.stage.map { " at \($0.rawValue)" } ?? "")\(m.causes.isEmpty ? "" : " (\(m.causes.map(\.rawValue).joined(separator: ", ")))")\n"
            }
            if let path = h.path {
                out +=
                    "- Path: \(escape(path))\(h.proxy.map { " (\(escape($0.request))\($0.statusLine.map { " -> \(escape($0))" } ?? ""))" } ?? "")\(h.directOutcome.map { "; direct for comparison: \($0)" } ?? "")\n"
            }
            if let note = h.wireNote { out += "- Note: \(escape(note))\n" }
            if let f = h.observedFailure {
                out +=
                    "- Handshake\([.dns, .tcp].contains(f.stage) || f.kind == .timeout ? " (measured from the machine running tlsfit)" : ""): failed at \(escape(f.stage.rawValue)): \(escape(f.kind.rawValue))\(f.alert.map { ", \(escape($0))" } ?? "") - \(escape(f.detail))\n"
            } else if let n = h.negotiated {
                out += "- Handshake: \(escape(n.tlsProtocol ?? "?")) \(escape(n.cipher ?? "?"))\n"
            } else {
                out += "- Handshake: not tried (offline)\n"
            }
            out +=
                "- Predicted: \(h.predicted.map { escape("\($0.tlsProtocol ?? "?") \($0.cipher ?? "(no suite)")") } ?? "no server profile")\(h.predictedFailure.map { " (fails: \(escape($0)))" } ?? "")\(h.serverProfileSource.map { " [server profile: \(escape($0))]" } ?? "")\n"
            if h.agrees == false {
                out +=
                    "- **Warning**: the prediction and the real handshake disagree; trust the real handshake and re-measure the server.\n"
            }
            for w in h.warnings { out += "- **Warning**: \(escape(w))\n" }
            for (i, c) in h.causes.enumerated() { out += causeSection(c, index: i, h1: h1) }
            if let confirmed = h.fixConfirmedOnWire {
                out += confirmed ? "\(FixNotes.confirmedOnWire)\n" : "**Warning**: \(FixNotes.failsOnWire)\n"
            }
        }
        return out
    }

    /// One cause: what, why, the evidence and the facts it rests on, and its fix.
    static func causeSection(_ c: Cause, index i: Int, h1: String) -> String {
        var out = ""
        out +=
            "\n\(h1)## Cause \(i + 1) (\(c.vantage == .configuration ? "configuration" : "measured here")): `\(c.code.rawValue)` (\(c.windowsError)): \(escape(c.summary))\n\n\(escape(c.explanation))\n\n"
        if let next = c.leadsTo { out += "Leads to: `\(next.rawValue)`\n\n" }
        out +=
            escape(
                DiagnosisTextRenderer.errorSentence(
                    c.windowsError, others: c.otherWindowsErrors, evidence: c.windowsErrorEvidence)) + "\n\n"
        if !c.evidence.isEmpty {
            out += "Evidence:\n\n"
            for e in c.evidence { out += "- `\(code(e.location))` `[\(code(e.key))]` \(escape(e.value))\n" }
            out += "\n"
        }
        if let client = c.clientSuites {
            out +=
                "- Client offers: \(client.isEmpty ? "(nothing)" : client.map { "`\(code($0))`" }.joined(separator: ", "))\n"
        }
        if let server = c.serverSuites {
            out +=
                "- Server accepts: \(server.isEmpty ? "unknown (no suite measured)" : server.map { "`\(code($0))`" }.joined(separator: ", "))\n"
        }
        if let nearest = c.nearestSuites, !nearest.isEmpty {
            out += "- Nearest fix: \(nearest.map { "`\(code($0))`" }.joined(separator: ", "))\n"
        }
        if let root = c.rootSubject { out += "- Chain ends at: \(escape(root))\n" }
        if c.clientSuites != nil || c.serverSuites != nil || c.rootSubject != nil { out += "\n" }
        if let fix = c.fix {
            out += "**Fix**: \(escape(fix.description))\n\n"
            if let note = fix.scopeNote { out += "**Where**: \(escape(note))\n\n" }
            if fix.reg != nil {
                out += FixNotes.simulation(fix, index: i) + ".\n\n"
            }
            if let gpo = fix.gpo {
                out += "GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters):\n\n```\n\(fence(gpo))\n```\n\n"
            }
            if let reg = fix.reg { out += ".reg:\n\n```reg\n\(fence(reg.replacing("\r\n", with: "\n")))```\n\n" }
        }
        return out
    }

    static func findingsTable(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var out =
            "| severity | cause | hosts | Windows error | also seen | evidence |\n| --- | --- | --- | --- | --- | --- |\n"
        for f in findings {
            out +=
                "| \(f.severity.rawValue) | `\(f.code.rawValue)`: \(escape(f.title))\(f.leadsTo.map { " (leads to `\($0.rawValue)`)" } ?? "") | \(f.hostCount): \(f.hosts.map(escape).joined(separator: ", ")) | \(f.windowsError) | \(f.otherWindowsErrors.joined(separator: ", ").nonEmpty ?? "-") | \(f.windowsErrorEvidence) |\n"
        }
        return out + "\n"
    }

    /// Every host asked for, in order (a report without accounts: its hosts, checked).
    static func accounts(_ report: DiagnosisReport) -> [HostAccount] {
        report.hostAccounts.isEmpty
            ? report.hosts.map { HostAccount(status: .checked, host: $0.host, port: $0.port) } : report.hostAccounts
    }

    static func escape(_ s: String) -> String { Escaping.markdown(s) }

    /// Text in a code span: no backtick, no line break, hostile characters shown (one rule, `HostileCharacters`).
    static func code(_ s: String) -> String {
        Escaping.visible(
            s.replacing("`", with: "'").replacing("\r\n", with: " ").replacing("\n", with: " "), keepingLineFeeds: false
        )
    }

    /// Text inside a fenced block: a line of backticks cannot close the fence early; hostile characters shown.
    static func fence(_ s: String) -> String {
        Escaping.visible(s.replacing("```", with: "'''"), keepingLineFeeds: true)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
