/// A JSON document read into values that remember their line, for the JSON inputs tlsfit reads
/// loosely (`Get-TlsCipherSuite | ConvertTo-Json`, the envelope of a saved scan).
///
/// JSONDecoder reads the typed parts; this reader is for what it cannot say: where a malformed
/// document breaks (FoundationEssentials' decoder reports no position), and on which line each
/// element of a list starts. RFC 8259 grammar; a top-level scalar is allowed (PowerShell writes one
/// for a single suite); nesting deeper than `maximumDepth` is refused instead of recursing on.
public struct JSONNode: Sendable, Equatable {
    public indirect enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number as written, and as a Double.
        case number(String, Double)
        case string(String)
        case array([JSONNode])
        /// Members in document order (a repeated key keeps each occurrence).
        case object([(key: String, value: JSONNode)])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): true
            case (.bool(let x), .bool(let y)): x == y
            case (.number(let x, _), .number(let y, _)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.array(let x), .array(let y)): x == y
            case (.object(let x), .object(let y)):
                x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: false
            }
        }
    }

    public var value: Value
    /// The line (from 1) where the value starts.
    public var line: Int

    public init(value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// The member named `key`, for an object (the last, when a key is repeated, as JSONDecoder reads it).
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }?.value
    }

    public var string: String? { if case .string(let s) = value { s } else { nil } }

    /// The number, when it is an integer that fits an Int.
    public var integer: Int? {
        guard case .number(let text, _) = value, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
            return nil
        }
        return Int(text)
    }

    public struct SyntaxError: Error, Sendable, Equatable {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public static let maximumDepth = 256

    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONNode {
        var reader = Reader(bytes: bytes)
        // A UTF-8 byte order mark, as Windows tools write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
        reader.skipSpace()
        let node = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.position == bytes.count else { throw reader.error("unexpected content after the JSON value") }
        return node
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0
        var line = 1

        /// At the end of the input, every problem is that the document was cut short: say so.
        func error(_ message: String) -> SyntaxError {
            SyntaxError(line: line, message: position >= bytes.count ? "the document ends early (\(message))" : message)
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if b == 0x0A { line += 1 }
                position += 1
            }
        }

        mutating func expect(_ word: String) throws(SyntaxError) {
            for b in word.utf8 {
                guard current == b else { throw error("expected '\(word)'") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONNode {
            guard depth < JSONNode.maximumDepth else {
                throw error("nested more than \(JSONNode.maximumDepth) levels deep")
            }
            let start = line
            guard let b = current else { throw error("a value was expected") }
            switch b {
            case UInt8(ascii: "{"):
                position += 1
                var members: [(key: String, value: JSONNode)] = []
                skipSpace()
                if current == UInt8(ascii: "}") {
                    position += 1
                    return JSONNode(value: .object(members), line: start)
                }
                while true {
                    skipSpace()
                    guard current == UInt8(ascii: "\"") else { throw error("expected a quoted member name") }
                    let key = try string()
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
                    position += 1
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    if current == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    guard current == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
                    position += 1
                    return JSONNode(value: .object(members), line: start)
                }
            case UInt8(ascii: "["):
                position += 1
                var elements: [JSONNode] = []
                skipSpace()
                if current == UInt8(ascii: "]") {
                    position += 1
                    return JSONNode(value: .array(elements), line: start)
                }
                while true {
                    skipSpace()
                    elements.append(try value(depth: depth + 1))
                    skipSpace()
                    if current == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    guard current == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
                    position += 1
                    return JSONNode(value: .array(elements), line: start)
                }
            case UInt8(ascii: "\""):
                return JSONNode(value: .string(try string()), line: start)
            case UInt8(ascii: "t"):
                try expect("true")
                return JSONNode(value: .bool(true), line: start)
            case UInt8(ascii: "f"):
                try expect("false")
                return JSONNode(value: .bool(false), line: start)
            case UInt8(ascii: "n"):
                try expect("null")
                return JSONNode(value: .null, line: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONNode(value: try number(), line: start)
            default:
                throw error("unexpected character '\(Unicode.Scalar(b).escaped(asASCII: true))'")
            }
        }

        mutating func digits() -> Int {
            var count = 0
            while let b = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                position += 1
                count += 1
            }
            return count
        }

        mutating func number() throws(SyntaxError) -> Value {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                throw error("a number needs digits")
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("a number needs digits after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("a number needs digits in its exponent") }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            return .number(text, Double(text) ?? .nan)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let b = current, let d = Self.hexDigit(b) else { throw error("\\u needs four hex digits") }
                v = v << 4 | d
                position += 1
            }
            return v
        }

        static func hexDigit(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// A string at the opening quote.
        mutating func string() throws(SyntaxError) -> String {
            position += 1
            var out: [UInt8] = []
            while true {
                guard let b = current else { throw error("a string is not closed") }
                position += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let e = current else { throw error("a string is not closed") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\"),
                            position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                        {
                            let save = position
                            position += 2
                            let low = try hex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                position = save
                            }
                        }
                        // A lone surrogate cannot be a Unicode scalar: it reads as U+FFFD.
                        out.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
                    default:
                        throw error("unknown escape '\\\(Unicode.Scalar(e).escaped(asASCII: true))' in a string")
                    }
                case 0x00..<0x20:
                    throw error(
                        b == 0x0A
                            ? "a string is not closed before the end of the line" : "a control character in a string")
                default:
                    out.append(b)
                }
            }
        }
    }
}
