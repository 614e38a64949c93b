import Foundation
import TLSFitCore
import Testing

/// The hand-written UTC timestamps agree with Foundation's ISO 8601 format.
@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [0, 951_782_400, 1_796_000_000, 1_796_000_000.5, 4_102_444_799.25, 1_234_567_890.75])
    func matchesFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(Timestamp.iso8601(date) == date.formatted(Date.ISO8601FormatStyle()))
        #expect(
            Timestamp.iso8601Fractional(date)
                == date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        #expect(Timestamp.day(date) == date.formatted(Date.ISO8601FormatStyle().year().month().day()))
        #expect(Timestamp.parse(Timestamp.iso8601(date)) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func leapDayAndOffsets() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.parse("2026-01-01T01:00:00+01:00") == Timestamp.parse("2026-01-01T00:00:00Z"))
        #expect(Timestamp.parse("yesterday") == nil)
    }
}
