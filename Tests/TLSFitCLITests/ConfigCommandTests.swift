import Foundation
import Testing

/// `tlsfit config` as a user runs it. (Named WindowsConfig... so `--filter WindowsConfig` runs it too.)
@Suite("tlsfit config")
struct WindowsConfigCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TLSFitCoreTests/Fixtures/windows")

    static func path(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The machine's WinHTTP proxy is shown (the update agent's path), from netsh output; a file without one says direct.
    @Test func showsTheWinHTTPProxy() throws {
        let netsh = try Self.temporaryFile(
            "netsh.txt",
            Array(
                """
                Current WinHTTP proxy settings:\r
                \r
                    Proxy Server(s) :  10.0.0.8:3128\r
                    Bypass List     :  <local>;*.contoso.com\r

                """.utf8))
        let json = try CLI.json(try CLI.run(["config", netsh, "--format", "json"]))
        let proxy = try #require(json["winHTTPProxy"] as? [String: Any])
        #expect(proxy["path"] as? String == "http://10.0.0.8:3128")
        #expect(proxy["bypassList"] as? String == "<local>;*.contoso.com")
        #expect((proxy["source"] as? String)?.contains("netsh.txt:3") == true, "\(proxy)")
        #expect(json["userProxy"] is NSNull)
        let text = try CLI.run(["config", netsh])
        // Wrapped at 80 columns: compare the words.
        let words = text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            words.contains(
                "WinHTTP proxy (the update agent's path): http://10.0.0.8:3128, bypass <local>;*.contoso.com"))
        let none = try CLI.run(["config", Self.path("regedit/export-utf16le-bom.reg")])
        #expect(none.stdout.contains("WinHTTP proxy (the update agent's path): not set in the inputs (direct)"))
        let noneJSON = try CLI.json(
            try CLI.run(["config", Self.path("regedit/export-utf16le-bom.reg"), "--format", "json"]))
        #expect(noneJSON["winHTTPProxy"] is NSNull)
    }

    /// libxml2 is loaded when the first gpresult report is read. When it cannot be loaded (here a
    /// TLSFIT_LIBXML2 that names no library), the report is a clear error naming the file, exit 2;
    /// a .reg export needs no libxml2 and still reads.
    @Test func aMissingLibxml2IsAClearError() throws {
        let missing = ["TLSFIT_LIBXML2": "/nonexistent/libxml2.so.2"]
        let report = Self.path("gpresult/gpresult-utf16.xml")
        let result = try CLI.run(["config", report], environment: missing)
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("gpresult-utf16.xml"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot load libxml2 from TLSFIT_LIBXML2"), "\(result.stderr)")
        let reg = try CLI.run(["config", Self.path("regedit/export-utf16le-bom.reg")], environment: missing)
        #expect(reg.exitCode == 0, "\(reg.stderr)")
        let normal = try CLI.run(["config", report])
        #expect(normal.exitCode == 0, "\(normal.stderr)")
    }

    @Test func jsonReport() throws {
        let result = try CLI.run(["config", Self.path("regedit/export-utf16le-bom.reg"), "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["windowsRelease"] as? String == "server-2022")
        #expect(json["windowsReleaseAssumed"] as? Bool == true)
        let protocols = try #require(json["protocols"] as? [String: [String: Any]])
        #expect(protocols["TLSv1.2"]?["client"] as? Bool == true)
        #expect((protocols["TLSv1.2"]?["source"] as? String)?.contains("export-utf16le-bom.reg:9") == true)
        #expect(protocols["TLSv1.0"]?["client"] as? Bool == false)
        let suites = try #require(json["cipherSuites"] as? [[String: Any]])
        #expect(suites.first?["iana"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(suites.first?["windows"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(suites.first?["code"] as? String == "0xC030")
        #expect((suites.first?["source"] as? String)?.hasSuffix("export-utf16le-bom.reg:16") == true)
        #expect(json["curves"] as? [String] == ["curve25519", "NistP384"])
        #expect(json["warnings"] is [Any])
        #expect(json["offeredProtocols"] as? [String] == ["TLSv1.1", "TLSv1.2"])
    }

    @Test func warningsCarryFileAndLine() throws {
        let result = try CLI.run([
            "config", Self.path("regedit/win7-server-only.reg"), "--windows", "windows-7", "--format", "json",
        ])
        #expect(result.exitCode == 0)
        let json = try CLI.json(result)
        #expect(json["windowsRelease"] as? String == "windows-7")
        #expect(json["windowsReleaseAssumed"] as? Bool == false)
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        let codes = Set(warnings.compactMap { $0["code"] as? String })
        #expect(
            codes.isSuperset(of: [
                "server-only-protocol", "disabled-by-default-blocks-winhttp", "curve-suffix-missing", "duplicate-suite",
                "unknown-suite-name",
            ]))
        let server = try #require(warnings.first { $0["code"] as? String == "server-only-protocol" })
        #expect((server["file"] as? String)?.hasSuffix("win7-server-only.reg") == true)
        #expect(server["line"] as? Int == 4)
        #expect(server["message"] is String)
    }

    @Test func textSaysTheReleaseWasAssumed() throws {
        let result = try CLI.run(["config", Self.path("lists/gpo-field.txt")])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("assumed"))
        #expect(result.stdout.contains("Windows Server 2022"))
        #expect(result.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
    }

    @Test func gpoBackupFolderAndMerging() throws {
        let result = try CLI.run([
            "config", Self.path("regedit/export-utf8.reg"), Self.path("gpo-backup"), "--windows", "win11", "--format",
            "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["format"] as? String } == ["regedit", "registryPol"])
        #expect(json["cipherSuiteOrderSource"] as? String == "policy")
        let codes = (json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("gpo-string-too-long"))
    }

    @Test func standardInput() throws {
        let result = try CLI.run(
            ["config", "-", "--format", "json"],
            stdin: "TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_GCM_SHA256")
        #expect(result.exitCode == 0)
        let suites = try CLI.json(result)["cipherSuites"] as? [[String: Any]]
        #expect(suites?.count == 2)
    }

    @Test(
        "broken input exits 2 with file and line",
        arguments: [
            ("broken/bad-dword.reg", "bad-dword.reg:5: "),
            ("broken/bad.xml", "bad.xml:4: "),
            ("broken/truncated.pol", "truncated.pol (byte "),
        ])
    func brokenInput(_ file: String, _ location: String) throws {
        let result = try CLI.run(["config", Self.path(file)])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("tlsfit: error: "))
        #expect(result.stderr.contains(location), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func badUsageExits2() throws {
        let missing = try CLI.run(["config", "/nonexistent/file.reg"])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("/nonexistent/file.reg"))
        let release = try CLI.run(["config", Self.path("lists/gpo-field.txt"), "--windows", "windows-95"])
        #expect(release.exitCode == 2)
        #expect(release.stderr.contains("windows-95"))
        // A folder that is neither documented layout (a GPO backup, a folder of exports) is refused.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("notes".utf8).write(to: dir.appendingPathComponent("README.md"))
        try Data("Windows Registry Editor Version 5.00\r\n".utf8).write(
            to: dir.appendingPathComponent("sub/nested.reg"))
        let folder = try CLI.run(["config", dir.path])
        #expect(folder.exitCode == 2)
        #expect(folder.stderr.contains("GPO backup") && folder.stderr.contains("folder of exports"))
        // A folder of exports: the lists at its top level are read.
        let exports = try CLI.run(["config", Self.path("lists"), "--format", "json"])
        #expect(exports.exitCode == 0, "\(exports.stderr)")
    }

    @Test func binaryAndEmptyFilesExit2() throws {
        let binary = try Self.temporaryFile("blob.bin", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00, 0x10])
        let r1 = try CLI.run(["config", binary])
        #expect(r1.exitCode == 2)
        #expect(r1.stderr.contains("blob.bin"))
        let empty = try Self.temporaryFile("empty.reg", [])
        let r2 = try CLI.run(["config", empty])
        #expect(r2.exitCode == 2)
        #expect(r2.stderr.contains("empty.reg:1"))
    }

    @Test func hugeFileIsRefused() throws {
        let path = try Self.temporaryFile("huge.reg", [])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(65 << 20))  // sparse: no 65 MiB written to disk
        try handle.close()
        let result = try CLI.run(["config", path])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("huge.reg"))
        #expect(result.stderr.contains("64 MiB"))
        try? FileManager.default.removeItem(atPath: path)
    }
}
