import TLSFitCore
import Testing

@Suite struct CatalogCipherListTests {
    let catalog = Catalog.shared

    func suites(_ text: String) throws -> [CipherSuite] {
        guard case .suites(let suites) = try CipherListParser.parse(text, source: "test") else {
            Issue.record("expected a list of suites for \(text)")
            return []
        }
        return suites
    }

    @Test func tokensOfPastedLists() {
        #expect(CipherListParser.tokens("A,B, C\nD\r\nE\t\"F\"") == ["A", "B", "C", "D", "E", "F"])
        #expect(CipherListParser.tokens("0xC0,0x30, 0xC0,0x2F") == ["0xC0,0x30", "0xC0,0x2F"])
        #expect(CipherListParser.tokens("  ") == [])
        // Get-TlsCipherSuite | Format-Table Name
        #expect(
            CipherListParser.tokens("Name\n----\nTLS_AES_256_GCM_SHA384\n") == [
                "Name", "----", "TLS_AES_256_GCM_SHA384",
            ])
    }

    @Test func everySyntaxResolvesToTheSameSuites() throws {
        let expected: [UInt16] = [0xC030, 0xC02F, 0x009D]
        let inputs = [
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\nTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\nTLS_RSA_WITH_AES_256_GCM_SHA384\n",
            "0xC030 0xC02F 0x009D",
            "0xC0,0x30, 0xC0,0x2F, 0x00,0x9D",
            "ECDHE-RSA-AES256-GCM-SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0x009D",
        ]
        for input in inputs {
            #expect(try suites(input).map(\.code) == expected, "\(input)")
        }
    }

    @Test func duplicatesAndCurveVariantsCollapse() throws {
        let list =
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,ECDHE-RSA-AES256-SHA384,0xC030"
        #expect(try suites(list).map(\.code) == [0xC028, 0xC030])
    }

    @Test func keywordsMakeAnOpenSSLExpression() throws {
        #expect(try CipherListParser.parse("HIGH:!aNULL:!MD5", source: "t") == .openssl("HIGH:!aNULL:!MD5"))
        #expect(
            try CipherListParser.parse("ECDHE+AESGCM:@SECLEVEL=0", source: "t") == .openssl("ECDHE+AESGCM:@SECLEVEL=0"))
        #expect(
            try CipherListParser.parse("ECDHE-RSA-AES256-GCM-SHA384:!RC4", source: "t")
                == .openssl("ECDHE-RSA-AES256-GCM-SHA384:!RC4"))
    }

    @Test func unknownNamesAreListedWithSuggestions() {
        do {
            _ = try CipherListParser.parse(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265,FOO-BAR",
                source: "policy.txt")
            Issue.record("unknown names must throw")
        } catch {
            #expect(error.source == "policy.txt")
            #expect(
                error.message.contains(
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265 (did you mean TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
            #expect(error.message.contains("FOO-BAR"))
            #expect(!error.message.contains("  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n"))
        }
        #expect(throws: InputError.self) { try CipherListParser.parse("HIGH:ECDHE-RSA-AES256-GCM-SHA383", source: "t") }
        #expect(throws: InputError.self) { try CipherListParser.parse(" \n ", source: "t") }
    }

    @Test func roundTripsThroughEverySyntax() throws {
        let original = catalog.release(.windows11).defaultOrder.map(\.suite)
        let viaIANA = try suites(original.map(\.iana).joined(separator: ","))
        #expect(viaIANA == original)
        let viaGPO = try suites(catalog.gpoString(original, release: nil))
        #expect(viaGPO == original)
        let withOpenSSLNames = original.filter { $0.openssl != nil }
        #expect(try suites(catalog.opensslString(withOpenSSLNames)) == withOpenSSLNames)
        let viaCodes = try suites(original.map(\.codeString).joined(separator: " "))
        #expect(viaCodes == original)
        // Every suite with an OpenSSL name, one by one.
        for suite in catalog.suites {
            if let name = suite.openssl { #expect(catalog.suite(named: name) == suite) }
            for name in suite.windowsNames { #expect(catalog.suite(named: name) == suite) }
            #expect(catalog.suite(named: suite.iana) == suite)
            #expect(catalog.suite(named: suite.codeString) == suite)
        }
    }

    @Test func gpoStringPerRelease() throws {
        let list = try suites("ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384")
        #expect(
            catalog.gpoString(list, release: nil)
                == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384"
        )
        #expect(
            catalog.gpoString(list, release: .windows7)
                == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,TLS_RSA_WITH_AES_256_GCM_SHA384"
        )
        #expect(
            catalog.gpoString(list, release: .server2019)
                == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384"
        )
        // Suites Windows never had are left out.
        let chacha = try suites("ECDHE-RSA-CHACHA20-POLY1305")
        #expect(catalog.gpoString(chacha, release: nil) == "")
    }

    @Test func opensslListsSplitTLS13() throws {
        let list = try suites(
            "TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_CBC_SHA")
        #expect(catalog.opensslString(list) == "TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA")
        let split = catalog.opensslLists(list)
        #expect(split.cipherList == "ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA")
        #expect(split.ciphersuites == "TLS_AES_256_GCM_SHA384")
    }
}
