import Community
import Foundation

/// One line of the voter roll (选民名单): a voter (or, for the household method, a household
/// through its representative; for the representative method, a residents' group representative).
public struct RollEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    /// Roll number, in building / unit / room order.
    public var number: Int
    /// The voter: the person, the household's representative, or the group's representative.
    public var residentID: Int64
    public var householdID: Int64?
    public var groupID: Int64?
    public var category: RegistrationCategory
    /// `base` for the base roll, else the change reason that added the entry.
    public var addedBy: String
    /// False once removed (the line stays, struck through, with its reason).
    public var active: Bool
    public var removedReason: String?
}

/// The eight roll changes after the base roll (四增四减), and the two corrections a decided
/// objection or a voter's own request makes.
public enum RollChangeReason: String, Codable, Sendable, CaseIterable {
    // 四增
    case cameOfAge, movedIn, hukouMovedIn, rightsRestored
    // 四减
    case died, movedOut, hukouMovedOut, rightsDeprived
    /// An upheld objection added or removed the entry.
    case objectionUpheld
    /// The voter asked in writing, at least 2 days before election day, not to be counted (cannot return).
    case voterRequest

    /// Whether the reason adds a voter.
    public var adds: Bool {
        switch self {
        case .cameOfAge, .movedIn, .hukouMovedIn, .rightsRestored: return true
        case .died, .movedOut, .hukouMovedOut, .rightsDeprived, .voterRequest: return false
        case .objectionUpheld: return true
        }
    }

    public var chinese: String {
        switch self {
        case .cameOfAge: return "新满十八周岁"
        case .movedIn: return "迁入居住"
        case .hukouMovedIn: return "户籍迁入"
        case .rightsRestored: return "恢复政治权利"
        case .died: return "死亡"
        case .movedOut: return "迁出居住"
        case .hukouMovedOut: return "户籍迁出"
        case .rightsDeprived: return "被剥夺政治权利"
        case .objectionUpheld: return "异议成立"
        case .voterRequest: return "本人申请不计入"
        }
    }
}

/// A recorded roll change.
public struct RollChange: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    public var rollEntryID: Int64
    public var reason: RollChangeReason
    public var changedOn: CivilDate
    public var note: String?
    public var objectionID: Int64?
}

/// A roll line ready for a page: masked unless the caller is the committee.
public struct RollLine: Sendable, Equatable {
    public let number: Int
    public let name: String
    public let gender: Gender
    public let maskedID: String
    public let building: String
    public let unit: String
    public let room: String
    public let householdNumber: String
    public let category: RegistrationCategory
    public let active: Bool
    public let removedReason: String?
    /// How a voter of category b, c or d came onto the roll (nil for a): public, like the category.
    public var registration: RollRegistration? = nil
}

/// The basis of a b, c or d line on the roll, as its application was decided: how (own
/// statement, on application, residents' meeting, election committee), who, when, the
/// decision's reference, and the written statement of no registration elsewhere.
public struct RollRegistration: Sendable, Equatable, Codable {
    public let approval: RegistrationApproval
    /// Who decided (the meeting, the election committee …).
    public let decidedBy: String?
    public let decidedOn: CivilDate?
    public let reference: String?
    /// The applicant's written statement that they are not registered elsewhere (c, d).
    public let statementNotRegisteredElsewhere: Bool

    public init(approval: RegistrationApproval, decidedBy: String?, decidedOn: CivilDate?, reference: String?, statementNotRegisteredElsewhere: Bool) {
        self.approval = approval
        self.decidedBy = decidedBy
        self.decidedOn = decidedOn
        self.reference = reference
        self.statementNotRegisteredElsewhere = statementNotRegisteredElsewhere
    }

    /// The basis as a roll line says it in Chinese (a residents' meeting is named; the other
    /// bases name who decided already).
    public var chinese: String {
        var text = approval.chinese
        if approval == .residentsMeeting, let decidedBy { text += "（\(decidedBy)）" }
        if let decidedOn { text += " \(decidedOn)" }
        if let reference { text += " · \(reference)" }
        return text
    }

    /// The basis in English.
    public var english: String {
        var text = approval.english
        if approval == .residentsMeeting, let decidedBy { text += " (\(decidedBy))" }
        if let decidedOn { text += " \(decidedOn)" }
        if let reference { text += " · \(reference)" }
        return text
    }
}
