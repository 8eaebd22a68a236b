/// The kinds of meeting that deliberate and decide (deliberation.md "Meetings"), each with
/// its quorum: how many of the entitled attendees must be present for a vote to be taken.
public enum MeetingKind: String, Codable, Sendable, CaseIterable {
    /// 居民会议: quorum more than half of the entitled attendees (L18 Art. 9).
    case residentsMeeting
    /// 居民代表会议: at least two thirds of its members (village-law model).
    case representativesMeeting
    /// 议事园会议: more than half of the council's members (default).
    case councilMeeting

    /// Who may attend and counts for the quorum, by how the meeting is convened: a residents'
    /// meeting by all adults, one per household, or the residents' groups' representatives
    /// (L18 Art. 9: more than half of whichever is convened).
    public var bases: [AttendanceBasis] {
        switch self {
        case .residentsMeeting: return [.adults, .households, .representatives]
        case .representativesMeeting: return [.assembly]
        case .councilMeeting: return [.council]
        }
    }

    public var english: String {
        switch self {
        case .residentsMeeting: return "Residents' meeting"
        case .representativesMeeting: return "Residents' representatives' meeting"
        case .councilMeeting: return "Discussion garden meeting"
        }
    }

    public var chinese: String {
        switch self {
        case .residentsMeeting: return "居民会议"
        case .representativesMeeting: return "居民代表会议"
        case .councilMeeting: return "议事园会议"
        }
    }

    /// Whether `present` of `entitled` attendees make a quorum. Integer arithmetic only:
    /// exactly half is not more than half.
    public func hasQuorum(present: Int, entitled: Int) -> Bool {
        guard entitled > 0, present >= 0, present <= entitled else { return false }
        switch self {
        case .residentsMeeting, .councilMeeting: return 2 * present > entitled
        case .representativesMeeting: return 3 * present >= 2 * entitled
        }
    }

    /// The fewest attendees that make a quorum, for the live attendance screen.
    public func quorumSize(entitled: Int) -> Int {
        switch self {
        case .residentsMeeting, .councilMeeting: return entitled / 2 + 1
        case .representativesMeeting: return (2 * entitled + 2) / 3
        }
    }
}

/// The entitled attendees of a meeting (L18 Art. 9 and deliberation.md).
public enum AttendanceBasis: String, Codable, Sendable, CaseIterable {
    /// Every adult resident (18 or older on the meeting day) with political rights.
    case adults
    /// One representative per household.
    case households
    /// The residents' representatives (居民代表) serving on the meeting day, in the term of the
    /// representatives' meeting covering it (a residents' meeting through the groups' representatives).
    case representatives
    /// The representatives' meeting's members serving on the meeting day: the committee's
    /// members and the residents' representatives of the term covering it (`RepresentativeAssembly`).
    case assembly
    /// The discussion garden's council members (议事园成员) serving on the meeting day.
    case council

    public var chinese: String {
        switch self {
        case .adults: return "全体成年居民"
        case .households: return "每户一名代表"
        case .representatives: return "居民代表"
        case .assembly: return "居民代表会议组成人员"
        case .council: return "议事园成员"
        }
    }

    /// Whether an attendee is a household (else a resident).
    public var perHousehold: Bool { self == .households }
}
