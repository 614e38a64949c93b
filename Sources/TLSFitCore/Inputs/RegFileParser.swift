/// Reads regedit exports: `Windows Registry Editor Version 5.00` (UTF-16LE with BOM, UTF-8, UTF-8
/// with BOM) and `REGEDIT4` (ANSI), including several exports concatenated into one file.
///
/// Every value, key deletion and value deletion becomes a `RegistryOperation` with the line it
/// came from. The parser works on UTF-8 bytes (the file's own when it is UTF-8: no copy), one line
/// at a time and without a String per line, so large files parse in linear time.
public enum RegFileParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        try parse(bytes, source: source, keepingValuesOf: nil)
    }

    /// As `parse(_:source:)`, but the values (set or deleted) of keys for which `keep` (given the
    /// normalized key) is false are checked as strictly and counted in `skippedOperations`, not
    /// kept: a file's million values of keys tlsfit never reads cost no memory.
    static func parse(
        _ bytes: [UInt8], source: String,
        keepingValuesOf keep: ((String) -> Bool)?
    ) throws(InputError) -> WindowsConfigDocument {
        let (text, start) = try TextDecoding.utf8(bytes, source: source)
        var parser = Parser(text: text, start: start, source: source, keep: keep)
        return try parser.run()
    }

    public static func parse(text: String, source: String) throws(InputError) -> WindowsConfigDocument {
        var parser = Parser(text: Array(text.utf8), start: 0, source: source, keep: nil)
        return try parser.run()
    }

    /// One pass over the lines of an export.
    struct Parser {
        let source: String
        let keep: ((String) -> Bool)?
        var lines: LineCursor
        var operations: [RegistryOperation] = []
        var skipped = 0
        var sawHeader = false
        var regedit4 = false
        var currentKey: String? = nil
        // The current key normalized once: every value line under it reuses it (normalizing the
        // same key for each of a million values was most of the parse).
        var currentNormalizedKey = ""
        /// False under a key whose values are counted, not kept.
        var keepingValues = true

        init(text: [UInt8], start: Int, source: String, keep: ((String) -> Bool)?) {
            self.source = source
            self.keep = keep
            lines = LineCursor(text: text, start: start)
        }

        func fail(_ line: Int, _ message: String) -> InputError {
            InputError(source: source, line: line, message: message)
        }

        mutating func run() throws(InputError) -> WindowsConfigDocument {
            while let (number, range) = lines.nextRange() {
                // Nearly every value of a skipped key: counted without a slice (a retain and a release each).
                if !keepingValues, currentKey != nil, lines.isPlainDword(range) {
                    skipped += 1
                    continue
                }
                let line = lines.text[range].trimmed()
                guard let first = line.first, first != UInt8(ascii: ";") else { continue }
                let lead = asciiLower(first)
                if lead == UInt8(ascii: "w"), line.hasPrefixIgnoringCase("Windows Registry Editor Version") {
                    sawHeader = true
                    regedit4 = false
                    currentKey = nil
                    continue
                }
                if lead == UInt8(ascii: "r"), line.hasPrefixIgnoringCase("REGEDIT4") {
                    sawHeader = true
                    regedit4 = true
                    currentKey = nil
                    continue
                }
                guard sawHeader else {
                    throw fail(
                        number,
                        "not a regedit export: the first line must be 'Windows Registry Editor Version 5.00' or 'REGEDIT4'"
                    )
                }
                if first == UInt8(ascii: "[") {
                    try readKey(line, number)
                } else {
                    try readValue(line, number)
                }
            }
            guard sawHeader else {
                throw InputError(
                    source: source, line: 1,
                    message: "empty regedit export: no 'Windows Registry Editor Version 5.00' header")
            }
            return WindowsConfigDocument(
                source: source, format: .regedit, operations: operations,
                skippedOperations: skipped)
        }

        /// `[key]` or `[-key]`.
        mutating func readKey(_ line: ArraySlice<UInt8>, _ number: Int) throws(InputError) {
            guard let close = line.lastIndex(of: UInt8(ascii: "]")) else {
                throw fail(number, "key line has no closing ']'")
            }
            var inner = line[(line.startIndex + 1)..<close]
            var delete = false
            if inner.first == UInt8(ascii: "-") {
                delete = true
                inner = inner.dropFirst()
            }
            let keyText = inner.string
            if let problem = RegistryLimits.problem(key: keyText) { throw fail(number, problem) }
            let key = RegistryPath.normalize(keyText)
            guard !key.isEmpty else { throw fail(number, "empty key name") }
            let provenance = Provenance(
                file: source, line: number, key: keyText, value: delete ? "(key deleted)" : "(key)")
            // Key operations normalize the key again (`init(key:)`), as they always did.
            if delete {
                operations.append(
                    RegistryOperation(key: key, action: .deleteKey, provenance: provenance, format: .regedit))
                currentKey = nil
            } else {
                operations.append(
                    RegistryOperation(key: key, action: .createKey, provenance: provenance, format: .regedit))
                currentKey = keyText
                currentNormalizedKey = key
                keepingValues = keep?(key) ?? true
            }
        }

        /// `"name"=data`, `@=data`, `"name"=-`.
        mutating func readValue(_ line: ArraySlice<UInt8>, _ number: Int) throws(InputError) {
            let first = line.first!
            guard first == UInt8(ascii: "\"") || first == UInt8(ascii: "@") else {
                throw fail(number, "expected a [key] line or a \"name\"=value line, found '\(line.prefix(40).string)'")
            }
            guard let keyText = currentKey else {
                throw fail(number, "value outside a key: a [key] line (or a key that was not deleted) must come first")
            }
            // Value name: built only when kept, or when it may be past Windows' limit (its UTF-16
            // length is at most its byte length).
            var rest: ArraySlice<UInt8>
            var name = ""
            if first == UInt8(ascii: "\"") {
                let body = line.dropFirst()
                guard let close = RegFileParser.closingQuote(body) else {
                    throw fail(number, "value name has no closing quote")
                }
                let quoted = body[..<close]
                if keepingValues || quoted.count > RegistryLimits.maxValueNameLength {
                    name = RegFileParser.unescaped(quoted)
                }
                rest = body[(close + 1)...]
            } else {
                rest = line.dropFirst()
            }
            if let problem = RegistryLimits.problem(valueName: name) { throw fail(number, problem) }
            rest = rest.trimmed()
            guard rest.first == UInt8(ascii: "=") else {
                throw fail(number, "expected '=' after the value name")
            }
            rest = rest.dropFirst().trimmed()
            let displayName = name.isEmpty ? "@" : name

            if rest.first == UInt8(ascii: "-"), rest.dropFirst().trimmed().isEmpty {
                guard keepingValues else {
                    skipped += 1
                    return
                }
                let p = Provenance(file: source, line: number, key: keyText, value: "\(displayName) (deleted)")
                operations.append(
                    RegistryOperation(
                        normalizedKey: currentNormalizedKey, action: .deleteValue(name: name), provenance: p,
                        format: .regedit))
                return
            }
            let data = try readData(rest, number)
            guard keepingValues, let data else {
                skipped += 1
                return
            }
            let p = Provenance(file: source, line: number, key: keyText, value: "\(displayName) = \(data.displayText)")
            operations.append(
                RegistryOperation(
                    normalizedKey: currentNormalizedKey, action: .setValue(name: name, data: data),
                    provenance: p, format: .regedit))
        }

        /// The data after `=`: checked in full, built only when the value is kept (nil otherwise).
        mutating func readData(_ rest: ArraySlice<UInt8>, _ number: Int) throws(InputError) -> RegistryData? {
            if rest.first == UInt8(ascii: "\"") {
                return try readString(rest.dropFirst(), number)
            } else if rest.hasPrefixIgnoringCase("dword:") {
                let digits = rest.dropFirst(6).trimmed()
                guard !digits.isEmpty, digits.count <= 8, let v = UInt32(digits.string, radix: 16) else {
                    throw fail(number, "dword needs 1 to 8 hex digits, found '\(digits.prefix(20).string)'")
                }
                return .dword(v)
            } else if rest.hasPrefixIgnoringCase("hex") {
                return try readHex(rest.dropFirst(3), number)
            }
            throw fail(
                number,
                "unknown value form '\(rest.prefix(20).string)'; expected \"string\", dword:, hex:, hex(N): or -")
        }

        /// A quoted string (after its opening quote), which may hold raw line breaks: lines are read
        /// until the closing quote. Only lines holding a quote can close it, so the body is re-read
        /// only at those; a missing quote fails after a bounded look-ahead instead of reading to the end.
        mutating func readString(_ start: ArraySlice<UInt8>, _ number: Int) throws(InputError) -> RegistryData? {
            var body = start
            var close = RegFileParser.closingQuote(body)
            if close == nil {
                var joined = Array(start)
                var extraLines = 0
                while close == nil, extraLines < 1_000, joined.count < 1 << 20, let (_, next) = lines.next() {
                    joined.append(0x0A)
                    joined.append(contentsOf: next)
                    extraLines += 1
                    if next.contains(UInt8(ascii: "\"")) { close = RegFileParser.closingQuote(joined[...]) }
                }
                body = joined[...]
            }
            guard let close else { throw fail(number, "string value has no closing quote") }
            let after = body[(close + 1)...].trimmed()
            guard after.isEmpty || after.first == UInt8(ascii: ";") else {
                throw fail(number, "unexpected text after the closing quote: '\(after.prefix(30).string)'")
            }
            return keepingValues ? .string(RegFileParser.unescaped(body[..<close])) : nil
        }

        /// `hex:...` or `hex(N):...` (after `hex`); a trailing backslash continues the bytes on the next line.
        mutating func readHex(_ afterHex: ArraySlice<UInt8>, _ number: Int) throws(InputError) -> RegistryData? {
            var typeCode: UInt32 = 3
            var body = afterHex
            if body.first == UInt8(ascii: "(") {
                guard let close = body.firstIndex(of: UInt8(ascii: ")")),
                    let t = UInt32(body[(body.startIndex + 1)..<close].string, radix: 16)
                else {
                    throw fail(number, "bad hex(type) prefix")
                }
                typeCode = t
                body = body[(close + 1)...]
            }
            guard body.first == UInt8(ascii: ":") else { throw fail(number, "expected ':' after hex") }
            var hexText = Array(body.dropFirst())
            while let last = hexText.last(where: { $0 != 0x20 && $0 != 0x09 }), last == UInt8(ascii: "\\") {
                while let l = hexText.last, l != UInt8(ascii: "\\") { hexText.removeLast() }
                hexText.removeLast()
                guard let (_, next) = lines.next() else {
                    throw fail(number, "hex value continues past the end of the file")
                }
                hexText.append(contentsOf: next.trimmed())
            }
            let bytes = try parseHexBytes(hexText[...], line: number, source: source)
            return keepingValues ? decodeTyped(type: typeCode, bytes: bytes, singleByteStrings: regedit4) : nil
        }
    }

    /// The lines of UTF-8 text (LF, CRLF or CR), each with its 1-based number, without copying:
    /// the same lines as `TextDecoding.lines`.
    struct LineCursor {
        let text: [UInt8]
        var position: Int
        var number = 0

        init(text: [UInt8], start: Int) {
            self.text = text
            position = start
        }

        mutating func next() -> (number: Int, bytes: ArraySlice<UInt8>)? {
            guard let (number, range) = nextRange() else { return nil }
            return (number, text[range])
        }

        /// The next line's number and where its bytes are.
        mutating func nextRange() -> (number: Int, range: Range<Int>)? {
            let end = text.count
            guard position < end else { return nil }
            let start = position
            let stop = text.withUnsafeBufferPointer { all in
                var i = start
                while i < end, all[i] != 0x0A, all[i] != 0x0D { i += 1 }
                return i
            }
            number += 1
            var after = stop
            if after < end {
                if text[after] == 0x0D, after + 1 < end, text[after + 1] == 0x0A { after += 1 }
                after += 1
            }
            position = after
            return (number, start..<stop)
        }

        /// Whether the line is `"name"=dword:h...` (1 to 8 hex digits) with a name without backslash,
        /// spaces and tabs around: a line `Parser.readValue` accepts under any key. False sends the
        /// line the general way (which also reports what is wrong with it).
        func isPlainDword(_ range: Range<Int>) -> Bool {
            text.withUnsafeBufferPointer { p in
                func blank(_ i: Int) -> Bool { p[i] == 0x20 || p[i] == 0x09 }
                var i = range.lowerBound
                var end = range.upperBound
                while i < end, blank(i) { i += 1 }
                while end > i, blank(end - 1) { end -= 1 }
                guard i < end, p[i] == UInt8(ascii: "\"") else { return false }
                i += 1
                let nameStart = i
                while i < end, p[i] != UInt8(ascii: "\"") {
                    guard p[i] != UInt8(ascii: "\\") else { return false }
                    i += 1
                }
                guard i < end, i - nameStart <= RegistryLimits.maxValueNameLength else { return false }
                i += 1
                while i < end, blank(i) { i += 1 }
                guard i < end, p[i] == UInt8(ascii: "=") else { return false }
                i += 1
                while i < end, blank(i) { i += 1 }
                guard end - i >= 6 else { return false }
                for (k, c) in "dword:".utf8.enumerated() where asciiLower(p[i + k]) != c { return false }
                i += 6
                while i < end, blank(i) { i += 1 }
                guard (1...8).contains(end - i) else { return false }
                while i < end {
                    guard RegQueryParser.hexValue(p[i]) != nil else { return false }
                    i += 1
                }
                return true
            }
        }
    }

    /// Reads a regedit quoted string (after its opening quote) up to the closing quote.
    /// Escapes: `\\` and `\"`; any other backslash is kept as written.
    static func readQuoted(_ s: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let close = closingQuote(s) else { return nil }
        return (unescaped(s[..<close]), s[(close + 1)...])
    }

    /// The index of the quote closing a quoted string that starts at `s` (after its opening quote).
    static func closingQuote(_ s: ArraySlice<UInt8>) -> Int? {
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b == UInt8(ascii: "\\"), i + 1 < s.endIndex,
                s[i + 1] == UInt8(ascii: "\\") || s[i + 1] == UInt8(ascii: "\"")
            {
                i += 2
                continue
            }
            if b == UInt8(ascii: "\"") { return i }
            i += 1
        }
        return nil
    }

    /// The text of a quoted string's body (up to its closing quote), escapes resolved.
    static func unescaped(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(UInt8(ascii: "\\")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b == UInt8(ascii: "\\"), i + 1 < s.endIndex,
                s[i + 1] == UInt8(ascii: "\\") || s[i + 1] == UInt8(ascii: "\"")
            {
                out.append(s[i + 1])
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func parseHexBytes(_ text: ArraySlice<UInt8>, line: Int, source: String) throws(InputError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 3 + 1)
        var value: UInt32 = 0
        var digits = 0
        for b in text {
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            case UInt8(ascii: ","):
                guard digits > 0 else {
                    throw InputError(source: source, line: line, message: "empty byte in hex list")
                }
                out.append(UInt8(value))
                value = 0
                digits = 0
                continue
            case 0x20, 0x09: continue
            default:
                throw InputError(
                    source: source, line: line,
                    message: "'\(Character(Unicode.Scalar(b)))' is not a hex digit in a hex: value")
            }
            digits += 1
            guard digits <= 2 else {
                throw InputError(source: source, line: line, message: "hex bytes are two digits each")
            }
            value = value << 4 | d
        }
        if digits > 0 { out.append(UInt8(value)) }
        return out
    }

    /// Decodes `hex(N):` bytes into typed data: strings are UTF-16LE (regedit 5) or single-byte (REGEDIT4).
    static func decodeTyped(type: UInt32, bytes: [UInt8], singleByteStrings: Bool) -> RegistryData {
        switch type {
        case 1, 2:
            let s = decodeString(bytes, singleByte: singleByteStrings)
            return type == 1 ? .string(s) : .expandString(s)
        case 7:
            return .multiString(decodeMultiString(bytes, singleByte: singleByteStrings))
        case 4 where bytes.count == 4:
            return .dword(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        case 0xB where bytes.count == 8:
            var v: UInt64 = 0
            for (i, b) in bytes.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return .qword(v)
        default:
            return .binary(type: type, bytes: bytes)
        }
    }

    static func decodeString(_ bytes: [UInt8], singleByte: Bool) -> String {
        var s =
            singleByte
            ? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
            : TextDecoding.decodeUTF16(bytes, from: 0, littleEndian: true)
        while s.unicodeScalars.last == "\0" { s.unicodeScalars.removeLast() }
        return s
    }

    static func decodeMultiString(_ bytes: [UInt8], singleByte: Bool) -> [String] {
        let text =
            singleByte
            ? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
            : TextDecoding.decodeUTF16(bytes, from: 0, littleEndian: true)
        var items = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        // The list ends with an empty string (the extra NUL); empty items elsewhere end it too.
        if let firstEmpty = items.firstIndex(of: "") { items.removeSubrange(firstEmpty...) }
        return items
    }
}
