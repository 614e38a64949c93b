/// The input formats `tlsfit config` reads.
public enum WindowsConfigFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// A regedit export (`Windows Registry Editor Version 5.00` or `REGEDIT4`).
    case regedit
    /// A Group Policy `Registry.pol` file (binary `PReg`).
    case registryPol
    /// A `gpresult /x` report.
    case gpresultXML
    /// `Get-TlsCipherSuite | ConvertTo-Json`.
    case tlsCipherSuiteJSON
    /// `Get-TlsCipherSuite | Format-Table`.
    case tlsCipherSuiteTable
    /// `Get-TlsCipherSuite` in PowerShell's default list format (`Name : ...`).
    case tlsCipherSuiteList
    /// A plain list of suite names, as typed in the GPO field.
    case cipherList
    /// `netsh winhttp show proxy` output: WinHTTP's machine proxy.
    case netshWinHTTPProxy
    /// What `reg query KEY [/s]` prints (cmd or PowerShell, any encoding).
    case regQuery

    /// True for the `Get-TlsCipherSuite` shapes: they show a machine's effective list, not a setting.
    public var isObservedSuiteList: Bool {
        self == .tlsCipherSuiteJSON || self == .tlsCipherSuiteTable || self == .tlsCipherSuiteList
    }

    /// True for the shapes that show what Group Policy delivered (a `Registry.pol`, a `gpresult` report).
    public var isDeliveredPolicy: Bool { self == .registryPol || self == .gpresultXML }
}

/// Where one setting came from: the file, its place in the file, and the key and value as written.
public struct Provenance: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based line, for text input.
    public var line: Int?
    /// 1-based record number, for `Registry.pol`.
    public var record: Int?
    /// 0-based byte offset of the record, for binary input.
    public var byteOffset: Int?
    /// The registry key as written in the input.
    public var key: String
    /// The value name and data as text (`Functions = TLS_...`).
    public var value: String

    public init(file: String, line: Int? = nil, record: Int? = nil, byteOffset: Int? = nil, key: String, value: String)
    {
        self.file = file
        self.line = line
        self.record = record
        self.byteOffset = byteOffset
        self.key = key
        self.value = value
    }

    /// `file:line` or `file record N (byte M)`.
    public var location: String {
        var text = file
        if let line { text += ":\(line)" }
        if let record { text += " record \(record)" }
        if let byteOffset, line == nil { text += " (byte \(byteOffset))" }
        return text
    }

    public var description: String { "\(location): [\(key)] \(value)" }
}

/// The data of a registry value, typed as Windows stores it.
public enum RegistryData: Sendable, Hashable {
    /// REG_SZ.
    case string(String)
    /// REG_EXPAND_SZ.
    case expandString(String)
    /// REG_MULTI_SZ.
    case multiString([String])
    /// REG_DWORD.
    case dword(UInt32)
    /// REG_QWORD.
    case qword(UInt64)
    /// REG_BINARY, REG_NONE, or any other type, with its numeric type.
    case binary(type: UInt32, bytes: [UInt8])

    /// The Windows value type number (REG_SZ = 1, REG_DWORD = 4...).
    public var typeCode: UInt32 {
        switch self {
        case .string: 1
        case .expandString: 2
        case .multiString: 7
        case .dword: 4
        case .qword: 11
        case .binary(let type, _): type
        }
    }

    /// The value read as a number, the way Schannel reads a DWORD switch (nil for strings).
    public var integerValue: UInt64? {
        switch self {
        case .dword(let v): return UInt64(v)
        case .qword(let v): return v
        // REG_BINARY of a DWORD's or QWORD's size reads as little-endian. REG_DWORD_BIG_ENDIAN
        // (hex(5)) and unknown type numbers are not numbers here: reported as wrong-value-type.
        case .binary(let type, let bytes) where type == 3 && (bytes.count == 4 || bytes.count == 8):
            var v: UInt64 = 0
            for (i, b) in bytes.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return v
        default:
            // Strings are not numbers to Schannel or WinHTTP, even "1": they ignore such values.
            return nil
        }
    }

    /// The value read as a list of strings: REG_MULTI_SZ items, or a REG_SZ split on commas.
    public var stringList: [String]? {
        switch self {
        case .multiString(let items): return items
        case .string(let s), .expandString(let s):
            return s.split(separator: ",", omittingEmptySubsequences: true).map {
                String($0).trimmingASCIIWhitespace()
            }.filter { !$0.isEmpty }
        default: return nil
        }
    }

    /// The data as a person reads it (`dword:00000001`, `"text"`, `hex(7):...` decoded).
    public var displayText: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .expandString(let s): return "expand:\"\(s)\""
        case .multiString(let items): return "multi:[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .dword(let v): return "dword:" + v.hex8
        case .qword(let v): return "qword:0x" + String(v, radix: 16)
        case .binary(let type, let bytes):
            let hex = bytes.prefix(64).map { $0.hex2 }.joined(separator: ",")
            return (type == 3 ? "hex:" : "hex(\(String(type, radix: 16))):") + hex + (bytes.count > 64 ? ",..." : "")
        }
    }
}

/// One change a file makes to the registry, in the order the file makes it.
public struct RegistryOperation: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Set a value (an empty name is the key's default value, `@`).
        case setValue(name: String, data: RegistryData)
        /// Set a value only when it does not exist yet (`**soft.` in Registry.pol).
        case setValueIfAbsent(name: String, data: RegistryData)
        /// `"name"=-` or `**del.name`.
        case deleteValue(name: String)
        /// `**delvals.`: every value of the key, keeping subkeys.
        case deleteAllValues
        /// `[-key]` or `**DeleteKeys`: the key and all its subkeys.
        case deleteKey
        /// The key is created, with no value (`[key]` alone).
        case createKey
    }

    /// The key, normalized (hive prefix removed for HKLM; see `RegistryPath`).
    public var key: String
    public var action: Action
    public var provenance: Provenance
    /// For list-like values: the line of each item, when the input put items on separate lines.
    public var itemLines: [Int]?
    /// The format the operation was read from.
    public var format: WindowsConfigFormat

    public init(
        key: String, action: Action, provenance: Provenance, itemLines: [Int]? = nil, format: WindowsConfigFormat
    ) {
        self.key = RegistryPath.normalize(key)
        self.action = action
        self.provenance = provenance
        self.itemLines = itemLines
        self.format = format
    }

    /// For a key the parser has normalized already (every value of a `.reg` key reuses it).
    init(normalizedKey: String, action: Action, provenance: Provenance, format: WindowsConfigFormat) {
        key = normalizedKey
        self.action = action
        self.provenance = provenance
        itemLines = nil
        self.format = format
    }
}

/// What a parser read from one file.
public struct WindowsConfigDocument: Sendable, Hashable {
    public var source: String
    public var format: WindowsConfigFormat
    public var operations: [RegistryOperation]
    /// Operations read and checked but not kept: the values of keys tlsfit never reads, when the
    /// document was read for evaluation (`WindowsConfigReader.parse`; see `RegistryPath.mayBeRead`).
    public var skippedOperations: Int

    public init(
        source: String, format: WindowsConfigFormat, operations: [RegistryOperation],
        skippedOperations: Int = 0
    ) {
        self.source = source
        self.format = format
        self.operations = operations
        self.skippedOperations = skippedOperations
    }

    /// Every setting the file makes, kept or skipped.
    public var settingCount: Int { operations.count + skippedOperations }
}

extension UInt32 {
    /// As regedit writes a DWORD: eight lower-case hex digits.
    var hex8: String { hex(width: 8, uppercase: false) }
}

extension UInt8 {
    /// As regedit writes a byte of hex data: two lower-case hex digits.
    var hex2: String { hex(width: 2, uppercase: false) }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isASCIIWhitespaceOrBOM { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].isASCIIWhitespaceOrBOM {
            end = scalars.index(before: end)
        }
        return String(scalars[start..<end])
    }
}

extension Unicode.Scalar {
    var isASCIIWhitespaceOrBOM: Bool {
        switch value {
        case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0xFEFF, 0xA0: true
        default: false
        }
    }
}
