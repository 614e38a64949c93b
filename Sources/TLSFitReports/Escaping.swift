import Foundation

/// Escaping for every format that embeds text from files and servers (certificate subjects,
/// policy strings, host names): all of it is hostile input.
public enum Escaping {
    /// Text for HTML element content and quoted attribute values.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// XML 1.0 text and attributes (JUnit): like HTML, and characters XML forbids are replaced.
    public static func xml(_ s: String) -> String { html(s) }

    /// One CSV field (RFC 4180), with spreadsheet formula injection defused.
    public static func csv(_ s: String) -> String {
        var value = s
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// Markdown text, in a paragraph or a table cell: Markdown and HTML syntax characters are
    /// backslash-escaped (so `<script>` shows as text), line breaks become spaces.
    public static func markdown(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_{}[]<>|#".contains(c) { out.append("\\") }
            out.append(c == "\n" || c == "\r" ? " " : c)
        }
        return out
    }
}
