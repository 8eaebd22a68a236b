import Community
import Foundation
import Notary

/// Times and dates as a resident reads them (issue 22 #7): Beijing time, in the page's language.
///
/// Everything Xuanyi signs or stores keeps UTC (`Timestamp`, `2026-12-03T12:00:00Z`); a page
/// shows the same instant as `2026年12月3日 20:00（北京时间）` or `3 Dec 2026, 20:00 (Beijing
/// time)`. China has kept UTC+8 all year since 1991, so the offset is a constant, not a time-zone
/// database lookup that could differ between servers.
enum ReadableTime {
    /// Beijing time's offset from UTC.
    static let offset: TimeInterval = 8 * 3600

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An instant in Beijing time, to the minute.
    static func text(_ date: Date, _ locale: AppLocale) -> String {
        let local = Int64((date.timeIntervalSince1970 + offset).rounded(.down))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let second = local - days * 86_400
        let (year, month, day) = GregorianDays.date(fromDays: days)
        let clock = String(format: "%02d:%02d", second / 3600, (second % 3600) / 60)
        switch locale {
        case .zhHans: return "\(year)年\(month)月\(day)日 \(clock)（北京时间）"
        case .en: return "\(day) \(months[Int(month) - 1]) \(year), \(clock) (Beijing time)"
        }
    }

    /// A stored `Timestamp` in Beijing time; text in any other form is shown as it is (nothing
    /// a person wrote is lost to a parse).
    static func text(_ timestamp: String, _ locale: AppLocale) -> String {
        Timestamp.date(from: timestamp).map { text($0, locale) } ?? timestamp
    }

    /// A calendar day: `2026年12月3日`, `3 Dec 2026`.
    static func day(_ date: CivilDate, _ locale: AppLocale) -> String {
        switch locale {
        case .zhHans: return "\(date.year)年\(date.month)月\(date.day)日"
        case .en: return "\(date.day) \(months[date.month - 1]) \(date.year)"
        }
    }
}
