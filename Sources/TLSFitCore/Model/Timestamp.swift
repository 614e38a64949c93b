import FoundationEssentials

/// ISO 8601 timestamps in UTC for reports and logs.
///
/// Written by hand (days to a civil date, as gmtime does): `ISO8601DateFormatter` goes through
/// CoreFoundation and ICU (creating one cost milliseconds, a sixth of a short scan's run), and even
/// `ISO8601FormatStyle` builds a calendar and looks up the local time zone first.
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
        // A year gmtime could not hold (more than 32 bits), or no date at all: "?", as gmtime_r gave.
        guard interval.isFinite, abs(interval) < 6.7e16 else { return "?" }
        var seconds = Int64(interval.rounded(.down))
        var millis = Int(((interval - interval.rounded(.down)) * 1000).rounded(.down))
        if millis >= 1000 { (seconds, millis) = (seconds + 1, 0) }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(year, 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))"
        text += "T\(pad(Int64(time / 3600), 2)):\(pad(Int64(time / 60 % 60), 2)):\(pad(Int64(time % 60), 2))"
        if fraction { text += ".\(pad(Int64(millis), 3))" }
        return text + "Z"
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468  // from 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // [0, 11], from March
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
