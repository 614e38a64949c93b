/// Ranks known names by how close they are to a name the user typed.
enum NameDistance {
    /// Known names with their comparison forms, computed once (not on every lookup).
    struct Index: Sendable {
        let entries: [(name: String, normalized: [UInt8], tokens: Set<String>)]

        init(_ names: [String]) {
            entries = names.map { ($0, NameDistance.normalize($0), Set(NameDistance.tokens($0))) }
        }
    }

    static func closest(to name: String, among index: Index, limit: Int) -> [String] {
        // No suite name is near this long; comparing one would cost length × every name (found by fuzzing).
        guard limit > 0, name.utf8.count <= 128 else { return [] }
        let query = normalize(name)
        guard !query.isEmpty else { return [] }
        let queryTokens = Set(tokens(name))
        let scored = index.entries.map { candidate -> (String, Int) in
            let distance = levenshtein(query, candidate.normalized)
            let shared = queryTokens.intersection(candidate.tokens).count
            return (candidate.name, distance * 4 - shared * 3)
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }

    /// Upper case, `-` and `_` folded together, so OpenSSL and IANA spellings compare fairly.
    static func normalize(_ s: String) -> [UInt8] {
        Array(s.uppercased().utf8).map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }
    }

    static func tokens(_ s: String) -> [String] {
        s.uppercased().split(whereSeparator: { $0 == "_" || $0 == "-" }).map(String.init)
    }

    static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
