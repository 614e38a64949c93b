import CipherSuites

/// The SCHANNEL switch keys Schannel reads (`CipherSuites/schannel-switches.tsv`), matched by their
/// exact name as Schannel does: a misspelt key switches nothing off.
public struct SchannelSwitchCatalog: Sendable {
    public struct Entry: Sendable, Hashable {
        /// `Ciphers`, `Hashes` or `KeyExchangeAlgorithms`.
        public var kind: String
        public var name: String
        /// The suite field the switch tests (`encryption`, `mac`, `keyExchange`) and the patterns it matches.
        public var field: String
        public var patterns: [String]
        /// False when no release in the catalog reads this spelling (`Triple DES 168/168`).
        public var read: Bool
        public var note: String?

        /// True when switching this key off removes `suite`.
        public func removes(_ suite: CipherSuite) -> Bool {
            let value: String =
                switch field {
                case "encryption": suite.encryption
                case "mac": suite.mac
                default: suite.keyExchange
                }
            return patterns.contains { p in
                if p.hasPrefix("*"), p.hasSuffix("*"), p.count > 1 { return value.contains(p.dropFirst().dropLast()) }
                if p.hasSuffix("*") { return value.hasPrefix(p.dropLast()) }
                return value == p
            }
        }
    }

    public static let shared: SchannelSwitchCatalog = {
        do { return try SchannelSwitchCatalog(CipherSuitesData.schannelSwitchesTSV) } catch {
            fatalError("embedded schannel-switches.tsv is malformed: \(error)")
        }
    }()

    public let entries: [Entry]
    /// "kind\u{0}lower-cased name" -> entry: lookups run for every switch of every evaluated configuration.
    private let byKindAndName: [String: Entry]

    public init(_ text: String) throws(InputError) {
        let table = try TSVTable(text, source: "schannel-switches.tsv", columns: 6)
        var entries: [Entry] = []
        for row in table.rows {
            let f = row.fields
            guard ["Ciphers", "Hashes", "KeyExchangeAlgorithms"].contains(f[0]) else {
                throw table.error(row, "kind must be Ciphers, Hashes or KeyExchangeAlgorithms, not '\(f[0])'")
            }
            let parts = f[2].split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["encryption", "mac", "keyExchange"].contains(parts[0]) else {
                throw table.error(row, "removes must be encryption=..., mac=... or keyExchange=..., not '\(f[2])'")
            }
            guard f[3] == "all" || f[3] == "none" else {
                throw table.error(row, "releases must be all or none, not '\(f[3])'")
            }
            guard !entries.contains(where: { $0.kind == f[0] && $0.name.lowercased() == f[1].lowercased() }) else {
                throw table.error(row, "\(f[0])\\\(f[1]) appears twice")
            }
            entries.append(
                Entry(
                    kind: f[0], name: f[1], field: parts[0], patterns: parts[1].split(separator: "|").map(String.init),
                    read: f[3] == "all", note: f[5] == "-" ? nil : f[5]))
        }
        self.entries = entries
        byKindAndName = Dictionary(
            entries.map { ($0.kind + "\u{0}" + $0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The entry for a key name under `kind`, compared as the registry does (case-insensitive, otherwise exact).
    public func entry(kind: String, name: String) -> Entry? {
        byKindAndName[kind + "\u{0}" + name.lowercased()]
    }

    /// The names Schannel reads under `kind`.
    public func names(kind: String) -> [String] { entries.filter { $0.kind == kind && $0.read }.map(\.name) }
}
