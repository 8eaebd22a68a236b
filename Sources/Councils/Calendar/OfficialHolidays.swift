import Community

/// The national public holidays and adjusted working days (调休上班), as the General Office of
/// the State Council announces them each year (国务院办公厅关于部分节假日安排的通知), entered as
/// data: 2025 (国办发明电〔2024〕12号) and 2026 (the notice of 4 November 2025).
///
/// Every later year up to 2100 is computed from the 2024 regulation (`HolidayRegulation`):
/// its days are marked `computed`, and the year is flagged "computed, not yet announced" on
/// pages and receipts until a clerk enters the announced arrangement and confirms the year
/// (calendar page or `xuanyi council calendar --confirm-year`).
public enum OfficialHolidays {
    /// Years whose announced arrangement is in this list.
    public static let announcedYears: Set<Int> = [2025, 2026]
    /// The years the calendar covers: announced, or computed from the regulation.
    public static let years = 2025...2100

    /// Every announced day, and the computed days of the other years.
    public static let days: [WorkingCalendar.Day] = announced + years.filter { !announcedYears.contains($0) }.flatMap(HolidayRegulation.daysOff(year:))

    /// The announced arrangements.
    public static let announced: [WorkingCalendar.Day] = {
        var days: [WorkingCalendar.Day] = []
        func off(_ year: Int, _ month: Int, _ day: Int, through last: (Int, Int)? = nil, _ name: String) {
            var date = CivilDate(year: year, month: month, day: day)!
            let end = last.map { CivilDate(year: year, month: $0.0, day: $0.1)! } ?? date
            while date <= end {
                days.append(.init(date: date, kind: .holiday, name: name, official: true))
                date = date.adding(days: 1)
            }
        }
        func work(_ year: Int, _ month: Int, _ day: Int, _ name: String) {
            days.append(.init(date: CivilDate(year: year, month: month, day: day)!, kind: .workday, name: "\(name)调休上班", official: true))
        }
        // 2025
        off(2025, 1, 1, "元旦")
        off(2025, 1, 28, through: (2, 4), "春节"); work(2025, 1, 26, "春节"); work(2025, 2, 8, "春节")
        off(2025, 4, 4, through: (4, 6), "清明节")
        off(2025, 5, 1, through: (5, 5), "劳动节"); work(2025, 4, 27, "劳动节")
        off(2025, 5, 31, through: (6, 2), "端午节")
        off(2025, 10, 1, through: (10, 8), "国庆节、中秋节"); work(2025, 9, 28, "国庆节"); work(2025, 10, 11, "国庆节")
        // 2026
        off(2026, 1, 1, through: (1, 3), "元旦"); work(2026, 1, 4, "元旦")
        off(2026, 2, 15, through: (2, 23), "春节"); work(2026, 2, 14, "春节"); work(2026, 2, 28, "春节")
        off(2026, 4, 4, through: (4, 6), "清明节")
        off(2026, 5, 1, through: (5, 5), "劳动节"); work(2026, 5, 9, "劳动节")
        off(2026, 6, 19, through: (6, 21), "端午节")
        off(2026, 9, 25, through: (9, 27), "中秋节")
        off(2026, 10, 1, through: (10, 7), "国庆节"); work(2026, 9, 20, "国庆节"); work(2026, 10, 10, "国庆节")
        return days
    }()
}
