import Community
import Foundation
import GRDB
import Testing
@testable import Elections

/// The edge cases of issue 17, each computed by hand from election-rules.md §7.4–§7.5 and its
/// "Readings that decide edge cases" (docs/counting-rules.md).
@Suite("tally edge cases: ties at a list's cut, 另行选举 lists, the women guarantee, vacancies")
struct TallyEdgeCaseTests {
    // Persons: 甲 1 乙 2 丙 3 丁 4 戊 5 己 6 庚 7 辛 8 壬 9 癸 10 酉 11 亥 12.
    static let names: [Int64: String] = [1: "甲", 2: "乙", 3: "丙", 4: "丁", 5: "戊", 6: "己", 7: "庚", 8: "辛", 9: "壬", 10: "癸", 11: "酉", 12: "亥"]
    static func name(_ id: Int64) -> String { names[id] ?? "#\(id)" }

    static func counts(collected: Int, _ votes: [Post: [Int64: Int]]) -> BallotCount {
        var count = BallotCount()
        count.collected = collected
        count.votes = votes
        return count
    }

    static func paper(_ sections: [(Post, Int, [Int64])], womenOnly: Bool = false, kind: RoundKind = .main) -> BallotPaper {
        BallotPaper(election: 1, title: "t", electionDay: "2026-12-20", round: 1, roundKind: kind.rawValue, sections: sections.map { post, seats, listed in
            .init(post: post, title: post.chinese, seats: seats, womenOnly: womenOnly || post == .womenMember,
                  candidates: listed.enumerated().map { .init(position: $0.offset + 1, name: name($0.element), person: $0.element) },
                  writeInLines: kind == .tieBreak ? 0 : seats)
        }, marks: Mark.allCases, instructions: [], sealLabel: "")
    }

    static func round(_ number: Int, _ kind: RoundKind, _ sections: [(Post, Int, [Int64])], collected: Int, votes: [Post: [Int64: Int]],
                      womenOnly: Bool = false) -> RoundInput {
        RoundInput(number: number, kind: kind, paper: paper(sections, womenOnly: womenOnly, kind: kind), count: counts(collected: collected, votes), issued: collected)
    }

    static var guarantee: RuleSet {
        var rules = RuleSet()
        rules.womenRule = .guaranteeAfterCount
        return rules
    }

    @Test("1: everyone tied at the cut of a 另行选举 list goes on, listed candidates with 0 votes included (壬 and 亥, 2 blank papers, margin 0)")
    func tieAtTheCutWithZeroVotes() {
        var rules = RuleSet()
        rules.runoffMargin = 0
        let outcome = RoundTally.decide(count: Self.counts(collected: 2, [:]), seats: [(.member, 1)], rules: rules, stage: .main, issued: 2, rollSize: 3,
                                        listed: [.member: [9, 12]])
        #expect(outcome.next == [.runoff(post: .member, persons: [9, 12], seats: 1)])
        let texts = outcome.steps.map { $0.chinese(Self.name) }
        #expect(texts.contains("壬 0 票，未达到 > 1/2 × 2") && texts.contains("亥 0 票，未达到 > 1/2 × 2"))
        #expect(texts.contains("委员尚缺 1 名 → 另行选举，候选人：壬、亥（按差额应列 1 名，票数相同者均列入）"))
    }

    @Test("2: a person elected 委员 in the same round is not on the 副主任 另行选举 list (丁, 丙 — not 丁, 戊)")
    func electedLowerPostLeavesHigherList() {
        let count = Self.counts(collected: 14, [.deputyDirector: [3: 3, 5: 5, 4: 6], .member: [5: 9]])
        let outcome = RoundTally.decide(count: count, seats: [(.deputyDirector, 1), (.member, 1)], rules: RuleSet(), stage: .main, issued: 14, rollSize: 20,
                                        listed: [.deputyDirector: [3, 4, 5], .member: [5, 6]])
        #expect(outcome.elected[.member] == [5])
        #expect(outcome.next == [.runoff(post: .deputyDirector, persons: [4, 3], seats: 1)])
        #expect(outcome.steps.map { $0.chinese(Self.name) }.contains("戊 已当选委员，不列入副主任另行选举候选人"))
    }

    @Test("3: after a 另行选举 the next list has ties at the cut (丙 丁 戊, 2 each of 9) and is filled with listed candidates (主任 甲, 2 blank papers)")
    func nextListAfterRunoff() {
        let tied = RoundTally.decide(count: Self.counts(collected: 9, [.member: [3: 2, 4: 2, 5: 2]]), seats: [(.member, 1)], rules: RuleSet(), stage: .runoff,
                                     issued: 9, rollSize: 12, electedBefore: [1: .director], listed: [.member: [3, 4]])
        #expect(tied.next == [.runoff(post: .member, persons: [3, 4, 5], seats: 1)])
        let empty = RoundTally.decide(count: Self.counts(collected: 2, [:]), seats: [(.director, 1)], rules: RuleSet(), stage: .runoff, issued: 2, rollSize: 3,
                                      listed: [.director: [1]])
        #expect(empty.next == [.runoff(post: .director, persons: [1], seats: 1)])
    }

    @Test("4a: equal lowest-voted elected 委员 (癸, 酉 2 of 2), no woman above the threshold → a revote between them for the seat they keep, plus the women-only seat")
    func lowestTiedMembers() {
        let count = Self.counts(collected: 2, [.member: [10: 2, 11: 2]])
        let outcome = RoundTally.decide(count: count, seats: [(.member, 2)], rules: Self.guarantee, stage: .main, issued: 2, rollSize: 3,
                                        isWoman: { $0 == 8 }, listed: [.member: [8, 10, 11]])
        #expect(outcome.elected[.member] == [])
        #expect(outcome.next == [.tieBreak(post: .member, persons: [10, 11], seats: 1), .womenOnly(persons: [8], seats: 1)])
        #expect(outcome.steps.map { $0.chinese(Self.name) }.contains("得票最少的当选委员 癸、酉 各得 2 票 → 就他们重新投票，保留 1 个名额"))
    }

    @Test("4b: equal top women above the threshold (辛, 癸 16 of 20) → a revote between them; the lowest-voted 戊 gives up the seat")
    func tiedTopWomen() {
        let women: Set<Int64> = [8, 10]
        let main = Self.round(1, .main, [(.member, 3, [3, 4, 5, 8, 10])], collected: 20, votes: [.member: [3: 19, 4: 18, 5: 17, 8: 16, 10: 16]])
        let first = ElectionTally.decide([main], rules: Self.guarantee, rollSize: 30, isWoman: women.contains)
        #expect(first.rounds[0].outcome.next == [.tieBreak(post: .member, persons: [8, 10], seats: 1)])
        #expect(Set(first.elected.map(\.person)) == [3, 4])
        let revote = Self.round(2, .tieBreak, [(.member, 1, [8, 10])], collected: 20, votes: [.member: [8: 9, 10: 11]])
        let done = ElectionTally.decide([main, revote], rules: Self.guarantee, rollSize: 30, isWoman: women.contains)
        #expect(done.isFinal && Set(done.elected.map(\.person)) == [3, 4, 10])
    }

    @Test("5: while the 委员 post awaits a revote the guarantee waits (丙 18 stays); after the revote 辛 16 takes the revote's lowest seat")
    func guaranteeWaitsForRevote() {
        let women: Set<Int64> = [8]
        let main = Self.round(1, .main, [(.member, 3, [3, 4, 5, 6, 8])], collected: 20, votes: [.member: [3: 18, 4: 17, 5: 17, 6: 17, 8: 16]])
        let first = ElectionTally.decide([main], rules: Self.guarantee, rollSize: 30, isWoman: women.contains)
        #expect(first.elected.map(\.person) == [3])
        #expect(first.pending.map(\.next) == [.tieBreak(post: .member, persons: [4, 5, 6], seats: 2)])
        #expect(first.rounds[0].outcome.steps.contains { $0.kind == .womenDeferred })
        let revote = Self.round(2, .tieBreak, [(.member, 2, [4, 5, 6])], collected: 20, votes: [.member: [4: 10, 5: 8, 6: 2]])
        let done = ElectionTally.decide([main, revote], rules: Self.guarantee, rollSize: 30, isWoman: women.contains)
        #expect(done.isFinal)
        #expect(Set(done.elected.map(\.person)) == [3, 4, 8])
        let woman = done.elected.first { $0.person == 8 }
        #expect(woman?.votes == 16 && woman?.round == 1)
        #expect(done.rounds[1].outcome.steps.map { $0.chinese(Self.name) }.contains("当选成员中没有妇女：辛 16 票 > 1/2 × 20，当选委员，代替得票最少的 戊"))
    }

    @Test("6: a seat left to the women-only round leaves the plain list sized on the seats that remain (己, 戊)")
    func womenSeatShrinksPlainList() {
        let count = Self.counts(collected: 10, [.member: [3: 6, 4: 6, 6: 3, 5: 2, 7: 1, 8: 1]])
        let outcome = RoundTally.decide(count: count, seats: [(.member, 4)], rules: Self.guarantee, stage: .main, issued: 10, rollSize: 12,
                                        isWoman: { $0 == 8 }, listed: [.member: [3, 4, 5, 6, 7, 8]])
        #expect(Set(outcome.elected[.member] ?? []) == [3, 4])
        #expect(outcome.next == [.womenOnly(persons: [8], seats: 1), .runoff(post: .member, persons: [6, 5], seats: 1)])
    }

    @Test("7: vacancies are decided over the whole committee — every post's winners and seats awaiting revotes count")
    func vacanciesOverWholeCommittee() {
        // A later round with two posts: 副主任 short, two 委员 elected; with 主任 that is 3 members.
        let both = RoundTally.decide(count: Self.counts(collected: 9, [.deputyDirector: [2: 1], .member: [3: 5, 4: 4]]),
                                     seats: [(.deputyDirector, 1), (.member, 2)], rules: RuleSet(), stage: .runoff, issued: 9, rollSize: 12,
                                     electedBefore: [1: .director])
        #expect(both.vacant == [.deputyDirector: 1] && both.isFinal)
        // A 副主任 另行选举 falls short while a 委员 revote for 1 seat is pending elsewhere: 2 elected + 1 awaiting = 3.
        let rounds = [
            Self.round(1, .main, [(.director, 1, [1, 2]), (.deputyDirector, 1, [5, 6]), (.member, 2, [3, 4, 7])], collected: 10,
                       votes: [.director: [1: 8], .deputyDirector: [5: 2, 6: 1], .member: [3: 9, 4: 6, 7: 6]]),
            Self.round(2, .runoff, [(.deputyDirector, 1, [5, 6])], collected: 10, votes: [.deputyDirector: [5: 1, 6: 1]]),
        ]
        var rules = RuleSet()
        rules.womenRule = .none
        let outcome = ElectionTally.decide(rounds, rules: rules, rollSize: 12, isWoman: { _ in false })
        #expect(outcome.vacant == [.deputyDirector: 1])
        #expect(outcome.pending.map(\.next) == [.tieBreak(post: .member, persons: [4, 7], seats: 1)])
    }

    @Test("8: with one round per post the guarantee acts once, in the 委员 round, considering the whole committee")
    func guaranteeOnceWithRoundPerPost() {
        var rules = Self.guarantee
        rules.ballotLayout = .roundPerPost
        let women: Set<Int64> = [8, 2]
        let director = Self.round(1, .main, [(.director, 1, [1, 2])], collected: 10, votes: [.director: [1: 7, 2: 3]])
        let deputy = Self.round(2, .main, [(.deputyDirector, 1, [5, 6])], collected: 10, votes: [.deputyDirector: [5: 8]])
        let member = Self.round(3, .main, [(.member, 2, [3, 4, 8])], collected: 10, votes: [.member: [3: 9, 4: 7, 8: 2]])
        let outcome = ElectionTally.decide([director, deputy, member], rules: rules, rollSize: 12, isWoman: women.contains)
        #expect(outcome.rounds[0].outcome.next.isEmpty && outcome.rounds[1].outcome.next.isEmpty)
        #expect(outcome.pending.map(\.next) == [.womenOnly(persons: [8], seats: 1)])
        #expect(Set(outcome.elected.map(\.person)) == [1, 5, 3])
        // A woman elected 主任 in the first round satisfies the rule for the whole committee.
        let womanDirector = Self.round(1, .main, [(.director, 1, [1, 2])], collected: 10, votes: [.director: [2: 7, 1: 3]])
        let satisfied = ElectionTally.decide([womanDirector, deputy, member], rules: rules, rollSize: 12, isWoman: women.contains)
        #expect(satisfied.isFinal && Set(satisfied.elected.map(\.person)) == [2, 5, 3, 4])
    }

    @Test("9: a failed women-only round is followed by another women-only round, never an ordinary one, and never left vacant")
    func womenOnlyStaysWomenOnly() {
        let women: Set<Int64> = [8, 10]
        let main = Self.round(1, .main, [(.director, 1, [1, 2]), (.member, 3, [3, 4, 5, 8])], collected: 10,
                              votes: [.director: [1: 9], .member: [3: 9, 4: 8, 5: 7, 8: 2]])
        let first = ElectionTally.decide([main], rules: Self.guarantee, rollSize: 12, isWoman: women.contains)
        #expect(first.pending.map(\.next) == [.womenOnly(persons: [8], seats: 1)])
        let failed = Self.round(2, .womenOnly, [(.member, 1, [8])], collected: 10, votes: [.member: [8: 2, 10: 1]], womenOnly: true)
        let second = ElectionTally.decide([main, failed], rules: Self.guarantee, rollSize: 12, isWoman: women.contains)
        #expect(second.pending.map(\.kind) == [.womenOnly])
        #expect(second.pending.map(\.next) == [.womenOnly(persons: [8, 10], seats: 1)])
        #expect(second.vacant.isEmpty)
        // separateSeat: the 妇女委员 line is never left vacant either.
        let separate = RoundTally.decide(count: Self.counts(collected: 10, [.womenMember: [8: 1]]), seats: [(.womenMember, 1)], rules: RuleSet(),
                                         stage: .runoff, issued: 10, rollSize: 12, electedBefore: [1: .director, 3: .member, 4: .member, 5: .member],
                                         isWoman: women.contains, listed: [.womenMember: [8, 10]])
        #expect(separate.vacant.isEmpty && separate.next == [.runoff(post: .womenMember, persons: [8, 10], seats: 1)])
    }

    @Test("10: void write-ins are counted only on ballots not void as a whole, whatever the order of the posts")
    func voidWriteInsIndependentOfPostOrder() {
        var rules = RuleSet()
        rules.overvote = .voidBallot
        let paper = Self.paper([(.director, 1, [1, 2]), (.member, 2, [3, 4, 5])])
        // A void write-in for 主任, then an over-marked 委员 part; and the other way round.
        let early = MarkedBallot(paper: "p", state: .marked, posts: [
            .init(post: .director, marks: [.abstain, .abstain], writeIns: [.init(person: nil)]),
            .init(post: .member, marks: [.approve, .approve, .approve]),
        ])
        let late = MarkedBallot(paper: "p", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .approve]),
            .init(post: .member, marks: [.abstain, .abstain, .abstain], writeIns: [.init(person: nil)]),
        ])
        let counted = BallotCount.count([early, late], paper: paper, rules: rules, isWoman: { _ in false })
        #expect(counted.voided == 2 && counted.voidWriteIns.isEmpty)
        // On a ballot that stands, the void write-in is counted.
        rules.overvote = .voidPost
        let standing = BallotCount.count([early], paper: paper, rules: rules, isWoman: { _ in false })
        #expect(standing.voided == 0 && standing.voidWriteIns == [.director: 1] && standing.voidPosts == [.member: 1])
    }

    @Test("11: every listed candidate has a row with their votes, 0 included, in the round's standings and tally.json")
    func listedCandidatesWithZeroVotes() {
        let input = Self.round(1, .main, [(.director, 1, [1, 2]), (.member, 2, [3, 4, 5])], collected: 4, votes: [.director: [1: 3], .member: [3: 4, 9: 1]])
        let rows = input.standings.map { "\($0.post.rawValue) \(Self.name($0.person)) \($0.votes)" }
        #expect(rows == ["director 甲 3", "director 乙 0", "member 丙 4", "member 壬 1", "member 丁 0", "member 戊 0"])
        let outcome = ElectionTally.decide([input], rules: RuleSet(), rollSize: 5, isWoman: { _ in false })
        let tally = RecordTally(input: input, outcome: outcome.rounds[0].outcome)
        #expect(tally.votes.count == 6 && tally.votes.contains(PersonVotes(post: .director, person: 2, votes: 0)))
    }

    @Test("a later round nobody asked for is reported (the verifier refuses it), and two revotes of one post are told apart by their papers")
    func whichPendingRoundIsSettled() {
        var rules = Self.guarantee
        rules.runoffMargin = 0
        // 委员 2 seats: 癸 and 酉 equal lowest (revote for 1 seat), women 辛 and 亥 tied at the top (revote for 1 seat).
        let women: Set<Int64> = [8, 12]
        let main = Self.round(1, .main, [(.member, 2, [10, 11, 8, 12])], collected: 10, votes: [.member: [10: 9, 11: 9, 8: 6, 12: 6]])
        let first = ElectionTally.decide([main], rules: rules, rollSize: 12, isWoman: women.contains)
        #expect(Set(first.pending.map(\.next)) == [.tieBreak(post: .member, persons: [10, 11], seats: 1), .tieBreak(post: .member, persons: [8, 12], seats: 1)])
        // The women's revote is held first: it settles that one only.
        let womenRevote = Self.round(2, .tieBreak, [(.member, 1, [8, 12])], collected: 10, votes: [.member: [8: 4, 12: 6]])
        let second = ElectionTally.decide([main, womenRevote], rules: rules, rollSize: 12, isWoman: women.contains)
        #expect(second.pending.map(\.next) == [.tieBreak(post: .member, persons: [10, 11], seats: 1)])
        #expect(Set(second.elected.map(\.person)) == [12] && second.unrequested.isEmpty)
        // A 另行选举 for 主任 that nothing asked for.
        let stray = Self.round(3, .runoff, [(.director, 1, [1, 2])], collected: 10, votes: [.director: [1: 6]])
        #expect(ElectionTally.decide([main, womenRevote, stray], rules: rules, rollSize: 12, isWoman: women.contains).unrequested == [3])
    }

    @Test("acting director: the 副主任 with most votes; two tied at the top are both named and none is chosen by id")
    func actingDirector() {
        var rules = RuleSet()
        rules.deputyDirectorSeats = 2
        rules.womenRule = .none
        let tied = Self.round(1, .main, [(.director, 1, [1, 2]), (.deputyDirector, 2, [5, 6, 7]), (.member, 3, [3, 4, 9, 10])], collected: 10,
                              votes: [.director: [1: 5, 2: 5], .deputyDirector: [5: 7, 6: 7], .member: [3: 8, 4: 8, 9: 8]])
        let outcome = ElectionTally.decide([tied], rules: rules, rollSize: 12, isWoman: { _ in false })
        #expect(outcome.pending.map(\.next) == [.runoff(post: .director, persons: [1, 2], seats: 1)])
        let step = outcome.rounds[0].outcome.steps.first { $0.kind == .acting }
        #expect(step?.persons == [5, 6])
        #expect(step?.chinese(Self.name) == "未选出主任，戊、己 得票相同，由选举委员会确定主持工作的人")
    }
}

@Suite("the review page's verdict is the counting code's (BallotCheck)")
struct BallotCheckTests {
    @Test("同意 for 甲 plus a write-in of 甲 is one choice: no warning; a real over-mark or a person on two posts is named as the tally will treat it")
    func verdicts() {
        let paper = TallyEdgeCaseTests.paper([(.director, 1, [1, 2]), (.member, 2, [3, 4, 5])])
        let rules = RuleSet()
        let same = MarkedBallot(paper: "p", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain], writeIns: [.init(person: 1)]),
            .init(post: .member, marks: [.approve, .abstain, .abstain]),
        ])
        #expect(BallotCheck.check(same, paper: paper, rules: rules, isWoman: { _ in false }) == BallotCheck(voidPosts: [], voidBallot: false))
        let over = MarkedBallot(paper: "p", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain]),
            .init(post: .member, marks: [.approve, .approve, .abstain], writeIns: [.init(person: nil)]),
        ])
        #expect(BallotCheck.check(over, paper: paper, rules: rules, isWoman: { _ in false }) == BallotCheck(voidPosts: [.member], voidBallot: false))
        var strict = rules
        strict.overvote = .voidBallot
        #expect(BallotCheck.check(over, paper: paper, rules: strict, isWoman: { _ in false }).voidBallot)
        let twice = MarkedBallot(paper: "p", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain]),
            .init(post: .member, marks: [.abstain, .abstain, .abstain], writeIns: [.init(person: 1)]),
        ])
        #expect(BallotCheck.check(twice, paper: paper, rules: rules, isWoman: { _ in false }) == BallotCheck(voidPosts: [], voidBallot: true))
        // The verdict always agrees with counting the ballot.
        for ballot in [same, over, twice] {
            let count = BallotCount.count([ballot], paper: paper, rules: rules, isWoman: { _ in false })
            let check = BallotCheck.check(ballot, paper: paper, rules: rules, isWoman: { _ in false })
            #expect(check.voidBallot == (count.voided == 1) && Set(check.voidPosts) == Set(count.voidPosts.keys))
        }
    }
}

@Suite("result warnings: close relatives elected together, no ethnic-minority member where one is expected")
struct ResultWarningTests {
    @Test("spouses from the household register and a declared sibling are named; strangers are not; the minority rule warns only when asked")
    func warnings() throws {
        let f = try RollFixture()
        let born = CivilDate(year: 1970, month: 1, day: 1)!
        let head = try f.person("王甲", born: born, household: "H1")
        let wife = try f.person("李乙", born: born, male: false, household: "H1", relation: "妻")
        let other = try f.person("张丙", born: born, household: "H2", room: "102")
        let brother = try f.person("王丁", born: born, household: "H3", room: "103")
        var rules = RuleSet()
        rules.ethnicMinorityMember = true
        let election = try f.election(rules: rules)
        try f.database.declareRelative(electionID: election.id!, residentID: head.id!, relativeID: brother.id!, kinship: .sibling, actor: .commandLine)
        let elected = [head, wife, other, brother].enumerated().map { ElectedMember(post: $0.offset == 0 ? .director : .member, person: $0.element.id!, votes: 10, round: 1) }
        let warnings = try f.database.reader.read { db in try AppDatabase.resultWarnings(db, election: election, elected: elected) }
        #expect(warnings.filter { $0.kind == .closeRelatives }.map(\.persons) == [[head.id!, wife.id!].sorted(), [head.id!, brother.id!].sorted()].sorted { $0.lexicographicallyPrecedes($1) })
        #expect(warnings.first { $0.persons == [head.id!, wife.id!].sorted() }?.kinship == .spouse)
        #expect(warnings.contains { $0.kind == .noEthnicMinorityMember })
        let names = [head.id!: head.name, wife.id!: wife.name]
        #expect(warnings.first { $0.kinship == .spouse }?.chinese { names[$0] ?? "" }.hasPrefix("王甲与李乙为近亲属（配偶）") == true)
        // Without the rule, or with a minority member elected, no such warning.
        let plain = try f.election(rules: RuleSet())
        #expect(try f.database.reader.read { db in try AppDatabase.resultWarnings(db, election: plain, elected: [elected[2]]) }.isEmpty)
    }
}
