import Community

/// The recall rules of §8, in one place: how many signatures a proposal needs, by when the vote
/// is held, and whether a recall vote passes. The web, the command line and the notices ask it.
public struct RecallRule: Sendable, Equatable {
    public var rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    /// The share of signatories a proposal needs: at least 1/5 of voters or household
    /// representatives, at least 1/3 of residents' representatives.
    public func proposalThreshold(_ signatories: RecallSignatories) -> Threshold {
        signatories == .representatives ? rules.recallProposalRepresentatives : rules.recallProposalVoters
    }

    /// Signatures needed out of `base` signatories (the active entries of the term's roll).
    public func signaturesNeeded(_ signatories: RecallSignatories, base: Int) -> Int {
        max(1, proposalThreshold(signatories).minimumCount(of: base))
    }

    /// Whether `signatures` out of `base` reach the proposal threshold.
    public func isProposalReached(_ signatures: Int, signatories: RecallSignatories, base: Int) -> Bool {
        signatures >= 1 && proposalThreshold(signatories).isMet(signatures, of: base)
    }

    /// The last day the recall vote may be held: `recallWithinDays` after the proposal reached
    /// its threshold and went to the committee.
    public func voteDeadline(reachedOn: CivilDate) -> CivilDate { reachedOn.adding(days: rules.recallWithinDays) }

    /// Decides a recall vote from its boxes' agreed counts (`RecallTally`).
    public func decide(rollSize: Int, members: [Int64], boxes: [RecallCount]) throws -> RecallOutcome {
        try RecallTally.decide(rollSize: rollSize, members: members, boxes: boxes, rules: rules)
    }
}
