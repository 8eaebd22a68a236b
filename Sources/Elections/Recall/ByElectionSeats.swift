import Community

/// What makes a rule set a by-election's (补选): the term whose vacant seats it fills, the seats
/// per post, and the day the term ends (a by-elected member serves the rest of the term, and
/// their certificate says so). In the rule set (`RuleSet.byElection`), so it is in the frozen
/// rule set's digest and in the election record; absent for an ordinary election, whose
/// canonical JSON it therefore leaves as it was.
public struct ByElectionSeats: Codable, Sendable, Equatable, Hashable {
    /// The term's (certified) election.
    public var term: Int64
    public var director: Int
    public var deputyDirector: Int
    public var womenMember: Int
    public var member: Int
    /// The last day of the term (`ByElectionRule.termEnds`).
    public var termEnds: CivilDate

    public init(term: Int64, vacant: [Post: Int], termEnds: CivilDate) {
        self.term = term
        director = vacant[.director] ?? 0
        deputyDirector = vacant[.deputyDirector] ?? 0
        womenMember = vacant[.womenMember] ?? 0
        member = vacant[.member] ?? 0
        self.termEnds = termEnds
    }

    /// Seats of a post in the by-election.
    public func seats(for post: Post) -> Int {
        switch post {
        case .director: return director
        case .deputyDirector: return deputyDirector
        case .womenMember: return womenMember
        case .member: return member
        }
    }

    public var total: Int { Post.allCases.reduce(0) { $0 + seats(for: $1) } }
}
