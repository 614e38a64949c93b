import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `gpresult /x` reports (`<Rsop>` XML) for the computer's side:
/// - the "SSL Cipher Suite Order" and "ECC Curve Order" administrative-template policies,
/// - `RegistrySetting` entries (settings outside the templates, such as SCHANNEL switches),
/// - Group Policy Preferences registry items (`<Properties hive= key= name= type= value= action=>`).
///
/// User-side results are skipped: Schannel reads only HKLM.
public enum GPResultParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsConfigDocument {
        var (text, _) = try TextDecoding.decode(bytes, source: source)
        // The declaration names the file's encoding (gpresult writes utf-16); the text is now
        // decoded, so drop the declaration (it holds no line break) and hand the parser UTF-8.
        let trimmed = text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" })
        if trimmed.hasPrefix("<?xml"), let end = trimmed.range(of: "?>") {
            text = String(text[..<trimmed.startIndex]) + String(trimmed[end.upperBound...])
        }
        // gpresult never writes a DTD; with one, entities would be dropped silently (a suite list
        // written with an entity became empty). Refuse it, at its line.
        if let doctype = text.range(of: "<!DOCTYPE") ?? text.range(of: "<!ENTITY") {
            let line = text[..<doctype.lowerBound].reduce(1) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            throw InputError(source: source, line: line,
                message: "the report declares a DTD (<!DOCTYPE or <!ENTITY): gpresult /x never writes one, and its entities would not be expanded; refused")
        }
        let root = try XMLTree.parse(Data(text.utf8), source: source)
        guard root.name == "Rsop" || root.name == "RSOP" || root.name.lowercased() == "rsop" else {
            throw InputError(source: source, line: root.line, message: "not a gpresult /x report: the root element is <\(root.name)>, expected <Rsop>")
        }
        var operations: [RegistryOperation] = []
        walk(root, source: source, inUserResults: false, into: &operations)
        try RegistryLimits.check(operations, source: source)
        return WindowsConfigDocument(source: source, format: .gpresultXML, operations: operations)
    }

    static func walk(_ node: XMLTree.Node, source: String, inUserResults: Bool, into ops: inout [RegistryOperation]) {
        if node.name == "UserResults" { return }
        switch node.name {
        case "Policy":
            if let op = policy(node, source: source) { ops.append(op) }
            return
        case "RegistrySetting":
            ops.append(contentsOf: registrySetting(node, source: source))
            return
        case "Properties" where node.attributes["hive"] != nil && node.attributes["key"] != nil:
            if let op = preference(node, source: source) { ops.append(op) }
            return
        default:
            break
        }
        for child in node.children { walk(child, source: source, inUserResults: inUserResults, into: &ops) }
    }

    /// An administrative-template policy: only the two SSL Configuration Settings policies matter.
    static func policy(_ node: XMLTree.Node, source: String) -> RegistryOperation? {
        let name = node.child("Name")?.text ?? ""
        let state = node.child("State")?.text.lowercased() ?? ""
        let isSuiteOrder = name.caseInsensitiveCompare("SSL Cipher Suite Order") == .orderedSame
        let isCurveOrder = name.caseInsensitiveCompare("ECC Curve Order") == .orderedSame
        guard isSuiteOrder || isCurveOrder else { return nil }
        let valueName = isSuiteOrder ? "Functions" : "EccCurves"
        let key = RegistryPath.policySSL
        if state == "disabled" || state == "notconfigured" || state == "not configured" {
            return RegistryOperation(key: key, action: .deleteValue(name: valueName),
                                     provenance: Provenance(file: source, line: node.line, key: key, value: "policy '\(name)' \(state)"),
                                     format: .gpresultXML)
        }
        // The element values: EditText/Text/ListBox/MultiText..., each with a Value or String children.
        var texts: [String] = []
        for element in node.children where element.name != "Name" && element.name != "State" && element.name != "Explain"
            && element.name != "Supported" && element.name != "Category" && element.name != "GPO" {
            if let value = element.child("Value") {
                let strings = value.descendants(named: "String").map(\.text)
                texts.append(contentsOf: strings.isEmpty ? [value.text] : strings)
            }
        }
        let joined = texts.joined(separator: isSuiteOrder ? "," : "\n")
        let data: RegistryData
        if isSuiteOrder {
            data = .string(joined.trimmingASCIIWhitespace())
        } else {
            data = .multiString(joined.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" })
                .map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty })
        }
        return RegistryOperation(key: key, action: .setValue(name: valueName, data: data),
                                 provenance: Provenance(file: source, line: node.line, key: key, value: "policy '\(name)': \(valueName) = \(data.displayText)"),
                                 format: .gpresultXML)
    }

    /// `<RegistrySetting><KeyPath>..</KeyPath><Value><Name>..</Name><Number>..|<String>..</Value>`.
    static func registrySetting(_ node: XMLTree.Node, source: String) -> [RegistryOperation] {
        guard let keyPath = node.child("KeyPath")?.text, !keyPath.isEmpty else { return [] }
        var ops: [RegistryOperation] = []
        for value in node.children where value.name == "Value" {
            let name = value.child("Name")?.text ?? ""
            let data: RegistryData
            if let number = value.child("Number")?.text.trimmingASCIIWhitespace() {
                data = .dword(UInt32(number) ?? UInt32(bitPattern: Int32(number) ?? 0))
            } else {
                let strings = value.children.filter { $0.name == "String" }.map(\.text)
                if strings.count > 1 { data = .multiString(strings) } else { data = .string(strings.first ?? "") }
            }
            ops.append(RegistryOperation(key: keyPath, action: .setValue(name: name, data: data),
                                         provenance: Provenance(file: source, line: value.line, key: keyPath, value: "\(name) = \(data.displayText)"),
                                         format: .gpresultXML))
        }
        return ops
    }

    /// A Group Policy Preferences registry item.
    static func preference(_ node: XMLTree.Node, source: String) -> RegistryOperation? {
        let a = node.attributes
        let hive = (a["hive"] ?? "").uppercased()
        guard hive == "HKEY_LOCAL_MACHINE" || hive == "HKLM" else { return nil }
        let key = a["key"] ?? ""
        let name = a["default"] == "1" ? "" : (a["name"] ?? "")
        let action = (a["action"] ?? "U").uppercased()
        let raw = a["value"] ?? ""
        func make(_ act: RegistryOperation.Action, _ text: String) -> RegistryOperation {
            RegistryOperation(key: key, action: act, provenance: Provenance(file: source, line: node.line, key: key, value: text), format: .gpresultXML)
        }
        if action == "D" {
            return name.isEmpty && a["default"] != "1" ? make(.deleteKey, "(preference: delete key)") : make(.deleteValue(name: name), "\(name) (preference: delete)")
        }
        let data: RegistryData
        switch (a["type"] ?? "REG_SZ").uppercased() {
        case "REG_DWORD": data = .dword(UInt32(raw, radix: 16) ?? 0)
        case "REG_QWORD": data = .qword(UInt64(raw, radix: 16) ?? 0)
        case "REG_MULTI_SZ": data = .multiString(raw.split(separator: " ").map(String.init))
        case "REG_EXPAND_SZ": data = .expandString(raw)
        case "REG_BINARY": data = .binary(type: 3, bytes: [])
        default: data = .string(raw)
        }
        return make(.setValue(name: name, data: data), "\(name.isEmpty ? "@" : name) = \(data.displayText) (preference)")
    }
}

/// A small element tree built with XMLParser: gpresult reports are a few megabytes at most.
enum XMLTree {
    final class Node {
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Node] = []
        var textParts: [String] = []
        init(name: String, attributes: [String: String], line: Int) {
            self.name = name; self.attributes = attributes; self.line = line
        }
        var text: String { textParts.joined().trimmingASCIIWhitespace() }
        func child(_ name: String) -> Node? { children.first { $0.name == name } }
        func descendants(named name: String) -> [Node] {
            var out: [Node] = []
            for c in children {
                if c.name == name { out.append(c) }
                out.append(contentsOf: c.descendants(named: name))
            }
            return out
        }
    }

    final class Builder: NSObject, XMLParserDelegate {
        var stack: [Node] = []
        var root: Node?
        var depthLimitHit = false
        /// The first well-formedness problem: FoundationXML on Linux does not always fail `parse()`.
        var problem: (line: Int, message: String)?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let node = Node(name: local, attributes: attributeDict, line: parser.lineNumber)
            if stack.count > 256 { depthLimitHit = true; parser.abortParsing(); return }
            if let parent = stack.last { parent.children.append(node) } else if root == nil { root = node }
            stack.append(node)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if let top = stack.last, top.name != local, problem == nil {
                problem = (parser.lineNumber, "</\(elementName)> closes <\(top.name)> opened on line \(top.line)")
            }
            _ = stack.popLast()
        }
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if problem == nil { problem = (parser.lineNumber, XMLTree.describe(parseError)) }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.textParts.append(string)
        }
        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.textParts.append(String(decoding: CDATABlock, as: UTF8.self))
        }
    }

    /// libxml2's error numbers (as XMLParser reports them) for the mistakes people make by hand.
    static func describe(_ error: any Error) -> String {
        let code = (error as NSError).code
        switch code {
        case 4: return "the document is empty"
        case 5: return "the document ends too early (truncated?)"
        case 9: return "an invalid character"
        case 23, 26: return "a broken entity reference (a bare '&'?)"
        case 38, 39, 40, 41: return "a broken attribute"
        case 64, 65, 66, 67: return "a broken XML declaration"
        case 73: return "a start tag is not closed with '>'"
        case 76: return "a closing tag does not match the open element"
        case 85: return "extra content after the root element"
        // The rest of libxml2's xmlParserErrors, in words.
        case 1, 2: return "the XML parser failed (internal error or out of memory)"
        case 3: return "the document does not start like XML"
        case 6, 7, 8: return "an invalid character reference (&#...;)"
        case 10, 11, 12, 13: return "a character reference in the wrong place"
        case 14, 15, 16, 17, 18, 19, 20, 21: return "an entity reference in the wrong place"
        case 22: return "a broken character reference"
        case 24: return "a broken parameter-entity reference"
        case 25, 27, 28, 29: return "an entity that is not declared or cannot be used"
        case 30, 31, 80: return "an unknown or unsupported text encoding"
        case 32, 33, 42, 43: return "a quoted string that is not closed"
        case 34: return "a broken namespace declaration"
        case 35, 36, 86, 87, 88, 89: return "a broken entity"
        case 37: return "a '<' inside an attribute value"
        case 44, 100: return "a comment that is not closed"
        case 45, 46: return "a broken processing instruction (<?...?>)"
        case 47, 48, 49, 50, 51, 52, 53, 54, 57, 58, 59, 60, 82, 93, 94: return "a broken document type declaration"
        case 55, 56, 77, 78, 95, 96, 97: return "a broken XML declaration"
        case 61, 62: return "a CDATA section that is not closed"
        case 63: return "a reserved name (starting with 'xml')"
        case 68, 69, 70, 90, 91: return "a missing or broken value"
        case 71, 72, 74: return "a tag that is not written correctly ('<', '>' or '=' missing)"
        case 75: return "a closing tag does not match the open element"
        case 79: return "'--' inside a comment"
        case 83: return "an attribute without a value"
        case 84: return "the elements are not properly nested"
        case 98: return "a name that is too long"
        case 99: return "parsing was stopped"
        default: return "XML error number \(code) (libxml2)"
        }
    }

    static func parse(_ data: Data, source: String) throws(InputError) -> Node {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        let ok = parser.parse()
        if builder.depthLimitHit {
            throw InputError(source: source, line: parser.lineNumber, message: "XML nested deeper than 256 elements")
        }
        if let problem = builder.problem {
            throw InputError(source: source, line: max(1, problem.line), message: "malformed XML: \(problem.message)")
        }
        if let open = builder.stack.last {
            throw InputError(source: source, line: open.line, message: "malformed XML: <\(open.name)> is never closed")
        }
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map(describe) ?? "no root element"
            throw InputError(source: source, line: max(1, parser.lineNumber), message: "malformed XML: \(reason)")
        }
        return root
    }
}
