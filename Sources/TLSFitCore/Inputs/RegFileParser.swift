/// Reads regedit exports: `Windows Registry Editor Version 5.00` (UTF-16LE with BOM, UTF-8, UTF-8
/// with BOM) and `REGEDIT4` (ANSI), including several exports concatenated into one file.
///
/// Every value, key deletion and value deletion becomes a `RegistryOperation` with the line it
/// came from. The parser works on bytes, one line at a time, so large files parse in linear time.
public enum RegFileParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        return try parse(text: text, source: source)
    }

    public static func parse(text: String, source: String) throws(InputError) -> WindowsConfigDocument {
        let lines = TextDecoding.lines(text)
        var operations: [RegistryOperation] = []
        var sawHeader = false
        var regedit4 = false
        var currentKey: String? = nil
        // The current key normalized once: every value line under it reuses it (normalizing the
        // same key for each of a million values was most of the parse).
        var currentNormalizedKey = ""
        var index = 0

        func fail(_ line: Int, _ message: String) -> InputError {
            InputError(source: source, line: line, message: message)
        }

        while index < lines.count {
            let (number, raw) = lines[index]
            index += 1
            let line = raw.trimmed()
            if line.isEmpty || line.first == UInt8(ascii: ";") { continue }
            let lead = line.first.map(asciiLower) ?? 0
            if lead == UInt8(ascii: "w"), line.hasPrefixIgnoringCase("Windows Registry Editor Version") {
                sawHeader = true; regedit4 = false; currentKey = nil; continue
            }
            if lead == UInt8(ascii: "r"), line.hasPrefixIgnoringCase("REGEDIT4") {
                sawHeader = true; regedit4 = true; currentKey = nil; continue
            }
            guard sawHeader else {
                throw fail(number, "not a regedit export: the first line must be 'Windows Registry Editor Version 5.00' or 'REGEDIT4'")
            }
            let first = line.first!
            if first == UInt8(ascii: "[") {
                guard let close = line.lastIndex(of: UInt8(ascii: "]")) else {
                    throw fail(number, "key line has no closing ']'")
                }
                var inner = line[(line.startIndex + 1)..<close]
                var delete = false
                if inner.first == UInt8(ascii: "-") { delete = true; inner = inner.dropFirst() }
                let keyText = inner.string
                if let problem = RegistryLimits.problem(key: keyText) { throw fail(number, problem) }
                let key = RegistryPath.normalize(keyText)
                guard !key.isEmpty else { throw fail(number, "empty key name") }
                let provenance = Provenance(file: source, line: number, key: keyText, value: delete ? "(key deleted)" : "(key)")
                if delete {
                    operations.append(RegistryOperation(key: key, action: .deleteKey, provenance: provenance, format: .regedit))
                    currentKey = nil
                } else {
                    operations.append(RegistryOperation(key: key, action: .createKey, provenance: provenance, format: .regedit))
                    currentKey = keyText
                    currentNormalizedKey = key
                }
                continue
            }
            guard first == UInt8(ascii: "\"") || first == UInt8(ascii: "@") else {
                throw fail(number, "expected a [key] line or a \"name\"=value line, found '\(line.prefix(40).string)'")
            }
            guard let keyText = currentKey else {
                throw fail(number, "value outside a key: a [key] line (or a key that was not deleted) must come first")
            }
            // Value name.
            var rest: ArraySlice<UInt8>
            let name: String
            if first == UInt8(ascii: "@") {
                name = ""
                rest = line.dropFirst()
            } else {
                guard let (text, after) = readQuoted(line.dropFirst()) else {
                    throw fail(number, "value name has no closing quote")
                }
                name = text
                rest = after
            }
            if let problem = RegistryLimits.problem(valueName: name) { throw fail(number, problem) }
            rest = rest.trimmed()
            guard rest.first == UInt8(ascii: "=") else {
                throw fail(number, "expected '=' after the value name")
            }
            rest = rest.dropFirst().trimmed()
            let displayName = name.isEmpty ? "@" : name

            if rest.first == UInt8(ascii: "-"), rest.dropFirst().trimmed().isEmpty {
                let p = Provenance(file: source, line: number, key: keyText, value: "\(displayName) (deleted)")
                operations.append(RegistryOperation(normalizedKey: currentNormalizedKey, action: .deleteValue(name: name), provenance: p, format: .regedit))
                continue
            }

            let data: RegistryData
            if rest.first == UInt8(ascii: "\"") {
                // A string may hold raw line breaks: keep reading lines until the closing quote.
                // Only lines holding a quote can close it, so the body is re-read only at those;
                // a missing quote fails after a bounded look-ahead instead of reading to the end.
                var body = Array(rest.dropFirst())
                var parsed = readQuoted(body[...])
                var extraLines = 0
                while parsed == nil, index < lines.count, extraLines < 1_000, body.count < 1 << 20 {
                    let next = lines[index].bytes
                    body.append(0x0A)
                    body.append(contentsOf: next)
                    index += 1
                    extraLines += 1
                    if next.contains(UInt8(ascii: "\"")) { parsed = readQuoted(body[...]) }
                }
                guard let (text, after) = parsed else { throw fail(number, "string value has no closing quote") }
                guard after.trimmed().isEmpty || after.trimmed().first == UInt8(ascii: ";") else {
                    throw fail(number, "unexpected text after the closing quote: '\(after.trimmed().prefix(30).string)'")
                }
                data = .string(text)
            } else if rest.hasPrefixIgnoringCase("dword:") {
                let digits = rest.dropFirst(6).trimmed()
                guard !digits.isEmpty, digits.count <= 8, let v = UInt32(digits.string, radix: 16) else {
                    throw fail(number, "dword needs 1 to 8 hex digits, found '\(digits.prefix(20).string)'")
                }
                data = .dword(v)
            } else if rest.hasPrefixIgnoringCase("hex") {
                var typeCode: UInt32 = 3
                var body = rest.dropFirst(3)
                if body.first == UInt8(ascii: "(") {
                    guard let close = body.firstIndex(of: UInt8(ascii: ")")),
                          let t = UInt32(body[(body.startIndex + 1)..<close].string, radix: 16) else {
                        throw fail(number, "bad hex(type) prefix")
                    }
                    typeCode = t
                    body = body[(close + 1)...]
                }
                guard body.first == UInt8(ascii: ":") else { throw fail(number, "expected ':' after hex") }
                var hexText = Array(body.dropFirst())
                // Trailing backslash: the bytes continue on the next line.
                while let last = hexText.last(where: { $0 != 0x20 && $0 != 0x09 }), last == UInt8(ascii: "\\") {
                    while let l = hexText.last, l != UInt8(ascii: "\\") { hexText.removeLast() }
                    hexText.removeLast()
                    guard index < lines.count else { throw fail(number, "hex value continues past the end of the file") }
                    hexText.append(contentsOf: lines[index].bytes.trimmed())
                    index += 1
                }
                let bytes = try parseHexBytes(hexText[...], line: number, source: source)
                data = decodeTyped(type: typeCode, bytes: bytes, singleByteStrings: regedit4)
            } else {
                throw fail(number, "unknown value form '\(rest.prefix(20).string)'; expected \"string\", dword:, hex:, hex(N): or -")
            }
            let p = Provenance(file: source, line: number, key: keyText, value: "\(displayName) = \(data.displayText)")
            operations.append(RegistryOperation(normalizedKey: currentNormalizedKey, action: .setValue(name: name, data: data), provenance: p, format: .regedit))
        }
        guard sawHeader else {
            throw InputError(source: source, line: 1, message: "empty regedit export: no 'Windows Registry Editor Version 5.00' header")
        }
        return WindowsConfigDocument(source: source, format: .regedit, operations: operations)
    }

    /// Reads a regedit quoted string (after its opening quote) up to the closing quote.
    /// Escapes: `\\` and `\"`; any other backslash is kept as written.
    static func readQuoted(_ s: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b == UInt8(ascii: "\\"), i + 1 < s.endIndex, s[i + 1] == UInt8(ascii: "\\") || s[i + 1] == UInt8(ascii: "\"") {
                out.append(s[i + 1]); i += 2; continue
            }
            if b == UInt8(ascii: "\"") { return (String(decoding: out, as: UTF8.self), s[(i + 1)...]) }
            out.append(b); i += 1
        }
        return nil
    }

    static func parseHexBytes(_ text: ArraySlice<UInt8>, line: Int, source: String) throws(InputError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 3 + 1)
        var value: UInt32 = 0, digits = 0
        for b in text {
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            case UInt8(ascii: ","):
                guard digits > 0 else { throw InputError(source: source, line: line, message: "empty byte in hex list") }
                out.append(UInt8(value)); value = 0; digits = 0; continue
            case 0x20, 0x09: continue
            default:
                throw InputError(source: source, line: line, message: "'\(Character(Unicode.Scalar(b)))' is not a hex digit in a hex: value")
            }
            digits += 1
            guard digits <= 2 else { throw InputError(source: source, line: line, message: "hex bytes are two digits each") }
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
        var s = singleByte ? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self) : TextDecoding.decodeUTF16(bytes, from: 0, littleEndian: true)
        while s.unicodeScalars.last == "\0" { s.unicodeScalars.removeLast() }
        return s
    }

    static func decodeMultiString(_ bytes: [UInt8], singleByte: Bool) -> [String] {
        let text = singleByte ? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self) : TextDecoding.decodeUTF16(bytes, from: 0, littleEndian: true)
        var items = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        // The list ends with an empty string (the extra NUL); empty items elsewhere end it too.
        if let firstEmpty = items.firstIndex(of: "") { items.removeSubrange(firstEmpty...) }
        return items
    }
}
