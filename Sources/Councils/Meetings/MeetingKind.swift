/// The kinds of meeting that deliberate and decide (deliberation.md "Meetings"), each with
/// its quorum: how many of the entitled attendees must be present for a vote to be taken.
public enum MeetingKind: String, Codable, Sendable, CaseIterable {
    /// 居民会议: quorum more than half of the entitled attendees (L18 Art. 9).
    case residentsMeeting
    /// 居民代表会议: at least two thirds of its members (village-law model).
    case representativesMeeting
    /// 议事园会议: more than half of the council's members (default).
    case councilMeeting

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
