import Community
import Foundation
import GRDB

extension AppDatabase {
    /// The community's motion workflow (the standard one until changed).
    public func motionWorkflow(communityID: Int64) throws -> MotionWorkflow {
        try reader.read { db in try Self.motionWorkflow(db, communityID: communityID) }
    }

    static func motionWorkflow(_ db: Database, communityID: Int64) throws -> MotionWorkflow {
        guard let json = try String.fetchOne(db, sql: "SELECT workflowJSON FROM councilSettings WHERE communityID = ?", arguments: [communityID]) else {
            return .standard
        }
        return try JSONDecoder().decode(MotionWorkflow.self, from: Data(json.utf8))
    }

    /// Replaces the workflow after validating it. Refused when a motion is in a state the new
    /// workflow no longer has (move those motions first).
    public func setMotionWorkflow(_ workflow: MotionWorkflow, communityID: Int64, actor: Actor) throws {
        try workflow.validate()
        try writer.write { db in
            let inUse = try String.fetchAll(db, sql: "SELECT DISTINCT state FROM motion WHERE communityID = ?", arguments: [communityID])
            if let orphan = inUse.first(where: { workflow.state($0) == nil }) {
                throw CommunityError.invalid(field: "states", reason: "motions are in state \(orphan), which the new workflow drops")
            }
            let settings = try Self.councilSettings(db, communityID: communityID)
            try Self.storeCouncilConfiguration(db, communityID: communityID, settings: settings, workflow: workflow)
            try AuditLog.append(db, actor: actor, action: "council.workflow", subject: "community:\(communityID)", details: workflow)
        }
    }
}
