import Foundation
import TLSFitSystem
import Testing

@testable import TLSFitCore

/// Random, truncated and mutated inputs: every parser returns a value or an `InputError`, never crashes.
@Suite("WindowsConfig fuzz")
struct WindowsConfigFuzzTests {
    static let fixtures = [
        "regedit/export-utf16le-bom.reg", "regedit/export-utf8.reg", "regedit/regedit4-win7.reg",
        "regedit/concatenated.reg", "pol/machine-registry.pol", "gpresult/gpresult-utf16.xml",
        "tls/get-tlsciphersuite.json", "tls/get-tlsciphersuite-table.txt", "tls/get-tlsciphersuite-list.txt",
        "lists/gpo-field.txt", "proxy/netsh-proxy.txt", "proxy/winhttp-proxy-bypass.reg",
    ]
    /// The inputs admins have (reg query output, WindowsUpdate.log): fewer rounds, they are small.
    static let adminFixtures = [
        "regquery/seed-article-powershell.txt", "regquery/seed-article-cmd.txt", "wulog/WindowsUpdate.log",
    ]

    static let parsers: [(String, @Sendable ([UInt8]) throws(InputError) -> WindowsConfigDocument)] = [
        ("regedit", { b throws(InputError) in try RegFileParser.parse(b, source: "f") }),
        ("pol", { b throws(InputError) in try RegistryPolParser.parse(b, source: "f") }),
        ("gpresult", { b throws(InputError) in try GPResultParser.parse(b, source: "f", xml: LibXML2Reader()) }),
        ("json", { b throws(InputError) in try SuiteListParser.parseJSON(b, source: "f") }),
        ("table", { b throws(InputError) in try SuiteListParser.parseTable(b, source: "f") }),
        ("list", { b throws(InputError) in try SuiteListParser.parseListFormat(b, source: "f") }),
        ("plain", { b throws(InputError) in try SuiteListParser.parsePlainList(b, source: "f") }),
        ("netsh", { b throws(InputError) in try NetshProxyParser.parse(b, source: "f") }),
        (
            "detect",
            { b throws(InputError) in try WindowsConfigFormatDetector.parse(b, source: "f", xml: LibXML2Reader()) }
        ),
        ("regquery", { b throws(InputError) in try RegQueryParser.parse(b, source: "f") }),
    ]

    /// Feeds one input to every parser, and evaluates what parses.
    static func feed(_ bytes: [UInt8]) -> Int {
        var parsed = 0
        for (_, parse) in parsers {
            do {
                let doc = try parse(bytes)
                parsed += 1
                _ = WindowsTLSConfig.evaluate(
                    registry: RegistrySnapshot(documents: [doc]), release: .windows7, suggestNames: false)
            } catch {
                #expect(!error.source.isEmpty)
            }
        }
        // WindowsUpdate.log is not a configuration, but it is read from files people did not write either.
        if let log = try? WindowsUpdateLog.parse(bytes, source: "f") {
            _ = log.failures.count + log.requestedHosts.count + (log.build ?? 0)
        }
        return parsed
    }

    @Test func truncationsOfEveryFixture() throws {
        var rng = SplitMix64(seed: 0x7715_F17)
        for name in Self.fixtures {
            let bytes = try WindowsFixtures.bytes(name)
            for _ in 0..<60 {
                let cut = Int.random(in: 0...bytes.count, using: &rng)
                _ = Self.feed(Array(bytes[..<cut]))
            }
        }
    }

    @Test func mutationsOfEveryFixture() throws {
        var rng = SplitMix64(seed: 42)
        let interesting: [UInt8] = [
            0x00, 0x0A, 0x0D, 0x22, 0x5B, 0x5D, 0x3B, 0x5C, 0x3D, 0x2C, 0x3C, 0x3E, 0xFF, 0xFE, 0xEF, 0x80, 0xC3,
        ]
        for name in Self.fixtures {
            let original = try WindowsFixtures.bytes(name)
            for _ in 0..<120 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !bytes.isEmpty {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[i] = interesting.randomElement(using: &rng)!
                    case 1: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                    default: bytes.remove(at: i)
                    }
                }
                _ = Self.feed(bytes)
            }
        }
    }

    @Test func truncationsAndMutationsOfAdminInputs() throws {
        var rng = SplitMix64(seed: 0x12)
        for name in Self.adminFixtures {
            let original = try WindowsFixtures.bytes(name)
            for round in 0..<60 {
                var bytes = Array(original[..<Int.random(in: 0...original.count, using: &rng)])
                if round % 2 == 1 {
                    bytes = original
                    for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
                        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    }
                }
                _ = Self.feed(bytes)
            }
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 2026)
        let prefixes: [[UInt8]] = [
            [], Array("PReg\u{1}\0\0\0".utf8), [0xFF, 0xFE], [0xEF, 0xBB, 0xBF],
            Array("Windows Registry Editor Version 5.00\r\n[".utf8), Array("<Rsop>".utf8), Array("[{".utf8),
        ]
        for i in 0..<1_500 {
            let length = Int.random(in: 0...300, using: &rng)
            let body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = Self.feed(prefixes[i % prefixes.count] + body)
        }
    }

    @Test func pathologicalShapes() {
        // A Registry.pol record claiming a huge size, deep XML, a very long line, an unterminated hex continuation.
        var pol: [UInt8] =
            Array("PReg".utf8) + [
                1, 0, 0, 0, 0x5B, 0, 0x41, 0, 0, 0, 0x3B, 0, 0x42, 0, 0, 0, 0x3B, 0, 4, 0, 0, 0, 0x3B, 0,
            ]
        pol += [0xFF, 0xFF, 0xFF, 0x7F, 0x3B, 0]
        #expect(throws: InputError.self) { try RegistryPolParser.parse(pol, source: "p") }
        let deep = String(repeating: "<a>", count: 5_000) + String(repeating: "</a>", count: 5_000)
        #expect(throws: InputError.self) {
            try GPResultParser.parse(Array(deep.utf8), source: "x", xml: LibXML2Reader())
        }
        let long =
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\K]\n\"v\"=\""
            + String(repeating: "x", count: 1_000_000) + "\"\n"
        #expect((try? RegFileParser.parse(Array(long.utf8), source: "l"))?.operations.count == 2)
        let hex =
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\K]\n\"v\"=hex:"
            + String(repeating: "00,\\\n", count: 10_000)
        #expect(throws: InputError.self) { try RegFileParser.parse(Array(hex.utf8), source: "h") }
    }
}

@Suite("WindowsConfig limits")
struct WindowsConfigLimitTests {
    @Test func unterminatedStringFailsFastAtItsLine() {
        let text =
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\K]\n\"v\"=\"open\n"
            + String(repeating: "\"x\"=dword:00000001\n", count: 50_000)
        do {
            _ = try RegFileParser.parse(Array(text.utf8), source: "u.reg")
            Issue.record("parsed")
        } catch {
            #expect(error.line == 3)
        }
    }
}

@Suite("WindowsConfig fixtures")
struct WindowsConfigFixtureFreshnessTests {
    /// The checked-in fixtures are what make-fixtures.py writes (skipped where python3 is missing).
    @Test func fixturesMatchTheirGenerator() throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let python else { return }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-fixtures-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [WindowsFixtures.root.appendingPathComponent("make-fixtures.py").path, "--out", out.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let generated = FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String } ?? []
        var files = 0
        for relative in generated {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: out.appendingPathComponent(relative).path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            files += 1
            let fresh = try Data(contentsOf: out.appendingPathComponent(relative))
            let committed = try? Data(contentsOf: WindowsFixtures.root.appendingPathComponent(relative))
            #expect(committed == fresh, "\(relative) is stale: run make-fixtures.py")
        }
        #expect(files > 15)
    }
}
