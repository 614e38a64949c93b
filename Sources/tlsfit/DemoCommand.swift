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

    @Option(name: .long, help: "Output format: text, json, markdown or html.")
    var format: DiagnoseCommand.OutputFormat = .text

    @OptionGroup var terminal: TerminalOptions

    func run() async throws {
        guard let builtIn = BuiltInServerProfile.named("windows-update") else { throw ExitCode(2) }
        let host = builtIn.profile.host
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ca, leaf) = try ServerProfileServer.credentials(for: builtIn.profile, extraNames: builtIn.hosts, bindAddress: "127.0.0.1")
        let caFile = dir.appendingPathComponent("ca.pem").path
        try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let server = try LocalTLSServer(configuration: ServerProfileServer.configuration(builtIn.profile, credentials: [leaf]))
        defer { server.stop() }

        let profile = builtIn.profile
        let engine = DiagnoseEngine(timeout: 5, caFile: caFile, offline: false, profileProvider: { _ in profile })
        let target = ScanTarget(host: host, port: 443, connectAddress: "127.0.0.1", connectPort: server.port)
        var allAsExpected = true
        var reports: [DiagnosisReport] = []
        var document = ""
        let layout = terminal.layout()
        let intro = "A local server on 127.0.0.1:\(server.port) plays \(host) (built-in profile '\(builtIn.name)': \(builtIn.description)). Each example configuration is emulated with OpenSSL and diagnosed with a real handshake."
        switch format {
        case .markdown: document = "# tlsfit demo\n\n\(Escaping.markdown(intro))\n\n"
        case .html: document = "<h1>tlsfit demo</h1>\n<p>\(Escaping.html(intro))</p>\n"
        default: break
        }
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
            let title = "Example \(i + 1): \(example.title) (\(name), \(example.release.displayName))"
            let verdict = "Expected: \(example.expected); got: \(got)\(asExpected ? "" : "  <-- UNEXPECTED")"
            switch format {
            case .text:
                if !terminal.quiet || !asExpected {
                    print(String(repeating: "=", count: layout.width))
                    print(Escaping.terminal(title))
                    print(verdict)
                    print(String(repeating: "=", count: layout.width))
                    print(DiagnosisTextRenderer.render(report, layout: layout))
                }
            case .markdown:
                document += DiagnosisMarkdownRenderer.render(report, title: title, level: 2).replacingOccurrences(of: "\n\n- Client:", with: "\n\n\(Escaping.markdown(verdict))\n\n- Client:") + "\n"
            case .html:
                document += DiagnosisHTMLRenderer.section(report, level: 2, title: title) + "<p>\(Escaping.html(verdict))</p>\n"
            case .json:
                break
            }
        }
        let closing = allAsExpected ? "Demo finished: every example behaved as expected." : "Demo finished: some examples did NOT behave as expected."
        if format == .markdown {
            print(document + closing)
        } else if format == .html {
            print(DiagnosisHTMLRenderer.page(title: "tlsfit demo", body: document + "<p>\(closing)</p>\n"), terminator: "")
        } else if format == .json {
            struct Demo: Encodable { var schemaVersion: Int; var asExpected: Bool; var examples: [DiagnosisReport] }
            print(try JSONOutput.encode(Demo(schemaVersion: JSONOutput.schemaVersion, asExpected: allAsExpected, examples: reports)))
        } else {
            print(closing)
        }
        if !allAsExpected { throw ExitCode(1) }
    }
}
