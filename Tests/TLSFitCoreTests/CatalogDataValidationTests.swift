import CipherSuites
import TLSFitCore
import Testing

/// A malformed data file must fail loudly, naming the file and line.
@Suite struct CatalogDataValidationTests {
    struct Files {
        var suites = CipherSuitesData.suitesTSV
        var releases = CipherSuitesData.windowsReleasesTSV
        var windowsSuites = CipherSuitesData.windowsSuitesTSV
        var hosts = CipherSuitesData.updateHostsTSV
        var errors = CipherSuitesData.windowsErrorsTSV
        var hello = CipherSuitesData.windowsHelloTSV

        func load() throws(InputError) -> Catalog {
            try Catalog(
                suitesTSV: suites, windowsReleasesTSV: releases, windowsSuitesTSV: windowsSuites,
                updateHostsTSV: hosts, windowsErrorsTSV: errors, windowsHelloTSV: hello)
        }
    }

    /// The 1-based line of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex(where: { $0.contains(needle) }) ?? -1) + 1
    }

    static func replacing(_ old: String, with new: String, in text: String) -> String {
        guard let range = text.range(of: old) else {
            Issue.record("fixture text '\(old)' not found")
            return text
        }
        return text.replacingCharacters(in: range, with: new)
    }

    func expectFailure(_ files: Files, file: String, line: Int?, containing: String) {
        do {
            _ = try files.load()
            Issue.record("loading should fail: \(containing)")
        } catch {
            #expect(error.source == file)
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(containing), "\(error)")
        }
    }

    @Test func embeddedFilesAreWellFormed() throws {
        let catalog = try Files().load()
        #expect(catalog.suites.count == Catalog.shared.suites.count)
    }

    @Test func wrongColumnCount() {
        var files = Files()
        let line = Self.line(of: "\tTLS_RSA_WITH_AES_128_CBC_SHA\t", in: files.suites)
        files.suites = Self.replacing("\tAES128-SHA\t", with: "\tAES128-SHA\textra\t", in: files.suites)
        expectFailure(files, file: "suites.tsv", line: line, containing: "columns")
    }

    @Test func badCodePoint() {
        var files = Files()
        let line = Self.line(of: "0xC030\t", in: files.suites)
        files.suites = Self.replacing("0xC030\t", with: "0xC03G\t", in: files.suites)
        expectFailure(files, file: "suites.tsv", line: line, containing: "code point")
    }

    @Test func duplicateCodePoint() {
        var files = Files()
        let line = Self.line(of: "0xC030\t", in: files.suites)
        files.suites = Self.replacing("0xC030\t", with: "0xC02F\t", in: files.suites)
        expectFailure(files, file: "suites.tsv", line: line, containing: "twice")
    }

    @Test func unknownVersionAndFlag() {
        var files = Files()
        let line = Self.line(of: "0xC030\t", in: files.suites)
        let row =
            "0xC030\tTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\tECDHE-RSA-AES256-GCM-SHA384\tTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\tECDHE\tRSA\tAES_256_GCM\tAEAD\tTLSv1.2\tTLSv1.2\taead,pfs"
        files.suites = Self.replacing(
            row, with: row.replacingOccurrences(of: "TLSv1.2\taead", with: "TLSv9\taead"), in: files.suites)
        expectFailure(files, file: "suites.tsv", line: line, containing: "TLSv9")

        var flagged = Files()
        flagged.suites = Self.replacing(row, with: row + ",shiny", in: flagged.suites)
        expectFailure(flagged, file: "suites.tsv", line: line, containing: "shiny")
    }

    @Test func windowsNameMustBelongToTheSuite() {
        var files = Files()
        let line = Self.line(of: "0xC028\t", in: files.suites)
        files.suites = Self.replacing(
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256", with: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P999",
            in: files.suites)
        expectFailure(files, file: "suites.tsv", line: line, containing: "P999")
    }

    @Test func windowsSuitesRowNamingAnUnknownSuite() {
        var files = Files()
        let line = Self.line(of: "win11\t3\t", in: files.windowsSuites)
        files.windowsSuites = Self.replacing(
            "win11\t3\tTLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            with: "win11\t3\tTLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA385", in: files.windowsSuites)
        expectFailure(files, file: "windows-suites.tsv", line: line, containing: "SHA385")
    }

    @Test func windowsSuitesPriorityGap() {
        var files = Files()
        let line = Self.line(of: "win11\t3\t", in: files.windowsSuites)
        files.windowsSuites = Self.replacing("win11\t3\t", with: "win11\t4\t", in: files.windowsSuites)
        expectFailure(files, file: "windows-suites.tsv", line: line, containing: "priority")
    }

    @Test func releaseRows() {
        var unknown = Files()
        let line = Self.line(of: "windows-11\t", in: unknown.releases)
        unknown.releases = Self.replacing("windows-11\t", with: "windows-12\t", in: unknown.releases)
        expectFailure(unknown, file: "windows-releases.tsv", line: line, containing: "windows-12")

        var badList = Files()
        let listLine = Self.line(of: "\twin11\t", in: badList.releases)
        badList.releases = Self.replacing("\twin11\t", with: "\twin12\t", in: badList.releases)
        expectFailure(badList, file: "windows-releases.tsv", line: listLine, containing: "win12")

        var badBuild = Files()
        let buildLine = Self.line(of: "windows-10-22h2\t", in: badBuild.releases)
        badBuild.releases = Self.replacing("\t19045\t", with: "\t19044\t", in: badBuild.releases)
        expectFailure(badBuild, file: "windows-releases.tsv", line: buildLine, containing: "build 19044")

        var badProfile = Files()
        badProfile.releases = Self.replacing("\tschannel-win81\t", with: "\tschannel-win9\t", in: badProfile.releases)
        expectFailure(badProfile, file: "windows-hello.tsv", line: nil, containing: "schannel-win9")

        var missing = Files()
        missing.releases = missing.releases.split(separator: "\n").filter { !$0.hasPrefix("server-2025\t") }.joined(
            separator: "\n")
        expectFailure(missing, file: "windows-releases.tsv", line: nil, containing: "server-2025")
    }

    @Test func helloRows() {
        var noSource = Files()
        let line = Self.line(of: "schannel-win10\tpoint_formats", in: noSource.hello)
        noSource.hello = Self.replacing(
            "schannel-win10\tpoint_formats\t00\tcaptured\ttestssl.sh \"IE 11 Win 10\"",
            with: "schannel-win10\tpoint_formats\t00\tcaptured\t-", in: noSource.hello)
        expectFailure(noSource, file: "windows-hello.tsv", line: line, containing: "source")

        var badHex = Files()
        let sigLine = Self.line(of: "schannel-win10\tsignature_algorithms", in: badHex.hello)
        badHex.hello = Self.replacing(
            "0401,0501,0201,0403,0503,0203,0202,0601,0603", with: "0401,05,0201", in: badHex.hello)
        expectFailure(badHex, file: "windows-hello.tsv", line: sigLine, containing: "'05'")

        var badConfidence = Files()
        badConfidence.hello = Self.replacing(
            "\tTLSv1.2,TLSv1.3\tassumed\t", with: "\tTLSv1.2,TLSv1.3\tguessed\t", in: badConfidence.hello)
        expectFailure(
            badConfidence, file: "windows-hello.tsv",
            line: Self.line(of: "server-2025\twinhttp_protocols", in: badConfidence.hello), containing: "confidence")
    }

    @Test func hostsAndErrors() {
        var hosts = Files()
        let hostLine = Self.line(of: "\tfe2.update.microsoft.com\t", in: hosts.hosts)
        hosts.hosts = Self.replacing(
            "\tfe2.update.microsoft.com\t443", with: "\tfe2.update.microsoft.com\thttps", in: hosts.hosts)
        expectFailure(hosts, file: "update-hosts.tsv", line: hostLine, containing: "port")

        var scheme = Files()
        scheme.hosts = Self.replacing(
            "\tfe2.update.microsoft.com\t443\thttps", with: "\tfe2.update.microsoft.com\t443\tftp", in: scheme.hosts)
        expectFailure(scheme, file: "update-hosts.tsv", line: hostLine, containing: "scheme")

        var role = Files()
        role.hosts = Self.replacing(
            "\tfe2.update.microsoft.com\t443\thttps\tclient-metadata",
            with: "\tfe2.update.microsoft.com\t443\thttps\tmetadata", in: role.hosts)
        expectFailure(role, file: "update-hosts.tsv", line: hostLine, containing: "unknown role 'metadata'")

        var errors = Files()
        let errorLine = Self.line(of: "0x80072EFE\t", in: errors.errors)
        errors.errors = Self.replacing("0x80072EFE\t", with: "80072EFE\t", in: errors.errors)
        expectFailure(errors, file: "windows-errors.tsv", line: errorLine, containing: "0x80072EFE")
    }

    @Test func commentsBlankLinesAndCRLFAreAccepted() throws {
        var files = Files()
        files.errors = "# comment\n\n" + files.errors.replacingOccurrences(of: "\n", with: "\r\n")
        let catalog = try files.load()
        #expect(catalog.windowsError("0x80072EFE") != nil)
    }
}
