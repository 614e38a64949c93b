import Foundation
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// Ctrl-C during a scan: it stops cleanly, says what was done, and leaves no output file.
@Suite("Interruptions")
struct InterruptionTests {
    @Test func ctrlCDuringAScanStopsCleanlyAndSavesNothing() throws {
        let pki = TestPKI.shared
        let live = try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))
        // Silent servers: each connection takes the whole timeout, so the scan is still running at Ctrl-C.
        let silent = (0..<4).map { _ in
            RawTCPServer { fd in
                _ = RawTCPServer.readSome(fd)
                sleep(3)
            }
        }
        defer { silent.forEach { $0.stop() } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let save = dir.appendingPathComponent("scan.json").path
        let hosts = ["127.0.0.1:\(live.port)"] + silent.map { "127.0.0.1:\($0.port)" }
        let (result, elapsed) = try CLI.runInterrupted(
            ["scan"] + hosts + ["--timeout", "2", "--concurrency", "2", "--per-host", "1", "--save", save],
            after: 0.8)
        #expect(result.exitCode == 130, "\(result.stderr)")
        #expect(result.stderr.contains("scan interrupted"))
        #expect(elapsed < 4, "in-flight handshakes end within their timeout")
        #expect(!FileManager.default.fileExists(atPath: save))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no temporary file left")
    }

    /// Storming servers (alerts and HelloRequests, slowly, so no record budget ends them early):
    /// the first Ctrl-C stops the scan within one timeout, and each host costs one connection.
    @Test func ctrlCStopsAScanOfStormingServers() throws {
        let storms = (0..<3).map { _ in RawTCPServer.storm(.alertsAndHelloRequests, pause: 50_000, maxSeconds: 15) }
        defer { storms.forEach { $0.stop() } }
        let (result, elapsed) = try CLI.runInterrupted(
            ["scan"] + storms.map { "127.0.0.1:\($0.port)" } + [
                "--timeout", "2", "--concurrency", "2", "--per-host", "1",
            ],
            after: 0.5)
        #expect(result.exitCode == 130, "\(result.stderr)")
        #expect(elapsed < 2 + 1, "in-flight handshakes end by their timeout whatever the server streams")
    }

    @Test func aStormingHostCostsOneTimeout() throws {
        let storm = RawTCPServer.storm(.alertsAndHelloRequests, pause: 50_000, maxSeconds: 15)
        defer { storm.stop() }
        let start = Date()
        let result = try CLI.run(
            ["scan", "127.0.0.1:\(storm.port)", "--timeout", "1", "--format", "json"], timeout: 20)
        #expect(Date().timeIntervalSince(start) < 1 + 1.5)
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("alert-storm"), "\(result.stdout)")
    }

    /// `demo` interrupted at any point leaves no temporary folder behind.
    @Test(arguments: [0.05, 0.3, 0.8, 1.2])
    func interruptedDemoLeavesNoTemporaryFolder(after: Double) throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-demo-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let process = Process()
        process.executableURL = CLI.executableURL
        process.arguments = ["demo"]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = tmp.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: after)
        kill(process.processIdentifier, SIGINT)
        let end = Date().addingTimeInterval(15)
        while process.isRunning, Date() < end { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        // It exits (130, or 0 when it had finished), never dies of a signal: exiting while other
        // threads were inside OpenSSL used to crash it.
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        #expect([0, 130].contains(process.terminationStatus))
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "\(left)")
    }
}
