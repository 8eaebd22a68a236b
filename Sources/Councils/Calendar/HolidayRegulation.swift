import Community
import Foundation

/// The public holidays of 《全国年节及纪念日放假办法》 (State Council, 2024 revision, in force
/// from 2025), computed for any year, and the regulation's rule that a holiday falling on a
/// weekend is made up on the next working day (deliberation.md, "Readings that decide edge
/// cases"). Used for every year whose arrangement the General Office of the State Council has
/// not announced yet (`OfficialHolidays.announcedYears`): such days are marked `computed`, and
/// pages and receipts say "computed, not yet announced" until the community confirms the year.
///
/// - 元旦 1 January; 春节 New Year's Eve and the first three days of the lunar year; 清明节 the
///   Qingming solar term; 劳动节 1–2 May; 端午节 5th day of the 5th lunar month; 中秋节 15th day
///   of the 8th lunar month; 国庆节 1–3 October.
/// - A holiday on a Saturday or Sunday gives a day off on the next weekday that is not itself
///   a holiday or another make-up day (2027: 春节 6–7 February → 9–10 February); so does a
///   holiday falling on another one (中秋节 on 3 October 2028), so no holiday is lost.
/// - Weekend working days (调休上班) are not in the regulation: only an announcement sets them.
public enum HolidayRegulation {
    /// The first year the 2024 revision applies to.
    public static let firstYear = 2025

    /// The statutory holidays of `year` (no make-up days), in date order.
    public static func statutoryHolidays(year: Int) -> [(date: CivilDate, name: String)] {
        var days: [(CivilDate, String)] = []
        func add(_ date: CivilDate?, _ name: String) { if let date { days.append((date, name)) } }
        add(CivilDate(year: year, month: 1, day: 1), "元旦")
        if let newYear = lunarDate(year: year, month: 1, day: 1) {
            add(newYear.adding(days: -1), "春节")
            for offset in 0..<3 { add(newYear.adding(days: offset), "春节") }
        }
        add(CivilDate(year: year, month: 4, day: qingmingDay(year: year)), "清明节")
        add(CivilDate(year: year, month: 5, day: 1), "劳动节")
        add(CivilDate(year: year, month: 5, day: 2), "劳动节")
        add(lunarDate(year: year, month: 5, day: 5), "端午节")
        add(lunarDate(year: year, month: 8, day: 15), "中秋节")
        for day in 1...3 { add(CivilDate(year: year, month: 10, day: day), "国庆节") }
        return days.sorted { $0.0 < $1.0 }
    }

    /// The days off of `year` under the regulation: the statutory holidays and, for each one on
    /// a weekend, its make-up day (`补休`).
    public static func daysOff(year: Int) -> [WorkingCalendar.Day] {
        let holidays = statutoryHolidays(year: year)
        var taken = Set(holidays.map(\.date))
        var days: [WorkingCalendar.Day] = []
        var listed = Set<CivilDate>()
        for holiday in holidays {
            // A holiday on a weekend, or on a day that is already another holiday (中秋节 within
            // 国庆节), is made up on the next weekday that is not a holiday or make-up day.
            let clash = !listed.insert(holiday.date).inserted
            if !clash { days.append(WorkingCalendar.Day(date: holiday.date, kind: .holiday, name: holiday.name, official: true, computed: true)) }
            guard clash || isWeekend(holiday.date) else { continue }
            var day = holiday.date.adding(days: 1)
            while isWeekend(day) || taken.contains(day) { day = day.adding(days: 1) }
            taken.insert(day)
            listed.insert(day)
            days.append(WorkingCalendar.Day(date: day, kind: .holiday, name: "\(holiday.name)补休", official: true, computed: true))
        }
        return days.sorted { $0.date < $1.date }
    }

    static func isWeekend(_ date: CivilDate) -> Bool {
        let weekday = WorkingCalendar.weekday(date)
        return weekday == 0 || weekday == 6
    }

    /// The Gregorian date of a lunar month and day in the lunar year that begins in `year`
    /// (Foundation's Chinese calendar).
    static func lunarDate(year: Int, month: Int, day: Int) -> CivilDate? {
        var chinese = Calendar(identifier: .chinese)
        chinese.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = chinese.timeZone
        // The lunar year that begins between 21 January and 20 February of `year`.
        guard let midYear = gregorian.date(from: DateComponents(year: year, month: 6, day: 1)) else { return nil }
        let era = chinese.component(.era, from: midYear)
        let lunarYear = chinese.component(.year, from: midYear)
        guard let date = chinese.date(from: DateComponents(era: era, year: lunarYear, month: month, day: day, hour: 12)) else { return nil }
        let parts = gregorian.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The day of April of the Qingming solar term (4 or 5 April in this century; the usual
    /// formula [Y × 0.2422 + 4.81] − [Y / 4] with Y the year within the century).
    static func qingmingDay(year: Int) -> Int {
        let y = year % 100
        let c = year >= 2100 ? 5.52 : 4.81
        return Int((Double(y) * 0.2422 + c).rounded(.down)) - y / 4
    }
}
