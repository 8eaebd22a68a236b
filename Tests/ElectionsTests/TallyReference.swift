import Community
@testable import Elections

// A second, independent implementation of election-rules.md §7 and of the multi-round flow
// (docs/counting-rules.md), written plainly from the text with sets and loops. It shares no
// code with `RoundTally`, `WomenGuarantee` or `ElectionTally`: not the ranking, not the list
// rule, not the threshold arithmetic. `TallyDifferentialTests` compares the two on thousands of
// generated elections.

/// One post on a round's paper.
struct RefSection: Equatable {
    var post: Post
    var seats: Int
    var womenOnly: Bool
    /// Listed candidates, in paper order.
    var listed: [Int64]
}

/// One round as the reference reads it: the paper, the per-person votes, the papers collected
/// and the ballots issued.
struct RefRound {
    var number: Int
    var kind: RoundKind
    var sections: [RefSection]
    var votes: [Post: [Int64: Int]]
    var collected: Int
    var issued: Int
}

/// A round the result asks for.
struct RefRequest: Hashable, Comparable, CustomStringConvertible {
    /// "tieBreak", "runoff", "womenOnly" or "repeat".
    var what: String
    /// The kind of round to hold (a repeat is of the void round's kind).
    var kind: RoundKind
    var post: Post?
    var persons: Set<Int64>
    var seats: Int
    /// The round that asked for it.
    var from: Int

    var description: String {
        "\(what)(\(post?.rawValue ?? "-"), \(persons.sorted()), seats \(seats), from round \(from))"
    }

    static func < (a: RefRequest, b: RefRequest) -> Bool { a.description < b.description }
}

/// What the reference decided in one round.
struct RefRoundDecision: Equatable {
    var valid: Bool
    var elected: [Post: Set<Int64>] = [:]
    var vacant: [Post: Int] = [:]
    var next: [RefRequest] = []
    var displaced: Set<Int64> = []
}

/// A member elected, as the reference records it.
struct RefMember: Hashable, Comparable, CustomStringConvertible {
    var post: Post
    var person: Int64
    var votes: Int
    var round: Int

    var description: String { "\(post.rawValue) #\(person) \(votes) votes (round \(round))" }
    static func < (a: RefMember, b: RefMember) -> Bool { a.description < b.description }
}

/// The reference's decision of a whole election.
struct RefElection {
    var rounds: [RefRoundDecision] = []
    var members: Set<RefMember> = []
    var vacant: [Post: Int] = [:]
    var pending: [RefRequest] = []
    var acting: Int64?
}

enum TallyReference {
    /// `count / base` meets `numerator / denominator` (strictly more, or at least).
    static func meets(_ count: Int, of base: Int, _ threshold: Threshold) -> Bool {
        switch threshold.comparison {
        case .moreThan: return count * threshold.denominator > threshold.numerator * base
        case .atLeast: return count * threshold.denominator >= threshold.numerator * base
        }
    }

    /// The `size` persons of `field` with the most `votes` (0 for persons without any), and
    /// everyone with as many votes as the last of them.
    static func topWithTies(_ field: Set<Int64>, votes: [Int64: Int], size: Int) -> Set<Int64> {
        if field.count <= size { return field }
        let descending = field.map { votes[$0] ?? 0 }.sorted(by: >)
        let cut = descending[size - 1]
        return field.filter { (votes[$0] ?? 0) >= cut }
    }

    static func decide(_ rounds: [RefRound], rules: RuleSet, roll: Int, women: Set<Int64>) -> RefElection {
        var election = RefElection()
        // Everyone elected so far, to which post, with votes and round.
        var holders: [Int64: RefMember] = [:]
        var open: [RefRequest] = []
        var papers: [Int: [RefSection]] = [:]
        // Whether a round's unfilled seats all go to 另行选举 (the first round, and revotes of it).
        var firstStage: [Int: Bool] = [:]
        // The women guarantee: not yet acted / waiting for a 委员 revote / acted.
        var guaranteeActed = rules.womenRule != .guaranteeAfterCount
        var waiting: (votes: [Int64: Int], collected: Int, listedWomen: [Int64], round: Int)?
        // The 委员 revotes held while the guarantee waits, in order: persons on the paper and votes.
        var history: [(persons: Set<Int64>, votes: [Int64: Int])] = []

        for round in rounds.sorted(by: { $0.number < $1.number }) {
            papers[round.number] = round.sections
            let posts = round.sections.map(\.post)
            let persons = Set(round.sections.flatMap(\.listed))
            let seatsOnPaper = round.sections.map(\.seats).reduce(0, +)
            var settled: RefRequest?
            if let i = open.firstIndex(where: { $0.what != "repeat" && $0.kind == round.kind && $0.post != nil && [$0.post!] == posts && $0.persons == persons && $0.seats == seatsOnPaper }) {
                settled = open.remove(at: i)
            } else if let i = open.firstIndex(where: { r in
                r.what == "repeat" && r.kind == round.kind && papers[r.from]?.map(\.post) == posts && Set(papers[r.from]!.flatMap(\.listed)) == persons
            }) {
                settled = open.remove(at: i)
            } else if let i = open.firstIndex(where: { r in
                r.kind == round.kind && (r.what == "repeat" ? papers[r.from]?.map(\.post) == posts : posts.contains(r.post!))
            }) {
                settled = open.remove(at: i)
            }
            let first: Bool
            switch round.kind {
            case .main: first = true
            case .runoff, .womenOnly: first = false
            case .tieBreak: first = settled.flatMap { firstStage[$0.from] } ?? false
            }
            firstStage[round.number] = first

            var decision = RefRoundDecision(valid: true)
            // §7.1 and §7.2.
            if round.collected > round.issued || !meets(round.collected, of: roll, rules.turnout) {
                decision.valid = false
                decision.next = [RefRequest(what: "repeat", kind: round.kind, post: nil, persons: [], seats: 0, from: round.number)]
                election.rounds.append(decision)
                open += decision.next
                continue
            }
            let threshold: Threshold? = round.kind == .main ? rules.electedThreshold : round.kind == .tieBreak ? nil : rules.runoffThreshold
            var unfilled: [Post: Int] = [:]
            // §7.3: post by post from the highest.
            for section in round.sections.sorted(by: { $0.post.ordinal < $1.post.ordinal }) where section.seats > 0 {
                let votes = round.votes[section.post] ?? [:]
                var field = Set(votes.keys).union(section.listed)
                field = field.filter { holders[$0] == nil && (!section.womenOnly || women.contains($0)) }
                let passing = field.filter { threshold == nil || meets(votes[$0] ?? 0, of: round.collected, threshold!) }
                var winners: Set<Int64> = []
                var tied = 0
                if passing.count <= section.seats {
                    winners = passing
                } else {
                    let cut = passing.map { votes[$0] ?? 0 }.sorted(by: >)[section.seats - 1]
                    let above = passing.filter { (votes[$0] ?? 0) > cut }
                    let atCut = passing.filter { (votes[$0] ?? 0) == cut }
                    if above.count + atCut.count == section.seats {
                        winners = above.union(atCut)
                    } else {
                        winners = above
                        tied = section.seats - above.count
                        decision.next.append(RefRequest(what: "tieBreak", kind: .tieBreak, post: section.post, persons: atCut, seats: tied, from: round.number))
                    }
                }
                for person in winners {
                    holders[person] = RefMember(post: section.post, person: person, votes: votes[person] ?? 0, round: round.number)
                }
                decision.elected[section.post] = winners
                unfilled[section.post] = section.seats - winners.count - tied
            }

            // §7.4 guaranteeAfterCount, once.
            var figures: (votes: [Int64: Int], collected: Int, listedWomen: [Int64], round: Int, main: Bool)?
            if !guaranteeActed {
                if waiting == nil && round.kind == .main && posts.contains(.member) {
                    let listed = round.sections.first { $0.post == .member }?.listed ?? []
                    figures = (round.votes[.member] ?? [:], round.collected, listed.filter(women.contains), round.number, true)
                } else if let w = waiting, round.kind == .tieBreak, posts == [.member],
                          !open.contains(where: { $0.what == "tieBreak" && $0.post == .member }) {
                    figures = (w.votes, w.collected, w.listedWomen, w.round, false)
                }
            }
            if let g = figures {
                if holders.keys.contains(where: women.contains) {
                    guaranteeActed = true
                    waiting = nil
                } else if decision.next.contains(where: { $0.what == "tieBreak" && $0.post == .member }) {
                    waiting = (g.votes, g.collected, g.listedWomen, g.round)
                } else {
                    guaranteeActed = true
                    waiting = nil
                    if unfilled[.member, default: 0] > 0 {
                        unfilled[.member, default: 0] -= 1
                    } else {
                        // The lowest-voted elected 委员: main-round votes, then revote votes.
                        func key(_ person: Int64) -> [Int] {
                            let member = holders[person]!
                            if member.round == round.number && g.main { return [member.votes] }
                            var key = [g.votes[person] ?? 0]
                            for revote in history where revote.persons.contains(person) { key.append(revote.votes[person] ?? 0) }
                            if member.round == round.number { key.append(member.votes) }
                            return key
                        }
                        let members = holders.values.filter { $0.post == .member }.map(\.person)
                        if let lowest = members.map(key).min(by: { $0.lexicographicallyPrecedes($1) }) {
                            let group = Set(members.filter { key($0) == lowest })
                            for person in group {
                                if holders[person]!.round == round.number { decision.elected[.member]?.remove(person) } else { decision.displaced.insert(person) }
                                holders[person] = nil
                            }
                            if group.count > 1 {
                                decision.next.append(RefRequest(what: "tieBreak", kind: .tieBreak, post: .member, persons: group, seats: group.count - 1, from: round.number))
                            }
                        }
                    }
                    var above: [Int64: Int] = [:]
                    for (person, n) in g.votes where women.contains(person) && holders[person] == nil && meets(n, of: g.collected, rules.electedThreshold) {
                        above[person] = n
                    }
                    if let best = above.values.max() {
                        let top = Set(above.filter { $0.value == best }.keys)
                        if top.count == 1 {
                            let woman = top.first!
                            holders[woman] = RefMember(post: .member, person: woman, votes: best, round: g.round)
                            decision.elected[.member, default: []].insert(woman)
                        } else {
                            decision.next.append(RefRequest(what: "tieBreak", kind: .tieBreak, post: .member, persons: top, seats: 1, from: round.number))
                        }
                    } else {
                        let field = Set(g.votes.keys.filter(women.contains)).union(g.listedWomen).filter { holders[$0] == nil }
                        let list = topWithTies(field, votes: g.votes, size: 1 + rules.runoffMargin)
                        decision.next.append(RefRequest(what: "womenOnly", kind: .womenOnly, post: .member, persons: list, seats: 1, from: round.number))
                    }
                }
            }

            if waiting != nil && round.kind == .tieBreak && posts == [.member] {
                history.append((persons, round.votes[.member] ?? [:]))
            }
            // §7.5: unfilled seats.
            let revotes = (decision.next + open).filter { $0.what == "tieBreak" }.map(\.seats).reduce(0, +)
            for section in round.sections.sorted(by: { $0.post.ordinal < $1.post.ordinal }) {
                let missing = unfilled[section.post] ?? 0
                if missing == 0 { continue }
                if !section.womenOnly && !first && holders.count + revotes >= rules.minimumMembers {
                    decision.vacant[section.post] = missing
                    continue
                }
                let votes = round.votes[section.post] ?? [:]
                let field = Set(votes.keys).union(section.listed).filter { holders[$0] == nil && (!section.womenOnly || women.contains($0)) }
                let list = topWithTies(field, votes: votes, size: missing + rules.runoffMargin)
                if section.womenOnly && section.post == .member {
                    decision.next.append(RefRequest(what: "womenOnly", kind: .womenOnly, post: .member, persons: list, seats: missing, from: round.number))
                } else {
                    decision.next.append(RefRequest(what: "runoff", kind: .runoff, post: section.post, persons: list, seats: missing, from: round.number))
                }
            }
            for (post, n) in decision.vacant { election.vacant[post, default: 0] += n }
            election.rounds.append(decision)
            open += decision.next
        }
        election.members = Set(holders.values)
        election.pending = open
        if open.isEmpty && !holders.values.contains(where: { $0.post == .director }) {
            for post in [Post.deputyDirector, .member] {
                let group = holders.values.filter { $0.post == post }
                guard let most = group.map(\.votes).max() else { continue }
                let top = group.filter { $0.votes == most }
                election.acting = top.count == 1 ? top[0].person : nil
                break
            }
        }
        return election
    }
}
