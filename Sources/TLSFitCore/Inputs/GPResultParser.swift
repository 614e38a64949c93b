import FoundationEssentials

/// Reads `gpresult /x` reports (`<Rsop>` XML) for the computer's side:
/// - the "SSL Cipher Suite Order" and "ECC Curve Order" administrative-template policies,
/// - `RegistrySetting` entries (settings outside the templates, such as SCHANNEL switches),
/// - Group Policy Preferences registry items (`<Properties hive= key= name= type= value= action=>`).
///
/// User-side results are skipped: Schannel reads only HKLM.
public enum GPResultParser {
    /// Parses the report in `bytes` with `xml` (the system module's `LibXML2Reader`).
    public static func parse(_ bytes: [UInt8], source: String, xml: any XMLPullReader) throws(InputError)
        -> WindowsConfigDocument
    {
        var (text, _) = try TextDecoding.decode(bytes, source: source)
        // The declaration names the file's encoding (gpresult writes utf-16); the text is now
        // decoded, so drop the declaration (it holds no line break) and hand the parser UTF-8.
        let trimmed = text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" })
        if trimmed.hasPrefix("<?xml"), let end = trimmed.firstOccurrence(of: "?>") {
            text = String(text[..<trimmed.startIndex]) + String(trimmed[end.upperBound...])
        }
        // gpresult never writes a DTD; with one, entities would be dropped silently (a suite list
        // written with an entity became empty). Refuse it, at its line.
        if let doctype = text.firstOccurrence(of: "<!DOCTYPE") ?? text.firstOccurrence(of: "<!ENTITY") {
            let line = text[..<doctype.lowerBound].reduce(1) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            throw InputError(
                source: source, line: line,
                message:
                    "the report declares a DTD (<!DOCTYPE or <!ENTITY): gpresult /x never writes one, and its entities would not be expanded; refused"
            )
        }
        let root = try XMLTree.parse(Array(text.utf8), source: source, xml: xml)
        guard root.name == "Rsop" || root.name == "RSOP" || root.name.lowercased() == "rsop" else {
            throw InputError(
                source: source, line: root.line,
                message: "not a gpresult /x report: the root element is <\(root.name)>, expected <Rsop>")
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
        let isSuiteOrder = name.equalsIgnoringCase("SSL Cipher Suite Order")
        let isCurveOrder = name.equalsIgnoringCase("ECC Curve Order")
        guard isSuiteOrder || isCurveOrder else { return nil }
        let valueName = isSuiteOrder ? "Functions" : "EccCurves"
        let key = RegistryPath.policySSL
        if state == "disabled" || state == "notconfigured" || state == "not configured" {
            return RegistryOperation(
                key: key, action: .deleteValue(name: valueName),
                provenance: Provenance(file: source, line: node.line, key: key, value: "policy '\(name)' \(state)"),
                format: .gpresultXML)
        }
        // The element values: EditText/Text/ListBox/MultiText..., each with a Value or String children.
        var texts: [String] = []
        for element in node.children
        where element.name != "Name" && element.name != "State" && element.name != "Explain"
            && element.name != "Supported" && element.name != "Category" && element.name != "GPO"
        {
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
            data = .multiString(
                joined.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" })
                    .map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty })
        }
        return RegistryOperation(
            key: key, action: .setValue(name: valueName, data: data),
            provenance: Provenance(
                file: source, line: node.line, key: key, value: "policy '\(name)': \(valueName) = \(data.displayText)"),
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
            ops.append(
                RegistryOperation(
                    key: keyPath, action: .setValue(name: name, data: data),
                    provenance: Provenance(
                        file: source, line: value.line, key: keyPath, value: "\(name) = \(data.displayText)"),
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
            RegistryOperation(
                key: key, action: act, provenance: Provenance(file: source, line: node.line, key: key, value: text),
                format: .gpresultXML)
        }
        if action == "D" {
            return name.isEmpty && a["default"] != "1"
                ? make(.deleteKey, "(preference: delete key)")
                : make(.deleteValue(name: name), "\(name) (preference: delete)")
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
        return make(
            .setValue(name: name, data: data), "\(name.isEmpty ? "@" : name) = \(data.displayText) (preference)")
    }
}

/// A small element tree read with an `XMLPullReader` (libxml2): gpresult reports are a few megabytes at most.
enum XMLTree {
    final class Node {
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Node] = []
        var textParts: [String] = []
        init(name: String, attributes: [String: String], line: Int) {
            self.name = name
            self.attributes = attributes
            self.line = line
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

    /// libxml2's error numbers (`xmlParserErrors` in libxml/xmlerror.h, the same in every release
    /// since 2.6) in words. libxml2's reader reports an empty document, one cut short and content
    /// after the root element all as number 5; `hasElement` (the text has a start tag) tells the
    /// first apart. The reader parses ahead of the nodes it hands over, so where it stood says
    /// nothing about the other two.
    static func describe(code: Int, libxml2 message: String?, hasElement: Bool = true) -> String {
        switch code {
        case 1, 2: return "the XML parser failed (internal error or out of memory)"
        case 3: return "the document does not start like XML"
        case 4: return "the document is empty"
        case 5 where !hasElement: return "the document is empty"
        case 5:
            return
                "the document ends before its elements are closed (truncated?), or has content after the root element"
        case 77: return "the document ends before an element is closed (truncated?)"
        case 6, 7, 8: return "an invalid character reference (&#...;)"
        case 9: return "an invalid character"
        case 10, 11, 12, 13: return "a character reference in the wrong place"
        case 14, 15, 16, 17, 18, 19, 20, 21: return "an entity reference in the wrong place"
        case 22, 23: return "a broken entity reference (a bare '&'?)"
        case 24, 25: return "a broken parameter-entity reference"
        case 26, 27: return "an entity that is not declared (without a DTD only &amp; &lt; &gt; &quot; &apos; exist)"
        case 28, 29, 30: return "an entity that cannot be used here"
        case 31, 32, 79: return "an unknown or unsupported text encoding"
        case 33, 34, 43, 44: return "a quoted string that is not closed"
        case 35: return "a broken namespace declaration"
        case 36, 37, 87, 88, 89, 90: return "a broken entity"
        case 38: return "a '<' inside an attribute value"
        case 39, 40, 41: return "a broken attribute"
        case 42: return "an attribute given twice in one tag"
        case 45: return "a comment that is not closed"
        case 46, 47: return "a broken processing instruction (<?...?>)"
        case 48, 49, 50, 51, 52, 53, 54, 55, 58, 59, 60, 61, 82, 83, 95: return "a broken document type declaration"
        case 56, 57, 78, 96, 108, 109: return "a broken XML declaration"
        case 62: return "']]>' outside a CDATA section"
        case 63: return "a CDATA section that is not closed"
        case 64: return "a reserved name (starting with 'xml')"
        case 65, 66: return "a missing space or separator"
        case 67, 68: return "a missing or broken name (a bare '&' or '<' in text?)"
        case 69, 70, 71: return "a missing or broken value"
        case 72, 73: return "a tag that is not closed with '>'"
        case 74: return "a closing tag that is not written correctly ('</' expected)"
        case 75: return "an attribute without '='"
        case 76: return "a closing tag does not match the open element"
        case 80: return "'--' inside a comment"
        case 81: return "bytes that are not valid in the document's encoding"
        case 84: return "an attribute without a value"
        case 85: return "the elements are not properly nested"
        case 86: return "extra content after the root element"
        case 91, 92: return "a broken URI"
        case 110: return "a name that is too long"
        default: return message.map { "\($0) (libxml2 error \(code))" } ?? "XML error number \(code) (libxml2)"
        }
    }

    /// Elements nested deeper than this are refused (libxml2 stops at 256 too).
    static let maximumDepth = 256

    static func parse(_ bytes: [UInt8], source: String, xml: any XMLPullReader) throws(InputError) -> Node {
        guard bytes.count < Int(Int32.max) else { throw InputError(source: source, message: "XML larger than 2 GB") }
        guard !bytes.isEmpty else {
            throw InputError(source: source, line: 1, message: "malformed XML: \(describe(code: 4, libxml2: nil))")
        }
        var builder = Builder(source: source)
        do throws(XMLPullFailure) {
            try xml.read(bytes) { builder.add($0) }
        } catch {
            switch error {
            case .unavailable(let why):
                throw InputError(source: source, message: "cannot read XML: \(why)")
            case .malformed(let code, let line, let words):
                if words?.contains("Excessive depth") == true {
                    throw InputError(
                        source: source, line: max(1, line), message: "XML nested deeper than \(maximumDepth) elements")
                }
                let hasElement = builder.root != nil || containsStartTag(bytes)
                throw InputError(
                    source: source, line: max(1, line),
                    message: "malformed XML: \(describe(code: code, libxml2: words, hasElement: hasElement))")
            }
        }
        return try builder.finish()
    }

    /// Whether the text has a start tag at all (`<` and a name), for telling an empty document
    /// from content after the root: the reader may fail on a small document before it hands
    /// over its first element.
    static func containsStartTag(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > 1 else { return false }
        for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "<") {
            let next = bytes[i + 1]
            if (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z") || next == UInt8(ascii: "_")
                || next == UInt8(ascii: ":") || next >= 0x80
            {
                return true
            }
        }
        return false
    }

    /// Builds the tree from the reader's start tags, end tags and text; stops at the first problem.
    private struct Builder {
        let source: String
        var stack: [Node] = []
        var root: Node?
        var failure: InputError?

        init(source: String) { self.source = source }

        /// Takes one node; false (and `failure` set) when the document is refused.
        mutating func add(_ node: XMLPullNode) -> Bool {
            switch node {
            case .start(let qualified, let pairs, let line, let isEmpty):
                let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
                var attributes: [String: String] = [:]
                for (name, value) in pairs { attributes[name] = value }
                let element = Node(name: local, attributes: attributes, line: line)
                if stack.count >= maximumDepth {
                    failure = InputError(
                        source: source, line: line, message: "XML nested deeper than \(maximumDepth) elements")
                    return false
                }
                if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
                if !isEmpty { stack.append(element) }
            case .end(let qualified, let line):
                let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
                if let top = stack.last, top.name != local {
                    failure = InputError(
                        source: source, line: line,
                        message: "malformed XML: </\(qualified)> closes <\(top.name)> opened on line \(top.line)")
                    return false
                }
                _ = stack.popLast()
            case .text(let text):
                stack.last?.textParts.append(text)
            case .other:
                break
            }
            return true
        }

        func finish() throws(InputError) -> Node {
            if let failure { throw failure }
            if let open = stack.last {
                throw InputError(
                    source: source, line: open.line, message: "malformed XML: <\(open.name)> is never closed")
            }
            guard let root else {
                throw InputError(source: source, line: 1, message: "malformed XML: \(describe(code: 4, libxml2: nil))")
            }
            return root
        }
    }
}
