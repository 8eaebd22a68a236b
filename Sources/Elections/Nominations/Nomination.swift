import Community

/// How someone was nominated (election-rules.md §4).
public enum NominationKind: String, Codable, Sendable, CaseIterable {
    /// 选民联名: at least `jointNominators` voters.
    case joint
    /// 户代表联名: at least `jointHouseholdNominators` household representatives.
    case household
    /// 居民小组代表提名: a residents' group's representatives.
    case group
    /// 自荐.
    case selfNomination

    public var chinese: String {
        switch self {
        case .joint: return "选民联名提名"
        case .household: return "户代表联名提名"
        case .group: return "居民小组代表提名"
        case .selfNomination: return "自荐"
        }
    }
}

/// A person nominated for a post: one row however many nominations name them.
public struct Nominee: Codable, Sendable, Equatable, Identifiable {
    public enum Status: String, Codable, Sendable {
        /// Nominated; has not yet said whether they accept.
        case awaiting
        case accepted
        case declined
        /// Withdrew in writing after accepting.
        case withdrawn
    }

    public var id: Int64?
    public var electionID: Int64
    public var post: Post
    public var residentID: Int64
    public var status: Status
    public var respondedOn: CivilDate?
    /// Profile shown on the candidate list.
    public var education: String?
    public var occupation: String?
    public var statement: String?
    public var withdrawnOn: CivilDate?
    public var withdrawalNote: String?
}

/// One nomination as filed, with its receipt's tracking code.
public struct Nomination: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    /// Number within the election (on the receipt).
    public var seq: Int
    public var nomineeID: Int64
    public var kind: NominationKind
    /// The residents' group, for a group nomination.
    public var groupID: Int64?
    /// RFC 3339 UTC.
    public var filedAt: String
    public var filedOn: CivilDate
    /// Who handed it in (the first nominator, or the self-nominee).
    public var filerName: String
    public var tracking: String
}

/// A new nomination as the committee's clerk enters it from the paper form (or the API).
public struct NewNomination: Sendable {
    public var post: Post
    public var kind: NominationKind
    /// The nominee's roll number.
    public var nominee: Int
    /// Nominators' roll numbers (for `selfNomination`, empty or the nominee).
    public var nominators: [Int]
    /// The residents' group's name, for `group`.
    public var groupName: String?
    public var filerName: String?

    public init(post: Post, kind: NominationKind, nominee: Int, nominators: [Int], groupName: String? = nil, filerName: String? = nil) {
        self.post = post
        self.kind = kind
        self.nominee = nominee
        self.nominators = nominators
        self.groupName = groupName
        self.filerName = filerName
    }
}

/// What a nomination's tracking code is the hash of (canonical JSON).
struct NominationStatement: Encodable {
    let election: Int64
    let seq: Int
    let filedAt: String
    let post: String
    let kind: String
    let nominee: Int
    let nominators: [Int]
    let group: String?
    let filer: String
}

/// A primary (预选) round for one post: how many voters took part and each nominee's votes.
public struct PrimaryRound: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    public var post: Post
    /// 1 for the primary; 2, 3 … for further primaries among those tied at the cut.
    public var round: Int
    public var heldOn: CivilDate
    public var participants: Int
    /// Voters on the roll that day.
    public var rollSize: Int
}

/// A line of the published candidate list (正式候选人名单).
public struct Candidate: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    public var post: Post
    /// Place within the post, from 1, in `candidateOrder`.
    public var position: Int
    public var nomineeID: Int64
    public var residentID: Int64
    /// Primary votes where a primary decided the post, else nomination votes.
    public var votes: Int
    public var addedOn: CivilDate
    /// `list` when published, `topUp` when added after a withdrawal.
    public var addedBy: String
    public var active: Bool
    public var withdrawnOn: CivilDate?
}
