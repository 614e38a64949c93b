import Foundation
import Testing

@testable import TLSFitCore

/// The inputs an administrator already has: `reg query` output in each encoding, WindowsUpdate.log,
/// and the `DisallowedCertLastSyncTime` rule.
@Suite struct AdminInputsTests {
    // MARK: reg query

    /// What `reg query ... /s` prints for the seed article's keys (CRLF, as cmd writes it).
    static let regQuery =
        [
            "",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#,
            "    Functions    REG_SZ    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            #"    EccCurves    REG_MULTI_SZ    NistP384\0NistP256"#,
            "",
            #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"#,
            "    Enabled    REG_DWORD    0x1",
            "    DisabledByDefault    REG_DWORD    0x0",
            "",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SystemCertificates\AuthRoot\AutoUpdate"#,
            "    (Default)    REG_SZ    (value not set)",
            "    DisallowedCertLastSyncTime    REG_BINARY    00C0D8C46A7ED901",
            "    EncodedCtl    REG_NONE    ",
            "",
            "End of search: 6 match(es) found.",
        ].joined(separator: "\r\n") + "\r\n"

    static func utf16LEWithBOM(_ s: String) -> [UInt8] {
        [0xFF, 0xFE] + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    @Test("reg query output in each encoding", arguments: ["utf8", "utf16le-bom", "ansi"])
    func regQueryIsARegistryExport(encoding: String) throws {
        var text = Self.regQuery
        if encoding == "ansi" { text = text.replacingOccurrences(of: "EncodedCtl", with: "Descripci\u{F3}n") }
        let bytes: [UInt8] =
            switch encoding {
            case "utf16le-bom": Self.utf16LEWithBOM(text)
            // Windows-1252: one byte per character
            case "ansi": text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            default: Array(text.utf8)
            }
        #expect(try WindowsConfigFormatDetector.detect(bytes, source: "q.txt") == .regQuery)
        let doc = try WindowsConfigFormatDetector.parse(bytes, source: "q.txt")
        #expect(doc.format == .regQuery)
        let snapshot = RegistrySnapshot(documents: [doc])
        let functions = try #require(snapshot.value(RegistryPath.policySSL, "Functions"))
        #expect(
            functions.data == .string("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
        #expect(functions.provenance.line == 3)
        #expect(snapshot.value(RegistryPath.policySSL, "EccCurves")?.data == .multiString(["NistP384", "NistP256"]))
        #expect(snapshot.value(RegistryPath.protocolKey(.tls12, client: true), "Enabled")?.data == .dword(1))
        #expect(snapshot.value(RegistryPath.protocolKey(.tls12, client: true), "DisabledByDefault")?.data == .dword(0))
        let sync = try #require(snapshot.value(RevocationListSync.key, "DisallowedCertLastSyncTime"))
        #expect(sync.data == .binary(type: 3, bytes: [0x00, 0xC0, 0xD8, 0xC4, 0x6A, 0x7E, 0xD9, 0x01]))
        // The configuration it yields is the one a .reg export with the same values yields.
        let config = WindowsTLSConfig.evaluate(registry: snapshot, release: .windows10_22H2)
        #expect(
            config.cipherSuites.map(\.suite.iana) == [
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        #expect(config.curves == ["NistP384", "NistP256"])
    }

    @Test func regQueryWithoutSlashSListsSubkeysAndValues() throws {
        let text = """
            C:\\>reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols"

            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols
                SomeFlag    REG_DWORD    0xffffffff
                Big    REG_QWORD    0x100000000
                Path    REG_EXPAND_SZ    %SystemRoot%\\x

            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL 2.0
            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2

            """
        let doc = try WindowsConfigFormatDetector.parse(Array(text.utf8), source: "protocols.txt")
        #expect(doc.format == .regQuery)
        #expect(doc.operations.count == 3)
        let s = RegistrySnapshot(documents: [doc])
        #expect(s.value(RegistryPath.schannelProtocols, "SomeFlag")?.data == .dword(0xFFFF_FFFF))
        #expect(s.value(RegistryPath.schannelProtocols, "Big")?.data == .qword(0x1_0000_0000))
        #expect(s.value(RegistryPath.schannelProtocols, "Path")?.data == .expandString("%SystemRoot%\\x"))
    }

    @Test func regQueryIsNoLongerACipherList() throws {
        // Before, this was read as a cipher list with names "HKEY_..." and "Functions".
        let text =
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002\n    Functions    REG_SZ    TLS_AES_256_GCM_SHA384\n"
        #expect(try WindowsConfigFormatDetector.detect(Array(text.utf8), source: "x") == .regQuery)
        // A real cipher list is still one.
        #expect(
            try WindowsConfigFormatDetector.detect(
                Array("TLS_AES_256_GCM_SHA384\nTLS_AES_128_GCM_SHA256\n".utf8), source: "x") == .cipherList)
    }

    @Test(
        "bad reg query input names the line",
        arguments: [
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\n    Enabled    REG_DWORD    1\n", 2, "REG_DWORD data"),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\n    Blob    REG_BINARY    ABC\n", 2, "even number"),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\n    Odd    REG_LINK    x\n", 2, "unknown value type"),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\n    A    REG_SZ    b\nsomething else\n", 3, "not reg query output"),
        ])
    func badRegQuery(text: String, line: Int, message: String) {
        do {
            _ = try RegQueryParser.parse(Array(text.utf8), source: "q.txt")
            Issue.record("accepted bad input")
        } catch {
            #expect(error.line == line)
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.contains("q.txt"))
        }
    }

    @Test func anErrorOnlyOutputIsRefused() {
        #expect(throws: InputError.self) {
            try RegQueryParser.parse(
                Array("ERROR: The system was unable to find the specified registry key or value.\n".utf8),
                source: "e.txt")
        }
    }

    // MARK: WindowsUpdate.log

    static let log = """
        2023/05/04 10:11:12.1234567 1234  5678  SLS             Making request with URL HTTPS://slscr.update.microsoft.com/SLS/{9482F4B4-E343-43B6-B170-9A65BC822C77}/x64/10.0.19045.2728/0?CH=686&L=en-US&P=&PT=0x30&WUA=10.0.19041.2728&MK=VMware&MD=VMware7 and send SLS events.
        2023/05/04 10:11:12.2234567 1234  5678  Misc            FAILED [80072EFE] Send request
        2023/05/04 10:11:13.0000000 1234  5678  SLS             Complete the request URL HTTPS://slscr.update.microsoft.com/SLS/{9482F4B4-E343-43B6-B170-9A65BC822C77}/x64/10.0.19045.2728/0?CH=686 with [80072EFE] and http status code[0] and send SLS events.
        2023/05/04 10:12:00.0000000 1234  9999  Misc            Making request with URL HTTPS://fe2cr.update.microsoft.com/v6/ClientWebService/client.asmx
        2023/05/04 10:12:01.0000000 1234  9999  Misc            *FAILED* [80072F8F] WinHttp: SendRequestToServerForFileInformation (retrying with default proxy)
        2023/05/04 10:13:00.0000000 1234  4444  DownloadManager Download URL http://download.windowsupdate.com/c/msdownload/update/x.cab
        2023/05/04 10:13:02.0000000 1234  5678  Misc            *FAILED* [80072F8F] GetDownloadedOnWeakSSLCert
        not a time-stamped line
        """

    @Test("WindowsUpdate.log in each encoding", arguments: ["utf8", "utf16le-bom"])
    func windowsUpdateLog(encoding: String) throws {
        let bytes = encoding == "utf8" ? Array(Self.log.utf8) : Self.utf16LEWithBOM(Self.log)
        let log = try WindowsUpdateLog.parse(bytes, source: "WindowsUpdate.log")
        #expect(
            log.requestedHosts == [
                "slscr.update.microsoft.com", "fe2cr.update.microsoft.com", "download.windowsupdate.com",
            ])
        #expect(log.osVersions == ["10.0.19045.2728"])
        #expect(log.build == 19045)
        #expect(log.errors == ["0x80072EFE", "0x80072EFE", "0x80072F8F", "0x80072F8F"])
        // FAILED (thread 5678 -> slscr), Complete ... with [...] (slscr), *FAILED* (thread 9999 -> fe2cr), *FAILED* on 5678 -> slscr.
        let slscr = try #require(log.failures.first { $0.host == "slscr.update.microsoft.com" })
        #expect(slscr.errors == ["0x80072EFE", "0x80072F8F"])
        #expect(slscr.lines == [2, 3, 7])
        #expect(slscr.port == 443 && slscr.scheme == "https")
        let fe2cr = try #require(log.failures.first { $0.host == "fe2cr.update.microsoft.com" })
        #expect(fe2cr.errors == ["0x80072F8F"])
        #expect(!log.failures.contains { $0.host == "download.windowsupdate.com" })
        #expect(log.newestTimeLine == 7)
        #expect(log.newestTime == InputTime.parseISO("2023-05-04T10:13:02Z"))
    }

    @Test func aFileWithoutTimeStampsIsNotALog() {
        #expect(throws: InputError.self) { try WindowsUpdateLog.parse(Array("hello\nworld\n".utf8), source: "x.log") }
    }

    @Test(
        "build to release",
        arguments: [
            (19045, WindowsRelease.windows10_22H2, true), (19044, .windows10_21H2, true),
            (7601, .windows7, true), (20348, .server2022, true), (22631, .windows11_23H2, true),
            (26200, .windows11, true),
            (17763, .windows10_1809, true), (9600, .windows81, true), (19046, .windows10_22H2, false),
        ])
    func buildToRelease(build: Int, release: WindowsRelease, exact: Bool) {
        let r = WindowsBuildReleaseMap.release(forBuild: build)
        #expect(r?.release == release)
        #expect(r?.exact == exact)
    }

    // MARK: DisallowedCertLastSyncTime

    static func registry(lastSync: Date) throws -> RegistrySnapshot {
        let hex = RevocationListSync.filetime(lastSync).map { String(format: "%02X", $0) }.joined()
        let text =
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate\n    DisallowedCertLastSyncTime    REG_BINARY    \(hex)\n"
        return RegistrySnapshot(documents: [try RegQueryParser.parse(Array(text.utf8), source: "autoupdate.txt")])
    }

    @Test func filetimeRoundTrips() throws {
        let d = try #require(InputTime.parseISO("2023-05-01T08:00:00Z"))
        #expect(RevocationListSync.date(fromFILETIME: RevocationListSync.filetime(d)) == d)
        // 0x01D97BBFDF550000 = 2023-05-01 00:00:00 UTC (computed apart, with Python's datetime).
        #expect(
            RevocationListSync.date(fromFILETIME: [0x00, 0x00, 0x55, 0xDF, 0xBF, 0x7B, 0xD9, 0x01])
                == InputTime.parseISO("2023-05-01T00:00:00Z"))
    }

    @Test("the 24-hour rule", arguments: [(23.5, false), (24.0, false), (24.5, true), (72.0, true)])
    func twentyFourHours(hours: Double, stale: Bool) throws {
        let reference = try #require(InputTime.parseISO("2023-05-04T10:13:02Z"))
        let snapshot = try Self.registry(lastSync: reference.addingTimeInterval(-hours * 3600))
        let sync = try #require(
            RevocationListSync.evaluate(registry: snapshot, reference: (reference, "WindowsUpdate.log:7")))
        #expect(sync.stale == stale)
        #expect(sync.ageHours == hours)
        #expect(sync.evidence.file == "autoupdate.txt" && sync.evidence.line == 2)
        let cause = sync.cause(host: "slscr.update.microsoft.com", port: 443)
        #expect((cause != nil) == stale)
        if let cause {
            #expect(cause.code == .revocationOffline)
            #expect(cause.windowsError == "0x80072F8F")
            #expect(cause.explanation.contains("0x80092013"))
            #expect(cause.evidence.contains { $0.value.contains("WindowsUpdate.log:7") })
        }
    }

    @Test func withoutAReferenceTheAgeCannotBeJudged() throws {
        let snapshot = try Self.registry(lastSync: Date(timeIntervalSince1970: 1_600_000_000))
        let sync = try #require(RevocationListSync.evaluate(registry: snapshot, reference: nil))
        #expect(sync.stale == nil)
        #expect(sync.note.contains("cannot be judged"))
        #expect(sync.cause(host: "h", port: 443) == nil)
        #expect(RevocationListSync.evaluate(registry: RegistrySnapshot(documents: []), reference: nil) == nil)
    }

    @Test func gpresultReadTime() {
        let xml = "<?xml version=\"1.0\"?><Rsop><ReadTime>2023-05-04T11:00:00.1234567Z</ReadTime></Rsop>"
        #expect(InputTime.gpresultReadTime(Array(xml.utf8)) == InputTime.parseISO("2023-05-04T11:00:00Z"))
        #expect(InputTime.gpresultReadTime(Array("<Rsop/>".utf8)) == nil)
    }

    // MARK: Fixture files (as the tools write them)

    @Test("reg query fixtures", arguments: ["regquery/seed-article-powershell.txt", "regquery/seed-article-cmd.txt"])
    func regQueryFixture(name: String) throws {
        let bytes = try WindowsFixtures.bytes(name)
        let doc = try WindowsConfigFormatDetector.parse(bytes, source: name)
        #expect(doc.format == .regQuery)
        #expect(doc.operations.count == 5)
        let sync = RevocationListSync.evaluate(
            registry: RegistrySnapshot(documents: [doc]), reference: (InputTime.parseISO("2024-09-12T08:00:00Z")!, "t"))
        #expect(sync?.stale == true)
    }

    @Test func windowsUpdateLogFixture() throws {
        let log = try WindowsUpdateLog.parse(
            try WindowsFixtures.bytes("wulog/WindowsUpdate.log"), source: "WindowsUpdate.log")
        #expect(log.failures.map(\.host) == ["slscr.update.microsoft.com"])
        // *FAILED* on another thread: the last URL of the log
        #expect(log.failures[0].errors == ["0x80072EFE", "0x80072F8F"])
        #expect(log.build == 19045)
        #expect(log.newestTimeLine == 4)
    }

    @Test func gpresultFixtureCarriesItsReadTime() throws {
        // UTF-16 with a BOM, as gpresult /x writes it.
        #expect(
            InputTime.gpresultReadTime(try WindowsFixtures.bytes("gpresult/gpresult-utf16.xml"))
                == InputTime.parseISO("2026-11-20T10:00:00Z"))
    }
}
