import Community

/// The decision of a recall vote.
public struct RecallOutcome: Codable, Sendable, Equatable {
    /// A member's result.
    public struct Member: Codable, Sendable, Equatable {
        public var member: Int64
        public var approve: Int
        public var reject: Int
        public var abstain: Int
        /// The approvals needed: more than half of those voting (papers collected).
        public var needed: Int
        public var recalled: Bool
    }

    /// The active entries of the term's roll when the vote opened (the turnout base).
    public var rollSize: Int
    public var issued: Int
    /// Those voting: every paper collected, valid or not.
    public var voted: Int
    public var invalid: Int
    /// Papers needed for the turnout: more than half of the roll.
    public var turnoutNeeded: Int
    public var turnoutMet: Bool
    /// More papers in the boxes than were issued: the vote is void and is held again.
    public var void: Bool
    public var members: [Member]

    /// Whether the vote is valid (turnout met, not void).
    public var isValid: Bool { turnoutMet && !void }
    /// The members recalled.
    public var recalled: [Int64] { members.filter(\.recalled).map(\.member) }
}

/// The recall vote's rule (§8; V18 Art. 16 as the urban rules mirror it): the vote counts when
/// more than half of the roll votes (`recallTurnout` of the roll, papers collected), and a
/// member is recalled when more than half of those voting approve (`recallApproval` of the
/// papers collected — an invalid paper, an abstention or a blank line is a voter who did not
/// approve). More papers collected than issued voids the vote.
public enum RecallTally {
    public static func decide(rollSize: Int, members: [Int64], boxes: [RecallCount], rules: RuleSet) throws -> RecallOutcome {
        guard rollSize >= 1 else { throw CommunityError.invalid(field: "rollSize", reason: "the term's roll is empty") }
        guard !members.isEmpty, Set(members).count == members.count else {
            throw CommunityError.invalid(field: "members", reason: "one or more members, each once")
        }
        for (index, box) in boxes.enumerated() {
            do { try box.validate(members: members) } catch let CommunityError.invalid(field, reason) {
                throw CommunityError.invalid(field: "box \(index + 1) \(field)", reason: reason)
            }
        }
        let total = RecallCount.sum(boxes, members: members)
        let void = total.collected > total.issued
        let turnoutMet = rules.recallTurnout.isMet(total.collected, of: rollSize)
        let needed = rules.recallApproval.minimumCount(of: total.collected)
        let lines = total.marks.map { line in
            RecallOutcome.Member(member: line.member, approve: line.approve, reject: line.reject, abstain: line.abstain, needed: needed,
                                 recalled: turnoutMet && !void && total.collected > 0 && rules.recallApproval.isMet(line.approve, of: total.collected))
        }
        return RecallOutcome(rollSize: rollSize, issued: total.issued, voted: total.collected, invalid: total.invalid,
                             turnoutNeeded: rules.recallTurnout.minimumCount(of: rollSize), turnoutMet: turnoutMet, void: void, members: lines)
    }
}
