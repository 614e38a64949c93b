import FoundationEssentials
import TLSFitCore

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
            case "\t", "\n": out.unicodeScalars.append(c)  // white space in HTML and XML
            case _ where HostileCharacters.contains(c): out += HostileCharacters.visible(c)
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
        value = visible(value, keepingLineFeeds: true)
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
            if c == "\n" || c == "\r" || c == "\r\n" {
                out.append(" ")
            } else if c.unicodeScalars.contains(where: HostileCharacters.contains) {
                for scalar in c.unicodeScalars {
                    if HostileCharacters.contains(scalar) {
                        out += HostileCharacters.visible(scalar)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            } else {
                if "\\`*_{}[]<>|#".contains(c) { out.append("\\") }
                out.append(c)
            }
        }
        return out
    }

    /// The one rule (`HostileCharacters`): every hostile scalar shown as `\u{1B}`-style text; line
    /// feeds kept when asked (text, CSV), everything else escaped.
    public static func visible(_ s: String, keepingLineFeeds: Bool) -> String {
        // Printable ASCII (and kept line feeds) holds nothing hostile: one pass over the bytes, as a
        // capture's whole `hello --pcap` output of megabytes usually is.
        if s.utf8.allSatisfy({ (0x20..<0x7F).contains($0) || (keepingLineFeeds && $0 == 0x0A) }) { return s }
        guard s.unicodeScalars.contains(where: HostileCharacters.contains) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            if HostileCharacters.contains(c), !(keepingLineFeeds && c == "\n") {
                out += HostileCharacters.visible(c)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Text for a terminal: every control character except the line feed (C0, DEL, C1) and the
    /// bidirectional overrides is shown as `\u{1B}`-style text, so an ESC sequence in a certificate
    /// name or an export cannot move the cursor, recolour or rewrite what the admin reads.
    public static func terminal(_ s: String) -> String { visible(s, keepingLineFeeds: true) }
}
