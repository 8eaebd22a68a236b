import Community

/// When a motion is overdue (deliberation.md, "Readings that decide edge cases"): a deadline
/// missed while the motion is still open. Withdrawn, merged, archived and decided motions
/// (passed, rejected, deferred, and on through implementing, completed, evaluated) are never
/// overdue. The motion list, the dashboard, the CSV, the command line and the monthly
/// disclosure report all ask this one rule.
public enum OverdueRule {
    /// States in which a motion has no deadline left. A state a community adds to its workflow
    /// keeps its deadlines (an unknown state is treated as open, so nothing late is hidden).
    public static let statesWithoutDeadline: Set<String> = [
        "withdrawn", "merged", "archived", "passed", "rejected", "deferred", "implementing", "completed", "evaluated",
    ]

    /// Whether a motion in `state` still has deadlines.
    public static func hasDeadline(state: String) -> Bool { !statesWithoutDeadline.contains(state) }

    /// Late to accept on `day`: open, the accept deadline passed, and not answered by `day`
    /// (`answeredOn`: the day it left the initial state, nil if it has not).
    public static func acceptLate(state: String, acceptDue: CivilDate, answeredOn: CivilDate?, on day: CivilDate) -> Bool {
        hasDeadline(state: state) && day > acceptDue && (answeredOn.map { $0 > day } ?? true)
    }

    /// Late to reply on `day`: open, the reply deadline passed, and no reply by `day`.
    public static func replyLate(state: String, replyDue: CivilDate, repliedOn: CivilDate?, on day: CivilDate) -> Bool {
        hasDeadline(state: state) && day > replyDue && (repliedOn.map { $0 > day } ?? true)
    }

    /// Overdue on `day`, given the motion's state on that day.
    public static func overdue(state: String, acceptDue: CivilDate, replyDue: CivilDate, answeredOn: CivilDate?, repliedOn: CivilDate?, on day: CivilDate) -> Bool {
        acceptLate(state: state, acceptDue: acceptDue, answeredOn: answeredOn, on: day)
            || replyLate(state: state, replyDue: replyDue, repliedOn: repliedOn, on: day)
    }
}
