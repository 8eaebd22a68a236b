import Community
import Foundation

/// The committee of a term as it stands: the members the certified result elected, less those
/// recalled, with its vacant seats and whether a by-election (补选) is due.
public struct TermCommittee: Sendable, Equatable {
    /// A member removed by a recall vote.
    public struct Recall: Sendable, Equatable {
        public var person: Int64
        public var name: String
        public var post: Post
        /// The recall proposal that removed them, and the day its result was announced.
        public var proposal: Int
        public var on: CivilDate
    }

    /// The term's election.
    public var election: Int64
    /// Members serving, highest post first.
    public var members: [ResultStatement.Winner]
    public var recalled: [Recall]
    /// Vacant seats by post: left vacant by the result, or by a recall.
    public var vacant: [Post: Int]
    /// The committee's seats (the rule set's committee size).
    public var seats: Int
    /// The last day of the term: the committee elected on election day serves `termYears` years.
    public var termEnds: CivilDate
    /// Whether a by-election is required, and by when.
    public var byElection: ByElectionNeed

    public var vacancies: Int { vacant.values.reduce(0, +) }
}

/// Whether a by-election is needed (election-rules.md §8): when fewer than
/// `byElectionBelowMembers` members remain it is required within `byElectionWithinMonths` of the
/// seat falling vacant; with fewer vacancies it may be held (the committee decides).
public struct ByElectionNeed: Sendable, Equatable {
    public var vacancies: Int
    public var remaining: Int
    /// Fewer than `byElectionBelowMembers` remain: the by-election is required.
    public var required: Bool
    /// The last day to hold it when required (from the day the last seat fell vacant).
    public var dueBy: CivilDate?
}

/// The by-election rule, in one place.
public struct ByElectionRule: Sendable, Equatable {
    public var rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    /// The need for a by-election with `remaining` members serving and `vacancies` seats vacant,
    /// the last seat having fallen vacant on `vacantSince`.
    public func need(remaining: Int, vacancies: Int, vacantSince: CivilDate?) -> ByElectionNeed {
        let required = vacancies > 0 && remaining < rules.byElectionBelowMembers
        return ByElectionNeed(vacancies: vacancies, remaining: remaining, required: required,
                              dueBy: required ? vacantSince.map { $0.adding(months: rules.byElectionWithinMonths) } : nil)
    }

    /// The last day of the term of a committee elected on `electionDay`: the day before the
    /// anniversary `termYears` on. A member by-elected serves until then (the remaining term).
    public func termEnds(electionDay: CivilDate) -> CivilDate {
        electionDay.adding(months: 12 * rules.termYears).adding(days: -1)
    }
}
