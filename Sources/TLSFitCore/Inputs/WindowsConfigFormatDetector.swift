/// Recognizes which Windows configuration format a file holds, from its first bytes.
public enum WindowsConfigFormatDetector {
    public static func detect(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigFormat {
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x52, bytes[2] == 0x65, bytes[3] == 0x67 {
            return .registryPol
        }
        guard !bytes.isEmpty else { throw InputError(source: source, line: 1, message: "the file is empty") }
        // Look at the first few KiB only: detection must stay cheap for huge files.
        let head = Array(bytes.prefix(16_384))
        let text: String
        do {
            text = try TextDecoding.decode(head.count < bytes.count ? trimPartial(head) : head, source: source).text
        } catch {
            throw InputError(
                source: source, byteOffset: 0,
                message: "not a text file, a Registry.pol (PReg) file, or a GPO backup folder")
        }
        let lines = TextDecoding.lines(text).map { (number: $0.number, bytes: $0.bytes.trimmed()) }.filter {
            !$0.bytes.isEmpty
        }
        guard let first = lines.first?.bytes else {
            throw InputError(source: source, line: 1, message: "the file holds only blank lines")
        }
        if NetshProxyParser.looksLikeNetsh(firstLine: first) { return .netshWinHTTPProxy }
        if first.hasPrefixIgnoringCase("Windows Registry Editor") || first.hasPrefixIgnoringCase("REGEDIT4") {
            return .regedit
        }
        if first.hasPrefixIgnoringCase("[HKEY_") || first.hasPrefixIgnoringCase("[-HKEY_")
            || first.hasPrefixIgnoringCase("[HKLM")
        {
            return .regedit
        }
        if first.hasPrefixIgnoringCase("<?xml") || first.hasPrefixIgnoringCase("<Rsop")
            || first.first == UInt8(ascii: "<")
        {
            return .gpresultXML
        }
        if first.first == UInt8(ascii: "{") { return .tlsCipherSuiteJSON }
        if first.first == UInt8(ascii: "[") {
            let afterBracket = first.dropFirst().trimmed()
            if afterBracket.isEmpty || afterBracket.first == UInt8(ascii: "{")
                || afterBracket.first == UInt8(ascii: "]")
            {
                return .tlsCipherSuiteJSON
            }
            return .regedit
        }
        // `reg query` output: a key path at the margin and indented `name    REG_TYPE    data` lines.
        // Checked on the raw lines: the values' indentation is what tells them apart from a cipher list.
        let rawLines = TextDecoding.lines(text).filter { !$0.bytes.trimmed().isEmpty }
        if RegQueryParser.looks(rawLines) { return .regQuery }
        for (index, line) in lines.enumerated() {
            if index + 1 < lines.count,
                SuiteListParser.dashRowColumns(header: line.bytes, dashes: lines[index + 1].bytes) != nil
            {
                return .tlsCipherSuiteTable
            }
            if let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")), line.bytes[..<colon].trimmed().count == 4,
                line.bytes.hasPrefixIgnoringCase("Name")
            {
                return .tlsCipherSuiteList
            }
            if index > 40 { break }
        }
        return .cipherList
    }

    /// Drops a trailing partial UTF-8 or UTF-16 sequence from a cut-off head.
    static func trimPartial(_ head: [UInt8]) -> [UInt8] {
        var h = head
        if h.count >= 2,
            (h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF) || TextDecoding.looksLikeUTF16LE(h)
        {
            if h.count % 2 == 1 { h.removeLast() }
            // A cut high surrogate decodes to a replacement character; that is fine for detection.
            return h
        }
        var drop = 0
        while drop < 4, drop < h.count, h[h.count - 1 - drop] & 0xC0 == 0x80 { drop += 1 }
        if drop < h.count, h[h.count - 1 - drop] >= 0xC0 { drop += 1 }
        return Array(h.dropLast(drop))
    }

    /// Parses bytes in the given (or detected) format. A gpresult report needs `xml` (the system
    /// module's `LibXML2Reader`); without one it is refused.
    public static func parse(
        _ bytes: [UInt8], source: String, format: WindowsConfigFormat? = nil, xml: (any XMLPullReader)? = nil
    ) throws(InputError) -> WindowsConfigDocument {
        try parse(bytes, source: source, format: format, xml: xml, keepingValuesOf: nil)
    }

    /// As `parse`; a regedit export keeps only the values of keys `keep` accepts (the others are counted).
    static func parse(
        _ bytes: [UInt8], source: String, format: WindowsConfigFormat?, xml: (any XMLPullReader)?,
        keepingValuesOf keep: ((String) -> Bool)?
    ) throws(InputError) -> WindowsConfigDocument {
        guard bytes.count <= WindowsConfigReader.maximumFileSize else {
            throw InputError(
                source: source,
                message: "the file is \(bytes.count / (1 << 20)) MiB; tlsfit reads configuration files up to 64 MiB")
        }
        let kind: WindowsConfigFormat
        if let format { kind = format } else { kind = try detect(bytes, source: source) }
        switch kind {
        case .regedit: return try RegFileParser.parse(bytes, source: source, keepingValuesOf: keep)
        case .registryPol: return try RegistryPolParser.parse(bytes, source: source)
        case .gpresultXML:
            guard let xml else { throw InputError(source: source, message: "cannot read XML: no XML reader was given") }
            return try GPResultParser.parse(bytes, source: source, xml: xml)
        case .tlsCipherSuiteJSON: return try SuiteListParser.parseJSON(bytes, source: source)
        case .tlsCipherSuiteTable: return try SuiteListParser.parseTable(bytes, source: source)
        case .tlsCipherSuiteList: return try SuiteListParser.parseListFormat(bytes, source: source)
        case .cipherList: return try SuiteListParser.parsePlainList(bytes, source: source)
        case .netshWinHTTPProxy: return try NetshProxyParser.parse(bytes, source: source)
        case .regQuery: return try RegQueryParser.parse(bytes, source: source)
        }
    }
}
