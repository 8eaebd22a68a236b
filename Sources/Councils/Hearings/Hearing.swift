import Community
import Foundation
import GRDB

/// A public hearing (听证会) on a matter that touches many residents' interests: the plan, the
/// notice, who registered and who was selected, the speeches, the opinions and the report.
public struct Hearing: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    /// draft → noticed → held (speeches being recorded) → closed (record complete) → reported.
    public enum Status: String, Codable, Sendable {
        case draft, noticed, held, closed, reported
        public var chinese: String {
            switch self {
            case .draft: return "筹备中"
            case .noticed: return "已发公告"
            case .held: return "听证中"
            case .closed: return "笔录待确认"
            case .reported: return "已公布报告"
            }
        }
    }
    public var id: Int64?
    public var communityID: Int64
    /// The motion the hearing is about, if any (it is scheduled while the hearing runs).
    public var motionID: Int64?
    public var title: String
    /// The matter and why it needs a hearing.
    public var matter: String
    /// Who proposes the plan (the committee, the property company, a department …).
    public var proposer: String
    /// The proposer's plan, as put to the hearing.
    public var plan: String
    public var date: CivilDate
    public var time: String
    public var venue: String
    /// Last day to register as a hearing representative.
    public var registrationDeadline: CivilDate
    /// Hearing representatives to select, and seats for observers.
    public var capacity: Int
    public var observerSeats: Int
    public var chairAccountID: Int64
    public var recorderAccountID: Int64
    public var status: Status
    public var noticeOn: CivilDate?
    public var lateNoticeReason: String?
    public var startedAt: String?
    public var closedAt: String?
    /// The hearing report (听证报告) text and what happens to the linked motion.
    public var reportText: String?
    public var outcome: String?
    public var reportPublishedAt: String?
    /// The published canonical report document, its SHA-256 and the community key's signature.
    public var reportDocument: String?
    public var reportDigest: String?
    public var reportSignature: String?
    public var keyID: String?
    public var createdAt: String
    /// When the chair (主持人) signed the record, and the chair's account: the report is
    /// published only after the chair and every speaker have signed.
    public var chairSignedAt: String? = nil
    public var chairSignedBy: String? = nil
    public static let databaseTableName = "hearing"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Someone taking part: an applicant who registered (and may be selected as a hearing
/// representative), a stakeholder (property company, street office) or an observer.
public struct HearingParticipant: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Registered, not (yet) selected.
        case applicant
        /// Selected hearing representative (听证代表): speaks and signs the record.
        case representative
        /// Invited stakeholder: speaks and signs the record.
        case stakeholder
        /// Observer: attends, does not speak.
        case observer
        public var chinese: String {
            switch self {
            case .applicant: return "报名者"
            case .representative: return "听证代表"
            case .stakeholder: return "利害关系方"
            case .observer: return "旁听人"
            }
        }
        /// Whether this role speaks and signs the record.
        public var speaks: Bool { self == .representative || self == .stakeholder }
    }
    public enum Position: String, Codable, Sendable, CaseIterable {
        case support, oppose, other
        public var chinese: String {
            switch self {
            case .support: return "赞成"
            case .oppose: return "反对"
            case .other: return "其他意见"
            }
        }
    }
    public var id: Int64?
    public var hearingID: Int64
    public var role: Role
    public var position: Position
    /// Full name (staff pages and the record's signatures); public pages mask residents' names.
    public var name: String
    public var building: String
    public var organisation: String?
    /// What the applicant wants to say (from the registration).
    public var statement: String?
    public var householdID: Int64?
    public var residentID: Int64?
    public var registeredAt: String
    /// Place in the speaking order, set when the hearing starts.
    public var speakingOrder: Int?
    /// Sign-off of the record: when, how (`account` or `paper`), and who recorded a paper signature.
    public var signedOffAt: String?
    public var signOffMethod: String?
    public var signOffRecordedBy: String?
    public static let databaseTableName = "hearingParticipant"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One speaker's turn as the clerk recorded it.
public struct HearingSpeech: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var hearingID: Int64
    public var hearingParticipantID: Int64
    /// Minutes spoken (compared with `speakingMinutes`).
    public var minutes: Int
    public var points: String
    public var questions: String
    public var answers: String
    public var recordedAt: String
    public var recordedBy: String
    public static let databaseTableName = "hearingSpeech"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An opinion put at the hearing, and whether the report adopts it and why.
public struct HearingOpinion: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var hearingID: Int64
    public var participantID: Int64?
    public var summary: String
    public var adopted: Bool?
    public var reason: String?
    public static let databaseTableName = "hearingOpinion"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The balance of applicants and selected representatives, by position and by building.
public struct HearingBalance: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let key: String
        public let applicants: Int
        public let selected: Int
    }
    public let byPosition: [Row]
    public let byBuilding: [Row]
}

/// What a published report does with the linked motion.
public enum HearingOutcome: String, Codable, Sendable, CaseIterable {
    /// Back to `accepted`, to be put to a meeting's vote.
    case toMeeting
    /// Decided by the hearing's conclusion: passed, rejected or deferred.
    case passed, rejected, deferred

    /// The workflow action it takes on the motion.
    var action: String {
        switch self {
        case .toMeeting: return "unschedule"
        case .passed: return "pass"
        case .rejected: return "reject"
        case .deferred: return "defer"
        }
    }

    public var chinese: String {
        switch self {
        case .toMeeting: return "提交会议表决"
        case .passed: return "采纳方案"
        case .rejected: return "不采纳方案"
        case .deferred: return "暂缓决定"
        }
    }
}

/// The signed hearing report (`xuanyi-hearing-report/1`).
public struct HearingReportDocument: Codable, Sendable, Equatable {
    public struct Speaker: Codable, Sendable, Equatable {
        public let order: Int
        public let role: String
        public let position: String
        public let name: String
        public let signedOff: String
    }
    public struct Opinion: Codable, Sendable, Equatable {
        public let summary: String
        public let adopted: Bool
        public let reason: String
    }
    public var format = "xuanyi-hearing-report/1"
    public let community: Int64
    public let hearing: Int64
    public let title: String
    public let matter: String
    public let proposer: String
    public let plan: String
    public let date: String
    public let venue: String
    public let motion: String?
    public let speakers: [Speaker]
    public let observers: Int
    public let opinions: [Opinion]
    /// The chair's signature of the record: the chair's account and when.
    public var chairSignedBy: String? = nil
    public var chairSignedAt: String? = nil
    public let report: String
    public let outcome: String
    public let publishedAt: String
    public let key: String
}
