import Community
import Foundation
import GRDB

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
        return WorkingCalendar(overrides: overrides)
    }

    /// Marks a day as a holiday, a working day, or back to normal (cancelling an official
    /// entry). Deadlines of motions already received keep the dates they were given; the
    /// change applies to motions received afterwards.
    public func setCalendarDay(communityID: Int64, date: CivilDate, kind: WorkingCalendar.DayKind, name: String, actor: Actor) throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else { throw CommunityError.invalid(field: "name", reason: "what the day is, 1 to 40 characters (国庆节, 调休上班 …)") }
        guard (2000...2100).contains(date.year) else { throw CommunityError.invalid(field: "date", reason: "a date between 2000 and 2100") }
        try writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO calendarOverride (communityID, date, kind, name) VALUES (?, ?, ?, ?)",
                           arguments: [communityID, date.description, kind.rawValue, name])
            try AuditLog.append(db, actor: actor, action: "council.calendar", subject: "community:\(communityID)",
                                details: ["date": date.description, "kind": kind.rawValue, "name": name])
        }
    }

    /// Removes a community's own entry for a day (the official list applies again).
    public func removeCalendarDay(communityID: Int64, date: CivilDate, actor: Actor) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM calendarOverride WHERE communityID = ? AND date = ?", arguments: [communityID, date.description])
            guard db.changesCount > 0 else { throw CommunityError.notFound("a local calendar entry for \(date)") }
            try AuditLog.append(db, actor: actor, action: "council.calendar.remove", subject: "community:\(communityID)", details: ["date": date.description])
        }
    }
}
