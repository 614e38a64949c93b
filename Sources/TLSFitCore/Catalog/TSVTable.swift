/// Rows of a tab-separated data file, each with its 1-based line number; `#` lines and blank lines are skipped.
struct TSVTable {
    struct Row {
        var line: Int
        var fields: [String]
    }

    let source: String
    let rows: [Row]

    /// Splits `text` and checks every row has exactly `columns` fields.
    init(_ text: String, source: String, columns: Int) throws(InputError) {
        self.source = source
        var rows: [Row] = []
        var lineNumber = 0
        // Split on bytes, not Characters: the embedded catalog is parsed at every start, and
        // grapheme breaking made it the largest part of a scan's start-up. Tabs, CR and LF are
        // ASCII, so UTF-8 text splits the same way.
        var utf8 = text.utf8[...]
        while !utf8.isEmpty {
            let end = utf8.firstIndex(of: 0x0A) ?? utf8.endIndex
            var line = utf8[utf8.startIndex..<end]
            utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
            lineNumber += 1
            if line.last == 0x0D { line = line.dropLast() }
            if line.first == 0x23 || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var fields: [String] = []
            var rest = line
            while true {
                let tab = rest.firstIndex(of: 0x09) ?? rest.endIndex
                fields.append(String(decoding: Self.trimmed(rest[rest.startIndex..<tab]), as: UTF8.self))
                if tab == rest.endIndex { break }
                rest = rest[rest.index(after: tab)...]
            }
            guard fields.count == columns else {
                throw InputError(
                    source: source, line: lineNumber,
                    message: "expected \(columns) tab-separated columns, found \(fields.count)")
            }
            if let empty = fields.firstIndex(where: \.isEmpty) {
                throw InputError(
                    source: source, line: lineNumber, message: "column \(empty + 1) is empty (write - for none)")
            }
            rows.append(Row(line: lineNumber, fields: fields))
        }
        self.rows = rows
    }

    /// A field without the spaces around it.
    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var b = bytes
        while b.first == 0x20 { b = b.dropFirst() }
        while b.last == 0x20 { b = b.dropLast() }
        return b
    }

    func error(_ row: Row, _ message: String) -> InputError {
        InputError(source: source, line: row.line, message: message)
    }
}

extension StringProtocol {
    /// Drops Unicode white space (spaces, tabs, line breaks, no-break spaces) at both ends, as
    /// Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` did (tlsfit links
    /// FoundationEssentials only, which has no character sets).
    public func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace {
            end = scalars.index(before: end)
        }
        return String(scalars[start..<end])
    }

    var trimmingSpaces: String {
        var s = self[...]
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}

/// Parses the hex forms people write for a code point: "0xC030", "C030", "0xC0,0x30", "C0,30", "{0xC0, 0x30}".
func parseCodePoint(_ text: String) -> UInt16? {
    var t = text.uppercased().filter { !" {}\"'".contains($0) }
    if t.contains(",") {
        let parts = t.split(separator: ",", omittingEmptySubsequences: false).map { part -> Substring in
            part.hasPrefix("0X") ? part.dropFirst(2) : part
        }
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) }),
            let hi = UInt8(parts[0], radix: 16), let lo = UInt8(parts[1], radix: 16)
        else { return nil }
        return UInt16(hi) << 8 | UInt16(lo)
    }
    if t.hasPrefix("0X") {
        t.removeFirst(2)
        guard (1...4).contains(t.count) else { return nil }
        return UInt16(t, radix: 16)
    }
    guard t.count == 4 else { return nil }
    return UInt16(t, radix: 16)
}
