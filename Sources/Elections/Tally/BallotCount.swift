import Community

/// What the ballots of a round add up to (election-rules.md §6), before any decision: per post,
/// each person's votes, and how many ballots were collected, invalid, blank or void per post.
public struct BallotCount: Sendable, Equatable {
    /// Papers in the boxes (the tellers' counts): the base of turnout and thresholds, invalid
    /// and blank papers included.
    public var collected = 0
    /// Not official or wholly unreadable: collected, no votes.
    public var invalid = 0
    /// Untouched: collected, no votes.
    public var blank = 0
    /// Void as a whole by `overvote = voidBallot` or `samePersonTwoPosts = voidBallot`.
    public var voided = 0
    /// Per post: ballots on which that post was void (over-marked or unreadable).
    public var voidPosts: [Post: Int] = [:]
    /// Per post: votes per person (listed candidates and written-in persons alike).
    public var votes: [Post: [Int64: Int]] = [:]
    /// Write-ins that named nobody on the roll (or a man on a women-only line), per post.
    public var voidWriteIns: [Post: Int] = [:]

    public init() {}

    /// A person's votes in a post.
    public func votes(_ person: Int64, in post: Post) -> Int { votes[post]?[person] ?? 0 }

    /// Counts `ballots` marked on `paper` by `rules`. `isWoman` tells whether a written-in
    /// person may stand on a women-only line. The ballots are counted as they are; which boxes
    /// they came from does not matter (shuffling them changes nothing).
    public static func count(_ ballots: [MarkedBallot], paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) -> BallotCount {
        var count = BallotCount()
        count.collected = ballots.count
        for ballot in ballots { count.add(ballot, paper: paper, rules: rules, isWoman: isWoman) }
        return count
    }

    /// Adds one ballot (§6 with the readings of election-rules.md: the over-mark check counts
    /// distinct persons plus void write-ins, runs first, and the same-person check runs over the
    /// posts still valid).
    mutating func add(_ ballot: MarkedBallot, paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) {
        switch ballot.state {
        case .blank: blank += 1; return
        case .notOfficial, .unreadable: invalid += 1; return
        case .marked: break
        }
        // Each post's chosen persons, or nil where the post is void on this ballot.
        var chosen: [Post: [Int64]] = [:]
        var voidHere: [Post] = []
        for (marks, section) in zip(ballot.posts, paper.sections) {
            if marks.unreadable == true { voidHere.append(section.post); continue }
            var persons: [Int64] = []
            for (mark, candidate) in zip(marks.marks, section.candidates) where mark == .approve && !persons.contains(candidate.person) {
                persons.append(candidate.person)
            }
            var voidMarks = 0
            for writeIn in marks.writeIns {
                guard let person = writeIn.person, !(section.womenOnly && !isWoman(person)) else {
                    voidMarks += 1
                    voidWriteIns[section.post, default: 0] += 1
                    continue
                }
                if !persons.contains(person) { persons.append(person) }
            }
            if persons.count + voidMarks > section.seats {
                if rules.overvote == .voidBallot { voided += 1; return }
                voidHere.append(section.post)
                continue
            }
            chosen[section.post] = persons
        }
        // The same person chosen for two posts still valid on the ballot.
        let posts = paper.sections.map(\.post).filter { chosen[$0] != nil }
        var seen: Set<Int64> = []
        for post in posts {
            var keep: [Int64] = []
            for person in chosen[post]! {
                if seen.contains(person) {
                    if rules.samePersonTwoPosts == .voidBallot { voided += 1; return }
                    continue    // highestPostOnly: the mark for the higher post (seen first) counts
                }
                seen.insert(person)
                keep.append(person)
            }
            chosen[post] = keep
        }
        for post in voidHere { voidPosts[post, default: 0] += 1 }
        for (post, persons) in chosen {
            for person in persons { votes[post, default: [:]][person, default: 0] += 1 }
        }
    }
}
