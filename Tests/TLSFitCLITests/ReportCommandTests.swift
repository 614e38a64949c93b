import Foundation
import TLSFitCore
import Testing

@Suite("tlsfit report")
struct ReportCommandTests {
    static let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testDirectory.appendingPathComponent("Fixtures/report")
    static let golden = testDirectory.appendingPathComponent("Golden")
    static let schannel = #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
    static let policy = #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#

    /// Offline, from fixed server profiles and three candidate .reg files: the same bytes every run.
    static let goldenArguments = [
        "report", "--candidate", "ecdsa-only.reg", "--candidate", "balanced=balanced.reg", "--candidate",
        "no-legacy.reg",
        "--windows", "windows-10-22h2,windows-11", "--windows", "server-2022", "--offline",
        "--server-profile", "servers.json", "--server-profile", "windows-update",
        "fe2.update.microsoft.com", "legacy.contoso.test", "modern.contoso.test",
    ]

    static let formats: [(format: String, file: String)] = [
        ("text", "report.txt"), ("markdown", "report.md"), ("html", "report.html"), ("json", "report.json"),
        ("junit", "report.junit.xml"), ("csv", "report.csv"),
    ]

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(
        "every format matches its golden file (TLSFIT_UPDATE_GOLDEN=1 rewrites them)", arguments: formats.map(\.format))
    func golden(_ format: String) throws {
        let file = try #require(Self.formats.first { $0.format == format }?.file)
        // The JSON run takes its date from the environment, the others from --generated-at.
        var arguments = Self.goldenArguments + ["--format", format]
        var environment: [String: String] = [:]
        if format == "json" {
            environment["TLSFIT_REPORT_DATE"] = "2026-01-01T00:00:00Z"
        } else {
            arguments += ["--generated-at", "2026-01-01T00:00:00Z"]
        }
        let result = try CLI.run(arguments, currentDirectory: Self.fixtures, environment: environment)
        #expect(result.exitCode == 1, "\(result.stderr)")  // some candidates fail
        let path = Self.golden.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["TLSFIT_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: path, encoding: .utf8)
        #expect(
            result.stdout == expected,
            "tlsfit \(arguments.joined(separator: " ")) differs from \(file); rerun with TLSFIT_UPDATE_GOLDEN=1 after checking the change"
        )
    }

    @Test func goldenJSONHasTheDocumentedFields() throws {
        let result = try CLI.run(
            Self.goldenArguments + ["--format", "json", "--generated-at", "2026-01-01T00:00:00Z"],
            currentDirectory: Self.fixtures)
        let json = try CLI.json(result)
        for key in [
            "schemaVersion", "generatedAt", "candidates", "windowsReleases", "hosts", "cells", "summary", "groups",
            "serverSources", "skipped",
        ] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["generatedAt"] as? String == "2026-01-01T00:00:00Z")
        #expect(json["windowsReleases"] as? [String] == ["windows-10-22h2", "windows-11", "server-2022"])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 3 * 3 * 3)
        let summary = try #require(json["summary"] as? [[String: Any]])
        // balanced turns TLS 1.0 on for the TLS 1.1-only legacy host, but Windows 11's WinHTTP offers only TLS 1.2
        // and 1.3 without DefaultSecureProtocols: one cell fails, with that cause.
        #expect(summary.first { $0["candidate"] as? String == "balanced" }?["safe"] as? Bool == false)
        #expect(
            cells.contains {
                $0["candidate"] as? String == "balanced" && $0["windowsRelease"] as? String == "windows-11"
                    && $0["host"] as? String == "legacy.contoso.test:443"
                    && ($0["causes"] as? [String])?.first == "winhttp-default-protocols"
            })
        #expect(summary.first { $0["candidate"] as? String == "ecdsa-only" }?["safe"] as? Bool == false)
        let sources = try #require(json["serverSources"] as? [String: String])
        #expect(sources["fe2.update.microsoft.com:443"] == "built-in")
        #expect(sources["legacy.contoso.test:443"] == "file")
        // Offline: nothing was confirmed on the wire.
        #expect(cells.allSatisfy { $0["confirmed"] is NSNull })
        #expect(json["groups"] is NSNull)
        #expect(json["skipped"] is NSNull)
        let failing = try #require(
            cells.first {
                $0["candidate"] as? String == "ecdsa-only" && $0["host"] as? String == "fe2.update.microsoft.com:443"
            })
        #expect(failing["verdict"] as? String == "fails")
        #expect(failing["causes"] as? [String] == ["no-shared-cipher"])
        #expect(failing["windowsError"] as? String == "0x80072EFE")
    }

    @Test func allOKExitsZeroAndOfflineNeedsProfiles() throws {
        let ok = try CLI.run(
            [
                "report", "--candidate", "balanced.reg", "--windows", "server-2022", "--offline", "--server-profile",
                "windows-update", "fe2.update.microsoft.com", "--format", "csv",
            ], currentDirectory: Self.fixtures)
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("candidate,windows_release,host,verdict"))
        let missing = try CLI.run(
            ["report", "--candidate", "balanced.reg", "--offline", "no-profile.contoso.test"],
            currentDirectory: Self.fixtures)
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("no-profile.contoso.test"))
    }

    @Test func outputIsAtomicAndBadInputWritesNothing() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report.html")
        let result = try CLI.run(
            Self.goldenArguments + ["--format", "html", "--output", out.path], currentDirectory: Self.fixtures)
        #expect(result.exitCode == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOf: out, encoding: .utf8).contains("<!DOCTYPE html>"))
        // no temporary file left
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"])

        for bad in [
            ["--windows", "windows-95"], ["--candidate", "missing.reg"], ["--server-profile", "nope.json"],
            ["--timeout", "0"],
        ] {
            let target = dir.appendingPathComponent("bad.json")
            var arguments = [
                "report", "--candidate", "balanced.reg", "--offline", "--server-profile", "windows-update", "--format",
                "json",
                "--output", target.path,
            ]
            arguments += bad
            let result = try CLI.run(arguments, currentDirectory: Self.fixtures)
            #expect(result.exitCode == 2, "\(bad): \(result.stderr)")
            #expect(result.stderr.contains("tlsfit: error:"))
            #expect(!FileManager.default.fileExists(atPath: target.path), "\(bad)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"])
        let noFolder = try CLI.run(
            [
                "report", "--candidate", "balanced.reg", "--offline", "--server-profile", "windows-update",
                "--output", dir.appendingPathComponent("no/such/report.txt").path,
            ], currentDirectory: Self.fixtures)
        #expect(noFolder.exitCode == 2)
    }

    // MARK: Fleet

    static func reg(_ lines: [String]) -> String {
        "Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A Registry.pol (PReg) file setting the policy cipher-suite list.
    static func pol(functions: String) -> Data {
        func utf16(_ s: String) -> [UInt8] { Array(s.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        func le32(_ v: UInt32) -> [UInt8] {
            [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
        }
        let key = #"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#
        let data = utf16(functions + "\0")
        var bytes = Array("PReg".utf8) + le32(1)
        bytes += utf16("[") + utf16(key + "\0") + utf16(";") + utf16("Functions\0") + utf16(";") + le32(1) + utf16(";")
        bytes += le32(UInt32(data.count)) + utf16(";") + data + utf16("]")
        return Data(bytes)
    }

    @Test func fleetGroupsMachinesByEffectiveConfiguration() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ecdsa = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
        let defaults = Self.reg(["; release defaults"])
        let ecdsaOnly = Self.reg(["[\(Self.policy)]", "\"Functions\"=\"\(ecdsa)\""])
        // Two spellings of the same effective setting (TLS 1.2 off): one group, not two.
        let tls12OffA = Self.reg(["[\(Self.schannel)\\Protocols\\TLS 1.2\\Client]", "\"Enabled\"=dword:00000000"])
        let tls12OffB = Self.reg([
            "; written by another admin", "[\(Self.schannel)\\Protocols\\TLS 1.2\\Client]",
            "\"DisabledByDefault\"=dword:00000001", "\"Enabled\"=dword:00000000",
        ])
        func write(_ relative: String, _ text: String) throws {
            let url = dir.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        for i in 0..<30 { try write("windows-10-22h2/site-a/pc\(i).reg", defaults) }
        for i in 0..<20 { try write("windows-10-22h2/site-b/ecdsa\(i).reg", ecdsaOnly) }
        for i in 0..<10 { try write("windows-10-22h2/site-b/off\(i).reg", i % 2 == 0 ? tls12OffA : tls12OffB) }
        for i in 0..<30 { try write("server-2022/srv\(i).reg", defaults) }
        for i in 0..<29 { try write("server-2022/ecdsa/srv\(i).REG", ecdsaOnly) }
        // A GPO backup folder is one machine (its other files are not machines).
        let gpo = "server-2022/gpo-backups/{6AC1786C-016F-11D2-945F-00C04FB984F9}"
        let polURL = dir.appendingPathComponent(gpo + "/DomainSysvol/GPO/Machine/registry.pol")
        try FileManager.default.createDirectory(
            at: polURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.pol(functions: ecdsa).write(to: polURL)
        try write(gpo + "/Backup.xml", "<GroupPolicyBackupScheme/>\n")
        for i in 0..<40 { try write("Win11/office/pc\(i).reg", i % 2 == 0 ? tls12OffA : tls12OffB) }
        for i in 0..<30 { try write("unsorted/pc\(i).reg", defaults) }
        try write("README.md", "not an export\n")
        // Broken exports: listed, not fatal.
        try write("Win11/broken/empty.reg", "")
        try Data([0x00, 0xFF, 0xFE, 0x00, 0xD8, 0x00, 0xDC, 0x41]).write(
            to: dir.appendingPathComponent("Win11/broken/junk.reg"))
        try Data(Array("PReg".utf8) + [9, 0, 0, 0]).write(to: dir.appendingPathComponent("Win11/broken/bad.pol"))

        let result = try CLI.run([
            "report", "--fleet", dir.path, "--offline", "--server-profile", "windows-update", "--windows",
            "server-2019",
            "fe2.update.microsoft.com", "--format", "json", "--generated-at", "2026-01-01T00:00:00Z",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try CLI.json(result)
        let groups = try #require(json["groups"] as? [[String: Any]])
        let counts = groups.map { "\($0["windowsRelease"] as? String ?? "?"):\($0["machineCount"] as? Int ?? -1)" }
            .sorted()
        #expect(
            counts == [
                "server-2019:30", "server-2022:30", "server-2022:30", "windows-10-22h2:10", "windows-10-22h2:20",
                "windows-10-22h2:30", "windows-11:40",
            ])
        #expect(groups.reduce(0) { $0 + ($1["machineCount"] as? Int ?? 0) } == 190)
        for g in groups {
            #expect((g["machines"] as? [String])?.count == g["machineCount"] as? Int)
            #expect((g["verdicts"] as? [[String: Any]])?.count == 1)
        }
        let gpoGroup = try #require(groups.first { ($0["machines"] as? [String])?.contains(gpo) == true })
        #expect((gpoGroup["machines"] as? [String])?.contains("server-2022/ecdsa/srv0") == true)
        let verdict = try #require((gpoGroup["verdicts"] as? [[String: Any]])?.first)
        #expect(verdict["verdict"] as? String == "fails")
        #expect(verdict["causes"] as? [String] == ["no-shared-cipher"])
        let unsorted = try #require(groups.first { ($0["machines"] as? [String])?.contains("unsorted/pc0") == true })
        #expect(unsorted["windowsRelease"] as? String == "server-2019")
        #expect((unsorted["verdicts"] as? [[String: Any]])?.first?["verdict"] as? String == "ok")

        let skipped = try #require(json["skipped"] as? [[String: Any]])
        #expect(skipped.count == 3)
        #expect(
            skipped.contains {
                ($0["file"] as? String)?.hasSuffix("Win11/broken/empty.reg") == true && $0["line"] as? Int == 1
            })
        #expect(skipped.allSatisfy { !($0["reason"] as? String ?? "").isEmpty })
        // Every group is one candidate in the cells, with its own verdicts.
        #expect((json["cells"] as? [[String: Any]])?.count == 7)

        // Nothing readable at all: bad input.
        let empty = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        try Data().write(to: empty.appendingPathComponent("a.reg"))
        let none = try CLI.run(["report", "--fleet", empty.path, "--offline", "--server-profile", "windows-update"])
        #expect(none.exitCode == 2)
        #expect(none.stderr.contains("a.reg"))
    }

    @Test func ctrlCStopsCleanlyAndWritesNothing() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = dir.appendingPathComponent("fleet")
        // Long enough that the run cannot end before the interrupt: a fleet's identical exports and
        // configurations are judged once, so the exports put six suites in 720 different orders.
        let suites = [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
        ]
        for i in 0..<4000 {
            let folder = fleet.appendingPathComponent("windows-11/site\(i % 20)")
            if i < 20 { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            // The (i mod 720)-th order of the six suites.
            var pool = suites
            var rank = i % 720
            var order: [String] = []
            for factorial in [120, 24, 6, 2, 1, 1] {
                order.append(pool.remove(at: rank / factorial))
                rank %= factorial
            }
            let text = Self.reg(["[\(Self.policy)]", "\"Functions\"=\"\(order.joined(separator: ","))\""])
            try text.write(to: folder.appendingPathComponent("pc\(i).reg"), atomically: false, encoding: .utf8)
        }
        let out = dir.appendingPathComponent("report.json")
        let process = Process()
        process.executableURL = CLI.executableURL
        process.arguments = [
            "report", "--fleet", fleet.path, "--offline", "--server-profile", "windows-update", "--format", "json",
            "--output", out.path,
        ]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 0.3)
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("interrupted:"))
        #expect(stderr.contains("no report written"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["fleet"])
    }

    // MARK: On the wire

    @Test func liveServerConfirmsCellsOnTheWire() throws {
        let lab = DiagnoseLab.shared
        let good = try lab.reg("good.reg", ["; release defaults"])
        let bad = try lab.reg(
            "ecdsa.reg", ["[\(Self.policy)]", "\"Functions\"=\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\""])
        let before = lab.windowsUpdate.handshakes
        let result = try CLI.run([
            "report", DiagnoseLab.host, "--candidate", "good=\(good)", "--candidate", "bad=\(bad)",
            "--windows", "windows-10-22h2,windows-11", "--resolve",
            "\(DiagnoseLab.host)=127.0.0.1:\(lab.windowsUpdate.port)",
            "--ca-file", lab.caFile, "--timeout", "3", "--format", "json",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect((json["serverSources"] as? [String: String])?["\(DiagnoseLab.host):443"] == "scan")
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 4)
        let ok = try #require(
            cells.first { $0["candidate"] as? String == "good" && $0["windowsRelease"] as? String == "windows-11" })
        #expect(ok["verdict"] as? String == "ok")
        #expect(ok["confirmed"] as? Bool == true)
        #expect(ok["protocol"] as? String == "TLSv1.2")
        let fails = try #require(
            cells.first { $0["candidate"] as? String == "bad" && $0["windowsRelease"] as? String == "windows-11" })
        #expect(fails["verdict"] as? String == "fails")
        #expect(fails["confirmed"] as? Bool == true)
        #expect(fails["causes"] as? [String] == ["no-shared-cipher"])
        #expect(lab.windowsUpdate.handshakes > before)
    }

    @Test func unreachableHostWithoutProfileFailsWithTheNetworkCause() throws {
        let result = try CLI.run(
            [
                "report", DiagnoseLab.host, "--candidate", "balanced.reg", "--candidate", "again=balanced.reg",
                "--windows", "win11,server-2022", "--connect", "127.0.0.1:1", "--timeout", "2", "--format", "json",
            ],
            currentDirectory: Self.fixtures)
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect((json["serverSources"] as? [String: String])?["\(DiagnoseLab.host):443"] == "unreachable")
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 4)
        for cell in cells {
            #expect(cell["causes"] as? [String] == ["tcp-blocked"])
            #expect(cell["windowsError"] as? String == "0x80072EFD")
            #expect(cell["confirmed"] is NSNull)
        }
    }

    @Test func disagreementWithTheWireIsShown() throws {
        let lab = DiagnoseLab.shared
        let good = try lab.reg("good.reg", ["; release defaults"])
        // The saved profile claims an ECDSA-only server; the real one serves RSA suites.
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = ServerProfile(
            host: DiagnoseLab.host, port: 443, source: "scan",
            protocols: [
                "TLSv1.2": ProtocolSupport(accepted: true, cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"])
            ],
            serverPreference: ["TLSv1.2": true], groups: ["secp256r1"])
        let file = dir.appendingPathComponent("profile.json")
        try ServerProfileStore.encode([profile]).write(to: file, atomically: true, encoding: .utf8)
        let policy = try lab.reg(
            "rsa-only.reg", ["[\(Self.policy)]", "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\""])
        let result = try CLI.run([
            "report", DiagnoseLab.host, "--candidate", "rsa=\(policy)", "--candidate", "good=\(good)", "--windows",
            "windows-11",
            "--server-profile", file.path, "--resolve", "\(DiagnoseLab.host)=127.0.0.1:\(lab.windowsUpdate.port)",
            "--ca-file", lab.caFile, "--timeout", "3", "--format", "json",
        ])
        let cells = try #require((try CLI.json(result))["cells"] as? [[String: Any]])
        let rsa = try #require(cells.first { $0["candidate"] as? String == "rsa" })
        // The simulation says no shared cipher; the wire says it works: the wire wins, and the disagreement is in the cell.
        #expect(rsa["confirmed"] as? Bool == false)
        #expect(rsa["verdict"] as? String == "ok")
        #expect((rsa["summary"] as? String)?.contains("disagrees") == true)
        #expect(result.stderr.contains("disagrees"))
    }
}
