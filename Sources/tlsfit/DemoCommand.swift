import ArgumentParser
import CipherSuites
import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitReports

/// `tlsfit demo`: a local server that behaves like a Windows Update front end, and bundled
/// configurations diagnosed against it with real handshakes. No network needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Diagnose bundled example configurations against a local server that plays Windows Update.",
        discussion: """
            Starts an OpenSSL server on 127.0.0.1 that accepts what the Windows Update front ends \
            are assumed to accept (built-in profile windows-update, RSA certificate from a private \
            CA made on the fly), then diagnoses example Windows configurations against it with real \
            handshakes and prints the explanations. Needs no network.

            Exit code 0 when every example behaved as expected.
            """
    )

    struct Example: Sendable {
        var file: String
        var release: WindowsRelease
        var expected: String
        var title: String
    }

    static func examples() -> [Example] {
        CipherSuitesData.examplesTSV.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let f = line.split(separator: "\t").map(String.init)
            guard f.count >= 4, let r = WindowsRelease(rawValue: f[1]) else { return nil }
            return Example(file: f[0], release: r, expected: f[2], title: f[3])
        }
    }

    @Option(name: .long, help: "Output format: text or json.")
    var format: DiagnoseCommand.OutputFormat = .text

    func run() async throws {
        guard let builtIn = BuiltInServerProfile.named("windows-update") else { throw ExitCode(2) }
        let host = builtIn.profile.host
        // Ctrl-C removes the temporary folder and its CA file, then exits.
        Interruption.shared.install(exitAtOnce: true)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-demo-\(UUID().uuidString)")
        let caFile = dir.appendingPathComponent("ca.pem").path
        Interruption.shared.registerTemporaryFile(dir.path)
        Interruption.shared.registerTemporaryFile(caFile)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ca, leaf) = try ServerProfileServer.credentials(for: builtIn.profile, extraNames: builtIn.hosts, bindAddress: "127.0.0.1")
        try ca.certificatePEM.write(toFile: caFile, atomically: false, encoding: .utf8)
        let server = try LocalTLSServer(configuration: ServerProfileServer.configuration(builtIn.profile, credentials: [leaf]))
        defer { server.stop() }

        let profile = builtIn.profile
        let engine = DiagnoseEngine(timeout: 5, caFile: caFile, offline: false, profileProvider: { _ in profile })
        let target = ScanTarget(host: host, port: 443, connectAddress: "127.0.0.1", connectPort: server.port)
        var allAsExpected = true
        var reports: [DiagnosisReport] = []
        if format == .text {
            print("tlsfit demo: a local server on 127.0.0.1:\(server.port) plays \(host) (built-in profile '\(builtIn.name)': \(builtIn.description)).")
            print("Each example configuration is emulated with OpenSSL and diagnosed with a real handshake.\n")
        }
        for (i, example) in Self.examples().enumerated() {
            let name = "examples/\(example.file)"
            let bytes = Array((CipherSuitesData.examples[example.file] ?? "").utf8)
            let config = try WindowsConfigReader.read([.init(name: name, bytes: bytes)], release: example.release)
            let hosts = await engine.run(config: config, targets: [target])
            let report = DiagnosisReport(windowsRelease: example.release, windowsReleaseAssumed: false, inputs: [name], hosts: hosts)
            reports.append(report)
            let got = hosts.first.map { $0.succeeded ? "ok" : ($0.causes.first?.code.rawValue ?? "fails") } ?? "?"
            let fixOK = hosts.allSatisfy { $0.succeeded || $0.fixConfirmedOnWire == true }
            let asExpected = got == example.expected && fixOK && hosts.allSatisfy { $0.agrees != false }
            allAsExpected = allAsExpected && asExpected
            if format == .text {
                print(String(repeating: "=", count: 100))
                print("Example \(i + 1): \(example.title) (\(name), \(example.release.displayName))")
                print("Expected: \(example.expected); got: \(got)\(asExpected ? "" : "  <-- UNEXPECTED")")
                print(String(repeating: "=", count: 100))
                print(DiagnosisTextRenderer.render(report))
            }
        }
        if format == .json {
            struct Demo: Encodable { var schemaVersion: Int; var asExpected: Bool; var examples: [DiagnosisReport] }
            print(try JSONOutput.encode(Demo(schemaVersion: JSONOutput.schemaVersion, asExpected: allAsExpected, examples: reports)))
        } else {
            print(allAsExpected ? "Demo finished: every example behaved as expected." : "Demo finished: some examples did NOT behave as expected.")
        }
        if !allAsExpected { throw ExitCode(1) }
    }
}
