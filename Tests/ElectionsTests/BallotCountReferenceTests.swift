import Community
import Foundation
import Testing
@testable import Elections

/// The first, plain implementation of §6 (dictionaries and sets, one ballot at a time), kept
/// as the reference the optimised `BallotCount.add` must agree with.
struct ReferenceCount: Equatable {
    var blank = 0, invalid = 0, voided = 0
    var voidPosts: [Post: Int] = [:]
    var votes: [Post: [Int64: Int]] = [:]
    var voidWriteIns: [Post: Int] = [:]

    /// Adds one ballot (reference) (§6 with the readings of election-rules.md: the over-mark check counts
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
        // Void write-ins count only on a ballot that is not void as a whole.
        var voidHereWriteIns: [Post: Int] = [:]
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
                    voidHereWriteIns[section.post, default: 0] += 1
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
        for (post, n) in voidHereWriteIns { voidWriteIns[post, default: 0] += n }
        for (post, persons) in chosen {
            for person in persons { votes[post, default: [:]][person, default: 0] += 1 }
        }
    }
}

@Suite("BallotCount agrees with the reference implementation of §6")
struct BallotCountReferenceTests {
    @Test("property: random ballots under every counting rule give the same counts as the reference")
    func differential() {
        var generator = SeededGenerator(seed: 99)
        let women: Set<Int64> = [2, 5, 8, 11, 21]
        let paper = BallotPaper(election: 1, title: "t", electionDay: "2026-12-20", round: 1, roundKind: "main", sections: [
            .init(post: .director, title: "主任", seats: 1, womenOnly: false, candidates: (1...3).map { .init(position: Int($0), name: "", person: $0) }, writeInLines: 1),
            .init(post: .deputyDirector, title: "副主任", seats: 2, womenOnly: false, candidates: (3...6).map { .init(position: Int($0), name: "", person: $0) }, writeInLines: 2),
            .init(post: .womenMember, title: "妇女委员", seats: 1, womenOnly: true, candidates: [.init(position: 1, name: "", person: 8), .init(position: 2, name: "", person: 11)], writeInLines: 1),
            .init(post: .member, title: "委员", seats: 3, womenOnly: false, candidates: (6...12).map { .init(position: Int($0), name: "", person: $0) }, writeInLines: 3),
        ], marks: Mark.allCases, instructions: [], sealLabel: "")
        for overvote in OvervoteRule.allCases {
            for same in SamePersonRule.allCases {
                var rules = RuleSet()
                rules.overvote = overvote
                rules.samePersonTwoPosts = same
                var fast = BallotCount()
                var reference = ReferenceCount()
                var packed = PackedBallots()
                var all: [MarkedBallot] = []
                for _ in 0..<3_000 {
                    let ballot: MarkedBallot
                    switch generator.next() % 40 {
                    case 0: ballot = .unmarked(.blank, paper: "p")
                    case 1: ballot = .unmarked(.unreadable, paper: "p")
                    default:
                        ballot = MarkedBallot(paper: "p", state: .marked, posts: paper.sections.map { section in
                            let marks = section.candidates.map { _ in [Mark.approve, .approve, .abstain, .disapprove][Int(generator.next() % 4)] }
                            let writeIns = (0..<Int(generator.next() % UInt64(section.writeInLines + 1))).map { _ in
                                generator.next() % 5 == 0 ? MarkedBallot.WriteIn(person: nil) : .init(person: Int64(1 + generator.next() % 22))
                            }
                            return MarkedBallot.PostMarks(post: section.post, marks: marks, writeIns: writeIns, unreadable: generator.next() % 30 == 0 ? true : nil)
                        })
                    }
                    fast.add(ballot, paper: paper, rules: rules, isWoman: { women.contains($0) })
                    packed.append(ballot)
                    all.append(ballot)
                    reference.add(ballot, paper: paper, rules: rules, isWoman: { women.contains($0) })
                }
                #expect(fast.votes == reference.votes, "\(overvote) \(same)")
                #expect(fast.voidPosts == reference.voidPosts && fast.voidWriteIns == reference.voidWriteIns)
                #expect(fast.voided == reference.voided && fast.blank == reference.blank && fast.invalid == reference.invalid)
                #expect(fast.voided > 0 || (overvote == .voidPost && same == .highestPostOnly))
                // Packed in memory, the same ballots count the same.
                let fromPacked = BallotCount.count(packed, paper: paper, rules: rules, isWoman: { women.contains($0) })
                #expect(packed.count == all.count && fromPacked == BallotCount.count(all, paper: paper, rules: rules, isWoman: { women.contains($0) }))
            }
        }
    }
}
