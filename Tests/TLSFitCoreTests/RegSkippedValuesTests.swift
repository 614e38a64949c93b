import Foundation
import Testing

@testable import TLSFitCore

/// `WindowsConfigReader.parse` reads a .reg for evaluation: the values of keys tlsfit never reads are
/// checked and counted, not kept (issue #26). It must give the configuration, the warnings, the
/// setting count and the errors of reading every value.
@Suite struct RegSkippedValuesTests {
    static let tricky = #"""
        Windows Registry Editor Version 5.00

        ; a comment
        [HKEY_LOCAL_MACHINE\SOFTWARE\Bench\Key0]
        "Value0"=dword:00000001
        "Dword4"=hex(4):01,00,00,00
        "Long"=hex:01,02,03,\
          04,05,\
          06
        "Multi"=hex(7):41,00,00,00,42,00,00,00,00,00
        "Text"="a \"quoted\" \\ back"
        "Lines"="first line
        second line with a \" quote
        last"
        @="default"
        "Gone"=-
          "Spaced" = dword: 0000abcd	
        "UPPER"=DWORD:FFFFFFFF
        "esc\\aped"=dword:1
        ""=dword:2

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client]
        "Enabled"=dword:00000000
        "DisabledByDefault"=hex(4):01,00,00,00
        "Enabld"=dword:00000001

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Client]
        "Enabled"=dword:00000001

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client]
        "Enabled"="1"

        [HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]
        "Functions"="TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,\
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        "EccCurves"=hex(7):4e,00,69,00,73,00,74,00,50,00,33,00,38,00,34,00,00,00,00,00

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]
        "SchUseStrongCrypto"=dword:00000001
        "SchUseStrongCrypt"=dword:00000001

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\SecurityProviders\SCHANNEL\Ciphers\RC4 128/128]
        "Enabled"=dword:00000000

        [-HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1]

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]
        "CurrentBuild"="19045"
        "UBR"=dword:00000cfd
        "ProductName"="Windows 10 Pro"

        [HKEY_CURRENT_USER\Software\Bench\Key1]
        "Value1"=hex(b):01,00,00,00,00,00,00,00

        [-HKEY_LOCAL_MACHINE\SOFTWARE\Bench]

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]
        "DefaultSecureProtocols"=dword:00000a80

        """#

    static func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }

    static func utf16LE(_ text: String) -> [UInt8] {
        [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    static let encodings: [(String, [UInt8])] = [
        ("utf8.reg", Array(tricky.utf8)),
        ("crlf.reg", Array(crlf(tricky).utf8)),
        ("bom.reg", [0xEF, 0xBB, 0xBF] + Array(crlf(tricky).utf8)),
        ("utf16.reg", utf16LE(crlf(tricky))),
        (
            "regedit4.reg",
            Array(tricky.replacingOccurrences(of: "Windows Registry Editor Version 5.00", with: "REGEDIT4").utf8)
        ),
        // Not UTF-8 (a Latin-1 byte at the end): read as Latin-1.
        (
            "latin1.reg",
            Array(crlf(tricky).utf8) + Array("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Caf\u{E9}]\r\n\"x\"=\"".utf8)
                + [0xE9, 0x22, 0x0D, 0x0A]
        ),
    ]

    /// The report of a configuration as JSON, the registry aside (it holds every value on one side only).
    static func json(_ documents: [WindowsConfigDocument]) throws -> String {
        let config = WindowsConfigReader.evaluate(documents, release: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let report = WindowsConfigReport(config, inputs: documents, schemaVersion: 1)
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    @Test(arguments: encodings.map(\.0))
    func skippingValuesChangesNothingButMemory(name: String) throws {
        let bytes = try #require(Self.encodings.first { $0.0 == name }).1
        let full = try WindowsConfigFormatDetector.parse(bytes, source: name)
        let fast = try #require(try WindowsConfigReader.parse([.init(name: name, bytes: bytes)]).first)
        #expect(fast.skippedOperations > 0)
        #expect(fast.settingCount == full.operations.count)
        let kept = full.operations.filter { op in
            switch op.action {
            case .createKey, .deleteKey: true
            default: RegistryPath.mayBeRead(op.key)
            }
        }
        #expect(fast.operations == kept)
        #expect(try Self.json([fast]) == Self.json([full]))
        let config = WindowsConfigReader.evaluate([fast], release: nil)
        #expect(config.warnings == WindowsConfigReader.evaluate([full], release: nil).warnings)
        #expect(config.warningCodes.contains(.unknownRegistryName))
        #expect(config.warningCodes.contains(.wrongValueType))
    }

    static let malformed: [String] = [
        #""a"=dword:xyz"#, #""a"=dword:123456789"#, #""a"=hex:1,2,zz"#, #""a"=hex:123"#, #""a"=hex:,01"#,
        #""a"=hex(zz):01"#, #""a"=hex(4)01"#, #""a"="unterminated"#, #""a"="x" trailing"#, #""a"=unknown"#,
        #""a=dword:1"#, #""a" dword:1"#, "junk", #""a"=hex:01,\"#, "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Bad",
        "\"" + String(repeating: "n", count: RegistryLimits.maxValueNameLength + 1) + "\"=dword:1",
    ]

    @Test(arguments: 0..<malformed.count)
    func aMalformedValueInASkippedKeyIsTheSameError(index: Int) throws {
        let schannel = #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"#
        for key in [#"SOFTWARE\Bench\Key0"#, schannel] {
            let text =
                "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\\(key)]\r\n\"ok\"=dword:1\r\n"
                + Self.malformed[index] + "\r\n\"after\"=dword:2\r\n"
            let bytes = Array(text.utf8)
            var fullError: InputError?
            var fastError: InputError?
            do { _ = try WindowsConfigFormatDetector.parse(bytes, source: "bad.reg") } catch { fullError = error }
            do { _ = try WindowsConfigReader.parse([.init(name: "bad.reg", bytes: bytes)]) } catch { fastError = error }
            #expect(fullError != nil, "\(Self.malformed[index].prefix(40))")
            #expect(fastError == fullError)
        }
    }

    @Test func everyKeyTLSFitReadsMayBeRead() {
        var keys = CollectTable.exportedKeys
        keys += [
            RegistryPath.schannelProtocols, RegistryPath.policySSL, RegistryPath.localSSL, RegistryPath.winHTTP,
            RegistryPath.winHTTPWow64, DotNetFrameworkTLS.key, DotNetFrameworkTLS.keyWow64, DetectedRelease.key,
            RevocationListSync.key, MachineProxyConfiguration.connectionsKey,
            #"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"#,
        ]
        for key in keys { #expect(RegistryPath.mayBeRead(RegistryPath.normalize(key)), "\(key)") }
        #expect(!RegistryPath.mayBeRead(#"SOFTWARE\Bench\Key0"#))
    }

    @Test func aMillionValuesExportKeepsOnlyItsKeys() throws {
        var text = "Windows Registry Editor Version 5.00\r\n\r\n"
        for k in 0..<20 {
            text += "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Bench\\Key\(k)]\r\n"
            for v in 0..<500 { text += "\"Value\(v)\"=dword:\(String(v, radix: 16))\r\n" }
            text += "\r\n"
        }
        let documents = try WindowsConfigReader.parse([.init(name: "m.reg", bytes: Array(text.utf8))])
        let document = try #require(documents.first)
        #expect(document.operations.count == 20)
        #expect(document.skippedOperations == 10_000)
        #expect(document.settingCount == 10_020)
    }
}
