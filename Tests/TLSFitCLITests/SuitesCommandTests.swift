import Foundation
import Testing

@Suite struct SuitesCommandTests {
    @Test func showByCodePointText() throws {
        let result = try CLI.run(["suites", "show", "0xC0,0x30"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC030)"))
        #expect(result.stdout.contains("ECDHE-RSA-AES256-GCM-SHA384"))
        #expect(result.stdout.contains("windows-11"))
    }

    @Test func showJSON() throws {
        let result = try CLI.run(["suites", "show", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        let suite = try #require(json["suite"] as? [String: Any])
        #expect(suite["code"] as? String == "0xC028")
        #expect(suite["openssl"] as? String == "ECDHE-RSA-AES256-SHA384")
        let windows = try #require(json["windows"] as? [[String: Any]])
        let win7 = try #require(windows.first { $0["release"] as? String == "windows-7" })
        #expect(win7["supported"] as? Bool == true)
        #expect(win7["enabledByDefault"] as? Bool == true)
    }

    @Test func showUnknownNameExits2WithSuggestions() throws {
        let result = try CLI.run(["suites", "show", "ECDHE-RSA-AES256-GCM-SHA348"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("tlsfit: error: unknown cipher suite"))
        #expect(result.stderr.contains("ECDHE-RSA-AES256-GCM-SHA384"))
        #expect(result.stdout.isEmpty)
    }

    @Test func translateOpenSSLToGPOForWindows7() throws {
        let result = try CLI.run([
            "suites", "translate", "--to", "gpo", "--windows", "win7", "ECDHE-RSA-AES256-SHA384:AES256-GCM-SHA384",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,TLS_RSA_WITH_AES_256_GCM_SHA384\n"
        )
    }

    @Test func translateJSONShape() throws {
        let result = try CLI.run([
            "suites", "translate", "--to", "openssl", "--format", "json",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_CBC_SHA",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["result"] as? String == "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA")
        let suites = try #require(json["suites"] as? [[String: Any]])
        #expect(suites.count == 2)
        #expect(suites.first?["code"] as? String == "0xC030")
        #expect(suites.first?["iana"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(suites.first?["windows"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    }

    @Test func translateFromStdin() throws {
        let pasted = "TLS_AES_256_GCM_SHA384\r\nTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\r\n"
        let result = try CLI.run(["suites", "translate", "--to", "openssl", "-"], stdin: pasted)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256\n")
    }

    @Test func translateExpandsOpenSSLKeywords() throws {
        let result = try CLI.run(["suites", "translate", "--to", "iana", "ECDHE+AESGCM:!ECDSA"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
        #expect(!result.stdout.contains("TLS_ECDHE_ECDSA_"))
    }

    @Test func translateRoundTripThroughGPOAndBack() throws {
        let gpo = try CLI.run([
            "suites", "translate", "--to", "gpo", "ECDHE-ECDSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:AES128-SHA",
        ])
        #expect(gpo.exitCode == 0)
        let back = try CLI.run(["suites", "translate", "--to", "openssl", gpo.stdout])
        #expect(back.exitCode == 0, "\(back.stderr)")
        #expect(back.stdout == "ECDHE-ECDSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:AES128-SHA\n")
    }

    @Test func translateUnknownNamesExit2() throws {
        let result = try CLI.run(["suites", "translate", "--to", "gpo", "TLS_RSA_WITH_AES_128_CBC_SHA,TLS_BOGUS_SUITE"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("TLS_BOGUS_SUITE"))
    }

    @Test func translateWarnsAboutSuitesWindowsLacks() throws {
        let result = try CLI.run([
            "suites", "translate", "--to", "gpo", "--windows", "windows-7", "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA",
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "TLS_RSA_WITH_AES_128_CBC_SHA\n")
        #expect(result.stderr.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
    }

    @Test func defaultsText() throws {
        let result = try CLI.run(["suites", "defaults", "win7"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Windows 7"))
        #expect(result.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"))
        #expect(!result.stdout.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM"))
    }

    @Test func defaultsJSON() throws {
        let result = try CLI.run(["suites", "defaults", "windows-11", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try CLI.json(result)
        #expect(json["release"] as? String == "windows-11")
        #expect((json["defaultClientProtocols"] as? [String])?.contains("TLSv1.3") == true)
        #expect(json["defaultCurves"] as? [String] == ["curve25519", "NistP256", "NistP384"])
        let order = try #require(json["defaultOrder"] as? [[String: Any]])
        #expect(order.first?["windowsName"] as? String == "TLS_AES_256_GCM_SHA384")
        #expect(order.first?["priority"] as? Int == 1)
    }

    @Test func unknownReleaseExits2() throws {
        let result = try CLI.run(["suites", "defaults", "windows-95"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("unknown Windows release"))
    }

    @Test func listAllAndPerRelease() throws {
        let all = try CLI.run(["suites", "list", "--format", "json"])
        #expect(all.exitCode == 0)
        let suites = try #require(try CLI.json(all)["suites"] as? [[String: Any]])
        #expect(suites.count > 190)
        let win = try CLI.run(["suites", "list", "--windows", "2012r2"])
        #expect(win.exitCode == 0)
        #expect(win.stdout.contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521"))
    }
}

/// `tlsfit suites hosts`: the host table with sources and confidence.
@Suite struct SuitesHostsTests {
    @Test func textAndJSONShowFactsWithConfidence() throws {
        let text = try CLI.run(["suites", "hosts"])
        #expect(text.exitCode == 0)
        // Wrapped at 80 columns: compare the words.
        let words = text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("slscr.update.microsoft.com:443 (https) service-locator; contacted by: windows-10+"))
        #expect(
            words.contains(
                "built-in profile 'slscr': ECDSA certificate, Microsoft ECC Update Secure Server CA 2.1 -> Microsoft ECC Product Root Certificate Authority 2018"
            ))
        #expect(text.stdout.contains("refusal: DOCUMENTED (2020-08)"))
        #expect(text.stdout.contains("download.windowsupdate.com:80 (http)"))
        let json = try CLI.json(
            try CLI.run(["suites", "hosts", "--role", "wsus", "--windows", "2012r2", "--format", "json"]))
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["sws.update.microsoft.com", "download.windowsupdate.com"])
        #expect(hosts[0]["refusal"] as? String == "reset")
        #expect(
            (hosts[0]["facts"] as? [[String: Any]])?.first { $0["name"] as? String == "suites" }?["confidence"]
                as? String == "documented")
        #expect(hosts[1]["profile"] is NSNull)
        #expect((json["patterns"] as? [String])?.contains("*.update.microsoft.com") == true)
    }

    @Test func configShowsTheUpdateHostsForTheRelease() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("policy.reg").path
        try
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"\r\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let out = try CLI.run(["config", file, "--windows", "win10"])
        #expect(out.exitCode == 0)
        // Too wide for 80 columns: one block per host.
        #expect(
            out.stdout.contains(
                """
                  slscr.update.microsoft.com (client)
                    certificate: ECDSA, Microsoft ECC Product Root Certificate Authority 2018
                    suites known: documented 2024-09-12
                    predicted: FAILS no-shared-cipher

                """))
        #expect(out.stdout.contains(".NET Framework (WSUS sync) offers:"))
    }
}
