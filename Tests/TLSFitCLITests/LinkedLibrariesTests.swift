import Foundation
import Testing

/// What the `tlsfit` binary links, and the inputs whose readers replaced Foundation's.
@Suite("Linked libraries")
struct LinkedLibrariesTests {
    /// The shared libraries the binary names (readelf's NEEDED entries).
    static func needed() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["readelf", "-d", CLI.executableURL.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output.split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]")
            else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// swift-corelibs-foundation brings CoreFoundation, ICU's 30 MB of tables and 1,800 more
    /// protocol conformances, which every start pays for (issue #16); libpcap and libxml2 are
    /// loaded when a capture or a gpresult report is first read. A module that imports Foundation
    /// again, or links one of them, fails here (the test build links dynamically, so each
    /// imported module shows as a library).
    @Test func noFullFoundationAndNoLibraryOnlySomeCommandsNeed() throws {
        let libraries = try Self.needed()
        #expect(libraries.contains("libFoundationEssentials.so"), "\(libraries)")
        #expect(libraries.contains("libssl.so.3") && libraries.contains("libcrypto.so.3"), "\(libraries)")
        for unwanted in [
            "libFoundation.so", "libFoundationInternationalization.so", "libFoundationXML.so",
            "libFoundationNetworking.so", "lib_FoundationICU.so",
        ] {
            #expect(!libraries.contains(unwanted), "\(unwanted) in \(libraries)")
        }
        #expect(
            !libraries.contains {
                $0.hasPrefix("libpcap") || $0.hasPrefix("libxml2") || $0.hasPrefix("libicu")
                    || $0.hasPrefix("libarchive")
            }, "\(libraries)")
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-linked-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `Get-TlsCipherSuite | ConvertTo-Json` cut short: the line where it breaks, exit 2.
    @Test func malformedSuiteJSONNamesTheLine() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("suites.json").path
        try Data(
            "[\n  {\"Name\": \"TLS_AES_128_GCM_SHA256\", \"CipherSuite\": 4865},\n  {\"Name\" \"TLS_AES_256_GCM_SHA384\"}\n]\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["config", path])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains("\(path):3: malformed JSON: expected ':' after a member name"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// A folder where a file is expected, and a saved scan that is not JSON.
    @Test func foldersAndBrokenSavedScansAreNamed() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scan = dir.appendingPathComponent("scan.json").path
        try Data("{\n  \"host\": \"a.example\",\n  \"port\": 443,\n".utf8).write(to: URL(fileURLWithPath: scan))
        let list = dir.appendingPathComponent("suites.txt").path
        try Data("TLS_AES_128_GCM_SHA256\n".utf8).write(to: URL(fileURLWithPath: list))
        let broken = try CLI.run([
            "diagnose", "a.example", "--config", list, "--windows", "win10", "--offline", "--server-profile", scan,
        ])
        #expect(broken.exitCode == 2)
        #expect(
            broken.stderr.contains("\(scan):4: not JSON: the document ends early (expected a quoted member name)"),
            "\(broken.stderr)")
        let folder = try CLI.run(["hello", "--decode", "@" + dir.path])
        #expect(folder.exitCode == 2)
        #expect(folder.stderr.contains("\(dir.path): is a folder, not a file"), "\(folder.stderr)")
    }
}
