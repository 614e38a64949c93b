import Foundation
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Smaller items of issue 25: an `--output` FIFO nobody reads, and SIGTERM.
@Suite("FIFO outputs and SIGTERM", .serialized)
struct FIFOAndSignalTests {
    /// `--output` onto a FIFO with no reader: refused at once, not blocked forever.
    @Test func aFIFOWithoutAReaderIsRefusedAtOnce() throws {
        let dir = try OutputHardeningTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = Date()
        let result = try CLI.run(
            OutputHardeningTests.reportArgs + ["--format", "csv", "--output", fifo],
            timeout: 20, currentDirectory: OutputHardeningTests.fixtures)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("no process reads"), "\(result.stderr)")
    }

    /// One SIGTERM ends a run that waits on the network (it does not count as a first Ctrl-C).
    @Test func oneSIGTERMEndsTheRun() throws {
        // Reads what comes and never answers, for at most 30 s.
        let silent = RawTCPServer { fd in
            let end = Date().addingTimeInterval(30)
            var buffer = [UInt8](repeating: 0, count: 4096)
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while Date() < end {
                if poll(&pfd, 1, 500) > 0, recv(fd, &buffer, buffer.count, 0) <= 0 { return }
            }
        }
        defer { silent.stop() }
        let process = Process()
        process.executableURL = CLI.executableURL
        // scan takes over SIGINT and SIGTERM (a first Ctrl-C finishes the handshakes in flight).
        process.arguments = ["scan", "127.0.0.1:\(silent.port)", "--timeout", "60"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1)
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            done.signal()
        }
        let ended = done.wait(timeout: .now() + 10) == .success
        if !ended { kill(process.processIdentifier, SIGKILL) }
        #expect(ended)
        #expect(Date().timeIntervalSince(sent) < 5)
        #expect(process.terminationReason == .exit && process.terminationStatus == 143)
    }
}

/// `diagnose --log` without hosts: at most 32 hosts from the log, the rest listed as not checked.
@Suite("diagnose --log host cap")
struct LogHostCapTests {
    @Test func aLogNamingFortyHostsChecksThirtyTwo() throws {
        let dir = try OutputHardeningTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = ""
        for i in 1...40 {
            lines +=
                "2023/05/04 10:11:\(String(format: "%02d", i % 60)).1234567 1234  5678  Misc            Making request with URL HTTPS://h\(i).contoso.test/x and send events.\r\n"
            lines +=
                "2023/05/04 10:11:\(String(format: "%02d", i % 60)).2234567 1234  5678  Misc            *FAILED* [80072EFE] Send request\r\n"
        }
        let log = dir.appendingPathComponent("WindowsUpdate.log").path
        try lines.write(toFile: log, atomically: true, encoding: .utf8)
        let result = try CLI.run([
            "diagnose", "--log", log, "--windows", "windows-10-22h2", "--offline", "--server-profile", "fe2-sls",
            "--format", "json",
        ])
        let hosts = try #require(try CLI.json(result)["hosts"] as? [[String: Any]], "\(result.stderr)")
        #expect(hosts.count == 32, "\(result.stderr)")
        #expect(result.stderr.contains("Not checked (8)"), "\(result.stderr)")
        #expect(result.stderr.contains("h40.contoso.test:443"))
    }
}
