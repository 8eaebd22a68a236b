import Community
import Foundation
import GRDB

/// A motion (议题) in the register: what it asks, where, who raised it, its state in the
/// workflow and its deadlines.
public struct Motion: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var communityID: Int64
    /// Public tracking number, `2026-0007` (year and sequence within the community).
    public var number: String
    public var seq: Int
    public var title: String
    public var description: String
    /// Key of a `MotionCategory`.
    public var category: String
    /// Location: building (楼栋), unit (单元) and grid (网格); any may be empty.
    public var building: String
    public var unit: String
    public var grid: String
    /// The submitting household, and the resident when known.
    public var householdID: Int64?
    public var residentID: Int64?
    /// Shown publicly: building and masked name (`3号楼 张某`).
    public var submitterLabel: String
    /// How it came in: `account`, `household`, `paper`, `phone`, `api`.
    public var channel: String
    /// The clerk who entered a paper or phone motion.
    public var enteredBy: String?
    /// RFC 3339 UTC time and China civil date of submission.
    public var submittedAt: String
    public var submittedOn: CivilDate
    /// Current state key in the community's workflow, and since when (RFC 3339).
    public var state: String
    public var stateSince: String
    /// Accept-or-refuse deadline (`acceptDays` working days) and reply deadline (`replyDays`).
    public var acceptDue: CivilDate
    public var replyDue: CivilDate
    /// The committee's reply to the submitter, and when.
    public var reply: String?
    public var repliedOn: CivilDate?
    /// Where a referred motion went (street office, property company, 12345 …).
    public var referredTo: String?
    /// The motion this one was merged into.
    public var mergedIntoID: Int64?
    /// SHA-256 of the motion's canonical submission statement (the receipt's tracking code).
    public var tracking: String
    /// SHA-256 of the attached photo, if any.
    public var photoSHA256: String?
    /// When co-signs first reached `supportThreshold` (RFC 3339): from then on the motion must
    /// be put on an agenda, even if a support is withdrawn later (`CosignThreshold`).
    public var thresholdReachedAt: String? = nil

    public static let databaseTableName = "motion"

    /// Overdue to accept: still in the initial state after its accept deadline (`OverdueRule`).
    public func acceptOverdue(today: CivilDate) -> Bool {
        OverdueRule.acceptLate(state: state, acceptDue: acceptDue, answeredOn: state == MotionWorkflow.initialState ? nil : submittedOn, on: today)
    }
    /// Overdue to reply: no reply after the reply deadline while the motion is open (`OverdueRule`).
    /// The motion as it stands: a reply it has counts as given.
    public func replyOverdue(today: CivilDate) -> Bool {
        OverdueRule.replyLate(state: state, replyDue: replyDue, repliedOn: reply == nil ? nil : submittedOn, on: today)
    }
    /// Overdue: a deadline missed while the motion is still open (`OverdueRule`).
    public func overdue(today: CivilDate) -> Bool { acceptOverdue(today: today) || replyOverdue(today: today) }
}

/// One line of a motion's public history: a transition, a reply, a schedule.
public struct MotionEvent: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var motionID: Int64
    public var at: String
    /// Who: `居委会 (username)`, `提出人`, `会议 #3` …
    public var actor: String
    public var action: String
    public var fromState: String?
    public var toState: String?
    public var reason: String?
    public static let databaseTableName = "motionEvent"
}

/// A comment on a motion; hidden comments stay, with who hid them and why.
public struct MotionComment: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var motionID: Int64
    /// Public label of the author (`3号楼 张某`, `居委会`).
    public var author: String
    /// The audit actor of the author.
    public var authorActor: String
    public var body: String
    /// Committee-internal: never shown on public pages.
    public var `internal`: Bool
    public var createdAt: String
    public var hiddenAt: String?
    public var hiddenBy: String?
    public var hiddenReason: String?
    public static let databaseTableName = "motionComment"
}

/// What a resident or clerk submits.
public struct NewMotion: Sendable {
    public var title: String
    public var description: String
    public var category: String
    public var building: String
    public var unit: String
    public var grid: String
    /// Photo bytes (JPEG or PNG), if any.
    public var photo: Data?

    public init(title: String, description: String, category: String, building: String = "", unit: String = "", grid: String = "", photo: Data? = nil) {
        self.title = title
        self.description = description
        self.category = category
        self.building = building
        self.unit = unit
        self.grid = grid
        self.photo = photo
    }
}

/// Who submits: a resident identity (account or household code), or a clerk entering a
/// motion received on paper or by phone on behalf of a household.
public enum MotionSubmitter: Sendable {
    case resident(ResidentIdentity)
    case onBehalf(householdNumber: String, residentID: Int64?, channel: String, clerk: Account)
}

/// The canonical statement whose SHA-256 is a motion's tracking code.
struct MotionStatement: Encodable {
    let community: Int64
    let number: String
    let submittedAt: String
    let title: String
    let description: String
    let category: String
    let location: [String]
    let household: String
    let channel: String
    let photo: String?
}

extension Motion {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MotionEvent {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MotionComment {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
