import CipherSuites
import FoundationEssentials

/// The public keys Windows Update's service chains are pinned to (`CipherSuites/update-pins.tsv`): a chain
/// is Microsoft's when its verified path holds one of these keys, whatever its certificates are called.
public struct UpdatePinSet: Sendable, Hashable {
    public enum Group: String, Sendable, Hashable {
        /// The roots (and intermediates) of the update chains: a match is the pin.
        case update
        /// Microsoft's other public roots: a match is Microsoft rotating its chain (drift), not interception.
        case microsoft
    }

    public struct Key: Sendable, Hashable {
        public var group: Group
        public var role: String
        public var subject: String
        /// Hex, lowercase.
        public var spkiSHA256: String
        public var confidence: EndpointFact.Confidence
        public var source: String

        public init(
            group: Group, role: String, subject: String, spkiSHA256: String, confidence: EndpointFact.Confidence,
            source: String
        ) {
            self.group = group
            self.role = role
            self.subject = subject
            self.spkiSHA256 = spkiSHA256.lowercased()
            self.confidence = confidence
            self.source = source
        }
    }

    public var keys: [Key]
    /// Where the set comes from: `built-in`, or the test set's name.
    public var origin: String

    public init(keys: [Key], origin: String) {
        self.keys = keys
        self.origin = origin
    }

    /// The shipped set. A malformed embedded file is a programming error.
    public static let builtIn: UpdatePinSet = {
        do { return try parse(CipherSuitesData.updatePinsTSV, source: "update-pins.tsv") } catch {
            fatalError("\(error)")
        }
    }()

    /// The key of the verified path that matches `group`, the leaf left out (a pin names a CA).
    public func match(_ path: [VerifiedLink]?, group: Group) -> (link: VerifiedLink, key: Key)? {
        guard let path else { return nil }
        let wanted = Dictionary(
            keys.filter { $0.group == group }.map { ($0.spkiSHA256, $0) }, uniquingKeysWith: { a, _ in a })
        for link in path.dropFirst() {
            if let key = wanted[link.spkiSHA256.lowercased()] { return (link, key) }
        }
        // A path of one certificate (a self-signed leaf) can only match itself.
        if path.count == 1, let link = path.first, let key = wanted[link.spkiSHA256.lowercased()] { return (link, key) }
        return nil
    }

    /// Parses the TSV: group, role, subject, SPKI SHA-256 (64 hex digits), confidence, source.
    public static func parse(_ text: String, source: String) throws(InputError) -> UpdatePinSet {
        var keys: [Key] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6 else {
                throw InputError(
                    source: source, line: lineNumber, message: "expected 6 tab-separated columns, found \(fields.count)"
                )
            }
            guard let group = Group(rawValue: fields[0]) else {
                throw InputError(
                    source: source, line: lineNumber, message: "unknown group '\(fields[0])' (update, microsoft)")
            }
            guard ["root", "intermediate"].contains(fields[1]) else {
                throw InputError(
                    source: source, line: lineNumber, message: "unknown role '\(fields[1])' (root, intermediate)")
            }
            let hex = fields[3].lowercased()
            guard hex.utf8.count == 64,
                hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else {
                throw InputError(source: source, line: lineNumber, message: "the SPKI SHA-256 must be 64 hex digits")
            }
            guard let confidence = EndpointFact.Confidence(rawValue: fields[4]) else {
                throw InputError(source: source, line: lineNumber, message: "unknown confidence '\(fields[4])'")
            }
            keys.append(
                Key(
                    group: group, role: fields[1], subject: fields[2], spkiSHA256: hex, confidence: confidence,
                    source: fields[5]))
        }
        return UpdatePinSet(keys: keys, origin: source == "update-pins.tsv" ? "built-in" : source)
    }
}
