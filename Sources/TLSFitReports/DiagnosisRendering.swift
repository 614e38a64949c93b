import TLSFitCore

/// The formats of `tlsfit diagnose`.
public enum DiagnosisFormat: String, Sendable, CaseIterable {
    case text, json, markdown, html
}

/// A diagnosis report in one of its formats, the machine's own probe (`collect -Probe`) after it.
public enum DiagnosisRendering {
    /// The whole output, ready to print as is (a JSON document ends with a newline).
    public static func render(_ report: DiagnosisReport, as format: DiagnosisFormat, layout: TextLayout) throws
        -> String
    {
        switch format {
        case .text:
            DiagnosisTextRenderer.render(report, layout: layout)
                + (report.machineProbe.map { MachineProbeRenderer.text($0, layout: layout) } ?? "")
        case .json: try JSONOutput.encode(report) + "\n"
        case .markdown:
            DiagnosisMarkdownRenderer.render(report) + (report.machineProbe.map(MachineProbeRenderer.markdown) ?? "")
        case .html:
            report.machineProbe.map { MachineProbeRenderer.insert($0, intoHTML: DiagnosisHTMLRenderer.render(report)) }
                ?? DiagnosisHTMLRenderer.render(report)
        }
    }
}
