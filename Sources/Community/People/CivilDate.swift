import Foundation
import Notary

/// A calendar date without a time or zone (`2026-11-26`): birth dates, election days,
/// living-since dates. Stored and encoded as `YYYY-MM-DD`.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date; nil when the day does not exist (e.g. 2025-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYYMMDD`, as spreadsheets write them).
    public init?(_ text: String) {
        // Fast path: exactly YYYY-MM-DD in ASCII.
        let utf8 = Array(text.utf8)
        if utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") {
            var parts = [0, 0, 0], valid = true
            for (index, byte) in utf8.enumerated() where index != 4 && index != 7 {
                guard byte >= 48, byte <= 57 else { valid = false; break }
                let part = index < 4 ? 0 : (index < 7 ? 1 : 2)
                parts[part] = parts[part] * 10 + Int(byte - 48)
            }
            if valid {
                self.init(year: parts[0], month: parts[1], day: parts[2])
                return
            }
        }
        let trimmed = text.trimmedSpaces
        let parts: [Substring]
        if trimmed.count == 8, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) {
            parts = [trimmed.prefix(4), trimmed.dropFirst(4).prefix(2), trimmed.suffix(2)]
        } else {
            parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        }
        guard parts.count == 3, parts[0].count == 4,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today in China Standard Time (UTC+8, no daylight saving), the zone every legal date refers to.
    public static func today(now: Date = AppClock.now()) -> CivilDate {
        from(now, utcOffsetSeconds: 8 * 3600)
    }

    /// The instant of `hour`:00 China Standard Time on this date.
    public func instant(hour: Int = 0) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Self.daysSinceEpoch(self) * 86_400 + (hour - 8) * 3_600))
    }

    /// The civil date of an instant at a fixed UTC offset.
    public static func from(_ date: Date, utcOffsetSeconds: Int) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: utcOffsetSeconds)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`, built without `String(format:)` (this runs once per imported row).
    public var description: String {
        var bytes = [UInt8](repeating: 48, count: 10)
        var y = year
        for index in stride(from: 3, through: 0, by: -1) { bytes[index] = UInt8(48 + y % 10); y /= 10 }
        bytes[4] = UInt8(ascii: "-")
        bytes[5] = UInt8(48 + month / 10); bytes[6] = UInt8(48 + month % 10)
        bytes[7] = UInt8(ascii: "-")
        bytes[8] = UInt8(48 + day / 10); bytes[9] = UInt8(48 + day % 10)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whole years of age (周岁) on `date` for someone born on `self`.
    ///
    /// A year is completed on the anniversary of the birth date itself, matching election
    /// notices ("年满十八周岁: born on or before the same date eighteen years earlier,
    /// that day included"). Someone born on 29 February completes a year on 1 March in a
    /// common year, since 29 February does not exist then and 28 February is not yet the
    /// anniversary.
    public func age(on date: CivilDate) -> Int {
        var years = date.year - year
        let birthdayThisYear: (Int, Int)
        if month == 2, day == 29, !CivilDate.isLeap(date.year) {
            birthdayThisYear = (3, 1)
        } else {
            birthdayThisYear = (month, day)
        }
        if (date.month, date.day) < birthdayThisYear { years -= 1 }
        return years
    }

    /// The date `days` later (or earlier, when negative).
    public func adding(days: Int) -> CivilDate {
        let base = Self.daysSinceEpoch(self) + days
        return Self.fromDaysSinceEpoch(base)
    }

    /// The same day `months` months later (or earlier), clamped to the month's last day
    /// (31 March − 1 month = 28 or 29 February).
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12, newMonth = total % 12 + 1
        return CivilDate(year: newYear, month: newMonth, day: min(day, CivilDate.daysIn(month: newMonth, year: newYear)))!
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int {
        Self.daysSinceEpoch(other) - Self.daysSinceEpoch(self)
    }

    static func daysSinceEpoch(_ date: CivilDate) -> Int {
        Int(GregorianDays.days(year: Int64(date.year), month: Int64(date.month), day: Int64(date.day)))
    }

    static func fromDaysSinceEpoch(_ days: Int) -> CivilDate {
        let (year, month, day) = GregorianDays.date(fromDays: Int64(days))
        return CivilDate(year: Int(year), month: Int(month), day: Int(day))!
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date (YYYY-MM-DD): \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
