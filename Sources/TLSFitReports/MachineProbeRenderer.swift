import TLSFitCore

/// The machine's own WinHTTP results (`tlsfit collect -Probe`) beside tlsfit's verdicts: a section
/// added after a diagnosis in each format.
public enum MachineProbeRenderer {
    static let title = "This machine's own WinHTTP (collect -Probe), beside tlsfit's verdict"

    static func headline(_ c: MachineProbeComparison) -> String {
        let n = c.disagreements.count
        let when = c.probedAt.map { " at \($0)" } ?? ""
        return "From \(c.source)\(when): "
            + (n == 0
                ? "the machine and tlsfit agree on every host both checked."
                : "they disagree on \(n) host\(n == 1 ? "" : "s"): \(c.disagreements.map(\.host).joined(separator: ", ")).")
    }

    public static func text(_ c: MachineProbeComparison, layout: TextLayout) -> String {
        var out = "\n\(title):\n"
        out += layout.wrap(Escaping.terminal(headline(c)), indent: "  ") + "\n"
        for row in c.rows {
            let mark = row.agrees.map { $0 ? "agree" : "DISAGREE" } ?? "-"
            // The host on its own line (a name is never broken), the two results wrapped under it.
            out += "  \(Escaping.terminal(row.host)):\(row.port)  [\(mark)]\n"
            out +=
                layout.wrap("machine: \(Escaping.terminal(row.machine)); tlsfit: \(row.tlsfit)", indent: "      ")
                + "\n"
            if let note = row.note { out += layout.wrap(note, indent: "      ") + "\n" }
        }
        return out
    }

    public static func markdown(_ c: MachineProbeComparison) -> String {
        var out =
            "\n## \(title)\n\n\(Escaping.markdown(headline(c)))\n\n| host | this machine | tlsfit | agree |\n|---|---|---|---|\n"
        for row in c.rows {
            let mark = row.agrees.map { $0 ? "yes" : "**no**" } ?? "-"
            out +=
                "| \(Escaping.markdown(row.host)):\(row.port) | \(Escaping.markdown(row.machine)) | \(Escaping.markdown(row.tlsfit)) | \(mark) |\n"
        }
        for row in c.rows {
            if let note = row.note { out += "\n- \(Escaping.markdown(row.host)): \(Escaping.markdown(note))" }
        }
        return out + "\n"
    }

    public static func html(_ c: MachineProbeComparison) -> String {
        var out =
            "<section class=\"machine-probe\"><h2>\(Escaping.html(title))</h2>\n<p>\(Escaping.html(headline(c)))</p>\n"
        out +=
            "<table><tr><th>host</th><th>this machine</th><th>tlsfit</th><th>agree</th><th>why they may differ</th></tr>\n"
        for row in c.rows {
            let mark = row.agrees.map { $0 ? "yes" : "no" } ?? "-"
            out +=
                "<tr><td>\(Escaping.html(row.host)):\(row.port)</td><td>\(Escaping.html(row.machine))</td><td>\(Escaping.html(row.tlsfit))</td><td>\(mark)</td><td>\(Escaping.html(row.note ?? ""))</td></tr>\n"
        }
        return out + "</table></section>\n"
    }

    /// `page` with the section inserted before `</body>` (or appended).
    public static func insert(_ c: MachineProbeComparison, intoHTML page: String) -> String {
        guard let end = page.ranges(of: "</body>").last else { return page + html(c) }
        var result = page
        result.replaceSubrange(end, with: html(c) + "</body>")
        return result
    }
}
