import Foundation
import Testing

@testable import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// Every parser's work is linear in its input: an input 100 times its normal size takes about
/// 100 times as long, never 10,000 times (issue 25, item 3). What is compared is the CPU time of
/// the test's own thread (other processes on a loaded machine do not count), the best of three
/// runs of each input; the bound (800x) is loose for caches and far below what quadratic work
/// would take. The suite runs its tests one at a time.
@Suite("Linear parsing", .serialized)
struct LinearParsingTests {
    static let allowedRatio = 800.0

    /// CPU seconds of the calling thread.
    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// CPU seconds `body` takes on this thread, the best of `runs`.
    static func seconds(runs: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = threadCPU()
            try body()
            best = min(best, threadCPU() - start)
        }
        return best
    }

    /// `large` (100 times `small`'s input) within `allowedRatio` times `small`.
    static func expectProportional(_ what: String, small: () throws -> Void, large: () throws -> Void) rethrows {
        let one = max(try seconds(small), 1e-4)
        let hundred = try seconds(large)
        #expect(
            hundred / one < allowedRatio,
            "\(what): 100x the input took \(Int(hundred / one))x the time (\(one) s, then \(hundred) s)")
    }

    // MARK: WindowsUpdate.log

    static func logLine(_ i: Int, _ message: String) -> String {
        "2023/05/04 10:\(String(format: "%02d", i / 60 % 60)):\(String(format: "%02d", i % 60)).0000000 1234  5678  Misc            \(message)\n"
    }

    /// One line with `count` "http" that are not URLs, then one URL (the line the review found:
    /// 400 KB took 78 s and 10 GB, one recursion and one copy of the rest per "http").
    static func httpLine(_ count: Int) -> [UInt8] {
        Array(
            logLine(
                0,
                String(repeating: "http-x ", count: count)
                    + "Making request with URL HTTPS://fe2.update.microsoft.com/x"
            ).utf8)
    }

    @Test func aLongLineOfHTTPIsOnePass() throws {
        let small = Self.httpLine(570)
        let large = Self.httpLine(57_000)
        #expect(large.count > 390_000)
        let log = try WindowsUpdateLog.parse(large, source: "WindowsUpdate.log")
        #expect(log.requestedHosts == ["fe2.update.microsoft.com"])
        try Self.expectProportional(
            "one line of http", small: { _ = try WindowsUpdateLog.parse(small, source: "a.log") },
            large: { _ = try WindowsUpdateLog.parse(large, source: "b.log") })
    }

    /// Distinct hosts, each requested and failing: sets and a dictionary, not arrays, keep them (200k took 402 s).
    static func manyHosts(_ count: Int) -> [UInt8] {
        var text = ""
        for i in 0..<count {
            text += logLine(i, "Making request with URL HTTPS://h\(i).example.com/SLS/x64/10.0.\(i).1/0")
            text += logLine(i, "FAILED [80072EFE] Send request")
        }
        return Array(text.utf8)
    }

    @Test func manyDistinctHostsAreLinear() throws {
        let small = Self.manyHosts(1_000)
        let large = Self.manyHosts(100_000)
        let log = try WindowsUpdateLog.parse(large, source: "WindowsUpdate.log")
        #expect(log.requestedHosts.count == 100_000 && log.failures.count == 100_000 && log.osVersions.count == 100_000)
        #expect(log.failures[99_999].host == "h99999.example.com" && log.failures[99_999].lines == [200_000])
        try Self.expectProportional(
            "distinct hosts", small: { _ = try WindowsUpdateLog.parse(small, source: "a.log") },
            large: { _ = try WindowsUpdateLog.parse(large, source: "b.log") })
    }

    /// Fed in chunks of any size (as `diagnose --log` streams the file), the log reads the same as whole.
    @Test(arguments: [1, 3, 7, 4096])
    func aStreamedLogReadsAsAWholeOne(chunkSize: Int) throws {
        let text =
            "\u{FEFF}"
            + Self.logLine(
                1, "Making request with URL HTTPS://slscr.update.microsoft.com/SLS/x64/10.0.19045.2728/0?x=1")
            + "2023/05/04 10:12:01.0000000 1234  5678  Misc            FAILED [80072EFE] Send request\r\n"
            + "2023/05/04 10:12:02.0000000 1234  9999  SLS  Complete the request URL HTTP://a.example.com:8530/x with [80072F8F] and http status code[0]\r"
            + "no stamp http://b.example.com/\r\n\r\n"
            + "2023/05/04 10:12:03.0000000 1234  5678  Misc *FAILED* [80072F8F] again"
        let utf8: [UInt8] = Array(text.utf8)
        let utf16: [UInt8] =
            [0xFF, 0xFE]
            + String(text.dropFirst()).utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }
        for bytes in [utf8, utf16] {
            let whole = try WindowsUpdateLog.parse(bytes, source: "w.log")
            var reader = WindowsUpdateLog.Reader(source: "w.log")
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunkSize)
                try bytes[offset..<end].withUnsafeBufferPointer { (chunk) throws(InputError) in try reader.feed(chunk) }
                offset = end
            }
            let streamed = try reader.finish()
            #expect(streamed == whole)
            #expect(whole.requestedHosts == ["slscr.update.microsoft.com", "a.example.com", "b.example.com"])
            #expect(whole.osVersions == ["10.0.19045.2728"])
            #expect(whole.errors == ["0x80072EFE", "0x80072F8F", "0x80072F8F"])
            #expect(whole.failures.map { $0.host } == ["slscr.update.microsoft.com", "a.example.com"])
            #expect(whole.failures.first?.lines == [2, 6])
            #expect(whole.failures.last?.port == 8530 && whole.failures.last?.scheme == "http")
            #expect(whole.newestTimeLine == 6)
            #expect(whole.newestTime == InputTime.parseISO("2023-05-04T10:12:03Z"))
        }
    }

    @Test func aNULInALogNamesItsLine() {
        let bytes = Array((Self.logLine(1, "ok") + "2023/05/04 10:00:00.0 1 2 x\0y\n").utf8)
        #expect { try WindowsUpdateLog.parse(bytes, source: "n.log") } throws: { ($0 as? InputError)?.line == 2 }
    }

    // MARK: reg query

    static func regQuery(values: Int) -> [UInt8] {
        var text =
            "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002\r\n"
        for i in 0..<values {
            text +=
                "    Value\(i)    REG_SZ    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\r\n"
        }
        return Array(text.utf8)
    }

    @Test func regQueryOfManyValuesIsLinear() throws {
        let small = Self.regQuery(values: 500)
        let large = Self.regQuery(values: 50_000)
        #expect(try RegQueryParser.parse(large, source: "q.txt").operations.count == 50_000)
        try Self.expectProportional(
            "reg query values", small: { _ = try RegQueryParser.parse(small, source: "a.txt") },
            large: { _ = try RegQueryParser.parse(large, source: "b.txt") })
    }

    /// The key of the review (10 MB took 17 s and 1.2 GB): refused at its line, as `.reg` refuses it.
    @Test func regQueryKeysAndNamesPastWindowsLimitsAreRefused() {
        let deep = "HKEY_LOCAL_MACHINE\\" + Array(repeating: "abcdefgh", count: 1_100_000).joined(separator: "\\")
        let deepText = Array("\r\n\(deep)\r\n    Enabled    REG_DWORD    0x1\r\n".utf8)
        #expect(deepText.count > 9_000_000)
        #expect { try RegQueryParser.parse(deepText, source: "deep.txt") } throws: { error in
            let e = error as? InputError
            return e?.source == "deep.txt" && e?.line == 2 && e?.message.contains("512 levels") == true
        }
        let long = Array(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\\(String(repeating: "k", count: 256))\r\n    A    REG_DWORD    0x1\r\n".utf8)
        #expect { try RegQueryParser.parse(long, source: "long.txt") } throws: { error in
            (error as? InputError)?.line == 1 && (error as? InputError)?.message.contains("255 characters") == true
        }
        let name = Array(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\A\r\n    \(String(repeating: "v", count: 16_384))    REG_DWORD    0x1\r\n"
                .utf8)
        #expect { try RegQueryParser.parse(name, source: "name.txt") } throws: { error in
            (error as? InputError)?.line == 2 && (error as? InputError)?.message.contains("16,383") == true
        }
        let atLimit = Array(
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\\(String(repeating: "k", count: 255))\r\n    \(String(repeating: "v", count: 16_383))    REG_DWORD    0x1\r\n"
                .utf8)
        #expect(throws: Never.self) { try RegQueryParser.parse(atLimit, source: "ok.txt") }
    }

    // MARK: .reg

    static func regFile(values: Int) -> [UInt8] {
        var text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Many]\r\n"
        for i in 0..<values { text += "\"v\(i)\"=dword:00000001\r\n" }
        return Array(text.utf8)
    }

    @Test func regFileOfManyValuesIsLinear() throws {
        let small = Self.regFile(values: 1_000)
        let large = Self.regFile(values: 100_000)
        try Self.expectProportional(
            ".reg values", small: { _ = try RegFileParser.parse(small, source: "a.reg") },
            large: { _ = try RegFileParser.parse(large, source: "b.reg") })
    }

    // MARK: Cipher lists

    static func cipherList(copies: Int) -> String {
        let names = Catalog.shared.suites.prefix(30).map(\.iana)
        return Array(repeating: names.joined(separator: ","), count: copies).joined(separator: ",\r\n")
    }

    /// A pasted plain list as a configuration input (the review's 33 MB list took 31 s and 1 GB):
    /// parsed and evaluated in proportion, with a bounded number of warnings (the first names of
    /// each kind, then a count), not one per name.
    @Test func aPastedListAsConfigurationIsLinearWithBoundedWarnings() throws {
        func evaluate(_ copies: Int) throws -> WindowsTLSConfig {
            let bytes = Array((Self.cipherList(copies: copies) + ",TLS_NOT_A_SUITE_1,TLS_NOT_A_SUITE_2").utf8)
            let document = try SuiteListParser.parsePlainList(bytes, source: "list.txt")
            return WindowsTLSConfig.evaluate(
                registry: RegistrySnapshot(documents: [document]), release: .server2022, suggestNames: false)
        }
        let config = try evaluate(3_000)
        #expect(config.warnings.count < 3 * Evaluator.listedNamesLimit + 5, "\(config.warnings.count) warnings")
        #expect(
            config.warnings.contains {
                $0.code == .duplicateSuite && $0.message.contains("more name(s) are listed twice")
            })
        try Self.expectProportional(
            "pasted list evaluated", small: { _ = try evaluate(30) }, large: { _ = try evaluate(3_000) })
    }

    @Test func aLongCipherListIsLinear() throws {
        let small = Self.cipherList(copies: 20)
        let large = Self.cipherList(copies: 2_000)
        guard case .suites(let suites) = try CipherListParser.parse(large, source: "list.txt") else {
            Issue.record("not suites")
            return
        }
        #expect(suites.count == 30)
        try Self.expectProportional(
            "cipher list", small: { _ = try CipherListParser.parse(small, source: "a.txt") },
            large: { _ = try CipherListParser.parse(large, source: "b.txt") })
        // Unknown names in bulk: the error lists 20 and counts the rest, in linear time too.
        let junkSmall = (0..<300).map { "TLS_JUNK_\($0)" }.joined(separator: ":")
        let junkLarge = (0..<30_000).map { "TLS_JUNK_\($0)" }.joined(separator: ":")
        #expect { try CipherListParser.parse(junkLarge, source: "junk.txt") } throws: { error in
            (error as? InputError)?.message.contains("and 29980 more") == true
        }
        Self.expectProportional(
            "unknown cipher names", small: { _ = try? CipherListParser.parse(junkSmall, source: "a.txt") },
            large: { _ = try? CipherListParser.parse(junkLarge, source: "b.txt") })
    }
}
