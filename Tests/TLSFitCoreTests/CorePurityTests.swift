import Foundation
import Testing

/// The core is values in, values out (DESIGN.md): its sources import FoundationEssentials,
/// CipherSuites and Synchronization only, on every platform, so files, threads, libc and C
/// libraries stay in TLSFitSystem and the modules around it.
@Suite("Core purity")
struct CorePurityTests {
    static let allowed: Set<String> = ["FoundationEssentials", "CipherSuites", "Synchronization"]

    /// Sources/TLSFitCore, found from this file's path.
    static var coreFolder: URL {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "Sources/TLSFitCore")
    }

    static func sources() throws -> [URL] {
        let enumerator = try #require(FileManager.default.enumerator(at: coreFolder, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// The module an import line names (`import A`, `@testable import A.B`, `internal import A`,
    /// `import struct A.B`), or nil for a line that is not an import.
    static func importedModule(_ line: Substring) -> String? {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let modifiers: Set<Substring> = ["public", "package", "internal", "fileprivate", "private"]
        while let first = words.first, first.hasPrefix("@") || modifiers.contains(first) {
            words.removeFirst()
        }
        guard words.first == "import", words.count >= 2 else { return nil }
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
        let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
        return path.split(separator: ".").first.map(String.init)
    }

    @Test func theCoreImportsOnlyFoundationEssentialsCipherSuitesAndSynchronization() throws {
        let files = try Self.sources()
        #expect(files.count > 50, "found \(files.count) files under \(Self.coreFolder.path)")
        var problems: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                let place = "\(file.lastPathComponent):\(number + 1)"
                if let module = Self.importedModule(trimmed), !Self.allowed.contains(module) {
                    problems.append("\(place): imports \(module)")
                }
                if trimmed.hasPrefix("#if") || trimmed.hasPrefix("#elseif"),
                    trimmed.contains("canImport(") || trimmed.contains("os(")
                {
                    problems.append("\(place): \(trimmed)")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func theCheckSeesWhatItLooksFor() {
        #expect(Self.importedModule("import Glibc") == "Glibc")
        #expect(Self.importedModule("internal import CXML") == "CXML")
        #expect(Self.importedModule("@preconcurrency import Dispatch") == "Dispatch")
        #expect(Self.importedModule("import struct Foundation.Data") == "Foundation")
        #expect(Self.importedModule("import FoundationEssentials") == "FoundationEssentials")
        #expect(Self.importedModule("/// import Glibc, in a comment") == nil)
    }
}
