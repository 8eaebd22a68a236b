import Community
import Foundation
import GRDB

/// How many residents' meetings a year has had against `meetingsPerYear` (deliberation.md:
/// held at least 1–2 times a year), for the reminder on the committee desk, in the dashboard
/// API and on the command line. A residents' meeting counts whether it is attended by all
/// adults, one per household, or the residents' groups' representatives.
public struct MeetingsPerYearReminder: Sendable, Equatable, Encodable {
    public let year: Int
    /// Residents' meetings of the year that were held (closed).
    public let held: Int
    /// Residents' meetings planned for the rest of the year (draft, noticed or open, from today).
    public let planned: Int
    /// `meetingsPerYear`.
    public let required: Int
    /// Held and planned together fall short of the requirement: the committee should plan one.
    public var behind: Bool { held + planned < required }
}

extension AppDatabase {
    /// The residents' meetings of `today`'s year against `meetingsPerYear`.
    public func meetingsPerYearReminder(communityID: Int64, today: CivilDate = .today()) throws -> MeetingsPerYearReminder {
        let settings = try councilSettings(communityID: communityID)
        let first = CivilDate(year: today.year, month: 1, day: 1)!.description, last = CivilDate(year: today.year, month: 12, day: 31)!.description
        return try reader.read { db in
            let held = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM meeting WHERE communityID = ? AND kind = 'residentsMeeting' AND status = 'closed' AND date BETWEEN ? AND ?
                """, arguments: [communityID, first, last]) ?? 0
            let planned = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM meeting WHERE communityID = ? AND kind = 'residentsMeeting' AND status IN ('draft', 'noticed', 'open') AND date BETWEEN ? AND ?
                """, arguments: [communityID, today.description, last]) ?? 0
            return MeetingsPerYearReminder(year: today.year, held: held, planned: planned, required: settings.meetingsPerYear)
        }
    }
}
