import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// The community's working calendar: the official list with its own entries on top.
    public func workingCalendar(communityID: Int64) throws -> WorkingCalendar {
        try reader.read { db in try Self.workingCalendar(db, communityID: communityID) }
    }

    static func workingCalendar(_ db: Database, communityID: Int64) throws -> WorkingCalendar {
        let rows = try Row.fetchAll(db, sql: "SELECT date, kind, name FROM calendarOverride WHERE communityID = ?", arguments: [communityID])
        let overrides = rows.compactMap { row -> WorkingCalendar.Day? in
            guard let date = CivilDate(row["date"] as String), let kind = WorkingCalendar.DayKind(rawValue: row["kind"]) else { return nil }
            return WorkingCalendar.Day(date: date, kind: kind, name: row["name"], official: false)
        }
        let confirmed = try Int.fetchAll(db, sql: "SELECT year FROM calendarYear WHERE communityID = ?", arguments: [communityID])
        return WorkingCalendar(overrides: overrides, confirmedYears: Set(confirmed))
    }

    /// Confirms that the announced arrangement of `year` is entered (its 调休 days as local
    /// entries): the year is no longer flagged "computed, not yet announced". `source` names
    /// the announcement (国办发明电〔2026〕…号).
    public func confirmCalendarYear(communityID: Int64, year: Int, source: String, actor: Actor, now: Date = AppClock.now()) throws {
        let source = source.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !source.isEmpty, source.count <= 100 else { throw CommunityError.invalid(field: "source", reason: "the announcement, 1 to 100 characters (国办发明电〔2026〕… 号)") }
        guard OfficialHolidays.years.contains(year) else { throw CommunityError.invalid(field: "year", reason: "a year from \(OfficialHolidays.years.lowerBound) to \(OfficialHolidays.years.upperBound)") }
        guard !OfficialHolidays.announcedYears.contains(year) else { throw CommunityError.invalid(field: "year", reason: "\(year)'s announced arrangement is already in the calendar") }
        try writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO calendarYear (communityID, year, source, confirmedBy, confirmedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [communityID, year, source, actor.description, Timestamp.string(from: now)])
            try AuditLog.append(db, actor: actor, action: "council.calendar.confirm", subject: "community:\(communityID)",
                                details: ["year": String(year), "source": source], now: now)
        }
    }

    /// Recomputes the deadlines of the community's motions that still have them after a
    /// calendar correction: each keeps its number of working days (counted on the calendar
    /// before the change) from the day it was received, and a changed deadline is written on
    /// the motion's history with the correction that moved it. Returns how many motions moved.
    static func recomputeDeadlines(_ db: Database, communityID: Int64, before: WorkingCalendar, correction: String, now: Date) throws -> Int {
        let after = try workingCalendar(db, communityID: communityID)
        var moved = 0
        for var motion in try Motion.filter(Column("communityID") == communityID).fetchAll(db) where OverdueRule.hasDeadline(state: motion.state) {
            var changes: [String] = []
            let acceptDays = before.workingDays(after: motion.submittedOn, through: motion.acceptDue)
            let replyDays = before.workingDays(after: motion.submittedOn, through: motion.replyDue)
            if motion.state == MotionWorkflow.initialState {
                let due = after.addingWorkingDays(acceptDays, to: motion.submittedOn)
                if due != motion.acceptDue { changes.append("受理期限 \(motion.acceptDue) → \(due)"); motion.acceptDue = due }
            }
            if motion.reply == nil {
                let due = after.addingWorkingDays(replyDays, to: motion.submittedOn)
                if due != motion.replyDue { changes.append("答复期限 \(motion.replyDue) → \(due)"); motion.replyDue = due }
            }
            guard !changes.isEmpty else { continue }
            try motion.update(db)
            var event = MotionEvent(motionID: motion.id!, at: Timestamp.string(from: now), actor: "系统", action: "deadline", fromState: nil, toState: nil,
                                    reason: "工作日历更正（\(correction)）：" + changes.joined(separator: "；"))
            try event.insert(db)
            moved += 1
        }
        return moved
    }

    /// Marks a day as a holiday, a working day, or back to normal (cancelling an official
    /// entry). The deadlines of motions that still have them are recomputed in the same
    /// transaction, each change shown on the motion (`recomputeDeadlines`).
    public func setCalendarDay(communityID: Int64, date: CivilDate, kind: WorkingCalendar.DayKind, name: String, actor: Actor) throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else { throw CommunityError.invalid(field: "name", reason: "what the day is, 1 to 40 characters (国庆节, 调休上班 …)") }
        guard (2000...2100).contains(date.year) else { throw CommunityError.invalid(field: "date", reason: "a date between 2000 and 2100") }
        try writer.write { db in
            let before = try Self.workingCalendar(db, communityID: communityID)
            try db.execute(sql: "INSERT OR REPLACE INTO calendarOverride (communityID, date, kind, name) VALUES (?, ?, ?, ?)",
                           arguments: [communityID, date.description, kind.rawValue, name])
            let moved = try Self.recomputeDeadlines(db, communityID: communityID, before: before, correction: "\(date) \(name)", now: AppClock.now())
            try AuditLog.append(db, actor: actor, action: "council.calendar", subject: "community:\(communityID)",
                                details: ["date": date.description, "kind": kind.rawValue, "name": name, "deadlinesMoved": String(moved)])
        }
    }

    /// Removes a community's own entry for a day (the official list applies again).
    public func removeCalendarDay(communityID: Int64, date: CivilDate, actor: Actor) throws {
        try writer.write { db in
            let before = try Self.workingCalendar(db, communityID: communityID)
            try db.execute(sql: "DELETE FROM calendarOverride WHERE communityID = ? AND date = ?", arguments: [communityID, date.description])
            guard db.changesCount > 0 else { throw CommunityError.notFound("a local calendar entry for \(date)") }
            let moved = try Self.recomputeDeadlines(db, communityID: communityID, before: before, correction: "\(date) 恢复", now: AppClock.now())
            try AuditLog.append(db, actor: actor, action: "council.calendar.remove", subject: "community:\(communityID)",
                                details: ["date": date.description, "deadlinesMoved": String(moved)])
        }
    }
}
