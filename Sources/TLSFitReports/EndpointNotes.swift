import FoundationEssentials
import TLSFitCore

/// The endpoint facts of a diagnosis as plain sentences, shared by the text, Markdown and HTML
/// renderers: the role and stack, the log, the revocation list's age, and per host the assumed facts
/// the verdict rests on, drift from the built-in profile, the allow-list and the log's errors.
public enum EndpointNotes {
    /// Report-level lines.
    public static func report(_ r: DiagnosisReport) -> [String] {
        var lines: [String] = []
        if let role = r.role {
            lines.append(
                role == "wsus"
                    ? "Role: wsus (a WSUS server's upstream sync, through .NET Framework)"
                    : "Role: client (the Windows Update agent, through WinHTTP)")
        }
        if let log = r.log {
            var text = "WindowsUpdate.log \(log.file): "
            text += log.osVersion.map { "OS \($0)" } ?? "no OS build in the request URLs"
            if let release = log.windowsRelease {
                let name = WindowsRelease(rawValue: release)?.displayName ?? release
                text += " -> \(name)\(log.windowsReleaseExact == false ? " (nearest release tlsfit knows)" : "")"
            }
            text +=
                log.failures.isEmpty
                ? "; no failed request"
                : "; failed: "
                    + log.failures.map { "\($0.host) \($0.errors.joined(separator: ", "))" }.joined(separator: "; ")
            lines.append(text)
        }
        if let sync = r.revocationListSync { lines.append("Revocation list: \(sync.note)") }
        for port in r.blockedPorts ?? [] {
            lines.append(
                "Port \(port) is blocked: every connection to port \(port) failed at TCP (0x80072EFD)"
                    + (port == 80 || port == 443
                        ? "; the seed article asks to allow the update URLs on ports 80 and 443" : ""))
        }
        return lines
    }

    /// Host-level lines.
    public static func host(_ h: HostDiagnosis) -> [String] {
        var lines: [String] = []
        if h.scheme == "http" {
            lines.append(
                "Checked over plain HTTP (TCP \(h.port) and one request): Windows Update uses this host without TLS")
        }
        if let facts = h.assumedFacts, let name = h.builtInProfile ?? (facts.isEmpty ? nil : "built-in") {
            if facts.isEmpty {
                lines.append("Server side from the built-in profile '\(name)': every fact documented or observed")
            } else {
                lines.append(
                    "Rests on assumed facts (built-in profile '\(name)'): "
                        + facts.map { "\($0.name) (\($0.source), \($0.date))" }.joined(separator: "; "))
            }
        }
        if let drift = h.drift {
            if drift.isEmpty {
                lines.append("Measured server matches the built-in profile '\(h.builtInProfile ?? "?")'")
            } else {
                lines.append(
                    "DRIFT from the built-in profile '\(h.builtInProfile ?? "?")': " + drift.joined(separator: "; "))
            }
        }
        if h.scheme != nil {
            lines.append(
                h.allowListPattern.map { "Allow-list: covered by \($0)" }
                    ?? "Allow-list: not covered by the seed article's allow-list")
        }
        if let errors = h.logErrors {
            let predicted = h.predictedWindowsError ?? "success"
            lines.append(
                "WindowsUpdate.log shows \(errors.joined(separator: ", ")); tlsfit predicts \(predicted): \(h.matchesLog == true ? "matches" : "DIFFERS")"
            )
        }
        return lines
    }
}
