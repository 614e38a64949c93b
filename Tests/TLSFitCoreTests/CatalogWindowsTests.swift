import TLSFitCore
import Testing

@Suite struct CatalogWindowsTests {
    let catalog = Catalog.shared

    @Test(arguments: [
        ("windows-7", WindowsRelease.windows7), ("win7", .windows7), ("Windows 7", .windows7),
        ("2008r2", .server2008R2), ("server-2008r2", .server2008R2), ("win8.1", .windows81),
        ("2012R2", .server2012R2), ("1607", .windows10_1607), ("server-2016", .server2016),
        ("2019", .server2019), ("windows-10-22H2", .windows10_22H2), ("win10", .windows10_22H2),
        ("WIN11", .windows11), ("windows 11", .windows11), ("2022", .server2022), ("server-2025", .server2025),
    ])
    func releaseNamesAndAliases(text: String, release: WindowsRelease) {
        #expect(WindowsRelease(userText: text) == release)
    }

    @Test func unknownReleaseName() {
        #expect(WindowsRelease(userText: "windows-95") == nil)
        #expect(WindowsRelease(userText: "") == nil)
    }

    @Test func windows7HasNoECDHERSAGCMAndUsesCurveSuffixes() {
        for release in [WindowsRelease.windows7, .server2008R2, .windows81, .server2012R2] {
            let info = catalog.release(release)
            #expect(info.usesCurveSuffixes)
            #expect(
                !info.supported.contains {
                    $0.suite.iana.hasPrefix("TLS_ECDHE_RSA_") && $0.suite.encryption.hasSuffix("GCM")
                }, "\(release)")
            #expect(info.defaultOrder.first?.windowsName == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256")
            #expect(info.defaultCurves == ["NistP256", "NistP384"])
        }
        let win7 = catalog.release(.windows7)
        #expect(win7.defaultClientProtocols == [.ssl3, .tls10])
        #expect(win7.supportedProtocols.contains(.tls12))
        #expect(win7.support(forWindowsName: "tls_dhe_rsa_with_aes_256_gcm_sha384")?.defaultPriority == 9)
        #expect(win7.support(forWindowsName: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384") == nil)
    }

    @Test func tls13OnlyFromWindows11AndServer2022() {
        for release in WindowsRelease.allCases {
            let info = catalog.release(release)
            let has13 = [
                WindowsRelease.windows11_21H2, .windows11_22H2, .windows11_23H2, .windows11_24H2, .windows11,
                .server2022, .server23H2, .server2025,
            ].contains(release)
            #expect(info.defaultClientProtocols.contains(.tls13) == has13, "\(release)")
            #expect(info.defaultOrder.contains { $0.suite.isTLS13 } == has13, "\(release)")
        }
        #expect(
            catalog.release(.windows11).defaultOrder.prefix(2).map(\.suite.iana) == [
                "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            ])
    }

    @Test func windows10DefaultsStartWithECDHEGCMAndDropSSL3() {
        for release in [WindowsRelease.windows10_1607, .server2016, .windows10_1809, .server2019, .windows10_22H2] {
            let info = catalog.release(release)
            #expect(!info.usesCurveSuffixes)
            #expect(info.defaultOrder.first?.windowsName == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
            #expect(!info.defaultClientProtocols.contains(.ssl3))
            #expect(info.defaultCurves == ["curve25519", "NistP256", "NistP384"])
        }
        // 1607 still enabled 3DES and RC4 by default; 1809 did not.
        #expect(
            catalog.release(.windows10_1607).support(forWindowsName: "TLS_RSA_WITH_RC4_128_SHA")?.enabledByDefault
                == true)
        #expect(
            catalog.release(.windows10_1809).support(forWindowsName: "TLS_RSA_WITH_RC4_128_SHA")?.enabledByDefault
                == false)
    }

    @Test func defaultOrderIsNumberedAndSupportedStartsWithIt() {
        for release in WindowsRelease.allCases {
            let info = catalog.release(release)
            #expect(info.defaultOrder.map(\.defaultPriority) == Array(1...info.defaultOrder.count).map(Optional.some))
            #expect(Array(info.supported.prefix(info.defaultOrder.count)) == info.defaultOrder)
            #expect(
                info.supported.dropFirst(info.defaultOrder.count).allSatisfy {
                    !$0.enabledByDefault && $0.defaultPriority == nil
                })
        }
    }

    @Test func nullAndPSKSuitesAreMarked() {
        let win11 = catalog.release(.windows11)
        let null = win11.support(forWindowsName: "TLS_RSA_WITH_NULL_SHA256")
        #expect(null?.enabledByDefault == true && null?.onlyWhenRequested == true && null?.offeredByDefault == false)
        #expect(win11.support(forWindowsName: "TLS_PSK_WITH_AES_128_GCM_SHA256")?.pskOnly == true)
        #expect(win11.support(forWindowsName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")?.offeredByDefault == true)
    }

    @Test func windowsSupportForASuite() throws {
        let suite = try #require(catalog.suite(named: "0xC028"))
        let support = catalog.windowsSupport(for: suite)
        #expect(support.count == WindowsRelease.allCases.count)
        let win7 = try #require(support.first { $0.release == .windows7 })
        #expect(
            Set(win7.entries.map(\.windowsName)) == [
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521",
            ])
    }
}
