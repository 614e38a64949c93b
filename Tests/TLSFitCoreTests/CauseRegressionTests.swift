import CipherSuites
import Foundation
import Testing

@testable import TLSFitCore

/// Issue #13: each wrong or misleading cause, reproduced from a realistic export, diagnosed offline
/// against the built-in windows-update profile.
@Suite("Cause regressions")
struct CauseRegressionTests {
    // A TLS 1.2-only RSA host: fe2/sls (`windows-update`) restricted to TLS 1.2 (the built-in one also takes TLS 1.0 and 1.1).
    static let windowsUpdate = DiagnosisTests.windowsUpdate

    static func diagnose(_ fixture: String, _ release: WindowsRelease, server: ServerProfile = windowsUpdate) throws
        -> (WindowsTLSConfig, HostDiagnosis)
    {
        let config = try WindowsFixtures.config(["causes/" + fixture], release: release)
        return (
            config,
            Diagnoser.diagnose(
                host: "fe2.update.microsoft.com", port: 443, config: config, server: server, observed: nil)
        )
    }

    // MARK: One source for the errors

    @Test func everyCauseCodeHasAnErrorRow() throws {
        let catalog = try CauseErrorCatalog(CipherSuitesData.causeErrorsTSV)
        for code in CauseCode.allCases {
            let row = catalog.errors(for: code)
            #expect(row.cause == code.rawValue, "\(code.rawValue) has no row in cause-errors.tsv")
            #expect(!row.title.isEmpty && !row.source.isEmpty)
            #expect(!row.others.contains(row.primary), "\(code.rawValue): the primary error is not also an 'other' one")
        }
        #expect(
            catalog.errors(for: .protocolDisabled, context: CauseErrorCatalog.contextNoClientHello).primary
                == "0x80072F8F")
    }

    @Test func aCauseCodeWithoutARowFailsToLoad() throws {
        let text = CipherSuitesData.causeErrorsTSV.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("curve-suffix-missing\t") }.joined(separator: "\n")
        #expect(throws: InputError.self) { try CauseErrorCatalog(text) }
        let bad = CipherSuitesData.causeErrorsTSV.replacingOccurrences(
            of: "0x80072EE7\t-\tdocumented", with: "0x80072EE7\t-\tcertain")
        #expect(throws: InputError.self) { try CauseErrorCatalog(bad) }
    }

    /// The explanation never names an error code: the header, the error sentence and JSON read
    /// `windowsError` / `otherWindowsErrors`, so the text cannot contradict them.
    @Test func explanationsNameNoErrorCode() throws {
        let cases: [(String, WindowsRelease)] = [
            ("win7-enable-tls12-script.reg", .windows7), ("server2008r2-iiscrypto-best-practices.reg", .server2008R2),
            ("tls12-client-off-server-on.reg", .windows10_22H2), ("win81-gpo-without-suffixes.reg", .windows81),
            ("aes-both-off.reg", .windows10_22H2),
        ]
        for (file, release) in cases {
            let (_, d) = try Self.diagnose(file, release)
            for c in d.causes {
                #expect(!c.explanation.contains("0x8007"), "\(file): \(c.explanation)")
                #expect(!c.summary.contains("0x8007"))
                let row = CauseErrorCatalog.shared.errors(for: c.code)
                #expect(c.windowsError == row.primary || c.windowsError == "0x80072F8F")
                #expect(!c.otherWindowsErrors.contains(c.windowsError))
            }
        }
    }

    // MARK: Protocols

    @Test(
        "the usual enable-TLS-1.2 script and IIS Crypto Best Practices leave WinHTTP on its defaults",
        arguments: [
            ("win7-enable-tls12-script.reg", WindowsRelease.windows7, 15),
            ("server2008r2-iiscrypto-best-practices.reg", .server2008R2, 114),
        ])
    func winHTTPDefaultProtocols(file: String, release: WindowsRelease, clientLine: Int) throws {
        let (config, d) = try Self.diagnose(file, release)
        // `config` shows TLS 1.2 on for Schannel clients...
        #expect(config.schannelDefaultProtocols().contains(.tls12))
        let cause = try #require(d.causes.first)
        #expect(cause.code == .winHTTPDefaultProtocols, "\(d.causes.map(\.code))")
        #expect(d.causes.count == 1)
        // ...and the evidence says why WinHTTP does not use it: the value is absent.
        #expect(
            cause.evidence.contains {
                $0.key.hasSuffix(#"WinHttp\DefaultSecureProtocols"#) && $0.value.hasPrefix("absent")
            })
        #expect(cause.evidence.contains { $0.file == "causes/" + file && $0.line == clientLine })
        #expect(cause.explanation.contains("KB3140245"))
        #expect(cause.windowsError == "0x80072F8F")
        #expect(cause.otherWindowsErrors == ["0x80072F7D", "0x80072EFE"])
        #expect(cause.windowsErrorEvidence == .observed)
        let fix = try #require(cause.fix)
        #expect(fix.verified)
        #expect(fix.changes.allSatisfy { $0.key.hasSuffix("WinHttp") })
        #expect(fix.reg?.contains("\"DefaultSecureProtocols\"=dword:00000a00") == true)
    }

    @Test func aWinHTTPValueWithoutTLS12IsTheEvidence() throws {
        let config = try DiagnosisTests.config(
            [
                "[\(DiagnosisTests.schannel)\\Protocols\\TLS 1.2\\Client]", "\"Enabled\"=dword:00000001",
                "\"DisabledByDefault\"=dword:00000000", "",
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                "\"DefaultSecureProtocols\"=dword:00000080",
            ], .windows7)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .winHTTPDefaultProtocols)
        #expect(cause.evidence.first?.line == 8)
        #expect(cause.evidence.first?.value.contains("0x80: TLSv1.0, not TLS 1.2") == true, "\(cause.evidence)")
        #expect(cause.fix?.reg?.contains("dword:00000880") == true)
    }

    @Test func anExplicitlyDisabledClientIsProtocolDisabledWhateverTheServerKeySays() throws {
        let (_, d) = try Self.diagnose("tls12-client-off-server-on.reg", .windows10_22H2)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .protocolDisabled)
        #expect(cause.evidence.first?.line == 4)
        #expect(!cause.evidence.contains { $0.key.hasSuffix(#"\Server"#) })
    }

    @Test func serverOnlySettingOnlyWhenTheClientKeyIsAbsent() throws {
        let config = try WindowsFixtures.config(["regedit/win7-server-only.reg"], release: .windows7)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        #expect(d.causes.first?.code == .serverOnlySetting)
        #expect(d.causes.first?.summary.contains("there is no Client key") == true)
    }

    // MARK: Suites

    @Test func windows81ListWithoutCurveSuffixes() throws {
        let (_, d) = try Self.diagnose("win81-gpo-without-suffixes.reg", .windows81)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .curveSuffixMissing, "\(d.causes.map(\.code))")
        #expect(cause.evidence.contains { $0.value.contains("knows it as TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P") })
        let gpo = try #require(cause.fix?.gpo)
        #expect(gpo.contains("_P256") && gpo.contains("_P384"))
        #expect(d.fixVerified == true)
    }

    @Test func windows7ListWithoutCurveSuffixes() throws {
        let config = try DiagnosisTests.config(
            [
                "[\(DiagnosisTests.schannel)\\Protocols\\TLS 1.2\\Client]", "\"Enabled\"=dword:00000001",
                "\"DisabledByDefault\"=dword:00000000", "",
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                "\"DefaultSecureProtocols\"=dword:00000a00", "",
                "[\(DiagnosisTests.policy)]",
                "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256\"",
            ], .windows7)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .curveSuffixMissing, "\(d.causes.map(\.code))")
        #expect(cause.evidence.allSatisfy { $0.line == 11 })
        #expect(d.fixVerified == true)
    }

    @Test func everySwitchThatMattersIsEvidence() throws {
        let (_, d) = try Self.diagnose("aes-both-off.reg", .windows10_22H2)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .cipherDisabled)
        #expect(Set(cause.evidence.compactMap(\.line)) == [4, 7], "\(cause.evidence)")
        #expect(cause.fix?.changes.count == 2)
        #expect(cause.fix?.verified == true)
    }

    @Test func aMisspeltCiphersKeyDisablesNothing() throws {
        let config = try WindowsFixtures.config(["causes/typos.reg"], release: .windows10_22H2)
        #expect(config.removedSuites.isEmpty)
        #expect(config.cipherSuites.contains { $0.suite.encryption.hasPrefix("AES_256") })
        let messages = config.warnings.filter { $0.code == .unknownRegistryName }
        let expected: [(Int, String)] = [
            (4, "did you mean Ciphers\\AES 256/256?"), (7, "did you mean SCHANNEL\\Protocols?"),
            (10, "did you mean \"Enabled\"?"),
            (11, "did you mean \"DisabledByDefault\"?"), (14, "did you mean \"DefaultSecureProtocols\"?"),
            (17, "did you mean \"SchUseStrongCrypto\"?"),
        ]
        #expect(messages.map { $0.line ?? 0 } == expected.map(\.0), "\(messages.map(\.message))")
        for (w, (_, text)) in zip(messages, expected) { #expect(w.message.contains(text), "\(w.message)") }
        // SystemDefaultTlsVersions is spelt right: no warning for it.
        #expect(!messages.contains { $0.message.contains("SystemDefaultTlsVersions") })
    }

    @Test func tripleDESIsReadUnderItsVistaAndLaterName() throws {
        let lines = { (name: String) in
            ["[\(DiagnosisTests.schannel)\\Ciphers\\\(name)]", "\"Enabled\"=dword:00000000"]
        }
        let modern = try DiagnosisTests.config(lines("Triple DES 168"), .windows7)
        #expect(modern.removedSuites.contains { $0.suite.encryption.contains("3DES") })
        let old = try DiagnosisTests.config(lines("Triple DES 168/168"), .windows7)
        #expect(!old.removedSuites.contains { $0.suite.encryption.contains("3DES") })
        #expect(old.warnings.contains { $0.code == .unknownRegistryName && $0.message.contains("Windows Server 2003") })
    }

    @Test func policyTruncatedIsARiskAndItsGPOStringKeepsNoWeakSuite() throws {
        // RC4 and 3DES names first (the Windows 7 defaults an old GPO was copied from), ECDSA fillers,
        // then the one RSA suite the server takes, past character 1023.
        let weak = ["TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_RC4_128_MD5"]
        let policy = (weak + DiagnosisTests.longPolicy.split(separator: ",").map(String.init)).joined(separator: ",")
        let config = try DiagnosisTests.config(
            ["[\(DiagnosisTests.policy)]", "\"Functions\"=\"\(policy)\""], .windows10_22H2)
        let d = Diagnoser.diagnose(host: "h", port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .policyTruncated)
        #expect(cause.summary.contains("risk"))
        #expect(cause.explanation.contains("not documented"))
        #expect(cause.windowsErrorEvidence == .assumed)
        let gpo = try #require(cause.fix?.gpo)
        #expect(gpo.count <= WindowsTLSConfig.gpoFieldLimit)
        for name in weak { #expect(!gpo.contains(name)) }
        #expect(
            !gpo.contains("RC4") && !gpo.contains("3DES") && !gpo.contains("NULL") && !gpo.contains("_DES_")
                && !gpo.contains("EXPORT"))
        let report = DiagnosisReport(
            windowsRelease: .windows10_22H2, windowsReleaseAssumed: false, inputs: [], hosts: [d])
        #expect(report.findings.first?.severity == .risk)
    }

    // MARK: Vantage point and unknowns

    @Test func aTimeoutAfterTheTCPConnectionWasAcceptedIsNotAFirewallPortBlock() throws {
        let config = try DiagnosisTests.config([], .windows10_22H2)
        let afterAccept = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: DiagnosisTests.observed(HandshakeFailure(stage: .tls, kind: .timeout, detail: "no answer")))
        let cause = try #require(afterAccept.causes.first)
        #expect(cause.code == .timeout)
        #expect(cause.summary.contains("accepted the TCP connection"))
        #expect(!(cause.fix?.description.contains("Allow outgoing TCP") ?? true))
        for (stage, kind) in [
            (FailureStage.dns, FailureKind.nameNotResolved), (.tcp, .refused), (.tcp, .timeout), (.tls, .timeout),
        ] {
            let d = Diagnoser.diagnose(
                host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
                observed: DiagnosisTests.observed(HandshakeFailure(stage: stage, kind: kind, detail: "x")))
            #expect(d.causes.first?.explanation.contains("measured here, not on the Windows machine") == true)
        }
    }

    @Test func anEmptySavedProfileIsUnknownNotAnEmptyList() throws {
        let config = try DiagnosisTests.config([], .windows10_22H2)
        let empty = ServerProfile(
            host: "unreachable.example", port: 443, protocols: [:], serverPreference: [:], groups: [], certificate: nil)
        let d = Diagnoser.diagnose(host: "unreachable.example", port: 443, config: config, server: empty, observed: nil)
        #expect(d.warnings.first?.contains("unknown") == true)
        #expect(
            d.causes.allSatisfy {
                !$0.summary.contains(" ,") && !$0.explanation.contains("accepts  ")
                    && !$0.explanation.contains("only ,")
            })
        #expect(d.predicted == nil)
    }

    @Test func anEmptyEccCurvesValueIsUnknownWithAWarning() throws {
        let config = try DiagnosisTests.config(
            ["[\(DiagnosisTests.policy)]", "\"EccCurves\"=hex(7):00,00"], .windows10_22H2)
        #expect(!config.curves.isEmpty)
        #expect(config.warnings.contains { $0.code == .curvesUnreadable && $0.line == 4 })
    }

    // MARK: Findings and JSON

    @Test func findingsGroupHostsThatFailForTheSameReason() throws {
        let (config, _) = try Self.diagnose("aes-both-off.reg", .windows10_22H2)
        let hosts = ["a.example", "b.example", "c.example"].map {
            Diagnoser.diagnose(host: $0, port: 443, config: config, server: Self.windowsUpdate, observed: nil)
        }
        let report = DiagnosisReport(
            windowsRelease: .windows10_22H2, windowsReleaseAssumed: false, inputs: [], hosts: hosts)
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.hosts == ["a.example:443", "b.example:443", "c.example:443"])
        #expect(report.findings.first?.severity == .error)
        let json = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(report).utf8)) as! [String: Any]
        let finding = try #require((json["findings"] as? [[String: Any]])?.first)
        #expect(
            Set(finding.keys) == [
                "code", "severity", "title", "windowsError", "otherWindowsErrors", "windowsErrorEvidence", "hostCount",
                "hosts", "vantage", "leadsTo",
            ])
        #expect(finding["hostCount"] as? Int == 3)
        let cause = try #require(((json["hosts"] as? [[String: Any]])?.first?["causes"] as? [[String: Any]])?.first)
        #expect(
            Set(cause.keys) == [
                "code", "summary", "explanation", "windowsError", "otherWindowsErrors", "windowsErrorEvidence",
                "windowsErrorSource",
                "evidence", "clientSuites", "serverSuites", "nearestSuites", "rootSubject", "fix", "leadsTo", "vantage",
            ])
        #expect(cause["rootSubject"] is NSNull)
        // Round trip: the JSON reads back.
        let back = try JSONDecoder().decode(DiagnosisReport.self, from: Data(try JSONOutput.encode(report).utf8))
        #expect(try JSONOutput.encode(back) == JSONOutput.encode(report))
    }

    @Test func observedFailureWritesItsAlertFieldAlways() throws {
        let config = try DiagnosisTests.config([], .windows10_22H2)
        let d = Diagnoser.diagnose(
            host: "fe2.update.microsoft.com", port: 443, config: config, server: nil,
            observed: DiagnosisTests.observed(HandshakeFailure(stage: .tcp, kind: .refused, detail: "refused")))
        let json = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(d).utf8)) as! [String: Any]
        let failure = try #require(json["observedFailure"] as? [String: Any])
        #expect(failure.keys.contains("alert") && failure["alert"] is NSNull)
        #expect(json["warnings"] as? [String] == [])
    }
}

@Suite("Group Policy precedence")
struct GroupPolicyPrecedenceTests {
    /// A Registry.pol (PReg) with one DWORD value.
    static func pol(key: String, name: String, dword: UInt32) -> [UInt8] {
        func utf16z(_ s: String) -> [UInt8] {
            Array((s + "\u{0}").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        let sep: [UInt8] = [0x3B, 0]
        var bytes: [UInt8] = Array("PReg".utf8) + le32(1)
        bytes += [0x5B, 0]
        bytes += utf16z(key)
        bytes += sep
        bytes += utf16z(name)
        bytes += sep
        bytes += le32(4)
        bytes += sep
        bytes += le32(4)
        bytes += sep
        bytes += le32(dword)
        bytes += [0x5D, 0]
        return bytes
    }

    @Test func deliveredPolicyWinsWhateverThePathOrder() throws {
        let key = #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"#
        let policy = WindowsConfigReader.InputFile(
            name: "Registry.pol", bytes: Self.pol(key: key, name: "Enabled", dword: 1))
        let local = WindowsConfigReader.InputFile(
            name: "local.reg",
            bytes: Array(
                (DiagnosisTests.header + "[HKEY_LOCAL_MACHINE\\\(key)]\r\n\"Enabled\"=dword:00000000\r\n").utf8))
        for order in [[policy, local], [local, policy]] {
            let config = try WindowsConfigReader.read(order, release: .windows10_22H2)
            let tls12 = try #require(config.protocols[.tls12])
            #expect(tls12.clientEnabled, "\(order.map(\.name))")
            #expect(tls12.clientEnabledSource?.file == "Registry.pol")
        }
    }

    /// A Registry.pol with one REG_SZ value.
    static func pol(key: String, name: String, string: String) -> [UInt8] {
        func utf16z(_ s: String) -> [UInt8] {
            Array((s + "\u{0}").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        let sep: [UInt8] = [0x3B, 0]
        let data = utf16z(string)
        var bytes: [UInt8] = Array("PReg".utf8) + le32(1)
        bytes += [0x5B, 0]
        bytes += utf16z(key)
        bytes += sep
        bytes += utf16z(name)
        bytes += sep
        bytes += le32(1)
        bytes += sep
        bytes += le32(UInt32(data.count))
        bytes += sep
        bytes += data
        bytes += [0x5D, 0]
        return bytes
    }

    /// policy-truncated from a Registry.pol: what was delivered holds the whole string, so the
    /// verdict is a risk resting on an assumption, and the explanation says what was delivered.
    @Test func policyTruncatedFromWhatWasDelivered() throws {
        let key = #"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#
        let file = WindowsConfigReader.InputFile(
            name: "Registry.pol", bytes: Self.pol(key: key, name: "Functions", string: DiagnosisTests.longPolicy))
        let config = try WindowsConfigReader.read([file], release: .windows10_22H2)
        let d = Diagnoser.diagnose(
            host: "h", port: 443, config: config, server: CauseRegressionTests.windowsUpdate, observed: nil)
        let cause = try #require(d.causes.first)
        #expect(cause.code == .policyTruncated)
        #expect(cause.explanation.contains("is what Group Policy delivered"), "\(cause.explanation)")
        #expect(cause.evidence.first?.record == 1)
    }

    @Test func aFolderOfExportsReadsOnlyTopLevelExports() {
        let files = ["a.reg", "b.POL", "notes.md", "sub/c.reg", "gpresult.xml", "list.txt", "scan.json", "image.png"]
        #expect(
            GPOBackupLayout.exportFiles(among: files) == ["a.reg", "b.POL", "gpresult.xml", "list.txt", "scan.json"])
    }
}

@Suite("Unknown is not empty")
struct UnknownIsNotEmptyTests {
    /// A gpresult report whose ECC Curve Order comes in a layout tlsfit does not read (ListBox
    /// elements instead of MultiText strings): the curves are unknown, with a warning, never "the
    /// client offers ,".
    @Test func anUnreadableGPResultCurveLayoutIsUnknown() throws {
        let config = try WindowsFixtures.config(["causes/gpresult-curves-listbox.xml"], release: .windows10_22H2)
        let warning = try #require(config.warnings.first { $0.code == .curvesUnreadable })
        #expect(warning.file == "causes/gpresult-curves-listbox.xml")
        #expect(warning.message.contains("unknown"))
        #expect(config.curves == ["curve25519", "NistP256", "NistP384"])
        let client = ClientProfile(config: config)
        #expect(!client.groups.isEmpty)
    }
}
