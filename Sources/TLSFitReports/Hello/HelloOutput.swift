import TLSFitCore

/// The formats of `tlsfit hello`.
public enum HelloFormat: String, Sendable, CaseIterable {
    case text, json, hex
}

/// The whole output of `hello`, ready to print as is: text escaped for a terminal, JSON, or hex.
public enum HelloOutput {
    public static func render(_ report: ClientHelloReport, as format: HelloFormat, layout: TextLayout) throws -> String
    {
        switch format {
        case .json: return try JSONOutput.encode(report) + "\n"
        case .hex: return report.hex + "\n"
        case .text:
            var text = ""
            ClientHelloTextRenderer.render(report, layout: layout, into: &text)
            return Escaping.terminal(text)
        }
    }

    /// Every hello of a capture: one hex line per hello (empty where it could not be decoded).
    public static func render(_ report: CaptureHelloReport, as format: HelloFormat, layout: TextLayout) throws -> String
    {
        switch format {
        case .json: return try JSONOutput.encode(report) + "\n"
        case .hex: return report.clientHellos.map { ($0.hello?.hex ?? "") + "\n" }.joined()
        case .text:
            var text = ""
            CaptureHelloTextRenderer.render(report, layout: layout, into: &text)
            return Escaping.terminal(text)
        }
    }
}
