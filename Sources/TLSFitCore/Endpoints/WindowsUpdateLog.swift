import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

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
        let (text, _) = try TextDecoding.decode(bytes, source: source)
        var log = WindowsUpdateLog(source: source, requestedHosts: [], failures: [], osVersions: [], errors: [], newestTime: nil, newestTimeLine: nil)
        var stampedLines = 0
        var lastURLByThread: [String: (host: String, scheme: String, port: Int)] = [:]
        var lastURL: (host: String, scheme: String, port: Int)?
        for (number, raw) in TextDecoding.lines(text) {
            let line = raw.string
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            var thread = ""
            if fields.count >= 2, let time = timestamp(String(fields[0]), String(fields[1])) {
                stampedLines += 1
                if log.newestTime.map({ time >= $0 }) ?? true {
                    log.newestTime = time
                    log.newestTimeLine = number
                }
                if fields.count >= 4 { thread = String(fields[3]) }
            }
            let url = firstURL(in: line)
            if let url {
                if !log.requestedHosts.contains(url.host) { log.requestedHosts.append(url.host) }
                lastURLByThread[thread] = (url.host, url.scheme, url.port)
                lastURL = (url.host, url.scheme, url.port)
                if let version = osVersion(in: url.path), !log.osVersions.contains(version) { log.osVersions.append(version) }
            }
            guard let code = failureCode(in: line) else { continue }
            log.errors.append(code)
            guard let target = url.map({ ($0.host, $0.scheme, $0.port) }) ?? lastURLByThread[thread] ?? lastURL else { continue }
            if let i = log.failures.firstIndex(where: { $0.host == target.0 }) {
                if !log.failures[i].errors.contains(code) { log.failures[i].errors.append(code) }
                log.failures[i].lines.append(number)
            } else {
                log.failures.append(HostFailure(host: target.0, scheme: target.1, port: target.2, errors: [code], lines: [number]))
            }
        }
        guard stampedLines > 0 else {
            throw InputError(source: source, line: 1, message: "not a WindowsUpdate.log: no line starts with a time stamp (YYYY/MM/DD HH:MM:SS); write it with Get-WindowsUpdateLog")
        }
        return log
    }

    /// The OS build of the first request URL that carries one.
    public var build: Int? { osVersions.lazy.compactMap(WindowsBuildReleaseMap.buildNumber).first }

    // MARK: Pieces

    static func timestamp(_ date: String, _ time: String) -> Date? {
        let d = date.split(separator: "/")
        guard d.count == 3, d[0].count == 4, let y = Int(d[0]), let mo = Int(d[1]), let da = Int(d[2]) else { return nil }
        let t = time.split(separator: ".")[0].split(separator: ":")
        guard t.count == 3, let h = Int(t[0]), let mi = Int(t[1]), let s = Int(t[2]),
            (1...12).contains(mo), (1...31).contains(da), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s)
        else { return nil }
        // The log's times are UTC. timegm, not a Calendar: FoundationEssentials has no time zone
        // database (TimeZone(identifier:) is nil without FoundationInternationalization).
        var fields = tm()
        (fields.tm_year, fields.tm_mon, fields.tm_mday) = (Int32(y - 1900), Int32(mo - 1), Int32(da))
        (fields.tm_hour, fields.tm_min, fields.tm_sec) = (Int32(h), Int32(mi), Int32(s))
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }

    struct URLParts { var scheme: String; var host: String; var port: Int; var path: String }

    static func firstURL(in line: String) -> URLParts? {
        guard let range = line.firstOccurrence(of: "http", ignoringASCIICase: true) else { return nil }
        var rest = line[range.lowerBound...]
        let scheme: String
        if rest.lowercased().hasPrefix("https://") { scheme = "https"; rest = rest.dropFirst(8) }
        else if rest.lowercased().hasPrefix("http://") { scheme = "http"; rest = rest.dropFirst(7) }
        else { return firstURL(in: String(line[line.index(after: range.lowerBound)...])) }
        let end = rest.firstIndex { $0 == " " || $0 == ">" || $0 == "\"" || $0 == "\t" } ?? rest.endIndex
        let whole = rest[..<end]
        let hostEnd = whole.firstIndex { $0 == "/" || $0 == "?" } ?? whole.endIndex
        var hostPort = String(whole[..<hostEnd]).lowercased()
        var port = scheme == "https" ? 443 : 80
        if let colon = hostPort.lastIndex(of: ":"), let p = Int(hostPort[hostPort.index(after: colon)...]) {
            port = p
            hostPort = String(hostPort[..<colon])
        }
        guard !hostPort.isEmpty, hostPort.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
        return URLParts(scheme: scheme, host: hostPort, port: port, path: String(whole[hostEnd...]))
    }

    /// `FAILED [80072EFE]`, `*FAILED* [80072F8F]`, or `... with [80072F8F] ...` on a "Complete the request URL" line.
    static func failureCode(in line: String) -> String? {
        for marker in ["FAILED [", "FAILED* [", "FAILED*  ["] {
            if let r = line.firstOccurrence(of: marker), let code = hexCode(line[r.upperBound...]) { return code }
        }
        if line.firstOccurrence(of: "Complete the request URL") != nil, let r = line.firstOccurrence(of: " with ["), let code = hexCode(line[r.upperBound...]) {
            return code
        }
        return nil
    }

    static func hexCode(_ s: Substring) -> String? {
        let digits = s.prefix { $0.isHexDigit }
        guard digits.count == 8, s.dropFirst(8).first == "]", let value = UInt32(digits, radix: 16), value >= 0x8000_0000 else { return nil }
        return "0x" + digits.uppercased()
    }

    static func osVersion(in path: String) -> String? {
        // "/x64/10.0.19045.2728/0?..." -> the first a.b.c.d of digits that starts with 10.0. or 6.
        for component in path.split(whereSeparator: { $0 == "/" || $0 == "?" || $0 == "&" || $0 == "=" }) {
            let parts = component.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), parts[0] == "10" || parts[0] == "6" {
                return String(component)
            }
        }
        return nil
    }
}
