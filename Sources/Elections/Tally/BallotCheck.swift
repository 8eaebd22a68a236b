import Community
import GRDB

/// What the count will make of one ballot (election-rules.md §6), told to the voter before they
/// cast it: the posts that will be void on it and whether the whole ballot will be void. It is
/// the counting code's own verdict (`BallotCount` over this one ballot), so the review page can
/// never warn about a post the tally will count, or miss one it will not.
public struct BallotCheck: Sendable, Equatable {
    /// Posts void on this ballot (over-marked: more distinct persons, void write-ins included,
    /// than seats; or unreadable).
    public var voidPosts: [Post]
    /// The whole ballot will be void (`overvote = voidBallot`, or the same person for two posts
    /// under `samePersonTwoPosts = voidBallot`).
    public var voidBallot: Bool

    /// Checks `ballot` as the tally will count it.
    public static func check(_ ballot: MarkedBallot, paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) -> BallotCheck {
        let count = BallotCount.count([ballot], paper: paper, rules: rules, isWoman: isWoman)
        return BallotCheck(voidPosts: count.voidPosts.filter { $0.value > 0 }.keys.sorted(), voidBallot: count.voided > 0)
    }
}

extension AppDatabase {
    /// Checks a ballot for `electionID` with its frozen rule set and the genders of the persons
    /// written in (a man written in on a women-only line is a void mark).
    public func checkBallot(_ ballot: MarkedBallot, paper: BallotPaper, electionID: Int64) throws -> BallotCheck {
        try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            let persons = Array(Set(ballot.posts.flatMap { $0.writeIns.compactMap(\.person) }))
            let women = Set(try Resident.fetchAll(db, keys: persons).filter { $0.gender == .female }.compactMap(\.id))
            return BallotCheck.check(ballot, paper: paper, rules: election.rules, isWoman: women.contains)
        }
    }
}
