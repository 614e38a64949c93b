internal import CXML
import TLSFitCore

/// libxml2's pull reader (xmlTextReader) as the core's `XMLPullReader`: libxml2 is loaded with
/// dlopen when the first document is read, so no start of tlsfit pays for it and ICU.
public struct LibXML2Reader: XMLPullReader {
    public init() {}

    public func read(_ bytes: [UInt8], _ visit: (XMLPullNode) -> Bool) throws(XMLPullFailure) {
        if let why = cxml_load() { throw .unavailable(String(cString: why)) }
        guard bytes.count < Int(Int32.max) else { throw .unavailable("XML larger than 2 GB") }
        // libxml2 reads the bytes in place: the whole walk stays inside the buffer's lifetime.
        let failure: XMLPullFailure? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                let reader = cxml_open(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count))
            else {
                return .unavailable("libxml2 could not start a reader (out of memory?)")
            }
            defer { cxml_close(reader) }
            return Self.pull(reader, visit)
        }
        if let failure { throw failure }
    }

    /// Hands every node to `visit` until the end, an error (returned), or `visit` says stop.
    private static func pull(_ reader: OpaquePointer, _ visit: (XMLPullNode) -> Bool) -> XMLPullFailure? {
        var node = cxml_node()
        while true {
            let step = cxml_next(reader, &node)
            if step == 0 { return nil }
            if step < 0 {
                var code: Int32 = 0
                var line = 0
                var message: UnsafePointer<CChar>?
                cxml_error(reader, &code, &line, &message)
                return .malformed(code: Int(code), line: line, message: message.map { String(cString: $0) })
            }
            let current: XMLPullNode
            switch Int32(node.kind) {
            case Int32(CXML_START):
                var attributes: [(name: String, value: String)] = []
                var name: UnsafePointer<CChar>?
                var value: UnsafePointer<CChar>?
                while cxml_next_attribute(reader, &name, &value) == 1 {
                    if let name { attributes.append((String(cString: name), value.map { String(cString: $0) } ?? "")) }
                }
                current = .start(
                    name: node.name.map { String(cString: $0) } ?? "", attributes: attributes,
                    line: node.line, isEmpty: node.empty != 0)
            case Int32(CXML_END):
                current = .end(name: node.name.map { String(cString: $0) } ?? "", line: node.line)
            case Int32(CXML_TEXT):
                current = node.value.map { .text(String(cString: $0)) } ?? .other
            default:
                current = .other
            }
            if !visit(current) { return nil }
        }
    }
}
