import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// The scan engine's exactness on servers with many suites, with `--fast`, on nginx, and what its
/// probes put on the wire.
@Suite("Scan engine: many suites, --fast, nginx, the wire")
struct ScanEngineTests {
    let pki = TestPKI.shared

    func target(_ port: Int) -> ScanTarget {
        ScanTarget(host: TestPKI.updateHost, port: 443, connectAddress: "127.0.0.1", connectPort: port)
    }

    func scan(_ port: Int, fast: Bool = false) throws -> ServerProfile {
        let options = ScanOptions(timeout: 5, caFile: pki.caFile, fast: fast)
        return try #require(ServerScanner.scan([target(port)], options: options).first)
    }

    /// Every TLS 1.2 suite OpenSSL has for an RSA key, weakest first by the catalog: a server
    /// order the catalog's guess gets wrong everywhere.
    static let weakestFirstRSA: [String] = {
        let entries = OpenSSLCipherTable.expand("aRSA:!PSK:!SRP:!kDHEPSK:!kECDHEPSK:!kRSAPSK:@SECLEVEL=0") ?? []
        let suites = entries.compactMap { Catalog.shared.suite(code: $0.code) }.filter { !$0.isTLS13 }
        return CipherSuiteStrength.sorted(suites).reversed().compactMap(\.openssl)
    }()

    @Test func manySuitesInAnOrderThatContradictsTheCatalogDefaultAndFast() throws {
        #expect(Self.weakestFirstRSA.count >= 30)
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: Self.weakestFirstRSA.joined(separator: ":") + ":@SECLEVEL=0", serverPreference: true))
        let exact = try scan(server.port)
        let fast = try scan(server.port, fast: true)
        #expect(exact.errors.isEmpty)
        #expect(fast.errors.isEmpty)
        let configured = Self.weakestFirstRSA.map { Catalog.shared.suite(named: $0)!.iana }
        let found = exact.cipherSuites(for: .tls12)
        #expect(found.count >= 30)
        // The server's order: the configured list, less what it cannot negotiate (the default merges
        // three parts, so its merge repaired the catalog's guess too).
        #expect(found == configured.filter { found.contains($0) })
        #expect(exact.serverPreference["TLSv1.2"] == true)
        // --fast finds the same list in the same order: its merge repaired the catalog's guess.
        #expect(fast.cipherSuites(for: .tls12) == found)
        #expect(fast.serverPreference["TLSv1.2"] == true)
        #expect(fast.groups == exact.groups)
    }

    @Test func manySuitesClientOrderFast() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls13,
                cipherString: Self.weakestFirstRSA.joined(separator: ":") + ":@SECLEVEL=0", serverPreference: false))
        let exact = try scan(server.port)
        let fast = try scan(server.port, fast: true)
        #expect(exact.errors.isEmpty && fast.errors.isEmpty)
        let found = exact.cipherSuites(for: .tls12)
        #expect(found.count >= 30)
        #expect(found == CipherSuiteStrength.sorted(ianaNames: found))
        #expect(exact.serverPreference["TLSv1.2"] == false)
        #expect(fast.cipherSuites(for: .tls12) == found)
        #expect(fast.serverPreference["TLSv1.2"] == false)
        #expect(fast.cipherSuites(for: .tls13) == exact.cipherSuites(for: .tls13))
    }

    /// Every connection of a scan but the certificate handshake's carries one ClientHello record
    /// and nothing else (or nothing: a connection opened ahead that no step needed).
    @Test func aProbeSendsOnlyTheClientHello() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls13,
                cipherString: "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:ECDHE-RSA-AES256-SHA", serverPreference: true))
        let relay = RecordingRelay(targetPort: server.port)
        defer { relay.stop() }
        let profile = try scan(relay.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls13, .tls12])
        #expect(profile.certificate?.verified == true)
        Thread.sleep(forTimeInterval: 0.3)  // the relay's last reads
        let recorded = relay.connections
        #expect(recorded.count == profile.connections)
        var helloOnly = 0
        var more = 0
        var empty = 0
        for bytes in recorded {
            if bytes.isEmpty {
                empty += 1
                continue
            }
            let isOneHello =
                bytes.count >= 9 && bytes[0] == 0x16 && bytes[5] == 1
                && Int(bytes[3]) << 8 | Int(bytes[4]) == bytes.count - 5
            if isOneHello { helloOnly += 1 } else { more += 1 }
        }
        // Only the certificate handshake goes on after its ClientHello.
        #expect(more == 1)
        #expect(helloOnly >= 10)
        // Opened ahead, never needed: at most one for each probe that ends a line of work (the last
        // of each of the 5 chains, the 2 order checks).
        #expect(empty <= 7)
    }

    /// nginx with 2 workers, no session cache or tickets, as in the benchmark.
    func nginx(_ name: String, _ credential: PEMCredential, directives: String) throws -> ExternalServer {
        let binary = try #require(ExternalServer.find("nginx"))
        let files = try pki.write(credential, name: name)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let port = freePort()
        let conf = """
            daemon off; master_process off; worker_processes 1;
            pid \(dir.path)/nginx.pid; error_log \(dir.path)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off; client_body_temp_path \(dir.path); proxy_temp_path \(dir.path);
                fastcgi_temp_path \(dir.path); uwsgi_temp_path \(dir.path); scgi_temp_path \(dir.path);
                server {
                    listen 127.0.0.1:\(port) ssl; ssl_certificate \(files.cert); ssl_certificate_key \(files.key);
                    ssl_session_cache off; ssl_session_tickets off;
                    \(directives)
                    location / { return 200 "ok"; }
                }
            }
            """
        try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        return try ExternalServer(
            executable: binary,
            arguments: [
                "-c", dir.appendingPathComponent("nginx.conf").path,
                "-e", dir.appendingPathComponent("error.log").path,
            ], port: port)
    }

    @Test func nginxTLS12OnlyRSAServerOrder() throws {
        let suites = [
            "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-SHA384",
            "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "AES128-SHA256",
        ]
        let server = try nginx(
            "scan-nginx-a", pki.rsaLeaf,
            directives: """
                ssl_protocols TLSv1.2; ssl_ciphers \(suites.joined(separator: ":")); ssl_prefer_server_ciphers on;
                ssl_ecdh_curve secp384r1:prime256v1;
                """)
        defer { server.stop() }
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls12])
        #expect(profile.cipherSuites(for: .tls12) == suites.map { Catalog.shared.suite(named: $0)!.iana })
        #expect(profile.serverPreference["TLSv1.2"] == true)
        #expect(profile.groups == ["secp384r1", "secp256r1"])
        #expect(profile.certificate?.verified == true)
        let fast = try scan(server.port, fast: true)
        #expect(fast.cipherSuites(for: .tls12) == profile.cipherSuites(for: .tls12))
    }

    @Test func nginxMixedECDSAClientOrder() throws {
        let suites = ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"]
        let server = try nginx(
            "scan-nginx-b", pki.ecdsaLeaf,
            directives: """
                ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers \(suites.joined(separator: ":")); ssl_prefer_server_ciphers off;
                ssl_ecdh_curve X25519:prime256v1;
                """)
        defer { server.stop() }
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls13, .tls12])
        let expected = CipherSuiteStrength.sorted(suites.map { Catalog.shared.suite(named: $0)! }).map(\.iana)
        #expect(profile.cipherSuites(for: .tls12) == expected)
        #expect(profile.serverPreference["TLSv1.2"] == false)
        #expect(
            Set(profile.cipherSuites(for: .tls13)) == [
                "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            ])
        #expect(Set(profile.groups) == ["x25519", "secp256r1"])
        #expect(profile.certificate?.chain.first?.keyType == "EC")
    }
}

/// The compiled candidate table (the first probe waits for no catalog parsing) matches the catalog.
@Suite("Scan candidate table")
struct ScanCandidateTableTests {
    @Test func candidateTableIsCurrent() throws {
        let generated = ScanCandidates.generatedTable()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Sources/TLSFitHandshake/Scanner/ScanCandidateTable.swift")
        if ProcessInfo.processInfo.environment["TLSFIT_REGENERATE"] != nil {
            try generated.write(to: path, atomically: true, encoding: .utf8)
        }
        let current = try String(contentsOf: path, encoding: .utf8)
        #expect(current == generated, "run TLSFIT_REGENERATE=1 swift test --filter candidateTableIsCurrent")
        // Every suite the linked OpenSSL can offer is a candidate.
        #expect(ScanCandidates.openSSLSuitesMissingFromTable() == [])
    }
}
