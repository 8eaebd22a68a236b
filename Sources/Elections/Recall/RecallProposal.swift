import Community
import Foundation

/// A recall proposal (罢免要求) against one or more members of a term's certified committee,
/// from its filing with written reasons, through the signatures, the members' written replies
/// and the vote, to its result (election-rules.md §8).
public struct RecallProposal: Codable, Sendable, Equatable {
    /// Where a proposal stands.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Filed; signatures are being collected.
        case collecting
        /// The threshold is reached: the proposal is with the committee, which holds the vote by `voteDeadline`.
        case submitted
        /// The vote is arranged (`heldOn`); the boxes' counts are being entered.
        case voting
        /// The vote is counted and its result announced.
        case decided

        public var chinese: String {
            switch self {
            case .collecting: return "征集签名中"
            case .submitted: return "已提交，待表决"
            case .voting: return "表决中"
            case .decided: return "已表决"
            }
        }

        public var english: String {
            switch self {
            case .collecting: return "collecting signatures"
            case .submitted: return "submitted, vote to be held"
            case .voting: return "vote in progress"
            case .decided: return "decided"
            }
        }
    }

    /// A member proposed for recall, with their written reply once given.
    public struct Target: Codable, Sendable, Equatable {
        /// The member (resident id, as in the certified result).
        public var person: Int64
        public var name: String
        public var post: Post
        /// The member's written reply (申辩意见), published with the proposal.
        public var reply: String?
        public var repliedOn: CivilDate?
    }

    /// The term's election (the certified election whose committee the members belong to).
    public var election: Int64
    /// Numbered per term, from 1.
    public var number: Int
    public var signatories: RecallSignatories
    /// The written reasons (罢免理由).
    public var reasons: String
    /// Who filed it (the first signatory or their contact person), as written on the proposal.
    public var proposer: String
    public var filedOn: CivilDate
    /// Signatories on the term's roll when the proposal was filed (the threshold's base).
    public var base: Int
    /// Signatures the proposal needs (`RecallRule.signaturesNeeded`).
    public var needed: Int
    /// Signatures counted so far (each roll entry once).
    public var signatures: Int
    public var status: Status
    /// The day the threshold was reached and the proposal went to the committee.
    public var reachedOn: CivilDate?
    /// The last day the vote may be held (`RecallRule.voteDeadline`).
    public var voteDeadline: CivilDate?
    /// The day of the vote, once arranged.
    public var heldOn: CivilDate?
    /// The result, once decided.
    public var outcome: RecallOutcome?
    public var decidedOn: CivilDate?
    public var targets: [Target]

    /// Whether the threshold is reached.
    public var isReached: Bool { signatures >= needed }
}
