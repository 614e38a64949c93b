import Foundation
import Testing

/// `Scripts/install.sh` as the README runs it, into a temporary PREFIX: the binary, the man pages
/// generated from the help, and the completions of three shells, and the installed binary works from
/// another folder with its data embedded. The test hands the script the binary this test run built
/// (`--binary`), so only the man page generator is compiled here; the static release build the
/// script makes by default is what the benchmarks run (`Benchmarks/scan-benchmark.sh`).
@Suite("Install")
struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(.timeLimit(.minutes(20))) func installsBinaryManPagesAndCompletionsUnderPrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let install = try CLI.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [
                Self.root.appendingPathComponent("Scripts/install.sh").path, "--prefix", prefix.path, "--binary",
                CLI.executableURL.path,
                "--scratch-path", Self.root.appendingPathComponent(".build-install-test").path,
            ],
            timeout: 1200)
        #expect(install.exitCode == 0, "\(install.stdout)\(install.stderr)")

        let binary = prefix.appendingPathComponent("bin/tlsfit")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        // From another folder, with nothing of the checkout around it: the data is in the binary.
        let shown = try CLI.runProcess(
            binary, ["suites", "show", "0xC030"], currentDirectory: URL(fileURLWithPath: "/"))
        #expect(shown.exitCode == 0)
        #expect(shown.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), "\(shown.stdout)")

        let share = prefix.appendingPathComponent("share")
        let page = try String(contentsOf: share.appendingPathComponent("man/man1/tlsfit.1"), encoding: .utf8)
        #expect(page.contains(".Dt TLSFIT 1"), "\(page.prefix(300))")
        let diagnosePage = try String(
            contentsOf: share.appendingPathComponent("man/man1/tlsfit.diagnose.1"), encoding: .utf8)
        #expect(diagnosePage.contains("--config"), "\(diagnosePage.prefix(300))")
        let bash = try String(
            contentsOf: share.appendingPathComponent("bash-completion/completions/tlsfit"), encoding: .utf8)
        #expect(bash.contains("diagnose") && bash.contains("complete"))
        let zsh = try String(contentsOf: share.appendingPathComponent("zsh/site-functions/_tlsfit"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef tlsfit"))
        let fish = try String(
            contentsOf: share.appendingPathComponent("fish/vendor_completions.d/tlsfit.fish"), encoding: .utf8)
        #expect(fish.contains("complete -c 'tlsfit'") && fish.contains("'diagnose'"))
    }

    /// Wrong arguments stop the script before it builds anything.
    @Test func unknownArgumentIsRefused() throws {
        let install = try CLI.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [Self.root.appendingPathComponent("Scripts/install.sh").path, "--prefx", "/tmp/x"])
        #expect(install.exitCode == 2)
        #expect(install.stderr.contains("unknown argument '--prefx'"), "\(install.stderr)")
    }
}
