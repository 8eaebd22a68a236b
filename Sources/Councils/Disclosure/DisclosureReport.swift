import Community
import Foundation
import GRDB
import Notary

/// The monthly disclosure report (居务公开月报) of the discussion garden: what came in, what
/// the committee did with it, what is late, what was completed, and how satisfied residents
/// were — for the notice board (print page) and as CSV.
public struct DisclosureReport: Sendable, Equatable, Encodable {
    /// `2026-11`.
    public let month: String
    public let received: Int
    public let accepted: Int
    public let notAccepted: Int
    public let referred: Int
    public let decided: Int
    public let completed: Int
    /// Motions overdue at the end of the month (accept or reply deadline passed).
    public let overdue: Int
    /// Milestones overdue at the end of the month.
    public let overdueMilestones: Int
    public let meetings: Int
    public let hearings: Int
    /// Ratings given this month, and how many were 满意 / 基本满意 / 不满意 — of motions whose
    /// evaluation has closed: nothing of an open evaluation is shown anywhere.
    public let ratings: Int
    public let satisfied: Int
    public let basic: Int
    public let dissatisfied: Int
    /// (满意 + 基本满意) / ratings in tenths of a percent (per mille, rounded half up), nil
    /// without ratings: an integer, so the report's canonical JSON (`council report --json`)
    /// holds no floating-point number.
    public let satisfactionPerMille: Int?
    /// The same in percent with one decimal, for display.
    public var satisfactionPercent: Double? { satisfactionPerMille.map { Double($0) / 10 } }

    /// The rows of the report (label, value), in print order.
    public var rows: [(String, String)] {
        [("收到议题", "\(received)"), ("受理", "\(accepted)"), ("不予受理", "\(notAccepted)"), ("转办", "\(referred)"), ("会议或听证作出决定", "\(decided)"),
         ("办结", "\(completed)"), ("月末逾期议题", "\(overdue)"), ("月末逾期落实节点", "\(overdueMilestones)"), ("召开会议", "\(meetings)"), ("举行听证会", "\(hearings)"),
         ("评议份数", "\(ratings)"), ("满意", "\(satisfied)"), ("基本满意", "\(basic)"), ("不满意", "\(dissatisfied)"),
         ("满意率（满意＋基本满意）", satisfactionPercent.map { String(format: "%.1f%%", $0) } ?? "—")]
    }

    /// The report as CSV (UTF-8 with BOM; every value formula-guarded, `CSVField`).
    public var csv: String {
        "\u{FEFF}月份,项目,数值\r\n" + rows.map { CSVField.line([month, $0.0, $0.1]) + "\r\n" }.joined()
    }
}

extension AppDatabase {
    /// The disclosure report of `year`-`month` (China time).
    public func disclosureReport(communityID: Int64, year: Int, month: Int) throws -> DisclosureReport {
        guard (1...12).contains(month), let first = CivilDate(year: year, month: month, day: 1) else {
            throw CommunityError.invalid(field: "month", reason: "YYYY-MM")
        }
        let last = first.adding(months: 1).adding(days: -1)
        let label = String(format: "%04d-%02d", year, month)
        func inMonth(_ stamp: String) -> Bool {
            guard let date = Timestamp.date(from: stamp) else { return false }
            let day = CivilDate.today(now: date)
            return day >= first && day <= last
        }
        return try reader.read { db in
            let motions = try Motion.filter(Column("communityID") == communityID).fetchAll(db)
            let events = try Row.fetchAll(db, sql: """
                SELECT motionEvent.motionID, motionEvent.action, motionEvent.fromState, motionEvent.toState, motionEvent.at FROM motionEvent
                JOIN motion ON motion.id = motionEvent.motionID WHERE motion.communityID = ? ORDER BY motionEvent.id
                """, arguments: [communityID])
            func count(_ actions: Set<String>) -> Int { events.filter { actions.contains($0["action"] as String) && inMonth($0["at"]) }.count }
            // When each motion first left the initial state (accepted, refused, referred …), and
            // its state at the end of the month (the last transition by then).
            let monthEnd = last
            var leftInitialState: [Int64: CivilDate] = [:]
            var stateAtMonthEnd: [Int64: String] = [:]
            for event in events {
                let motionID: Int64 = event["motionID"]
                guard let date = Timestamp.date(from: event["at"]).map({ CivilDate.today(now: $0) }) else { continue }
                if event["fromState"] as String? == MotionWorkflow.initialState, leftInitialState[motionID] == nil { leftInitialState[motionID] = date }
                if date <= monthEnd, let to = event["toState"] as String? { stateAtMonthEnd[motionID] = to }
            }
            // Overdue at the end of the month (`OverdueRule`): motions received by then, open
            // then, whose accept or reply deadline had passed without an answer by then.
            var overdue = 0
            for motion in motions where motion.submittedOn <= monthEnd {
                if OverdueRule.overdue(state: stateAtMonthEnd[motion.id!] ?? motion.state, acceptDue: motion.acceptDue, replyDue: motion.replyDue,
                                       answeredOn: leftInitialState[motion.id!], repliedOn: motion.reply == nil ? nil : motion.repliedOn, on: monthEnd) {
                    overdue += 1
                }
            }
            let milestones = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM milestone JOIN motion ON motion.id = milestone.motionID
                WHERE motion.communityID = ? AND milestone.due < ? AND (milestone.doneOn IS NULL OR milestone.doneOn > ?)
                """, arguments: [communityID, monthEnd.description, monthEnd.description]) ?? 0
            let meetings = try Int.fetchOne(db, sql: "SELECT count(*) FROM meeting WHERE communityID = ? AND status IN ('open', 'closed') AND date BETWEEN ? AND ?",
                                            arguments: [communityID, first.description, last.description]) ?? 0
            let hearings = try Int.fetchOne(db, sql: "SELECT count(*) FROM hearing WHERE communityID = ? AND status IN ('held', 'closed', 'reported') AND date BETWEEN ? AND ?",
                                            arguments: [communityID, first.description, last.description]) ?? 0
            var ratings: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT rating, count(*) AS n FROM motionRating JOIN motion ON motion.id = motionRating.motionID
                WHERE motion.communityID = ? AND motionRating.month = ? AND motion.state <> 'completed' GROUP BY rating
                """, arguments: [communityID, label]) {
                ratings[row["rating"]] = row["n"]
            }
            let total = ratings.values.reduce(0, +)
            let good = (ratings["satisfied"] ?? 0) + (ratings["basic"] ?? 0)
            return DisclosureReport(
                month: label, received: motions.filter { $0.submittedOn >= first && $0.submittedOn <= last }.count,
                accepted: count(["accept"]), notAccepted: count(["notAccept"]), referred: count(["refer"]), decided: count(["pass", "reject", "defer"]),
                completed: count(["complete"]), overdue: overdue, overdueMilestones: milestones, meetings: meetings, hearings: hearings,
                ratings: total, satisfied: ratings["satisfied"] ?? 0, basic: ratings["basic"] ?? 0, dissatisfied: ratings["dissatisfied"] ?? 0,
                satisfactionPerMille: total == 0 ? nil : (good * 2000 + total) / (2 * total))
        }
    }
}
