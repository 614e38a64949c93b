import Foundation
import Testing

@testable import TLSFitCore

@Suite("WindowsConfig evaluation")
struct WindowsConfigEvaluationTests {
    func provenance(_ line: Int = 1) -> Provenance { Provenance(file: "t", line: line, key: "k", value: "v") }

    func set(_ key: String, _ name: String, _ data: RegistryData, line: Int = 1) -> RegistryOperation {
        RegistryOperation(
            key: key, action: .setValue(name: name, data: data), provenance: provenance(line), format: .regedit)
    }

    @Test func defaultsAssumeServer2022() throws {
        let config = try WindowsConfigReader.read(
            [.init(name: "e.txt", bytes: Array("TLS_AES_256_GCM_SHA384\n".utf8))], release: nil)
        #expect(config.release == .server2022)
        #expect(config.releaseAssumed)
        #expect(config.offeredProtocols().contains(.tls13))
    }

    @Test func releaseDefaultsWhenNothingIsSet() {
        let win7 = WindowsTLSConfig.evaluate(registry: RegistrySnapshot(), release: .windows7)
        #expect(win7.suiteOrderSource == .releaseDefault)
        #expect(win7.protocols[.tls12]?.clientOffered == false)
        #expect(win7.offeredProtocols() == [.ssl3, .tls10].filter { win7.protocols[$0]?.clientOffered == true })
        #expect(win7.warningCodes.contains(.winHTTPLegacyDefaults))
        // The Windows 7 default list names each ECDHE suite per curve; the model keeps one entry per suite.
        let codes = win7.cipherSuites.map(\.suite.code)
        #expect(Set(codes).count == codes.count)
        #expect(win7.cipherSuites.first?.pinnedCurves.count == 2)
        let s2022 = WindowsTLSConfig.evaluate(registry: RegistrySnapshot(), release: .server2022)
        #expect(s2022.protocols[.tls13]?.clientOffered == true)
        #expect(s2022.warnings.isEmpty)
    }

    @Test func windows7ServerOnlyMistakes() throws {
        let config = try WindowsFixtures.config(["regedit/win7-server-only.reg"], release: .windows7)
        let codes = config.warningCodes
        #expect(codes.contains(.serverOnlyProtocol))
        #expect(codes.contains(.disabledByDefaultBlocksWinHTTP))
        #expect(codes.contains(.curveSuffixMissing))
        #expect(codes.contains(.unsupportedOnRelease))
        #expect(codes.contains(.duplicateSuite))
        #expect(codes.contains(.unknownSuiteName))
        #expect(config.offeredProtocols().isEmpty)
        #expect(config.cipherSuites.map(\.windowsName) == ["TLS_RSA_WITH_AES_256_GCM_SHA384"])
        let server = try #require(config.warnings.first { $0.code == .serverOnlyProtocol })
        #expect(server.file == "regedit/win7-server-only.reg")
        #expect(server.line == 4)
        // The fix a Windows expert gives, applied to a copy of the merged registry.
        var fixed = config.registry
        let client = RegistryPath.protocolKey(.tls12, client: true)
        fixed.apply([set(client, "Enabled", .dword(1)), set(client, "DisabledByDefault", .dword(0))])
        let after = WindowsTLSConfig.evaluate(registry: fixed, release: .windows7)
        #expect(after.offeredProtocols() == [.tls12])
        #expect(!after.warningCodes.contains(.serverOnlyProtocol))
        #expect(!after.warningCodes.contains(.disabledByDefaultBlocksWinHTTP))
        // The original is untouched: evaluation is a pure function of the snapshot.
        #expect(WindowsTLSConfig.evaluate(registry: config.registry, release: .windows7).offeredProtocols().isEmpty)
    }

    @Test func curveSuffixesPerRelease() throws {
        let win7 = try WindowsFixtures.config(["regedit/regedit4-win7.reg"], release: .windows7)
        #expect(!win7.warningCodes.contains(.curveSuffixIgnored))
        let first = try #require(win7.cipherSuites.first)
        #expect(first.suite.code == 0xC028)
        #expect(first.pinnedCurves == ["NistP384", "NistP256"])
        #expect(win7.cipherSuites.count == 4)
        let win10 = try WindowsFixtures.config(["regedit/regedit4-win7.reg"], release: .windows10_22H2)
        #expect(win10.warningCodes.contains(.curveSuffixIgnored))
        #expect(win10.cipherSuites.first?.suite.code == 0xC028)
        #expect(win10.cipherSuites.allSatisfy { $0.pinnedCurves.isEmpty })
    }

    @Test func emptyEffectiveList() throws {
        let config = try WindowsFixtures.config(["regedit/empty-effective.reg"], release: .windows10_22H2)
        #expect(config.cipherSuites.isEmpty)
        #expect(config.removedSuites.map(\.suite.code) == [0x000A])
        #expect(config.warningCodes.contains(.noCipherSuites))
        #expect(config.warningCodes.contains(.suitesRemovedBySwitch))
    }

    @Test func longGPOStringNamesTheSuitesThatFallOff() throws {
        let config = try WindowsFixtures.config(["lists/long-gpo-field.txt"], release: .server2022)
        let warning = try #require(config.warnings.first { $0.code == .gpoStringTooLong })
        let text = String(decoding: try WindowsFixtures.bytes("lists/long-gpo-field.txt"), as: UTF8.self)
        let names = text.split(separator: ",").map(String.init)
        var kept = 0
        var length = 0
        for name in names {
            let end = length + (kept == 0 ? 0 : 1) + name.count
            if end > WindowsTLSConfig.gpoFieldLimit { break }
            length = end
            kept += 1
        }
        for lost in names[kept...] { #expect(warning.message.contains(lost)) }
        #expect(!warning.message.contains(names[kept - 1] + ","))
        // Get-TlsCipherSuite output is not a GPO string: no length warning.
        let observed = try WindowsFixtures.config(["tls/get-tlsciphersuite.json"])
        #expect(!observed.warningCodes.contains(.gpoStringTooLong))
    }

    @Test func gpoBackupPolicyOverLocalExport() throws {
        let config = try WindowsFixtures.config(
            [
                "regedit/export-utf8.reg",
                "gpo-backup/{6AC1786C-016F-11D2-945F-00C04FB984F9}/DomainSysvol/GPO/Machine/Registry.pol",
            ],
            release: .windows11)
        guard case .policy(let p) = config.suiteOrderSource else {
            Issue.record("policy order expected")
            return
        }
        #expect(p.record == 1)
        #expect(config.cipherSuites.first?.windowsName == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        #expect(config.curves == ["NistP384", "NistP256"])
        // The .pol turns TLS 1.0 off again and its DefaultSecureProtocols (0xA80) wins over the export's 0xA00.
        #expect(config.winHTTPDefaultSecureProtocols?.value == 0xA80)
        #expect(config.protocols[.tls10]?.clientEnabled == false)
        #expect(config.offeredProtocols() == [.tls11, .tls12])
        #expect(config.warningCodes.contains(.winHTTPWow64Mismatch))
        // 3DES is removed by the export's Ciphers switch even though the policy lists it.
        #expect(config.removedSuites.contains { $0.suite.code == 0x000A && $0.reason.contains("Triple DES 168") })
        #expect(!config.cipherSuites.contains { $0.suite.code == 0x000A })
    }

    @Test func laterFilesWin() throws {
        let a = "TLS_RSA_WITH_AES_256_GCM_SHA384"
        let b = "TLS_RSA_WITH_AES_128_GCM_SHA256"
        let config = try WindowsConfigReader.read(
            [.init(name: "a", bytes: Array(a.utf8)), .init(name: "b", bytes: Array(b.utf8))], release: .server2019)
        #expect(config.cipherSuites.map(\.windowsName) == [b])
        #expect(config.cipherSuites.first?.source?.file == "b")
    }

    @Test func policyOverLocalOverDefault() {
        var s = RegistrySnapshot()
        s.apply(set(RegistryPath.localSSL, "Functions", .multiString(["TLS_RSA_WITH_AES_128_GCM_SHA256"])))
        var c = WindowsTLSConfig.evaluate(registry: s, release: .server2019)
        #expect(c.cipherSuites.map(\.suite.code) == [0x009C])
        guard case .local = c.suiteOrderSource else {
            Issue.record("local expected")
            return
        }
        s.apply(set(RegistryPath.policySSL, "Functions", .string("TLS_RSA_WITH_AES_256_GCM_SHA384")))
        c = WindowsTLSConfig.evaluate(registry: s, release: .server2019)
        #expect(c.cipherSuites.map(\.suite.code) == [0x009D])
    }

    @Test(
        "SCHANNEL switches remove suites",
        arguments: [
            (RegistryPath.schannelHashes + #"\SHA"#, UInt16(0xC014), UInt16(0xC030)),
            (RegistryPath.schannelKeyExchange + #"\PKCS"#, UInt16(0x009D), UInt16(0xC030)),
            (RegistryPath.schannelKeyExchange + #"\Diffie-Hellman"#, UInt16(0x009F), UInt16(0xC030)),
            (RegistryPath.schannelKeyExchange + #"\ECDH"#, UInt16(0xC030), UInt16(0x009D)),
            (RegistryPath.schannelCiphers + #"\AES 256/256"#, UInt16(0xC030), UInt16(0xC02F)),
        ])
    func switches(_ key: String, _ removed: UInt16, _ kept: UInt16) {
        var s = RegistrySnapshot()
        s.apply(set(key, "Enabled", .dword(0)))
        let c = WindowsTLSConfig.evaluate(registry: s, release: .server2022)
        #expect(c.removedSuites.contains { $0.suite.code == removed })
        #expect(!c.cipherSuites.contains { $0.suite.code == removed })
        #expect(c.cipherSuites.contains { $0.suite.code == kept })
    }

    @Test func winHTTPMaskAndDisabledByDefault() {
        var s = RegistrySnapshot()
        s.apply(set(RegistryPath.winHTTP, "DefaultSecureProtocols", .dword(0xA00)))
        let win7 = WindowsTLSConfig.evaluate(registry: s, release: .server2008R2)
        #expect(win7.offeredProtocols().isEmpty)
        #expect(win7.warnings.filter { $0.code == .disabledByDefaultBlocksWinHTTP }.count == 2)
        #expect(win7.warningCodes.contains(.noOfferedProtocols))
        let client = RegistryPath.protocolKey(.tls12, client: true)
        s.apply(set(client, "DisabledByDefault", .dword(0)))
        #expect(WindowsTLSConfig.evaluate(registry: s, release: .server2008R2).offeredProtocols() == [.tls12])
        s.apply(set(client, "Enabled", .dword(0)))
        #expect(WindowsTLSConfig.evaluate(registry: s, release: .server2008R2).offeredProtocols().isEmpty)
        #expect(WinHTTPSetting.protocols(in: 0x2A80) == [.tls10, .tls11, .tls12, .tls13])
    }

    @Test func unsupportedProtocolAndCurves() {
        var s = RegistrySnapshot()
        s.apply(set(RegistryPath.protocolKey(.tls13, client: true), "Enabled", .dword(1)))
        s.apply(set(RegistryPath.policySSL, "EccCurves", .multiString(["NistP256", "curve448"])))
        let win10 = WindowsTLSConfig.evaluate(registry: s, release: .windows10_1809)
        #expect(win10.warningCodes.contains(.protocolNotSupported))
        #expect(win10.warningCodes.contains(.unknownCurve))
        #expect(win10.curves == ["NistP256", "curve448"])
        let win81 = WindowsTLSConfig.evaluate(registry: s, release: .windows81)
        #expect(win81.warningCodes.contains(.eccCurvesIgnored))
    }

    @Test func reportJSONShape() throws {
        let config = try WindowsFixtures.config(["regedit/win7-server-only.reg"], release: .windows7)
        let report = WindowsConfigReport(config, inputs: [], schemaVersion: JSONOutput.schemaVersion)
        let json = try JSONOutput.encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["windowsRelease"] as? String == "windows-7")
        let protocols = try #require(object["protocols"] as? [String: Any])
        let tls12 = try #require(protocols["TLSv1.2"] as? [String: Any])
        #expect(tls12["client"] as? Bool == false)
        #expect(tls12["source"] is String)
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.allSatisfy { $0["code"] is String && $0["message"] is String })
    }

    // Speed is Benchmarks/fleet-benchmark.sh's job (a timed unit test fails on a loaded CI machine); this
    // checks that evaluating the same export many times gives the same configuration.
    @Test func parsesThousandsOfExportsTheSameWay() throws {
        let bytes = try WindowsFixtures.bytes("regedit/export-utf16le-bom.reg")
        let first = WindowsTLSConfig.evaluate(
            registry: RegistrySnapshot(documents: [try RegFileParser.parse(bytes, source: "f.reg")]),
            release: .windows10_22H2)
        for i in 0..<2_000 {
            let doc = try RegFileParser.parse(bytes, source: "f\(i).reg")
            let config = WindowsTLSConfig.evaluate(
                registry: RegistrySnapshot(documents: [doc]), release: .windows10_22H2)
            #expect(config.cipherSuites.map(\.suite.code) == first.cipherSuites.map(\.suite.code))
        }
    }

    @Test func stringSwitchesAreIgnored() {
        var s = RegistrySnapshot()
        s.apply(set(RegistryPath.protocolKey(.tls12, client: true), "Enabled", .string("0"), line: 7))
        s.apply(set(RegistryPath.policySSL, "Functions", .dword(1), line: 8))
        let c = WindowsTLSConfig.evaluate(registry: s, release: .server2019)
        #expect(c.protocols[.tls12]?.clientOffered == true)
        #expect(c.warnings.filter { $0.code == .wrongValueType }.map(\.line) == [7, 8])
        #expect(c.suiteOrderSource == .releaseDefault)
    }
}
