import Community

/// What a round decided and what has to happen next.
public struct RoundOutcome: Sendable, Equatable {
    /// A further round the result requires.
    public enum Next: Sendable, Hashable {
        /// Revote among tied persons for the last seat(s) of a post.
        case tieBreak(post: Post, persons: [Int64], seats: Int)
        /// 另行选举 for unfilled seats of a post, among these persons.
        case runoff(post: Post, persons: [Int64], seats: Int)
        /// A women-only round for one 委员 seat (`guaranteeAfterCount`), among the women with the
        /// most 委员 votes (seats + `runoffMargin` of them, all tied at the cut).
        case womenOnly(persons: [Int64], seats: Int)
        /// The whole round is void (over-collection or turnout) and is held again.
        case repeatRound

        /// The post whose seats the round decides (`nil` for a repeated round).
        public var post: Post? {
            switch self {
            case .tieBreak(let post, _, _), .runoff(let post, _, _): return post
            case .womenOnly: return .member
            case .repeatRound: return nil
            }
        }

        /// The persons on the round's paper.
        public var persons: [Int64] {
            switch self {
            case .tieBreak(_, let persons, _), .runoff(_, let persons, _), .womenOnly(let persons, _): return persons
            case .repeatRound: return []
            }
        }

        /// Seats the round decides.
        public var seats: Int {
            switch self {
            case .tieBreak(_, _, let seats), .runoff(_, _, let seats), .womenOnly(_, let seats): return seats
            case .repeatRound: return 0
            }
        }
    }

    /// The round stands (accounting and turnout).
    public var valid: Bool
    /// Elected in this round, by post, in order of votes.
    public var elected: [Post: [Int64]]
    /// Seats left vacant (allowed).
    public var vacant: [Post: Int]
    public var steps: [TallyStep]
    /// Rounds still to hold; empty when the result is final.
    public var next: [RoundOutcome.Next]
    /// Persons elected in an earlier round who lose their seat here (the women guarantee,
    /// applied after a revote of the 委员 post).
    public var displaced: [Int64] = []
    /// The woman the guarantee elected here, if any (her votes are those of the main round).
    public var guaranteeWoman: Int64?
    /// The guarantee waits for a revote of the 委员 post (§7.4).
    public var guaranteeDeferred = false

    public var isFinal: Bool { next.isEmpty }
}

/// The rules of election-rules.md §7 (docs/counting-rules.md) as one pure function over a
/// round's counts, with integer arithmetic only. No decision depends on a person's id or on
/// list order: ties are settled by a revote, and everyone tied at a list's cut goes on the list.
public enum RoundTally {
    /// What kind of round is being decided (the threshold and who may be elected differ).
    public enum Stage: Sendable, Equatable {
        /// The main vote: more than half of the ballots collected (`electedThreshold`).
        case main
        /// A second round (另行选举): at least a third (`runoffThreshold`), the most votes win.
        case runoff
        /// A revote among tied persons: the most votes win (the threshold was passed before).
        case tieBreak
    }

    /// What the women guarantee (`guaranteeAfterCount`, §7.4) works from when it acts in this
    /// round: the 委员 votes of the main round, and the members elected before this round.
    public struct Guarantee: Sendable {
        /// 委员 votes in the main round.
        public var memberVotes: [Int64: Int]
        /// Ballots collected in the main round (the threshold's base).
        public var collected: Int
        /// Women listed for 委员 on the main round's paper, in paper order.
        public var listedWomen: [Int64]
        /// Ranking keys of persons from the revotes of the 委员 post held since the main round:
        /// main-round votes, then their votes in each revote they stood in, in order. Who is
        /// "lowest-voted" compares these keys (then this round's votes), so the winner of an
        /// earlier revote ranks above the persons tied again in it.
        public var keys: [Int64: [Int]]
        /// This round is the main round (its votes are the main-round votes).
        public var isMainRound: Bool

        public init(memberVotes: [Int64: Int], collected: Int, listedWomen: [Int64], keys: [Int64: [Int]] = [:], isMainRound: Bool) {
            self.memberVotes = memberVotes
            self.collected = collected
            self.listedWomen = listedWomen
            self.keys = keys
            self.isMainRound = isMainRound
        }

        /// A person's key before this round.
        func key(_ person: Int64) -> [Int] { keys[person] ?? [memberVotes[person, default: 0]] }
    }

    /// Whether the women guarantee acts in a round.
    public enum GuaranteeMode: Sendable {
        /// In a main round with a 委员 post, on that round's votes.
        case automatic
        /// Not in this round.
        case off
        /// Here, from the main round's figures (after a revote it waited for).
        case with(Guarantee)
    }

    /// Decides a round.
    /// - Parameters:
    ///   - seats: seats open in this round per post (the paper's posts, highest first).
    ///   - issued: ballots issued (check-ins) in the round; `count.collected` are the papers collected.
    ///   - rollSize: voters on the roll (or households / representatives, by method).
    ///   - electedBefore: persons elected in earlier rounds (to any post), with their posts.
    ///   - isWoman: gender, for the women rules.
    ///   - listed: the listed candidates of each post, in paper order (each appears in the
    ///     result with their votes, 0 included, and a 另行选举 list is filled up from them).
    ///   - womenOnly: posts on this paper that only women may take (妇女委员, or the 委员 line of a
    ///     women-only round): their unfilled seats always go to another women-only round.
    ///   - awaitingRevote: seats awaiting a revote in other rounds (they count towards `minimumMembers`).
    ///   - guarantee: apply `guaranteeAfterCount` here; by default in a main round with a 委员 post.
    ///   - vacancyAllowed: unfilled seats may stay vacant when `minimumMembers` are elected (after
    ///     a 另行选举); by default in every round but the main one.
    public static func decide(count: BallotCount, seats: [(post: Post, seats: Int)], rules: RuleSet, stage: Stage, issued: Int, rollSize: Int,
                              electedBefore: [Int64: Post] = [:], isWoman: (Int64) -> Bool = { _ in false },
                              listed: [Post: [Int64]] = [:], womenOnly: Set<Post> = [.womenMember], awaitingRevote: Int = 0,
                              guarantee: GuaranteeMode = .automatic, vacancyAllowed: Bool? = nil) -> RoundOutcome {
        var outcome = RoundOutcome(valid: true, elected: [:], vacant: [:], steps: [], next: [])
        let collected = count.collected
        outcome.steps.append(TallyStep(.accounting, votes: collected, base: issued))
        guard collected <= issued else {
            outcome.valid = false
            outcome.next = [.repeatRound]
            return outcome
        }
        let turnoutMet = rules.turnout.isMet(collected, of: rollSize)
        outcome.steps.append(TallyStep(.turnout, persons: turnoutMet ? [] : [0], votes: collected, base: rollSize, threshold: rules.turnout))
        guard turnoutMet else {
            outcome.valid = false
            outcome.next = [.repeatRound]
            return outcome
        }
        let threshold: Threshold? = stage == .main ? rules.electedThreshold : stage == .runoff ? rules.runoffThreshold : nil
        let posts = seats.filter { $0.seats > 0 }.sorted { $0.post < $1.post }

        // 1. Winners and ties, post by post from the highest (§7.3).
        var taken = electedBefore
        var rankings: [Post: [Standing]] = [:]
        var unfilled: [Post: Int] = [:]
        var ties: [RoundOutcome.Next] = []
        for (post, open) in posts {
            let votes = count.votes[post] ?? [:]
            let women = womenOnly.contains(post)
            var ranked: [Standing] = []
            for standing in ranking(votes: votes, listed: listed[post] ?? []) {
                if let higher = taken[standing.person] {
                    if standing.votes > 0 { outcome.steps.append(TallyStep(.alreadyElected, post: post, persons: [standing.person], votes: standing.votes, otherPost: higher)) }
                    continue
                }
                if women && !isWoman(standing.person) { continue }
                ranked.append(standing)
            }
            rankings[post] = ranked
            let passing = ranked.filter { threshold?.isMet($0.votes, of: collected) ?? true }
            for line in ranked where !(threshold?.isMet(line.votes, of: collected) ?? true) {
                outcome.steps.append(TallyStep(.notReached, post: post, persons: [line.person], votes: line.votes, base: collected, threshold: threshold))
            }
            var winners: [Int64] = []
            var tieSeats = 0
            if passing.count <= open {
                winners = passing.map(\.person)
            } else {
                let cut = passing[open - 1].votes
                let above = passing.filter { $0.votes > cut }
                let atCut = passing.filter { $0.votes == cut }
                if above.count + atCut.count == open {
                    winners = (above + atCut).map(\.person)
                } else {
                    winners = above.map(\.person)
                    tieSeats = open - above.count
                    outcome.steps.append(TallyStep(.tie, post: post, persons: atCut.map(\.person), votes: cut, seats: tieSeats))
                    ties.append(.tieBreak(post: post, persons: atCut.map(\.person), seats: tieSeats))
                }
                for line in passing where line.votes < cut {
                    outcome.steps.append(TallyStep(.outranked, post: post, persons: [line.person], votes: line.votes))
                }
            }
            for person in winners {
                outcome.steps.append(TallyStep(.elected, post: post, persons: [person], votes: votes[person, default: 0], base: collected, threshold: threshold))
                taken[person] = post
            }
            outcome.elected[post] = winners
            unfilled[post] = open - winners.count - tieSeats
        }
        outcome.next = ties

        // 2. The women guarantee, once, on the whole committee (§7.4).
        let guaranteeInput: Guarantee?
        switch guarantee {
        case .automatic:
            guaranteeInput = stage == .main && posts.contains(where: { $0.post == .member })
                ? Guarantee(memberVotes: count.votes[.member] ?? [:], collected: collected,
                            listedWomen: (listed[.member] ?? []).filter(isWoman), isMainRound: true)
                : nil
        case .off: guaranteeInput = nil
        case .with(let given): guaranteeInput = given
        }
        if rules.womenRule == .guaranteeAfterCount, let input = guaranteeInput {
            WomenGuarantee.apply(&outcome, input: input, roundVotes: count.votes[.member] ?? [:], unfilled: &unfilled, taken: &taken,
                                 rules: rules, isWoman: isWoman)
        }

        // 3. Unfilled seats: 另行选举, or vacant after a 另行选举 when enough members are elected (§7.5).
        let afterFirstRound = vacancyAllowed ?? (stage != .main)
        let revoteSeats = outcome.next.reduce(0) { total, next in
            if case .tieBreak(_, _, let seats) = next { return total + seats }
            return total
        }
        for (post, _) in posts {
            let open = unfilled[post, default: 0]
            guard open > 0 else { continue }
            let women = womenOnly.contains(post)
            if afterFirstRound && !women && taken.count + revoteSeats + awaitingRevote >= rules.minimumMembers {
                outcome.steps.append(TallyStep(.vacant, post: post, seats: open))
                outcome.vacant[post] = open
                continue
            }
            let pool = (rankings[post] ?? []).filter { standing in
                if let other = taken[standing.person] {
                    if standing.votes > 0 && other != post {
                        outcome.steps.append(TallyStep(.notOnList, post: post, persons: [standing.person], votes: standing.votes, otherPost: other))
                    }
                    return false
                }
                return true
            }
            let size = open + rules.runoffMargin
            let list = RunoffList.make(from: pool, size: size)
            outcome.steps.append(TallyStep(.runoff, post: post, persons: list, seats: open, listSize: size))
            if women && post == .member {
                outcome.next.append(.womenOnly(persons: list, seats: open))
            } else {
                outcome.next.append(.runoff(post: post, persons: list, seats: open))
            }
        }

        if stage == .main, posts.contains(where: { $0.post == .director }), outcome.elected[.director, default: []].isEmpty,
           !outcome.next.contains(where: { if case .tieBreak(.director, _, _) = $0 { return true } else { return false } }) {
            let acting = actingCandidates(deputies: (outcome.elected[.deputyDirector] ?? []).map { ($0, count.votes($0, in: .deputyDirector)) },
                                          members: (outcome.elected[.member] ?? []).map { ($0, count.votes($0, in: .member)) })
            outcome.steps.append(TallyStep(.acting, post: .director, persons: acting))
        }
        return outcome
    }

    /// A person's standing in a post: votes, and the place on the paper (for display order only).
    struct Standing: Sendable, Equatable {
        var person: Int64
        var votes: Int
        var place: Int
    }

    /// Everyone with votes in a post plus every listed candidate (0 votes included), most votes
    /// first; equal votes in paper order, then written-in persons by id — an order for display
    /// only: every decision treats equal votes alike.
    static func ranking(votes: [Int64: Int], listed: [Int64]) -> [Standing] {
        var standings: [Standing] = listed.enumerated().map { Standing(person: $0.element, votes: votes[$0.element, default: 0], place: $0.offset) }
        let onPaper = Set(listed)
        for (person, n) in votes where !onPaper.contains(person) { standings.append(Standing(person: person, votes: n, place: Int.max)) }
        return standings.sorted { a, b in
            if a.votes != b.votes { return a.votes > b.votes }
            if a.place != b.place { return a.place < b.place }
            return a.person < b.person
        }
    }

    /// Who acts when no 主任 is elected (§7.5): the 副主任 with most votes, else the 委员 with most
    /// votes; several tied at the top are all named (the election committee decides between them).
    static func actingCandidates(deputies: [(Int64, Int)], members: [(Int64, Int)]) -> [Int64] {
        for group in [deputies, members] where !group.isEmpty {
            let top = group.map(\.1).max()!
            return group.filter { $0.1 == top }.map(\.0).sorted()
        }
        return []
    }
}

/// The 另行选举 list rule (§7.5): the `size` persons with the most votes (seats + `runoffMargin`),
/// everyone tied at the cut included — listed candidates with 0 votes stand at 0, so they fill a
/// short list and all of them go on when the cut is at 0.
enum RunoffList {
    static func make(from pool: [RoundTally.Standing], size: Int) -> [Int64] {
        guard size > 0, !pool.isEmpty else { return [] }
        guard pool.count > size else { return pool.map(\.person) }
        let cut = pool[size - 1].votes
        return pool.filter { $0.votes >= cut }.map(\.person)
    }
}
