import Community
import Foundation
import GRDB

/// A meeting: kind, who is entitled to attend, when and where, chair and recorder, and where
/// it stands (draft → noticed → open → closed; or cancelled with a reason, or postponed back
/// to draft for a new notice).
public struct Meeting: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public enum Status: String, Codable, Sendable {
        case draft, noticed, open, closed, cancelled
        public var chinese: String {
            switch self {
            case .draft: return "草拟"
            case .noticed: return "已发通知"
            case .open: return "进行中"
            case .closed: return "已结束"
            case .cancelled: return "已取消"
            }
        }
        public var english: String {
            switch self {
            case .draft: return "draft"
            case .noticed: return "noticed"
            case .open: return "open"
            case .closed: return "closed"
            case .cancelled: return "cancelled"
            }
        }
    }
    public var id: Int64?
    public var communityID: Int64
    public var kind: MeetingKind
    public var basis: AttendanceBasis
    public var title: String
    public var date: CivilDate
    /// Start time, `HH:MM` China time.
    public var time: String
    public var venue: String
    public var chairAccountID: Int64
    public var recorderAccountID: Int64
    public var status: Status
    /// When the notice was published, and why it was late when it was.
    public var noticeOn: CivilDate?
    public var lateNoticeReason: String?
    /// Entitled attendees, frozen with the notice.
    public var entitled: Int
    public var openedAt: String?
    public var closedAt: String?
    public var createdAt: String
    /// The code shown only at the venue (on the clerk's screen) while the meeting is open:
    /// self check-in needs it, so nobody checks in from home. Staff pages only.
    public var presenceCode: String? = nil
    /// How many notices were published (a changed agenda or a new date needs a new one).
    public var noticeRevision: Int = 0
    /// The day the meeting was first noticed for, when it was postponed.
    public var postponedFrom: CivilDate? = nil
    /// Why the meeting was cancelled (status `cancelled`).
    public var cancelReason: String? = nil
    public static let databaseTableName = "meeting"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// How many votes an item needs (deliberation.md: more than half of those present by default).
public enum PassRule: String, Codable, Sendable, CaseIterable {
    /// More than half of the attendees present.
    case majorityOfPresent
    /// At least two thirds of the attendees present (a qualified majority).
    case twoThirdsOfPresent
    /// More than half of all entitled attendees.
    case majorityOfEntitled

    /// Whether `votesFor` pass. Integer arithmetic: exactly half is not more than half.
    public func passes(votesFor: Int, present: Int, entitled: Int) -> Bool {
        switch self {
        case .majorityOfPresent: return 2 * votesFor > present
        case .twoThirdsOfPresent: return 3 * votesFor >= 2 * present
        case .majorityOfEntitled: return 2 * votesFor > entitled
        }
    }

    public var chinese: String {
        switch self {
        case .majorityOfPresent: return "超过到会人员半数"
        case .twoThirdsOfPresent: return "到会人员三分之二以上"
        case .majorityOfEntitled: return "超过应到人员半数"
        }
    }
}

/// An agenda item: a motion or another matter, its pass rule, and the decision once taken.
public struct MeetingItem: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public enum Decision: String, Codable, Sendable {
        case passed, rejected, deferred
        public var chinese: String {
            switch self {
            case .passed: return "通过"
            case .rejected: return "未通过"
            case .deferred: return "暂缓"
            }
        }
    }
    /// How the vote was taken.
    public enum Method: String, Codable, Sendable {
        /// Show of hands, entered as counts.
        case counts
        /// Each attendee's vote recorded.
        case rollCall
    }
    public var id: Int64?
    public var meetingID: Int64
    public var position: Int
    public var title: String
    public var motionID: Int64?
    public var passRule: PassRule
    public var decision: Decision?
    public var method: Method?
    public var votesFor: Int?
    public var votesAgainst: Int?
    public var votesAbstain: Int?
    /// Attendees present when the vote was taken.
    public var present: Int?
    public var decisionNote: String?
    public var decidedAt: String?
    public var decidedBy: String?
    /// An important matter (重要事项): the community Party organisation discusses it before
    /// the meeting decides (`PartyPreDiscussion`), and its vote waits for that step.
    public var important: Bool = false
    /// The Party organisation's pre-discussion: when, its summary, and who recorded it.
    public var partyDiscussedOn: CivilDate? = nil
    public var partyDiscussion: String? = nil
    public var partyDiscussionRecordedBy: String? = nil
    public static let databaseTableName = "meetingItem"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of a meeting's attendance roll.
public struct MeetingAttendee: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var meetingID: Int64
    /// `resident:<id>` or `household:<id>`.
    public var unit: String
    public var householdID: Int64?
    public var residentID: Int64?
    /// Name (resident) or household number and address (household); staff pages only.
    public var label: String
    public var building: String
    public var present: Bool
    /// For a household, who came.
    public var attendedBy: Int64?
    public var arrivedAt: String?
    public var leftAt: String?
    /// `clerk` or `self`.
    public var checkInMethod: String?
    public static let databaseTableName = "meetingAttendee"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Minutes (会议纪要): drafted, approved by the chair and the recorder, then published with a
/// SHA-256 and the community key's signature over its canonical document.
public struct MeetingMinutes: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public var meetingID: Int64
    public var text: String
    public var draftedBy: String
    public var draftedAt: String
    public var chairApprovedAt: String?
    public var recorderApprovedAt: String?
    public var publishedAt: String?
    /// The published canonical JSON document (`MinutesDocument`), byte for byte as signed.
    public var document: String?
    /// SHA-256 (hex) of the published canonical document, its Ed25519 signature (base64) and key.
    public var digest: String?
    public var signature: String?
    public var keyID: String?
    public static let databaseTableName = "meetingMinutes"
}

/// Attendance at a moment: who is present against who is entitled, and whether that is a quorum.
public struct QuorumStatus: Sendable, Equatable {
    public let kind: MeetingKind
    public let entitled: Int
    public let present: Int
    public var needed: Int { kind.quorumSize(entitled: entitled) }
    public var hasQuorum: Bool { kind.hasQuorum(present: present, entitled: entitled) }
}
