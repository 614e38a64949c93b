import TLSFitCore

/// `docs/causes.md`: every cause code, the Windows error it shows as, how sure that is and why,
/// rendered from `cause-errors.tsv` and `windows-errors.tsv` (a test fails when the page is stale).
public enum CausesPage {
    public static func markdown(catalog: Catalog = .shared, causes: CauseErrorCatalog = .shared) -> String {
        var out = """
            # Causes and Windows errors

            Generated from `CipherSuites/cause-errors.tsv` and `CipherSuites/windows-errors.tsv` by
            `TLSFIT_UPDATE_DOCS=1 swift test --filter CausesPage`; do not edit by hand. The cause codes are
            a fixed vocabulary that only grows: they appear in every output's `causes` (JSON `code`).
            "Evidence" says how sure the mapping to the error is: `documented` (Microsoft says so),
            `observed` (seen in a public incident), `assumed` (inferred; the output says so).

            | cause | what it means | Windows error (most likely) | also seen | evidence |
            |---|---|---|---|---|

            """
        for code in CauseCode.allCases {
            let row = causes.errors(for: code)
            out += "| `\(code.rawValue)` | \(cell(row.title)) | \(errorCell(row.primary, catalog)) | "
            out += (row.others.isEmpty ? "-" : row.others.map { "`\($0)`" }.joined(separator: ", "))
            out += " | \(row.evidence.rawValue) |\n"
        }
        out += "\n## Sources\n\n"
        for code in CauseCode.allCases {
            let row = causes.errors(for: code)
            out += "- `\(code.rawValue)`: \(cell(row.source))\n"
        }
        let contexts = causes.rows.filter { $0.context != nil }
        if !contexts.isEmpty {
            out +=
                "\n## When the context changes the error\n\n| cause | context | Windows error | evidence | source |\n|---|---|---|---|---|\n"
            for row in contexts {
                out +=
                    "| `\(row.cause)` | \(row.context ?? "") | \(errorCell(row.primary, catalog)) | \(row.evidence.rawValue) | \(cell(row.source)) |\n"
            }
        }
        out += "\n## The Windows errors\n\n| code | name | meaning |\n|---|---|---|\n"
        for error in catalog.windowsErrors {
            out += "| `\(error.code)` | \(cell(error.name)) | \(cell(error.meaning)) |\n"
        }
        return out
    }

    static func errorCell(_ code: String, _ catalog: Catalog) -> String {
        guard let known = catalog.windowsError(code) else { return "`\(code)`" }
        return "`\(code)` \(cell(known.name))"
    }

    /// Table cells: Markdown's own characters, the cell separator among them, escaped.
    static func cell(_ text: String) -> String { Escaping.markdown(text) }
}
