import FoundationEssentials
import TLSFitCore

/// The formats `tlsfit report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, markdown, html, json, junit, csv
}

/// Renders a compatibility report in any of its formats.
public enum CompatibilityRenderer {
    /// `layout` sets the width of the text format (the other formats ignore it).
    public static func render(
        _ report: CompatibilityReport, as format: ReportFormat, layout: TextLayout = TextLayout(),
        into out: inout some TextOutputStream
    ) throws {
        switch format {
        case .text: CompatibilityTextRenderer.render(report, layout: layout, into: &out)
        case .markdown: CompatibilityMarkdownRenderer.render(report, into: &out)
        case .html: CompatibilityHTMLRenderer.render(report, into: &out)
        case .json: out.write(try JSONOutput.encode(report) + "\n")
        case .junit: CompatibilityJUnitRenderer.render(report, into: &out)
        case .csv: CompatibilityCSVRenderer.render(report, into: &out)
        }
    }

    /// The short cell text used by the tables: `OK TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384` or `FAILS no-shared-cipher`.
    static func cellText(_ cell: MatrixCell?, catalog: Catalog = .shared) -> String {
        guard let cell else { return "-" }
        switch cell.verdict {
        case .ok:
            let suite = cell.cipher.flatMap { catalog.suite(named: $0)?.openssl ?? $0 } ?? "?"
            return "OK \(cell.protocol?.rawValue ?? "?") \(suite)"
        case .fails:
            return "FAILS \(cell.causes.isEmpty ? "unknown" : cell.causes.joined(separator: ","))"
        }
    }

    /// Cells in a stable order: candidate, release, host, as given in the report.
    static func orderedCells(_ report: CompatibilityReport) -> [MatrixCell] {
        let index = report.cellIndex()
        var out: [MatrixCell] = []
        for candidate in report.candidates {
            for release in report.windowsReleases {
                for host in report.hosts {
                    if let c = index.cell(candidate: candidate.name, release: release, host: host) { out.append(c) }
                }
            }
        }
        return out
    }
}

enum CompatibilityTextRenderer {
    /// The text at `layout.width` columns: prose wraps (paths, keys and suite names whole), and a
    /// candidate's matrix wider than the width becomes one block per release listing each host's cell.
    static func render(
        _ r: CompatibilityReport, layout: TextLayout = TextLayout(), into out: inout some TextOutputStream
    ) {
        let index = r.cellIndex()
        out.write(
            layout.wrap(
                "Compatibility: \(r.candidates.count) candidate(s) x \(r.windowsReleases.count) Windows release(s) x \(r.hosts.count) host(s)",
                first: "", indent: "  "))
        for candidate in r.candidates {
            writeCandidate(candidate, of: r, index: index, layout: layout, into: &out)
        }
        if let groups = r.groups { writeFleetGroups(groups, layout: layout, into: &out) }
        if let skipped = r.skipped, !skipped.isEmpty {
            out.write("\nSkipped \(skipped.count) export(s) that could not be read:\n")
            for item in skipped.prefix(20) {
                out.write(layout.wrapKeepingKeys(item.description, first: "  ", indent: "    "))
            }
            if skipped.count > 20 { out.write("  ... and \(skipped.count - 20) more\n") }
        }
        out.write("\nSummary:\n")
        writeSummary(r.summary, layout: layout, into: &out)
    }

    /// A candidate's heading, its configuration findings and its matrix (a table, or one block per
    /// release when the table is wider than the layout).
    private static func writeCandidate(
        _ candidate: CandidateInfo, of r: CompatibilityReport, index: CompatibilityReport.CellIndex,
        layout: TextLayout, into out: inout some TextOutputStream
    ) {
        out.write(
            "\n"
                + layout.wrap(
                    atoms: ["Candidate", candidate.name]
                        + candidate.files.enumerated().map { i, f in
                            (i == 0 ? "(" : "") + f + (i == candidate.files.count - 1 ? ")" : ",")
                        }, first: "", indent: "  "))
        for w in candidate.configurationFindings {
            out.write(
                layout.wrapKeepingKeys(
                    "[\(w.severity)] \(w.code.rawValue): \(w.message)\(w.location.map { " (\($0))" } ?? "")\(w.leadsTo.isEmpty ? "" : "; leads to \(w.leadsTo.map(\.rawValue).joined(separator: ", ")) on \(w.hosts.joined(separator: ", "))")",
                    first: "  ", indent: "    "))
        }
        var rows: [[String]] = [["release"] + r.hosts]
        // Fleet groups run one release each: rows without any cell are left out.
        for release in r.windowsReleases
        where r.hosts.contains(where: { index.cell(candidate: candidate.name, release: release, host: $0) != nil }) {
            rows.append(
                [release.rawValue]
                    + r.hosts.map {
                        CompatibilityRenderer.cellText(
                            index.cell(candidate: candidate.name, release: release, host: $0))
                    })
        }
        if TextTable.width(rows, indent: "  ") <= layout.width {
            TextTable.write(rows, indent: "  ", into: &out)
        } else {
            // Too wide: one block per release, a line per host.
            let hostWidth = r.hosts.map(\.count).max() ?? 0
            for row in rows.dropFirst() {
                out.write("  \(row[0]):\n")
                for (host, cell) in zip(r.hosts, row.dropFirst()) {
                    let aligned = "    " + host.padded(to: hostWidth + 2) + cell
                    out.write(
                        aligned.count <= layout.width
                            ? aligned + "\n"
                            : "    \(host)\n" + layout.wrap(cell, indent: "      "))
                }
            }
        }
    }

    /// The fleet's groups of machines with identical configurations, one line each.
    private static func writeFleetGroups(
        _ groups: [FleetGroup], layout: TextLayout, into out: inout some TextOutputStream
    ) {
        out.write(
            "\nFleet groups (\(groups.count) distinct configurations, \(groups.reduce(0) { $0 + $1.machineCount }) machines):\n"
        )
        for g in groups {
            let failing = g.verdicts.filter { $0.verdict == .fails }
            let verdict =
                failing.isEmpty
                ? "OK" : "FAILS (\(Set(failing.flatMap(\.causes)).sorted().joined(separator: ", ")))"
            let sample = g.machines.prefix(3).joined(separator: ", ") + (g.machineCount > 3 ? ", ..." : "")
            out.write(
                layout.wrap(
                    "\(g.id)  \(g.windowsRelease.rawValue)  \(g.machineCount) machine(s)  \(verdict)  [\(sample)]",
                    first: "  ", indent: "    "))
        }
    }

    /// Each candidate's verdict: safe to roll out, or what fails and why.
    private static func writeSummary(
        _ summary: [CandidateSummary], layout: TextLayout, into out: inout some TextOutputStream
    ) {
        for s in summary {
            if s.safe {
                out.write(
                    layout.wrap(
                        "\(s.candidate): SAFE to roll out (\(s.okCells) of \(s.okCells) combinations work)",
                        first: "  ", indent: "    "))
            } else {
                out.write(
                    layout.wrap(
                        "\(s.candidate): NOT SAFE: \(s.failingCells) of \(s.okCells + s.failingCells) combinations fail",
                        first: "  ", indent: "    "))
                for reason in s.reasons.prefix(10) {
                    out.write(layout.wrapKeepingKeys(reason, first: "    - ", indent: "      "))
                }
                if s.reasons.count > 10 { out.write("    - ... and \(s.reasons.count - 10) more\n") }
            }
        }
    }
}

/// Columns padded to their widest cell.
enum TextTable {
    /// The length of the longest line `write` would print.
    static func width(_ rows: [[String]], indent: String = "") -> Int {
        guard let width = rows.map(\.count).max() else { return 0 }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            indent.count + row.enumerated().map { i, cell in i == row.count - 1 ? cell.count : widths[i] }.reduce(0, +)
                + 2 * (row.count - 1)
        }.max() ?? 0
    }

    static func write(_ rows: [[String]], indent: String = "", into out: inout some TextOutputStream) {
        guard let width = rows.map(\.count).max() else { return }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            let padded = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padded(to: widths[i])
            }
            out.write(indent + padded.joined(separator: "  ") + "\n")
        }
    }
}

enum CompatibilityMarkdownRenderer {
    static func render(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let index = r.cellIndex()
        out.write("# TLS compatibility report\n\n")
        out.write(
            "\(r.candidates.count) candidate(s) x \(r.windowsReleases.count) Windows release(s) x \(r.hosts.count) host(s), generated \(Timestamp.iso8601(r.generatedAt)).\n\n"
        )
        out.write("## Summary\n\n| candidate | verdict | working | failing |\n|---|---|---|---|\n")
        for s in r.summary {
            out.write(
                "| \(Escaping.markdown(s.candidate)) | \(s.safe ? "**safe**" : "**not safe**") | \(s.okCells) | \(s.failingCells) |\n"
            )
        }
        for candidate in r.candidates {
            out.write("\n## \(Escaping.markdown(candidate.name))\n\n")
            for w in candidate.configurationFindings {
                out.write(
                    "- \(w.severity) `\(w.code.rawValue)`: \(Escaping.markdown(w.message))\(w.location.map { " (`\($0.replacing("`", with: "'"))`)" } ?? "")\(w.leadsTo.isEmpty ? "" : "; leads to \(w.leadsTo.map { "`\($0.rawValue)`" }.joined(separator: ", ")) on \(Escaping.markdown(w.hosts.joined(separator: ", ")))")\n"
                )
            }
            if !candidate.configurationFindings.isEmpty { out.write("\n") }
            out.write("| release | " + r.hosts.map(Escaping.markdown).joined(separator: " | ") + " |\n")
            out.write("|---|" + String(repeating: "---|", count: r.hosts.count) + "\n")
            for release in r.windowsReleases
            where r.hosts.contains(where: { index.cell(candidate: candidate.name, release: release, host: $0) != nil })
            {
                let cells = r.hosts.map {
                    Escaping.markdown(
                        CompatibilityRenderer.cellText(
                            index.cell(candidate: candidate.name, release: release, host: $0)))
                }
                out.write("| \(release.rawValue) | " + cells.joined(separator: " | ") + " |\n")
            }
            if let s = r.summary.first(where: { $0.candidate == candidate.name }), !s.safe {
                out.write("\nWhy it fails:\n\n")
                for reason in s.reasons { out.write("- \(Escaping.markdown(reason))\n") }
            }
        }
        if let groups = r.groups {
            out.write("\n## Fleet groups\n\n| group | release | machines | verdict |\n|---|---|---|---|\n")
            for g in groups {
                let failing = g.verdicts.filter { $0.verdict == .fails }
                let verdict =
                    failing.isEmpty ? "ok" : "fails: " + Set(failing.flatMap(\.causes)).sorted().joined(separator: ", ")
                out.write(
                    "| \(Escaping.markdown(g.id)) | \(g.windowsRelease.rawValue) | \(g.machineCount) | \(Escaping.markdown(verdict)) |\n"
                )
            }
        }
        if let skipped = r.skipped, !skipped.isEmpty {
            out.write("\n## Skipped exports\n\n")
            for item in skipped { out.write("- \(Escaping.markdown(item.description))\n") }
        }
    }
}

enum CompatibilityCSVRenderer {
    static func render(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        out.write("candidate,windows_release,host,verdict,protocol,cipher,causes,windows_error,confirmed,summary\r\n")
        for c in CompatibilityRenderer.orderedCells(r) {
            let fields = [
                c.candidate, c.windowsRelease.rawValue, c.host, c.verdict.rawValue, c.protocol?.rawValue ?? "",
                c.cipher ?? "",
                c.causes.joined(separator: " "), c.windowsError ?? "", c.confirmed.map { $0 ? "yes" : "no" } ?? "",
                c.summary,
            ]
            out.write(fields.map(Escaping.csv).joined(separator: ",") + "\r\n")
        }
    }
}

enum CompatibilityJUnitRenderer {
    static func render(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let cells = CompatibilityRenderer.orderedCells(r)
        let failures = cells.filter { $0.verdict == .fails }.count
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write("<testsuites name=\"tlsfit\" tests=\"\(cells.count)\" failures=\"\(failures)\">\n")
        for candidate in r.candidates {
            let mine = cells.filter { $0.candidate == candidate.name }
            let failing = mine.filter { $0.verdict == .fails }.count
            out.write(
                "  <testsuite name=\"\(Escaping.xml(candidate.name))\" tests=\"\(mine.count)\" failures=\"\(failing)\">\n"
            )
            for c in mine {
                let name = Escaping.xml("\(c.windowsRelease.rawValue) -> \(c.host)")
                out.write("    <testcase classname=\"\(Escaping.xml(candidate.name))\" name=\"\(name)\">\n")
                if c.verdict == .fails {
                    let type = Escaping.xml(c.causes.joined(separator: ","))
                    out.write(
                        "      <failure message=\"\(Escaping.xml(c.summary))\" type=\"\(type)\">\(Escaping.xml(c.summary + (c.windowsError.map { " (\($0))" } ?? "")))</failure>\n"
                    )
                } else {
                    out.write("      <system-out>\(Escaping.xml(CompatibilityRenderer.cellText(c)))</system-out>\n")
                }
                out.write("    </testcase>\n")
            }
            out.write("  </testsuite>\n")
        }
        out.write("</testsuites>\n")
    }
}
