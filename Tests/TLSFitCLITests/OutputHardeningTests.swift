import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Outputs that cannot hurt: standard output that fails, output paths that are not regular files,
/// standard input without end, and input bytes that never reach the terminal raw.
@Suite("Output and input hardening", .serialized)
struct OutputHardeningTests {
    static let fixtures = ReportCommandTests.fixtures
    static let reportArgs = [
        "report", "--candidate", "balanced.reg", "--windows", "server-2022", "--offline",
        "--server-profile", "windows-update", "fe2.update.microsoft.com",
    ]

    /// Runs `script` with sh, `$0` being the tlsfit binary; returns its exit code and stderr.
    static func sh(_ script: String, in directory: URL? = nil, timeout: TimeInterval = 60) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, CLI.executableURL.path]
        if let directory { process.currentDirectoryURL = directory }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var data = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("sh -c \(script) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: [
        "\"$0\" config balanced.reg --windows windows-10-22h2",
        "\"$0\" report --candidate balanced.reg --windows server-2022 --offline --server-profile windows-update fe2.update.microsoft.com",
        "\"$0\" suites list",
    ])
    func aFullStandardOutputIsAWriteError(command: String) throws {
        let (code, stderr) = try Self.sh("\(command) > /dev/full", in: Self.fixtures)
        #expect(code == 2, "\(stderr)")
        #expect(stderr.contains("write error"), "\(stderr)")
        #expect(!stderr.contains("Fatal error"))
    }

    @Test func aClosedPipeIsAWriteErrorNotACrash() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rc = dir.appendingPathComponent("rc").path
        // The reader is gone before tlsfit writes: every write fails with EPIPE.
        let (_, stderr) = try Self.sh("{ sleep 0.3; \"$0\" suites list; echo $? > \(rc); } | true", in: dir)
        #expect(
            (try? String(contentsOfFile: rc, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "2",
            "\(stderr)")
        #expect(stderr.contains("write error"), "\(stderr)")
    }

    @Test func aScanWhoseOutputFailsDoesNotExitZero() throws {
        let (code, stderr) = try Self.sh("\"$0\" scan 127.0.0.1:1 --timeout 1 --format json > /dev/full")
        #expect(code == 2, "\(stderr)")
        #expect(stderr.contains("write error"))
    }

    /// `--output` to a FIFO and to a character device made here: written through, the node stays
    /// what it was; an existing regular file keeps its permissions.
    @Test func outputToAFIFOAndACharacterDeviceIsWrittenThrough() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var received = Data()
        let reader = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if let handle = FileHandle(forReadingAtPath: fifo) { received = handle.readDataToEndOfFile() }
            reader.signal()
        }
        let result = try CLI.run(
            Self.reportArgs + ["--format", "csv", "--output", fifo], currentDirectory: Self.fixtures)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(reader.wait(timeout: .now() + 10) == .success)
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("candidate,"))
        var info = stat()
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")

        if getuid() == 0 {
            let device = dir.appendingPathComponent("null").path
            let null: dev_t = 1 << 8 | 3  // makedev(1, 3): the null device
            #expect(mknod(device, S_IFCHR | 0o666, null) == 0)
            let toDevice = try CLI.run(
                Self.reportArgs + ["--format", "csv", "--output", device], currentDirectory: Self.fixtures)
            #expect(toDevice.exitCode == 0, "\(toDevice.stderr)")
            #expect(
                stat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "the device is still a character device"
            )
        }

        let regular = dir.appendingPathComponent("report.csv").path
        #expect(
            FileManager.default.createFile(
                atPath: regular, contents: Data("old".utf8), attributes: [.posixPermissions: 0o640]))
        let toFile = try CLI.run(
            Self.reportArgs + ["--format", "csv", "--output", regular], currentDirectory: Self.fixtures)
        #expect(toFile.exitCode == 0, "\(toFile.stderr)")
        #expect(
            stat(regular, &info) == 0 && info.st_mode & 0o7777 == 0o640,
            "permissions kept: \(String(info.st_mode & 0o7777, radix: 8))")
        #expect((try? String(contentsOfFile: regular, encoding: .utf8))?.hasPrefix("candidate,") == true)
    }

    @Test(arguments: ["\"$0\" config -", "\"$0\" suites translate - --to openssl"])
    func standardInputHasTheSameLimitAsFiles(command: String) throws {
        let (code, stderr) = try Self.sh("head -c 70000000 /dev/zero | \(command)")
        #expect(code == 2)
        #expect(stderr.contains("64 MiB"), "\(stderr)")
    }

    @Test(arguments: ["\"$0\" config -", "\"$0\" suites translate - --to openssl"])
    func inputBytesAreNeverEchoedRaw(command: String) throws {
        let (code, stderr) = try Self.sh(
            "printf 'Windows Registry Editor Version 5.00\\n\\nTLS_X\\033[31mRED\\001\\n' | \(command)")
        #expect(code == 2)
        #expect(!stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(stderr.debugDescription)")
        #expect(stderr.contains("\\x1B"), "\(stderr)")
    }

    /// A fleet folder tlsfit cannot read is listed among the skipped inputs, not passed over.
    /// Root reads every folder, so the run drops to `nobody` with setpriv.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anUnreadableFleetFolderIsListed() throws {
        let dir = try Self.tempDir()
        defer {
            chmod(dir.appendingPathComponent("locked").path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let export = try String(contentsOf: Self.fixtures.appendingPathComponent("balanced.reg"), encoding: .utf8)
        for folder in ["open", "locked"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
            try export.write(to: dir.appendingPathComponent("\(folder)/pc.reg"), atomically: false, encoding: .utf8)
        }
        chmod(dir.path, 0o755)
        chmod(dir.appendingPathComponent("open").path, 0o755)
        chmod(dir.appendingPathComponent("open/pc.reg").path, 0o644)
        chmod(dir.appendingPathComponent("locked").path, 0o000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", CLI.executableURL.path, "report", "--fleet", dir.path,
            "--offline", "--server-profile", "windows-update", "fe2.update.microsoft.com", "--format", "json",
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(stderr.contains("locked: cannot read the folder"), "\(stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        let skipped = try #require(json["skipped"] as? [[String: Any]])
        #expect(skipped.contains { ($0["file"] as? String)?.hasSuffix("/locked") == true })
    }
}
