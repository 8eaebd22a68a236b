import Community

/// `guaranteeAfterCount` (election-rules.md §7.4; docs/counting-rules.md §7.4): with no woman on
/// the whole committee, the woman with the most 委员 votes above the threshold takes a 委员
/// seat — an unfilled one if there is one, else the lowest-voted elected 委员's; with none above
/// it, that seat goes to a women-only round. It acts once, when the 委员 post of the main round is
/// decided; while that post awaits a revote it waits, and acts after the revote. Ties are settled
/// by revotes: equal lowest-voted members revote for the seats they keep, equal top women for
/// the one seat.
enum WomenGuarantee {
    static func apply(_ outcome: inout RoundOutcome, input: RoundTally.Guarantee, roundVotes: [Int64: Int], unfilled: inout [Post: Int],
                      taken: inout [Int64: Post], rules: RuleSet, isWoman: (Int64) -> Bool) {
        let women = taken.keys.filter(isWoman).sorted()
        if !women.isEmpty {
            outcome.steps.append(TallyStep(.womanPresent, post: .member, persons: women))
            return
        }
        if outcome.next.contains(where: { if case .tieBreak(.member, _, _) = $0 { return true } else { return false } }) {
            outcome.guaranteeDeferred = true
            outcome.steps.append(TallyStep(.womenDeferred, post: .member))
            return
        }
        let threshold = rules.electedThreshold
        // The seat: an unfilled 委员 seat, else the lowest-voted elected 委员's.
        var displaced: [Int64] = []
        if unfilled[.member, default: 0] > 0 {
            unfilled[.member, default: 0] -= 1
        } else {
            let here = Set(outcome.elected[.member] ?? [])
            var keys: [Int64: [Int]] = [:]
            for (person, post) in taken where post == .member {
                keys[person] = !here.contains(person) ? input.key(person)
                    : input.isMainRound ? [roundVotes[person, default: 0]] : input.key(person) + [roundVotes[person, default: 0]]
            }
            guard let lowestKey = keys.values.min(by: { $0.lexicographicallyPrecedes($1) }) else { return }
            displaced = keys.filter { $0.value == lowestKey }.map(\.key).sorted()
            for person in displaced {
                taken[person] = nil
                if let index = outcome.elected[.member]?.firstIndex(of: person) {
                    outcome.elected[.member]?.remove(at: index)
                } else {
                    outcome.displaced.append(person)
                }
            }
            if displaced.count > 1 {
                outcome.steps.append(TallyStep(.lowestTie, post: .member, persons: displaced, votes: lowestKey.last, seats: displaced.count - 1))
                outcome.next.append(.tieBreak(post: .member, persons: displaced, seats: displaced.count - 1))
            }
        }
        let above = input.memberVotes.filter { isWoman($0.key) && taken[$0.key] == nil && threshold.isMet($0.value, of: input.collected) }
        guard let top = above.values.max() else {
            let pool = RoundTally.ranking(votes: input.memberVotes.filter { isWoman($0.key) }, listed: input.listedWomen)
                .filter { taken[$0.person] == nil && isWoman($0.person) }
            let list = RunoffList.make(from: pool, size: 1 + rules.runoffMargin)
            outcome.steps.append(TallyStep(.womenOnlyRound, post: .member, persons: list, seats: 1, others: displaced, listSize: 1 + rules.runoffMargin))
            outcome.next.append(.womenOnly(persons: list, seats: 1))
            return
        }
        let topWomen = above.filter { $0.value == top }.map(\.key).sorted()
        if topWomen.count > 1 {
            outcome.steps.append(TallyStep(.womenTie, post: .member, persons: topWomen, votes: top, seats: 1, others: displaced))
            outcome.next.append(.tieBreak(post: .member, persons: topWomen, seats: 1))
            return
        }
        let woman = topWomen[0]
        taken[woman] = .member
        outcome.elected[.member, default: []].append(woman)
        outcome.guaranteeWoman = woman
        outcome.steps.append(TallyStep(.womanReplaces, post: .member, persons: [woman], votes: top, base: input.collected, threshold: threshold,
                                       others: displaced))
    }
}
