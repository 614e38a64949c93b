import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// Credentials never printed, lines never forged (issue 25): against a proxy that echoes the
/// `Proxy-Authorization` header and splits its status line with bare line feeds.
@Suite("Proxy credentials and forged lines at the command line", .serialized)
struct CredentialCommandTests {
    static var healthy: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("CipherSuites/examples/healthy.reg").path
    }
    static let fe2 = "fe2.update.microsoft.com"
    static let password = "S3cr3tPW"
    static var token: String {
        String(ProxyCredentials(user: "alice", password: password).basicAuthorization.dropFirst(6))
    }

    static func clean(_ result: CLIResult, _ what: String) {
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(password), "\(what): \(output)")
            #expect(!output.contains(token), "\(what): \(output)")
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "\(what)")
            for line in output.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                #expect(!EchoingProxy.forgedLines.contains(trimmed), "\(what): a forged line: \(line)")
            }
        }
    }

    @Test func anEchoingProxyPrintsNeitherTheCredentialsNorForgedLines() throws {
        let proxy = EchoingProxy()
        defer { proxy.stop() }
        let url = "http://alice:\(Self.password)@127.0.0.1:\(proxy.port)"
        for format in ["text", "json"] {
            let probe = try CLI.run(["probe", Self.fe2, "--proxy", url, "--timeout", "3", "--format", format])
            #expect(probe.exitCode == 1)
            Self.clean(probe, "probe \(format)")
            let windows = try CLI.run([
                "probe", Self.fe2, "--windows", "windows-10-22h2", "--proxy", url, "--timeout", "3", "--format", format,
            ])
            Self.clean(windows, "probe --windows \(format)")
            let scan = try CLI.run(["scan", Self.fe2, "--proxy", url, "--timeout", "3", "--format", format])
            Self.clean(scan, "scan \(format)")
        }
        for format in ["text", "json", "markdown", "html"] {
            let diagnose = try CLI.run([
                "diagnose", Self.fe2, "--config", Self.healthy, "--windows", "windows-10-22h2", "--proxy", url,
                "--server-profile", "windows-update", "--timeout", "3", "--format", format,
            ])
            // The configuration works; only the proxy from here fails it: exit 3.
            #expect(diagnose.exitCode == 3)
            Self.clean(diagnose, "diagnose \(format)")
        }
    }

    @Test func aPasswordWithoutAHostIsNotAHost() throws {
        let result = try CLI.run(["probe", Self.fe2, "--proxy", "http://alice:\(Self.password):8080", "--timeout", "1"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("alice:***"), "\(result.stderr)")
        #expect(!result.stderr.contains(Self.password) && !result.stdout.contains(Self.password))
    }

    /// The credentials from the environment or a file: not on the command line, where `ps` shows them.
    @Test(.enabled(if: ProxyProcess.tinyproxyInstalled))
    func credentialsFromTheEnvironmentOrAFile() throws {
        let lab = DiagnoseLab.shared
        let proxy = try ProxyProcess.tinyproxy(basicAuth: ("alice", Self.password))
        defer { proxy.stop() }
        let base = [
            "diagnose", Self.fe2, "--config", Self.healthy, "--resolve",
            "\(Self.fe2)=127.0.0.1:\(lab.windowsUpdate.port)",
            "--ca-file", lab.caFile, "--server-profile", "windows-update", "--proxy", proxy.url(), "--format", "json",
        ]
        let anonymous = try CLI.run(base)
        // The proxy wants credentials; the configuration works: only the path from here fails (exit 3).
        #expect(anonymous.exitCode == 3)
        let fromEnvironment = try CLI.run(base, environment: ["TLSFIT_PROXY_CREDENTIALS": "alice:\(Self.password)"])
        #expect(fromEnvironment.exitCode == 0, "\(fromEnvironment.stdout)")
        #expect(!fromEnvironment.stdout.contains(Self.password))
        let file = lab.dir.appendingPathComponent("proxy-credentials-\(UUID().uuidString)").path
        try "alice:\(Self.password)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try CLI.run(base + ["--proxy-credentials-file", file])
        #expect(fromFile.exitCode == 0, "\(fromFile.stdout)")
        #expect(!fromFile.stdout.contains(Self.password))
    }
}
