/// Turns the bytes of a text file into lines, whatever Windows tool wrote them.
enum TextDecoding {
    enum Encoding: String, Sendable { case utf8, utf8BOM, utf16LE, utf16BE, latin1 }

    /// Decodes BOM-marked UTF-16LE/BE and UTF-8, BOM-less UTF-16LE (detected by its NUL pattern),
    /// strict UTF-8, and falls back to Windows-1252-like Latin-1 (REGEDIT4 files are ANSI).
    /// Throws for binary content (NUL characters in the decoded text).
    static func decode(_ bytes: [UInt8], source: String) throws(InputError) -> (text: String, encoding: Encoding) {
        var text: String
        var encoding: Encoding
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            text = decodeUTF16(bytes, from: 2, littleEndian: true)
            encoding = .utf16LE
        } else if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            text = decodeUTF16(bytes, from: 2, littleEndian: false)
            encoding = .utf16BE
        } else if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            guard let s = String(validating: bytes[3...], as: UTF8.self) else {
                throw InputError(
                    source: source, byteOffset: firstInvalidUTF8(bytes, from: 3),
                    message: "not valid UTF-8 although the file starts with a UTF-8 byte order mark")
            }
            text = s
            encoding = .utf8BOM
        } else if looksLikeUTF16LE(bytes) {
            text = decodeUTF16(bytes, from: 0, littleEndian: true)
            encoding = .utf16LE
        } else if let s = String(validating: bytes, as: UTF8.self) {
            text = s
            encoding = .utf8
        } else {
            text = String(decoding: bytes.lazy.map { UInt16($0) }, as: UTF16.self)
            encoding = .latin1
        }
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw InputError(
                source: source, line: line,
                message: "binary data (a NUL character) in a text file; is this the right file?")
        }
        return (text, encoding)
    }

    /// The text of `bytes` as UTF-8 bytes, and where it starts: the bytes themselves (after a byte
    /// order mark) when they are valid UTF-8 without NUL, with no copy and no String; otherwise the
    /// bytes of what `decode` returns, with the same decisions and errors.
    static func utf8(_ bytes: [UInt8], source: String) throws(InputError) -> (bytes: [UInt8], start: Int) {
        var start = 0
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            start = -1
        } else if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = 3
        } else if looksLikeUTF16LE(bytes) {
            start = -1
        }
        if start >= 0 {
            let (ascii, nul) = asciiAndNUL(bytes, from: start)
            if !nul, ascii || String(validating: bytes[start...], as: UTF8.self) != nil { return (bytes, start) }
        }
        let (text, _) = try decode(bytes, source: source)
        return (Array(text.utf8), 0)
    }

    /// Whether `bytes[start...]` is all ASCII, and whether it holds a NUL: eight bytes at a time.
    static func asciiAndNUL(_ bytes: [UInt8], from start: Int) -> (ascii: Bool, nul: Bool) {
        bytes.withUnsafeBytes { raw in
            var high: UInt64 = 0
            var i = start
            let lows: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= raw.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if (w &- lows) & ~w & highs != 0 { return (high & highs == 0 && w & highs == 0, true) }
                high |= w
                i += 8
            }
            while i < raw.count {
                if raw[i] == 0 { return (false, true) }
                high |= UInt64(raw[i])
                i += 1
            }
            return (high & highs == 0, false)
        }
    }

    static func looksLikeUTF16LE(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let n = min(bytes.count & ~1, 256)
        var zerosOdd = 0
        var zerosEven = 0
        var i = 0
        while i < n {
            if bytes[i] == 0 { zerosEven += 1 }
            if bytes[i + 1] == 0 { zerosOdd += 1 }
            i += 2
        }
        return zerosOdd * 4 >= n && zerosEven == 0  // half the bytes, all at odd positions
    }

    static func decodeUTF16(_ bytes: [UInt8], from start: Int, littleEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i])
            let b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (a | b << 8) : (a << 8 | b))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    static func firstInvalidUTF8(_ bytes: [UInt8], from start: Int) -> Int {
        let hi = bytes.count
        var i = start
        while i < hi {
            let b = bytes[i]
            let len = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if len == 0 || i + len > hi { return i }
            if String(validating: bytes[i..<(i + len)], as: UTF8.self) == nil { return i }
            i += len
        }
        return i
    }

    /// Splits into lines (LF, CRLF or CR), each with its 1-based number, as UTF-8 byte arrays.
    static func lines(_ text: String) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        let all = Array(text.utf8)
        var result: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        var i = 0
        while i < all.count {
            let b = all[i]
            if b == 0x0A || b == 0x0D {
                result.append((number, all[start..<i]))
                if b == 0x0D, i + 1 < all.count, all[i + 1] == 0x0A { i += 1 }
                number += 1
                start = i + 1
            }
            i += 1
        }
        if start < all.count { result.append((number, all[start..<all.count])) }
        return result
    }
}

extension ArraySlice where Element == UInt8 {
    /// Drops ASCII whitespace and a stray byte order mark (EF BB BF) at both ends.
    /// Indices first, one slice at the end: a slice per dropped byte cost a retain and a release each.
    func trimmed() -> ArraySlice<UInt8> {
        var low = startIndex
        var high = endIndex
        while true {
            if low < high, self[low] == 0x20 || self[low] == 0x09 {
                low += 1
                continue
            }
            if high - low >= 3, self[low] == 0xEF, self[low + 1] == 0xBB, self[low + 2] == 0xBF {
                low += 3
                continue
            }
            break
        }
        while high > low, self[high - 1] == 0x20 || self[high - 1] == 0x09 { high -= 1 }
        return low == startIndex && high == endIndex ? self : self[low..<high]
    }

    func hasPrefixIgnoringCase(_ prefix: String) -> Bool {
        var i = startIndex
        for c in prefix.utf8 {
            guard i < endIndex, asciiLower(self[i]) == asciiLower(c) else { return false }
            i += 1
        }
        return true
    }

    var string: String { String(decoding: self, as: UTF8.self) }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
