import Community
import Foundation
import Testing
@testable import Elections

/// The worked examples of election-rules.md (computed by hand there) and the §6 readings.
@Suite("tally engine (election-rules.md §6–§7, worked examples A–E)")
struct TallyTests {
    // Persons by name: 甲 1 … 壬 9.
    static let names: [Int64: String] = [1: "甲", 2: "乙", 3: "丙", 4: "丁", 5: "戊", 6: "己", 7: "庚", 8: "辛", 9: "壬"]
    func name(_ id: Int64) -> String { Self.names[id] ?? "?" }

    func counts(collected: Int, _ votes: [Post: [Int64: Int]]) -> BallotCount {
        var count = BallotCount()
        count.collected = collected
        count.votes = votes
        return count
    }

    var rules: RuleSet { RuleSet() }

    @Test("A: 主任 甲 400 > 319 elected; 委员 丙 500, 丁 420 elected, 戊 319 is not > 319 → 另行选举 between 戊 and 己; the second round elects 戊 with 200 ≥ 560/3")
    func exampleA() {
        let count = counts(collected: 638, [.director: [1: 400, 2: 200, 9: 10], .member: [3: 500, 4: 420, 5: 319, 6: 300, 7: 250]])
        let outcome = RoundTally.decide(count: count, seats: [(.director, 1), (.member, 3)], rules: rules, stage: .main, issued: 640, rollSize: 1000)
        #expect(outcome.valid)
        #expect(outcome.elected[.director] == [1])
        #expect(outcome.elected[.member] == [3, 4])
        #expect(outcome.next == [.runoff(post: .member, persons: [5, 6], seats: 1)])
        let texts = outcome.steps.map { $0.chinese(name) }
        #expect(texts.contains("丙 500 票 > 1/2 × 638 → 当选委员"))
        #expect(texts.contains("戊 319 票，未达到 > 1/2 × 638"))
        #expect(texts.contains("委员尚缺 1 名 → 另行选举，候选人：戊、己"))
        #expect(outcome.steps.map { $0.english(name) }.contains("甲 400 votes, > 1/2 of 638 → elected Director"))
        // The second round: 560 collected of 1,000, 戊 200, 己 190.
        let second = RoundTally.decide(count: counts(collected: 560, [.member: [5: 200, 6: 190]]), seats: [(.member, 1)], rules: rules, stage: .runoff,
                                       issued: 565, rollSize: 1000, electedBefore: [1: .director, 3: .member, 4: .member])
        #expect(second.elected[.member] == [5] && second.isFinal)
        #expect(second.steps.map { $0.chinese(name) }.contains("戊 200 票 ≥ 1/3 × 560 → 当选委员"))
    }

    @Test("B: an over-marked 委员 part is void on that ballot (voidPost) while its 主任 mark counts; under voidBallot the whole ballot is void")
    func exampleB() {
        let paper = BallotPaper(election: 1, title: "t", electionDay: "2026-12-20", round: 1, roundKind: "main", sections: [
            .init(post: .director, title: "主任", seats: 1, womenOnly: false, candidates: [.init(position: 1, name: "甲", person: 1), .init(position: 2, name: "乙", person: 2)], writeInLines: 1),
            .init(post: .member, title: "委员", seats: 3, womenOnly: false, candidates: [3, 4, 5, 6, 7].enumerated().map { .init(position: $0.offset + 1, name: "", person: $0.element) }, writeInLines: 3),
        ], marks: Mark.allCases, instructions: [], sealLabel: "")
        let ballot = MarkedBallot(paper: "d", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain]),
            .init(post: .member, marks: [.approve, .approve, .approve, .abstain, .abstain], writeIns: [.init(person: 8)]),
        ])
        let counted = BallotCount.count([ballot], paper: paper, rules: rules, isWoman: { _ in false })
        #expect(counted.votes(1, in: .director) == 1 && counted.votes[.member] == nil && counted.voidPosts[.member] == 1)
        var strict = rules
        strict.overvote = .voidBallot
        let none = BallotCount.count([ballot], paper: paper, rules: strict, isWoman: { _ in false })
        #expect(none.votes.isEmpty && none.voided == 1 && none.collected == 1)
        // Readings: 同意 for 丙 plus a write-in of 丙 is one choice; a void write-in is still a mark.
        let sameTwice = MarkedBallot(paper: "d", state: .marked, posts: [
            .init(post: .director, marks: [.abstain, .abstain]),
            .init(post: .member, marks: [.approve, .approve, .abstain, .abstain, .abstain], writeIns: [.init(person: 3)]),
        ])
        #expect(BallotCount.count([sameTwice], paper: paper, rules: rules, isWoman: { _ in false }).votes[.member] == [3: 1, 4: 1])
        let voidMark = MarkedBallot(paper: "d", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain], writeIns: [.init(person: nil)]),
            .init(post: .member, marks: [.abstain, .abstain, .abstain, .abstain, .abstain]),
        ])
        #expect(BallotCount.count([voidMark], paper: paper, rules: rules, isWoman: { _ in false }).voidPosts[.director] == 1)
        // The same person for two posts: the ballot is void (default), or only the higher post counts.
        let twoPosts = MarkedBallot(paper: "d", state: .marked, posts: [
            .init(post: .director, marks: [.approve, .abstain]),
            .init(post: .member, marks: [.approve, .abstain, .abstain, .abstain, .abstain], writeIns: [.init(person: 1)]),
        ])
        #expect(BallotCount.count([twoPosts], paper: paper, rules: rules, isWoman: { _ in false }).voided == 1)
        var highest = rules
        highest.samePersonTwoPosts = .highestPostOnly
        #expect(BallotCount.count([twoPosts], paper: paper, rules: highest, isWoman: { _ in false }).votes == [.director: [1: 1], .member: [3: 1]])
        // Blank and invalid papers are collected, with no votes.
        let all = BallotCount.count([.unmarked(.blank, paper: "d"), .unmarked(.notOfficial, paper: "d"), ballot], paper: paper, rules: rules, isWoman: { _ in false })
        #expect(all.collected == 3 && all.blank == 1 && all.invalid == 1)
    }

    @Test("C: 520 issued, 511 collected: the round stands (the rule is per round), and 521 collected would void it")
    func exampleC() {
        let count = counts(collected: 511, [.director: [1: 400]])
        #expect(RoundTally.decide(count: count, seats: [(.director, 1)], rules: rules, stage: .main, issued: 520, rollSize: 800).valid)
        let over = RoundTally.decide(count: counts(collected: 521, [.director: [1: 400]]), seats: [(.director, 1)], rules: rules, stage: .main,
                                     issued: 520, rollSize: 800)
        #expect(!over.valid && over.next == [.repeatRound])
        #expect(over.steps.first?.chinese(name).contains("收回多于发出") == true)
        // Turnout: 400 of 800 is not more than half.
        let low = RoundTally.decide(count: counts(collected: 400, [.director: [1: 300]]), seats: [(.director, 1)], rules: rules, stage: .main,
                                    issued: 410, rollSize: 800)
        #expect(!low.valid && low.next == [.repeatRound])
    }

    @Test("D: 丙 450, 丁 420 elected; 戊 and 己 tie at 350 above 300 for the last seat → revote between them only")
    func exampleD() {
        let outcome = RoundTally.decide(count: counts(collected: 600, [.member: [3: 450, 4: 420, 5: 350, 6: 350]]), seats: [(.member, 3)], rules: rules,
                                        stage: .main, issued: 600, rollSize: 1000)
        #expect(outcome.elected[.member] == [3, 4])
        #expect(outcome.next == [.tieBreak(post: .member, persons: [5, 6], seats: 1)])
        let revote = RoundTally.decide(count: counts(collected: 590, [.member: [5: 300, 6: 280]]), seats: [(.member, 1)], rules: rules, stage: .tieBreak,
                                       issued: 590, rollSize: 1000, electedBefore: [3: .member, 4: .member])
        #expect(revote.elected[.member] == [5] && revote.isFinal)
    }

    @Test("E: guaranteeAfterCount — woman 辛 330 > 300 takes 戊's seat; with 280 戊 is not declared and a women-only round follows")
    func exampleE() {
        var rules = RuleSet()
        rules.womenRule = .guaranteeAfterCount
        let women: Set<Int64> = [8]
        let count = counts(collected: 600, [.member: [3: 450, 4: 420, 5: 350, 8: 330]])
        let outcome = RoundTally.decide(count: count, seats: [(.member, 3)], rules: rules, stage: .main, issued: 600, rollSize: 1000, isWoman: women.contains)
        #expect(Set(outcome.elected[.member] ?? []) == [3, 4, 8] && outcome.isFinal)
        let low = counts(collected: 600, [.member: [3: 450, 4: 420, 5: 350, 8: 280]])
        let second = RoundTally.decide(count: low, seats: [(.member, 3)], rules: rules, stage: .main, issued: 600, rollSize: 1000, isWoman: women.contains)
        #expect(Set(second.elected[.member] ?? []) == [3, 4])
        #expect(second.next == [.womenOnly(persons: [8], seats: 1)])
        // An unfilled seat becomes the women's seat, so nobody is displaced.
        let unfilled = counts(collected: 600, [.member: [3: 450, 4: 420, 5: 250, 8: 280]])
        let third = RoundTally.decide(count: unfilled, seats: [(.member, 3)], rules: rules, stage: .main, issued: 600, rollSize: 1000, isWoman: women.contains)
        #expect(Set(third.elected[.member] ?? []) == [3, 4] && third.next == [.womenOnly(persons: [8], seats: 1)])
    }

    @Test("a second round that still leaves a seat empty: vacant when at least minimumMembers are elected, another round otherwise")
    func vacancies() {
        let short = counts(collected: 600, [.member: [5: 150, 6: 140]])
        let allowed = RoundTally.decide(count: short, seats: [(.member, 1)], rules: rules, stage: .runoff, issued: 600, rollSize: 1000,
                                        electedBefore: [1: .director, 2: .deputyDirector, 3: .member, 4: .member])
        #expect(allowed.vacant[.member] == 1 && allowed.isFinal)
        let tooFew = RoundTally.decide(count: short, seats: [(.member, 1)], rules: rules, stage: .runoff, issued: 600, rollSize: 1000,
                                       electedBefore: [1: .director])
        #expect(tooFew.next == [.runoff(post: .member, persons: [5, 6], seats: 1)])
    }

    @Test("shuffling the ballots never changes the count")
    func shuffle() {
        let paper = BallotPaper(election: 1, title: "t", electionDay: "2026-12-20", round: 1, roundKind: "main", sections: [
            .init(post: .member, title: "委员", seats: 2, womenOnly: false, candidates: [3, 4, 5].enumerated().map { .init(position: $0.offset + 1, name: "", person: $0.element) }, writeInLines: 2),
        ], marks: Mark.allCases, instructions: [], sealLabel: "")
        var generator = SeededGenerator(seed: 7)
        let ballots = (0..<500).map { _ in
            MarkedBallot(paper: "d", state: .marked, posts: [.init(post: .member, marks: (0..<3).map { _ in Bool.random(using: &generator) ? .approve : .abstain })])
        }
        let reference = BallotCount.count(ballots, paper: paper, rules: rules, isWoman: { _ in false })
        for _ in 0..<5 {
            #expect(BallotCount.count(ballots.shuffled(using: &generator), paper: paper, rules: rules, isWoman: { _ in false }) == reference)
        }
        #expect(reference.voidPosts[.member, default: 0] > 0 && reference.votes[.member]?.isEmpty == false)
    }
}
