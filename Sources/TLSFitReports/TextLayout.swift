/// How text output is laid out for the reader: the width prose wraps to, colour, and how much to say.
public struct TextLayout: Sendable, Hashable {
    /// Columns prose wraps to (80 when the output is not a terminal).
    public var width: Int
    /// ANSI colours (on a terminal, unless `NO_COLOR` or `--color never`).
    public var color: Bool
    /// Only the findings and the summary line.
    public var quiet: Bool

    public init(width: Int = 80, color: Bool = false, quiet: Bool = false) {
        self.width = max(40, width)
        self.color = color
        self.quiet = quiet
    }

    /// Wraps prose at word boundaries with `indent` on every line (`first` on the first one). Words
    /// longer than a line (paths, suite names) are kept whole: copy-paste text is never broken.
    public func wrap(_ text: String, first: String, indent: String) -> String {
        if Self.isPlain(text), Self.isPlain(first), Self.isPlain(indent) {
            // One byte, one character: the same lines from the bytes, without a String per word.
            return wrapPlain(Array(text.utf8).split(separator: 0x20), first: first, indent: indent)
        }
        let atoms = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        return wrap(atoms: atoms, first: first, indent: indent)
    }

    /// Wraps `atoms` (words, or text to be copied whole such as a registry key with spaces) with
    /// `indent` on every line (`first` on the first one); an atom is never broken.
    public func wrap(atoms: [String], first: String, indent: String) -> String {
        if Self.isPlain(first), Self.isPlain(indent), atoms.allSatisfy(Self.isPlain) {
            return wrapPlain(atoms.map(\.utf8), first: first, indent: indent)
        }
        var out = ""
        var line = first
        var lineHasWord = false
        for word in atoms where !word.isEmpty {
            if lineHasWord, line.count + 1 + word.count > width {
                out += line + "\n"
                line = indent
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord || line != indent { out += line + "\n" }
        return out
    }

    public func wrap(_ text: String, indent: String) -> String { wrap(text, first: indent, indent: indent) }

    /// ASCII without a carriage return: every byte is one character (`"\r\n"` is one), so counting bytes
    /// counts what `String.count` counts.
    static func isPlain(_ text: String) -> Bool {
        var plain = true
        for b in text.utf8 where b >= 0x80 || b == 0x0D {
            plain = false
            break
        }
        return plain
    }

    /// `wrap(atoms:first:indent:)` for plain text (`isPlain`), on bytes.
    private func wrapPlain<Word: Collection<UInt8>>(_ words: [Word], first: String, indent: String) -> String {
        let indentBytes = Array(indent.utf8)
        var out: [UInt8] = []
        var line = Array(first.utf8)
        var lineHasWord = false
        for word in words where !word.isEmpty {
            if lineHasWord, line.count + 1 + word.count > width {
                out += line
                out.append(0x0A)
                line = indentBytes
                lineHasWord = false
            }
            if lineHasWord { line.append(0x20) }
            line += word
            lineHasWord = true
        }
        if lineHasWord || line != indentBytes {
            out += line
            out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The words of `text`, keeping a bracketed part (`[HKLM\...\TLS 1.2\Client]`) whole: a registry
    /// key is copied whole, spaces included.
    public static func atoms(_ text: String) -> [String] {
        var atoms: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "[" { depth += 1 } else if ch == "]", depth > 0 { depth -= 1 }
            if ch == " ", depth == 0 {
                if !current.isEmpty { atoms.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { atoms.append(current) }
        return atoms
    }

    /// Wraps `text` as `wrap` does, keeping bracketed registry keys whole (see `atoms`).
    public func wrapKeepingKeys(_ text: String, first: String, indent: String) -> String {
        wrap(atoms: Self.atoms(text), first: first, indent: indent)
    }

    enum Style: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case bold = "1"
        case dim = "2"
    }

    /// `text` in a colour when colour is on. Apply to text that is already terminal-escaped.
    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m" + text + "\u{1B}[0m" : text
    }
}
