import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Sets the rehearsal clock (`AppClock`) to 09:00 on `date`, for `xuanyi serve
    /// --rehearsal-date`. Refused unless this is a rehearsal database (`xuanyi init --rehearsal`),
    /// and refused for a date before the newest audit entry: a rehearsal moves forward through the
    /// timeline, so its audit log and records stay in time order. The move is written to the
    /// audit log. Returns the shift in seconds.
    @discardableResult
    public func startRehearsalClock(on date: CivilDate, actor: Actor) throws -> Int {
        try writer.write { db in
            let community = try Self.rehearsalCommunity(db)
            guard community.rehearsal else {
                throw CommunityError.invalid(field: "rehearsal-date", reason: "\(community.name) is a real community's database; "
                                             + "the date can be moved only in a rehearsal database made with `xuanyi init --rehearsal`")
            }
            let newest = try Self.newestAuditTime(db)
            if let newest, date < CivilDate.today(now: newest) {
                throw CommunityError.invalid(field: "rehearsal-date", reason: "\(date) is before the last recorded action (\(CivilDate.today(now: newest))); a rehearsal's clock only moves forward")
            }
            let seconds = AppClock.set(today: date, notBefore: newest)
            try AuditLog.append(db, actor: actor, action: "clock.rehearsal", subject: "community:\(community.id!)",
                                details: ["date": date.description, "shiftSeconds": String(seconds)])
            return seconds
        }
    }

    /// In a rehearsal database, puts the clock back on the last rehearsal date (the newest
    /// `clock.rehearsal` entry), just after the last recorded action, so that a later run — the
    /// server without `--rehearsal-date`, a command-line write, an export — never goes back to the
    /// real date behind what was recorded. Does nothing in a real community's database. Returns
    /// the rehearsal date, if any.
    @discardableResult
    public func resumeRehearsalClock() throws -> CivilDate? {
        try reader.read { db in
            guard try Self.isRehearsal(db) else { return nil }
            guard let details = try String.fetchOne(db, sql: "SELECT details FROM auditEntry WHERE action = 'clock.rehearsal' ORDER BY seq DESC LIMIT 1"),
                  let object = try? JSONSerialization.jsonObject(with: Data(details.utf8)) as? [String: String],
                  let date = object["date"].flatMap(CivilDate.init) else { return nil }
            AppClock.set(today: date, notBefore: try Self.newestAuditTime(db))
            return date
        }
    }

    /// Whether this is a rehearsal database (see `isRehearsal(_:_:)`); false before `xuanyi init`.
    public func isRehearsalDatabase() throws -> Bool {
        try reader.read(Self.isRehearsal)
    }

    static func isRehearsal(_ db: Database) throws -> Bool {
        guard let community = try primaryCommunity(db) else { return false }
        return try isRehearsal(db, community)
    }

    /// Whether the served community is a rehearsal, from its flag *and* its hash-chained creation
    /// entry, which must agree: a flag edited in the database afterwards is refused, naming the
    /// entry, so that neither a real community can be made a rehearsal (and its clock moved) nor
    /// a rehearsal's records pass for a real election's.
    public static func isRehearsal(_ db: Database, _ community: Community) throws -> Bool {
        let row = try Row.fetchOne(db, sql: "SELECT seq, details FROM auditEntry WHERE action = 'community.create' AND subject = ? ORDER BY seq LIMIT 1",
                                   arguments: ["community:\(community.id!)"])
        let details = (row?["details"] as String?).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        let created = details?["rehearsal"] == "yes"
        guard created == community.rehearsal else {
            throw CommunityError.notAllowed("community.rehearsal is \(community.rehearsal) but the audit log's creation entry"
                                            + "\((row?["seq"] as Int64?).map { " (entry \($0))" } ?? "") says \(created): the database was edited")
        }
        return created
    }

    static func rehearsalCommunity(_ db: Database) throws -> Community {
        guard let community = try primaryCommunity(db) else { throw CommunityError.notFound("community (run xuanyi init first)") }
        _ = try isRehearsal(db, community)
        return community
    }

    static func newestAuditTime(_ db: Database) throws -> Date? {
        try String.fetchOne(db, sql: "SELECT at FROM auditEntry ORDER BY seq DESC LIMIT 1").flatMap(Timestamp.date(from:))
    }
}
