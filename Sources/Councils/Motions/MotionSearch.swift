import Community
import Foundation
import GRDB

/// Filters for the motion list (all optional; combined with AND).
public struct MotionFilter: Sendable, Equatable {
    public var state: String?
    public var category: String?
    public var building: String?
    /// Only motions past their accept or reply deadline.
    public var overdueOnly: Bool
    /// Words in the title or description, or a motion number.
    public var text: String?

    public init(state: String? = nil, category: String? = nil, building: String? = nil, overdueOnly: Bool = false, text: String? = nil) {
        self.state = state?.nilIfEmpty
        self.category = category?.nilIfEmpty
        self.building = building?.nilIfEmpty
        self.overdueOnly = overdueOnly
        self.text = text?.trimmingCharacters(in: .whitespaces).nilIfEmpty
    }
}

/// A motion as listed: the motion and its support count.
public struct MotionListing: Sendable, Equatable {
    public let motion: Motion
    public let supports: Int
}

extension AppDatabase {
    /// Motions matching `filter`, newest first, with their support counts.
    public func motions(communityID: Int64, filter: MotionFilter = MotionFilter(), today: CivilDate = .today()) throws -> [MotionListing] {
        try reader.read { db in
            let unit = try Self.councilSettings(db, communityID: communityID).supportUnit
            var sql = """
                SELECT motion.*, \(CosignThreshold.countExpression(unit, motionColumn: "motion.id")) AS supportCount
                FROM motion WHERE communityID = ?
                """
            var arguments: StatementArguments = [communityID]
            if let state = filter.state { sql += " AND state = ?"; _ = arguments.append(contentsOf: [state]) }
            if let category = filter.category { sql += " AND category = ?"; _ = arguments.append(contentsOf: [category]) }
            if let building = filter.building { sql += " AND building = ?"; _ = arguments.append(contentsOf: [building]) }
            if let text = filter.text {
                let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                sql += " AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' OR number = ?)"
                _ = arguments.append(contentsOf: [pattern, pattern, text])
            }
            sql += " ORDER BY seq DESC"
            var listings: [MotionListing] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let motion = try Motion(row: row)
                if filter.overdueOnly && !motion.overdue(today: today) { continue }
                listings.append(MotionListing(motion: motion, supports: row["supportCount"]))
            }
            return listings
        }
    }

    /// Motions the committee must put on an agenda (`CosignThreshold.mustSchedule`).
    public func motionsToSchedule(communityID: Int64) throws -> [MotionListing] {
        let settings = try councilSettings(communityID: communityID)
        let workflow = try motionWorkflow(communityID: communityID)
        return try motions(communityID: communityID).filter {
            CosignThreshold.mustSchedule($0.motion, supports: $0.supports, settings: settings, workflow: workflow)
        }
    }

    /// The motion register as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese).
    public func motionsCSV(communityID: Int64, filter: MotionFilter = MotionFilter(), today: CivilDate = .today()) throws -> String {
        let settings = try councilSettings(communityID: communityID)
        let workflow = try motionWorkflow(communityID: communityID)
        var lines = ["编号,标题,类别,楼栋,单元,网格,提出人,渠道,提交日期,状态,附议数,受理期限,答复期限,答复日期,逾期"]
        for listing in try motions(communityID: communityID, filter: filter, today: today) {
            let motion = listing.motion
            let fields = [motion.number, motion.title, settings.category(motion.category)?.zh ?? motion.category, motion.building, motion.unit, motion.grid,
                          motion.submitterLabel, motion.channel, motion.submittedOn.description, workflow.state(motion.state)?.zh ?? motion.state,
                          String(listing.supports), motion.acceptDue.description, motion.replyDue.description, motion.repliedOn?.description ?? "",
                          motion.acceptOverdue(today: today) ? "受理逾期" : motion.replyOverdue(today: today) ? "答复逾期" : ""]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Formula-guarded and quoted (`CSVField`).
    static func csvField(_ text: String) -> String { CSVField.escape(text) }

    /// Counts of motions per state, for the dashboard.
    public func motionCountsByState(communityID: Int64) throws -> [String: Int] {
        try reader.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM motion WHERE communityID = ? GROUP BY state", arguments: [communityID]) {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }
}
