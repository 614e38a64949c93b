/// The one rule every output follows for text from files and servers: these scalars are never
/// written raw (they could move the cursor, reset the terminal, hide or reorder what is read).
/// C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
public enum HostileCharacters {
    /// True for C0 (U+0000-001F), DEL (U+007F), C1 (U+0080-009F), U+202A-202E and U+2066-2069.
    @inline(__always)
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `\u{1B}`: how a hostile scalar is shown in text, Markdown, HTML, CSV and logs.
    public static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `\u001b`: how JSON writes it.
    public static func json(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: false)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
