import Dispatch
import FoundationEssentials

/// A point in time on the monotonic clock, with the remaining time in poll(2) milliseconds.
struct Deadline: Sendable {
    let start: UInt64
    let end: UInt64

    init(seconds: Double) {
        start = DispatchTime.now().uptimeNanoseconds
        end = start + UInt64(max(0, seconds) * 1_000_000_000)
    }

    var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < end else { return 0 }
        return Int32(min(Int64(Int32.max), Int64((end - now) / 1_000_000) + 1))
    }

    var expired: Bool { DispatchTime.now().uptimeNanoseconds >= end }

    static func millisecondsSince(_ t: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t) / 1_000_000
    }

    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
}
