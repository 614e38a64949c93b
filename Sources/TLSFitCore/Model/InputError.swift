import FoundationEssentials

/// Bad input from a file, a flag or a list the user typed: where it is and what is wrong.
///
/// The CLI prints it as `FILE:LINE: message` and exits with code 2.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or `"--ciphers"`, `"<stdin>"`...) the input came from.
    public var source: String
    /// 1-based line for text input.
    public var line: Int?
    /// 0-based byte offset for binary input.
    public var byteOffset: Int?
    public var message: String

    public init(source: String, line: Int? = nil, byteOffset: Int? = nil, message: String) {
        self.source = source
        self.line = line
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String {
        var location = source
        if let line { location += ":\(line)" }
        if let byteOffset { location += " (byte \(byteOffset))" }
        return "\(InputError.printable(location)): \(InputError.printable(message))"
    }

    /// Input bytes quoted in a message never reach the terminal raw: control characters (and
    /// U+FFFD from undecodable bytes) are shown as `\xNN` / `\u{FFFD}`; line breaks stay.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A: out.unicodeScalars.append(scalar)
            case 0..<0x20, 0x7F, 0x80..<0xA0: out += "\\x" + scalar.value.hex(width: 2)
            case 0xFFFD: out += "\\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
