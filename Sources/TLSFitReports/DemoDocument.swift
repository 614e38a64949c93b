import TLSFitCore

/// The whole of `tlsfit demo` in each format: the opening, one section per example, the closing.
extension DemoRenderer {
    /// What the demo does, in one paragraph.
    public static let intro =
        "Real Windows Update incidents, each against a local server on 127.0.0.1 that plays the host involved (its certificate key type and chain, its suites, its way of refusing). Each example machine sends its exact Windows ClientHello and is diagnosed from the answer; no network."

    /// The start of the document (Markdown, HTML), or the line printed at once (text); empty for JSON.
    public static func opening(_ format: DiagnosisFormat, layout: TextLayout) -> String {
        switch format {
        case .markdown: "# tlsfit demo\n\n\(Escaping.markdown(intro))\n\n"
        case .html: "<h1>tlsfit demo</h1>\n<p>\(Escaping.html(intro))</p>\n"
        case .text: layout.wrap("tlsfit demo: " + intro, first: "", indent: "")
        case .json: ""
        }
    }

    /// One example's title line.
    public static func title(
        index: Int, title: String, name: String, release: WindowsRelease, role: UpdateRole
    ) -> String {
        "Example \(index + 1): \(title) (\(name), \(release.displayName), role \(role.rawValue))"
    }

    /// One example's verdict: the server played, what was expected and what came, after the admin's path.
    public static func verdict(
        server: String, resets: Int, expected: String, got: String, asExpected: Bool, walk: String?
    ) -> String {
        var verdict = "Server: \(server)"
        if resets > 0 {
            verdict += " (it answered \(resets) ClientHello(s) with a TCP reset)"
        }
        verdict += "\nExpected: \(expected); got: \(got)\(asExpected ? "" : "  <-- UNEXPECTED")"
        if let walk { verdict = walk + "\n" + verdict }
        return verdict
    }

    /// One example's section of a Markdown or HTML document; empty for the other formats.
    public static func section(
        _ report: DiagnosisReport, title: String, verdict: String, format: DiagnosisFormat
    ) -> String {
        var out = ""
        switch format {
        case .markdown:
            out +=
                DiagnosisMarkdownRenderer.render(report, title: title, level: 2).replacing(
                    "\n\n- Client:", with: "\n\n\(Escaping.markdown(verdict))\n\n- Client:") + "\n"
            if let probe = report.machineProbe { out += MachineProbeRenderer.markdown(probe) }
        case .html:
            out += DiagnosisHTMLRenderer.section(report, level: 2, title: title) + "<p>\(Escaping.html(verdict))</p>\n"
            if let probe = report.machineProbe { out += MachineProbeRenderer.html(probe) }
        case .text, .json:
            break
        }
        return out
    }

    /// The last words: whether every example behaved as expected.
    public static func closing(_ allAsExpected: Bool) -> String {
        allAsExpected
            ? "Demo finished: every example behaved as expected."
            : "Demo finished: some examples did NOT behave as expected."
    }

    /// The whole output after the examples (JSON: every report); printed without a final newline added.
    public static func finish(
        document: String, allAsExpected: Bool, reports: [DiagnosisReport], format: DiagnosisFormat
    ) throws -> String {
        let closing = closing(allAsExpected)
        switch format {
        case .markdown:
            return document + closing + "\n"
        case .html:
            return DiagnosisHTMLRenderer.page(title: "tlsfit demo", body: document + "<p>\(closing)</p>\n")
        case .json:
            return try JSONOutput.encode(
                DemoJSON(schemaVersion: JSONOutput.schemaVersion, asExpected: allAsExpected, examples: reports)) + "\n"
        case .text:
            return closing + "\n"
        }
    }
}
