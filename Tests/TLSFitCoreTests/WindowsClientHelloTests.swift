import Testing

@testable import TLSFitCore

/// The emulated Windows ClientHello against real captures and against the catalog's tables.
@Suite struct WindowsClientHelloTests {
    static let header = "Windows Registry Editor Version 5.00\r\n\r\n"

    static func config(_ lines: [String], _ release: WindowsRelease) throws -> WindowsTLSConfig {
        let text = header + lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "test.reg", bytes: Array(text.utf8))], release: release)
    }

    /// Windows 7 needs the Schannel client keys and WinHTTP's DefaultSecureProtocols for TLS 1.1/1.2 (KB3140245).
    static let windows7TLS12 = [
        #"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Client]"#,
        #""DisabledByDefault"=dword:00000000"#, #""Enabled"=dword:00000001"#,
        #"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client]"#,
        #""DisabledByDefault"=dword:00000000"#, #""Enabled"=dword:00000001"#,
        #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
        #""DefaultSecureProtocols"=dword:00000a80"#,
    ]

    /// One public capture, the release it came from, and what belongs to the browser rather than to Schannel.
    struct Case: CustomStringConvertible, Sendable {
        var capture: String
        var release: WindowsRelease
        var registry: [String] = []
        /// Suites the browser removed itself (IE 11 dropped RC4 in 2016; Edge sends no DHE suites).
        var browserDroppedSuites: Set<UInt16>
        /// Extensions the browser adds that WinHTTP does not send (ALPN 0010, NPN 3374, token binding 0018/5500).
        var browserExtensions: Set<UInt16>
        /// Extensions WinHTTP does not send where the browser does (IE asks for OCSP stapling on Windows 7).
        var notSentByWinHTTP: Set<UInt16> = []
        /// The patch level the capture shows (windows-hello.tsv), older than the newest modelled.
        var patch: String?
        var description: String { capture }
    }

    static let rc4: Set<UInt16> = [0x0005, 0x0004]
    static let dhe: Set<UInt16> = [0x009F, 0x009E, 0x0039, 0x0033, 0x006A, 0x0040, 0x0038, 0x0032, 0x0013]

    static let cases: [Case] = [
        Case(
            capture: "ie_11_win7", release: .windows7, registry: windows7TLS12, browserDroppedSuites: rc4,
            browserExtensions: [], notSentByWinHTTP: [0x0005], patch: "2016"),
        Case(
            capture: "ie_11_win81", release: .windows81, browserDroppedSuites: rc4, browserExtensions: [0x0010, 0x3374]),
        Case(
            capture: "edge_12_win10", release: .windows10_1507, browserDroppedSuites: rc4, browserExtensions: [0x0010],
            patch: "2015"),
        Case(
            capture: "ie_11_win10", release: .windows10_1511, browserDroppedSuites: rc4,
            browserExtensions: [0x0010, 0x5500], patch: "2015"),
        Case(
            capture: "edge_13_win10", release: .windows10_1511, browserDroppedSuites: rc4,
            browserExtensions: [0x0010, 0x5500], patch: "2015"),
        Case(
            capture: "edge_15_win10", release: .windows10_1703, browserDroppedSuites: rc4.union(dhe),
            browserExtensions: [0x0010, 0x0018], patch: "2015"),
        Case(
            capture: "edge_17_win10", release: .windows10_1803, browserDroppedSuites: rc4.union(dhe),
            browserExtensions: [0x0010, 0x0018], patch: "2015"),
    ]

    @Test(arguments: cases)
    func emulatedHelloMatchesTheCapture(_ c: Case) throws {
        let captured = try ClientHello.decode(try CapturedHellos.capture(c.capture).bytes)
        let config = try Self.config(c.registry, c.release)
        let emulated = try WindowsClientHelloBuilder.build(
            config: config, serverName: captured.serverName, patch: c.patch
        ).hello

        #expect(emulated.recordVersion == captured.recordVersion)
        #expect(emulated.version == captured.version)
        #expect(emulated.sessionID == captured.sessionID)
        #expect(emulated.cipherSuites.filter { !c.browserDroppedSuites.contains($0) } == captured.cipherSuites)
        // What the browser removed is really in Schannel's list (the difference is not invented).
        #expect(Set(emulated.cipherSuites).subtracting(captured.cipherSuites).isSubset(of: c.browserDroppedSuites))
        #expect(emulated.signatureAlgorithms == captured.signatureAlgorithms)
        #expect(emulated.supportedGroups == captured.supportedGroups)
        #expect(emulated.pointFormats == captured.pointFormats)
        #expect(emulated.compressionMethods == captured.compressionMethods)
        let schannelExtensions = captured.extensionTypes.filter {
            !c.browserExtensions.contains($0) && !c.notSentByWinHTTP.contains($0)
        }
        #expect(emulated.extensionTypes == schannelExtensions)
        // Edge 17's capture resumes with a saved ticket; a first connection sends the extension empty.
        for type in schannelExtensions where type != 0x0000 && !(type == 0x0023 && c.capture == "edge_17_win10") {
            #expect(
                emulated.extensionData(type) == captured.extensionData(type), "extension 0x\(String(type, radix: 16))")
        }
        #expect(emulated.serverName == captured.serverName)
        // Never what OpenSSL adds: encrypt_then_mac, or the 0x00FF value instead of renegotiation_info.
        #expect(!emulated.cipherSuites.contains(0x00FF) && !emulated.extensionTypes.contains(0x0016))
        // A hello decodes back to itself.
        #expect(try ClientHello.decode(emulated.encode()) == emulated)
    }

    /// Every release's default hello holds the catalog's default suites (in order, usable with the
    /// offered protocols, NULL and PSK suites left out) and its profile's signature algorithms.
    @Test(arguments: WindowsRelease.allCases)
    func defaultHelloFollowsTheCatalog(_ release: WindowsRelease) throws {
        let info = Catalog.shared.release(release)
        let config = try Self.config([], release)
        let built = try WindowsClientHelloBuilder.build(config: config, serverName: "fe3.delivery.mp.microsoft.com")
        let hello = built.hello
        let protocols = config.offeredProtocols()
        // Without a UBR the newest patch level known is modelled, with its own list and signature algorithms.
        let level = info.hello.patchLevels.last
        #expect(built.patchLevel == level?.name)
        var expected: [UInt16] = []
        for entry in level?.suiteOrder ?? info.defaultOrder
        where entry.offeredByDefault && !expected.contains(entry.suite.code) {
            if entry.protocols.contains(where: { protocols.contains($0) }) { expected.append(entry.suite.code) }
        }
        #expect(hello.cipherSuites == expected)
        #expect(
            !hello.cipherSuites.contains { code in
                info.supported.contains { $0.suite.code == code && !$0.enabledByDefault } && !expected.contains(code)
            })
        let highest = try #require(protocols.max())
        #expect(hello.version == min(highest, .tls12).wireValue)
        if highest >= .tls12 {
            #expect(
                hello.signatureAlgorithms == level?.signatureAlgorithms?.value ?? info.hello.signatureAlgorithms.value)
            #expect(hello.signatureAlgorithms.contains(0x0202))  // dsa_sha1, always
        } else {
            #expect(hello.extensionData(0x000D) == nil)
        }
        if highest == .tls13 {
            #expect(hello.supportedVersions == protocols.sorted(by: >).map(\.wireValue))
            #expect(hello.keyShares.map(\.group) == [0x001D, 0x0017, 0x0018])
            #expect(hello.sessionID.count == 32)
            #expect(hello.signatureAlgorithms.prefix(3) == [0x0804, 0x0805, 0x0806])
        } else {
            #expect(hello.extensionData(0x002B) == nil && hello.extensionData(0x0033) == nil)
            // RSA-PSS only at Windows 10's 2023 patch level and on Windows 11 / Server 2022+.
            let pss = hello.signatureAlgorithms.contains { $0 >= 0x0804 && $0 <= 0x0806 }
            #expect(pss == (info.helloProfile == "schannel-win11" || level?.name == "2023" || level?.name == "2024-06"))
        }
        // Windows 11's captured order ends in psk_key_exchange_modes after post_handshake_auth.
        #expect(hello.extensionTypes.last == (highest == .tls13 ? 0x002D : 0xFF01))
        if highest == .tls13 { #expect(hello.recordVersion == 0x0301 && hello.extensionTypes.contains(0x0031)) }
        #expect(hello.serverName == "fe3.delivery.mp.microsoft.com")
        #expect(!hello.extensionTypes.contains(0x0016))
    }

    @Test func windows11WinHTTPOffersTLS12And13AndWindows7OnlyTLS10() throws {
        let win11 = try WindowsClientHelloBuilder.build(
            config: try Self.config([], .windows11), serverName: "a.example"
        ).hello
        #expect(win11.supportedVersions == [0x0304, 0x0303])
        let win7 = try WindowsClientHelloBuilder.build(config: try Self.config([], .windows7), serverName: "a.example")
            .hello
        #expect(win7.version == 0x0301 && win7.recordVersion == 0x0301)
        // Windows 7's WinHTTP hello carries neither status_request nor session_ticket (the update agent's capture).
        #expect(!win7.extensionTypes.contains(0x0005) && !win7.extensionTypes.contains(0x0023))
    }

    @Test func suitesOpenSSLCannotOfferAndSwitchesAndCurves() throws {
        // A GPO list with RC4, 3DES and DHE-DSS first; Triple DES switched off; EccCurves NistP384 only.
        let config = try Self.config(
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"#,
                #""Functions"="TLS_RSA_WITH_RC4_128_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_DHE_DSS_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256""#,
                #""EccCurves"=hex(7):4e,00,69,00,73,00,74,00,50,00,33,00,38,00,34,00,00,00,00,00"#,
                #"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\Triple DES 168]"#,
                #""Enabled"=dword:00000000"#,
            ], .windows10_1809)
        let hello = try WindowsClientHelloBuilder.build(config: config, serverName: "a.example").hello
        #expect(hello.cipherSuites == [0x0005, 0x0032, 0xC02F])
        #expect(hello.supportedGroups == [0x0018])

        // Before Windows 10 the curves come from the suffixes.
        let win81 = try Self.config(
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"#,
                #""Functions"="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521""#,
            ], .windows81)
        let h81 = try WindowsClientHelloBuilder.build(config: win81, serverName: nil).hello
        #expect(h81.supportedGroups == [0x0018, 0x0019])
        #expect(h81.serverName == nil)
    }

    @Test func noProtocolMeansNoHello() throws {
        let config = try Self.config(
            [
                #"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#,
                #""DefaultSecureProtocols"=dword:00000008"#,
            ], .windows10_22H2)
        #expect(throws: WindowsClientHelloBuilder.NoHello.self) {
            try WindowsClientHelloBuilder.build(config: config, serverName: "a.example")
        }
    }

    @Test func assumptionsAreNamed() throws {
        let win11 = try WindowsClientHelloBuilder.build(
            config: try Self.config([], .windows11), serverName: "a.example")
        #expect(!win11.assumptions.contains { $0.hasPrefix("extensions:") })  // captured (curl.exe, 2026)
        let win8 = try WindowsClientHelloBuilder.build(
            config: try Self.config(Self.windows7TLS12, .windows8), serverName: "a.example")
        #expect(win8.assumptions.contains { $0.hasPrefix("extensions:") })
        let win10 = try WindowsClientHelloBuilder.build(
            config: try Self.config([], .windows10_1607), serverName: "a.example")
        #expect(win10.assumptions.isEmpty)
        let s2025 = try WindowsClientHelloBuilder.build(
            config: try Self.config([], .server2025), serverName: "a.example")
        #expect(s2025.assumptions.contains { $0.hasPrefix("winhttp_protocols:") })
    }
}
