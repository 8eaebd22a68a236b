import Community

/// One round as the tally needs it: its paper, what its ballots add up to, and how many
/// ballots were issued in it. The database and the record verifier both build these.
public struct RoundInput: Sendable {
    public var number: Int
    public var kind: RoundKind
    public var paper: BallotPaper
    public var count: BallotCount
    public var issued: Int

    public init(number: Int, kind: RoundKind, paper: BallotPaper, count: BallotCount, issued: Int) {
        self.number = number
        self.kind = kind
        self.paper = paper
        self.count = count
        self.issued = issued
    }

    /// The stage whose thresholds apply to this round.
    public var stage: RoundTally.Stage {
        switch kind {
        case .main: return .main
        case .tieBreak: return .tieBreak
        case .runoff, .womenOnly: return .runoff
        }
    }

    /// Every person's votes in each post of the round: every listed candidate (0 votes included)
    /// and every written-in person with votes; by post, then most votes, then person.
    public var standings: [PersonVotes] {
        let votes = count.votes
        var posts = Set(votes.keys)
        for section in paper.sections { posts.insert(section.post) }
        return posts.sorted().flatMap { post in
            var persons = votes[post] ?? [:]
            for section in paper.sections where section.post == post {
                for candidate in section.candidates where persons[candidate.person] == nil { persons[candidate.person] = 0 }
            }
            return persons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { PersonVotes(post: post, person: $0.key, votes: $0.value) }
        }
    }

    /// Seats per post on the paper, highest post first.
    public var seats: [(post: Post, seats: Int)] { paper.sections.map { ($0.post, $0.seats) } }
}

/// A round the result still needs, with the round whose outcome asked for it.
public struct PendingRound: Sendable, Equatable {
    /// The round that asked for it.
    public var from: Int
    public var next: RoundOutcome.Next
    /// The kind of round to open for it (a repeated round is of the void round's kind).
    public var kind: RoundKind

    init(from: Int, fromKind: RoundKind, next: RoundOutcome.Next) {
        self.from = from
        self.next = next
        switch next {
        case .tieBreak: kind = .tieBreak
        case .runoff: kind = .runoff
        case .womenOnly: kind = .womenOnly
        case .repeatRound: kind = fromKind
        }
    }
}

/// A person elected, with the votes and round that elected them.
public struct ElectedMember: Sendable, Equatable, Codable {
    public var post: Post
    public var person: Int64
    public var votes: Int
    public var round: Int
}

/// The election decided from all its rounds, in order (election-rules.md §7): each round's
/// outcome, who is elected to which post, seats left vacant, and the rounds still to hold.
public struct ElectionOutcome: Sendable {
    public var rounds: [(number: Int, outcome: RoundOutcome)]
    /// Elected members, highest post first, then by votes.
    public var elected: [ElectedMember]
    public var vacant: [Post: Int]
    /// Rounds the result still needs; empty when it is final.
    public var pending: [PendingRound]
    /// Who acts as director when none was elected (§7.5); `nil` too when several are tied for it.
    public var acting: Int64?
    /// Later rounds that settle nothing the result asked for (a round nobody asked for).
    public var unrequested: [Int] = []

    public var isFinal: Bool { pending.isEmpty }
}

/// Decides a whole election from its rounds.
public enum ElectionTally {
    /// Where the women guarantee stands (§7.4: it acts once).
    private enum GuaranteeState {
        /// Not yet: it acts in the (valid) main round with the 委员 post.
        case due
        /// The main round's 委员 post awaits a revote: it acts after the revote.
        case deferred(RoundTally.Guarantee, mainRound: Int)
        /// Done, or not this rule set's rule.
        case done
    }

    /// Decides `rounds` in order. A later round settles what an earlier one asked for — the
    /// pending round whose kind, post, seats and persons its paper carries (a tie-break, second
    /// round or women-only round), or the repeat of a void round with the same posts.
    public static func decide(_ rounds: [RoundInput], rules: RuleSet, rollSize: Int, isWoman: (Int64) -> Bool) -> ElectionOutcome {
        var result = ElectionOutcome(rounds: [], elected: [], vacant: [:], pending: [], acting: nil)
        var taken: [Int64: Post] = [:]
        var papers: [Int: BallotPaper] = [:]
        var vacancyAllowed: [Int: Bool] = [:]
        var guarantee: GuaranteeState = rules.womenRule == .guaranteeAfterCount ? .due : .done
        // The 委员 revotes held while the guarantee waits: each paper's persons and their votes.
        var memberRevotes: [[Int64: Int]] = []
        for round in rounds.sorted(by: { $0.number < $1.number }) {
            papers[round.number] = round.paper
            let settled = settles(round, pending: result.pending, papers: papers)
            if let index = settled { result.pending.remove(at: index.offset) } else if round.kind != .main { result.unrequested.append(round.number) }
            let origin = settled?.pending.from
            let allowed: Bool
            switch round.kind {
            case .main: allowed = false
            case .runoff, .womenOnly: allowed = true
            case .tieBreak: allowed = origin.flatMap { vacancyAllowed[$0] } ?? true
            }
            vacancyAllowed[round.number] = allowed
            let posts = round.paper.sections.map(\.post)
            var deferredFrom: Int?
            if case .deferred(_, let main) = guarantee { deferredFrom = main }
            let mode: RoundTally.GuaranteeMode
            switch guarantee {
            case .due where round.kind == .main && posts.contains(.member): mode = .automatic
            case .deferred(var input, _) where round.kind == .tieBreak && posts == [.member]
                && !result.pending.contains(where: { if case .tieBreak(.member, _, _) = $0.next { return true } else { return false } }):
                input.keys = revoteKeys(input.memberVotes, revotes: memberRevotes)
                input.isMainRound = false
                mode = .with(input)
            default: mode = .off
            }
            let revotes = result.pending.reduce(0) { total, pending in
                if case .tieBreak(_, _, let seats) = pending.next { return total + seats }
                return total
            }
            let outcome = RoundTally.decide(count: round.count, seats: round.seats, rules: rules, stage: round.stage, issued: round.issued,
                                            rollSize: rollSize, electedBefore: taken, isWoman: isWoman,
                                            listed: Dictionary(uniqueKeysWithValues: round.paper.sections.map { ($0.post, $0.candidates.map(\.person)) }),
                                            womenOnly: Set(round.paper.sections.filter(\.womenOnly).map(\.post)), awaitingRevote: revotes,
                                            guarantee: mode, vacancyAllowed: allowed)
            result.rounds.append((round.number, outcome))
            if case .deferred = guarantee, outcome.valid, round.kind == .tieBreak, posts == [.member] {
                memberRevotes.append(round.standings.reduce(into: [:]) { $0[$1.person] = $1.votes })
            }
            switch mode {
            case .automatic where outcome.valid:
                guarantee = outcome.guaranteeDeferred
                    ? .deferred(RoundTally.Guarantee(memberVotes: round.count.votes[.member] ?? [:], collected: round.count.collected,
                                                     listedWomen: (round.paper.sections.first { $0.post == .member }?.candidates.map(\.person) ?? []).filter(isWoman),
                                                     isMainRound: true), mainRound: round.number)
                    : .done
            case .with where outcome.valid && !outcome.guaranteeDeferred:
                guarantee = .done
            default: break
            }
            for person in outcome.displaced {
                taken[person] = nil
                result.elected.removeAll { $0.person == person }
            }
            for (post, persons) in outcome.elected.sorted(by: { $0.key < $1.key }) {
                for person in persons {
                    taken[person] = post
                    var votes = round.count.votes(person, in: post), from = round.number
                    if person == outcome.guaranteeWoman, case .with(let input) = mode {
                        // Elected by the guarantee after a revote: on her votes in the main round.
                        votes = input.memberVotes[person, default: 0]
                        from = deferredFrom ?? from
                    }
                    result.elected.append(ElectedMember(post: post, person: person, votes: votes, round: from))
                }
            }
            for (post, seats) in outcome.vacant { result.vacant[post, default: 0] += seats }
            result.pending += outcome.next.map { PendingRound(from: round.number, fromKind: round.kind, next: $0) }
        }
        result.elected.sort { $0.post != $1.post ? $0.post < $1.post : $0.votes != $1.votes ? $0.votes > $1.votes : $0.person < $1.person }
        if result.isFinal, !result.elected.contains(where: { $0.post == .director }) {
            let acting = RoundTally.actingCandidates(deputies: result.elected.filter { $0.post == .deputyDirector }.map { ($0.person, $0.votes) },
                                                     members: result.elected.filter { $0.post == .member }.map { ($0.person, $0.votes) })
            result.acting = acting.count == 1 ? acting[0] : nil
        }
        return result
    }

    /// Ranking keys for the women guarantee after revotes: main-round votes, then the votes in
    /// each revote a person stood in.
    private static func revoteKeys(_ main: [Int64: Int], revotes: [[Int64: Int]]) -> [Int64: [Int]] {
        var keys: [Int64: [Int]] = [:]
        for person in Set(main.keys).union(revotes.flatMap(\.keys)) {
            keys[person] = [main[person, default: 0]] + revotes.compactMap { $0[person] }
        }
        return keys
    }

    /// The pending round that `round` settles: the one whose kind, post, seats and persons its
    /// paper carries; else the repeat of a void round with the same paper; else the first of its
    /// kind for one of its posts. `nil` for an original main round, or a round nobody asked for.
    private static func settles(_ round: RoundInput, pending: [PendingRound], papers: [Int: BallotPaper]) -> (offset: Int, pending: PendingRound)? {
        let posts = round.paper.sections.map(\.post)
        let persons = Set(round.paper.sections.flatMap { $0.candidates.map(\.person) })
        let seats = round.paper.sections.reduce(0) { $0 + $1.seats }
        let same = pending.enumerated().filter { $0.element.kind == round.kind }.map { (offset: $0.offset, pending: $0.element) }
        if let exact = same.first(where: { item in
            item.pending.next != .repeatRound && item.pending.next.post.map { [$0] } == posts
                && Set(item.pending.next.persons) == persons && item.pending.next.seats == seats
        }) { return exact }
        if let repeated = same.first(where: { item in
            guard item.pending.next == .repeatRound, let paper = papers[item.pending.from] else { return false }
            return paper.sections.map(\.post) == posts && Set(paper.sections.flatMap { $0.candidates.map(\.person) }) == persons
        }) { return repeated }
        return same.first { item in
            if item.pending.next == .repeatRound { return papers[item.pending.from]?.sections.map(\.post) == posts }
            return item.pending.next.post.map(posts.contains) ?? false
        }
    }
}
