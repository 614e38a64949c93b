import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitReports

/// `tlsfit suites`: the cipher-suite catalog from the command line.
struct SuitesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suites",
        abstract: "Look up cipher suites, translate cipher lists, and show Windows defaults.",
        discussion: """
            Suites can be named by IANA name, OpenSSL name, Windows Schannel name (curve-suffixed \
            forms such as TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384 included) or code point \
            (0xC030, C030, "0xC0,0x30").

            Windows releases: \(WindowsRelease.allCases.map { $0.rawValue }.joined(separator: ", ")); \
            aliases such as win7, 2012r2, win11 work too.

            Examples:
              tlsfit suites show 0xC030
              tlsfit suites translate --to gpo --windows win7 ECDHE-RSA-AES256-SHA384:AES256-GCM-SHA384
              tlsfit suites defaults windows-7 --format json
              tlsfit suites hosts --role wsus
            """,
        subcommands: [Show.self, Translate.self, Defaults.self, List.self, Hosts.self]
    )
}

extension SuitesCommand {
    enum Format: String, ArgumentChoice, Sendable {
        case text, json
    }

    struct FormatOptions: ParsableArguments {
        @Option(help: "Output format: text or json.")
        var format: Format = .text
    }

    /// Prints `tlsfit: error: ...` to stderr and returns the exit code for bad input.
    static func badInput(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    static func release(_ text: String) throws -> WindowsRelease {
        guard let release = WindowsRelease(userText: text) else {
            throw badInput(WindowsRelease.unknownMessage(text))
        }
        return release
    }

    static func suite(_ name: String) throws -> CipherSuite {
        let catalog = Catalog.shared
        guard let suite = catalog.suite(named: name) else {
            let close = catalog.suggestions(for: name, limit: 3)
            let hint = close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"
            throw badInput("unknown cipher suite '\(name)'\(hint)")
        }
        return suite
    }

    static func emitJSON<T: Encodable>(_ value: T) throws {
        print(try JSONOutput.encode(value))
    }

    /// Left-aligned columns for text tables, padded to their widest cell. With a `layout` whose width the table exceeds: a
    /// two-column table wraps its second column; a wider one keeps the leading columns that fit and puts the others on a line under each row (none when they are all "-").
    static func table(_ rows: [[String]], indent: String = "  ", layout: TextLayout? = nil) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let full = indent.count + widths.dropLast().reduce(0) { $0 + $1 + 2 } + (widths.last ?? 0)
        if let layout, full > layout.width, width >= 2 {
            if width == 2 {
                return rows.map { row in
                    let line = indent + (row.first ?? "").padded(to: widths[0] + 2)
                    guard row.count == 2 else { return line }
                    return String(layout.wrap(row[1], first: line, indent: String(repeating: " ", count: line.count)).dropLast())
                }.joined(separator: "\n")
            }
            // As many leading columns as fit; the others on an indented line under each row.
            var keep = width - 1
            func lineWidth(_ k: Int) -> Int { indent.count + widths[..<(k - 1)].reduce(0) { $0 + $1 + 2 } + widths[k - 1] }
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

    static func flagWords(_ suite: CipherSuite) -> String {
        var words: [String] = []
        if suite.isInsecure { words.append("INSECURE") }
        if suite.isAEAD { words.append("AEAD") }
        if suite.isForwardSecret { words.append("forward secret") }
        return words.isEmpty ? "-" : words.joined(separator: ", ")
    }

    static func protocolRange(_ suite: CipherSuite) -> String {
        suite.minVersion == suite.maxVersion ? suite.minVersion.rawValue : "\(suite.minVersion.rawValue) - \(suite.maxVersion.rawValue)"
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
