import Foundation
import TLSFitSystem
import Testing

@testable import TLSFitCore

/// Inputs the fuzzers in Fuzz/ found: each must give a value or an `InputError`, quickly.
///
/// Found inputs live in Fixtures/fuzz/<target>/, named for what they exercise; the target names
/// are those of Fuzz/Sources/FuzzTargets. Inputs too large to keep are built in code below.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static var root: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/fuzz") }

    /// What each fuzz target feeds its bytes to (see Fuzz/Sources/FuzzTargets/FuzzTargets.swift).
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "regedit": { b in evaluate { () throws(InputError) in try RegFileParser.parse(b, source: "f") } },
        "pol": { b in evaluate { () throws(InputError) in try RegistryPolParser.parse(b, source: "f") } },
        "gpresult": { b in
            evaluate { () throws(InputError) in try GPResultParser.parse(b, source: "f", xml: LibXML2Reader()) }
        },
        "suites-text": { b in
            evaluate { () throws(InputError) in try SuiteListParser.parseTable(b, source: "f") }
            evaluate { () throws(InputError) in try SuiteListParser.parseListFormat(b, source: "f") }
            evaluate { () throws(InputError) in try SuiteListParser.parsePlainList(b, source: "f") }
        },
        "suites-json": { b in evaluate { () throws(InputError) in try SuiteListParser.parseJSON(b, source: "f") } },
        "cipherlist": { b in _ = try? CipherListParser.parse(String(decoding: b, as: UTF8.self), source: "f") },
        "hostport": { b in _ = try? HostPort(parsing: String(decoding: b, as: UTF8.self)) },
        "server-profile": { b in _ = try? ServerProfileStore.load(bytes: b, source: "f") },
        "windows-config": { b in
            _ = try? WindowsConfigReader.read([.init(name: "f", bytes: b)], release: nil, xml: LibXML2Reader())
        },
    ]

    static func evaluate(_ parse: () throws(InputError) -> WindowsConfigDocument) {
        guard let document = try? parse() else { return }
        _ = WindowsTLSConfig.evaluate(
            registry: RegistrySnapshot(documents: [document]), release: .windows7,
            suggestNames: false)
    }

    /// Every file under Fixtures/fuzz/<target>/, as (target, file name).
    static var foundInputs: [String] {
        let manager = FileManager.default
        let targets = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { "\(target)/\($0)" }
        }
    }

    @Test func everyTargetHasAFeeder() throws {
        for input in Self.foundInputs {
            let target = String(input.split(separator: "/")[0])
            #expect(Self.targets[target] != nil, "no fuzz target named \(target) for \(input)")
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: foundInputs)
    func foundInput(_ input: String) throws {
        let target = String(input.split(separator: "/")[0])
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent(input)))
        Self.targets[target]?(bytes)
    }

    /// LeakSanitizer once reported a leak for this input inside Foundation's XMLParser (its
    /// CFError; gpresult reports are now read with libxml2's reader); the mismatched tag must
    /// still be an input error.
    @Test func mismatchedEndTagIsAnInputError() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent("gpresult/mismatched-end-tag.xml")))
        #expect(throws: InputError.self) { try GPResultParser.parse(bytes, source: "f", xml: LibXML2Reader()) }
    }

    /// Thousands of unknown names used to cost a catalog-wide suggestion each: minutes of work
    /// for a pasted file of garbage. Now the first few are listed and the rest counted.
    @Test(.timeLimit(.minutes(1))) func manyUnknownCipherNamesFailQuickly() {
        let text = (0..<5000).map { "BOGUS_SUITE_\($0)" }.joined(separator: ":")
        do {
            _ = try CipherListParser.parse(text, source: "--ciphers")
            Issue.record("garbage parsed")
        } catch {
            let lines = error.message.split(separator: "\n")
            #expect(lines.first == "5000 unknown cipher suites:")
            #expect(lines.count == CipherListParser.maximumListedUnknown + 2)
            #expect(lines.last == "  and \(5000 - CipherListParser.maximumListedUnknown) more")
        }
    }

    /// One enormous name: no suggestion is computed for it (its cost is its length times every name).
    @Test(.timeLimit(.minutes(1))) func enormousCipherNameFailsQuickly() {
        let name = String(repeating: "TLS_", count: 50_000)
        #expect(Catalog.shared.suggestions(for: name, limit: 3).isEmpty)
        #expect(throws: InputError.self) { try CipherListParser.parse(name, source: "--ciphers") }
    }

    /// A `.reg` of N keys then N key deletions took quadratic time (each deletion scanned every
    /// key): 1.2 MB ran for a minute under the fuzzer's sanitizers. Deleting a key now walks its
    /// subtree; this checks it removes exactly what the old prefix scan removed.
    @Test func deletingKeysMatchesThePrefixScan() {
        var rng = SystemRandomNumberGenerator()
        let segments = ["a", "B", "ab", "", "A"]
        func path() -> String {
            (0..<Int.random(in: 1...4, using: &rng)).map { _ in segments.randomElement(using: &rng)! }.joined(
                separator: "\\")
        }
        let provenance = Provenance(file: "f", key: "k", value: "v")
        for _ in 0..<200 {
            var snapshot = RegistrySnapshot()
            var expected: [String: String] = [:]  // folded -> path, the old model
            for _ in 0..<40 {
                let key = RegistryPath.normalize(path())
                let folded = RegistryPath.folded(key)
                if Bool.random(using: &rng) {
                    snapshot.apply(
                        RegistryOperation(key: key, action: .createKey, provenance: provenance, format: .regedit))
                    if expected[folded] == nil { expected[folded] = key }
                } else {
                    snapshot.apply(
                        RegistryOperation(key: key, action: .deleteKey, provenance: provenance, format: .regedit))
                    expected = expected.filter { $0.key != folded && !$0.key.hasPrefix(folded + "\\") }
                }
                #expect(snapshot.allKeys.sorted() == expected.values.sorted())
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func manyKeyDeletionsAreLinear() throws {
        let created = (0..<20_000).map { "[HKEY_LOCAL_MACHINE\\S\\K\($0)]\r\n" }.joined()
        let deleted = (0..<20_000).map { "[-HKEY_LOCAL_MACHINE\\S\\Z\($0)]\r\n" }.joined()
        let text = "Windows Registry Editor Version 5.00\r\n\r\n" + created + deleted + "[-HKEY_LOCAL_MACHINE\\S]\r\n"
        let document = try RegFileParser.parse(text: text, source: "f")
        #expect(RegistrySnapshot(documents: [document]).allKeys.isEmpty)
    }

    /// The fuzzer's seeds for saved profiles must load, or it starts from nothing: this fails
    /// when `ServerProfile` changes shape and the seeds in Fuzz/seeds/server-profile/ do not.
    @Test(arguments: ["full.json", "minimal.json"])
    func serverProfileSeedLoads(_ name: String) throws {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/seeds/server-profile").standardized
        let bytes = try [UInt8](Data(contentsOf: seeds.appendingPathComponent(name)))
        let profiles = try ServerProfileStore.load(bytes: bytes, source: name)
        #expect(profiles.first?.host.isEmpty == false)
    }
}
