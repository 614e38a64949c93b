import FoundationEssentials

/// Reads cipher suite lists that are not registry files: `Get-TlsCipherSuite` output (table, list
/// or JSON) and plain lists as typed in the "SSL Cipher Suites" policy field.
///
/// Each becomes one operation that sets the policy `Functions` value, with the line of each name in
/// `itemLines`. `Get-TlsCipherSuite` shows a machine's effective order, which Schannel would use the
/// same way as a policy list, so it is modelled as that value (its format tells them apart).
public enum SuiteListParser {
    /// One suite name (or code point) and the line it came from.
    public struct Item: Sendable, Hashable {
        public var name: String
        public var line: Int
    }

    /// A plain list: one name per line, or separated by commas (the GPO field), semicolons or spaces.
    /// Lines starting with `#` or `;` are comments.
    public static func parsePlainList(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        var items: [Item] = []
        for (number, raw) in TextDecoding.lines(text) {
            let line = raw.trimmed()
            if line.isEmpty || line.first == UInt8(ascii: "#") || line.first == UInt8(ascii: ";") { continue }
            for token in line.split(whereSeparator: { $0 == 0x2C || $0 == 0x3B || $0 == 0x20 || $0 == 0x09 }) {
                let name = token.string.trimming(["\"", "'"])
                guard !name.isEmpty else { continue }
                guard
                    name.unicodeScalars.allSatisfy({
                        $0.isASCII
                            && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-"
                                || $0 == "." || $0 == "+" || $0 == "!" || $0 == "@" || $0 == "=")
                    })
                else {
                    throw InputError(
                        source: source, line: number, message: "'\(name.prefix(40))' is not a cipher suite name")
                }
                items.append(Item(name: name, line: number))
            }
        }
        guard !items.isEmpty else { throw InputError(source: source, line: 1, message: "no cipher suite names found") }
        return document(items, source: source, format: .cipherList, raw: items.map(\.name).joined(separator: ","))
    }

    /// `Get-TlsCipherSuite` in PowerShell's list format: records of `Property : value` lines.
    public static func parseListFormat(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        var items: [Item] = []
        for (number, raw) in TextDecoding.lines(text) {
            let line = raw.trimmed()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let property = line[..<colon].trimmed()
            guard property.count == 4, property.hasPrefixIgnoringCase("Name") else { continue }
            let value = line[(colon + 1)...].trimmed().string
            guard !value.isEmpty else { throw InputError(source: source, line: number, message: "empty Name") }
            items.append(Item(name: value, line: number))
        }
        guard !items.isEmpty else {
            throw InputError(
                source: source, line: 1, message: "no 'Name : ...' lines found in Get-TlsCipherSuite output")
        }
        return document(items, source: source, format: .tlsCipherSuiteList, raw: nil)
    }

    /// `Get-TlsCipherSuite | Format-Table ...`: a header line, a line of dashes, then rows.
    /// The Name column is located from the dashes under its header.
    public static func parseTable(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        let lines = TextDecoding.lines(text)
        var items: [Item] = []
        var column: Range<Int>? = nil
        var i = 0
        while i < lines.count {
            let line = lines[i].bytes
            if let header = dashRowColumns(header: line, dashes: i + 1 < lines.count ? lines[i + 1].bytes : []) {
                column = header
                i += 2
                continue
            }
            if let col = column {
                let rel = line.startIndex
                let trimmedLine = line.trimmed()
                if trimmedLine.isEmpty {
                    column = nil
                    i += 1
                    continue
                }
                let start = rel + col.lowerBound
                if start < line.endIndex {
                    // Names hold no spaces: read the first token at the column's start.
                    let cell = line[start...].trimmed()
                    let token = cell.prefix(while: { $0 != 0x20 && $0 != 0x09 })
                    if !token.isEmpty { items.append(Item(name: token.string, line: lines[i].number)) }
                }
            }
            i += 1
        }
        guard !items.isEmpty else {
            throw InputError(source: source, line: 1, message: "no table with a Name column and a line of dashes found")
        }
        return document(items, source: source, format: .tlsCipherSuiteTable, raw: nil)
    }

    /// The Name column's character range when `header` names columns and `dashes` underlines them.
    static func dashRowColumns(header: ArraySlice<UInt8>, dashes: ArraySlice<UInt8>) -> Range<Int>? {
        let d = Array(dashes)
        let h = Array(header)
        guard d.contains(UInt8(ascii: "-")), d.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == 0x20 || $0 == 0x09 })
        else { return nil }
        var start = 0
        while start < d.count {
            while start < d.count, d[start] != UInt8(ascii: "-") { start += 1 }
            var end = start
            while end < d.count, d[end] == UInt8(ascii: "-") { end += 1 }
            if start < end, start < h.count {
                let title = h[start..<min(end + 1, h.count)].split(separator: 0x20).first.map {
                    String(decoding: $0, as: UTF8.self)
                }
                if title == "Name" { return start..<end }
            }
            start = end
        }
        return nil
    }

    /// `Get-TlsCipherSuite | ConvertTo-Json`: an array of objects (or one object) with `Name`.
    public static func parseJSON(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        let root: JSONNode
        do throws(JSONNode.SyntaxError) {
            root = try JSONNode.parse(Array(text.utf8))
        } catch {
            throw InputError(source: source, line: error.line, message: "malformed JSON: \(error.message)")
        }
        let objects: [JSONNode]
        if case .array(let array) = root.value { objects = array } else { objects = [root] }
        var items: [Item] = []
        for (index, element) in objects.enumerated() {
            guard case .object = element.value else {
                throw InputError(source: source, line: element.line, message: "element \(index + 1) is not an object")
            }
            // The line of the suite's "Name" member, where an admin looks for it.
            let line = element["Name"]?.line ?? element.line
            if let name = element["Name"]?.string, !name.isEmpty {
                items.append(Item(name: name, line: line))
            } else if let code = element["CipherSuite"]?.integer, (0...0xFFFF).contains(code) {
                items.append(Item(name: "0x" + code.hex(width: 4), line: line))
            } else {
                throw InputError(source: source, line: line, message: "element \(index + 1) has no Name")
            }
        }
        guard !items.isEmpty else { throw InputError(source: source, line: 1, message: "empty JSON list") }
        return document(items, source: source, format: .tlsCipherSuiteJSON, raw: nil)
    }

    static func document(_ items: [Item], source: String, format: WindowsConfigFormat, raw: String?)
        -> WindowsConfigDocument
    {
        let key = RegistryPath.policySSL
        let names = items.map(\.name)
        let text = raw ?? names.joined(separator: ",")
        let op = RegistryOperation(
            key: key, action: .setValue(name: "Functions", data: .string(text)),
            provenance: Provenance(
                file: source, line: items.first?.line, key: key,
                value: "Functions = \(names.count) suites (\(format.rawValue))"),
            itemLines: items.map(\.line), format: format)
        return WindowsConfigDocument(source: source, format: format, operations: [op])
    }
}
