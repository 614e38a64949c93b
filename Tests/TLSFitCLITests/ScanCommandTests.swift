import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// `tlsfit scan` as a user runs it, against servers the test starts on 127.0.0.1.
@Suite("tlsfit scan")
struct ScanCommandTests {
    static let host = TestPKI.updateHost

    let pki = TestPKI.shared

    func server(_ suites: String = "ECDHE-RSA-AES256-GCM-SHA384:AES128-GCM-SHA256") throws -> LocalTLSServer {
        try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls13, cipherString: suites,
                serverPreference: true,
                groups: "X25519:P-256"))
    }

    @Test func resolveWithCAFileGivesJSONFields() throws {
        let server = try server()
        let result = try CLI.run([
            "scan", Self.host, "--resolve", "\(Self.host)=127.0.0.1:\(server.port)", "--ca-file", pki.caFile,
            "--format", "json", "--timeout", "3",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        let entry = try #require(hosts.first)
        #expect(entry["host"] as? String == Self.host)
        #expect(entry["port"] as? Int == 443)
        #expect(entry["address"] as? String == "127.0.0.1:\(server.port)")
        #expect(entry["scannedAt"] is String)
        #expect((entry["sourceDetail"] as? String)?.contains("OpenSSL") == true)
        let protocols = try #require(entry["protocols"] as? [String: [String: Any]])
        #expect(protocols["TLSv1.2"]?["accepted"] as? Bool == true)
        #expect(
            protocols["TLSv1.2"]?["cipherSuites"] as? [String]
                == ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256"])
        #expect(protocols["TLSv1.1"]?["accepted"] as? Bool == false)
        #expect(protocols["TLSv1.3"]?["accepted"] as? Bool == true)
        #expect((entry["serverPreference"] as? [String: Bool])?["TLSv1.2"] == true)
        #expect(Set(entry["groups"] as? [String] ?? []) == ["x25519", "secp256r1"])
        let certificate = try #require(entry["certificate"] as? [String: Any])
        #expect(certificate["verified"] as? Bool == true)
        #expect((entry["connections"] as? Int ?? 0) > 0)
        #expect(entry["durationMs"] is Double || entry["durationMs"] is Int)
        #expect((entry["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func connectShorthandTextOutput() throws {
        let server = try server()
        let result = try CLI.run([
            "scan", Self.host, "--connect", "127.0.0.1:\(server.port)", "--ca-file", pki.caFile, "--timeout", "3",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(Self.host):443 (127.0.0.1:\(server.port))"))
        // 80 columns: the IANA name goes under its row.
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let row = try #require(
            lines.firstIndex { $0.hasSuffix("ECDHE-RSA-AES256-GCM-SHA384  0xC030  ECDHE/RSA") }, "\(result.stdout)")
        #expect(lines[row + 1] == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(result.stdout.contains("the server enforces its order"))
        #expect(result.stdout.contains("verified   yes"))
        #expect(result.stdout.contains(" connections, "))
        // Not a terminal: no progress display.
        #expect(result.stderr.isEmpty)
    }

    @Test func deadHostAmongLiveOnesExitsOne() throws {
        let live = try server()
        let dead = freePort()
        let result = try CLI.run([
            "scan", "127.0.0.1:\(live.port)", "127.0.0.1:\(dead)", "--format", "json", "--timeout", "2", "--ca-file",
            pki.caFile,
        ])
        #expect(result.exitCode == 1)
        let hosts = try #require(try CLI.json(result)["hosts"] as? [[String: Any]])
        #expect(hosts.count == 2)
        #expect((hosts[0]["protocols"] as? [String: Any])?.isEmpty == false)
        let deadErrors = hosts[1]["errors"] as? [String] ?? []
        #expect(deadErrors.first?.contains("refused") == true)
    }

    @Test func saveThenLoadRoundTrip() throws {
        let server = try server()
        let one = pki.directory.appendingPathComponent("one-\(UUID().uuidString).json").path
        let two = pki.directory.appendingPathComponent("two-\(UUID().uuidString).json").path
        let hostsFile = pki.directory.appendingPathComponent("hosts-\(UUID().uuidString).txt").path
        try "# two names, one server\n\(Self.host)\nsls.update.microsoft.com:443  # comment\n\n".write(
            toFile: hostsFile, atomically: true, encoding: .utf8)
        let resolve = [
            "--resolve", "\(Self.host)=127.0.0.1:\(server.port)", "--resolve",
            "sls.update.microsoft.com:443=127.0.0.1:\(server.port)",
        ]

        let first = try CLI.run(["scan", Self.host, "--quiet", "--save", one, "--timeout", "3"] + resolve)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let oneText = try String(contentsOfFile: one, encoding: .utf8)
        #expect(oneText.contains("\"scannedFrom\""))
        let loadedOne = try ServerProfileStore.load(bytes: Array(oneText.utf8), source: one)
        #expect(loadedOne.count == 1)
        #expect(loadedOne[0].host == Self.host)
        #expect(loadedOne[0].accepts(.tls13))

        let second = try CLI.run(
            ["scan", "--hosts", hostsFile, "--save", two, "--format", "json", "--timeout", "3"] + resolve)
        #expect(second.exitCode == 0, "\(second.stderr)")
        let twoBytes = Array(try Data(contentsOf: URL(fileURLWithPath: two)))
        let loadedTwo = try ServerProfileStore.load(bytes: twoBytes, source: two)
        #expect(loadedTwo.map(\.host) == [Self.host, "sls.update.microsoft.com"])
        #expect(loadedTwo[1].cipherSuites(for: .tls12) == loadedTwo[0].cipherSuites(for: .tls12))
        // No temporary file left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: pki.directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func windowsUpdateHostsAllScannedConcurrently() throws {
        let server = try server()
        // The update agent's TLS hosts, the same list diagnose takes per release: content served over
        // plain HTTP (port 80) is not scanned with TLS, and hosts no agent contacts are not scanned.
        let hosts = UpdateRole.client.tlsHosts()
        let diagnosed = Set(
            WindowsRelease.allCases.flatMap { UpdateRole.client.hosts(release: $0) }.filter { !$0.isPlainHTTP }.map(
                \.host))
        #expect(Set(hosts.map(\.host)) == diagnosed)
        #expect(!hosts.contains { $0.host == "go.microsoft.com" || $0.host == "sws.update.microsoft.com" })
        let resolve = hosts.flatMap { ["--resolve", "\($0.host)=127.0.0.1:\(server.port)"] }
        let result = try CLI.run(
            ["scan", "--windows-update", "--format", "json", "--timeout", "3", "--concurrency", "4"] + resolve)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let entries = try #require(try CLI.json(result)["hosts"] as? [[String: Any]])
        #expect(entries.compactMap { $0["host"] as? String } == hosts.map(\.host))
        for entry in entries {
            let protocols = entry["protocols"] as? [String: [String: Any]] ?? [:]
            #expect(
                protocols["TLSv1.2"]?["cipherSuites"] as? [String]
                    == ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256"])
        }
    }

    @Test(arguments: [
        (["scan", "a.example", "--resolve", "nonsense"], "--resolve: 'nonsense': expected HOST=ADDRESS[:PORT]"),
        (["scan", "a.example:99999"], "port must be a number"),
        (["scan", "a.example", "--per-host", "0"], "--per-host"),
        (["scan", "a.example", "--ca-file", "/nonexistent/ca.pem"], "/nonexistent/ca.pem: cannot read the file"),
    ])
    func badInputExitsTwo(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("tlsfit: error:"))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func badHostsFileLineIsNamed() throws {
        let file = pki.directory.appendingPathComponent("bad-\(UUID().uuidString).txt").path
        try "good.example\n\nbad example\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["scan", "--hosts", file])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("\(file):3:"))
    }
}

/// ResolveOverride and HostList parsing, shared by scan, diagnose and report.
@Suite("Scan input parsing")
struct ScanInputParsingTests {
    @Test func resolveOverrideForms() throws {
        let a = try ResolveOverride(parsing: "fe2.update.microsoft.com=127.0.0.1:8443")
        #expect(
            a.host == "fe2.update.microsoft.com" && a.port == nil && a.address == "127.0.0.1" && a.addressPort == 8443)
        #expect(a.applies(to: "FE2.update.microsoft.com", port: 443))
        let b = try ResolveOverride(parsing: "h.example:8443=[::1]:9443")
        #expect(b.port == 8443 && b.address == "::1" && b.addressPort == 9443)
        #expect(!b.applies(to: "h.example", port: 443))
        let c = try ResolveOverride(parsing: "h.example=10.0.0.5")
        #expect(c.addressPort == nil)
        #expect(c.description == "h.example=10.0.0.5")
        #expect(throws: InputError.self) { try ResolveOverride(parsing: "h.example=") }
        #expect(throws: InputError.self) { try ResolveOverride(parsing: "=1.2.3.4") }
    }

    @Test func hostListLinesAndErrors() throws {
        let hosts = try HostList.parse("# list\na.example\n  b.example:8443 # note\n[::1]:444\n", source: "h.txt")
        #expect(hosts.map(\.description) == ["a.example:443", "b.example:8443", "[::1]:444"])
        do {
            _ = try HostList.parse("a.example\nb.example:0\n", source: "h.txt")
            Issue.record("expected an error")
        } catch {
            #expect(error.source == "h.txt" && error.line == 2)
        }
    }

    @Test func profileStoreRejectsBadFiles() {
        #expect(throws: InputError.self) { try ServerProfileStore.load(bytes: Array("[]".utf8), source: "x") }
        #expect(throws: InputError.self) { try ServerProfileStore.load(bytes: Array("{\"host\":1}".utf8), source: "x") }
        let future = "{\"schemaVersion\":99,\"hosts\":[]}"
        #expect(throws: InputError.self) { try ServerProfileStore.load(bytes: Array(future.utf8), source: "x") }
    }
}
