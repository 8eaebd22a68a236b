import Community
import Foundation
import GRDB

/// The co-sign threshold (附议达到 `supportThreshold`) and what it binds (deliberation.md,
/// "Readings that decide edge cases"): a motion whose supports reached the threshold must be
/// put on an agenda — it can be merged or referred with a reason, never refused — and it stays
/// reached when a support is withdrawn later. Supports count by the unit in force
/// (`supportUnit`): one per household, or one per resident. The motion list, the motion page,
/// the committee desk, the API and the command line ask this one rule.
public enum CosignThreshold {
    /// Whether the threshold binds the motion: it was reached once (`thresholdReachedAt`), or
    /// the supports counted now reach it (a threshold lowered later binds too).
    public static func reached(_ motion: Motion, supports: Int, settings: CouncilSettings) -> Bool {
        motion.thresholdReachedAt != nil || supports >= settings.supportThreshold
    }

    /// Whether the committee must put the motion on an agenda now: the threshold binds and the
    /// motion has not been scheduled or otherwise moved on yet (a state still open to co-signing).
    public static func mustSchedule(_ motion: Motion, supports: Int, settings: CouncilSettings, workflow: MotionWorkflow) -> Bool {
        reached(motion, supports: supports, settings: settings) && workflow.state(motion.state)?.supportsOpen == true
    }

    /// Actions the threshold forbids: refusing the motion.
    public static let refusingActions: Set<String> = ["notAccept"]

    /// The supports of a motion counted by `unit`: distinct households, or distinct residents
    /// (a support given for a household without naming a member counts once). Supports given
    /// under the other unit are counted by this one, so switching the unit never double counts.
    static func countExpression(_ unit: SupportUnit, motionColumn: String) -> String {
        let key = unit == .household ? "COALESCE('household:' || s.householdID, s.unit)" : "COALESCE('resident:' || s.residentID, s.unit)"
        return "(SELECT count(DISTINCT \(key)) FROM motionSupport s WHERE s.motionID = \(motionColumn))"
    }

    static func count(_ db: Database, motionID: Int64, unit: SupportUnit) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT \(countExpression(unit, motionColumn: "?"))", arguments: [motionID]) ?? 0
    }

    /// The rows that are the identity's support under `unit`, as an SQL condition and its arguments.
    static func ownSupport(_ identity: ResidentIdentity, unit: SupportUnit) -> (String, StatementArguments) {
        switch (unit, identity.residentID) {
        case (.household, _): return ("householdID = ?", [identity.householdID])
        case (.resident, let resident?): return ("(residentID = ? OR unit = ?)", [resident, "resident:\(resident)"])
        case (.resident, nil): return ("unit = ?", ["household:\(identity.householdID)"])
        }
    }
}
