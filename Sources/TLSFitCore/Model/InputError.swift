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
        return "\(location): \(message)"
    }
}
