import Community

/// The floors the 2025 Organic Law of Urban Residents' Committees (L25, in force 2026-01-01)
/// and its implementing measures put under every rule set: a preset or a committee may be
/// stricter than the law, never looser. `RuleSet.validate` applies them whatever the preset or
/// the edit; each error names the field, the floor and its source.
public enum StatutoryFloors {
    /// One floor, as the rules page lists it.
    public struct Floor: Sendable {
        public var field: String
        public var floor: String
        public var source: String
    }

    /// The floors, for the rules page and the docs.
    public static let all: [Floor] = [
        Floor(field: "votingAge", floor: "18", source: "L25 (年满十八周岁)"),
        Floor(field: "termYears", floor: "5", source: "L25 (每届任期五年)"),
        Floor(field: "committeeSizeMin / committeeSizeMax", floor: "5 to 9, one 主任", source: "L25 (五至九人)"),
        Floor(field: "turnout", floor: "> 1/2 (direct, household); > 2/3 (representative)", source: "L25 (过半数或者超过三分之二的居民代表投票)"),
        Floor(field: "electedThreshold", floor: "> 1/2 of ballots collected", source: "L25; V25 Art. 15"),
        Floor(field: "runoffThreshold", floor: "≥ 1/3 of ballots collected", source: "V25 Art. 15"),
        Floor(field: "allowUncontested", floor: "false: more candidates than seats for every post", source: "L25 (候选人的名额应当多于应选名额)"),
        Floor(field: "rollPublicationDays", floor: "20", source: "L25 (选举日的二十日前公布)"),
        Floor(field: "candidateListDays", floor: "5", source: "GS25; 2006 MCA procedure"),
        Floor(field: "womenRule", floor: "separateSeat or guaranteeAfterCount (never none)", source: "L25; GS25 Art. 5 (应当有妇女成员)"),
        Floor(field: "electronicVoting", floor: "off or station; remote only with its legal basis recorded in electronicVotingBasis",
              source: "V18 Art. 15, SQ06 Art. 2(7) (秘密写票处, public count); no source found authorises remote voting"),
        Floor(field: "recallProposalVoters", floor: "≥ 1/5 exactly (neither more signatures nor fewer)",
              source: "V18/V25 Art. 16 as the urban rules mirror it (五分之一以上有选举权的居民或者户的代表联名)"),
        Floor(field: "recallProposalRepresentatives", floor: "≥ 1/3 exactly", source: "V18/V25 Art. 16 (三分之一以上的居民代表联名)"),
        Floor(field: "recallTurnout", floor: "> 1/2 of the roll exactly", source: "V18/V25 Art. 16 (登记参加选举的过半数投票)"),
        Floor(field: "recallApproval", floor: "> 1/2 of those voting exactly", source: "V18/V25 Art. 16 (经投票的过半数通过)"),
        Floor(field: "recallWithinDays", floor: "at most 30", source: "SHV20 Art. 27 (三十日内召开会议表决)"),
    ]

    /// Refuses anything looser than the law. `method` decides the turnout floor (when nil, the
    /// loosest legal one, more than half).
    public static func check(_ rules: RuleSet, method: ElectionMethod?) throws {
        func require(_ ok: Bool, _ field: String) throws {
            guard !ok, let floor = all.first(where: { $0.field == field || $0.field.hasPrefix(field + " ") }) else { return }
            throw CommunityError.invalid(field: field, reason: "the law requires \(floor.floor) (\(floor.source)); a rule set may be stricter, never looser")
        }
        try require(rules.votingAge == 18, "votingAge")
        try require(rules.termYears == 5, "termYears")
        try require(rules.committeeSizeMin >= 5 && rules.committeeSizeMax <= 9 && rules.directorSeats == 1, "committeeSizeMin")
        let turnoutFloor = method == .representative ? Threshold(.moreThan, 2, 3) : Threshold.moreThanHalf
        try require(rules.turnout.isAtLeastAsStrict(as: turnoutFloor), "turnout")
        try require(rules.electedThreshold.isAtLeastAsStrict(as: .moreThanHalf), "electedThreshold")
        try require(rules.runoffThreshold.isAtLeastAsStrict(as: .atLeastOneThird), "runoffThreshold")
        try require(!rules.allowUncontested, "allowUncontested")
        try require(rules.rollPublicationDays >= 20, "rollPublicationDays")
        try require(rules.candidateListDays >= 5, "candidateListDays")
        try require(rules.womenRule != .none, "womenRule")
        try require(rules.electronicVoting != .remote || !(rules.electronicVotingBasis ?? "").isEmpty,
                    "electronicVoting")
        // Recall (§8): the law fixes who may propose and when a recall passes; a local rule that
        // asked more would take the residents' right away, one that asked less the member's protection.
        try require(rules.recallProposalVoters == Threshold(.atLeast, 1, 5), "recallProposalVoters")
        try require(rules.recallProposalRepresentatives == Threshold(.atLeast, 1, 3), "recallProposalRepresentatives")
        try require(rules.recallTurnout == .moreThanHalf, "recallTurnout")
        try require(rules.recallApproval == .moreThanHalf, "recallApproval")
        try require(rules.recallWithinDays <= 30, "recallWithinDays")
    }
}

extension Threshold {
    /// Whether every count that meets this threshold also meets `floor` (this one is as strict
    /// or stricter): a larger fraction, or the same fraction with "more than" where the floor
    /// says "more than".
    public func isAtLeastAsStrict(as floor: Threshold) -> Bool {
        let mine = numerator * floor.denominator, theirs = floor.numerator * denominator
        if mine != theirs { return mine > theirs }
        return comparison == .moreThan || floor.comparison == .atLeast
    }
}
