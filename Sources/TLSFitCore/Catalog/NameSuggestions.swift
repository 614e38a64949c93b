/// "Did you mean" for names the user types that are not data: subcommands, stacks, option values.
public enum NameSuggestions {
    /// The known names closest to `text`, best first; none when nothing is near (more than half the
    /// letters would have to change).
    public static func closest(to text: String, among names: [String], limit: Int = 3) -> [String] {
        let query = NameDistance.normalize(text)
        return NameDistance.closest(to: text, among: NameDistance.Index(names), limit: limit).filter { name in
            NameDistance.levenshtein(query, NameDistance.normalize(name)) * 2 <= max(query.count, name.utf8.count)
        }
    }

    /// " (did you mean a, b?)", or "" when nothing is near.
    public static func hint(for text: String, among names: [String]) -> String {
        let close = closest(to: text, among: names)
        return close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"
    }
}
