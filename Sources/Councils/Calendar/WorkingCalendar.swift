import Community

/// Which days are working days: Monday to Friday, except public holidays, plus the weekend days
/// the State Council declares working days (调休上班). Deadlines in `acceptDays`/`replyDays`
/// count working days only.
public struct WorkingCalendar: Sendable, Equatable {
    /// How a listed day differs from the plain weekday rule.
    public enum DayKind: String, Codable, Sendable {
        /// A day off (放假), even on a weekday.
        case holiday
        /// A working day (上班), even on a weekend.
        case workday
        /// Back to the weekday rule (a community cancelling an official entry).
        case normal
    }

    /// A listed day: its kind and what it is (春节, 国庆节调休上班 …).
    public struct Day: Sendable, Equatable {
        public let date: CivilDate
        public let kind: DayKind
        public let name: String
        /// True for the shipped official calendar, false for a community's own entry.
        public let official: Bool
        /// True for a day computed from the holiday regulation for a year whose arrangement is
        /// not announced yet (`HolidayRegulation`), never labelled as an announced arrangement.
        public let computed: Bool

        public init(date: CivilDate, kind: DayKind, name: String, official: Bool, computed: Bool = false) {
            self.date = date
            self.kind = kind
            self.name = name
            self.official = official
            self.computed = computed
        }
    }

    /// Every listed day by date.
    public private(set) var days: [CivilDate: Day]
    /// Years whose arrangement is announced (shipped) or confirmed by the community.
    public let confirmedYears: Set<Int>

    /// A calendar from the official list with the community's entries applied on top.
    public init(official: [Day] = OfficialHolidays.days, overrides: [Day] = [], confirmedYears: Set<Int> = []) {
        var days: [CivilDate: Day] = [:]
        for day in official { days[day.date] = day }
        for day in overrides { days[day.date] = day }
        self.days = days
        self.confirmedYears = OfficialHolidays.announcedYears.union(confirmedYears)
    }

    /// Whether `year`'s working days are only computed from the regulation: no announced
    /// arrangement is in the calendar and the community has not confirmed the year.
    public func isUnconfirmed(year: Int) -> Bool { !confirmedYears.contains(year) }

    /// The unconfirmed years among `dates`' years, in order (for the "computed, not yet
    /// announced" flag on a motion, its receipt and the calendar page).
    public func unconfirmedYears(_ dates: [CivilDate]) -> [Int] {
        Set(dates.map(\.year)).filter(isUnconfirmed(year:)).sorted()
    }

    /// 0 = Sunday … 6 = Saturday.
    public static func weekday(_ date: CivilDate) -> Int {
        let n = CivilDate(year: 1970, month: 1, day: 1)!.days(until: date)
        return ((n % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        switch days[date]?.kind {
        case .holiday: return false
        case .workday: return true
        case .normal, nil:
            let weekday = Self.weekday(date)
            return weekday != 0 && weekday != 6
        }
    }

    /// The `count`th working day after `date` (the day itself is not counted: a motion received
    /// on Friday with 5 working days is due the next Friday, holidays skipped).
    public func addingWorkingDays(_ count: Int, to date: CivilDate) -> CivilDate {
        var day = date
        var remaining = count
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not later).
    public func workingDays(after start: CivilDate, through end: CivilDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// The listed days of a year, in date order.
    public func listed(year: Int) -> [Day] {
        days.values.filter { $0.date.year == year }.sorted { $0.date < $1.date }
    }
}
