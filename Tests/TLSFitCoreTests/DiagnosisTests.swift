import Foundation
import Testing

@testable import TLSFitCore

/// Pure simulation and diagnosis: configurations as .reg text, servers as profiles, no sockets.
@Suite("Diagnosis")
struct DiagnosisTests {
    static let header = "Windows Registry Editor Version 5.00\r\n\r\n"
    static let schannel = #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
    static let policy = #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#

    /// A configuration from .reg lines (line 1 is the header, line 2 blank, so the first given line is line 3).
    static func config(_ lines: [String], _ release: WindowsRelease) throws -> WindowsTLSConfig {
        let text = header + lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "test.reg", bytes: Array(text.utf8))], release: release)
    }

    static func server(
        _ tls12: [String], tls13: [String] = [], keyType: String = "RSA", serverOrder: Bool = true,
        groups: [String] = ["x25519", "secp256r1", "secp384r1"]
    ) -> ServerProfile {
        var protocols: [String: ProtocolSupport] = ["TLSv1.2": ProtocolSupport(accepted: true, cipherSuites: tls12)]
        var preference = ["TLSv1.2": serverOrder]
        if !tls13.isEmpty {
            protocols["TLSv1.3"] = ProtocolSupport(accepted: true, cipherSuites: tls13)
            preference["TLSv1.3"] = serverOrder
        }
        let cert = CertificateReport(
            chain: [
                CertificateInfo(
                    subject: "CN=s", issuer: "CN=ca", subjectAlternativeNames: [], keyType: keyType, keyBits: 2048,
                    keyCurve: nil, signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "",
                    sha256Fingerprint: "", isSelfSigned: false)
            ],
            verified: true, verifyError: nil, verifyCode: 0, verifiedName: "s")
        return ServerProfile(
            host: "fe2.update.microsoft.com", port: 443, protocols: protocols, serverPreference: preference,
            groups: groups, certificate: cert)
    }

    /// The older update front ends' built-in profile (`windows-update` = `fe2-sls`) at TLS 1.2 only:
    /// a TLS 1.2-only RSA server for the generic diagnosis cases.
    static let windowsUpdate: ServerProfile = {
        var p = BuiltInServerProfile.named("windows-update")!.profile
        p.protocols = p.protocols.filter { $0.key == "TLSv1.2" }
        p.serverPreference = p.serverPreference.filter { $0.key == "TLSv1.2" }
        return p
    }()

    // MARK: Simulation

    @Test func healthyClientNegotiatesTheServersFirstChoice() throws {
        let c = try Self.config([], .windows10_22H2)
        let sim = NegotiationSimulator.simulate(client: ClientProfile(config: c), server: Self.windowsUpdate)
        #expect(sim.succeeded)
        #expect(sim.version == .tls12)
        #expect(sim.suite?.iana == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    }

    @Test(
        "server order versus client order",
        arguments: [(true, "TLS_RSA_WITH_AES_128_GCM_SHA256"), (false, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")])
    func preference(serverOrder: Bool, expected: String) throws {
        let c = try Self.config([], .windows10_22H2)
        let s = Self.server(
            ["TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], serverOrder: serverOrder)
        #expect(NegotiationSimulator.simulate(client: ClientProfile(config: c), server: s).suite?.iana == expected)
    }

    @Test func certificateKeyTypeRestrictsSuites() throws {
        let c = try Self.config([], .windows10_22H2)
        let both = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]
        #expect(
            NegotiationSimulator.simulate(client: ClientProfile(config: c), server: Self.server(both, keyType: "RSA"))
                .suite?.iana == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(
            NegotiationSimulator.simulate(client: ClientProfile(config: c), server: Self.server(both, keyType: "EC"))
                .suite?.iana == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
    }

    @Test func tls13WhenBothHaveIt() throws {
        let c = try Self.config([], .server2022)
        let s = Self.server(["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], tls13: ["TLS_AES_256_GCM_SHA384"])
        let sim = NegotiationSimulator.simulate(client: ClientProfile(config: c), server: s)
        #expect(sim.version == .tls13)
        #expect(sim.suite?.iana == "TLS_AES_256_GCM_SHA384")
        #expect(sim.group == "x25519")
    }

    @Test func clientProfileTranslatesToOpenSSL() throws {
        let c = try Self.config([], .windows7)
        let p = ClientProfile(config: c)
        // WinHTTP on Windows 7 without DefaultSecureProtocols: SSL 3.0 and TLS 1.0.
        #expect(p.protocols.last == .tls10)
        #expect(p.groups == ["secp256r1", "secp384r1"])
        let r = p.handshakeRequest(host: "h", port: 443, timeout: 1, caFile: nil)
        #expect(r.cipherString?.hasPrefix("ECDHE-RSA-AES256-SHA:") == true)
        #expect(r.groups == "P-256:P-384")
        #expect(r.maxVersion == .tls10)
    }

    // MARK: Causes

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var lines: [String]
        var release: WindowsRelease
        var server: ServerProfile
        var code: CauseCode
        /// Line of the first evidence in test.reg; nil when the evidence is a release default.
        var line: Int?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "TLS 1.2 disabled for clients",
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Client]", "\"Enabled\"=dword:00000000",
                "\"DisabledByDefault\"=dword:00000001",
            ], release: .windows10_22H2, server: windowsUpdate, code: .protocolDisabled, line: 4),
        Case(
            name: "Windows 7 defaults", lines: [], release: .windows7, server: windowsUpdate, code: .protocolDisabled,
            line: nil),
        Case(
            name: "TLS 1.2 enabled for Server only",
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Server]", "\"Enabled\"=dword:00000001",
                "\"DisabledByDefault\"=dword:00000000", "",
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                "\"DefaultSecureProtocols\"=dword:00000800",
            ], release: .windows7, server: windowsUpdate, code: .serverOnlySetting, line: 4),
        Case(
            name: "ECDSA-only suite order",
            lines: [
                "[\(policy)]",
                "\"Functions\"=\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"",
            ], release: .windows10_22H2, server: windowsUpdate, code: .noSharedCipher, line: 4),
        Case(
            name: "AES switched off",
            lines: [
                "[\(schannel)\\Ciphers\\AES 256/256]", "\"Enabled\"=dword:00000000", "",
                "[\(schannel)\\Ciphers\\AES 128/128]", "\"Enabled\"=dword:00000000",
            ], release: .windows10_22H2, server: windowsUpdate, code: .cipherDisabled, line: 4),
        Case(
            name: "SHA256 HMAC switched off against a CBC-only server",
            lines: [
                "[\(schannel)\\Hashes\\SHA256]", "\"Enabled\"=dword:00000000",
            ], release: .windows10_22H2,
            server: server(["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"]),
            code: .hashDisabled, line: 4),
        Case(
            name: "ECDH and PKCS switched off",
            lines: [
                "[\(schannel)\\KeyExchangeAlgorithms\\ECDH]", "\"Enabled\"=dword:00000000", "",
                "[\(schannel)\\KeyExchangeAlgorithms\\PKCS]", "\"Enabled\"=dword:00000000",
            ], release: .windows10_22H2, server: windowsUpdate, code: .keyExchangeDisabled, line: 4),
        Case(
            name: "Windows 10 suite names on Windows 7",
            lines: [
                "[\(schannel)\\Protocols\\TLS 1.2\\Client]", "\"DisabledByDefault\"=dword:00000000", "",
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                "\"DefaultSecureProtocols\"=dword:00000a00", "",
                "[\(policy)]",
                "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"",
            ], release: .windows7, server: windowsUpdate, code: .unsupportedByRelease, line: 10),
        Case(
            name: "curve25519 only against a P-256 server",
            lines: [
                "[\(policy)]", "\"EccCurves\"=\"curve25519\"",
            ], release: .windows10_22H2,
            server: server(["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], groups: ["secp256r1"]), code: .noSharedGroup,
            line: 4),
        Case(
            name: "needed suite past the 1023-character policy limit",
            lines: [
                "[\(policy)]", "\"Functions\"=\"\(longPolicy)\"",
            ], release: .windows10_22H2, server: windowsUpdate, code: .policyTruncated, line: 4),
    ]

    /// ECDSA names (with ignored curve suffixes) past 1023 characters, then the one RSA suite the server takes.
    static let longPolicy: String = {
        let bases = [
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        ]
        var names: [String] = []
        for suffix in ["", "_P256", "_P384", "_P521"] { names += bases.map { $0 + suffix } }
        return (names + ["TLS_RSA_WITH_AES_128_GCM_SHA256"]).joined(separator: ",")
    }()

    @Test("each cause, with evidence and a verified fix", arguments: cases)
    func cause(_ c: Case) throws {
        let config = try Self.config(c.lines, c.release)
        let sim = NegotiationSimulator.simulate(client: ClientProfile(config: config), server: c.server)
        #expect(!sim.succeeded)
        let d = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: c.server, observed: nil)
        #expect(d.outcome == .fails)
        let first = try #require(d.causes.first)
        #expect(first.code == c.code, "\(d.causes.map(\.code))")
        // A client left with no protocol fails before any ClientHello: a secure failure.
        let sendsNoHello = ClientProfile(config: config).protocols.isEmpty
        #expect(first.windowsError == (sendsNoHello ? "0x80072F8F" : "0x80072EFE"))
        if let line = c.line {
            #expect(first.evidence.contains { $0.file == "test.reg" && $0.line == line }, "\(first.evidence)")
        } else {
            #expect(!first.evidence.isEmpty)
        }
        #expect(d.fixVerified == true)
        let fix = try #require(first.fix)
        #expect(fix.reg?.hasPrefix("Windows Registry Editor Version 5.00") == true)
        // Apply every proposed change to the registry and simulate again, independently of the Diagnoser.
        var snapshot = config.registry
        Diagnoser.apply(d.causes.flatMap { $0.fix?.changes ?? [] }, to: &snapshot)
        let fixed = WindowsTLSConfig.evaluate(registry: snapshot, release: c.release)
        #expect(NegotiationSimulator.simulate(client: ClientProfile(config: fixed), server: c.server).succeeded)
        let gpoKinds: Set<CauseCode> = [.noSharedCipher, .unsupportedByRelease, .policyTruncated]
        if gpoKinds.contains(c.code) {
            let gpo = try #require(fix.gpo)
            #expect(gpo.count <= WindowsTLSConfig.gpoFieldLimit)
        }
    }

    @Test func noSharedCipherListsBothSidesAndTheNearestSuites() throws {
        let config = try Self.config(Self.cases[3].lines, .windows10_22H2)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(
            cause.clientSuites == [
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            ])
        #expect(cause.serverSuites?.first == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(
            cause.nearestSuites == ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"])
        #expect(
            cause.fix?.gpo?.hasSuffix("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
                == true)
    }

    /// A TLS 1.3-only server that accepts only ffdhe2048: Windows 11 offers x25519, P-256 and P-384
    /// and no setting adds a finite-field group, so the cause names the server's groups and says the
    /// change is the server's (no registry fix is proposed).
    @Test func groupNoWindowsSettingCanAddIsTheServers() throws {
        var server = Self.server(
            [], tls13: ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"], groups: ["ffdhe2048"])
        server.protocols["TLSv1.2"] = ProtocolSupport(accepted: false, cipherSuites: [])
        let config = try Self.config([], .windows11)
        let sim = NegotiationSimulator.simulate(client: ClientProfile(config: config), server: server)
        #expect(sim.failure == .noSharedGroup)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: server, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .noSharedGroup)
        #expect(cause.summary.contains("accepts only ffdhe2048 at TLSv1.3"), "\(cause.summary)")
        #expect(cause.explanation.contains("x25519"), "\(cause.explanation)")
        #expect(cause.fix?.changes.isEmpty == true)
        #expect(cause.fix?.description.hasPrefix("Nothing on this client") == true)
        #expect(cause.evidence.first?.value.contains("ffdhe2048") == true)
    }

    // MARK: Observed failures

    static func observed(
        _ failure: HandshakeFailure?, negotiated: NegotiatedParameters = .init(), chain: [CertificateInfo] = []
    ) -> HandshakeOutcome {
        HandshakeOutcome(
            host: "fe2.update.microsoft.com", port: 443, address: "127.0.0.1:1", sni: nil, negotiated: negotiated,
            certificate: chain.isEmpty
                ? nil
                : CertificateReport(
                    chain: chain, verified: failure == nil, verifyError: nil, verifyCode: 0, verifiedName: nil),
            failure: failure, timings: .init(totalMs: 1))
    }

    @Test(
        "network failures",
        arguments: [
            (FailureStage.dns, FailureKind.nameNotResolved, CauseCode.dns, "0x80072EE7"),
            (.tcp, .refused, .tcpBlocked, "0x80072EFD"),
            (.tcp, .timeout, .timeout, "0x80072EE2"),
            (.tls, .timeout, .timeout, "0x80072EE2"),
        ])
    func network(stage: FailureStage, kind: FailureKind, code: CauseCode, windowsError: String) throws {
        let config = try Self.config([], .windows10_22H2)
        let d = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: Self.observed(HandshakeFailure(stage: stage, kind: kind, detail: "x")))
        #expect(d.causes.map(\.code) == [code])
        #expect(d.causes.first?.windowsError == windowsError)
        #expect(d.agrees == nil)
    }

    @Test func disagreementIsReportedNotHidden() throws {
        let config = try Self.config([], .windows10_22H2)
        let failure = HandshakeFailure(
            stage: .tls, kind: .alertReceived, alert: .handshakeFailure, detail: "handshake failure")
        let d = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: Self.windowsUpdate,
            observed: Self.observed(failure))
        #expect(d.agrees == false)
        #expect(d.predicted?.cipher == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(d.causes.map(\.code) == [.tlsAborted])
    }

    static func cert(_ subject: String, issuer: String, selfSigned: Bool = false) -> CertificateInfo {
        CertificateInfo(
            subject: subject, issuer: issuer, subjectAlternativeNames: [], keyType: "RSA", keyBits: 2048, keyCurve: nil,
            signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "", sha256Fingerprint: "",
            isSelfSigned: selfSigned)
    }

    @Test func untrustedChainAndTLSInspection() throws {
        let config = try Self.config([], .windows10_22H2)
        let chain = [Self.cert("CN=fe2.update.microsoft.com", issuer: "CN=Contoso Inspection CA")]
        let untrusted = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: Self.observed(
                HandshakeFailure(
                    stage: .certificate, kind: .untrusted, detail: "unable to get local issuer certificate"),
                negotiated: .init(version: .tls12, cipherCode: 0xC030), chain: chain))
        #expect(untrusted.causes.first?.code == .certificateUntrusted)
        #expect(untrusted.causes.first?.windowsError == "0x80072F8F")
        #expect(untrusted.causes.first?.rootSubject == "CN=Contoso Inspection CA")
        let inspected = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: Self.observed(nil, negotiated: .init(version: .tls12, cipherCode: 0xC030), chain: chain),
            requiredRootSubject: "Microsoft")
        #expect(inspected.outcome == .fails)
        #expect(inspected.causes.first?.code == .certificateUntrusted)
        let genuine = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: Self.observed(
                nil, negotiated: .init(version: .tls12, cipherCode: 0xC030),
                chain: [
                    Self.cert("CN=fe2", issuer: "CN=Microsoft Azure RSA TLS Issuing CA 03, O=Microsoft Corporation")
                ]),
            requiredRootSubject: "Microsoft")
        #expect(genuine.outcome == .ok)
    }

    @Test func causeCodesAreTheDocumentedVocabulary() {
        #expect(
            CauseCode.allCases.map(\.rawValue) == [
                "tcp-blocked", "timeout", "dns", "protocol-disabled", "no-shared-cipher", "cipher-disabled",
                "hash-disabled",
                "key-exchange-disabled", "unsupported-by-release", "no-shared-group", "policy-truncated",
                "certificate-untrusted",
                "server-only-setting", "tls-aborted", "winhttp-default-protocols", "curve-suffix-missing",
                "proxy-blocked", "proxy-unreachable", "proxy-auth", "proxy-name-not-resolved", "winhttp-proxy-missing",
                "http-blocked", "revocation-offline", "dotnet-legacy-tls", "unknown-suite-name",
            ])
    }

    @Test func builtInProfilesLoad() {
        // The old single profile's name still loads: it is an alias of the older RSA front ends.
        #expect(BuiltInServerProfile.named("windows-update")?.name == "fe2-sls")
        #expect(BuiltInServerProfile.isUpdateServiceAlias("windows-update"))
        #expect(Self.windowsUpdate.source == "built-in")
        #expect(Self.windowsUpdate.certificateKeyType == "RSA")
        #expect(
            Self.windowsUpdate.sourceDetail?.localizedCaseInsensitiveContains(
                "verify with `tlsfit scan --windows-update`") == true)
    }

    @Test func jsonShape() throws {
        let config = try Self.config(Self.cases[3].lines, .windows10_22H2)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        let report = DiagnosisReport(
            windowsRelease: .windows10_22H2, windowsReleaseAssumed: false, inputs: ["test.reg"], hosts: [d])
        let json = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(report).utf8)) as! [String: Any]
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["windowsRelease"] as? String == "windows-10-22h2")
        let host = try #require((json["hosts"] as? [[String: Any]])?.first)
        #expect(host["outcome"] as? String == "fails")
        #expect(host.keys.contains("negotiated") && host.keys.contains("agrees"))
        #expect((host["predicted"] as? [String: Any])?["protocol"] as? String == "TLSv1.2")
        let cause = try #require((host["causes"] as? [[String: Any]])?.first)
        #expect(cause["code"] as? String == "no-shared-cipher")
        let evidence = try #require((cause["evidence"] as? [[String: Any]])?.first)
        #expect(Set(evidence.keys) == ["file", "line", "record", "key", "value"])
        let fix = try #require(cause["fix"] as? [String: Any])
        #expect(Set(fix.keys) == ["description", "reg", "gpo", "verified", "scope", "scopeNote"])
        // A policy-hive value is the GPO's: the fix names the setting and why a local import does not last.
        #expect(fix["scope"] as? String == "group-policy")
        #expect((fix["scopeNote"] as? String)?.contains("SSL Configuration Settings > SSL Cipher Suite Order") == true)
        #expect((fix["scopeNote"] as? String)?.contains("undone at the next Group Policy refresh") == true)
        #expect(host["configuration"] as? [String: Any] != nil)
        #expect(host["fromHere"] is NSNull)
        #expect(fix["verified"] as? Bool == true)
    }

    // Speed is measured by Benchmarks/fleet-benchmark.sh, not asserted here: a timed unit test fails on a
    // loaded CI machine. This checks that many simulations give the same answer.
    @Test func simulationIsRepeatable() throws {
        let config = try Self.config([], .windows10_22H2)
        let client = ClientProfile(config: config)
        let first = NegotiationSimulator.simulate(client: client, server: Self.windowsUpdate)
        for _ in 0..<2000 {
            #expect(NegotiationSimulator.simulate(client: client, server: Self.windowsUpdate) == first)
        }
    }
}
