import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitReports
import TLSFitTestSupport
import Testing

@testable import tlsfit

/// docs/schema holds one JSON Schema (draft 2020-12) per command with `--format json`, generated from
/// the output types (`JSONSchemaGenerator`): this fails when a checked-in schema is stale
/// (`TLSFIT_UPDATE_DOCS=1 swift test --filter JSONSchemaTests` rewrites them), and validates real
/// outputs of every command against them with an independent validator (python3-jsonschema).
@Suite("JSON schemas")
struct JSONSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folder = root.appendingPathComponent("docs/schema")

    struct Document: Sendable, CustomStringConvertible {
        var command: String
        var summary: String
        var roots: @Sendable () -> [any Decodable.Type]
        var description: String { command }
        var file: URL { JSONSchemaTests.folder.appendingPathComponent("\(command).schema.json") }
    }

    static let documents: [Document] = [
        Document(command: "diagnose", summary: "tlsfit diagnose --format json: one Windows client against its hosts") {
            [DiagnosisReport.self]
        },
        Document(command: "report", summary: "tlsfit report --format json: configurations x releases x hosts") {
            [CompatibilityReport.self]
        },
        Document(
            command: "hello", summary: "tlsfit hello --format json: a built or decoded ClientHello, or a capture's"
        ) {
            [ClientHelloReport.self, CaptureHelloReport.self]
        },
        Document(command: "config", summary: "tlsfit config --format json: a Windows client's effective configuration")
        {
            [WindowsConfigReport.self]
        },
        Document(command: "suites", summary: "tlsfit suites show|translate|defaults|list|hosts --format json") {
            [ShowJSON.self, TranslateJSON.self, DefaultsJSON.self, ListJSON.self, ListWindowsJSON.self, HostsJSON.self]
        },
        Document(command: "probe", summary: "tlsfit probe --format json: one handshake") {
            [ProbeReport.self]
        },
        Document(command: "scan", summary: "tlsfit scan --format json: what each server accepts (server profiles)") {
            [ServerProfileDocument.self]
        },
        Document(command: "demo", summary: "tlsfit demo --format json: the incidents replayed, each a diagnosis") {
            [DemoJSON.self]
        },
    ]

    static func generated(_ document: Document) throws -> String {
        try JSONSchemaGenerator.document(
            title: "tlsfit \(document.command) --format json", description: document.summary, root: document.roots())
    }

    @Test("the checked-in schema is current", arguments: documents)
    func checkedInSchemaIsCurrent(_ document: Document) throws {
        let generated = try Self.generated(document)
        if ProcessInfo.processInfo.environment["TLSFIT_UPDATE_DOCS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try generated.write(to: document.file, atomically: true, encoding: .utf8)
        }
        let checkedIn = try String(contentsOf: document.file, encoding: .utf8)
        #expect(
            checkedIn == generated,
            "docs/schema/\(document.command).schema.json is stale: TLSFIT_UPDATE_DOCS=1 swift test --filter JSONSchemaTests"
        )
    }

    @Test func schemasAreStrict() throws {
        for document in Self.documents {
            let text = try Self.generated(document)
            #expect(!text.contains("\"additionalProperties\" : true"), "\(document.command)")
            let schema = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let definitions = try #require(schema["$defs"] as? [String: [String: Any]])
            for (name, definition) in definitions where definition["properties"] != nil {
                #expect(definition["additionalProperties"] as? Bool == false, "\(document.command): \(name)")
                let properties = try #require(definition["properties"] as? [String: Any])
                #expect(
                    (definition["required"] as? [String]).map(Set.init) == Set(properties.keys),
                    "\(document.command): \(name)")
            }
        }
        let diagnose = try Self.generated(Self.documents[0])
        for code in CauseCode.allCases { #expect(diagnose.contains("\"\(code.rawValue)\""), "\(code.rawValue)") }
    }
}

/// Real outputs of every command, validated against docs/schema with python3-jsonschema.
enum SchemaValidator {
    static let script = """
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1]))
        Draft202012Validator.check_schema(schema)
        errors = sorted(Draft202012Validator(schema).iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
        for e in errors[:10]:
            print("/".join(str(p) for p in e.absolute_path) + ": " + e.message[:300])
        sys.exit(1 if errors else 0)
        """

    /// The validator's complaints about `json` against `docs/schema/<command>.schema.json`, empty when valid.
    static func problems(_ json: String, command: String) throws -> String {
        let schema = JSONSchemaTests.folder.appendingPathComponent("\(command).schema.json").path
        let result = try CLI.runProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, schema], stdin: json)
        return result.exitCode == 0 ? "" : result.stdout + result.stderr
    }

    static func expectValid(_ arguments: [String], command: String, exitCodes: Set<Int32> = [0, 1]) throws {
        let result = try CLI.run(arguments + ["--format", "json"], timeout: 120)
        #expect(exitCodes.contains(result.exitCode), "\(arguments): \(result.stderr)")
        #expect(!result.stdout.isEmpty, "\(arguments)")
        let problems = try problems(result.stdout, command: command)
        #expect(problems.isEmpty, "tlsfit \(arguments.joined(separator: " ")):\n\(problems)")
    }
}

/// Each command's JSON, from the embedded examples, the fixtures and servers started here, against its schema.
@Suite("JSON outputs match their schemas")
struct JSONOutputSchemaTests {
    static let fixtures = JSONSchemaTests.root.appendingPathComponent("Tests/TLSFitCoreTests/Fixtures/windows").path
    static let report = JSONSchemaTests.root.appendingPathComponent("Tests/TLSFitCLITests/Fixtures/report").path
    static let examples = JSONSchemaTests.root.appendingPathComponent("CipherSuites/examples").path

    @Test(
        "suites",
        arguments: [
            ["suites", "show", "0xC030"], ["suites", "show", "TLS_RSA_WITH_RC4_128_SHA"],
            [
                "suites", "translate", "--to", "gpo", "--windows", "windows-7",
                "ECDHE-RSA-AES256-SHA384:AES256-GCM-SHA384",
            ],
            ["suites", "translate", "--to", "openssl", "TLS_RSA_WITH_RC4_128_MD5"],
            ["suites", "defaults", "windows-7"], ["suites", "defaults", "server-2022"],
            ["suites", "list"], ["suites", "list", "--windows", "windows-7"],
            ["suites", "hosts"], ["suites", "hosts", "--role", "wsus", "--windows", "2012r2"],
        ])
    func suites(_ arguments: [String]) throws {
        try SchemaValidator.expectValid(arguments, command: "suites")
    }

    @Test func hello() throws {
        try SchemaValidator.expectValid(["hello", "--windows", "windows-10-22h2"], command: "hello")
        try SchemaValidator.expectValid(
            ["hello", "--windows", "server-2019", "--config", "\(Self.examples)/server-2019-hardening"],
            command: "hello")
        let hex = JSONSchemaTests.root.appendingPathComponent("docs/examples/ie11-win7.hex").path
        try SchemaValidator.expectValid(["hello", "--decode", "@\(hex)"], command: "hello")
        let pcap = JSONSchemaTests.root.appendingPathComponent("Fuzz/seeds/capture/openssl-s_client-lo.pcap").path
        try SchemaValidator.expectValid(["hello", "--pcap", pcap], command: "hello")
    }

    @Test func config() throws {
        for files in [
            ["\(Self.fixtures)/regedit/regedit4-win7.reg", "--windows", "windows-7"],
            ["\(Self.examples)/server-2019-hardening"],
            ["\(Self.fixtures)/causes/typos.reg", "\(Self.fixtures)/gpresult/gpresult-utf16.xml"],
            ["\(Self.fixtures)/tls/get-tlsciphersuite.json"],
        ] {
            try SchemaValidator.expectValid(["config"] + files, command: "config")
        }
    }

    @Test func diagnoseOffline() throws {
        try SchemaValidator.expectValid(
            ["diagnose", "--config", "\(Self.examples)/server-2019-hardening", "--offline"], command: "diagnose")
        try SchemaValidator.expectValid(
            [
                "diagnose", "--log", "\(Self.fixtures)/wulog/WindowsUpdate.log", "--config",
                "\(Self.examples)/slscr-no-ecdsa-policy.reg", "--offline",
            ], command: "diagnose")
        try SchemaValidator.expectValid(
            [
                "diagnose", "--windows-update", "--config", "\(Self.examples)/windows7-tls12-no-winhttp.reg",
                "--windows", "windows-7", "--offline",
            ], command: "diagnose")
    }

    @Test func report() throws {
        try SchemaValidator.expectValid(
            [
                "report", "--candidate", "\(Self.report)/ecdsa-only.reg", "--candidate",
                "balanced=\(Self.report)/balanced.reg", "--server-profile", "\(Self.report)/servers.json",
            ],
            command: "report")
        try SchemaValidator.expectValid(
            ["report", "--fleet", "\(Self.fixtures)/causes", "--server-profile", "\(Self.report)/servers.json"],
            command: "report")
    }

    @Test func demo() throws {
        try SchemaValidator.expectValid(["demo"], command: "demo")
    }

    @Test func probeScanAndDiagnoseOnTheWire() throws {
        let pki = TestPKI.shared
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls13,
                cipherString: "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"))
        let host = TestPKI.updateHost
        let address = "127.0.0.1:\(server.port)"
        try SchemaValidator.expectValid(
            ["probe", host, "--connect", address, "--ca-file", pki.caFile, "--timeout", "5"], command: "probe")
        try SchemaValidator.expectValid(["probe", host, "--connect", address, "--timeout", "5"], command: "probe")
        try SchemaValidator.expectValid(
            [
                "probe", host, "--connect", address, "--ca-file", pki.caFile, "--windows", "windows-7",
                "--timeout", "5",
            ], command: "probe")
        try SchemaValidator.expectValid(
            ["probe", host, "--connect", "127.0.0.1:1", "--timeout", "2"], command: "probe",
            exitCodes: [1])
        try SchemaValidator.expectValid(
            ["scan", host, "--resolve", "\(host)=\(address)", "--ca-file", pki.caFile, "--timeout", "3"],
            command: "scan")
        try SchemaValidator.expectValid(
            [
                "diagnose", host, "--resolve", "\(host)=\(address)", "--ca-file", pki.caFile, "--config",
                "\(Self.examples)/wsus-2012r2-no-ecdhe-rsa.reg", "--timeout", "3",
            ], command: "diagnose")
    }
}
