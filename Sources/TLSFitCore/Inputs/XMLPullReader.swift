/// One node of an XML document, as an `XMLPullReader` hands it over.
public enum XMLPullNode {
    /// A start tag: the qualified name as written (`q1:Policy`), its attributes in document order
    /// (namespace declarations such as `xmlns:q1` among them), the line of the tag (from 1), and
    /// whether it is also the end (`<a/>`).
    case start(name: String, attributes: [(name: String, value: String)], line: Int, isEmpty: Bool)
    /// An end tag: the qualified name and its line.
    case end(name: String, line: Int)
    /// Text, CDATA or white space, with entities and character references replaced.
    case text(String)
    /// A comment, processing instruction or anything else.
    case other
}

/// Why an `XMLPullReader` stopped.
public enum XMLPullFailure: Error, Sendable, Equatable {
    /// The reader cannot work at all (its library is missing, out of memory): why, in words.
    case unavailable(String)
    /// The document is not well-formed XML: libxml2's `xmlParserErrors` number (1 when unknown),
    /// the line (0 when unknown) and the parser's own message, if any.
    case malformed(code: Int, line: Int, message: String?)
}

/// Reads XML as a stream of nodes, for the gpresult parser: the core's parsers take bytes and this
/// capability; the system module's `LibXML2Reader` supplies it (libxml2's pull reader).
public protocol XMLPullReader: Sendable {
    /// Reads `bytes` (UTF-8, without an XML declaration naming another encoding), without network,
    /// DTD loading or entity expansion from a DTD, and calls `visit` with every node in document
    /// order until it returns false. Throws when the reader is unavailable or the document is
    /// malformed (the nodes before the error have been visited).
    func read(_ bytes: [UInt8], _ visit: (XMLPullNode) -> Bool) throws(XMLPullFailure)
}
