import CipherSuites

/// One rule of `CipherSuites/update-agent-proxy.tsv`: which proxy the Windows Update agent uses
/// for a kind of connection, with its source and confidence.
public struct UpdateAgentProxyRule: Sendable, Hashable {
    public var id: String
    public var connections: String
    /// `winhttp`, `user`, `winhttp-then-user` or `user-then-winhttp`.
    public var proxy: String
    public var rule: String
    public var source: String
    public var confidence: String
    /// The line in the data file, for evidence.
    public var line: Int

    public static let file = "CipherSuites/update-agent-proxy.tsv"

    /// Every rule, in file order (validated by the catalog tests).
    public static let all: [UpdateAgentProxyRule] = (try? load(CipherSuitesData.updateAgentProxyTSV)) ?? []

    static func load(_ text: String) throws(InputError) -> [UpdateAgentProxyRule] {
        let table = try TSVTable(text, source: "update-agent-proxy.tsv", columns: 6)
        var rules: [UpdateAgentProxyRule] = []
        for row in table.rows {
            let f = row.fields
            guard ["winhttp", "user", "winhttp-then-user", "user-then-winhttp"].contains(f[2]) else {
                throw table.error(row, "unknown proxy kind '\(f[2])'")
            }
            guard ["high", "medium-high", "medium", "low-medium", "low"].contains(f[5]) else {
                throw table.error(row, "unknown confidence '\(f[5])'")
            }
            rules.append(
                UpdateAgentProxyRule(
                    id: f[0], connections: f[1], proxy: f[2], rule: f[3], source: f[4], confidence: f[5], line: row.line
                ))
        }
        return rules
    }

    public static func rule(_ id: String) -> UpdateAgentProxyRule? { all.first { $0.id == id } }

    /// The rule as evidence: the data file, its line, the rule and its source.
    public var evidence: Evidence {
        Evidence(
            file: Self.file, line: line, key: "update agent proxy rule '\(id)' (\(confidence) confidence)",
            value: "\(rule) Source: \(source)")
    }
}
