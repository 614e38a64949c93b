import TLSFitCore

/// `tlsfit diagnose --format text`: plain words for an administrator. The findings come first (one
/// per cause, with the hosts it hits), then each host in detail. Prose wraps to `layout.width`;
/// copy-paste blocks (the `.reg` lines, the GPO string, evidence paths) are never broken. Every text
/// that came from a file or a server is terminal-escaped.
public enum DiagnosisTextRenderer {
    public static func render(_ report: DiagnosisReport, layout: TextLayout = TextLayout()) -> String {
        var out = ""
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        var client =
            "Client: \(escaped(release))\(report.windowsReleaseAssumed ? " (assumed; pass --windows to choose)" : "")"
        if !report.inputs.isEmpty {
            client += ", configuration from \(report.inputs.map(escaped).joined(separator: ", "))"
        }
        out += layout.wrap(client, first: "", indent: "  ")
        for line in EndpointNotes.report(report) { out += layout.wrap(escaped(line), first: "", indent: "  ") }
        out += renderFindings(report, layout: layout)
        out += renderAccounts(report, layout: layout)
        if !layout.quiet {
            for host in report.hosts {
                out += "\n" + renderHost(host, layout: layout)
            }
        }
        out += "\n" + layout.wrap(summaryLine(report), first: "", indent: "  ")
        let failing = report.hosts.filter { !$0.succeeded }.count
        out += "\(report.hosts.count - failing) of \(report.hosts.count) host(s) reachable with this configuration.\n"
        return out
    }

    /// The configuration's verdict across hosts, then what was measured here.
    public static func summaryLine(_ report: DiagnosisReport) -> String {
        let judged = report.hosts.filter { [.ok, .fails].contains($0.configuration?.outcome ?? .unknown) }
        let configOK = judged.filter { $0.configuration?.outcome == .ok }.count
        var line = "Configuration: works with \(configOK) of \(judged.count) host(s) it could judge"
        if let r = report.reachability {
            line += "; from this machine: \(r.measured - r.unreached) of \(r.measured) host(s) reached."
        } else {
            line += "; offline: nothing measured from this machine."
        }
        return line
    }

    /// "Findings": the configuration first (its warnings, then its causes), then what was measured
    /// from this machine; one block per cause, with the number of hosts and their names.
    public static func renderFindings(_ report: DiagnosisReport, layout: TextLayout = TextLayout()) -> String {
        let config = report.findings.filter { $0.vantage == .configuration }
        let here = report.findings.filter { $0.vantage == .thisMachine }
        var out = ""
        if !report.configurationFindings.isEmpty || !config.isEmpty {
            out +=
                "\n"
                + layout.wrap(
                    layout.paint("Findings: the configuration", .bold)
                        + " (the export against each host's profile; holds on the Windows machine's own network)",
                    first: "", indent: "  ")
            for w in report.configurationFindings {
                let severity = layout.paint("[\(w.severity)]", w.severity == .error ? .red : .yellow)
                out += layout.wrap(
                    "\(w.code.rawValue): \(escaped(w.message))", first: "  \(severity) ", indent: "          ")
                if let location = w.location { out += "          At: \(escaped(location))\n" }
                if !w.leadsTo.isEmpty {
                    out += layout.wrap(
                        "Leads to: \(w.leadsTo.map(\.rawValue).joined(separator: ", ")) on \(w.hosts.map(escaped).joined(separator: ", "))",
                        indent: "          ")
                }
            }
            out += renderCauseFindings(config, layout: layout)
        }
        if !here.isEmpty {
            out +=
                "\n"
                + layout.wrap(
                    layout.paint("Findings: measured from this machine", .bold)
                        + " (its DNS, route and proxy; the Windows machine may differ)", first: "", indent: "  ")
            out += renderCauseFindings(here, layout: layout)
        }
        if let note = report.reachability?.note {
            out +=
                "\n"
                + layout.wrap(layout.paint("No host reached from here:", .yellow) + " " + escaped(note), indent: "  ")
        }
        return out
    }

    static func renderCauseFindings(_ findings: [Finding], layout: TextLayout) -> String {
        var out = ""
        for f in findings {
            let count = f.hostCount == 1 ? "1 host fails" : "\(f.hostCount) hosts fail for the same reason"
            let severity = layout.paint("[\(f.severity.rawValue)]", f.severity == .error ? .red : .yellow)
            out += layout.wrap(
                "\(f.code.rawValue): \(escaped(f.title)) (\(count))\(f.leadsTo.map { ", which leads to \($0.rawValue)" } ?? "")",
                first: "  \(severity) ", indent: "          ")
            out += layout.wrap(
                errorSentence(f.windowsError, others: f.otherWindowsErrors, evidence: f.windowsErrorEvidence),
                indent: "          ")
            out += layout.wrap("Hosts: " + f.hosts.map(escaped).joined(separator: ", "), indent: "          ")
        }
        return out
    }

    /// Every host asked for: checked, predicted offline only, skipped, and why (only when some host was not checked online).
    public static func renderAccounts(_ report: DiagnosisReport, layout: TextLayout) -> String {
        guard report.hostAccounts.contains(where: { $0.status != .checked }) else { return "" }
        var out = "\n" + layout.paint("Hosts", .bold) + "\n"
        for status in HostAccount.Status.allCases {
            let group = report.hostAccounts.filter { $0.status == status }
            guard !group.isEmpty else { continue }
            let label =
                switch status {
                case .checked: "Checked"
                case .predicted: "Predicted offline only"
                case .skipped: "Skipped"
                }
            let reasons = Dictionary(grouping: group, by: { $0.reason ?? "" })
            for reason in reasons.keys.sorted() {
                let names = reasons[reason]!.map { "\(escaped($0.host)):\($0.port)" }.joined(separator: ", ")
                out += layout.wrap(
                    "\(label) (\(reasons[reason]!.count)): \(names)\(reason.isEmpty ? "" : " - \(escaped(reason))")",
                    first: "  ", indent: "    ")
            }
        }
        return out
    }

    /// "Windows Update would report X" with the confidence when it is not documented, and the other codes seen.
    public static func errorSentence(_ primary: String, others: [String], evidence: ErrorEvidence) -> String {
        var s = "Windows Update would most likely report \(primary)"
        switch evidence {
        case .documented: s += " (documented by Microsoft)"
        case .observed: s += " (observed in public reports; not documented by Microsoft)"
        case .assumed: s += " (assumed: no public report confirms it)"
        }
        if !others.isEmpty { s += "; also seen for the same cause: \(others.joined(separator: ", "))" }
        return s + "."
    }

    public static func renderHost(_ h: HostDiagnosis, layout: TextLayout = TextLayout()) -> String {
        var out = ""
        let windowsError = h.causes.first?.windowsError ?? h.observedFailure?.windowsError
        out +=
            "\(escaped(h.host)):\(h.port)  \(h.succeeded ? layout.paint("OK", .green) : layout.paint("FAILS", .red))\n"
        if !h.succeeded, let windowsError { out += "  Windows Update would most likely report \(windowsError)\n" }
        out += configurationLine(h, layout: layout)
        if let n = h.negotiated, h.observedFailure == nil || h.observedFailure?.stage == .certificate {
            out +=
                "  Handshake:  \(escaped(n.tlsProtocol ?? "?")) \(escaped(n.cipher ?? "?"))\(n.group.map { " (\(escaped($0)))" } ?? "")\(h.address.map { " via \(escaped($0))" } ?? "")\n"
        } else if let f = h.observedFailure {
            out += layout.wrap(
                "failed at \(escaped(f.stage.rawValue)): \(escaped(f.kind.rawValue))\(f.alert.map { ", \(escaped($0))" } ?? "") - \(escaped(f.detail))\([.dns, .tcp].contains(f.stage) || f.kind == .timeout ? " (measured from the machine running tlsfit)" : "")",
                first: "  Handshake:  ", indent: "              ")
        } else {
            out += "  Handshake:  not tried (offline)\n"
        }
        if let path = h.path {
            var line = path
            if let p = h.proxy { line += " (\(p.request)\(p.statusLine.map { " -> \($0)" } ?? ""))" }
            if let d = h.directOutcome {
                line +=
                    "; direct for comparison: \(d)\(h.directFailure.map { " (\($0.stage.rawValue): \($0.kind.rawValue))" } ?? "")"
            }
            out += layout.wrap(escaped(line), first: "  Path:       ", indent: "              ")
        }
        if let note = h.wireNote {
            out += layout.wrap(escaped(note), first: "  Note:       ", indent: "              ")
        }
        var predicted: String
        if h.scheme == "http" {
            predicted = "no TLS to simulate (plain HTTP)"
        } else if let p = h.predicted {
            predicted =
                "\(escaped(p.tlsProtocol ?? "?")) \(escaped(p.cipher ?? "(no suite)"))\(h.predictedFailure.map { " - fails: \(escaped($0))" } ?? "")"
        } else if let f = h.predictedFailure {
            predicted = "fails: \(escaped(f))"
        } else {
            predicted = "no server profile"
        }
        if let source = h.serverProfileSource { predicted += " [server profile: \(escaped(source))]" }
        out += layout.wrap(predicted, first: "  Predicted:  ", indent: "              ")
        for line in EndpointNotes.host(h) { out += layout.wrap(escaped(line), first: "  ", indent: "    ") }
        if let agrees = h.agrees {
            out +=
                agrees
                ? "  Prediction and real handshake agree.\n"
                : layout.wrap(
                    layout.paint("WARNING:", .yellow)
                        + " the prediction and the real handshake DISAGREE; trust the real handshake and re-measure the server.",
                    indent: "  ")
        }
        for w in h.warnings {
            out += layout.wrap(layout.paint("WARNING:", .yellow) + " " + escaped(w), indent: "  ")
        }
        for (i, c) in h.causes.enumerated() { out += renderCause(c, index: i, layout: layout) }
        if let confirmed = h.fixConfirmedOnWire {
            out +=
                confirmed
                ? "\n  \(FixNotes.confirmedOnWire)\n"
                : "\n  " + layout.paint("WARNING:", .yellow) + " \(FixNotes.failsOnWire)\n"
        }
        return out
    }

    /// One cause under its host: summary, explanation, Windows error, evidence, both sides' suites and the fix.
    static func renderCause(_ c: Cause, index i: Int, layout: TextLayout) -> String {
        var out = ""
        out += "\n"
        // Which vantage point each cause belongs to is said once, on the Configuration and From here lines.
        out += layout.wrap(
            "\(escaped(c.summary))", first: "  Cause \(i + 1) [\(c.code.rawValue), \(c.windowsError)]: ", indent: "    "
        )
        if let next = c.leadsTo { out += "    Leads to: \(next.rawValue)\n" }
        out += layout.wrap(escaped(c.explanation), indent: "    ")
        out += layout.wrap(
            errorSentence(c.windowsError, others: c.otherWindowsErrors, evidence: c.windowsErrorEvidence),
            indent: "    ")
        if !c.evidence.isEmpty {
            out += "    Evidence:\n"
            // One line each, unbroken: the location and key are copied into regedit or a search.
            for e in c.evidence { out += "      \(escaped(e.location)): [\(escaped(e.key))] \(escaped(e.value))\n" }
        }
        if let client = c.clientSuites {
            out += layout.wrap(
                client.isEmpty ? "(nothing)" : client.map(escaped).joined(separator: ", "),
                first: "    Client offers:  ", indent: "                    ")
        }
        if let server = c.serverSuites {
            // An empty list is not a fact about the server: say it is unknown.
            out += layout.wrap(
                server.isEmpty ? "unknown (no suite measured)" : server.map(escaped).joined(separator: ", "),
                first: "    Server accepts: ", indent: "                    ")
        }
        if let nearest = c.nearestSuites, !nearest.isEmpty {
            out += layout.wrap(
                nearest.map(escaped).joined(separator: ", "), first: "    Nearest fix:    ",
                indent: "                    ")
        }
        if let root = c.rootSubject { out += "    Chain ends at:  \(escaped(root))\n" }
        if let fix = c.fix {
            out += layout.wrap(escaped(fix.description), first: "    Fix: ", indent: "      ")
            if let note = fix.scopeNote { out += layout.wrap(escaped(note), first: "    Where: ", indent: "      ") }
            if fix.reg != nil {
                out += layout.wrap(FixNotes.simulation(fix, index: i), indent: "    ")
            }
            if let gpo = fix.gpo {
                out += "    GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters):\n      \(escaped(gpo))\n"
            }
            if let reg = fix.reg {
                out += "    .reg:\n"
                for line in reg.split(separator: "\r\n", omittingEmptySubsequences: true) {
                    out += "      \(escaped(String(line)))\n"
                }
            }
        }
        return out
    }

    /// "Configuration: fails (no-shared-cipher) ..." and "From here: unreached at dns ...": the two vantage points.
    static func configurationLine(_ h: HostDiagnosis, layout: TextLayout) -> String {
        var out = ""
        if let c = h.configuration {
            var text: String
            switch c.outcome {
            case .ok: text = "works"
            case .fails:
                text =
                    "FAILS\(c.causes.isEmpty ? "" : " (\(c.causes.map(\.rawValue).joined(separator: ", ")))")\(c.windowsError.map { ", \($0)" } ?? "") on the machine's own network"
            case .notApplicable: text = "not applicable (plain HTTP: no TLS)"
            case .unknown: text = "unknown (no usable server profile)"
            }
            if let source = c.serverProfileSource { text += " [server profile: \(escaped(source))]" }
            out += layout.wrap(text, first: "  Configuration: ", indent: "                 ")
        }
        if let m = h.fromHere {
            let text: String
            switch m.outcome {
            case .ok: text = "reached, works"
            case .unreached:
                text =
                    "NOT REACHED (\(m.stage?.rawValue ?? "?")\(m.causes.isEmpty ? "" : ": \(m.causes.map(\.rawValue).joined(separator: ", "))")); measured here, not on the Windows machine"
            case .fails:
                text =
                    "reached, fails at \(m.stage?.rawValue ?? "?")\(m.causes.isEmpty ? "" : " (\(m.causes.map(\.rawValue).joined(separator: ", ")))")"
            }
            out += layout.wrap(text, first: "  From here:     ", indent: "                 ")
        }
        return out
    }

    /// Terminal-escapes text from files and servers.
    static func escaped(_ s: String) -> String { Escaping.terminal(s) }
}
