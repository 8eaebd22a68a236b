import Community

/// One decision of the tally, as data: the results page and the record render it in zh and en.
public struct TallyStep: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Ballots collected against ballots issued (§7.1).
        case accounting
        /// Ballots collected against the roll (§7.2).
        case turnout
        /// Elected: votes meet the threshold and rank within the seats.
        case elected
        /// Votes do not meet the threshold.
        case notReached
        /// Passed the threshold but ranked below the seats.
        case outranked
        /// Already elected to a higher post or in an earlier round: skipped here.
        case alreadyElected
        /// Tied for the last seat(s): a revote among them decides.
        case tie
        /// Seats left unfilled: a second round (另行选举) among these persons.
        case runoff
        /// Seats left vacant (allowed: at least `minimumMembers` elected).
        case vacant
        /// `guaranteeAfterCount`: a woman takes the lowest-voted elected member's seat.
        case womanReplaces
        /// `guaranteeAfterCount`: no woman above the threshold; a 委员 seat goes to a women-only round.
        case womenOnlyRound
        /// No 主任 elected: who acts.
        case acting
    }

    public var kind: Kind
    public var post: Post?
    public var persons: [Int64]
    public var votes: Int?
    /// The base the threshold applies to (ballots collected, or the roll for turnout).
    public var base: Int?
    /// The threshold, as text (`> 1/2`).
    public var threshold: String?
    /// Seats concerned (for ties and runoffs).
    public var seats: Int?

    init(_ kind: Kind, post: Post? = nil, persons: [Int64] = [], votes: Int? = nil, base: Int? = nil, threshold: Threshold? = nil, seats: Int? = nil) {
        self.kind = kind
        self.post = post
        self.persons = persons
        self.votes = votes
        self.base = base
        self.threshold = threshold?.description
        self.seats = seats
    }

    /// The step in Chinese, with `names` for the persons.
    public func chinese(_ names: (Int64) -> String) -> String {
        let who = persons.map(names).joined(separator: "、")
        let postName = post?.chinese ?? ""
        switch kind {
        case .accounting: return "收回选票 \(votes ?? 0) 张，发出 \(base ?? 0) 张：" + ((votes ?? 0) <= (base ?? 0) ? "收回不多于发出，本轮有效" : "收回多于发出，本轮选举无效，应重新投票")
        case .turnout: return "参加投票 \(votes ?? 0) 人，登记 \(base ?? 0) 人，需 \(threshold ?? "")：" + (persons.isEmpty ? "本轮有效" : "不足，本轮选举无效")
        case .elected: return "\(who) \(votes ?? 0) 票 \(threshold ?? "") × \(base ?? 0) → 当选\(postName)"
        case .notReached: return "\(who) \(votes ?? 0) 票，未达到 \(threshold ?? "") × \(base ?? 0)"
        case .outranked: return "\(who) \(votes ?? 0) 票，票数已过但名次在应选名额之外"
        case .alreadyElected: return "\(who) 已当选，不再计入\(postName)"
        case .tie: return "\(who) 各得 \(votes ?? 0) 票，并列争夺\(postName)最后 \(seats ?? 0) 个名额 → 就票数相同者重新投票"
        case .runoff: return "\(postName)尚缺 \(seats ?? 0) 名 → 另行选举，候选人：\(who)"
        case .vacant: return "\(postName)缺额 \(seats ?? 0) 名；当选成员已达最低人数，可以缺额"
        case .womanReplaces: return "当选委员中没有妇女：\(who)"
        case .womenOnlyRound: return "当选委员中没有妇女，且没有妇女过票 → 委员 1 个名额留待妇女另行选举" + (persons.isEmpty ? "" : "，候选人：\(who)")
        case .acting: return persons.isEmpty ? "未选出主任" : "未选出主任，由 \(who) 主持工作"
        }
    }

    /// The step in English.
    public func english(_ names: (Int64) -> String) -> String {
        let who = persons.map(names).joined(separator: ", ")
        let postName = post?.english ?? ""
        switch kind {
        case .accounting: return "\(votes ?? 0) ballots collected, \(base ?? 0) issued: " + ((votes ?? 0) <= (base ?? 0) ? "the round stands" : "more collected than issued, the round is void and repeated")
        case .turnout: return "\(votes ?? 0) of \(base ?? 0) voters took part, \(threshold ?? "") needed: " + (persons.isEmpty ? "valid" : "too few, the round is void")
        case .elected: return "\(who) \(votes ?? 0) votes, \(threshold ?? "") of \(base ?? 0) → elected \(postName)"
        case .notReached: return "\(who) \(votes ?? 0) votes, not \(threshold ?? "") of \(base ?? 0)"
        case .outranked: return "\(who) \(votes ?? 0) votes: passed, but ranked below the seats"
        case .alreadyElected: return "\(who) already elected: not counted for \(postName)"
        case .tie: return "\(who) tied at \(votes ?? 0) for the last \(seats ?? 0) seat(s) of \(postName) → revote among them"
        case .runoff: return "\(postName): \(seats ?? 0) seat(s) unfilled → second round between \(who)"
        case .vacant: return "\(postName): \(seats ?? 0) seat(s) left vacant (the minimum number of members is elected)"
        case .womanReplaces: return "No woman among the members elected: \(who)"
        case .womenOnlyRound: return "No woman elected and none above the threshold → one member seat goes to a women-only round" + (persons.isEmpty ? "" : " between \(who)")
        case .acting: return persons.isEmpty ? "No director elected" : "No director elected: \(who) acts"
        }
    }
}

/// What a round decided and what has to happen next.
public struct RoundOutcome: Sendable, Equatable {
    /// A further round the result requires.
    public enum Next: Sendable, Equatable {
        /// Revote among tied persons for the last seat(s) of a post.
        case tieBreak(post: Post, persons: [Int64], seats: Int)
        /// 另行选举 for unfilled seats of a post, among these persons.
        case runoff(post: Post, persons: [Int64], seats: Int)
        /// A women-only round for one 委员 seat (`guaranteeAfterCount`), among the women with the
        /// most 委员 votes (seats + `runoffMargin` of them, all tied at the cut).
        case womenOnly(persons: [Int64], seats: Int)
        /// The whole round is void (over-collection or turnout) and is held again.
        case repeatRound
    }

    /// The round stands (accounting and turnout).
    public var valid: Bool
    /// Elected in this round, by post, in order of votes.
    public var elected: [Post: [Int64]]
    /// Seats left vacant (allowed).
    public var vacant: [Post: Int]
    public var steps: [TallyStep]
    /// Rounds still to hold; empty when the result is final.
    public var next: [Next]

    public var isFinal: Bool { next.isEmpty }
}

/// The rules of election-rules.md §7 as one pure function over a round's counts, with integer
/// arithmetic only.
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

    /// Decides a round.
    /// - Parameters:
    ///   - seats: seats open in this round per post (the paper's posts, highest first).
    ///   - issued: ballots issued (check-ins) in the round; `count.collected` are the papers collected.
    ///   - rollSize: voters on the roll (or households / representatives, by method).
    ///   - electedBefore: persons elected in earlier rounds (to any post), with their posts.
    ///   - isWoman: gender, for the women rule.
    ///   - listed: the listed candidates of each post (a runoff's list is filled up from them).
    public static func decide(count: BallotCount, seats: [(post: Post, seats: Int)], rules: RuleSet, stage: Stage, issued: Int, rollSize: Int,
                              electedBefore: [Int64: Post] = [:], isWoman: (Int64) -> Bool = { _ in false },
                              listed: [Post: [Int64]] = [:]) -> RoundOutcome {
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
        var taken = electedBefore
        for (post, open) in seats.sorted(by: { $0.post < $1.post }) where open > 0 {
            let votes = count.votes[post] ?? [:]
            var ranked: [(person: Int64, votes: Int)] = []
            for (person, n) in votes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                if taken[person] != nil {
                    outcome.steps.append(TallyStep(.alreadyElected, post: post, persons: [person], votes: n))
                    continue
                }
                if post == .womenMember && !isWoman(person) { continue }
                ranked.append((person, n))
            }
            let passing = ranked.filter { threshold?.isMet($0.votes, of: collected) ?? true }
            for line in ranked where !(threshold?.isMet(line.votes, of: collected) ?? true) {
                outcome.steps.append(TallyStep(.notReached, post: post, persons: [line.person], votes: line.votes, base: collected, threshold: threshold))
            }
            var winners: [Int64] = []
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
                    let tiedSeats = open - above.count
                    outcome.steps.append(TallyStep(.tie, post: post, persons: atCut.map(\.person), votes: cut, seats: tiedSeats))
                    outcome.next.append(.tieBreak(post: post, persons: atCut.map(\.person), seats: tiedSeats))
                }
                for line in passing where line.votes < cut {
                    outcome.steps.append(TallyStep(.outranked, post: post, persons: [line.person], votes: line.votes))
                }
            }
            for person in winners {
                outcome.steps.append(TallyStep(.elected, post: post, persons: [person], votes: votes[person], base: collected, threshold: threshold))
                taken[person] = post
            }
            outcome.elected[post] = winners
            let tieSeats = outcome.next.reduce(0) { total, next in
                if case .tieBreak(let p, _, let s) = next, p == post { return total + s }
                return total
            }
            let unfilled = open - winners.count - tieSeats
            guard unfilled > 0 else { continue }
            if stage == .main {
                // 另行选举: the persons not elected with the most votes in this post, unfilled +
                // runoffMargin of them (all tied at the cut go on); listed candidates with no votes
                // only fill the list.
                let pool = ranked.filter { !winners.contains($0.person) && !isTied(outcome.next, post: post, person: $0.person) }
                let size = unfilled + rules.runoffMargin
                var runoff = pool.prefix(size).map(\.person)
                if pool.count > size, let last = pool.prefix(size).last {
                    runoff += pool.dropFirst(size).filter { $0.votes == last.votes }.map(\.person)
                }
                for person in listed[post] ?? [] where runoff.count < size && !runoff.contains(person) && taken[person] == nil
                    && (post != .womenMember || isWoman(person)) {
                    runoff.append(person)
                }
                outcome.steps.append(TallyStep(.runoff, post: post, persons: runoff, seats: unfilled))
                outcome.next.append(.runoff(post: post, persons: runoff, seats: unfilled))
            } else {
                let electedTotal = taken.count
                if electedTotal >= rules.minimumMembers {
                    outcome.steps.append(TallyStep(.vacant, post: post, seats: unfilled))
                    outcome.vacant[post] = unfilled
                } else {
                    let pool = ranked.filter { !winners.contains($0.person) }.prefix(unfilled + rules.runoffMargin).map(\.person)
                    outcome.steps.append(TallyStep(.runoff, post: post, persons: pool, seats: unfilled))
                    outcome.next.append(.runoff(post: post, persons: pool, seats: unfilled))
                }
            }
        }
        if rules.womenRule == .guaranteeAfterCount && stage == .main {
            applyWomenGuarantee(&outcome, count: count, rules: rules, collected: collected, taken: taken, isWoman: isWoman,
                                listedWomen: (listed[.member] ?? []).filter(isWoman))
        }
        if stage == .main, seats.contains(where: { $0.post == .director && $0.seats > 0 }), outcome.elected[.director, default: []].isEmpty,
           !outcome.next.contains(where: { if case .tieBreak(.director, _, _) = $0 { return true } else { return false } }) {
            let acting = (outcome.elected[.deputyDirector] ?? []).first ?? (outcome.elected[.member] ?? []).first
            outcome.steps.append(TallyStep(.acting, post: .director, persons: acting.map { [$0] } ?? []))
        }
        return outcome
    }

    static func isTied(_ next: [RoundOutcome.Next], post: Post, person: Int64) -> Bool {
        next.contains { if case .tieBreak(let p, let persons, _) = $0 { return p == post && persons.contains(person) } else { return false } }
    }

    /// `guaranteeAfterCount` (§7.4): with no woman on the whole committee, the woman with most
    /// 委员 votes above the threshold takes the lowest-voted elected 委员's seat; with none above
    /// it, one 委员 seat (an unfilled one if there is one, so nobody is displaced) goes to a
    /// women-only round.
    static func applyWomenGuarantee(_ outcome: inout RoundOutcome, count: BallotCount, rules: RuleSet, collected: Int, taken: [Int64: Post],
                                    isWoman: (Int64) -> Bool, listedWomen: [Int64]) {
        guard !taken.keys.contains(where: isWoman) else { return }
        let memberVotes = count.votes[.member] ?? [:]
        let women = memberVotes.filter { isWoman($0.key) && taken[$0.key] == nil && rules.electedThreshold.isMet($0.value, of: collected) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var members = outcome.elected[.member] ?? []
        let unfilledRunoff = outcome.next.firstIndex { if case .runoff(.member, _, _) = $0 { return true } else { return false } }
        if let woman = women.first {
            if let index = unfilledRunoff, case .runoff(_, let persons, let seats) = outcome.next[index] {
                // A seat is unfilled anyway: the woman takes it, nobody is displaced.
                if seats > 1 { outcome.next[index] = .runoff(post: .member, persons: persons.filter { $0 != woman.key }, seats: seats - 1) } else { outcome.next.remove(at: index) }
            } else if let lowest = members.min(by: { memberVotes[$0, default: 0] < memberVotes[$1, default: 0] }) {
                members.removeAll { $0 == lowest }
            }
            members.append(woman.key)
            outcome.elected[.member] = members
            outcome.steps.append(TallyStep(.womanReplaces, post: .member, persons: [woman.key], votes: woman.value, base: collected,
                                           threshold: rules.electedThreshold))
        } else {
            if let index = unfilledRunoff, case .runoff(_, let persons, let seats) = outcome.next[index] {
                // An unfilled seat becomes the women's seat: nobody is displaced.
                if seats > 1 { outcome.next[index] = .runoff(post: .member, persons: persons, seats: seats - 1) } else { outcome.next.remove(at: index) }
            } else if let lowest = members.min(by: { memberVotes[$0, default: 0] < memberVotes[$1, default: 0] }) {
                members.removeAll { $0 == lowest }
                outcome.elected[.member] = members
            }
            let pool = memberVotes.filter { isWoman($0.key) && taken[$0.key] == nil }
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let size = 1 + rules.runoffMargin
            var persons = pool.prefix(size).map(\.key)
            if let last = pool.prefix(size).last { persons += pool.dropFirst(size).filter { $0.value == last.value }.map(\.key) }
            for person in listedWomen where persons.count < size && !persons.contains(person) && taken[person] == nil { persons.append(person) }
            outcome.steps.append(TallyStep(.womenOnlyRound, post: .member, persons: persons, seats: 1))
            outcome.next.append(.womenOnly(persons: persons, seats: 1))
        }
    }
}
