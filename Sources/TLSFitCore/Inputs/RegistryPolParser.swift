/// Reads Group Policy `Registry.pol` files: the `PReg` signature, version 1, then records
/// `[key;value;type;size;data]` with UTF-16LE brackets, separators and NUL-terminated strings.
///
/// Special value names: `**del.<name>` deletes a value, `**delvals.` deletes all values of the
/// key, `**DeleteValues` and `**DeleteKeys` carry `;`-separated names in their data, `**soft.<name>`
/// sets a value only when absent, `**SecureKey` (an ACL switch) and other `**` names are ignored.
public enum RegistryPolParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        func fail(_ offset: Int, _ message: String) -> InputError {
            InputError(source: source, byteOffset: offset, message: message)
        }
        guard bytes.count >= 8, bytes[0] == 0x50, bytes[1] == 0x52, bytes[2] == 0x65, bytes[3] == 0x67 else {
            throw fail(0, "not a Registry.pol file: it must start with the signature 'PReg'")
        }
        let version = readUInt32(bytes, 4)
        guard version == 1 else { throw fail(4, "unsupported Registry.pol version \(version) (expected 1)") }

        var operations: [RegistryOperation] = []
        var offset = 8
        var record = 0
        while offset < bytes.count {
            // Tolerate trailing padding NULs some tools leave.
            if bytes[offset...].allSatisfy({ $0 == 0 }) { break }
            record += 1
            let start = offset
            guard offset + 1 < bytes.count, bytes[offset] == 0x5B, bytes[offset + 1] == 0 else {
                throw fail(offset, "record \(record): expected '[' (UTF-16LE) to open a record")
            }
            offset += 2
            let key = try readString(bytes, &offset, record: record, field: "key", source: source)
            if let problem = RegistryLimits.problem(key: key) { throw fail(start, "record \(record): \(problem)") }
            try expectSemicolon(bytes, &offset, record: record, after: "key", source: source)
            let valueName = try readString(bytes, &offset, record: record, field: "value name", source: source)
            // `**del.NAME` and the other switches carry a value name after their prefix.
            if let problem = RegistryLimits.problem(
                valueName: valueName.hasPrefix("**") ? String(valueName.drop { $0 != "." }.dropFirst()) : valueName)
            {
                throw fail(start, "record \(record): \(problem)")
            }
            try expectSemicolon(bytes, &offset, record: record, after: "value name", source: source)
            guard offset + 4 <= bytes.count else {
                throw fail(offset, "record \(record): truncated before the value type")
            }
            let type = readUInt32(bytes, offset)
            offset += 4
            try expectSemicolon(bytes, &offset, record: record, after: "type", source: source)
            guard offset + 4 <= bytes.count else {
                throw fail(offset, "record \(record): truncated before the data size")
            }
            let size = Int(readUInt32(bytes, offset))
            offset += 4
            try expectSemicolon(bytes, &offset, record: record, after: "size", source: source)
            guard size <= bytes.count - offset else {
                throw fail(
                    offset,
                    "record \(record): data size \(size) runs past the end of the file (\(bytes.count - offset) bytes left)"
                )
            }
            let data = Array(bytes[offset..<(offset + size)])
            offset += size
            guard offset + 1 < bytes.count, bytes[offset] == 0x5D, bytes[offset + 1] == 0 else {
                throw fail(offset, "record \(record): expected ']' (UTF-16LE) to close the record")
            }
            offset += 2
            operations.append(
                contentsOf: operationsFor(
                    key: key, valueName: valueName, type: type, data: data,
                    provenance: (source, record, start)))
        }
        return WindowsConfigDocument(source: source, format: .registryPol, operations: operations)
    }

    static func operationsFor(
        key: String, valueName: String, type: UInt32, data: [UInt8],
        provenance: (file: String, record: Int, offset: Int)
    ) -> [RegistryOperation] {
        func op(_ action: RegistryOperation.Action, _ text: String, key k: String = key) -> RegistryOperation {
            RegistryOperation(
                key: k, action: action,
                provenance: Provenance(
                    file: provenance.file, record: provenance.record, byteOffset: provenance.offset, key: k, value: text
                ),
                format: .registryPol)
        }
        let lower = valueName.lowercased()
        if lower.hasPrefix("**del.") {
            let name = String(valueName.dropFirst(6))
            return [op(.deleteValue(name: name), "\(valueName) (delete value \(name))")]
        }
        if lower.hasPrefix("**delvals") {
            return [op(.deleteAllValues, "\(valueName) (delete all values)")]
        }
        if lower == "**deletevalues" || lower == "**deletekeys" {
            let names = RegFileParser.decodeString(data, singleByte: false)
                .split(separator: ";").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
            if lower == "**deletevalues" {
                return names.map { op(.deleteValue(name: $0), "\(valueName) (delete value \($0))") }
            }
            return names.map { op(.deleteKey, "\(valueName) (delete key \($0))", key: key + "\\" + $0) }
        }
        if lower.hasPrefix("**soft.") {
            let name = String(valueName.dropFirst(7))
            let value = RegFileParser.decodeTyped(type: type, bytes: data, singleByteStrings: false)
            return [op(.setValueIfAbsent(name: name, data: value), "\(name) = \(value.displayText) (only if absent)")]
        }
        if lower.hasPrefix("**") { return [] }  // **SecureKey and other switches change no value.
        if valueName.isEmpty && type == 0 && data.isEmpty {
            return [op(.createKey, "(key)")]
        }
        let value = RegFileParser.decodeTyped(type: type, bytes: data, singleByteStrings: false)
        return [
            op(.setValue(name: valueName, data: value), "\(valueName.isEmpty ? "@" : valueName) = \(value.displayText)")
        ]
    }

    static func readUInt32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    /// Reads UTF-16LE code units up to a NUL (which it consumes). A `;` without the NUL also ends it.
    static func readString(_ b: [UInt8], _ offset: inout Int, record: Int, field: String, source: String)
        throws(InputError) -> String
    {
        var units: [UInt16] = []
        while true {
            guard offset + 1 < b.count else {
                throw InputError(
                    source: source, byteOffset: offset,
                    message: "record \(record): the \(field) runs past the end of the file")
            }
            let u = UInt16(b[offset]) | UInt16(b[offset + 1]) << 8
            if u == 0 {
                offset += 2
                break
            }
            if u == 0x3B { break }  // ';' written without the NUL
            units.append(u)
            offset += 2
            guard units.count <= 32_767 else {
                throw InputError(
                    source: source, byteOffset: offset,
                    message: "record \(record): the \(field) is longer than any registry name can be")
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    static func expectSemicolon(_ b: [UInt8], _ offset: inout Int, record: Int, after: String, source: String)
        throws(InputError)
    {
        guard offset + 1 < b.count, b[offset] == 0x3B, b[offset + 1] == 0 else {
            throw InputError(
                source: source, byteOffset: offset, message: "record \(record): expected ';' after the \(after)")
        }
        offset += 2
    }
}

/// Finds the machine policy file inside a GPO backup folder, given the folder's relative file paths.
public enum GPOBackupLayout {
    /// Paths ending in `DomainSysvol/GPO/Machine/registry.pol` (any case, `/` or `\`), sorted;
    /// if none, any `Machine/registry.pol`.
    public static func machinePolicyFiles(among relativePaths: [String]) -> [String] {
        let normalized = relativePaths.map { ($0, $0.replacingBackslashes().lowercased()) }
        let strict = normalized.filter { $0.1.hasSuffix("domainsysvol/gpo/machine/registry.pol") }.map(\.0)
        if !strict.isEmpty { return strict.sorted() }
        return normalized.filter { $0.1 == "machine/registry.pol" || $0.1.hasSuffix("/machine/registry.pol") }.map(\.0)
            .sorted()
    }

    /// The extensions of the exports a "folder of exports" holds at its top level.
    public static let exportExtensions = ["reg", "pol", "xml", "txt", "json"]

    /// A folder of exports: the files at the top level (no subfolder) with an export extension, sorted.
    /// Anything else in the folder is not read.
    public static func exportFiles(among relativePaths: [String]) -> [String] {
        relativePaths.filter { path in
            let p = path.replacingBackslashes()
            guard !p.contains("/"), let dot = p.lastIndex(of: ".") else { return false }
            return exportExtensions.contains(p[p.index(after: dot)...].lowercased())
        }.sorted()
    }
}

extension String {
    /// A path with Windows separators (`a\b`) written with `/`.
    public func replacingBackslashes() -> String { String(map { $0 == "\\" ? "/" : $0 }) }
}
