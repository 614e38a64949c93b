/// Where a fix has to be made. A value under the policy hive (`HKLM\SOFTWARE\Policies\...`) belongs
/// to Group Policy: it is fixed in the GPO, and a local import of the `.reg` lasts only until Group
/// Policy reapplies the GPO. A value elsewhere is the machine's own and can be fixed on the machine.
/// The places and their sources are data: `CipherSuites/fix-locations.tsv`.
public enum FixScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// At least one change is under `SOFTWARE\Policies`: change the GPO.
    case groupPolicy = "group-policy"
    /// Every change is the machine's own (Schannel, WinHTTP, .NET, the local cipher order): change it on the machine.
    case local

    /// The scope of a list of registry changes and the sentence that says where to make them; nil for no change.
    public static func of(_ changes: [RegFileWriter.Change]) -> (FixScope?, String?) {
        guard !changes.isEmpty else { return (nil, nil) }
        func valueName(_ c: RegFileWriter.Change) -> String? {
            switch c.action {
            case .setValue(let name, _), .setValueIfAbsent(let name, _), .deleteValue(let name): name
            default: nil
            }
        }
        let located = changes.map { (change: $0, place: FixLocation.matching(key: $0.key, value: valueName($0))) }
        let policy = located.filter { $0.place?.scope == "group-policy" }
        if !policy.isEmpty {
            var places: [String] = []
            for p in policy.compactMap(\.place?.place) where !places.contains(p) { places.append(p) }
            let refresh =
                FixLocation.note("refresh")
                ?? "a local import of the .reg is undone when Group Policy reapplies the GPO"
            return (
                .groupPolicy,
                "This value is in the policy hive (HKLM\\SOFTWARE\\Policies): fix it in the GPO, "
                    + places.map { "\"\($0)\"" }.joined(separator: " and ") + "; \(refresh)."
            )
        }
        // The local cipher order: PowerShell can write it one suite at a time.
        if let order = located.first(where: { $0.place?.id == "cipher-order-local" }),
            case .setValue(_, let data) = order.change.action,
            let names = data.stringList
        {
            let commands = names.enumerated().prefix(3).map {
                "Enable-TlsCipherSuite -Name \($0.element) -Position \($0.offset)"
            }
            return (
                .local,
                "This value is the machine's own cipher order (no policy sets it): import the .reg on the machine, or, on Windows 10 / Server 2016 and later, "
                    + commands.joined(separator: "; ") + (names.count > 3 ? "; ..." : "")
                    + " (-Position counts from 0)."
            )
        }
        let place = located.compactMap(\.place?.place).first ?? "import the .reg on the machine"
        return (.local, "These values are the machine's own (no policy sets them): \(place).")
    }
}
