import Testing

@testable import TLSFitCore

/// The WindowsUpdate.log reader skips what cannot matter (issue #26): a line without `//`, `FA`, `RL`
/// or NUL is read for its time stamp only, and the usual time stamp is read in place. Both shortcuts
/// must read what the full reading does.
@Suite struct LogFastPathTests {
    static func withLine<T>(_ text: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        text.withUnsafeBufferPointer { body($0) }
    }

    /// Random lines from an alphabet rich in what the reader looks for.
    static func randomLines(_ count: Int) -> [[UInt8]] {
        var rng = SplitMix64(seed: 26)
        let pieces = [
            "/", "//", "F", "FA", "FAILED [80072EFE]", "R", "RL", "URL", "http://a.example/",
            "HTTPS://b.example:8530/x", "Complete the request URL ", " with [80072F8F]", "*FAILED* [80072F8F]",
            ":", " ", "\t", "x", "\u{00E9}", "\0", "A", "L",
        ]
        return (0..<count).map { _ in
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { line += Array(pieces.randomElement(using: &rng)!.utf8) }
            return line
        }
    }

    @Test func aQuietLineHasNoURLAndNoFailure() {
        for line in Self.randomLines(20_000) {
            Self.withLine(line) { buffer in
                let quiet = !ByteScan.mayHoldURLOrFailure(buffer)
                let found = ByteScan.lineEnd(buffer, from: 0)
                #expect(found.end == buffer.count && found.quiet == quiet)
                if quiet {
                    #expect(WindowsUpdateLog.firstURL(in: buffer) == nil)
                    #expect(WindowsUpdateLog.failureCode(in: buffer) == nil)
                    #expect(!buffer.contains(0))
                }
            }
        }
    }

    @Test func theLineEndAndQuietnessAreFoundInOnePass() {
        let lines = Self.randomLines(5_000)
        var chunk: [UInt8] = []
        var expected: [(Int, Bool)] = []
        for (k, line) in lines.enumerated() {
            let quiet = Self.withLine(line) { !ByteScan.mayHoldURLOrFailure($0) }
            chunk += line
            expected.append((chunk.count, quiet))
            chunk.append(k % 2 == 0 ? 0x0A : 0x0D)
        }
        chunk.withUnsafeBufferPointer { buffer in
            var start = 0
            for (end, quiet) in expected {
                let found = ByteScan.lineEnd(buffer, from: start)
                #expect(found.end == end && found.quiet == quiet)
                start = end + 1
            }
        }
    }

    @Test(arguments: [
        "2023/05/04 10:12:01.1234567 1234  5678  Misc x", "2023/05/04 10:12:01 1234", "2023/05/04 10:12:01",
        "2023/02/31 23:59:60.0 x", "2023/13/01 10:00:00.0 x", "2023/05/04 24:00:00.0 x", "0000/01/01 00:00:00.0",
        "2023/05/04 10:12:01x", "2023/05/04 10:12:0a.1", "2023/5/04 10:12:01.1", " 2023/05/04 10:12:01.1",
        "2023/05/04  10:12:01.1",
        "2023/05/04 10:12:01.1:2", "2023-05-04 10:12:01.1", "9999/12/31 23:59:59.9999999 x",
    ])
    func theUsualTimeStampReadsAsTheGeneralOne(text: String) {
        Self.withLine(Array(text.utf8)) { line in
            let fields = WindowsUpdateLog.LineFields(line)
            var general: Int64?
            if let date = fields.range(0), let time = fields.range(1) {
                general = WindowsUpdateLog.timestamp(line, date, time)
            }
            if let canonical = WindowsUpdateLog.canonicalTimestamp(line) { #expect(canonical == general) }
        }
        let usual = Self.withLine(Array("2023/05/04 10:12:01.1234567 x".utf8)) {
            WindowsUpdateLog.canonicalTimestamp($0)
        }
        #expect(usual != nil)
    }
}
