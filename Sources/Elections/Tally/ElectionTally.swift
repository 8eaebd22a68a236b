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
    /// Who acts as director when none was elected (§7.5).
    public var acting: Int64?

    public var isFinal: Bool { pending.isEmpty }
}

/// Decides a whole election from its rounds.
public enum ElectionTally {
    /// Decides `rounds` in order. A later round settles what an earlier one asked for: a
    /// tie-break, second round or women-only round for the posts on its paper, or the repeat of a
    /// void round with the same posts.
    public static func decide(_ rounds: [RoundInput], rules: RuleSet, rollSize: Int, isWoman: (Int64) -> Bool) -> ElectionOutcome {
        var result = ElectionOutcome(rounds: [], elected: [], vacant: [:], pending: [], acting: nil)
        var electedBefore: [Int64: Post] = [:]
        var kinds: [Int: (kind: RoundKind, posts: [Post])] = [:]
        for round in rounds.sorted(by: { $0.number < $1.number }) {
            let posts = round.paper.sections.map(\.post)
            kinds[round.number] = (round.kind, posts)
            let outcome = RoundTally.decide(count: round.count, seats: round.seats, rules: rules, stage: round.stage, issued: round.issued,
                                            rollSize: rollSize, electedBefore: electedBefore, isWoman: isWoman,
                                            listed: Dictionary(uniqueKeysWithValues: round.paper.sections.map { ($0.post, $0.candidates.map(\.person)) }))
            result.rounds.append((round.number, outcome))
            result.pending.removeAll { pending in
                guard pending.kind == round.kind else { return false }
                switch pending.next {
                case .tieBreak(let post, _, _), .runoff(let post, _, _): return posts.contains(post)
                case .womenOnly: return posts.contains(.member)
                case .repeatRound: return kinds[pending.from]?.posts == posts
                }
            }
            for (post, persons) in outcome.elected.sorted(by: { $0.key < $1.key }) {
                for person in persons {
                    electedBefore[person] = post
                    result.elected.append(ElectedMember(post: post, person: person, votes: round.count.votes(person, in: post), round: round.number))
                }
            }
            for (post, seats) in outcome.vacant { result.vacant[post, default: 0] += seats }
            result.pending += outcome.next.map { PendingRound(from: round.number, fromKind: round.kind, next: $0) }
        }
        result.elected.sort { $0.post != $1.post ? $0.post < $1.post : $0.votes != $1.votes ? $0.votes > $1.votes : $0.person < $1.person }
        if result.isFinal, !result.elected.contains(where: { $0.post == .director }) {
            result.acting = result.elected.first { $0.post == .deputyDirector }?.person ?? result.elected.first { $0.post == .member }?.person
        }
        return result
    }
}
