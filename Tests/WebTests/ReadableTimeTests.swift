import Community
import Foundation
import Notary
import Testing
@testable import Web

/// Issue 22 #7: a person reads Beijing time, never the UTC the records keep. The expected text is
/// built here with Foundation's own calendar in the Asia/Shanghai zone, not with `ReadableTime`.
@Suite("readable times: Beijing time in the page's language")
struct ReadableTimeTests {
    static func shanghai(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }

    static let englishMonths: [String] = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.shortMonthSymbols
    }()

    @Test("any instant reads as Foundation's Asia/Shanghai wall clock, in Chinese and in English")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        var state = seed
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // 1992 to 2060: China has had no daylight saving since 1991.
            let seconds = 694_224_000 + TimeInterval(state >> 33)
            let date = Date(timeIntervalSince1970: seconds)
            let c = Self.shanghai(date)
            let clock = String(format: "%02d:%02d", c.hour!, c.minute!)
            #expect(ReadableTime.text(date, .zhHans) == "\(c.year!)年\(c.month!)月\(c.day!)日 \(clock)（北京时间）", "seed \(seed), \(seconds)")
            let month = Self.englishMonths[c.month! - 1]
            #expect(ReadableTime.text(date, .en) == "\(c.day!) \(month) \(c.year!), \(clock) (Beijing time)", "seed \(seed), \(seconds)")
        }
    }

    @Test("a stored timestamp crosses midnight into the next Beijing day; other text is left as it is")
    func storedTimestamps() {
        #expect(ReadableTime.text("2026-12-31T16:30:00Z", .zhHans) == "2027年1月1日 00:30（北京时间）")
        #expect(ReadableTime.text("2026-12-03T12:00:00Z", .en) == "3 Dec 2026, 20:00 (Beijing time)")
        #expect(ReadableTime.text("not a time", .zhHans) == "not a time")
        #expect(ReadableTime.day(CivilDate(year: 2026, month: 12, day: 3)!, .zhHans) == "2026年12月3日")
        #expect(ReadableTime.day(CivilDate(year: 2026, month: 2, day: 28)!, .en) == "28 Feb 2026")
    }
}
