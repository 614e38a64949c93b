/// The seed article's allow-list of Windows Update URLs (`update-hosts.tsv`, kind `pattern`), as a
/// firewall or proxy applies it: `*.example.com` covers every name below `example.com` (not the name
/// itself); a pattern without `*` covers exactly that name. Case and a trailing dot do not matter. Pure.
public enum AllowList {
    /// The first pattern that covers `host`, or nil when none does.
    public static func match(_ host: String, patterns: [String] = Catalog.shared.updateHostPatterns) -> String? {
        let name = normalized(host)
        guard !name.isEmpty else { return nil }
        return patterns.first { covers($0, name) }
    }

    /// True when `pattern` covers `host`.
    public static func covers(_ pattern: String, _ host: String) -> Bool {
        let p = normalized(pattern)
        let h = normalized(host)
        guard !p.isEmpty, !h.isEmpty else { return false }
        if p.hasPrefix("*.") {
            let suffix = String(p.dropFirst(1))  // ".example.com"
            return h.hasSuffix(suffix) && h.count > suffix.count
        }
        return p == h
    }

    static func normalized(_ name: String) -> String {
        var n = name.lowercased()
        while n.hasSuffix(".") { n.removeLast() }
        return n
    }
}
