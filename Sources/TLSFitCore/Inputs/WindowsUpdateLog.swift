import FoundationEssentials

/// What a WindowsUpdate.log (the text `Get-WindowsUpdateLog` writes) says about connections: the
/// hosts the agent requested, which of them failed with which error, the OS build in the request
/// URLs, and the newest time stamp. Pure.
///
/// Lines read (from Microsoft's 0x80072EFE article and incident reports):
/// `... SLS  Making request with URL HTTPS://slscr.update.microsoft.com/SLS/{...}/x64/10.0.19045.2728/0?...`,
/// `... Misc  FAILED [80072EFE] Send request`, `... Misc  *FAILED* [80072F8F] ...`,
/// `... SLS  Complete the request URL HTTPS://slscr.update.microsoft.com/SLS/... with [80072F8F] and http status code[0] ...`.
/// A FAILED line without a URL belongs to the last URL requested on the same thread (TID), else to
/// the last URL of the log.
public struct WindowsUpdateLog: Sendable, Hashable, Codable {
    public struct HostFailure: Sendable, Hashable, Codable {
        public var host: String
        public var scheme: String
        public var port: Int
        /// HRESULTs seen for this host, in order of first appearance (`0x80072EFE`).
        public var errors: [String]
        /// Line numbers of the failures.
        public var lines: [Int]
    }

    public var source: String
    /// Every host a request URL named, in order of first appearance.
    public var requestedHosts: [String]
    /// The hosts with failures.
    public var failures: [HostFailure]
    /// OS versions seen in request URLs (`10.0.19045.2728`), in order of first appearance.
    public var osVersions: [String]
    /// Every error code seen on a FAILED line, in order.
    public var errors: [String]
    /// The newest line time stamp (read as UTC: the log carries no zone).
    public var newestTime: Date?
    /// The line of the newest time stamp.
    public var newestTimeLine: Int?

    /// Parses the log; an input with no time-stamped line at all is refused (not a WindowsUpdate.log).
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WindowsUpdateLog {
        var reader = Reader(source: source)
        try bytes.withUnsafeBufferPointer { (buffer) throws(InputError) in try reader.feed(buffer) }
        return try reader.finish()
    }

    /// Reads a log as it streams by, in chunks of any size: memory holds the findings and one line,
    /// never the file, and every byte is looked at a bounded number of times (linear in the input;
    /// a 400 KB line with thousands of "http" costs one pass). Lines end with LF, CRLF or CR; the
    /// encodings read are UTF-8 (with or without a byte order mark), ANSI and UTF-16 (LE or BE, with
    /// a byte order mark, or LE recognised by its NULs). A line is read up to its first
    /// `maximumLineLength` bytes (the agent's lines are a few hundred).
    public struct Reader: Sendable {
        public static let maximumLineLength = 1 << 20

        enum Encoding: Sendable {
            case undecided, bytes
            case utf16(littleEndian: Bool)
        }

        let source: String
        var log: WindowsUpdateLog
        var encoding = Encoding.undecided
        /// The first bytes, until the encoding is known (4 are enough).
        var head: [UInt8] = []
        /// The current line's bytes (UTF-8 or ANSI), up to `maximumLineLength`.
        var line: [UInt8] = []
        var lineNumber = 1
        var afterCR = false
        /// UTF-16: an odd byte and a high surrogate waiting for the rest.
        var oddByte: UInt8?
        var highSurrogate: UInt16?
        var stampedLines = 0
        var newestSeconds: Int64?
        var lastURLByThread: [String: (host: String, scheme: String, port: Int)] = [:]
        var lastURL: (host: String, scheme: String, port: Int)?
        var requested: Set<String> = []
        var versions: Set<String> = []
        var failureIndex: [String: Int] = [:]
        var failureErrors: [Set<String>] = []

        public init(source: String) {
            self.source = source
            log = WindowsUpdateLog(
                source: source, requestedHosts: [], failures: [], osVersions: [], errors: [], newestTime: nil,
                newestTimeLine: nil)
            line.reserveCapacity(4096)
        }

        /// Reads the next bytes of the file.
        public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws(InputError) {
            guard !chunk.isEmpty else { return }
            switch encoding {
            case .undecided:
                head.append(contentsOf: chunk)
                if head.count >= 256 { try decide() }
            case .bytes: try feedBytes(chunk)
            case .utf16(let littleEndian): try feedUTF16(chunk, littleEndian: littleEndian)
            }
        }

        /// The findings, once every byte was fed.
        public mutating func finish() throws(InputError) -> WindowsUpdateLog {
            if case .undecided = encoding { try decide() }
            if highSurrogate != nil {
                highSurrogate = nil
                try appendScalar(0xFFFD)
            }
            if !line.isEmpty { try endLine() }
            guard stampedLines > 0 else {
                throw InputError(
                    source: source, line: 1,
                    message:
                        "not a WindowsUpdate.log: no line starts with a time stamp (YYYY/MM/DD HH:MM:SS); write it with Get-WindowsUpdateLog"
                )
            }
            if let newestSeconds { log.newestTime = Date(timeIntervalSince1970: TimeInterval(newestSeconds)) }
            return log
        }

        /// The encoding from the first bytes (as TextDecoding decides it for a whole file).
        mutating func decide() throws(InputError) {
            let bytes = head
            head = []
            var start = 0
            if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
                encoding = .utf16(littleEndian: true)
                start = 2
            } else if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
                encoding = .utf16(littleEndian: false)
                start = 2
            } else if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                encoding = .bytes
                start = 3
            } else if TextDecoding.looksLikeUTF16LE(bytes) {
                encoding = .utf16(littleEndian: true)
            } else {
                encoding = .bytes
            }
            try bytes.withUnsafeBufferPointer { (all) throws(InputError) in
                try feed(UnsafeBufferPointer(rebasing: all[start...]))
            }
        }

        mutating func feedBytes(_ chunk: UnsafeBufferPointer<UInt8>) throws(InputError) {
            var i = 0
            let n = chunk.count
            while i < n {
                // The line's end: LF or CR.
                let (j, quiet) = ByteScan.lineEnd(chunk, from: i)
                if j < n, line.isEmpty, !(chunk[j] == 0x0A && afterCR && j == i) {
                    // A whole line inside the chunk: read in place, no copy.
                    afterCR = false
                    let number = lineNumber
                    lineNumber += 1
                    let whole = j - i <= Reader.maximumLineLength
                    try read(
                        UnsafeBufferPointer(rebasing: chunk[i..<min(j, i + Reader.maximumLineLength)]), number: number,
                        quiet: quiet && whole)
                    afterCR = chunk[j] == 0x0D
                    i = j + 1
                    continue
                }
                if j > i {
                    if afterCR { afterCR = false }
                    let room = Reader.maximumLineLength - line.count
                    if room > 0 { line.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<min(j, i + room)])) }
                }
                guard j < n else { return }
                if chunk[j] == 0x0A, afterCR {
                    afterCR = false  // the LF of a CRLF
                } else {
                    try endLine()
                    afterCR = chunk[j] == 0x0D
                }
                i = j + 1
            }
        }

        mutating func feedUTF16(_ chunk: UnsafeBufferPointer<UInt8>, littleEndian: Bool) throws(InputError) {
            var i = 0
            if let odd = oddByte, let first = chunk.first {
                oddByte = nil
                try unit(littleEndian ? UInt16(odd) | UInt16(first) << 8 : UInt16(odd) << 8 | UInt16(first))
                i = 1
            }
            while i + 1 < chunk.count {
                let a = UInt16(chunk[i])
                let b = UInt16(chunk[i + 1])
                try unit(littleEndian ? a | b << 8 : a << 8 | b)
                i += 2
            }
            if i < chunk.count { oddByte = chunk[i] }
        }

        mutating func unit(_ u: UInt16) throws(InputError) {
            if let high = highSurrogate {
                highSurrogate = nil
                if (0xDC00...0xDFFF).contains(u) {
                    try appendScalar(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(u - 0xDC00))
                    return
                }
                try appendScalar(0xFFFD)
            }
            if (0xD800...0xDBFF).contains(u) {
                highSurrogate = u
                return
            }
            try appendScalar((0xDC00...0xDFFF).contains(u) ? 0xFFFD : UInt32(u))
        }

        mutating func appendScalar(_ v: UInt32) throws(InputError) {
            if v == 0x0A || v == 0x0D {
                if v == 0x0A, afterCR {
                    afterCR = false
                    return
                }
                try endLine()
                afterCR = v == 0x0D
                return
            }
            afterCR = false
            guard line.count < Reader.maximumLineLength else { return }
            switch v {
            case 0..<0x80: line.append(UInt8(v))
            case 0x80..<0x800: line.append(contentsOf: [UInt8(0xC0 | v >> 6), UInt8(0x80 | v & 0x3F)])
            case 0x800..<0x10000:
                line.append(contentsOf: [UInt8(0xE0 | v >> 12), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)])
            default:
                line.append(contentsOf: [
                    UInt8(0xF0 | v >> 18), UInt8(0x80 | v >> 12 & 0x3F), UInt8(0x80 | v >> 6 & 0x3F),
                    UInt8(0x80 | v & 0x3F),
                ])
            }
        }

        mutating func endLine() throws(InputError) {
            let number = lineNumber
            lineNumber += 1
            defer { line.removeAll(keepingCapacity: line.capacity <= 65536) }
            try line.withUnsafeBufferPointer { (bytes) throws(InputError) in try read(bytes, number: number) }
        }

        /// Counts the line's time stamp and keeps the newest; the range of its thread field when
        /// the line has a time stamp.
        mutating func stamp(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Range<Int>? {
            let fields = LineFields(line)
            guard let date = fields.range(0), let time = fields.range(1),
                let seconds = WindowsUpdateLog.timestamp(line, date, time)
            else { return nil }
            record(seconds, number: number)
            return fields.range(3)
        }

        mutating func record(_ seconds: Int64, number: Int) {
            stampedLines += 1
            if newestSeconds.map({ seconds >= $0 }) ?? true {
                newestSeconds = seconds
                log.newestTimeLine = number
            }
        }

        /// One line: its time stamp, its URL, its failure. Most lines hold neither a URL nor a
        /// failure: one byte-parallel pass says so (`quiet`, when the caller's scan for the line's
        /// end found it already), and only their time stamp is read.
        mutating func read(_ line: UnsafeBufferPointer<UInt8>, number: Int, quiet: Bool? = nil) throws(InputError) {
            if quiet ?? !ByteScan.mayHoldURLOrFailure(line) {
                if let seconds = WindowsUpdateLog.canonicalTimestamp(line) {
                    record(seconds, number: number)
                } else {
                    _ = stamp(line, number: number)
                }
                return
            }
            if line.contains(0) {
                throw InputError(
                    source: source, line: number,
                    message: "binary data (a NUL character) in a text file; is this the right file?")
            }
            let thread = stamp(line, number: number)
            let url = WindowsUpdateLog.firstURL(in: line)
            func threadName() -> String {
                thread.map { String(decoding: UnsafeBufferPointer(rebasing: line[$0]), as: UTF8.self) } ?? ""
            }
            if let url {
                if requested.insert(url.host).inserted { log.requestedHosts.append(url.host) }
                let target = (host: url.host, scheme: url.scheme, port: url.port)
                lastURLByThread[threadName()] = target
                lastURL = target
                if let version = url.osVersion, versions.insert(version).inserted { log.osVersions.append(version) }
            }
            guard let code = WindowsUpdateLog.failureCode(in: line) else { return }
            log.errors.append(code)
            guard let target = url.map({ ($0.host, $0.scheme, $0.port) }) ?? lastURLByThread[threadName()] ?? lastURL
            else { return }
            if let i = failureIndex[target.0] {
                if failureErrors[i].insert(code).inserted { log.failures[i].errors.append(code) }
                log.failures[i].lines.append(number)
            } else {
                failureIndex[target.0] = log.failures.count
                failureErrors.append([code])
                log.failures.append(
                    HostFailure(host: target.0, scheme: target.1, port: target.2, errors: [code], lines: [number]))
            }
        }
    }

    /// The first four space-separated fields of a line (date, time, process, thread), without
    /// allocating.
    struct LineFields {
        var starts = (0, 0, 0, 0)
        var ends = (0, 0, 0, 0)
        var count = 0
        init(_ line: UnsafeBufferPointer<UInt8>) {
            var i = 0
            while count < 4 {
                while i < line.count, line[i] == 0x20 { i += 1 }
                guard i < line.count else { break }
                let start = i
                while i < line.count, line[i] != 0x20 { i += 1 }
                switch count {
                case 0: (starts.0, ends.0) = (start, i)
                case 1: (starts.1, ends.1) = (start, i)
                case 2: (starts.2, ends.2) = (start, i)
                default: (starts.3, ends.3) = (start, i)
                }
                count += 1
            }
        }
        func range(_ k: Int) -> Range<Int>? {
            guard k < count else { return nil }
            switch k {
            case 0: return starts.0..<ends.0
            case 1: return starts.1..<ends.1
            case 2: return starts.2..<ends.2
            default: return starts.3..<ends.3
            }
        }
    }

    /// The OS build of the first request URL that carries one.
    public var build: Int? { osVersions.lazy.compactMap(WindowsBuildReleaseMap.buildNumber).first }

    // MARK: Pieces

    /// Seconds since 1970 of `YYYY/MM/DD` `HH:MM:SS[.fff]` (UTC; out-of-range days roll over as
    /// timegm does), nil when the fields are not a time stamp.
    static func timestamp(_ line: UnsafeBufferPointer<UInt8>, _ date: Range<Int>, _ time: Range<Int>) -> Int64? {
        // Three numbers separated by `separator`, each 1...9 ASCII digits.
        func three(_ r: Range<Int>, separator: UInt8) -> (Int, Int, Int)? {
            var values = (0, 0, 0)
            var index = 0
            var value = 0
            var digits = 0
            for i in r {
                let b = line[i]
                if b == separator {
                    guard digits > 0, index < 2 else { return nil }
                    if index == 0 { values.0 = value } else { values.1 = value }
                    index += 1
                    (value, digits) = (0, 0)
                } else if b >= 0x30, b <= 0x39, digits < 9 {
                    value = value * 10 + Int(b - 0x30)
                    digits += 1
                } else {
                    return nil
                }
            }
            guard digits > 0, index == 2 else { return nil }
            values.2 = value
            return values
        }
        // The fraction after a dot is ignored.
        var timeEnd = time.upperBound
        if let dot = time.first(where: { line[$0] == 0x2E }) { timeEnd = dot }
        guard date.count >= 6, line[date.lowerBound + 4] == 0x2F, let (y, mo, da) = three(date, separator: 0x2F),
            let (h, mi, s) = three(time.lowerBound..<timeEnd, separator: 0x3A)
        else { return nil }
        guard (1...12).contains(mo), (1...31).contains(da), (0...23).contains(h), (0...59).contains(mi),
            (0...60).contains(s)
        else { return nil }
        return Int64(daysFromCivil(y, mo, da)) * 86400 + Int64(h * 3600 + mi * 60 + s)
    }

    /// What `timestamp` reads from a line that starts `YYYY/MM/DD HH:MM:SS` followed by its end,
    /// a space or a dot (the agent's every line), without splitting fields; nil for any other line
    /// (and for out-of-range fields: the general reading decides those).
    static func canonicalTimestamp(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard line.count >= 19, line.count == 19 || line[19] == 0x20 || line[19] == 0x2E,
            line[4] == 0x2F, line[7] == 0x2F, line[10] == 0x20, line[13] == 0x3A, line[16] == 0x3A
        else { return nil }
        func number(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for k in at..<(at + count) {
                let digit = line[k] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let y = number(0, 4), let mo = number(5, 2), let da = number(8, 2),
            let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2),
            (1...12).contains(mo), (1...31).contains(da), (0...23).contains(h), (0...59).contains(mi),
            (0...60).contains(s)
        else { return nil }
        return Int64(daysFromCivil(y, mo, da)) * 86400 + Int64(h * 3600 + mi * 60 + s)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil);
    /// linear in the day, so day 31 of February is March 3rd (as timegm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    struct URLParts {
        var scheme: String
        var host: String
        var port: Int
        var osVersion: String?
    }

    /// The first `http://` or `https://` URL of a line (scheme case-insensitive), in one pass. A
    /// URL whose host is not a host name ends the search (nil), as before.
    static func firstURL(in line: UnsafeBufferPointer<UInt8>) -> URLParts? {
        let n = line.count
        var i = 0
        var scheme = ""
        var hostStart = -1
        while i + 7 <= n {
            let b = line[i] | 0x20
            if b == 0x68, line[i + 1] | 0x20 == 0x74, line[i + 2] | 0x20 == 0x74, line[i + 3] | 0x20 == 0x70 {
                if line[i + 4] | 0x20 == 0x73, i + 8 <= n, line[i + 5] == 0x3A, line[i + 6] == 0x2F, line[i + 7] == 0x2F
                {
                    scheme = "https"
                    hostStart = i + 8
                    break
                }
                if line[i + 4] == 0x3A, line[i + 5] == 0x2F, line[i + 6] == 0x2F {
                    scheme = "http"
                    hostStart = i + 7
                    break
                }
            }
            i += 1
        }
        guard hostStart >= 0 else { return nil }
        var end = hostStart
        while end < n, line[end] != 0x20, line[end] != 0x3E, line[end] != 0x22, line[end] != 0x09 { end += 1 }
        var hostEnd = hostStart
        while hostEnd < end, line[hostEnd] != 0x2F, line[hostEnd] != 0x3F { hostEnd += 1 }
        var port = scheme == "https" ? 443 : 80
        var nameEnd = hostEnd
        // host:port (the last colon, digits after it).
        if var colon = (hostStart..<hostEnd).last(where: { line[$0] == 0x3A }) {
            var value = 0
            var digits = 0
            var ok = colon + 1 < hostEnd
            var k = colon + 1
            if ok, line[k] == 0x2B {
                k += 1
                ok = k < hostEnd
            }  // Int("+8080") was accepted
            while ok, k < hostEnd {
                let d = line[k]
                guard d >= 0x30, d <= 0x39, digits < 18 else {
                    ok = false
                    break
                }
                value = value * 10 + Int(d - 0x30)
                digits += 1
                k += 1
            }
            if ok {
                port = value
                nameEnd = colon
            } else {
                colon = hostEnd
            }
        }
        guard nameEnd > hostStart else { return nil }
        let name = UnsafeBufferPointer(rebasing: line[hostStart..<nameEnd])
        let host: String
        if name.allSatisfy({ $0 < 0x80 }) {
            guard
                name.allSatisfy({ b in
                    (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
                })
            else { return nil }
            host = String(decoding: name.map { asciiLower($0) }, as: UTF8.self)
        } else {
            let text = String(decoding: name, as: UTF8.self).lowercased()
            guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
            host = text
        }
        return URLParts(
            scheme: scheme, host: host, port: port,
            osVersion: osVersion(in: UnsafeBufferPointer(rebasing: line[hostEnd..<end])))
    }

    static func firstURL(in line: String) -> URLParts? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { firstURL(in: UnsafeBufferPointer($0)) }
    }

    /// The first occurrence of `pattern` in `line` at or after `from` (patterns are short: linear).
    static func find(_ pattern: StaticString, in line: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        let p = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        guard let first = p.first, line.count >= p.count else { return nil }
        var i = from
        let last = line.count - p.count
        outer: while i <= last {
            if line[i] != first {
                i += 1
                continue
            }
            var k = 1
            while k < p.count {
                if line[i + k] != p[k] {
                    i += 1
                    continue outer
                }
                k += 1
            }
            return i
        }
        return nil
    }

    /// `FAILED [80072EFE]`, `*FAILED* [80072F8F]`, or `... with [80072F8F] ...` on a "Complete the request URL" line.
    static func failureCode(in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let failed = find("FAILED", in: line) ?? find("Complete the request URL", in: line) else { return nil }
        for marker: StaticString in ["FAILED [", "FAILED* [", "FAILED*  ["] {
            if let r = find(marker, in: line, from: failed), let code = hexCode(line, r + marker.utf8CodeUnitCount) {
                return code
            }
        }
        if find("Complete the request URL", in: line) != nil, let r = find(" with [", in: line),
            let code = hexCode(line, r + 7)
        {
            return code
        }
        return nil
    }

    static func failureCode(in line: String) -> String? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { failureCode(in: UnsafeBufferPointer($0)) }
    }

    /// Eight hex digits and `]` at `at`, an HRESULT failure (0x8xxxxxxx): `0x80072EFE`.
    static func hexCode(_ line: UnsafeBufferPointer<UInt8>, _ at: Int) -> String? {
        guard at + 9 <= line.count, line[at + 8] == 0x5D else { return nil }
        var value: UInt32 = 0
        var text = "0x"
        for k in at..<(at + 8) {
            let b = line[k]
            guard let v = RegQueryParser.hexValue(b) else { return nil }
            value = value << 4 | UInt32(v)
            text.append(Character(Unicode.Scalar(b >= 0x61 ? b - 0x20 : b)))
        }
        return value >= 0x8000_0000 ? text : nil
    }

    /// "/x64/10.0.19045.2728/0?..." -> the first a.b.c.d of digits that starts with 10. or 6.
    static func osVersion(in path: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        let n = path.count
        while i < n {
            var j = i
            while j < n, !isComponentSeparator(path[j]) { j += 1 }
            if j > i, let version = version(UnsafeBufferPointer(rebasing: path[i..<j])) { return version }
            i = j + 1
        }
        return nil
    }

    static func isComponentSeparator(_ b: UInt8) -> Bool { b == 0x2F || b == 0x3F || b == 0x26 || b == 0x3D }

    static func version(_ c: UnsafeBufferPointer<UInt8>) -> String? {
        var parts = 1
        var digits = 0
        for b in c {
            if b == 0x2E {
                guard digits > 0 else { return nil }
                parts += 1
                digits = 0
            } else if b >= 0x30, b <= 0x39 {
                digits += 1
            } else {
                return nil
            }
        }
        guard parts == 4, digits > 0 else { return nil }
        let text = String(decoding: c, as: UTF8.self)
        return text.hasPrefix("10.") || text.hasPrefix("6.") ? text : nil
    }

    static func osVersion(in path: String) -> String? {
        var bytes = Array(path.utf8)
        return bytes.withUnsafeMutableBufferPointer { osVersion(in: UnsafeBufferPointer($0)) }
    }
}
