import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// OK means proven, at the command line (issue 25): a bare ServerHello, directly or forged by a
/// proxy, is never "OK" in `probe --windows` or `diagnose`, in any format, with `--quiet` too.
@Suite("No OK without a certificate", .serialized)
struct ProofCommandTests {
    static var healthy: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("CipherSuites/examples/healthy.reg").path
    }
    static let host = "fe2.update.microsoft.com"

    @Test func probeWindowsAgainstABareServerHelloIsNotOK() throws {
        let server = BareServerHelloServer()
        defer { server.stop() }
        let base = [
            "probe", Self.host, "--connect", "127.0.0.1:\(server.port)", "--windows", "windows-10-22h2", "--timeout",
            "3",
        ]
        for extra in [[], ["--format", "json"]] {
            let result = try CLI.run(base + extra)
            #expect(result.exitCode == 1, "\(extra): \(result.stdout) \(result.stderr)")
            #expect(!result.stdout.contains("OK: handshake succeeded"), "\(extra)")
            #expect(
                result.stdout.contains("not-confirmed") || result.stdout.contains("not confirmed"),
                "\(extra): \(result.stdout)")
        }
        // The proof, as data.
        let json = try CLI.json(try CLI.run(base + ["--format", "json"]))
        let proof = try #require((json["windowsClient"] as? [String: Any])?["certificateProof"] as? [String: Any])
        #expect(proof["proven"] as? Bool == false)
        #expect(proof["certificateReceived"] as? Bool == false)
        #expect((proof["notConfirmed"] as? String)?.contains("before a Certificate") == true)
    }

    @Test func diagnoseAgainstABareServerHelloIsNotOK() throws {
        let server = BareServerHelloServer()
        defer { server.stop() }
        let base = [
            "diagnose", Self.host, "--config", Self.healthy, "--windows", "windows-10-22h2", "--resolve",
            "\(Self.host)=127.0.0.1:\(server.port)",
            "--server-profile", "windows-update", "--timeout", "3",
        ]
        for extra in [[], ["--quiet"]] {
            let result = try CLI.run(base + extra)
            #expect(result.exitCode == 1, "\(extra): \(result.stdout)")
            #expect(!result.stdout.contains("  OK"), "\(extra): \(result.stdout)")
            #expect(result.stdout.contains("0 of 1 host(s) reachable"), "\(extra): \(result.stdout)")
            #expect(extra == ["--quiet"] || result.stdout.contains("not confirmed"), "\(extra): \(result.stdout)")
            #expect(!result.stdout.contains("not tried (offline)"))
        }
        let json = try CLI.json(try CLI.run(base + ["--format", "json"]))
        let entry = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(entry["outcome"] as? String == "fails")
        #expect((entry["observedFailure"] as? [String: Any])?["kind"] as? String == "not-confirmed")
    }

    /// The forging proxy answers every CONNECT and then the ClientHello itself: "9 of 9 hosts reachable" before.
    @Test func aForgingProxyIsNotOK() throws {
        let proxy = ForgingProxy()
        defer { proxy.stop() }
        let probe = try CLI.run([
            "probe", Self.host, "--windows", "windows-10-22h2", "--proxy", proxy.url, "--timeout", "3",
        ])
        #expect(probe.exitCode == 1, "\(probe.stdout)")
        #expect(!probe.stdout.contains("OK: handshake succeeded"))
        let diagnose = try CLI.run([
            "diagnose", Self.host, "sls.update.microsoft.com", "--config", Self.healthy, "--windows", "windows-10-22h2",
            "--proxy", proxy.url, "--server-profile", "windows-update", "--timeout", "3", "--format", "json",
        ])
        #expect(diagnose.exitCode == 1)
        let hosts = try #require(try CLI.json(diagnose)["hosts"] as? [[String: Any]])
        #expect(hosts.count == 2)
        #expect(hosts.allSatisfy { $0["outcome"] as? String == "fails" })
    }
}
