import Community
import Foundation

/// What a handover checklist item is (工作移交清单): the five things the law's practice names,
/// and anything else the election committee adds.
public enum HandoverCategory: String, Codable, Sendable, CaseIterable {
    /// 印章: the committee's seal(s).
    case seal
    /// 账目 / 财务: accounts and funds.
    case accounts
    /// 资产: assets (premises, equipment).
    case assets
    /// 档案: files and archives.
    case files
    /// 台账: working ledgers.
    case ledgers
    /// 其他: anything else handed over.
    case other

    /// The categories every checklist must cover before anyone signs.
    public static let required: [HandoverCategory] = [.seal, .accounts, .assets, .files, .ledgers]

    public var chinese: String {
        switch self {
        case .seal: return "印章"
        case .accounts: return "账目财务"
        case .assets: return "资产"
        case .files: return "档案"
        case .ledgers: return "台账"
        case .other: return "其他"
        }
    }

    public var english: String {
        switch self {
        case .seal: return "Seal"
        case .accounts: return "Accounts and funds"
        case .assets: return "Assets"
        case .files: return "Files and archives"
        case .ledgers: return "Ledgers"
        case .other: return "Other"
        }
    }
}

/// One line of the checklist: what is handed over, how much, and remarks.
public struct HandoverItem: Codable, Sendable, Equatable {
    /// 1, 2, 3 … in the order the committee entered them.
    public var seq: Int
    public var category: HandoverCategory
    public var description: String
    /// How much, as written on the paper list (e.g. 1枚, 3册, 余额 12,345.60 元).
    public var quantity: String
    public var remarks: String

    public init(seq: Int, category: HandoverCategory, description: String, quantity: String, remarks: String) {
        self.seq = seq
        self.category = category
        self.description = description
        self.quantity = quantity
        self.remarks = remarks
    }
}

/// Which committee a sign-off is for.
public enum HandoverSide: String, Codable, Sendable, CaseIterable {
    /// 原居民委员会 (the outgoing committee): its 主任 or a member hands over.
    case outgoing
    /// 新一届居民委员会 (the incoming committee): its 主任 receives.
    case incoming

    public var chinese: String { self == .outgoing ? "移交方（原居民委员会）" : "接收方（新一届居民委员会）" }
    public var english: String { self == .outgoing ? "Handing over (outgoing committee)" : "Receiving (incoming committee)" }
}

/// A committee's sign-off of the checklist: who signed, in which capacity, on which day, and
/// which election committee account recorded it (the persons sign the paper checklist at the
/// handover meeting; the outgoing members need no account of their own).
public struct HandoverSignOff: Codable, Sendable, Equatable {
    public var side: HandoverSide
    public var name: String
    /// The signer's post on their committee (主任, or another post when a member signs).
    public var post: Post
    /// The signer as a person of an election held here (the certified results name them), or nil
    /// when the outgoing committee was elected before this system kept its elections.
    public var person: Int64?
    public var signedOn: CivilDate
    /// The display name of the account that recorded the signature.
    public var recordedBy: String
}

/// The one rule of the handover's time: within the rule set's `handoverDays` (10 by default,
/// V18 Art. 20, which the urban rules follow) of the result's certification.
public enum HandoverRule {
    /// The last day of the handover.
    public static func deadline(certifiedOn: CivilDate, days: Int) -> CivilDate { certifiedOn.adding(days: days) }
}

/// The handover (工作移交) after a certified election, presided over by the residents' election
/// committee: the checklist, the two committees' sign-offs, and the committee's confirmation,
/// which issues the election notice.
public struct Handover: Sendable, Equatable {
    public var electionID: Int64
    /// The day the result was certified (a China civil date): the 10 days run from it.
    public var certifiedOn: CivilDate
    /// The days it is due within (the rule set's `handoverDays`).
    public var days: Int
    /// The day the election committee opened the checklist.
    public var openedOn: CivilDate
    public var items: [HandoverItem]
    public var outgoing: HandoverSignOff?
    public var incoming: HandoverSignOff?
    /// The day the election committee confirmed the completed handover, or nil.
    public var completedOn: CivilDate?
    /// The election committee member who presided over it (confirmed it).
    public var presidedBy: String?
    /// The number of the election notice that announced it.
    public var noticeNumber: Int?

    /// The last day of the handover.
    public var deadline: CivilDate { HandoverRule.deadline(certifiedOn: certifiedOn, days: days) }

    /// The required categories with no item yet.
    public var missingCategories: [HandoverCategory] {
        HandoverCategory.required.filter { category in !items.contains { $0.category == category } }
    }

    /// Not completed and past its deadline on `today`.
    public func isOverdue(today: CivilDate) -> Bool { completedOn == nil && today > deadline }

    /// Completed after the deadline.
    public var completedLate: Bool { completedOn.map { $0 > deadline } ?? false }

    /// Whether anyone has signed (the checklist is then fixed).
    public var isSigned: Bool { outgoing != nil || incoming != nil }
}

/// A member of the outgoing committee, from the previous term's certified result.
public struct OutgoingMember: Sendable, Equatable {
    public var person: Int64
    public var name: String
    public var post: Post
}
