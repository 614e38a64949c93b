import CipherSuites

/// One row of `CipherSuites/collect.tsv`: one thing `tlsfit collect`'s script gathers on the
/// Windows machine, the file it lands in, and what tlsfit reads from it. The script is generated
/// from these rows, so what is collected and what is read cannot drift apart.
public struct CollectItem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `reg export HKLM\<what>`.
        case reg
        /// An executable's output (`netsh`, `gpresult`).
        case command
        /// A PowerShell cmdlet's output, where the cmdlet exists.
        case cmdlet
        /// The WindowsUpdate.log.
        case log
        /// `-Probe`: the machine's own WinHTTP against each update host.
        case probe
        /// `-Capture`: a packet capture around one update scan.
        case capture
    }

    public var id: String
    public var kind: Kind
    /// The file's name in the bundle.
    public var file: String
    /// A registry key under HKLM (reg), or what runs.
    public var what: String
    /// What must exist on the machine.
    public var needs: String
    /// What tlsfit reads from the file ("-..." when nothing).
    public var readBy: String
    public var source: String
    public var confidence: FactConfidence
    public var line: Int

    /// True for a key of the 32-bit registry view (`SOFTWARE\Wow6432Node\...`).
    public var isWow64View: Bool { kind == .reg && what.lowercased().hasPrefix(#"software\wow6432node\"#) }
}

/// The rows of `collect.tsv`.
public enum CollectTable {
    public static let file = "CipherSuites/collect.tsv"

    /// Every row, in file order (validated by the catalog tests).
    public static let all: [CollectItem] = (try? load(CipherSuitesData.collectTSV)) ?? []

    static func load(_ text: String) throws(InputError) -> [CollectItem] {
        let table = try TSVTable(text, source: "collect.tsv", columns: 8)
        var items: [CollectItem] = []
        for row in table.rows {
            let f = row.fields
            guard let kind = CollectItem.Kind(rawValue: f[1]) else { throw table.error(row, "unknown kind '\(f[1])'") }
            guard let confidence = FactConfidence(rawValue: f[7]) else {
                throw table.error(row, "confidence must be captured, documented, reported or assumed, not '\(f[7])'")
            }
            guard !items.contains(where: { $0.file.lowercased() == f[2].lowercased() || $0.id == f[0] }) else {
                throw table.error(row, "the id '\(f[0])' or the file '\(f[2])' is used twice")
            }
            // The file name lands in PowerShell strings and in the zip: plain characters only.
            guard
                f[2].utf8.allSatisfy({
                    $0 < 0x80 && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/")
                })
            else {
                throw table.error(row, "the file name '\(f[2])' must be plain ASCII without quotes or separators")
            }
            if kind == .reg, f[3].contains("'") || f[3].contains("\"") {
                throw table.error(row, "a registry key with a quote")
            }
            items.append(
                CollectItem(
                    id: f[0], kind: kind, file: f[2], what: f[3], needs: f[4], readBy: f[5], source: f[6],
                    confidence: confidence, line: row.line))
        }
        return items
    }

    /// The row of `id`.
    public static func item(_ id: String) -> CollectItem? { all.first { $0.id == id } }

    /// The registry keys exported (under HKLM).
    public static var exportedKeys: [String] { all.filter { $0.kind == .reg }.map(\.what) }

    /// Whether `key` (under HKLM) lies in a key the script exports (`reg export` takes the subtree).
    public static func isCollected(_ key: String) -> Bool {
        let folded = RegistryPath.folded(RegistryPath.normalize(key))
        return exportedKeys.contains { exported in
            let e = RegistryPath.folded(RegistryPath.normalize(exported))
            return folded == e || folded.hasPrefix(e + "\\")
        }
    }
}

extension RegistryPath {
    /// Every key tlsfit's readers look values up in (the evaluation of the Schannel client, WinHTTP,
    /// .NET, the release, the proxy, the root-list sync): `collect` must export each of them.
    public static var readerKeys: [String] {
        [
            schannel, policySSL, localSSL, winHTTP, winHTTPWow64, DotNetFrameworkTLS.key, DotNetFrameworkTLS.keyWow64,
            #"SOFTWARE\Microsoft\.NETFramework\v2.0.50727"#,
            #"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727"#,
            DetectedRelease.key, MachineProxyConfiguration.connectionsKey,
            RevocationListSync.key,
        ]
    }
}
