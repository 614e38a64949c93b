import Foundation
import TLSFitTestSupport
import Testing

/// Every example in README.md and docs/ is run and must print what the page shows.
///
/// An example is a line `$ tlsfit ...` inside a fenced block (continued by a trailing `\`), followed
/// by the standard output it shows, up to the next `$ ` line or the end of the block. A line `...`
/// stands for any number of lines left out, and `...` within a line for any text there (a time, a
/// duration). Trailing spaces and trailing empty lines are not
/// compared. Other `$ ` lines in a block: `$ cd FOLDER` (relative to the repository, or to the
/// folder the block is in) and `$ tlsfit serve ... &`, a lab server that the later examples of the
/// block talk to and that is stopped at the block's end. Each block runs in a fresh copy of the
/// folder it starts in (docs/examples by default), so what an example writes stays in the copy.
/// Runs get `NO_COLOR=1`, `COLUMNS=80` and a fixed report date.
@Suite("Documentation examples", .serialized)
struct DocumentationExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let defaultFolder = "docs/examples"
    static let environment = ["NO_COLOR": "1", "COLUMNS": "80", "TLSFIT_REPORT_DATE": "2026-01-01T00:00:00Z"]

    struct Step: Sendable, CustomStringConvertible {
        enum Kind: Sendable {
            case changeFolder(String)
            case server([String])
            case example([String], expected: [String])
        }
        var kind: Kind
        var page: String
        var line: Int
        /// The page's lines (0-based) that show the example's output.
        var output: Range<Int> = 0..<0
        var description: String { "\(page):\(line)" }
    }

    struct Block: Sendable, CustomStringConvertible {
        var page: String
        var line: Int
        var steps: [Step]
        var description: String { "\(page):\(line)" }
    }

    /// The pages: the README and every Markdown file under docs/.
    static func pages() -> [String] {
        var result = ["README.md"]
        let docs = root.appendingPathComponent("docs")
        if let walker = FileManager.default.enumerator(atPath: docs.path) {
            for case let path as String in walker where path.hasSuffix(".md") { result.append("docs/" + path) }
        }
        return result.sorted()
    }

    static func blocks() -> [Block] {
        pages().flatMap { page -> [Block] in
            guard let text = try? String(contentsOf: root.appendingPathComponent(page), encoding: .utf8) else {
                return []
            }
            return parse(text, page: page)
        }
    }

    /// The blocks of a page that hold at least one `$ tlsfit` example.
    static func parse(_ text: String, page: String) -> [Block] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("```") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
            var steps: [Step] = []
            var i = start
            while i < end {
                guard lines[i].hasPrefix("$ ") else {
                    i += 1
                    continue
                }
                let commandLine = i + 1
                var command = String(lines[i].dropFirst(2))
                while command.hasSuffix("\\"), i + 1 < end {
                    i += 1
                    command = String(command.dropLast()) + " " + lines[i].trimmingCharacters(in: .whitespaces)
                }
                i += 1
                var output: [String] = []
                while i < end, !lines[i].hasPrefix("$ ") {
                    output.append(lines[i])
                    i += 1
                }
                let words = ShellWords.split(command)
                if words.first == "cd", words.count == 2 {
                    steps.append(Step(kind: .changeFolder(words[1]), page: page, line: commandLine))
                } else if words.first == "tlsfit", words.last == "&" {
                    steps.append(
                        Step(kind: .server(Array(words.dropFirst().dropLast())), page: page, line: commandLine))
                } else if words.first == "tlsfit" {
                    steps.append(
                        Step(
                            kind: .example(Array(words.dropFirst()), expected: output), page: page, line: commandLine,
                            output: (i - output.count)..<i))
                }
            }
            if steps.contains(where: { if case .example = $0.kind { return true } else { return false } }) {
                blocks.append(Block(page: page, line: start, steps: steps))
            }
            index = end + 1
        }
        return blocks
    }

    @Test func enoughExamplesRunWithoutAServer() {
        let standalone = Self.blocks().filter { block in
            !block.steps.contains { if case .server = $0.kind { return true } else { return false } }
        }
        let count = standalone.flatMap(\.steps).filter {
            if case .example = $0.kind { return true } else { return false }
        }.count
        #expect(count >= 8, "only \(count) examples run without a server")
    }

    @Test(arguments: DocumentationExamplesTests.blocks())
    func exampleReproduces(block: Block) throws {
        try Self.run(block) { step, arguments, expected, result in
            let mismatch = OutputPattern.mismatch(
                expected: expected, actual: result.stdout.components(separatedBy: "\n"))
            #expect(
                mismatch == nil,
                "\(step): `tlsfit \(arguments.joined(separator: " "))`: \(mismatch ?? "")\n--- printed:\n\(result.stdout)\n--- stderr:\n\(result.stderr)"
            )
        }
    }

    /// `TLSFIT_UPDATE_DOCS=1 swift test --filter DocumentationExamples`: writes what each example
    /// prints into its page (examples with a `...` line are left for a person to edit); review the diff.
    @Test func updatePagesWhenAsked() throws {
        guard ProcessInfo.processInfo.environment["TLSFIT_UPDATE_DOCS"] == "1" else { return }
        for page in Self.pages() {
            let url = Self.root.appendingPathComponent(page)
            let text = try String(contentsOf: url, encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            var replacements: [(Range<Int>, [String])] = []
            for block in Self.parse(text, page: page) {
                try Self.run(block) { step, _, expected, result in
                    guard !expected.contains(where: { $0.contains("...") }) else { return }
                    var printed = result.stdout.components(separatedBy: "\n")
                    while printed.last == "" { printed.removeLast() }
                    replacements.append((step.output, printed))
                }
            }
            for (range, printed) in replacements.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
                lines.replaceSubrange(range, with: printed)
            }
            let updated = lines.joined(separator: "\n")
            if updated != text { try updated.write(to: url, atomically: true, encoding: .utf8) }
        }
    }

    /// Runs a block's steps in a scratch copy of its folder, handing each example's result to `check`.
    static func run(_ block: Block, check: (Step, [String], [String], CLIResult) throws -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docs-example-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var folder = try Self.copy(Self.defaultFolder, to: scratch)
        var servers: [Process] = []
        defer {
            for server in servers {
                server.terminate()
                server.waitUntilExit()
            }
        }
        for step in block.steps {
            switch step.kind {
            case .changeFolder(let path):
                try? FileManager.default.removeItem(at: scratch)
                folder = try Self.copy(path, to: scratch)
            case .server(let arguments):
                servers.append(try Self.startServer(arguments, in: folder, step: step))
            case .example(let arguments, let expected):
                let result = try CLI.run(
                    arguments, timeout: 120, currentDirectory: folder, environment: Self.environment)
                try check(step, arguments, expected, result)
            }
        }
    }

    /// Copies a repository folder to `scratch` and returns the copy.
    static func copy(_ relative: String, to scratch: URL) throws -> URL {
        let source = root.appendingPathComponent(relative)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ExampleError("`cd \(relative)`: no such folder in the repository")
        }
        try FileManager.default.copyItem(at: source, to: scratch)
        return scratch
    }

    /// Starts `tlsfit serve ...` and waits until it listens on its `--port`.
    static func startServer(_ arguments: [String], in folder: URL, step: Step) throws -> Process {
        guard let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count,
            let port = Int(arguments[index + 1])
        else {
            throw ExampleError("\(step): a lab server in an example names its --port")
        }
        let process = Process()
        process.executableURL = CLI.executableURL
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if ExternalServer.canConnect(port: port) { return process }
            guard process.isRunning else {
                throw ExampleError("\(step): `tlsfit \(arguments.joined(separator: " "))` exited")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw ExampleError("\(step): the lab server did not listen on \(port) within 20 s")
    }

    struct ExampleError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Compares printed lines with a page's lines, where a line `...` stands for any lines.
enum OutputPattern {
    static func mismatch(expected: [String], actual: [String]) -> String? {
        let want = trimmed(expected)
        let got = trimmed(actual)
        return matches(want[...], got[...]) ? nil : "the output differs from the page"
    }

    static func trimmed(_ lines: [String]) -> [String] {
        var result = lines.map { line -> String in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
        while result.last == "" { result.removeLast() }
        while result.first == "" { result.removeFirst() }
        return result
    }

    static func matches(_ want: ArraySlice<String>, _ got: ArraySlice<String>) -> Bool {
        guard let first = want.first else { return got.isEmpty }
        if first.trimmingCharacters(in: .whitespaces) == "..." {
            let rest = want.dropFirst()
            if rest.isEmpty { return true }
            var skip = got.startIndex
            while skip <= got.endIndex {
                if matches(rest, got[skip...]) { return true }
                skip += 1
            }
            return false
        }
        guard let line = got.first, lineMatches(first, line) else { return false }
        return matches(want.dropFirst(), got.dropFirst())
    }

    /// `...` inside a line stands for any text there (a time, a duration, a certificate's dates).
    static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        guard pattern.contains("...") else { return pattern == line }
        let parts = pattern.components(separatedBy: "...")
        guard line.hasPrefix(parts[0]), line.hasSuffix(parts[parts.count - 1]),
            line.count >= parts[0].count + parts[parts.count - 1].count
        else { return pattern == line }
        var rest = Substring(line.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count))
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let range = rest.range(of: middle) else { return pattern == line }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// POSIX shell words, as far as the examples need: quotes, backslashes, and `#` comments.
enum ShellWords {
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(text)[...]
        while let c = iterator.popFirst() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\", q == "\"", let next = iterator.popFirst() {
                    current.append(next)
                } else {
                    current.append(c)
                }
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                if let next = iterator.popFirst() {
                    current.append(next)
                    inWord = true
                }
            case " ", "\t":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "#" where !inWord:
                return words
            default:
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
