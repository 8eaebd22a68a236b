import Community
import Testing
@testable import Councils

@Suite("working-day deadlines")
struct WorkingCalendarTests {
    let calendar = WorkingCalendar()

    @Test("weekdays: 2026-11-26 is a Thursday, 1970-01-01 too")
    func weekdays() {
        #expect(WorkingCalendar.weekday(.d(2026, 11, 26)) == 4)
        #expect(WorkingCalendar.weekday(.d(1970, 1, 1)) == 4)
        #expect(WorkingCalendar.weekday(.d(2026, 11, 29)) == 0)
        #expect(WorkingCalendar.weekday(.d(1969, 12, 31)) == 3)
    }

    @Test("National Day 2026: holidays skipped, the adjusted Saturday 10 October counts")
    func nationalDay() {
        // Wed 30 Sep; 1–7 Oct off; Thu 8 (1), Fri 9 (2), Sat 10 adjusted working (3), Mon 12 (4), Tue 13 (5).
        #expect(calendar.addingWorkingDays(5, to: .d(2026, 9, 30)) == .d(2026, 10, 13))
        #expect(calendar.isWorkingDay(.d(2026, 10, 10)))
        #expect(!calendar.isWorkingDay(.d(2026, 10, 5)))
        // Sunday 20 September 2026 is a working day too.
        #expect(calendar.isWorkingDay(.d(2026, 9, 20)))
    }

    @Test("Spring Festival 2026: Saturday 14 February works, 15–23 off")
    func springFestival() {
        // Fri 13 Feb: Sat 14 (1), 15–23 off, Tue 24 (2), 25 (3), 26 (4), Fri 27 (5).
        #expect(calendar.addingWorkingDays(5, to: .d(2026, 2, 13)) == .d(2026, 2, 27))
        // 15 working days from Mon 9 Feb: 10,11,12,13 (4), 14 Sat (5), 24–27 (9), 28 Sat adjusted (10), Mar 2–6 (15).
        #expect(calendar.addingWorkingDays(15, to: .d(2026, 2, 9)) == .d(2026, 3, 6))
    }

    @Test("2025 Labour Day and its adjusted Sunday 27 April")
    func labourDay2025() {
        #expect(calendar.isWorkingDay(.d(2025, 4, 27)))
        // Fri 25 Apr: Sun 27 (1), Mon 28 (2), Tue 29 (3), Wed 30 (4), 1–5 May off, Tue 6 (5).
        #expect(calendar.addingWorkingDays(5, to: .d(2025, 4, 25)) == .d(2025, 5, 6))
    }

    @Test("plain weeks and counting back")
    func plainWeek() {
        // Thu 26 Nov 2026 + 5 working days = Thu 3 Dec.
        #expect(calendar.addingWorkingDays(5, to: .d(2026, 11, 26)) == .d(2026, 12, 3))
        #expect(calendar.workingDays(after: .d(2026, 11, 26), through: .d(2026, 12, 3)) == 5)
        #expect(calendar.workingDays(after: .d(2026, 12, 3), through: .d(2026, 11, 26)) == 0)
    }

    @Test("a community's own entries override the official list, and deadlines of new motions follow")
    func overrides() throws {
        let fixture = try CouncilFixture(households: 5)
        try fixture.database.setCalendarDay(communityID: fixture.communityID, date: .d(2026, 12, 1), kind: .holiday, name: "社区停电", actor: .commandLine)
        try fixture.database.setCalendarDay(communityID: fixture.communityID, date: .d(2026, 10, 10), kind: .normal, name: "本社区不调休", actor: .commandLine)
        let local = try fixture.database.workingCalendar(communityID: fixture.communityID)
        #expect(!local.isWorkingDay(.d(2026, 12, 1)))
        #expect(!local.isWorkingDay(.d(2026, 10, 10)))
        #expect(local.addingWorkingDays(5, to: .d(2026, 11, 26)) == .d(2026, 12, 4))
        let (motion, _) = try fixture.motion(on: .d(2026, 11, 26))
        #expect(motion.acceptDue == .d(2026, 12, 4))
        try fixture.database.removeCalendarDay(communityID: fixture.communityID, date: .d(2026, 12, 1), actor: .commandLine)
        #expect(try fixture.database.workingCalendar(communityID: fixture.communityID).isWorkingDay(.d(2026, 12, 1)))
        #expect(throws: CommunityError.self) { try fixture.database.removeCalendarDay(communityID: fixture.communityID, date: .d(2026, 12, 1), actor: .commandLine) }
    }

    @Test("motions get accept and reply deadlines in working days; overdue ones are found")
    func motionDeadlines() throws {
        let fixture = try CouncilFixture(households: 5)
        // Wed 30 Sep 2026: accept by Tue 13 Oct (above); reply 15 working days:
        // 8,9,10(Sat),12–16 (8), 19–23 (13), 26, 27 (15) → Tue 27 Oct.
        let (motion, _) = try fixture.motion(on: .d(2026, 9, 30))
        #expect(motion.acceptDue == .d(2026, 10, 13))
        #expect(motion.replyDue == .d(2026, 10, 27))
        #expect(!motion.acceptOverdue(today: .d(2026, 10, 13)))
        #expect(motion.acceptOverdue(today: .d(2026, 10, 14)))
        let overdue = try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(overdueOnly: true), today: .d(2026, 10, 14))
        #expect(overdue.map(\.motion.number) == [motion.number])
        let accepted = try fixture.move(motion, "accept")
        #expect(!accepted.acceptOverdue(today: .d(2026, 10, 14)))
        #expect(accepted.replyOverdue(today: .d(2026, 10, 28)))
        try fixture.database.replyToMotion(id: motion.id!, text: "已受理。", actor: .commandLine, by: fixture.chair)
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(overdueOnly: true), today: .d(2026, 10, 28)).isEmpty)
    }
}
