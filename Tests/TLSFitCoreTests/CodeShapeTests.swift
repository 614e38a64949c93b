import Foundation
import Testing

/// The habits of issue 24, checked on the source tree so that they hold after the issue is closed:
/// few `@unchecked Sendable` (each saying why), few long functions, a thin executable, no public
/// one-letter names. The counts are read from the files; nothing here is a list of exceptions.
@Suite("Code shape")
struct CodeShapeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every Swift file under `Sources/`, as (path relative to the package, lines).
    static func sources(under folder: String = "Sources") throws -> [(path: String, lines: [Substring])] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, [Substring])] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let relative = String(url.path.dropFirst(root.path.count + 1))
            files.append((relative, text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    @Test("at most 4 @unchecked Sendable declarations, each with a comment saying why")
    func uncheckedSendable() throws {
        var declarations: [String] = []
        for file in try Self.sources() {
            for (index, line) in file.lines.enumerated() where line.contains("@unchecked Sendable") {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                declarations.append("\(file.path):\(index + 1)")
                // The comment block right above the declaration must say why, naming `@unchecked`.
                var line = index - 1
                var explained = false
                while line >= 0, case let above = file.lines[line].trimmingCharacters(in: .whitespaces),
                    above.hasPrefix("//")
                {
                    explained = explained || above.contains("@unchecked")
                    line -= 1
                }
                #expect(explained, "\(file.path):\(index + 1): say in a comment above why it is @unchecked")
            }
        }
        #expect(declarations.count <= 4, "\(declarations.count) @unchecked Sendable: \(declarations)")
    }

    /// Runs a command in the package folder: its exit status and what it printed (both streams).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("the tree is formatted: swift format lint --strict is clean (Scripts/lint.sh)")
    func formatted() throws {
        let (status, output) = try Self.run([
            "swift", "format", "lint", "--strict", "--recursive", "--parallel", "Sources", "Tests",
        ])
        #expect(status == 0 && output.isEmpty, "run Scripts/format.sh:\n\(output.prefix(4_000))")
    }

    @Test("at most 3 functions over 80 lines (Scripts/function-lengths.py)")
    func longFunctions() throws {
        let (status, output) = try Self.run(["python3", "Scripts/function-lengths.py", "--over", "80", "Sources"])
        #expect(status == 0)
        let listed = output.split(separator: "\n").filter { $0.contains("Sources/") }
        #expect(!output.isEmpty)
        #expect(listed.count <= 3, "\(listed.count) functions over 80 lines:\n\(listed.joined(separator: "\n"))")
    }

    @Test("the executable is thin: every file at most 200 lines, at most 2,000 in all")
    func thinExecutable() throws {
        let files = try Self.sources(under: "Sources/tlsfit")
        #expect(!files.isEmpty)
        var total = 0
        for file in files {
            // The line count `wc -l` gives: the final newline ends the last line.
            let count = file.lines.last == "" ? file.lines.count - 1 : file.lines.count
            total += count
            #expect(count <= 200, "\(file.path): \(count) lines")
        }
        #expect(total <= 2_000, "Sources/tlsfit: \(total) lines")
    }

    @Test("no public function or property has a one-letter name")
    func noOneLetterPublicNames() throws {
        let pattern = try Regex(#"(public|open)\s+(static\s+)?(func|var|let)\s+[A-Za-z_][\s(:<=]"#)
        for file in try Self.sources() {
            for (index, line) in file.lines.enumerated() where line.contains(pattern) {
                Issue.record("\(file.path):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
    }
}
