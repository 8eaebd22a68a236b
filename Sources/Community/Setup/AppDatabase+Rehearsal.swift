import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Sets the rehearsal clock (`AppClock`) so that today is `date`, for `xuanyi serve
    /// --rehearsal-date`. Refused unless this is a rehearsal database (`xuanyi init --rehearsal`),
    /// and refused for a date before the newest audit entry: a rehearsal moves forward through the
    /// timeline, so its audit log and records stay in time order. The shift is written to the
    /// audit log. Returns the shift in seconds.
    @discardableResult
    public func startRehearsalClock(on date: CivilDate, actor: Actor) throws -> Int {
        guard let community = try primaryCommunity() else { throw CommunityError.notFound("community (run xuanyi init first)") }
        guard community.rehearsal else {
            throw CommunityError.invalid(field: "rehearsal-date", reason: "\(community.name) is a real community's database; "
                                         + "the date can be moved only in a rehearsal database made with `xuanyi init --rehearsal`")
        }
        return try writer.write { db in
            let newest = try String.fetchOne(db, sql: "SELECT at FROM auditEntry ORDER BY seq DESC LIMIT 1").flatMap(Timestamp.date(from:))
            if let newest, date < CivilDate.today(now: newest) {
                throw CommunityError.invalid(field: "rehearsal-date", reason: "\(date) is before the last recorded action (\(CivilDate.today(now: newest))); a rehearsal's clock only moves forward")
            }
            let seconds = AppClock.set(today: date, notBefore: newest)
            try AuditLog.append(db, actor: actor, action: "clock.rehearsal", subject: "community:\(community.id!)",
                                details: ["date": date.description, "shiftSeconds": String(seconds)])
            return seconds
        }
    }
}
