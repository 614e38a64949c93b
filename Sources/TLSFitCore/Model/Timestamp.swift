import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 timestamps in UTC for reports and logs.
///
/// Written from gmtime_r: `ISO8601DateFormatter` goes through CoreFoundation and ICU (creating one
/// cost milliseconds, a sixth of a short scan's run), and even `ISO8601FormatStyle` builds a
/// calendar and looks up the local time zone first.
public enum Timestamp {
    /// `2026-11-30T00:58:46Z`
    public static func iso8601(_ date: Date) -> String { format(date, fraction: false) }

    /// `2026-11-30T00:58:46.123Z`
    public static func iso8601Fractional(_ date: Date) -> String { format(date, fraction: true) }

    /// `2026-11-30`
    public static func day(_ date: Date) -> String { String(format(date, fraction: false).prefix(10)) }

    /// A date written as `2026-11-30T00:58:46Z` (or with an offset); nil when it is not one.
    public static func parse(_ text: String) -> Date? { try? Date.ISO8601FormatStyle().parse(text) }

    private static func format(_ date: Date, fraction: Bool) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var millis = Int(((interval - interval.rounded(.down)) * 1000).rounded(.down))
        if millis >= 1000 { (seconds, millis) = (seconds + 1, 0) }
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "?" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
        text += "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
        if fraction { text += ".\(pad(Int32(millis), 3))" }
        return text + "Z"
    }
}
