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
        var out = ""
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
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

    enum Style: String { case red = "31", green = "32", yellow = "33", bold = "1", dim = "2" }

    /// `text` in a colour when colour is on. Apply to text that is already terminal-escaped.
    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m" + text + "\u{1B}[0m" : text
    }
}
