import TLSFitCore

/// The text of `tlsfit suites`: its tables, a suite's flags and protocols, the update hosts.
public enum SuitesText {
    /// Left-aligned columns for text tables, padded to their widest cell. With a `layout` whose width the table exceeds: a
    /// two-column table wraps its second column; a wider one keeps the leading columns that fit and puts the others on a line under each row (none when they are all "-").
    public static func table(_ rows: [[String]], indent: String = "  ", layout: TextLayout? = nil) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let full = indent.count + widths.dropLast().reduce(0) { $0 + $1 + 2 } + (widths.last ?? 0)
        if let layout, full > layout.width, width >= 2 {
            if width == 2 {
                return rows.map { row in
                    let line = indent + (row.first ?? "").padded(to: widths[0] + 2)
                    guard row.count == 2 else { return line }
                    return String(
                        layout.wrap(row[1], first: line, indent: String(repeating: " ", count: line.count)).dropLast())
                }.joined(separator: "\n")
            }
            // As many leading columns as fit; the others on an indented line under each row.
            var keep = width - 1
            func lineWidth(_ k: Int) -> Int {
                indent.count + widths[..<(k - 1)].reduce(0) { $0 + $1 + 2 } + widths[k - 1]
            }
            while keep > 1, lineWidth(keep) > layout.width { keep -= 1 }
            return rows.map { row in
                var line = indent
                for (i, cell) in row.prefix(keep).enumerated() { line += cell.padded(to: widths[i] + 2) }
                while line.last == " " { line.removeLast() }
                let rest = Array(row.dropFirst(keep))
                guard !rest.allSatisfy({ $0 == "-" || $0.isEmpty }) else { return line }
                // Words of each cell, two spaces between cells (the last word of a cell carries one).
                let cells = rest.filter { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
                let atoms = cells.enumerated().flatMap { i, words in
                    i == cells.count - 1 ? words : words.dropLast() + [(words.last ?? "") + " "]
                }
                let under = layout.wrap(atoms: atoms, first: indent + "    ", indent: indent + "      ")
                return line + "\n" + String(under.dropLast()).replacingTrailingSpaces()
            }.joined(separator: "\n")
        }
        return rows.map { row in
            var line = indent
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell.padded(to: widths[i] + 2)
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    public static func flagWords(_ suite: CipherSuite) -> String {
        var words: [String] = []
        if suite.isInsecure { words.append("INSECURE") }
        if suite.isAEAD { words.append("AEAD") }
        if suite.isForwardSecret { words.append("forward secret") }
        return words.isEmpty ? "-" : words.joined(separator: ", ")
    }

    public static func protocolRange(_ suite: CipherSuite) -> String {
        suite.minVersion == suite.maxVersion
            ? suite.minVersion.rawValue : "\(suite.minVersion.rawValue) - \(suite.maxVersion.rawValue)"
    }

    /// The hosts at `layout.width` columns: facts and suite lists wrap; host names, suite names and sources stay whole.
    public static func text(_ entries: [UpdateHostEntry], layout: TextLayout) -> String {
        var out = ""
        func line(_ text: String, _ first: String, _ indent: String) {
            out += layout.wrapKeepingKeys(text, first: first, indent: indent)
        }
        for e in entries {
            line(
                "\(e.host):\(e.port) (\(e.scheme))  \(e.roles.joined(separator: ", "))"
                    + (e.agents.isEmpty
                        ? "; contacted by no agent by default" : "; contacted by: \(e.agents.joined(separator: ", "))"),
                "", "  ")
            line(e.purpose, "  ", "    ")
            line("allow-list: \(e.allowListPattern ?? "not covered")", "  ", "    ")
            if e.scheme == "http" {
                line("served over plain HTTP: checked with TCP \(e.port) and one request, not TLS", "  ", "    ")
            }
            if let profile = e.profile {
                var text =
                    "built-in profile '\(profile)': \(e.certificateKeyType == "EC" ? "ECDSA" : (e.certificateKeyType ?? "?")) certificate"
                if let chain = e.certificateChain, !chain.isEmpty { text += ", \(chain.joined(separator: " -> "))" }
                line(text + "; refuses by \(e.refusal == "reset" ? "TCP reset" : "alert")", "  ", "    ")
                for (version, suites) in (e.protocols ?? [:]).sorted(by: { $0.key > $1.key }) {
                    line("\(version): \(suites.joined(separator: ", "))", "    ", "      ")
                }
                for f in e.facts ?? [] {
                    line("\(f.name): \(f.confidence.rawValue.uppercased()) (\(f.date)) \(f.source)", "    ", "      ")
                }
            } else if e.scheme == "https" {
                line("no built-in TLS profile: measured live (tlsfit scan)", "  ", "    ")
            }
            line("source: \(e.source)", "  ", "    ")
            out += "\n"
        }
        return out
    }
}

extension String {
    /// The text without the spaces that end its lines.
    fileprivate func replacingTrailingSpaces() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = String(line)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
