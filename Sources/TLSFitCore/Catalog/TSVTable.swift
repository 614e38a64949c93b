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
        // "\r\n" is one Character in Swift, so split on both.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns else {
                throw InputError(source: source, line: lineNumber, message: "expected \(columns) tab-separated columns, found \(fields.count)")
            }
            if let empty = fields.firstIndex(where: { $0.trimmingSpaces.isEmpty }) {
                throw InputError(source: source, line: lineNumber, message: "column \(empty + 1) is empty (write - for none)")
            }
            rows.append(Row(line: lineNumber, fields: fields.map(\.trimmingSpaces)))
        }
        self.rows = rows
    }

    func error(_ row: Row, _ message: String) -> InputError {
        InputError(source: source, line: row.line, message: message)
    }
}

extension StringProtocol {
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
