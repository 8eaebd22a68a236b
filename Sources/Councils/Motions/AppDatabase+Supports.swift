import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Co-signs (附议) a motion for the acting household or resident, per `supportUnit`.
    ///
    /// One support per household (or resident) per motion — the table's primary key makes a
    /// second one fail even under concurrency; the submitting household cannot co-sign its own
    /// motion; co-signing is open only in states marked `supportsOpen`. Returns the number of
    /// supports after this one.
    @discardableResult
    public func supportMotion(id: Int64, as identity: ResidentIdentity, now: Date = AppClock.now()) throws -> Int {
        try writer.write { db in
            guard let motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            let settings = try Self.councilSettings(db, communityID: motion.communityID)
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            guard workflow.state(motion.state)?.supportsOpen == true else {
                throw CommunityError.notAllowed("motion \(motion.number) is \(workflow.state(motion.state)?.zh ?? motion.state): co-signing is closed")
            }
            guard identity.householdID != motion.householdID else {
                throw CommunityError.notAllowed("your household submitted motion \(motion.number); its support is counted already")
            }
            let unit: String
            switch settings.supportUnit {
            case .household: unit = "household:\(identity.householdID)"
            case .resident:
                guard let resident = identity.residentID else {
                    throw CommunityError.invalid(field: "resident", reason: "supports count per resident here: say which member of the household supports")
                }
                unit = "resident:\(resident)"
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionSupport WHERE motionID = ? AND unit = ?)", arguments: [id, unit]) == true {
                throw CommunityError.notAllowed(settings.supportUnit == .household
                    ? "household \(identity.householdNumber) already supports motion \(motion.number) (one support per household)"
                    : "this resident already supports motion \(motion.number)")
            }
            try db.execute(sql: "INSERT INTO motionSupport (motionID, unit, householdID, residentID, channel, supportedAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, unit, identity.householdID, identity.residentID, identity.channel, Timestamp.string(from: now)])
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM motionSupport WHERE motionID = ?", arguments: [id]) ?? 0
            try AuditLog.append(db, actor: identity.actor, action: "motion.support", subject: "motion:\(motion.number)",
                                details: ["supports": String(count), "unit": settings.supportUnit.rawValue], now: now)
            if count == settings.supportThreshold {
                var event = MotionEvent(motionID: id, at: Timestamp.string(from: now), actor: "系统", action: "threshold", fromState: nil, toState: nil,
                                        reason: "附议达到 \(settings.supportThreshold) \(settings.supportUnit == .household ? "户" : "人")，应列入议程")
                try event.insert(db)
            }
            return count
        }
    }

    /// Withdraws the acting household's (or resident's) support, while co-signing is open.
    @discardableResult
    public func withdrawSupport(id: Int64, as identity: ResidentIdentity, now: Date = AppClock.now()) throws -> Int {
        try writer.write { db in
            guard let motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            guard workflow.state(motion.state)?.supportsOpen == true else {
                throw CommunityError.notAllowed("motion \(motion.number) is \(workflow.state(motion.state)?.zh ?? motion.state): supports can no longer be withdrawn")
            }
            try db.execute(sql: "DELETE FROM motionSupport WHERE motionID = ? AND (unit = ? OR unit = ?)",
                           arguments: [id, "household:\(identity.householdID)", identity.residentID.map { "resident:\($0)" } ?? "-"])
            guard db.changesCount > 0 else { throw CommunityError.notFound("a support of yours for motion \(motion.number)") }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM motionSupport WHERE motionID = ?", arguments: [id]) ?? 0
            try AuditLog.append(db, actor: identity.actor, action: "motion.support.withdraw", subject: "motion:\(motion.number)",
                                details: ["supports": String(count)], now: now)
            return count
        }
    }

    /// How many supports a motion has.
    public func supportCount(motionID: Int64) throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM motionSupport WHERE motionID = ?", arguments: [motionID]) ?? 0 }
    }

    /// Whether the household (or resident) supports the motion.
    public func supports(motionID: Int64, identity: ResidentIdentity) throws -> Bool {
        try reader.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionSupport WHERE motionID = ? AND (unit = ? OR unit = ?))",
                              arguments: [motionID, "household:\(identity.householdID)", identity.residentID.map { "resident:\($0)" } ?? "-"]) ?? false
        }
    }
}
