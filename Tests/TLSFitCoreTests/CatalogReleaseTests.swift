import TLSFitCore
import Testing

/// Releases, builds, WinHTTP defaults and the release read from an export.
@Suite struct CatalogReleaseTests {
    let catalog = Catalog.shared

    static func config(_ lines: [String], _ release: WindowsRelease?) throws -> WindowsTLSConfig {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "test.reg", bytes: Array(text.utf8))], release: release)
    }

    @Test func everyBuildNamesOneClientAndAtMostOneServer() {
        for release in WindowsRelease.allCases {
            let info = catalog.release(release)
            #expect(catalog.release(forBuild: info.build, server: info.isServer) == release, "\(release)")
        }
        #expect(catalog.release(forBuild: 7601, server: true) == .server2008R2)
        #expect(catalog.release(forBuild: 9200, server: false) == .windows8)
        #expect(catalog.release(forBuild: 14393, server: true) == .server2016)
        #expect(catalog.release(forBuild: 19044, server: false) == .windows10_21H2)
        #expect(catalog.release(forBuild: 25398, server: true) == .server23H2)
        #expect(catalog.release(forBuild: 26100, server: false) == .windows11_24H2)
        #expect(catalog.release(forBuild: 26100, server: true) == .server2025)
        #expect(catalog.release(forBuild: 26200, server: false) == .windows11)
        // A client-only build read from a server export still names the release rather than nothing.
        #expect(catalog.release(forBuild: 19045, server: true) == .windows10_22H2)
        #expect(catalog.release(forBuild: 12345, server: false) == nil)
    }

    @Test(arguments: [
        ("windows-10-1507", WindowsRelease.windows10_1507), ("1511", .windows10_1511), ("1703", .windows10_1703),
        ("windows-10-21h2", .windows10_21H2), ("21H2", .windows10_21H2), ("22h2", .windows10_22H2),
        ("windows-11-21h2", .windows11_21H2), ("win11-23h2", .windows11_23H2), ("24h2", .windows11_24H2),
        ("windows-11-25h2", .windows11), ("25H2", .windows11), ("windows-11", .windows11),
        ("windows-8", .windows8), ("server-2012", .server2012), ("server-23h2", .server23H2),
        ("Windows Server 23H2", .server23H2),
    ])
    func newNamesAndAliases(text: String, release: WindowsRelease) {
        #expect(WindowsRelease(userText: text) == release)
    }

    @Test func mistypedReleaseGetsDidYouMean() {
        #expect(WindowsRelease.suggestions(for: "windows-10-22h").first == "windows-10-22h2")
        #expect(WindowsRelease.suggestions(for: "sever-2019").first == "server-2019")
        #expect(WindowsRelease.unknownMessage("windows-10-22h").contains("did you mean windows-10-22h2"))
    }

    @Test func windows7FollowsTheCapturesAndKeepsMicrosoftsPage() throws {
        let win7 = catalog.release(.windows7)
        let codes = win7.defaultOrder.map(\.suite.code)
        #expect(!codes.contains(0x0039) && !codes.contains(0x0033))
        let documented = try #require(win7.documentedOrder)
        #expect(documented.contains { $0.suite.code == 0x0039 && $0.defaultPriority == 11 })
        #expect(documented.contains { $0.suite.code == 0x0033 && $0.defaultPriority == 12 })
        #expect(win7.note?.contains("capture") == true)
        // Windows 8 / Server 2012 share the list.
        #expect(catalog.release(.windows8).defaultOrder == win7.defaultOrder)
        #expect(catalog.release(.server2012).defaultOrder == win7.defaultOrder)
    }

    @Test func windows10And11ListsPerRelease() {
        func has(_ r: WindowsRelease, _ code: UInt16) -> Bool {
            catalog.release(r).defaultOrder.contains { $0.suite.code == code }
        }
        // 3DES (0x000A) and DHE-RSA-GCM (0x009F): default up to 21H2 and on Windows 11 21H2; not on 22H2 and later.
        for r in [
            WindowsRelease.windows10_1507, .windows10_1607, .windows10_1703, .windows10_1809, .windows10_21H2,
            .windows11_21H2, .server2022,
        ] {
            #expect(has(r, 0x000A) && has(r, 0x009F), "\(r)")
        }
        for r in [WindowsRelease.windows10_22H2, .windows11_22H2, .windows11, .server23H2, .server2025] {
            #expect(!has(r, 0x000A) && !has(r, 0x009F), "\(r)")
        }
        // DHE-DSS default up to 1607; RC4 up to 1703 (its page), gone from 1709 (the 1809 list).
        #expect(has(.windows10_1607, 0x0005) && has(.windows10_1607, 0x0013))
        #expect(has(.windows10_1703, 0x0005) && !has(.windows10_1703, 0x0013))
        #expect(!has(.windows10_1709, 0x0005))
        // 1507: ECDHE-RSA before ECDHE-ECDSA; curves without x25519 on 1507 and 1511.
        #expect(catalog.release(.windows10_1507).defaultOrder.first?.suite.code == 0xC030)
        #expect(catalog.release(.windows10_1511).defaultCurves == ["NistP256", "NistP384"])
        // 1903-21H2 disallow DHE_RSA_AES_256_GCM with strong crypto; 1809 allows it.
        #expect(
            catalog.release(.windows10_1903).support(forWindowsName: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")?
                .allowedWithStrongCrypto == false)
        #expect(
            catalog.release(.windows10_1809).support(forWindowsName: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")?
                .allowedWithStrongCrypto == true)
    }

    @Test func winHTTPDefaultProtocolsPerRelease() throws {
        // Windows 7 / 8 WinHTTP: SSL 3.0 and TLS 1.0 without DefaultSecureProtocols (KB3140245).
        #expect(try Self.config([], .windows8).offeredProtocols() == [.ssl3, .tls10])
        #expect(try Self.config([], .windows7).offeredProtocols() == [.ssl3, .tls10])
        #expect(try Self.config([], .windows11).offeredProtocols() == [.tls12, .tls13])
        #expect(try Self.config([], .windows11_21H2).offeredProtocols() == [.tls12, .tls13])
        #expect(try Self.config([], .windows10_22H2).offeredProtocols() == [.tls10, .tls11, .tls12])
        #expect(try Self.config([], .server2022).offeredProtocols() == [.tls10, .tls11, .tls12, .tls13])
        #expect(try Self.config([], .server2025).offeredProtocols() == [.tls12, .tls13])
        #expect(catalog.release(.server2025).hello.winHTTPProtocols.confidence == .assumed)
        #expect(catalog.release(.windows11).hello.winHTTPProtocols.confidence == .documented)
        // DefaultSecureProtocols replaces WinHTTP's own defaults.
        let tls10 = try Self.config(
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                #""DefaultSecureProtocols"=dword:00002a80"#,
            ], .windows11)
        #expect(tls10.offeredProtocols() == [.tls10, .tls11, .tls12, .tls13])
    }

    static let currentVersion = #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"#

    @Test func releaseReadFromTheExport() throws {
        let config = try Self.config(
            [
                Self.currentVersion, #""CurrentBuild"="19044""#, #""UBR"=dword:00000d1f"#, #""DisplayVersion"="21H2""#,
                #""InstallationType"="Client""#,
            ], nil)
        #expect(config.release == .windows10_21H2)
        #expect(!config.releaseAssumed)
        #expect(config.detectedRelease?.summary == "build 19044.3359 (DisplayVersion 21H2, Client)")
        #expect(config.detectedRelease?.evidence.line == 4)
        #expect(!config.warnings.contains { $0.code == .releaseMismatch })

        let server = try Self.config(
            [Self.currentVersion, #""CurrentBuild"="26100""#, #""InstallationType"="Server Core""#], nil)
        #expect(server.release == .server2025)
    }

    @Test func disagreeingReleaseIsWarnedAndWindowsWins() throws {
        let config = try Self.config([Self.currentVersion, #""CurrentBuild"="7601""#], .windows10_22H2)
        #expect(config.release == .windows10_22H2)
        let warning = try #require(config.warnings.first { $0.code == .releaseMismatch })
        #expect(warning.message.contains("windows-7"))
        #expect(warning.line == 4)

        let unknown = try Self.config([Self.currentVersion, #""CurrentBuild"="99999""#], nil)
        #expect(unknown.release == WindowsConfigReader.defaultRelease && unknown.releaseAssumed)
        #expect(unknown.warnings.contains { $0.code == .releaseMismatch && $0.message.contains("99999") })
    }
}
