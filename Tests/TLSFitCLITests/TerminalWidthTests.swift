import Foundation
import Testing

/// Text output fits the terminal: run through a real pseudo-terminal of a given width (python3's
/// `pty` module sets the window size before tlsfit starts; standard error stays apart), with `COLUMNS` when the terminal reports
/// no width, and into a pipe (80 columns). Only a line made of one unbreakable token (a path, a
/// registry key, a command to copy) may be longer.
@Suite("terminal width")
struct TerminalWidthTests {
    /// Runs tlsfit on a pseudo-terminal of `columns` columns (0: the terminal reports no width).
    static func runOnTerminal(
        _ arguments: [String], columns: Int, environment extra: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> CLIResult {
        let script = """
            import os, pty, sys, struct, fcntl, termios
            cols = int(sys.argv[1])
            os.dup2(2, 10)
            pid, fd = pty.fork()
            if pid == 0:
                os.dup2(10, 2)
                fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 24, cols, 0, 0))
                os.execv(sys.argv[2], sys.argv[2:])
            out = b''
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        // COLUMNS is removed (an empty value) unless the test sets it: the terminal's size decides.
        var result = try CLI.runProcess(
            URL(fileURLWithPath: "/usr/bin/python3"),
            ["-c", script, String(columns), CLI.executableURL.path] + arguments,
            currentDirectory: currentDirectory, environment: ["COLUMNS": ""].merging(extra) { _, new in new })
        result.stdout = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        return result
    }

    /// The lines longer than `width` that are not one unbreakable token: a word without spaces, a
    /// bracketed registry key, or a command line shown to be copied.
    static func overlong(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            guard line.count > width else { return false }
            let token = line.trimmingCharacters(in: .whitespaces)
            if !token.contains(" ") { return false }
            if token.hasPrefix("tlsfit ") { return false }
            if token.hasPrefix("["), token.hasSuffix("]"), token.dropFirst().firstIndex(of: "[") == nil { return false }
            return true
        }
    }

    static let windows = WindowsConfigCommandTests.self
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("docs/examples")

    static var configRuns: [[String]] {
        [
            ["config", examples.appendingPathComponent("policy.reg").path],
            ["config", windows.path("regedit/export-utf8.reg"), windows.path("gpo-backup"), "--windows", "win11"],
            ["config", windows.path("regedit/win7-server-only.reg"), "--windows", "windows-7"],
            ["config", examples.appendingPathComponent("regedit4-win7.reg").path],
        ]
    }

    static func check(_ arguments: [String], exitCode: Int32 = 0, currentDirectory: URL? = nil) throws {
        for columns in [80, 60, 132] {
            let result = try runOnTerminal(arguments, columns: columns, currentDirectory: currentDirectory)
            #expect(result.exitCode == exitCode, "\(arguments) at \(columns): \(result.stderr)")
            #expect(result.stdout.count > 100)
            #expect(overlong(result.stdout, width: columns) == [], "\(arguments) on a terminal of \(columns) columns")
        }
        // A terminal that reports no width: COLUMNS.
        let columns = try runOnTerminal(
            arguments, columns: 0, environment: ["COLUMNS": "100"], currentDirectory: currentDirectory)
        #expect(columns.exitCode == exitCode)
        #expect(overlong(columns.stdout, width: 100) == [], "\(arguments) with COLUMNS=100")
        // Not a terminal: 80, whatever COLUMNS says.
        let piped = try CLI.run(arguments, currentDirectory: currentDirectory, environment: ["COLUMNS": "200"])
        #expect(piped.exitCode == exitCode)
        #expect(overlong(piped.stdout, width: 80) == [], "\(arguments) into a pipe")
    }

    @Test func configFitsTheTerminal() throws {
        for arguments in Self.configRuns { try Self.check(arguments) }
    }

    /// The hosts table is kept where it fits and becomes one block per host where it does not.
    @Test func configHostsTableChangesLayout() throws {
        let arguments = Self.configRuns[0]
        let wide = try Self.runOnTerminal(arguments, columns: 200)
        #expect(
            wide.stdout.contains("  host  ") || wide.stdout.split(separator: "\n").contains { $0.hasPrefix("  host ") })
        let narrow = try Self.runOnTerminal(arguments, columns: 80)
        #expect(!narrow.stdout.split(separator: "\n").contains { $0.hasPrefix("  host ") })
        #expect(narrow.stdout.contains("  slscr.update.microsoft.com (client)\n    certificate: "))
        #expect(narrow.stdout.contains("    predicted: FAILS no-shared-cipher"))
    }

    @Test func reportFitsTheTerminal() throws {
        try Self.check(ReportCommandTests.goldenArguments, exitCode: 1, currentDirectory: ReportCommandTests.fixtures)
        try Self.check(
            [
                "report", "--candidate", "balanced.reg", "--windows", "server-2022", "--offline", "--server-profile",
                "windows-update",
            ],
            exitCode: 0, currentDirectory: ReportCommandTests.fixtures)
    }

    /// The matrix stays a table where it fits and becomes one block per release where it does not.
    @Test func reportMatrixChangesLayout() throws {
        let arguments = [
            "report", "--candidate", "no-legacy.reg", "--windows", "server-2022", "--offline",
            "--server-profile", "servers.json", "modern.contoso.test",
        ]
        let wide = try Self.runOnTerminal(arguments, columns: 200, currentDirectory: ReportCommandTests.fixtures)
        #expect(wide.stdout.contains("  release  "))
        let narrow = try Self.runOnTerminal(
            ReportCommandTests.goldenArguments, columns: 80, currentDirectory: ReportCommandTests.fixtures)
        #expect(!narrow.stdout.contains("  release  "))
        #expect(narrow.stdout.contains("  server-2022:\n    fe2.update.microsoft.com:443  "))
    }

    @Test func helloFitsTheTerminal() throws {
        try Self.check(["hello", "--windows", "windows-10-22h2"])
        try Self.check(["hello", "--windows", "windows-7"])
        try Self.check([
            "hello", "--windows", "windows-11", "--config", Self.examples.appendingPathComponent("policy.reg").path,
        ])
        try Self.check(["hello", "--decode", "@" + Self.examples.appendingPathComponent("ie11-win7.hex").path])
    }

    /// The hex of the hello is never broken: its lines are the same at every width.
    @Test func helloKeepsTheHexWhole() throws {
        let arguments = ["hello", "--windows", "windows-10-22h2"]
        let hex = try CLI.run(arguments + ["--format", "hex"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let narrow = try Self.runOnTerminal(arguments, columns: 60).stdout
        let shown =
            narrow.components(separatedBy: "\nHex (").last?.split(separator: "\n").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined() ?? ""
        #expect(!hex.isEmpty)
        #expect(shown == hex)
        #expect(narrow.contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
    }

    @Test func suitesFitTheTerminal() throws {
        try Self.check(["suites", "show", "0xC030"])
        try Self.check(["suites", "show", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"])
        try Self.check(["suites", "hosts"])
        try Self.check(["suites", "hosts", "--role", "wsus", "--windows", "2012r2"])
        try Self.check(["suites", "list"])
        try Self.check(["suites", "list", "--windows", "windows-7"])
        try Self.check(["suites", "defaults", "windows-7", "--all"])
        try Self.check(["suites", "defaults", "server-2022"])
    }

    /// `scan` and `probe` against a lab server (`tlsfit serve`), on terminals of several widths.
    @Test func scanAndProbeFitTheTerminal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-width-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let serve = try ServeProcess(["--profile", "fe2-sls", "--cert-out", dir.path])
        defer { serve.stop() }
        try #require(serve.port > 0, "\(serve.lines)")
        let host = "fe2.update.microsoft.com"
        let ca = dir.appendingPathComponent("ca.pem").path
        try Self.check(["probe", host, "--connect", "127.0.0.1:\(serve.port)", "--ca-file", ca])
        try Self.check([
            "probe", host, "--connect", "127.0.0.1:\(serve.port)", "--ca-file", ca, "--windows", "windows-10-22h2",
        ])
        try Self.check(
            [
                "probe", host, "--connect", "127.0.0.1:\(serve.port)", "--ca-file", ca,
                "--ciphers", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            ], exitCode: 1)
        try Self.check(["scan", host, "--resolve", "\(host)=127.0.0.1:\(serve.port)", "--ca-file", ca])
        let narrow = try Self.runOnTerminal(
            ["scan", host, "--resolve", "\(host)=127.0.0.1:\(serve.port)", "--ca-file", ca], columns: 80)
        #expect(narrow.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
    }
}
