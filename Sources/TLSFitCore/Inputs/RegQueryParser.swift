/// Reads what `reg query` prints (with or without `/s`), as the seed article's commands produce it,
/// from `cmd` (ANSI or UTF-8) or from PowerShell redirected to a file (UTF-16LE with a BOM):
///
/// ```
/// HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
///     Functions    REG_SZ    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,...
///     EccCurves    REG_MULTI_SZ    NistP384\0NistP256
///     Enabled    REG_DWORD    0x1
///     DisallowedCertLastSyncTime    REG_BINARY    80B5C2D0A5F0D901
/// ```
///
/// A key line starts at the left margin; its values follow, indented, as `name    TYPE    data`
/// (four spaces between the columns). A key line with no values (a subkey listed without `/s`)
/// creates nothing. `(Default)` values that are not set, `End of search: N match(es) found.`, the
/// command line itself and `ERROR:` lines are skipped; an output holding only an error is refused.
/// Keys and value names past Windows' limits (`RegistryLimits`) are refused at their line, as in
/// `.reg`: the work stays linear in the input.
public enum RegQueryParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        return try parse(text: text, source: source)
    }

    public static func parse(text: String, source: String) throws(InputError) -> WindowsConfigDocument {
        var operations: [RegistryOperation] = []
        var currentKey: String?
        var sawKey = false
        var firstError: (line: Int, text: String)?
        for (number, raw) in TextDecoding.lines(text) {
            let line = raw.string
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            let indented = line.first == " " || line.first == "\t"
            if !indented {
                switch try marginLine(trimmed, source: source, line: number) {
                case .key:
                    currentKey = trimmed
                    sawKey = true
                case .error:
                    if firstError == nil { firstError = (number, trimmed) }
                    currentKey = nil
                case .skipped:
                    break
                }
                continue
            }
            guard let (name, type, data) = splitValue(line) else {
                throw InputError(
                    source: source, line: number,
                    message:
                        "expected 'name    REG_TYPE    data' (four spaces between the columns), found '\(String(trimmed.prefix(60)))'"
                )
            }
            guard let key = currentKey else {
                throw InputError(source: source, line: number, message: "a value before any key line")
            }
            let valueName = name == "(Default)" ? "" : name
            if let problem = RegistryLimits.problem(valueName: valueName) {
                throw InputError(source: source, line: number, message: problem)
            }
            if name == "(Default)", data == "(value not set)" { continue }
            let value = try registryData(type: type, data: data, source: source, line: number)
            let displayName = valueName.isEmpty ? "@" : valueName
            let p = Provenance(file: source, line: number, key: key, value: "\(displayName) = \(value.displayText)")
            operations.append(
                RegistryOperation(
                    key: key, action: .setValue(name: valueName, data: value), provenance: p, format: .regQuery))
        }
        if !sawKey {
            if let firstError {
                throw InputError(
                    source: source, line: firstError.line, message: "reg query found nothing: \(firstError.text)")
            }
            throw InputError(
                source: source, line: 1, message: "not reg query output: no key line (HKEY_LOCAL_MACHINE\\...)")
        }
        return WindowsConfigDocument(source: source, format: .regQuery, operations: operations)
    }

    /// What a line at the left margin is.
    private enum MarginLine {
        /// A key path, within Windows' limits.
        case key
        /// An `ERROR:` line from reg query.
        case error
        /// `End of search`, or the command line itself.
        case skipped
    }

    /// Classifies a line at the left margin (`trimmed`); anything else there is refused.
    private static func marginLine(_ trimmed: String, source: String, line number: Int) throws(InputError)
        -> MarginLine
    {
        let upper = trimmed.uppercased()
        if isKeyPath(upper) {
            // Windows' limits, as for .reg: a key past them is refused before any work on it.
            if let problem = RegistryLimits.problem(key: trimmed) {
                throw InputError(source: source, line: number, message: problem)
            }
            return .key
        }
        if upper.hasPrefix("END OF SEARCH") { return .skipped }
        if upper.hasPrefix("ERROR:") { return .error }
        if upper.hasPrefix("REG QUERY") || upper.hasPrefix("REG.EXE QUERY") || upper.contains(">REG QUERY")
            || upper.contains("> REG QUERY") || upper.hasPrefix("PS ")
        {
            return .skipped
        }
        throw InputError(
            source: source, line: number,
            message:
                "not reg query output: expected a key (HKEY_LOCAL_MACHINE\\...) or an indented value, found '\(String(trimmed.prefix(40)))'"
        )
    }

    /// The data column of a value line read as its `REG_` type.
    private static func registryData(type: String, data: String, source: String, line number: Int)
        throws(InputError) -> RegistryData
    {
        switch type {
        case "REG_SZ": return .string(data)
        case "REG_EXPAND_SZ": return .expandString(data)
        case "REG_MULTI_SZ":
            var items = data.split(separator: "\\0", omittingEmptySubsequences: false).map(String.init)
            while items.last == "" { items.removeLast() }
            return .multiString(items)
        case "REG_DWORD", "REG_DWORD_LITTLE_ENDIAN":
            guard let v = Self.number(data, bits: 32) else {
                throw InputError(
                    source: source, line: number,
                    message: "REG_DWORD data must be 0x followed by hex digits, found '\(String(data.prefix(20)))'")
            }
            return .dword(UInt32(v))
        case "REG_QWORD", "REG_QWORD_LITTLE_ENDIAN":
            guard let v = Self.number(data, bits: 64) else {
                throw InputError(
                    source: source, line: number,
                    message: "REG_QWORD data must be 0x followed by hex digits, found '\(String(data.prefix(20)))'")
            }
            return .qword(v)
        case "REG_BINARY", "REG_NONE":
            guard let bytes = hexBytes(data) else {
                throw InputError(
                    source: source, line: number,
                    message: "\(type) data must be an even number of hex digits, found '\(String(data.prefix(20)))'"
                )
            }
            return .binary(type: type == "REG_NONE" ? 0 : 3, bytes: bytes)
        default:
            throw InputError(
                source: source, line: number,
                message:
                    "unknown value type \(type) (known: REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY, REG_NONE)"
            )
        }
    }

    /// `HKEY_LOCAL_MACHINE\...`, `HKLM\...` (upper-cased).
    static func isKeyPath(_ upper: String) -> Bool {
        [
            "HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_USERS", "HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG",
            "HKLM\\", "HKCU\\", "HKU\\", "HKCR\\",
        ]
        .contains { upper.hasPrefix($0) }
    }

    /// `    Name With Spaces    REG_SZ    data` -> ("Name With Spaces", "REG_SZ", "data").
    static func splitValue(_ line: String) -> (String, String, String)? {
        let body = line.drop { $0 == " " || $0 == "\t" }
        guard let typeStart = body.firstOccurrence(of: "    REG_") ?? body.firstOccurrence(of: "\tREG_") else {
            return nil
        }
        let name = String(body[..<typeStart.lowerBound]).trimmingASCIIWhitespace()
        let afterName = body[typeStart.upperBound...]
        let typeEnd = afterName.firstIndex { $0 == " " || $0 == "\t" } ?? afterName.endIndex
        let type = "REG_" + afterName[..<typeEnd]
        var data = afterName[typeEnd...]
        // The data column starts after four spaces; data may itself start or end with spaces.
        if data.hasPrefix("    ") { data = data.dropFirst(4) } else { data = data.drop { $0 == " " || $0 == "\t" } }
        var text = String(data)
        while text.hasSuffix("\r") { text.removeLast() }
        guard !name.isEmpty else { return nil }
        return (name, String(type), text)
    }

    static func number(_ text: String, bits: Int) -> UInt64? {
        let t = text.trimmingASCIIWhitespace().lowercased()
        guard t.hasPrefix("0x"), t.count > 2, t.count <= 2 + bits / 4, let v = UInt64(t.dropFirst(2), radix: 16) else {
            return nil
        }
        return v
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let t = Array(text.trimmingASCIIWhitespace().utf8)
        guard t.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(t.count / 2)
        var i = 0
        while i < t.count {
            guard let hi = hexValue(t[i]), let lo = hexValue(t[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// True when the lines look like `reg query` output: a key path at the left margin and an
    /// indented `name    REG_TYPE    data` line.
    static func looks(_ lines: [(number: Int, bytes: ArraySlice<UInt8>)]) -> Bool {
        var sawKey = false
        for (index, line) in lines.enumerated() where index < 60 {
            let text = line.bytes.string
            if line.bytes.first != 0x20, line.bytes.first != 0x09,
                isKeyPath(text.trimmingASCIIWhitespace().uppercased())
            {
                sawKey = true
                continue
            }
            if sawKey, splitValue(text) != nil, text.first == " " || text.first == "\t" { return true }
        }
        return false
    }
}
