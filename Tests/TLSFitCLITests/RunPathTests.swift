import Foundation
import Testing

/// The installed binary has no `$ORIGIN` run path (issue 25): a library left beside it is never loaded.
@Suite("Release run path")
struct RunPathTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The RUNPATH and RPATH entries of an ELF binary's dynamic section (readelf -d).
    static func runPaths(_ binary: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["readelf", "-d", binary]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output.split(separator: "\n").filter { $0.contains("(RUNPATH)") || $0.contains("(RPATH)") }.compactMap {
            line in
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// Every release build the README and the benchmarks tell people to run says `--disable-local-rpath`.
    @Test func everyReleaseBuildCommandDisablesTheLocalRunPath() throws {
        var files = ["README.md", "Scripts/install.sh"].filter {
            FileManager.default.fileExists(atPath: Self.root.appendingPathComponent($0).path)
        }
        let benchmarks = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("Benchmarks").path)
        files += benchmarks.filter { $0.hasSuffix(".sh") }.map { "Benchmarks/" + $0 }
        var checked = 0
        for file in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n")
            where line.contains("-c release") && (line.contains("swift build") || line.contains("flags=")) {
                checked += 1
                #expect(line.contains("--disable-local-rpath"), "\(file): \(line)")
            }
        }
        #expect(checked >= 4)
    }

    /// A release binary (TLSFIT_RELEASE_BINARY, or the benchmark's .build-static build when present):
    /// its dynamic section names no `$ORIGIN`.
    @Test func theReleaseBinaryHasNoOriginRunPath() throws {
        let staticBuild: String = Self.root.appendingPathComponent(".build-static/release/tlsfit").path
        let releaseBuild: String = Self.root.appendingPathComponent(".build/release/tlsfit").path
        let candidates: [String] = [
            ProcessInfo.processInfo.environment["TLSFIT_RELEASE_BINARY"], staticBuild, releaseBuild,
        ].compactMap { $0 }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            // No release build in this tree: the commands above are what guarantees it.
            return
        }
        let paths = try Self.runPaths(binary)
        #expect(!paths.contains { $0.contains("$ORIGIN") }, "\(binary): \(paths)")
    }

    /// The check itself: the debug test build (SwiftPM's default flags) does carry `$ORIGIN`, and it is seen.
    @Test func theCheckSeesOriginInADefaultBuild() throws {
        let paths = try Self.runPaths(CLI.executableURL.path)
        #expect(paths.contains { $0.contains("$ORIGIN") }, "\(paths)")
    }
}
