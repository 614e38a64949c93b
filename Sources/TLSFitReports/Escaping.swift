import FoundationEssentials

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
            return "\"" + value.replacing("\"", with: "\"\"") + "\""
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

    /// Text for a terminal: every control character except the line feed (C0, DEL, C1) and the
    /// bidirectional overrides is shown as `\u{1B}`-style text, so an ESC sequence in a certificate
    /// name or an export cannot move the cursor, recolour or rewrite what the admin reads.
    public static func terminal(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c.value {
            case 0x0A: out.unicodeScalars.append(c)
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
