import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// `ServerScanner` against servers whose profile the test chose: the scan must find exactly that.
@Suite("Scanner against local servers")
struct ScannerTests {
    let pki = TestPKI.shared
    let options = ScanOptions(timeout: 3, caFile: TestPKI.shared.caFile, concurrency: 8, perHost: 2)

    func target(_ port: Int) -> ScanTarget {
        ScanTarget(host: TestPKI.updateHost, port: 443, connectAddress: "127.0.0.1", connectPort: port)
    }

    func scan(_ port: Int) throws -> ServerProfile {
        try #require(ServerScanner.scan([target(port)], options: options).first)
    }

    static let rsa12 = [
        "ECDHE-RSA-AES128-GCM-SHA256", "AES256-SHA", "ECDHE-RSA-AES256-GCM-SHA384", "DHE-RSA-AES128-SHA256",
    ]

    @Test func tls12ServerPreferenceOrderIsFound() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: Self.rsa12.joined(separator: ":"), serverPreference: true, groups: "P-384:X25519"))
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls12])
        #expect(profile.protocols["TLSv1.3"]?.accepted == false)
        #expect(profile.protocols["TLSv1.1"]?.accepted == false)
        let expected = Self.rsa12.map { Catalog.shared.suite(named: $0)!.iana }
        #expect(profile.cipherSuites(for: .tls12) == expected)
        #expect(profile.serverPreference["TLSv1.2"] == true)
        #expect(Set(profile.groups) == ["secp384r1", "x25519"])
        #expect(profile.certificate?.verified == true)
        #expect(profile.certificate?.chain.first?.keyType == "RSA")
        #expect(profile.address == "127.0.0.1:\(server.port)")
        // ClientHellos: TLS 1.2's hundred candidates go in 3 parts: 4 accepted + 3 refusals (one
        // per part) + 1 order check, and a merge probe for each neighbour from another part (at
        // most 3); one refusal for each other protocol (the TLS 1.3 one is the groups' first step
        // too), 2 groups + 1 refusal; and the full handshake. Connections opened ahead that no step
        // needed come on top: at most one for each probe that ends a line of work (each of the 7
        // lines' last, the order check).
        let needed = 8 + 3 + 3 + 1
        #expect((needed...(needed + 3 + 8)).contains(profile.connections), "\(profile.connections)")
    }

    @Test func clientOrderServerIsReportedInStrengthOrder() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls13,
                cipherString: Self.rsa12.joined(separator: ":"),
                tls13CipherSuites: "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", serverPreference: false))
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls13, .tls12])
        #expect(profile.serverPreference["TLSv1.2"] == false)
        #expect(profile.serverPreference["TLSv1.3"] == false)
        let expected = CipherSuiteStrength.sorted(Self.rsa12.map { Catalog.shared.suite(named: $0)! }).map(\.iana)
        #expect(profile.cipherSuites(for: .tls12) == expected)
        #expect(Set(profile.cipherSuites(for: .tls13)) == ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"])
        // OpenSSL's default server groups, as TLS 1.3 negotiates them.
        #expect(
            Set(profile.groups) == [
                "x25519", "secp256r1", "x448", "secp521r1", "secp384r1",
                "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
            ])
    }

    /// The TLS 1.3 groups are eliminated as two families side by side: curves first, then the
    /// finite-field groups, each in the order the server prefers them.
    @Test func tls13GroupsBothFamiliesInTheServersOrder() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.ecdsaLeaf], minVersion: .tls13, maxVersion: .tls13, serverPreference: true,
                groups: "ffdhe3072:P-384:ffdhe2048:X25519"))
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.groups == ["secp384r1", "x25519", "ffdhe3072", "ffdhe2048"])
    }

    @Test func tls13OnlyEcdsaWithServerOrder() throws {
        let order = ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.ecdsaLeaf], minVersion: .tls13, maxVersion: .tls13,
                tls13CipherSuites: order.joined(separator: ":"), serverPreference: true, groups: "P-256:P-521"))
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls13])
        #expect(profile.cipherSuites(for: .tls13) == order)
        #expect(profile.serverPreference["TLSv1.3"] == true)
        #expect(Set(profile.groups) == ["secp256r1", "secp521r1"])
        #expect(profile.certificate?.chain.first?.keyType == "EC")
    }

    @Test func legacyProtocolsEcdsaMixed() throws {
        let suites = ["ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA"]
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.ecdsaLeaf], minVersion: .tls10, maxVersion: .tls13,
                cipherString: suites.joined(separator: ":") + ":@SECLEVEL=0", serverPreference: true))
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls13, .tls12, .tls11, .tls10])
        #expect(profile.cipherSuites(for: .tls12) == suites.map { Catalog.shared.suite(named: $0)!.iana })
        // The GCM suite is TLS 1.2 only.
        let cbc = [suites[0], suites[2]].map { Catalog.shared.suite(named: $0)!.iana }
        #expect(profile.cipherSuites(for: .tls10) == cbc)
        #expect(profile.cipherSuites(for: .tls11) == cbc)
        #expect(profile.protocols["SSLv3"] == nil || profile.protocols["SSLv3"]?.accepted == false)
    }

    @Test func opensslSServerWithServerPreference() throws {
        let openssl = try #require(ExternalServer.find("openssl"))
        let files = try pki.write(pki.rsaLeaf, name: "scan-s_server")
        let port = freePort()
        let suites = ["AES128-SHA", "ECDHE-RSA-CHACHA20-POLY1305", "DHE-RSA-AES256-GCM-SHA384"]
        let server = try ExternalServer(
            executable: openssl,
            arguments: [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", files.cert, "-key", files.key, "-tls1_2",
                "-cipher", suites.joined(separator: ":"), "-serverpref", "-groups", "X25519:P-256", "-quiet",
                "-naccept", "100",
            ],
            port: port)
        defer { server.stop() }
        let profile = try scan(port)
        #expect(profile.acceptedVersions == [.tls12])
        #expect(profile.cipherSuites(for: .tls12) == suites.map { Catalog.shared.suite(named: $0)!.iana })
        #expect(profile.serverPreference["TLSv1.2"] == true)
        #expect(Set(profile.groups) == ["x25519", "secp256r1"])
        #expect(profile.certificate?.verified == true)
    }

    @Test func gnutlsServerEcdsaClientOrder() throws {
        let gnutls = try #require(ExternalServer.find("gnutls-serv"))
        let files = try pki.write(pki.ecdsaLeaf, name: "scan-gnutls")
        let port = freePort()
        let server = try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key, "--priority",
                "NONE:+VERS-TLS1.2:+VERS-TLS1.3:+ECDHE-ECDSA:+AES-128-GCM:+AES-256-GCM:+AEAD:+SIGN-ALL:+GROUP-SECP256R1:+GROUP-X25519",
            ],
            port: port)
        defer { server.stop() }
        let profile = try scan(port)
        #expect(profile.acceptedVersions == [.tls13, .tls12])
        #expect(
            Set(profile.cipherSuites(for: .tls12)) == [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            ])
        #expect(Set(profile.cipherSuites(for: .tls13)) == ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
        #expect(profile.serverPreference["TLSv1.2"] == false)
        #expect(Set(profile.groups) == ["secp256r1", "x25519"])
        #expect(profile.certificate?.chain.first?.keyType == "EC")
    }

    /// RC4 and 3DES suites GnuTLS serves with an RSA certificate: the linked OpenSSL cannot offer
    /// them, the raw ClientHellos find them.
    static let gnutlsLegacyRSA: Set<String> = [
        "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
    ]

    func gnutlsRSA(priority: String, name: String) throws -> ExternalServer {
        let gnutls = try #require(ExternalServer.find("gnutls-serv"))
        let files = try pki.write(pki.rsaLeaf, name: name)
        let port = freePort()
        return try ExternalServer(
            executable: gnutls,
            arguments: [
                "--port", "\(port)", "--x509certfile", files.cert, "--x509keyfile", files.key, "--priority", priority,
            ],
            port: port)
    }

    @Test func gnutlsLegacySuitesAlongsideModernOnes() throws {
        let server = try gnutlsRSA(
            priority: "NORMAL:+3DES-CBC:+ARCFOUR-128:+RSA:-VERS-ALL:+VERS-TLS1.2", name: "scan-gnutls-legacy")
        defer { server.stop() }
        let profile = try scan(server.port)
        #expect(profile.errors.isEmpty)
        #expect(profile.acceptedVersions == [.tls12])
        let suites = profile.cipherSuites(for: .tls12)
        #expect(Set(suites).count == suites.count)
        let opensslCodes = Set(OpenSSLCipherTable.all().map(\.code))
        let legacy = Set(suites.filter { !opensslCodes.contains(Catalog.shared.suite(named: $0)!.code) })
        #expect(legacy == Self.gnutlsLegacyRSA)
        #expect(suites.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
        #expect(suites.contains("TLS_RSA_WITH_AES_128_CBC_SHA"))
        // GnuTLS follows the client's order unless told otherwise: strength order, legacy last.
        #expect(profile.serverPreference["TLSv1.2"] == false)
        #expect(suites == CipherSuiteStrength.sorted(ianaNames: suites))
        #expect(Array(suites.suffix(legacy.count)).allSatisfy { legacy.contains($0) })
        #expect(profile.certificate?.chain.first?.keyType == "RSA")
    }

    @Test func gnutlsOnlyRC4And3DESIsAcceptedTLS12() throws {
        let server = try gnutlsRSA(
            priority: "NONE:+VERS-TLS1.2:+ARCFOUR-128:+3DES-CBC:+RSA:+ECDHE-RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL",
            name: "scan-gnutls-rc4-only")
        defer { server.stop() }
        let profile = try scan(server.port)
        #expect(profile.acceptedVersions == [.tls12])
        #expect(
            Set(profile.cipherSuites(for: .tls12)) == [
                "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
                "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            ])
        #expect(profile.cipherSuites(for: .tls12).count == 4)
        #expect(profile.serverPreference["TLSv1.2"] == false)
        // OpenSSL never completes a handshake here: no certificate, and that one error.
        #expect(profile.certificate == nil)
        #expect(profile.errors.count == 1 && profile.errors[0].hasPrefix("certificate:"))
        // ClientHellos: 4 accepted + 1 refusal + 1 order check for TLS 1.2, one refusal each for
        // 1.3, 1.1 and 1.0, the groups (with the ECDHE suites: each group + 1 refusal); the full
        // handshake; at most one connection opened ahead and unused for each probe that ends a line
        // of work (each of the 5 chains' last, the order check).
        #expect(!profile.groups.isEmpty)
        let needed = 6 + 3 + profile.groups.count + 1 + 1
        #expect((needed...(needed + 6)).contains(profile.connections))
    }

    @Test func deadHostIsAnErrorEntryAndOthersComplete() throws {
        let live1 = try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.rsaLeaf]))
        let live2 = try LocalTLSServer(configuration: ServerConfiguration(credentials: [pki.ecdsaLeaf]))
        let dead = freePort()
        let profiles = ServerScanner.scan([target(live1.port), target(dead), target(live2.port)], options: options)
        #expect(profiles.count == 3)
        #expect(profiles[0].errors.isEmpty && profiles[0].accepts(.tls13))
        #expect(profiles[1].errors.count == 1 && profiles[1].errors[0].contains("refused"))
        #expect(profiles[1].connections == 1)
        #expect(profiles[1].protocols.isEmpty)
        #expect(profiles[2].errors.isEmpty && profiles[2].accepts(.tls12), "\(profiles[2].errors)")
        #expect(profiles[2].certificate?.chain.first?.keyType == "EC")
    }

    @Test func saveAndLoadRoundTrip() throws {
        let server = try LocalTLSServer(
            configuration: ServerConfiguration(credentials: [pki.rsaLeaf], maxVersion: .tls12))
        let profiles = ServerScanner.scan([target(server.port), target(server.port)], options: options)
        let one = try ServerProfileStore.encode([profiles[0]])
        let loadedOne = try ServerProfileStore.load(bytes: Array(one.utf8), source: "one.json")
        #expect(loadedOne.count == 1)
        #expect(loadedOne[0].protocols == profiles[0].protocols)
        #expect(loadedOne[0].source == "file")
        #expect(loadedOne[0].sourceDetail?.contains("OpenSSL") == true)
        let both = try ServerProfileStore.encode(profiles)
        let loadedBoth = try ServerProfileStore.load(bytes: Array(both.utf8), source: "both.json")
        #expect(loadedBoth.map(\.groups) == profiles.map(\.groups))
        #expect(loadedBoth.map(\.certificate) == profiles.map(\.certificate))
    }
}
