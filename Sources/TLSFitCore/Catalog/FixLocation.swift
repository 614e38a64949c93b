import CipherSuites

/// One row of `CipherSuites/fix-locations.tsv`: where a registry change has to be made (a Group
/// Policy setting, or the machine itself), with its source and confidence.
public struct FixLocation: Sendable, Hashable {
    public var id: String
    /// `SOFTWARE\Policies\...`; a trailing `\*` matches the keys below it, `*` every key; `-` for a note row.
    public var key: String
    /// A value name, or `*`.
    public var value: String
    /// `group-policy`, `local`, or `note` (a sentence, not a place).
    public var scope: String
    /// The Group Policy setting's path, or how to change the value on the machine.
    public var place: String
    public var source: String
    public var confidence: String

    /// Every row, in file order (a broken file is caught by the catalog tests).
    public static let all: [FixLocation] = (try? load(CipherSuitesData.fixLocationsTSV)) ?? []

    static func load(_ text: String) throws(InputError) -> [FixLocation] {
        let table = try TSVTable(text, source: "fix-locations.tsv", columns: 7)
        var rows: [FixLocation] = []
        for row in table.rows {
            let f = row.fields
            guard ["group-policy", "local", "note"].contains(f[3]) else {
                throw table.error(row, "unknown scope '\(f[3])'")
            }
            guard ["documented", "observed", "assumed"].contains(f[6]) else {
                throw table.error(row, "unknown confidence '\(f[6])'")
            }
            rows.append(
                FixLocation(id: f[0], key: f[1], value: f[2], scope: f[3], place: f[4], source: f[5], confidence: f[6]))
        }
        return rows
    }

    /// The first place row that matches a registry value (key under HKLM, normalized).
    public static func matching(key: String, value: String?) -> FixLocation? {
        let k = RegistryPath.normalize(key).lowercased()
        return all.first { row in
            guard row.scope != "note" else { return false }
            let rowKey = row.key.lowercased()
            let keyMatches =
                rowKey == "*" || rowKey == k || (rowKey.hasSuffix("\\*") && k.hasPrefix(String(rowKey.dropLast())))
            let valueMatches = row.value == "*" || row.value.lowercased() == value?.lowercased()
            return keyMatches && valueMatches
        }
    }

    /// A note row's sentence (`refresh`: why a local import of a policy value does not last).
    public static func note(_ id: String) -> String? { all.first { $0.id == id && $0.scope == "note" }?.place }
}
