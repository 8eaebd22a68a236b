import Community
import Foundation

/// Where a post stands on the way to its candidate list (差额, primary), computed from the
/// accepted nominees and any primary rounds: a pure function of election-rules.md §4.
public struct PostSlate: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// The list for this post can be published: these nominees, best first.
        case ready([Int64])
        /// Fewer accepted nominees than the margin requires.
        case tooFew(have: Int, need: Int)
        /// More nominees than seats + the largest margin, and no primary yet.
        case primaryNeeded(nominees: Int, places: Int)
        /// The primary ended in a tie at the cut: a further primary among these decides `openPlaces`.
        case primaryTie(tied: [Int64], openPlaces: Int)
    }

    public var post: Post
    public var seats: Int
    public var margin: ClosedRange<Int>
    public var state: State
    /// Exactly as many candidates as seats (reachable only with `allowUncontested`).
    public var uncontested: Bool
    /// Whether a primary ranks the post's nominees.
    public var byPrimary: Bool
    /// Nominees not on the list, best first: who tops the list up after a withdrawal.
    public var reserves: [Int64]
    /// Every accepted nominee, best first: primary rounds in order where a primary was held
    /// (the winners of a further primary above its losers), else by nomination votes.
    public var rank: [Int64]
    /// The votes shown for each nominee: first-round primary votes where a primary was held,
    /// else nomination votes.
    public var votes: [Int64: Int]

    /// `accepted`: accepted nominees with their nomination votes; `rounds`: the post's primary
    /// rounds in order (nominees who have since withdrawn are left out, so the next in line moves up).
    public static func evaluate(post: Post, rules: RuleSet, accepted: [(nominee: Int64, nominationVotes: Int)],
                                rounds: [[Primary.Line]]) -> PostSlate {
        let seats = rules.seats(for: post)
        let margin = rules.margin(for: post)
        let ids = Set(accepted.map(\.nominee))
        let byNominations = accepted.sorted { $0.nominationVotes != $1.nominationVotes ? $0.nominationVotes > $1.nominationVotes : $0.nominee < $1.nominee }
            .map(\.nominee)
        var slate = PostSlate(post: post, seats: seats, margin: margin, state: .ready([]), uncontested: false, byPrimary: false, reserves: [],
                              rank: byNominations, votes: Dictionary(uniqueKeysWithValues: accepted.map { ($0.nominee, $0.nominationVotes) }))
        let count = accepted.count
        let places = seats + margin.upperBound
        if count < seats + margin.lowerBound && !(rules.allowUncontested && count >= seats) {
            slate.state = .tooFew(have: count, need: seats + margin.lowerBound)
            return slate
        }
        let held = rounds.map { $0.filter { ids.contains($0.nominee) } }.filter { !$0.isEmpty }
        if !held.isEmpty {
            let outcome = Primary.outcome(places: places, rounds: held)
            let unranked = byNominations.filter { outcome.votes[$0] == nil }
            slate.byPrimary = true
            slate.rank = outcome.selected + outcome.tied + outcome.reserves + unranked
            slate.reserves = outcome.reserves + unranked
            for line in held[0] { slate.votes[line.nominee] = line.votes }
            let fill = Array(unranked.prefix(max(0, places - outcome.selected.count)))
            slate.state = outcome.decided ? .ready(outcome.selected + fill) : .primaryTie(tied: outcome.tied, openPlaces: outcome.openPlaces)
        } else if count <= places {
            slate.state = .ready(byNominations)
        } else {
            slate.state = .primaryNeeded(nominees: count, places: places)
        }
        if case .ready(let list) = slate.state { slate.uncontested = list.count == seats }
        return slate
    }
}

/// Orders a post's candidates for the list and the ballot (`candidateOrder`).
public enum CandidateOrdering {
    /// Whether `a` comes before `b` in 姓氏笔画 order (Community's `StrokeOrder`).
    public static func strokeOrder(_ a: String, _ b: String) -> Bool {
        StrokeOrder.areInOrder(a, b)
    }

    /// Sorts `(id, name, votes)` by `order`; ties in votes fall back to stroke order.
    public static func sorted<ID>(_ items: [(id: ID, name: String, votes: Int)], by order: CandidateOrder) -> [(id: ID, name: String, votes: Int)] {
        items.sorted { a, b in
            if order == .nominationVotes && a.votes != b.votes { return a.votes > b.votes }
            return strokeOrder(a.name, b.name)
        }
    }
}
