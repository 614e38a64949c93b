/// Where a fix has to be made. A value under the policy hive (`HKLM\SOFTWARE\Policies\...`) belongs
/// to Group Policy: it is fixed in the GPO, and a local import of the `.reg` lasts only until the
/// next Group Policy refresh, which writes the GPO's value back. A value elsewhere is the machine's
/// own and can be fixed on the machine.
public enum FixScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// At least one change is under `SOFTWARE\Policies`: change the GPO.
    case groupPolicy = "group-policy"
    /// Every change is the machine's own (Schannel, WinHTTP, .NET, the local cipher order): import the `.reg`.
    case local

    /// The Group Policy setting that writes a policy-hive value, by its path in the Group Policy editor.
    public static func policySetting(valueName: String) -> String? {
        switch valueName.lowercased() {
        case "functions": "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > SSL Cipher Suite Order"
        case "ecccurves": "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > ECC Curve Order"
        default: nil
        }
    }

    /// What the GPO note says after the setting's path: why a local import does not last.
    public static let refreshNote = "a local import of the .reg is undone at the next Group Policy refresh (gpupdate, the periodic background refresh, or a restart), which writes the GPO's value back"

    /// The scope of a list of registry changes and the sentence that says where to make them; nil for no change.
    public static func of(_ changes: [RegFileWriter.Change]) -> (FixScope?, String?) {
        guard !changes.isEmpty else { return (nil, nil) }
        let policy = changes.filter { RegistryPath.normalize($0.key).lowercased().hasPrefix(#"software\policies\"#) }
        if !policy.isEmpty {
            let names = policy.compactMap { change -> String? in
                guard case .setValue(let name, _) = change.action else { return nil }
                return name
            }
            var settings: [String] = []
            for name in names { if let s = policySetting(valueName: name), !settings.contains(s) { settings.append(s) } }
            let place = settings.isEmpty
                ? "the Group Policy Object that sets \(policy.map { RegistryPath.normalize($0.key) }.first ?? "it")"
                : settings.map { "\"\($0)\"" }.joined(separator: " and ")
            return (.groupPolicy, "This value is in the policy hive (HKLM\\SOFTWARE\\Policies): fix it in the GPO, \(place); \(refreshNote).")
        }
        let local = changes.filter { RegistryPath.normalize($0.key).lowercased() == RegistryPath.localSSL.lowercased() }
        if let order = local.first, case .setValue(_, let data) = order.action, let names = data.stringList {
            let commands = names.enumerated().prefix(3).map { "Enable-TlsCipherSuite -Name \($0.element) -Position \($0.offset)" }
            return (.local, "This value is the machine's own cipher order (HKLM\\SYSTEM\\...\\Configuration\\Local\\SSL, no policy sets it): import the .reg on the machine, or set the order with PowerShell on Windows 10 / Server 2016 and later (\(commands.joined(separator: "; "))\(names.count > 3 ? "; ..." : ""); -Position counts from 0).")
        }
        return (.local, "These values are the machine's own (no policy sets them): import the .reg on the machine (regedit /s), then restart it for Schannel to read them.")
    }
}
