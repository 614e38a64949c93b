import Testing

@testable import TLSFitCore

@Suite struct CatalogLookupTests {
    let catalog = Catalog.shared

    @Test func embeddedDataLoads() {
        #expect(catalog.suites.count > 190)
        #expect(catalog.updateHosts.count >= 10)
        #expect(!catalog.updateHostPatterns.isEmpty)
        #expect(catalog.windowsErrors.count >= 9)
        for release in WindowsRelease.allCases {
            #expect(!catalog.release(release).defaultOrder.isEmpty, "\(release)")
        }
    }

    @Test(arguments: [
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ecdhe-rsa-aes256-gcm-sha384",
        "0xC030", "C030", "0xc0,0x30", "0xC0, 0x30", "C0,30", "  \"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\" ",
    ])
    func lookupByEveryNamingSystem(name: String) {
        #expect(catalog.suite(named: name)?.code == 0xC030)
    }

    @Test func curveSuffixedWindowsNamesResolveToTheirSuite() {
        let suite = catalog.suite(named: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384")
        #expect(suite?.code == 0xC028)
        #expect(suite?.windowsNames.contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256") == true)
        #expect(catalog.suite(named: "tls_ecdhe_ecdsa_with_aes_128_cbc_sha_p521")?.code == 0xC009)
    }

    @Test func legacySpellings() {
        #expect(catalog.suite(named: "DES-CBC3-SHA")?.code == 0x000A)
        #expect(catalog.suite(named: "EDH-RSA-DES-CBC3-SHA")?.code == 0x0016)
        #expect(catalog.suite(named: "SSL_RSA_WITH_RC4_128_SHA")?.code == 0x0005)
        #expect(catalog.suite(named: "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA")?.code == 0x0064)
        #expect(catalog.suite(named: "no-such-suite") == nil)
        #expect(catalog.suite(code: 0x1301)?.iana == "TLS_AES_128_GCM_SHA256")
    }

    @Test func classification() throws {
        let gcm = try #require(catalog.suite(code: 0xC030))
        #expect(
            gcm.keyExchange == "ECDHE" && gcm.authentication == "RSA" && gcm.encryption == "AES_256_GCM"
                && gcm.mac == "AEAD")
        #expect(gcm.isAEAD && gcm.isForwardSecret && !gcm.isInsecure && !gcm.isTLS13)
        #expect(gcm.minVersion == .tls12 && gcm.maxVersion == .tls12)
        #expect(gcm.codeString == "0xC030")
        let rc4 = try #require(catalog.suite(code: 0x0005))
        #expect(rc4.isInsecure && !rc4.isForwardSecret && rc4.encryption == "RC4_128" && rc4.mac == "SHA")
        let tls13 = try #require(catalog.suite(code: 0x1302))
        #expect(tls13.isTLS13 && tls13.keyExchange == "any" && tls13.isForwardSecret)
        let des3 = try #require(catalog.suite(code: 0x000A))
        #expect(des3.isInsecure && des3.encryption == "3DES_EDE_CBC")
    }

    @Test func suggestionsFindTheNearName() {
        let close = catalog.suggestions(for: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348", limit: 3)
        #expect(close.first == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(catalog.suggestions(for: "ECDHE-RSA-AES256-GCM-SHA", limit: 2).contains("ECDHE-RSA-AES256-GCM-SHA384"))
    }

    @Test func windowsErrorsAndHosts() {
        #expect(catalog.windowsError("0x80072EFE")?.name.hasPrefix("ERROR_INTERNET_CONNECTION_ABORTED") == true)
        #expect(catalog.windowsError("80072efe") != nil)
        #expect(catalog.windowsError("12030")?.code == "0x80072EFE")
        #expect(catalog.windowsError("-2147012866")?.code == "0x80072EFE")
        #expect(catalog.windowsError("0x12345678") == nil)
        // HTTPS hosts on 443, content served in the clear on 80.
        #expect(
            catalog.updateHosts.allSatisfy {
                ($0.scheme == "https" && $0.port == 443) || ($0.scheme == "http" && $0.port == 80)
            })
        #expect(catalog.updateHosts.first { $0.host == "download.windowsupdate.com" }?.isPlainHTTP == true)
        #expect(catalog.updateHosts.first { $0.host == "sws.update.microsoft.com" }?.agents == ["wsus"])
        #expect(catalog.updateHosts.contains { $0.host == "fe3.delivery.mp.microsoft.com" })
        #expect(catalog.updateHostPatterns.contains("*.windowsupdate.com"))
    }
}
