import Foundation
import Testing
@testable import RunStore

/// Timestamps are formatted by hand (the writer stamps a heartbeat several
/// times a second); they must read exactly like ISO8601DateFormatter's.
@Suite struct TimestampTests {
    @Test func handFormattedTimestampsMatchISO8601DateFormatter() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        reference.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5), // 2000-02-29
                     Date(timeIntervalSince1970: 4_102_444_799.999)]
            + (0..<2000).map { _ in Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)) }
        for date in dates {
            #expect(Timestamp.string(date) == reference.string(from: date), "\(date.timeIntervalSince1970)")
        }
        let now = Date()
        let parsed = Timestamp.date(Timestamp.string(now))
        #expect(parsed.map { abs($0.timeIntervalSince(now)) < 0.001 } == true)
    }
}
