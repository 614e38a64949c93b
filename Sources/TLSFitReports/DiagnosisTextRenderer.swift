import TLSFitCore

/// `tlsfit diagnose --format text`: plain words for an administrator.
public enum DiagnosisTextRenderer {
    public static func render(_ report: DiagnosisReport) -> String {
        var out = ""
        let release = WindowsRelease(rawValue: report.windowsRelease)?.displayName ?? report.windowsRelease
        out += "Client: \(release)\(report.windowsReleaseAssumed ? " (assumed; pass --windows to choose)" : "")"
        out += report.inputs.isEmpty ? "\n" : ", configuration from \(report.inputs.joined(separator: ", "))\n"
        for line in EndpointNotes.report(report) { out += line + "\n" }
        for host in report.hosts {
            out += "\n" + renderHost(host)
        }
        let failing = report.hosts.filter { !$0.succeeded }.count
        out += "\n\(report.hosts.count - failing) of \(report.hosts.count) host(s) reachable with this configuration.\n"
        return out
    }

    public static func renderHost(_ h: HostDiagnosis) -> String {
        var out = ""
        let windowsError = h.causes.first?.windowsError ?? h.observedFailure?.windowsError
        out += "\(h.host):\(h.port)  \(h.succeeded ? "OK" : "FAILS")"
        if !h.succeeded, let windowsError { out += " - Windows Update would report \(windowsError)" }
        out += "\n"
        if let n = h.negotiated, h.observedFailure == nil || h.observedFailure?.stage == "certificate" {
            out += "  Handshake:  \(n.tlsProtocol ?? "?") \(n.cipher ?? "?")\(n.group.map { " (\($0))" } ?? "")\(h.address.map { " via \($0)" } ?? "")\n"
        } else if let f = h.observedFailure {
            out += "  Handshake:  failed at \(f.stage): \(f.kind)\(f.alert.map { ", \($0)" } ?? "") - \(f.detail)\n"
        } else {
            out += "  Handshake:  not tried (offline)\n"
        }
        if let path = h.path {
            var line = "  Path:       \(path)"
            if let p = h.proxy { line += " (\(p.request)\(p.statusLine.map { " -> \($0)" } ?? ""))" }
            if let d = h.directOutcome { line += "; direct for comparison: \(d)\(h.directFailure.map { " (\($0.stage): \($0.kind))" } ?? "")" }
            out += line + "\n"
        }
        if let note = h.wireNote { out += "  Note:       \(note)\n" }
        if h.scheme == "http" {
            out += "  Predicted:  no TLS to simulate (plain HTTP)"
        } else if let p = h.predicted {
            out += "  Predicted:  \(p.tlsProtocol ?? "?") \(p.cipher ?? "(no suite)")\(h.predictedFailure.map { " - fails: \($0)" } ?? "")"
        } else if let f = h.predictedFailure {
            out += "  Predicted:  fails: \(f)"
        } else {
            out += "  Predicted:  no server profile"
        }
        if let source = h.serverProfileSource { out += " [server profile: \(source)]" }
        out += "\n"
        for line in EndpointNotes.host(h) { out += "  \(line)\n" }
        if let agrees = h.agrees {
            out += agrees ? "  Prediction and real handshake agree.\n"
                : "  WARNING: the prediction and the real handshake DISAGREE; trust the real handshake and re-measure the server.\n"
        }
        for (i, c) in h.causes.enumerated() {
            out += "\n  Cause \(i + 1) [\(c.code.rawValue), \(c.windowsError)]: \(c.summary)\n"
            out += wrap(c.explanation, indent: "    ")
            if !c.evidence.isEmpty {
                out += "    Evidence:\n"
                for e in c.evidence { out += "      \(e.location): [\(e.key)] \(e.value)\n" }
            }
            if let client = c.clientSuites { out += "    Client offers:  \(client.isEmpty ? "(nothing)" : client.joined(separator: ", "))\n" }
            if let server = c.serverSuites { out += "    Server accepts: \(server.joined(separator: ", "))\n" }
            if let nearest = c.nearestSuites, !nearest.isEmpty { out += "    Nearest fix:    \(nearest.joined(separator: ", "))\n" }
            if let root = c.rootSubject { out += "    Chain ends at:  \(root)\n" }
            if let fix = c.fix {
                out += "    Fix: \(fix.description)\n"
                if fix.reg != nil {
                    out += "    Checked by simulation: \(fix.verified ? "the handshake succeeds with this fix\(i > 0 ? " and the ones above" : "")" : "not enough on its own; see the next cause")\n"
                }
                if let gpo = fix.gpo { out += "    GPO \"SSL Cipher Suite Order\" string (\(gpo.count) characters):\n      \(gpo)\n" }
                if let reg = fix.reg {
                    out += "    .reg:\n"
                    for line in reg.split(separator: "\r\n", omittingEmptySubsequences: true) { out += "      \(line)\n" }
                }
            }
        }
        if let confirmed = h.fixConfirmedOnWire {
            out += confirmed ? "\n  Confirmed on the wire: with the fix applied, a real handshake succeeds.\n"
                : "\n  WARNING: with the fix applied, the real handshake still fails.\n"
        }
        return out
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var out = ""
        var line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, line != indent {
                out += line + "\n"
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        if line != indent { out += line + "\n" }
        return out
    }
}
