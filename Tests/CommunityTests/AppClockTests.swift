import Foundation
import GRDB
import Notary
import Testing
@testable import Community

@Suite("AppClock: the rehearsal shift")
struct AppClockTests {
    /// 2026-11-26 21:00 UTC is 2026-11-27 05:00 in China.
    let realNow = Date(timeIntervalSince1970: 1_795_726_800)

    @Test("a moved day starts at 09:00 China time, whatever the real time of day")
    func dayStartsInTheMorning() {
        #expect(CivilDate.today(now: realNow) == CivilDate(year: 2026, month: 11, day: 27)!)
        let day = CivilDate(year: 2027, month: 1, day: 6)!
        let seconds = AppClock.offset(toToday: day, notBefore: nil, realNow: realNow)
        let moved = realNow.addingTimeInterval(TimeInterval(seconds))
        #expect(moved == day.instant(hour: 9))
        #expect(CivilDate.today(now: moved) == day)
        // The same date as the real one goes back to its morning.
        #expect(realNow.addingTimeInterval(TimeInterval(AppClock.offset(toToday: CivilDate(year: 2026, month: 11, day: 27)!, notBefore: nil, realNow: realNow)))
                == CivilDate(year: 2026, month: 11, day: 27)!.instant(hour: 9))
    }

    @Test("on the same rehearsal day the clock starts just after the last recorded action, never before it")
    func notBeforeLastAction() {
        let day = CivilDate(year: 2027, month: 1, day: 6)!
        let lastAction = day.instant(hour: 23)   // 23:00 China time that day, later than 09:00
        let seconds = AppClock.offset(toToday: day, notBefore: lastAction, realNow: realNow)
        let moved = realNow.addingTimeInterval(TimeInterval(seconds))
        #expect(moved > lastAction && moved.timeIntervalSince(lastAction) <= 2)
        // An earlier last action changes nothing.
        #expect(AppClock.offset(toToday: day, notBefore: day.instant(hour: 1), realNow: realNow) == Int(day.instant(hour: 9).timeIntervalSince(realNow)))
    }

    @Test("a real community's database refuses a rehearsal date; a rehearsal database refuses a date before its last action")
    func refusals() throws {
        let real = try AppDatabase.inMemory()
        _ = try real.createCommunity(code: nil, name: "桃园社区", streetOffice: "", district: "", actor: .system)
        #expect(throws: CommunityError.self) { try real.startRehearsalClock(on: CivilDate.today().adding(days: 30), actor: .system) }
        let practice = try AppDatabase.inMemory()
        let community = try practice.createCommunity(code: nil, name: "演练社区", streetOffice: "", district: "", rehearsal: true, actor: .system)
        #expect(community.rehearsal)
        #expect(try practice.primaryCommunity()?.rehearsal == true)
        do {
            try practice.startRehearsalClock(on: CivilDate.today().adding(days: -2), actor: .system)
            Issue.record("an earlier date was accepted")
        } catch {
            #expect("\(error)".contains("only moves forward"))
        }
        #expect(AppClock.shiftedSeconds == 0)
        #expect(try practice.isRehearsalDatabase() && !(try real.isRehearsalDatabase()))
        // A flag edited afterwards disagrees with the hash-chained creation entry and is refused.
        try real.writer.write { db in try db.execute(sql: "UPDATE community SET rehearsal = 1") }
        do {
            try real.startRehearsalClock(on: CivilDate.today().adding(days: 30), actor: .system)
            Issue.record("an edited flag was accepted")
        } catch {
            #expect("\(error)".contains("the database was edited"))
        }
        #expect(throws: CommunityError.self) { try real.isRehearsalDatabase() }
        #expect(AppClock.shiftedSeconds == 0)
        let audit = try practice.reader.read { db in try String.fetchAll(db, sql: "SELECT details FROM auditEntry WHERE action = 'community.create'") }
        #expect(audit.first?.contains("\"rehearsal\":\"yes\"") == true)
    }
}
