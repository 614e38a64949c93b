import Foundation
import Testing

@testable import TLSFitCore

/// Built-in knowledge of the Windows Update endpoints: per-host profiles with facts, roles, the
/// allow-list matcher, drift, the .NET Framework protocol choice.
@Suite struct EndpointKnowledgeTests {
    @Test func everyUpdateHostProfileHasItsChainAndFacts() throws {
        let slscr = try #require(BuiltInServerProfile.forHost("SLSCR.update.microsoft.com."))
        #expect(slscr.name == "slscr")
        #expect(slscr.profile.certificateKeyType == "EC")
        #expect(slscr.expectedIntermediate == "Microsoft ECC Update Secure Server CA 2.1")
        #expect(slscr.expectedRoot == "Microsoft ECC Product Root Certificate Authority 2018")
        #expect(slscr.fact("suites")?.confidence == .documented)
        #expect(slscr.profile.cipherSuites(for: .tls12).contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
        let sws = try #require(BuiltInServerProfile.forHost("sws.update.microsoft.com"))
        #expect(sws.refusal == "reset")
        #expect(sws.profile.acceptedVersions == [.tls12])
        #expect(
            sws.profile.cipherSuites(for: .tls12) == [
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            ])
        #expect(sws.expectedRoot == "Microsoft Root Certificate Authority 2011")
        #expect(sws.assumedFacts.map(\.name) == ["certificate", "groups"])  // its intermediate is assumed
        // Every profile that stands for a host states all five facts, and the synthetic chain names the intermediate.
        for p in BuiltInServerProfile.all where !p.hosts.isEmpty {
            #expect(p.facts.map(\.name) == ["certificate", "protocols", "suites", "refusal", "groups"], "\(p.name)")
            #expect(p.profile.certificate?.chain.first?.issuer == "CN=\(p.certificateChain[0])", "\(p.name)")
            #expect(Diagnoser.rootSubject(p.profile.certificate) == "CN=\(p.certificateChain[1])", "\(p.name)")
        }
        #expect(BuiltInServerProfile.forHost("example.com") == nil)
    }

    @Test func theOldProfileNameStillLoads() {
        #expect(BuiltInServerProfile.named("windows-update")?.name == "fe2-sls")
        #expect(BuiltInServerProfile.named("WINDOWS-UPDATE")?.hosts.contains("fe2.update.microsoft.com") == true)
        #expect(BuiltInServerProfile.named("windows-update-tls13") != nil)
    }

    @Test(
        "allow-list matcher",
        arguments: [
            ("slscr.update.microsoft.com", "*.update.microsoft.com"),
            ("SLSCR.UPDATE.MICROSOFT.COM.", "*.update.microsoft.com"),
            ("a.b.download.windowsupdate.com", "*.windowsupdate.com"),
            ("download.windowsupdate.com", "*.windowsupdate.com"),
            ("windowsupdate.microsoft.com", "windowsupdate.microsoft.com"),
            ("kv801.prod.do.dsp.mp.microsoft.com", "*.prod.do.dsp.mp.microsoft.com"),
            ("fe3cr.delivery.mp.microsoft.com", "*.delivery.mp.microsoft.com"),
        ])
    func allowListCovers(host: String, pattern: String) {
        #expect(AllowList.match(host) == pattern)
    }

    @Test(
        "allow-list leaves out",
        arguments: [
            "update.microsoft.com", "evilupdate.microsoft.com.example", "microsoft.com",
            "notwindowsupdate.com", "", "settings-win.data.microsoft.com",
        ])
    func allowListLeavesOut(host: String) {
        #expect(AllowList.match(host) == nil)
    }

    @Test func wildcardNeedsALabel() {
        #expect(!AllowList.covers("*.update.microsoft.com", "update.microsoft.com"))
        #expect(!AllowList.covers("*.update.microsoft.com", "xupdate.microsoft.com"))
        #expect(AllowList.covers("*.update.microsoft.com", "x.update.microsoft.com"))
        #expect(!AllowList.covers("go.microsoft.com", "a.go.microsoft.com"))
    }

    @Test func rolesPickTheirHosts() {
        let win10 = UpdateRole.client.hosts(release: .windows10_22H2).map(\.host)
        #expect(win10.first == "slscr.update.microsoft.com")
        #expect(win10.contains("download.windowsupdate.com"))
        #expect(!win10.contains("sws.update.microsoft.com"))
        #expect(!win10.contains("sls.update.microsoft.com"))
        let win7 = UpdateRole.client.hosts(release: .windows7).map(\.host)
        #expect(win7.contains("fe2.update.microsoft.com"))
        #expect(!win7.contains("slscr.update.microsoft.com"))
        let wsus = UpdateRole.wsus.hosts(release: .server2012R2).map(\.host)
        #expect(wsus.first == "sws.update.microsoft.com")
        #expect(wsus.contains("download.windowsupdate.com"))
        #expect(!wsus.contains("slscr.update.microsoft.com"))
        #expect(UpdateRole.wsus.stack == .dotNetFramework)
    }

    @Test func driftShowsWhatChanged() throws {
        let slscr = try #require(BuiltInServerProfile.named("slscr"))
        var live = slscr.profile
        live.source = "scan"
        #expect(ProfileDrift.differences(builtIn: slscr, live: live).isEmpty)
        live.protocols["TLSv1.3"] = ProtocolSupport(accepted: true, cipherSuites: ["TLS_AES_256_GCM_SHA384"])
        live.protocols["TLSv1.2"]?.cipherSuites = [
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        ]
        live.certificate?.chain[0].keyType = "RSA"
        live.certificate?.chain[0].issuer = "CN=Microsoft Update Secure Server CA 2.1"
        let lines = ProfileDrift.differences(builtIn: slscr, live: live)
        #expect(lines.contains { $0.hasPrefix("protocols: built-in TLSv1.2") && $0.hasSuffix("live TLSv1.3, TLSv1.2") })
        #expect(lines.contains { $0.contains("not accepted live: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") })
        #expect(
            lines.contains {
                $0.contains("accepted live but not in the built-in profile: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
            })
        #expect(lines.contains { $0.hasPrefix("certificate key: built-in EC (observed, 2023), live RSA") })
        #expect(lines.contains { $0.hasPrefix("certificate issuer:") })
    }

    // MARK: .NET Framework (WSUS)

    static func dotNetConfig(_ values: String, release: WindowsRelease = .server2012R2) throws -> WindowsTLSConfig {
        let text = "Windows Registry Editor Version 5.00\n\n" + values
        var c = try WindowsConfigReader.read([.init(name: "wsus.reg", bytes: Array(text.utf8))], release: release)
        c.stack = .dotNetFramework
        return c
    }

    @Test func dotNetWithoutTheValuesOffersSSL3AndTLS10Only() throws {
        let c = try Self.dotNetConfig("")
        #expect(c.offeredProtocols() == [.ssl3, .tls10])  // SSL 3.0 is still on by default on 2012 R2
        let sws = BuiltInServerProfile.named("sws")!.profile
        let d = Diagnoser.diagnose(host: "sws.update.microsoft.com", port: 443, config: c, server: sws, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .dotNetLegacyTLS)
        #expect(cause.windowsError == "0x80072EFE")
        #expect(cause.fix?.reg?.contains("SchUseStrongCrypto\"=dword:00000001") == true)
        #expect(cause.fix?.reg?.contains(#"Wow6432Node\Microsoft\.NETFramework\v4.0.30319"#) == true)
    }

    @Test func dotNetStrongCryptoAndSystemDefaults() throws {
        let strong = try Self.dotNetConfig(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:00000001\n"
        )
        #expect(strong.offeredProtocols() == [.tls10, .tls11, .tls12])
        let system = try Self.dotNetConfig(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SystemDefaultTlsVersions\"=dword:00000001\n"
        )
        #expect(system.offeredProtocols() == system.schannelDefaultProtocols())
        // Only the Wow6432Node twin set: the 64-bit WSUS service keeps the old defaults.
        let wow = try Self.dotNetConfig(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:00000001\n"
        )
        #expect(wow.offeredProtocols() == [.ssl3, .tls10])
        // Schannel still wins: TLS 1.2 off for clients stays off.
        let off = try Self.dotNetConfig(
            """
            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]
            "SchUseStrongCrypto"=dword:00000001
            [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client]
            "Enabled"=dword:00000000

            """)
        #expect(off.offeredProtocols() == [.tls10, .tls11])
    }

    // MARK: The update chain pin

    /// A verified chain whose root has the key `rootKey` (SPKI SHA-256): the pin compares keys, so
    /// the names alone prove nothing.
    static func chain(_ intermediate: String, _ root: String, rootKey: String = String(repeating: "0", count: 64))
        -> CertificateReport
    {
        func info(_ subject: String, _ issuer: String) -> CertificateInfo {
            CertificateInfo(
                subject: subject, issuer: issuer, subjectAlternativeNames: [], keyType: "EC", keyBits: 256,
                keyCurve: nil,
                signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "", sha256Fingerprint: "",
                isSelfSigned: false)
        }
        return CertificateReport(
            chain: [
                info("CN=slscr.update.microsoft.com", "CN=\(intermediate),O=Microsoft Corporation,C=US"),
                info("CN=\(intermediate),O=Microsoft Corporation,C=US", "CN=\(root),O=Microsoft Corporation,C=US"),
            ],
            verified: true, verifyError: nil, verifyCode: 0, verifiedName: "slscr.update.microsoft.com",
            verifiedPath: [
                VerifiedLink(subject: "CN=slscr.update.microsoft.com", spkiSHA256: String(repeating: "1", count: 64)),
                VerifiedLink(subject: "CN=\(intermediate)", spkiSHA256: String(repeating: "2", count: 64)),
                VerifiedLink(subject: "CN=\(root)", spkiSHA256: rootKey),
            ])
    }

    static func key(_ subject: String) -> String {
        UpdatePinSet.builtIn.keys.first { $0.subject == subject }?.spkiSHA256 ?? ""
    }

    @Test func pinAcceptsTheKnownChainAndMicrosoftRotationsButNotAProxy() throws {
        let slscr = try #require(BuiltInServerProfile.named("slscr"))
        let genuine = Self.chain(
            "Microsoft ECC Update Secure Server CA 2.1", "Microsoft ECC Product Root Certificate Authority 2018",
            rootKey: Self.key("Microsoft ECC Product Root Certificate Authority 2018"))
        #expect(
            UpdateCertificatePin.check(
                host: "slscr.update.microsoft.com", port: 443, builtIn: slscr, certificate: genuine) == nil)
        #expect(UpdateCertificatePin.differs(builtIn: slscr, certificate: genuine) == nil)
        // Microsoft moves to a new intermediate under the same root key: not interception, but drift.
        let rotated = Self.chain(
            "Microsoft ECC Update Secure Server CA 2.2", "Microsoft ECC Product Root Certificate Authority 2018",
            rootKey: Self.key("Microsoft ECC Product Root Certificate Authority 2018"))
        #expect(
            UpdateCertificatePin.check(
                host: "slscr.update.microsoft.com", port: 443, builtIn: slscr, certificate: rotated) == nil)
        #expect(
            UpdateCertificatePin.differs(builtIn: slscr, certificate: rotated)?.contains(
                "live Microsoft ECC Update Secure Server CA 2.2") == true)
        // Under Microsoft's other public root (by key): a rotation too.
        let other = Self.chain(
            "Microsoft Azure ECC TLS Issuing CA 01", "Microsoft ECC Root Certificate Authority 2017",
            rootKey: Self.key("Microsoft ECC Root Certificate Authority 2017"))
        #expect(
            UpdateCertificatePin.check(
                host: "slscr.update.microsoft.com", port: 443, builtIn: slscr, certificate: other) == nil)
        // The genuine names over another key: a copy (TLS inspection).
        let copy = Self.chain(
            "Microsoft ECC Update Secure Server CA 2.1", "Microsoft ECC Product Root Certificate Authority 2018")
        #expect(
            UpdateCertificatePin.check(
                host: "slscr.update.microsoft.com", port: 443, builtIn: slscr, certificate: copy)?.code
                == .certificateUntrusted)
        let proxy = Self.chain("Zscaler Intermediate Root CA", "Zscaler Root CA")
        let cause = try #require(
            UpdateCertificatePin.check(
                host: "slscr.update.microsoft.com", port: 443, builtIn: slscr, certificate: proxy))
        #expect(cause.code == .certificateUntrusted)
        #expect(cause.windowsError == "0x80072F8F")
        #expect(
            cause.evidence.map(\.value).contains {
                $0.hasPrefix(
                    "Microsoft ECC Update Secure Server CA 2.1 -> Microsoft ECC Product Root Certificate Authority 2018"
                )
            })
        #expect(
            cause.evidence.map(\.value).contains {
                $0.contains("Zscaler Intermediate Root CA") && $0.contains("Zscaler Root CA")
            })
    }
}
