import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Co-signs (附议) a motion for the acting household or resident, per `supportUnit`.
    ///
    /// One support per household (or resident) per motion, counted by the unit in force
    /// (`CosignThreshold`); the submitting household does not co-sign its own motion; only a
    /// resident who may take part (`CouncilEligibility`) co-signs; co-signing is open only in
    /// states marked `supportsOpen`. When the supports first reach `supportThreshold` the motion
    /// is marked (one history line) and must be scheduled from then on. Returns the number of
    /// supports after this one.
    @discardableResult
    public func supportMotion(id: Int64, as identity: ResidentIdentity, now: Date = AppClock.now()) throws -> Int {
        try writer.write { db in
            guard var motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            let settings = try Self.councilSettings(db, communityID: motion.communityID)
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            guard workflow.state(motion.state)?.supportsOpen == true else {
                throw CommunityError.notAllowed("motion \(motion.number) is \(workflow.state(motion.state)?.zh ?? motion.state): co-signing is closed")
            }
            guard identity.householdID != motion.householdID else {
                throw CommunityError.notAllowed("your household submitted motion \(motion.number): co-signs come from other households, and the submitting household's own is not one of them")
            }
            try CouncilEligibility.require(db, identity: identity, communityID: motion.communityID, on: CivilDate.today(now: now), what: "co-sign")
            let unit: String
            switch settings.supportUnit {
            case .household: unit = "household:\(identity.householdID)"
            case .resident:
                guard let resident = identity.residentID else {
                    throw CommunityError.invalid(field: "resident", reason: "supports count per resident here: say which member of the household supports")
                }
                unit = "resident:\(resident)"
            }
            let (own, ownArguments) = CosignThreshold.ownSupport(identity, unit: settings.supportUnit)
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionSupport WHERE motionID = ? AND \(own))", arguments: [id] + ownArguments) == true {
                throw CommunityError.notAllowed(settings.supportUnit == .household
                    ? "household \(identity.householdNumber) already supports motion \(motion.number) (one support per household)"
                    : "this resident already supports motion \(motion.number)")
            }
            try db.execute(sql: "INSERT INTO motionSupport (motionID, unit, householdID, residentID, channel, supportedAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, unit, identity.householdID, identity.residentID, identity.channel, Timestamp.string(from: now)])
            let count = try CosignThreshold.count(db, motionID: id, unit: settings.supportUnit)
            try AuditLog.append(db, actor: identity.actor, action: "motion.support", subject: "motion:\(motion.number)",
                                details: ["supports": String(count), "unit": settings.supportUnit.rawValue], now: now)
            if motion.thresholdReachedAt == nil && count >= settings.supportThreshold {
                motion.thresholdReachedAt = Timestamp.string(from: now)
                try motion.update(db)
                var event = MotionEvent(motionID: id, at: Timestamp.string(from: now), actor: "系统", action: "threshold", fromState: nil, toState: nil,
                                        reason: "附议达到 \(settings.supportThreshold) \(settings.supportUnit == .household ? "户" : "人")，应列入议程")
                try event.insert(db)
            }
            return count
        }
    }

    /// Withdraws the acting household's (or resident's) support, while co-signing is open. A
    /// motion that had reached the threshold stays bound by it.
    @discardableResult
    public func withdrawSupport(id: Int64, as identity: ResidentIdentity, now: Date = AppClock.now()) throws -> Int {
        try writer.write { db in
            guard let motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            let settings = try Self.councilSettings(db, communityID: motion.communityID)
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            guard workflow.state(motion.state)?.supportsOpen == true else {
                throw CommunityError.notAllowed("motion \(motion.number) is \(workflow.state(motion.state)?.zh ?? motion.state): supports can no longer be withdrawn")
            }
            let (own, ownArguments) = CosignThreshold.ownSupport(identity, unit: settings.supportUnit)
            try db.execute(sql: "DELETE FROM motionSupport WHERE motionID = ? AND \(own)", arguments: [id] + ownArguments)
            guard db.changesCount > 0 else { throw CommunityError.notFound("a support of yours for motion \(motion.number)") }
            let count = try CosignThreshold.count(db, motionID: id, unit: settings.supportUnit)
            try AuditLog.append(db, actor: identity.actor, action: "motion.support.withdraw", subject: "motion:\(motion.number)",
                                details: ["supports": String(count)], now: now)
            return count
        }
    }

    /// How many supports a motion has, counted by the unit in force.
    public func supportCount(motionID: Int64) throws -> Int {
        try reader.read { db in
            guard let communityID = try Int64.fetchOne(db, sql: "SELECT communityID FROM motion WHERE id = ?", arguments: [motionID]) else { return 0 }
            return try CosignThreshold.count(db, motionID: motionID, unit: Self.councilSettings(db, communityID: communityID).supportUnit)
        }
    }

    /// Whether the household (or resident) supports the motion, by the unit in force.
    public func supports(motionID: Int64, identity: ResidentIdentity) throws -> Bool {
        try reader.read { db in
            guard let communityID = try Int64.fetchOne(db, sql: "SELECT communityID FROM motion WHERE id = ?", arguments: [motionID]) else { return false }
            let (own, ownArguments) = CosignThreshold.ownSupport(identity, unit: try Self.councilSettings(db, communityID: communityID).supportUnit)
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionSupport WHERE motionID = ? AND \(own))", arguments: [motionID] + ownArguments) ?? false
        }
    }

    /// Whether the committee must put the motion on an agenda now (`CosignThreshold`).
    public func mustSchedule(motionID: Int64) throws -> Bool {
        let motion = try motion(id: motionID)
        return CosignThreshold.mustSchedule(motion, supports: try supportCount(motionID: motionID),
                                            settings: try councilSettings(communityID: motion.communityID), workflow: try motionWorkflow(communityID: motion.communityID))
    }
}
