import Foundation
import Synchronization
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// Issue #13 and #15 from the command line: terminal escapes, output paths checked first, no empty
/// fix file, the --config hint, colour, width, --quiet, and `suites translate --to gpo` on an empty list.
@Suite("Admin output")
struct AdminOutputTests {
    /// Connections that sent bytes to a server that should never have been contacted.
    static let contacted = Mutex(0)
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TLSFitCoreTests/Fixtures/windows/causes")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anEscapeSequenceInACertificateNameIsShownNotObeyed() throws {
        let pki = TestPKI.shared
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Escape CA")
        let leaf = try CertificateFactory.issue(
            CertificateSpec(
                commonName: TestPKI.updateHost,
                dnsNames: [TestPKI.updateHost, "evil\u{1B}[2J\u{1B}]0;owned\u{07}.example"], ipAddresses: []),
            issuer: ca)
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(credentials: [leaf], cipherString: "DEFAULT"))
        defer { server.stop() }
        for command in [["probe", TestPKI.updateHost], ["scan", TestPKI.updateHost]] {
            let result = try CLI.run(
                command + ["--connect", "127.0.0.1:\(server.port)", "--timeout", "5", "--ca-file", pki.caFile])
            #expect(!result.stdout.contains("\u{1B}"), "\(command[0]) printed a raw ESC")
            #expect(!result.stdout.contains("\u{07}"))
            #expect(result.stdout.contains("evil\\u{1B}[2J"), "\(command[0]): \(result.stdout)")
        }
    }

    @Test func anEscapeSequenceInAnExportIsShownNotObeyed() throws {
        let file = Self.fixture("escape-sequence.reg")
        let config = try CLI.run(["config", file, "--windows", "windows-10-22h2"])
        #expect(!config.stdout.contains("\u{1B}"))
        #expect(config.stdout.contains("\\u{1B}"))
        let diagnose = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--config", file, "--offline", "--server-profile", "sws",
            "--color", "never",
        ])
        #expect(!diagnose.stdout.contains("\u{1B}"))
        #expect(!diagnose.stdout.contains("\u{07}"))
    }

    @Test func theFixFileIsCheckedBeforeAnyHandshakeAndNotWrittenWhenNothingIsToFix() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A folder that does not exist: refused before any connection to the (silent, local) host.
        let silent = RawTCPServer { fd in
            let seen = RawTCPServer.readSome(fd)
            Self.contacted.withLock { $0 += seen.isEmpty ? 0 : 1 }
        }
        defer { silent.stop() }
        let bad = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--connect", "127.0.0.1:\(silent.port)", "--config",
            Self.fixture("aes-both-off.reg"), "--timeout", "30", "--fix-out",
            dir.appendingPathComponent("missing/fix.reg").path,
        ])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("--fix-out") && bad.stderr.contains("no such folder"))
        #expect(Self.contacted.withLock { $0 } == 0, "a ClientHello was sent before the output path was checked")
        // Nothing to fix: no file.
        let healthy = dir.appendingPathComponent("healthy.reg")
        try Data("Windows Registry Editor Version 5.00\r\n\r\n".utf8).write(to: healthy)
        let out = dir.appendingPathComponent("fix.reg").path
        let ok = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--config", healthy.path, "--offline", "--server-profile", "sws",
            "--fix-out", out,
        ])
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(ok.stderr.contains("nothing to fix"))
    }

    @Test func outputPathsOfScanAndReportAreCheckedFirst() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let silent = RawTCPServer { fd in _ = RawTCPServer.readSome(fd) }
        defer { silent.stop() }
        let scan = try CLI.run(
            ["scan", "127.0.0.1:\(silent.port)", "--timeout", "30", "--save", dir.path], timeout: 20)
        #expect(scan.exitCode == 2)
        #expect(scan.stderr.contains("--save") && scan.stderr.contains("is a folder"))
        let report = try CLI.run([
            "report", "--candidate", Self.fixture("aes-both-off.reg"), "--offline", "--server-profile", "sws",
            "--output", dir.appendingPathComponent("no/such/report.html").path,
        ])
        #expect(report.exitCode == 2)
        #expect(report.stderr.contains("--output"))
    }

    @Test func aHostAfterConfigGetsAHint() throws {
        let result = try CLI.run([
            "diagnose", "--config", Self.fixture("aes-both-off.reg"), "fe2.update.microsoft.com", "--offline",
            "--server-profile", "sws",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("looks like a host"), "\(result.stderr)")
        #expect(result.stderr.contains("before --config"))
    }

    @Test func colourWidthAndQuiet() throws {
        let base = [
            "diagnose", "fe2.update.microsoft.com", "--config", Self.fixture("win7-enable-tls12-script.reg"),
            "--windows", "windows-7",
            "--offline", "--server-profile", "sws",
        ]
        let plain = try CLI.run(base)
        #expect(plain.exitCode == 1)
        #expect(!plain.stdout.contains("\u{1B}"))
        // Not a terminal: prose wraps at 80 columns; the .reg lines and evidence paths stay whole.
        let long = plain.stdout.split(separator: "\n").map(String.init).filter { $0.count > 80 }
        #expect(
            long.allSatisfy { $0.hasPrefix("      ") || !$0.trimmingCharacters(in: .whitespaces).contains(" ") },
            "\(long)")
        #expect(
            plain.stdout.contains(
                "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp]"))
        #expect(plain.stdout.contains("Findings"))
        #expect(plain.stdout.contains("[error] winhttp-default-protocols"))
        let always = try CLI.run(base + ["--color", "always"])
        #expect(always.stdout.contains("\u{1B}[31mFAILS\u{1B}[0m"))
        let quiet = try CLI.run(base + ["--quiet"])
        #expect(quiet.stdout.contains("winhttp-default-protocols"))
        #expect(!quiet.stdout.contains("Evidence:"))
        #expect(quiet.stdout.hasSuffix("0 of 1 host(s) reachable with this configuration.\n"))
    }

    @Test func diagnoseWarnsAboutNamesWindowsIgnores() throws {
        let result = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--config", Self.fixture("typos.reg"), "--offline",
            "--server-profile", "sws", "--quiet",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("typos.reg:10: \"Enable\""))
        #expect(result.stderr.contains("did you mean \"DisabledByDefault\"?"))
        #expect(result.stderr.contains("typos.reg:4: Ciphers\\AES 256/265"))
    }

    @Test func translateToGPORefusesAnEmptyList() throws {
        let result = try CLI.run([
            "suites", "translate", "--to", "gpo", "--windows", "windows-7", "TLS_AES_128_GCM_SHA256",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("empty SSL Cipher Suite Order string"))
    }
}

/// `demo` and `diagnose` Markdown and HTML carry what the text carries.
@Suite("Markdown and HTML parity")
struct MarkdownHTMLParityTests {
    @Test("demo", arguments: ["markdown", "html"])
    func demo(format: String) throws {
        let result = try CLI.run(["demo", "--format", format])
        #expect(result.exitCode == 0, "\(result.stderr)")
        for label in [
            "Findings", "Client offers", "Server accepts", "Nearest fix",
            "GPO \"SSL Cipher Suite Order\" string".replacingOccurrences(
                of: "\"", with: format == "html" ? "&quot;" : "\""),
            ".reg", "Fix", "Checked by simulation", "Confirmed on the wire", "Evidence",
            "Windows Update would most likely report",
            "Expected: winhttp-default-protocols; got: winhttp-default-protocols", "Demo finished",
        ] {
            #expect(result.stdout.contains(label), "\(format) lacks \(label)")
        }
        if format == "html" {
            #expect(result.stdout.hasPrefix("<!DOCTYPE html>"))
            #expect(!result.stdout.contains("<script"))
        }
    }

    @Test("diagnose", arguments: ["markdown", "html"])
    func diagnose(format: String) throws {
        let result = try CLI.run([
            "diagnose", "fe2.update.microsoft.com", "--config",
            AdminOutputTests.fixture("win81-gpo-without-suffixes.reg"),
            "--windows", "windows-8.1", "--offline", "--server-profile", "sws", "--format", format,
        ])
        #expect(result.exitCode == 1)
        for label in [
            "Findings", "curve-suffix-missing", "Client offers", "Server accepts", "Nearest fix", ".reg",
            "assumed: no public report",
            "knows it as TLS", "Handshake", "not tried (offline)",
        ] {
            #expect(result.stdout.contains(label), "\(format) lacks \(label)")
        }
    }
}

@Suite("Shell completions")
struct CompletionTests {
    @Test("release names and files in every shell's script", arguments: ["bash", "zsh", "fish"])
    func scripts(shell: String) throws {
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.contains("windows-10-22h2") && result.stdout.contains("server-2008r2"),
            "\(shell): no release names")
        #expect(result.stdout.contains("---completion"), "\(shell): no custom completion for --server-profile")
    }

    @Test func serverProfilesCompleteBuiltInNamesAndJSONFiles() throws {
        let dir = try AdminOutputTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{}".utf8).write(to: dir.appendingPathComponent("wu-scan.json"))
        try Data("x".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let result = try CLI.run(
            ["---completion", "diagnose", "--", "--server-profile", "1", "0", "tlsfit", "--server-profile", ""],
            currentDirectory: dir)
        let offered = result.stdout.split(separator: "\n").map(String.init)
        #expect(offered.contains("windows-update"))
        #expect(offered.contains("wu-scan.json"))
        #expect(!offered.contains("notes.txt"))
    }
}

/// On a terminal (a pseudo-terminal made by `script`), diagnose shows progress and colours by default;
/// NO_COLOR turns the colours off.
@Suite("diagnose on a terminal")
struct DiagnoseTerminalTests {
    static func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        let command = ([CLI.executableURL.path] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env["TERM"] = "xterm"
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-tty-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try handle.close()
        return String(decoding: try Data(contentsOf: out), as: UTF8.self)
    }

    @Test func progressAndColour() throws {
        let args = [
            "diagnose", "a.example", "b.example", "--config", AdminOutputTests.fixture("aes-both-off.reg"), "--offline",
            "--server-profile", "sws",
        ]
        let output = try Self.onTerminal(args)
        #expect(output.contains("[2/2]"), "no progress: \(output.prefix(200))")
        #expect(output.contains("\u{1B}[31mFAILS"))
        let noColor = try Self.onTerminal(args, environment: ["NO_COLOR": "1"])
        #expect(!noColor.contains("\u{1B}[31m"))
        #expect(noColor.contains("FAILS"))
    }
}
