import Foundation
import Testing

/// Bad input anywhere: a clear message naming the file or option, exit code 2, nothing on stdout.
@Suite("Bad input across commands")
struct BadInputTests {
    @Test(arguments: [
        (["serve", "--profile", "/nonexistent/profile.json"], "/nonexistent/profile.json: no such file"),
        (["report", "--fleet", "/nonexistent", "--offline"], "--fleet: /nonexistent is not a folder"),
        (["diagnose", "--config", "/nonexistent.reg", "--offline"], "/nonexistent.reg: no such file"),
        (["scan", "--hosts", "/nonexistent.txt"], "/nonexistent.txt: no such file"),
        (["config", "/nonexistent.pol"], "/nonexistent.pol: no such file"),
        (["suites", "defaults", "windows-95"], "unknown Windows release 'windows-95'"),
        (["probe", "exa mple.com"], "is not a valid host name"),
        (["report", "--candidate", "x.reg", "--format", "pdf"], "pdf"),
    ])
    func clearMessageAndExit2(arguments: [String], expected: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.exitCode == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
