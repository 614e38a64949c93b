import Foundation
import TLSFitCore
import Testing

/// One way to do things across commands: `--config` takes several files after one flag, mistyped
/// names get "did you mean", a file given where a host goes is named as such, and `report --offline`
/// judges hosts from the built-in profiles as `diagnose --offline` does.
@Suite("One way to do things")
struct OneWayTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("CipherSuites/examples")
    static func example(_ name: String) -> String { examples.appendingPathComponent(name).path }

    @Test func mistypedProfileNameGetsDidYouMean() throws {
        let result = try CLI.run([
            "diagnose", "--config", Self.example("healthy.reg"), "--offline", "--server-profile", "slsrc",
        ])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains("'slsrc' is neither a built-in profile nor a file (did you mean slscr"),
            "\(result.stderr)")
        // A path that does not exist is still named as a missing file.
        let missing = try CLI.run([
            "diagnose", "--config", Self.example("healthy.reg"), "--offline", "--server-profile",
            "/nonexistent/scan.json",
        ])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("/nonexistent/scan.json"), "\(missing.stderr)")
    }

    @Test(arguments: [["diagnose"], ["scan"], ["report", "--candidate", "x=PLACEHOLDER"], ["probe"]])
    func fileGivenAsHostIsNamed(command: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oneway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(contentsOf: URL(fileURLWithPath: Self.example("healthy.reg"))).write(
            to: folder.appendingPathComponent("policy.reg"))
        let arguments = command.map { $0 == "x=PLACEHOLDER" ? "x=policy.reg" : $0 } + ["policy.reg"]
        let result = try CLI.run(arguments, currentDirectory: folder)
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains(
                "'policy.reg' is a file here, not a host; to read it as the Windows configuration, use --config policy.reg"
            ),
            "\(result.stderr)")
    }

    @Test func helloAndProbeTakeSeveralConfigFilesAfterOneFlag() throws {
        let hello = try CLI.run([
            "hello", "--config", Self.example("healthy.reg"), Self.example("slscr-no-ecdsa-policy.reg"), "--format",
            "json",
        ])
        #expect(hello.exitCode == 0, "\(hello.stderr)")
        // The second file's policy order applies: its hello offers no ECDSA suite.
        let offered = try #require(try CLI.json(hello)["cipherSuites"] as? [[String: Any]])
        let suites = offered.compactMap { $0["iana"] as? String }
        #expect(!suites.isEmpty)
        #expect(!suites.contains { $0.contains("ECDSA") }, "\(suites)")

        let probe = try CLI.run(["probe", "--config", Self.example("healthy.reg"), "update.example"])
        #expect(probe.exitCode == 2, "\(probe.stderr)")
        #expect(
            probe.stderr.contains("give the host before --config (tlsfit probe update.example --config ...)"),
            "\(probe.stderr)")
    }

    @Test func reportOfflineNeedsNoServerProfile() throws {
        let result = try CLI.run([
            "report", "--candidate", "ok=\(Self.example("healthy.reg"))", "--offline", "--format", "json",
            "--windows", "windows-10-22h2",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let hosts = try #require(try CLI.json(result)["hosts"] as? [String])
        // The agent's TLS hosts that have a built-in profile, as diagnose --offline checks them.
        #expect(hosts.contains("slscr.update.microsoft.com:443"))
        #expect(hosts.contains("fe3cr.delivery.mp.microsoft.com:443"))
        #expect(!hosts.contains { $0.hasPrefix("go.microsoft.com") })
        #expect(result.stderr.contains("no profile for tsfe.trafficshaping.dsp.mp.microsoft.com"), "\(result.stderr)")
    }

    @Test func configEndsWithTheNextCommand() throws {
        let result = try CLI.run(
            ["config", "slscr-no-ecdsa-policy.reg", "--windows", "server-2019"], currentDirectory: Self.examples)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout.hasSuffix(
                """
                Next: why Windows Update fails with this configuration, and the smallest fix:
                  tlsfit diagnose --config slscr-no-ecdsa-policy.reg --windows server-2019
                (add --offline where this machine cannot reach the update hosts)

                """), "\(result.stdout.suffix(300))")
    }

    @Test(arguments: [
        (["diagnos", "--config", "x.reg"], "'diagnos' is not a tlsfit command (did you mean diagnose?)"),
        (["suites", "shwo", "0xC030"], "'shwo' is not a tlsfit suites command (did you mean show?)"),
        (["hello", "--stack", "winhtp"], "--stack: 'winhtp' is not a stack (did you mean winhttp?)"),
        (["diagnose", "--config", "x.reg", "--windows", "windows-10-22h"], "did you mean windows-10-22h2"),
    ])
    func mistypedNamesGetDidYouMean(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

/// Help texts fit an 80-column terminal: usage lines, option help and the examples, which are laid
/// out one command per line with `\` continuations so no command is broken in the middle.
@Suite("Help fits 80 columns")
struct HelpWidthTests {
    @Test(arguments: [
        [], ["probe"], ["hello"], ["suites"], ["suites", "show"], ["suites", "translate"], ["suites", "defaults"],
        ["suites", "list"], ["suites", "hosts"], ["config"], ["scan"], ["diagnose"], ["report"], ["serve"],
        ["demo"], ["collect"],
    ])
    func helpFitsEightyColumns(command: [String]) throws {
        let result = try CLI.run(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(wide.isEmpty, "\(wide)")
        // An example never starts a line with an option: that is a command wrapped in the middle.
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where index > 0 && lines[index - 1].hasPrefix("Example") {
            #expect(!line.hasPrefix("-"), "\(line)")
        }
    }
}
