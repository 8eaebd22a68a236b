import Community
import Foundation
import Testing
@testable import Councils

/// The working calendar for years without an announced arrangement (issue 21, defect 5):
/// computed from the 2024 holiday regulation, flagged until confirmed, deadlines recomputed
/// when the calendar is corrected.
@Suite("holiday regulation and computed years")
struct HolidayRegulationTests {
    @Test("2027: the make-up days of the regulation (9–10 Feb, 3–4 May, 4–5 Oct), computed and flagged, not labelled as announced")
    func year2027() {
        let calendar = WorkingCalendar()
        for day in [CivilDate.d(2027, 2, 9), .d(2027, 2, 10), .d(2027, 5, 3), .d(2027, 5, 4), .d(2027, 10, 4), .d(2027, 10, 5)] {
            #expect(!calendar.isWorkingDay(day), "\(day)")
            #expect(calendar.days[day]?.computed == true && calendar.days[day]?.name.hasSuffix("补休") == true)
        }
        for day in [CivilDate.d(2027, 2, 5), .d(2027, 2, 8), .d(2027, 4, 5), .d(2027, 6, 9), .d(2027, 9, 15), .d(2027, 1, 1)] {
            #expect(!calendar.isWorkingDay(day), "\(day)")
        }
        #expect(calendar.isWorkingDay(.d(2027, 2, 11)) && calendar.isWorkingDay(.d(2027, 10, 6)))
        #expect(calendar.isUnconfirmed(year: 2027) && calendar.isUnconfirmed(year: 2028))
        #expect(!calendar.isUnconfirmed(year: 2026))
        #expect(calendar.listed(year: 2027).allSatisfy { $0.computed })
        #expect(calendar.listed(year: 2026).allSatisfy { !$0.computed })
    }

    @Test("lunar holidays land on their known dates")
    func lunarDates() {
        let newYears: [Int: CivilDate] = [2025: .d(2025, 1, 29), 2026: .d(2026, 2, 17), 2027: .d(2027, 2, 6), 2028: .d(2028, 1, 26), 2029: .d(2029, 2, 13), 2030: .d(2030, 2, 3)]
        for (year, day) in newYears { #expect(HolidayRegulation.lunarDate(year: year, month: 1, day: 1) == day, "\(year)") }
        #expect(HolidayRegulation.lunarDate(year: 2027, month: 5, day: 5) == .d(2027, 6, 9))
        #expect(HolidayRegulation.lunarDate(year: 2028, month: 8, day: 15) == .d(2028, 10, 3))
        #expect(HolidayRegulation.lunarDate(year: 2025, month: 8, day: 15) == .d(2025, 10, 6))
        #expect([2025, 2026, 2027, 2028].map(HolidayRegulation.qingmingDay(year:)) == [4, 5, 5, 4])
    }

    @Test("the announced arrangements of 2025 and 2026 give every day off the regulation computes")
    func announcedCoverStatutory() {
        let calendar = WorkingCalendar()
        for year in [2025, 2026] {
            for holiday in HolidayRegulation.statutoryHolidays(year: year) {
                #expect(!calendar.isWorkingDay(holiday.date), "\(holiday.date) \(holiday.name)")
            }
        }
    }

    @Test("every computed year 2027–2100: one make-up weekday per holiday lost to a weekend or another holiday, the earliest free one")
    func makeUpRule() {
        for year in 2027...2100 {
            let statutory = HolidayRegulation.statutoryHolidays(year: year)
            let dates = Set(statutory.map(\.date))
            // A holiday is lost when it falls on a weekend or on a day another holiday already has.
            var seen = Set<CivilDate>()
            let lost = statutory.filter { !seen.insert($0.date).inserted || [0, 6].contains(WorkingCalendar.weekday($0.date)) }.count
            let makeUps = HolidayRegulation.daysOff(year: year).filter { $0.name.hasSuffix("补休") }
            #expect(makeUps.count == lost, "\(year)")
            for day in makeUps {
                #expect(![0, 6].contains(WorkingCalendar.weekday(day.date)) && !dates.contains(day.date), "\(year): \(day.date)")
                // Earliest: every weekday between the festival's holiday and its make-up day is off.
                let festival = statutory.filter { day.name.hasPrefix($0.name) && $0.date < day.date }.map(\.date).max()!
                var probe = festival.adding(days: 1)
                while probe < day.date {
                    #expect([0, 6].contains(WorkingCalendar.weekday(probe)) || dates.contains(probe) || makeUps.contains { $0.date == probe }, "\(year): \(probe) free before \(day.date)")
                    probe = probe.adding(days: 1)
                }
            }
            #expect(statutory.count == 13, "\(year): 13 statutory days")
        }
    }

    /// Reference: working days by walking the calendar with Foundation's weekday and the listed days.
    static func referenceAdding(_ count: Int, to start: CivilDate, off: Set<CivilDate>, on: Set<CivilDate>) -> CivilDate {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        var date = gregorian.date(from: DateComponents(year: start.year, month: start.month, day: start.day))!
        var remaining = count
        while remaining > 0 {
            date = gregorian.date(byAdding: .day, value: 1, to: date)!
            let parts = gregorian.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
            let weekend = parts.weekday == 1 || parts.weekday == 7
            if on.contains(civil) || (!weekend && !off.contains(civil)) { remaining -= 1 }
        }
        let parts = gregorian.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    @Test("deadlines in working days equal the reference on generated dates 2025–2040 (seed printed)")
    func deadlinesMatchReference() {
        let seed = DeliberationRulesTests.seed()
        var rng = SeededGenerator(seed: seed)
        let calendar = WorkingCalendar()
        let off = Set(calendar.days.values.filter { $0.kind == .holiday }.map(\.date))
        let on = Set(calendar.days.values.filter { $0.kind == .workday }.map(\.date))
        for _ in 0..<3_000 {
            let start = CivilDate.d(2025, 1, 1).adding(days: Int.random(in: 0..<(16 * 365), using: &rng))
            let count = Int.random(in: 1...30, using: &rng)
            let expected = Self.referenceAdding(count, to: start, off: off, on: on)
            #expect(calendar.addingWorkingDays(count, to: start) == expected, "seed \(seed): \(count) working days from \(start)")
        }
    }

    @Test("correcting the calendar moves the deadlines of open motions, shown on the motion; confirming a year lifts the flag")
    func recomputedDeadlines() throws {
        let fixture = try CouncilFixture(households: 5)
        // Mon 1 Feb 2027: 5 working days → Mon 8 Feb is 春节 (computed), so Tue 2 … Fri 5 is 春节 eve: 2,3,4 (3), 5 off, 8 off, 9,10 off → 11 (4), 12 (5).
        let (motion, _) = try fixture.motion(on: .d(2027, 2, 1))
        #expect(motion.acceptDue == .d(2027, 2, 12))
        let answered = try fixture.motion("已答复", from: 2, on: .d(2027, 2, 1)).0
        _ = try fixture.database.moveMotion(id: answered.id!, action: "withdraw", reason: nil, by: .submitter(try fixture.household(2)), now: CivilDate.d(2027, 2, 2).instant())
        // The announcement makes Sunday 7 February a working day (调休上班).
        try fixture.database.setCalendarDay(communityID: fixture.communityID, date: .d(2027, 2, 7), kind: .workday, name: "春节调休上班", actor: .commandLine)
        let moved = try fixture.database.motion(id: motion.id!)
        #expect(moved.acceptDue == .d(2027, 2, 11))
        let line = try #require(try fixture.database.motionHistory(motionID: motion.id!).last)
        #expect(line.action == "deadline" && (line.reason ?? "").contains("2027-02-12 → 2027-02-11"))
        // A withdrawn motion keeps its dates and gets no line.
        #expect(try fixture.database.motionHistory(motionID: answered.id!).allSatisfy { $0.action != "deadline" })
        // Removing the entry moves it back.
        try fixture.database.removeCalendarDay(communityID: fixture.communityID, date: .d(2027, 2, 7), actor: .commandLine)
        #expect(try fixture.database.motion(id: motion.id!).acceptDue == .d(2027, 2, 12))
        #expect(try fixture.database.workingCalendar(communityID: fixture.communityID).isUnconfirmed(year: 2027))
        try fixture.database.confirmCalendarYear(communityID: fixture.communityID, year: 2027, source: "国办发明电〔2026〕7号", actor: .commandLine)
        #expect(!(try fixture.database.workingCalendar(communityID: fixture.communityID).isUnconfirmed(year: 2027)))
        #expect(throws: CommunityError.self) { try fixture.database.confirmCalendarYear(communityID: fixture.communityID, year: 2026, source: "x", actor: .commandLine) }
    }
}
