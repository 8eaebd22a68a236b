/// How an election is held (election-rules.md §2): who votes and what the roll counts.
public enum ElectionMethod: String, Codable, Sendable, CaseIterable {
    /// 全体选民: every registered voter.
    case direct
    /// 每户派代表: one representative per household.
    case household
    /// 居民小组代表: two or three representatives per residents' group.
    case representative

    /// The default turnout rule for the method: more than half of registered voters or household
    /// representatives; at least two thirds of residents' group representatives.
    public var defaultTurnout: Threshold {
        self == .representative ? Threshold(.moreThan, 2, 3) : .moreThanHalf
    }

    /// The Chinese name, as on notices.
    public var chinese: String {
        switch self {
        case .direct: return "全体选民直接选举"
        case .household: return "户代表选举"
        case .representative: return "居民代表选举"
        }
    }
}

/// A post on the residents' committee, highest first (election-rules.md §1). The 妇女委员
/// seat of `WomenRule.separateSeat` is a line of its own, counted before the ordinary 委员
/// seats so that those stay open to everyone (docs/decisions.md).
public enum Post: String, Codable, Sendable, CaseIterable, Comparable {
    /// 主任
    case director
    /// 副主任
    case deputyDirector
    /// 妇女委员: a 委员 seat for women candidates only.
    case womenMember
    /// 委员
    case member

    public var chinese: String {
        switch self {
        case .director: return "主任"
        case .deputyDirector: return "副主任"
        case .womenMember: return "妇女委员"
        case .member: return "委员"
        }
    }

    public var english: String {
        switch self {
        case .director: return "Director"
        case .deputyDirector: return "Deputy director"
        case .womenMember: return "Member (women's seat)"
        case .member: return "Member"
        }
    }

    /// The post's place in `allCases`, from 0 for 主任.
    public var ordinal: Int {
        switch self {
        case .director: return 0
        case .deputyDirector: return 1
        case .womenMember: return 2
        case .member: return 3
        }
    }

    /// Posts are counted from the highest (主任) down.
    public static func < (lhs: Post, rhs: Post) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// A voter's mark next to a candidate's name (同意 / 不同意 / 弃权).
public enum Mark: String, Codable, Sendable, CaseIterable {
    case approve
    case disapprove
    case abstain

    public var chinese: String {
        switch self {
        case .approve: return "同意"
        case .disapprove: return "不同意"
        case .abstain: return "弃权"
        }
    }
}
