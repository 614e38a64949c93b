import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

/// Issue 21, items 3-7: the configuration's verdict and what this machine measured are two parts of
/// a host's result, never mixed; configuration warnings that change the hello are findings with
/// their file and line; every host asked for is accounted for; fixes say where they apply.
@Suite("diagnose: two vantage points, findings, accounts, where a fix applies", .serialized)
struct VantagePointTests {
    static var lab: DiagnoseLab { .shared }
    static let noECDSA = [
        "[\(DiagnoseCommandTests.policy)]",
        "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384\"",
    ]
    /// The typo of the issue: SHA348 for SHA384, on line 4.
    static let typo = [
        "[\(DiagnoseCommandTests.policy)]",
        "\"Functions\"=\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA348,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"",
    ]

    static func hosts(_ json: [String: Any]) -> [[String: Any]] { json["hosts"] as? [[String: Any]] ?? [] }
    static func causes(_ host: [String: Any]) -> [[String: Any]] { host["causes"] as? [[String: Any]] ?? [] }
    static func part(_ host: [String: Any], _ name: String) -> [String: Any]? { host[name] as? [String: Any] }
    static func firstCause(_ result: CLIResult) throws -> [String: Any]? {
        Self.hosts(try CLI.json(result)).first.flatMap { Self.causes($0).first }
    }

    // Item 3: every host refused from here, the configuration verdict still given, first, in every format.
    @Test func everyHostUnreachableFromHereTheConfigurationVerdictStands() throws {
        let config = try Self.lab.reg("no-ecdsa.reg", Self.noECDSA)
        let closed = freePort()
        let base = [
            "diagnose", "--windows-update", "--config", config, "--windows", "windows-10-22h2", "--connect",
            "127.0.0.1:\(closed)", "--timeout", "2",
        ]
        let result = try CLI.run(base + ["--format", "json"])
        // The configuration fails against slscr, fe2cr and fe3cr whatever the network: exit 1.
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try CLI.json(result)
        let reach = try #require(json["reachability"] as? [String: Any])
        #expect(reach["noneReached"] as? Bool == true)
        #expect((reach["note"] as? String)?.contains("--offline") == true)
        #expect((reach["note"] as? String)?.contains("where the failing machine's network is") == true)
        let hosts = Self.hosts(json)
        #expect(hosts.count == 9)
        for name in ["slscr.update.microsoft.com", "fe2cr.update.microsoft.com", "fe3cr.delivery.mp.microsoft.com"] {
            let h = try #require(hosts.first { $0["host"] as? String == name })
            #expect(Self.part(h, "configuration")?["outcome"] as? String == "fails")
            #expect(Self.part(h, "configuration")?["causes"] as? [String] == ["no-shared-cipher"])
            #expect(Self.part(h, "configuration")?["windowsError"] as? String == "0x80072EFE")
            #expect(Self.part(h, "fromHere")?["outcome"] as? String == "unreached")
            #expect(Self.part(h, "fromHere")?["causes"] as? [String] == ["tcp-blocked"])
            // The configuration's cause first, then the one measured here; the fix is the configuration's.
            #expect(Self.causes(h).map { $0["code"] as? String } == ["no-shared-cipher", "tcp-blocked"])
            #expect(Self.causes(h).map { $0["vantage"] as? String } == ["configuration", "this-machine"])
            #expect(h["fixVerified"] as? Bool == true)
        }
        // fe3 (RSA) works with this configuration; only this network fails it.
        let fe3 = try #require(hosts.first { $0["host"] as? String == "fe3.delivery.mp.microsoft.com" })
        #expect(Self.part(fe3, "configuration")?["outcome"] as? String == "ok")
        // Findings: the configuration's first.
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.first?["code"] as? String == "no-shared-cipher")
        #expect(findings.first?["vantage"] as? String == "configuration")
        #expect(findings.first?["hostCount"] as? Int == 3)
        #expect(findings.dropFirst().allSatisfy { $0["vantage"] as? String == "this-machine" })

        let text = try CLI.run(base).stdout.unwrapped
        let configAt = try #require(text.range(of: "Findings: the configuration"))
        let hereAt = try #require(text.range(of: "Findings: measured from this machine"))
        #expect(configAt.lowerBound < hereAt.lowerBound)
        #expect(text.contains("No host reached from here:"))
        #expect(text.contains("Configuration: FAILS (no-shared-cipher), 0x80072EFE on the machine's own network"))
        #expect(
            text.contains("From here:     NOT REACHED (tcp: tcp-blocked); measured here, not on the Windows machine"))
        for format in ["markdown", "html"] {
            let out = try CLI.run(base + ["--format", format]).stdout
            #expect(out.contains("Findings: the configuration"), "\(format)")
            #expect(out.contains("No host reached from here:"), "\(format)")
            #expect(
                out.range(of: "Findings: the configuration")!.lowerBound
                    < out.range(of: "Findings: measured from this machine")!.lowerBound)
        }
    }

    // Item 3 through a proxy that cannot be reached, and the exit code when only this network fails.
    @Test func aProxyThatCannotBeReachedAndAHealthyConfiguration() throws {
        let bad = try Self.lab.reg("no-ecdsa.reg", Self.noECDSA)
        let healthy = try Self.lab.reg("healthy.reg", [])
        let proxy = "http://127.0.0.1:\(freePort())"
        let hosts = ["slscr.update.microsoft.com", "fe2.update.microsoft.com", "download.windowsupdate.com:80"]
        let failing = try CLI.run(
            ["diagnose"] + hosts + [
                "--config", bad, "--windows", "windows-10-22h2", "--proxy", proxy, "--timeout", "2",
                "--format", "json",
            ])
        #expect(failing.exitCode == 1)
        let json = try CLI.json(failing)
        let slscr = try #require(Self.hosts(json).first)
        #expect(Self.causes(slscr).map { $0["code"] as? String } == ["no-shared-cipher", "proxy-unreachable"])
        // The plain-HTTP host: a proxy cause, never a TLS one.
        let content = try #require(Self.hosts(json).last)
        #expect(Self.causes(content).map { $0["code"] as? String } == ["proxy-unreachable"])
        #expect(Self.part(content, "configuration")?["outcome"] as? String == "not-applicable")
        #expect((json["reachability"] as? [String: Any])?["noneReached"] as? Bool == true)

        // The configuration holds against every host: exit 3, this network only.
        let onlyHere = try CLI.run(
            ["diagnose"] + hosts + [
                "--config", healthy, "--windows", "windows-10-22h2", "--proxy", proxy, "--timeout", "2",
            ])
        #expect(onlyHere.exitCode == 3, "\(onlyHere.stdout)")
        #expect(onlyHere.stdout.unwrapped.contains("it holds against every host it could judge"))
    }

    // Item 4: the typo is the cause, with its line and the did-you-mean, tied to no-shared-cipher; the fix corrects it.
    @Test func aTypoInTheSuiteListIsTheCause() throws {
        let config = try Self.lab.reg("typo.reg", Self.typo)
        let fixFile = Self.lab.dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-fix.reg").path
        let result = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", config, "--windows", "windows-10-22h2", "--offline",
            "--fix-out", fixFile, "--format", "json",
        ])
        #expect(result.exitCode == 1)
        let json = try CLI.json(result)
        let host = try #require(Self.hosts(json).first)
        let cause = try #require(Self.causes(host).first)
        #expect(cause["code"] as? String == "unknown-suite-name")
        #expect(cause["leadsTo"] as? String == "no-shared-cipher")
        #expect(cause["windowsError"] as? String == "0x80072EFE")
        #expect((cause["summary"] as? String)?.contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA348") == true)
        #expect((cause["summary"] as? String)?.contains("did you mean TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384") == true)
        let evidence = try #require((cause["evidence"] as? [[String: Any]])?.first)
        #expect(evidence["file"] as? String == config && evidence["line"] as? Int == 4)
        let fix = try #require(cause["fix"] as? [String: Any])
        #expect((fix["description"] as? String)?.contains("Correct the typo") == true)
        #expect(
            fix["gpo"] as? String
                == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        )
        #expect(fix["verified"] as? Bool == true)
        let finding = try #require((json["findings"] as? [[String: Any]])?.first)
        #expect(
            finding["code"] as? String == "unknown-suite-name" && finding["leadsTo"] as? String == "no-shared-cipher")
        // The configuration warning, with its file and line, tied to the cause it produces.
        let warning = try #require(
            (json["configurationFindings"] as? [[String: Any]])?.first { $0["code"] as? String == "unknown-suite-name" }
        )
        #expect(warning["file"] as? String == config && warning["line"] as? Int == 4)
        #expect(warning["severity"] as? String == "error")
        #expect(
            (warning["message"] as? String)?.contains("did you mean TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384") == true)
        #expect((warning["leadsTo"] as? [String])?.contains("no-shared-cipher") == true)
        #expect(warning["hosts"] as? [String] == ["slscr.update.microsoft.com:443"])

        // Applied after the original file, the corrected list works.
        let fixed = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", config, fixFile, "--windows", "windows-10-22h2",
            "--offline",
        ])
        #expect(fixed.exitCode == 0, "\(fixed.stdout)")

        // hello says so too, with the file and line.
        let hello = try CLI.json(
            try CLI.run(["hello", "--config", config, "--windows", "windows-10-22h2", "--format", "json"]))
        let helloWarning = try #require(
            (hello["configurationFindings"] as? [[String: Any]])?.first {
                $0["code"] as? String == "unknown-suite-name"
            })
        #expect(helloWarning["line"] as? Int == 4)
        #expect(
            try CLI.run(["hello", "--config", config, "--windows", "windows-10-22h2"]).stdout.contains(
                "[warning] unknown-suite-name"))
    }

    // A typo whose suite the server does not need is not the cause; the fix still names it instead of dropping it silently.
    @Test func aTypoThatDoesNotMatterIsAWarningAndTheFixNamesIt() throws {
        let config = try Self.lab.reg(
            "typo-rsa.reg",
            [
                "[\(DiagnoseCommandTests.policy)]",
                "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"",
            ])
        let json = try CLI.json(
            try CLI.run([
                "diagnose", "slscr.update.microsoft.com", "--config", config, "--windows", "windows-10-22h2",
                "--offline", "--format", "json",
            ]))
        let cause = try #require(Self.hosts(json).first.flatMap { Self.causes($0).first })
        #expect(cause["code"] as? String == "no-shared-cipher")
        #expect(
            ((cause["fix"] as? [String: Any])?["description"] as? String)?.contains(
                "Names Schannel does not know are left out of it") == true)
        #expect(
            ((cause["fix"] as? [String: Any])?["description"] as? String)?.contains(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348") == true)
        let warning = try #require(
            (json["configurationFindings"] as? [[String: Any]])?.first { $0["code"] as? String == "unknown-suite-name" }
        )
        #expect(warning["severity"] as? String == "warning")
        #expect((warning["leadsTo"] as? [String])?.isEmpty == true)
    }

    // Item 4 on the wire: a lab slscr refuses the typo's hello and accepts the corrected one.
    @Test func theTypoFixIsConfirmedOnTheWire() throws {
        let lab = try UpdateIncidentTests.HostLab(host: "slscr.update.microsoft.com")
        let config = try Self.lab.reg("typo.reg", Self.typo)
        let (result, _, host) = try lab.diagnose(["--config", config, "--windows", "windows-10-22h2"])
        #expect(result.exitCode == 1)
        #expect(Self.causes(host).first?["code"] as? String == "unknown-suite-name")
        #expect(Self.part(host, "fromHere")?["outcome"] as? String == "fails")
        #expect(host["fixConfirmedOnWire"] as? Bool == true)
    }

    // Item 4: report carries the candidate's warnings as findings, tied to the cells that fail for them.
    @Test func reportCarriesTheTypo() throws {
        let config = try Self.lab.reg("typo.reg", Self.typo)
        let result = try CLI.run([
            "report", "--candidate", config, "--windows", "windows-10-22h2", "--offline", "--server-profile", "slscr",
            "slscr.update.microsoft.com", "--format", "json",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let candidate = try #require((try CLI.json(result)["candidates"] as? [[String: Any]])?.first)
        let warning = try #require(
            (candidate["configurationFindings"] as? [[String: Any]])?.first {
                $0["code"] as? String == "unknown-suite-name"
            })
        #expect(warning["line"] as? Int == 4)
        #expect((warning["leadsTo"] as? [String])?.contains("unknown-suite-name") == true)
        let text = try CLI.run([
            "report", "--candidate", config, "--windows", "windows-10-22h2", "--offline", "--server-profile", "slscr",
            "slscr.update.microsoft.com",
        ])
        #expect(text.stdout.contains("unknown-suite-name"))
    }

    // Item 4: --windows against the export's build is a finding of diagnose and hello.
    @Test func releaseMismatchIsAFinding() throws {
        let config = try Self.lab.reg(
            "cv.reg",
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"#, "\"CurrentBuild\"=\"17763\"",
                "\"InstallationType\"=\"Server\"",
            ])
        let result = try CLI.run([
            "diagnose", "fe3.delivery.mp.microsoft.com", "--config", config, "--windows", "windows-10-22h2",
            "--offline",
            "--format", "json",
        ])
        let json = try CLI.json(result)
        let warning = try #require(
            (json["configurationFindings"] as? [[String: Any]])?.first { $0["code"] as? String == "release-mismatch" })
        #expect(warning["file"] as? String == config && warning["line"] as? Int == 4)
        #expect(result.stderr.contains("--windows says windows-10-22h2"))
        let hello = try CLI.json(
            try CLI.run(["hello", "--config", config, "--windows", "windows-10-22h2", "--format", "json"]))
        #expect(
            (hello["configurationFindings"] as? [[String: Any]])?.contains {
                $0["code"] as? String == "release-mismatch"
            } == true)
        let markdown = try CLI.run([
            "diagnose", "fe3.delivery.mp.microsoft.com", "--config", config, "--windows", "windows-10-22h2",
            "--offline",
            "--format", "markdown",
        ])
        #expect(markdown.stdout.contains("`release-mismatch`"))
    }

    // Item 6: every host of the role in every format: checked, predicted offline only, or skipped and why.
    @Test func everyHostOfTheRoleIsAccountedFor() throws {
        let config = try Self.lab.reg("no-ecdsa.reg", Self.noECDSA)
        let base = ["diagnose", "--windows-update", "--config", config, "--windows", "windows-10-22h2", "--offline"]
        let json = try CLI.json(try CLI.run(base + ["--format", "json"]))
        let accounts = try #require(json["hostAccounts"] as? [[String: Any]])
        #expect(accounts.count == 9)
        let byHost = Dictionary(uniqueKeysWithValues: accounts.map { ($0["host"] as! String, $0) })
        #expect(byHost["slscr.update.microsoft.com"]?["status"] as? String == "predicted")
        #expect(byHost["tsfe.trafficshaping.dsp.mp.microsoft.com"]?["status"] as? String == "skipped")
        #expect(
            (byHost["tsfe.trafficshaping.dsp.mp.microsoft.com"]?["reason"] as? String)?.contains("no server profile")
                == true)
        #expect(byHost["download.windowsupdate.com"]?["status"] as? String == "skipped")
        #expect((byHost["download.windowsupdate.com"]?["reason"] as? String)?.contains("plain HTTP") == true)
        for format in ["text", "markdown", "html"] {
            let out = try CLI.run(base + ["--format", format]).stdout.unwrapped
            for name in [
                "tsfe.trafficshaping.dsp.mp.microsoft.com", "download.windowsupdate.com", "emdl.ws.microsoft.com",
                "slscr.update.microsoft.com",
            ] {
                #expect(out.contains(name), "\(format): \(name)")
            }
            #expect(out.contains("checked only online"), "\(format)")
            #expect(out.contains("no server profile"), "\(format)")
        }
    }

    // Item 7: a policy-hive value is fixed in the GPO; a local-hive value locally; the .reg says so.
    @Test func fixesSayWhereTheyApply() throws {
        let policy = try Self.lab.reg("no-ecdsa.reg", Self.noECDSA)
        let fixFile = Self.lab.dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-fix.reg").path
        let result = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", policy, "--windows", "windows-10-22h2", "--offline",
            "--fix-out", fixFile, "--format", "json",
        ])
        let policyCause = try Self.firstCause(result)
        let fix = try #require(policyCause?["fix"] as? [String: Any])
        #expect(fix["scope"] as? String == "group-policy")
        let note = try #require(fix["scopeNote"] as? String)
        #expect(
            note.contains(
                "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > SSL Cipher Suite Order"
            ))
        #expect(note.contains("undone at the next Group Policy refresh"))
        // regedit's UTF-16LE, with the note as a comment.
        let data = try Data(contentsOf: URL(fileURLWithPath: fixFile))
        let text = try #require(String(data: data, encoding: .utf16LittleEndian))
        #expect(text.contains("; This value is in the policy hive"))
        #expect(text.contains("undone at the next Group Policy refresh"))

        let local = try Self.lab.reg(
            "local.reg",
            [
                #"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002]"#,
                "\"Functions\"=hex(7):"
                    + Self.multiString([
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    ]),
            ])
        let localResult = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "--config", local, "--windows", "windows-10-22h2", "--offline",
            "--format", "json",
        ])
        let localCause = try Self.firstCause(localResult)
        let localFix = try #require(localCause?["fix"] as? [String: Any])
        #expect(localFix["scope"] as? String == "local", "\(localResult.stdout)")
        #expect(
            (localFix["scopeNote"] as? String)?.contains(
                "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0") == true)
        #expect((localFix["reg"] as? String)?.contains(#"Configuration\Local\SSL\00010002"#) == true)
    }

    // Item 7: a pinned update host behind TLS inspection has one fix, the exemption; another host may trust the root.
    @Test func pinnedHostsAreExemptedNeverTrusted() throws {
        let config = try Self.lab.reg("healthy.reg", [])
        let pinned = try CLI.run([
            "diagnose", DiagnoseLab.host, "--config", config, "--windows", "win10",
            "--connect", "127.0.0.1:\(Self.lab.windowsUpdate.port)", "--ca-file", Self.lab.otherCAFile, "--format",
            "json",
        ])
        let pinnedCause = try Self.firstCause(pinned)
        let cause = try #require(pinnedCause)
        #expect(cause["code"] as? String == "certificate-untrusted")
        let fix = try #require((cause["fix"] as? [String: Any])?["description"] as? String)
        #expect(fix.hasPrefix("Exempt"))
        #expect(!fix.contains("make the machine trust") && !fix.contains("root this machine trusts"))
        #expect(fix.contains("Do not import or trust another root"))

        let other = try CLI.run([
            "diagnose", "intranet.contoso.test", "--config", config, "--windows", "win10",
            "--connect", "127.0.0.1:\(Self.lab.windowsUpdate.port)", "--ca-file", Self.lab.otherCAFile, "--format",
            "json",
        ])
        let otherFirst = try Self.firstCause(other)
        let otherCause = try #require(otherFirst)
        #expect(otherCause["code"] as? String == "certificate-untrusted")
        #expect(
            ((otherCause["fix"] as? [String: Any])?["description"] as? String)?.contains(
                "make the machine trust the root") == true)
    }

    // Item 3 behind TLS inspection: what answered is not the server, so the configuration's verdict
    // comes from the server's profile and stands first; the pin failure is what this machine saw.
    @Test func behindTLSInspectionTheConfigurationVerdictStillComesFirst() throws {
        let lab = try UpdateIncidentTests.HostLab(host: "fe2.update.microsoft.com", proxy: true)
        let config = try Self.lab.reg("no-ecdsa.reg", Self.noECDSA)
        // The server's profile says ECDSA only (as slscr): this configuration cannot work with it.
        let (result, _, host) = try lab.diagnose([
            "--config", config, "--windows", "windows-10-22h2", "--server-profile", "slscr",
        ])
        #expect(result.exitCode == 1)
        #expect(Self.causes(host).map { $0["code"] as? String } == ["no-shared-cipher", "certificate-untrusted"])
        #expect(Self.part(host, "configuration")?["outcome"] as? String == "fails")
        #expect(Self.part(host, "fromHere")?["causes"] as? [String] == ["certificate-untrusted"])
        let pin = try #require(Self.causes(host).last)
        #expect(((pin["fix"] as? [String: Any])?["description"] as? String)?.hasPrefix("Exempt") == true)
    }

    /// REG_MULTI_SZ as regedit writes it: UTF-16LE strings, each ending in 00 00, then 00 00.
    static func multiString(_ items: [String]) -> String {
        var bytes: [UInt8] = []
        for item in items {
            for u in item.utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
            bytes += [0, 0]
        }
        bytes += [0, 0]
        return bytes.map { String(format: "%02x", $0) }.joined(separator: ",")
    }
}
