import Community
import Foundation
import Testing
@testable import Elections

/// The recall and by-election rules of election-rules.md §8, one named test each, and the
/// recall tally against a plain reference on generated votes.
@Suite struct RecallRuleTests {
    func count(issued: Int, collected: Int, invalid: Int = 0, _ lines: [(Int64, Int, Int, Int)]) -> RecallCount {
        RecallCount(issued: issued, collected: collected, invalid: invalid, marks: lines.map { RecallMarks(member: $0.0, approve: $0.1, reject: $0.2, abstain: $0.3) })
    }

    @Test func aProposalNeedsOneFifthOfVotersOrHouseholds() {
        let rule = RecallRule(rules: RuleSet())
        #expect(rule.signaturesNeeded(.voters, base: 44) == 9)      // 44/5 = 8.8
        #expect(rule.signaturesNeeded(.households, base: 100) == 20) // at least 1/5: exactly a fifth is enough
        #expect(rule.isProposalReached(20, signatories: .households, base: 100))
        #expect(!rule.isProposalReached(19, signatories: .households, base: 100))
    }

    @Test func aProposalByRepresentativesNeedsOneThird() {
        let rule = RecallRule(rules: RuleSet())
        #expect(rule.signaturesNeeded(.representatives, base: 30) == 10)
        #expect(rule.signaturesNeeded(.representatives, base: 31) == 11)
        #expect(!rule.isProposalReached(10, signatories: .representatives, base: 31))
    }

    @Test func theSignatoriesAreThePeopleTheTermsRollLists() {
        #expect(RecallSignatories(method: .direct) == .voters)
        #expect(RecallSignatories(method: .household) == .households)
        #expect(RecallSignatories(method: .representative) == .representatives)
    }

    @Test func theVoteIsDueWithinThirtyDaysOfTheThreshold() {
        let rule = RecallRule(rules: RuleSet())
        #expect(rule.voteDeadline(reachedOn: CivilDate("2027-03-10")!) == CivilDate("2027-04-09")!)
    }

    @Test func aRecallPassesWithMoreThanHalfOfTheRollVotingAndMoreThanHalfOfThemApproving() throws {
        let outcome = try RecallTally.decide(rollSize: 10, members: [7], boxes: [count(issued: 6, collected: 6, [(7, 4, 1, 1)])], rules: RuleSet())
        #expect(outcome.turnoutMet && outcome.recalled == [7] && outcome.members[0].needed == 4 && outcome.turnoutNeeded == 6)
        let half = try RecallTally.decide(rollSize: 10, members: [7], boxes: [count(issued: 6, collected: 6, [(7, 3, 3, 0)])], rules: RuleSet())
        #expect(half.recalled.isEmpty, "exactly half of those voting is not more than half")
    }

    @Test func exactlyHalfOfTheRollVotingIsNotEnough() throws {
        let outcome = try RecallTally.decide(rollSize: 10, members: [7], boxes: [count(issued: 5, collected: 5, [(7, 5, 0, 0)])], rules: RuleSet())
        #expect(!outcome.turnoutMet && !outcome.isValid && outcome.recalled.isEmpty)
    }

    @Test func invalidPapersAndAbstentionsCountAmongThoseVoting() throws {
        // 9 voted: 2 papers invalid, 4 approve, 3 abstain — 4 of 9 is not more than half.
        let outcome = try RecallTally.decide(rollSize: 12, members: [7], boxes: [count(issued: 9, collected: 9, invalid: 2, [(7, 4, 0, 3)])], rules: RuleSet())
        #expect(outcome.turnoutMet && outcome.recalled.isEmpty && outcome.members[0].needed == 5)
    }

    @Test func morePapersThanIssuedVoidTheVote() throws {
        let outcome = try RecallTally.decide(rollSize: 10, members: [7], boxes: [count(issued: 6, collected: 7, [(7, 7, 0, 0)])], rules: RuleSet())
        #expect(outcome.void && outcome.recalled.isEmpty)
    }

    @Test func eachMemberIsDecidedOnTheirOwnLine() throws {
        let outcome = try RecallTally.decide(rollSize: 10, members: [7, 8], boxes: [
            count(issued: 4, collected: 4, [(7, 3, 1, 0), (8, 1, 3, 0)]), count(issued: 3, collected: 3, [(7, 2, 1, 0), (8, 2, 1, 0)]),
        ], rules: RuleSet())
        #expect(outcome.voted == 7 && outcome.recalled == [7] && outcome.members.map(\.approve) == [5, 3])
    }

    @Test func aCountWhoseLinesDoNotAddUpIsRefusedNamingTheFigure() {
        #expect(throws: CommunityError.invalid(field: "marks", reason: "同意 + 不同意 + 弃权 for member 7 is 5, must equal the valid papers (6)")) {
            try count(issued: 6, collected: 6, [(7, 3, 1, 1)]).validate(members: [7])
        }
        #expect(throws: CommunityError.self) { try count(issued: 6, collected: 6, invalid: 7, [(7, 0, 0, -1)]).validate(members: [7]) }
        #expect(throws: CommunityError.self) { try count(issued: 6, collected: 6, [(7, 6, 0, 0)]).validate(members: [7, 8]) }
        #expect(throws: CommunityError.self) { try RecallTally.decide(rollSize: 0, members: [7], boxes: [], rules: RuleSet()) }
    }

    @Test func theLawFixesTheRecallThresholds() throws {
        for (field, value) in [("recallProposalVoters", "≥1/4"), ("recallProposalVoters", "≥1/6"), ("recallProposalRepresentatives", "≥1/2"),
                               ("recallTurnout", "≥1/2"), ("recallTurnout", ">2/3"), ("recallApproval", "≥1/3"), ("recallWithinDays", "45")] {
            #expect(throws: CommunityError.self, "\(field)=\(value)") { try RuleSet().updating([field: value], method: .direct) }
            do { _ = try RuleSet().updating([field: value], method: .direct) } catch let CommunityError.invalid(named, reason) {
                #expect(named == field && reason.contains("the law requires"), "\(named): \(reason)")
            }
        }
        #expect(try RuleSet().updating(["recallWithinDays": "20"], method: .direct).recallWithinDays == 20, "sooner than the law asks is allowed")
    }

    @Test func aByElectionIsRequiredWhenFewerThanThreeMembersRemain() {
        let rule = ByElectionRule(rules: RuleSet())
        let need = rule.need(remaining: 2, vacancies: 3, vacantSince: CivilDate("2027-03-20")!)
        #expect(need.required && need.dueBy == CivilDate("2027-06-20")!)
        let fine = rule.need(remaining: 4, vacancies: 1, vacantSince: CivilDate("2027-03-20")!)
        #expect(!fine.required && fine.dueBy == nil && fine.vacancies == 1)
    }

    @Test func theTermEndsFiveYearsAfterElectionDay() {
        #expect(ByElectionRule(rules: RuleSet()).termEnds(electionDay: CivilDate("2026-12-20")!) == CivilDate("2031-12-19")!)
    }

    // MARK: Against the reference

    static let seed: UInt64 = ProcessInfo.processInfo.environment["XUANYI_RECALL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max / 2)
    static let cases = ProcessInfo.processInfo.environment["XUANYI_RECALL_CASES"].flatMap(Int.init) ?? 5000

    static func generate(_ g: inout SeededGenerator) -> RecallReference.Case {
        func threshold() -> (strict: Bool, n: Int, d: Int) {
            if Int.random(in: 0..<2, using: &g) == 0 { return (true, 1, 2) }
            let d = Int.random(in: 1...6, using: &g)
            return (Bool.random(using: &g), Int.random(in: 1...d, using: &g), d)
        }
        let roll = Int.random(in: 1...(Bool.random(using: &g) ? 12 : 400), using: &g)
        let members = Array(Int64(1)...Int64(Int.random(in: 1...3, using: &g))).map { $0 * 10 + Int64.random(in: 0...9, using: &g) }
        let boxCount = Int.random(in: 1...4, using: &g)
        // Aim the turnout at the boundary often: half the roll, give or take one.
        let target = Int.random(in: 0..<3, using: &g) == 0 ? max(0, roll / 2 + Int.random(in: -1...1, using: &g)) : Int.random(in: 0...roll, using: &g)
        var boxes: [(issued: Int, collected: Int, invalid: Int, lines: [(Int, Int, Int)])] = []
        var left = target
        for index in 0..<boxCount {
            let collected = index == boxCount - 1 ? left : Int.random(in: 0...left, using: &g)
            left -= collected
            let issued = Int.random(in: 0..<20, using: &g) == 0 ? max(0, collected - 1) : collected + Int.random(in: 0...2, using: &g)
            let invalid = Int.random(in: 0..<3, using: &g) == 0 ? Int.random(in: 0...collected / 4, using: &g) : 0
            let valid = collected - invalid
            let lines = members.map { _ -> (Int, Int, Int) in
                let approve = Int.random(in: 0..<3, using: &g) == 0 ? min(valid, collected / 2 + Int.random(in: 0...1, using: &g)) : Int.random(in: 0...valid, using: &g)
                let reject = Int.random(in: 0...(valid - approve), using: &g)
                return (approve, reject, valid - approve - reject)
            }
            boxes.append((issued, collected, invalid, lines))
        }
        return .init(roll: roll, members: members, boxes: boxes, turnout: threshold(), approval: threshold())
    }

    /// Why the engine and the reference disagree on `c`, or nil.
    static func disagreement(_ c: RecallReference.Case) -> String? {
        let reference = RecallReference.decide(c)
        do {
            let engine = try RecallReference.engine(c)
            return engine == reference ? nil : "engine \(engine) vs reference \(reference)"
        } catch {
            return "engine refused a valid case: \(error)"
        }
    }

    /// Smaller cases that still disagree: fewer boxes, members, voters and papers.
    static func shrink(_ start: RecallReference.Case) -> RecallReference.Case {
        var best = start
        var progress = true
        while progress {
            progress = false
            var candidates: [RecallReference.Case] = []
            if best.boxes.count > 1 { for i in best.boxes.indices { var c = best; c.boxes.remove(at: i); candidates.append(c) } }
            if best.members.count > 1 {
                for i in best.members.indices {
                    var c = best; c.members.remove(at: i)
                    for b in c.boxes.indices { c.boxes[b].lines.remove(at: i) }
                    candidates.append(c)
                }
            }
            if best.roll > 1 { var c = best; c.roll -= 1; candidates.append(c) }
            for b in best.boxes.indices {
                var c = best; c.boxes[b].issued = max(0, c.boxes[b].issued - 1); candidates.append(c)
                if best.boxes[b].invalid > 0 { var c = best; c.boxes[b].invalid -= 1; c.boxes[b].collected -= 1; candidates.append(c) }
                let box = best.boxes[b]
                for l in box.lines.indices {
                    // One paper fewer: from an approval, a rejection or an abstention.
                    for k in 0..<3 {
                        var c = best
                        var line = [box.lines[l].0, box.lines[l].1, box.lines[l].2]
                        guard line[k] > 0 else { continue }
                        line[k] -= 1
                        c.boxes[b].collected -= 1
                        c.boxes[b].lines = box.lines.enumerated().map { $0.offset == l ? (line[0], line[1], line[2]) : $0.element }
                        // Every other member's line loses a paper too (their abstentions first).
                        var ok = true
                        for o in box.lines.indices where o != l {
                            var other = c.boxes[b].lines[o]
                            if other.2 > 0 { other.2 -= 1 } else if other.1 > 0 { other.1 -= 1 } else if other.0 > 0 { other.0 -= 1 } else { ok = false }
                            c.boxes[b].lines[o] = other
                        }
                        if ok { candidates.append(c) }
                    }
                }
            }
            for candidate in candidates where (try? candidate.counts.forEach { try $0.validate(members: candidate.members) }) != nil
                && disagreement(candidate) != nil {
                best = candidate
                progress = true
                break
            }
        }
        return best
    }

    @Test func theRecallTallyAgreesWithThePlainReference() {
        var generator = SeededGenerator(seed: Self.seed)
        var recalled = 0, void = 0, lowTurnout = 0
        for index in 0..<Self.cases {
            let c = Self.generate(&generator)
            if let failure = Self.disagreement(c) {
                let small = Self.shrink(c)
                Issue.record("""
                    The recall tally and the reference disagree (replay: XUANYI_RECALL_SEED=\(Self.seed), case \(index)): \(failure)
                    case: \(c)
                    shrunk: \(small) — \(Self.disagreement(small) ?? "")
                    """)
                return
            }
            let decision = RecallReference.decide(c)
            recalled += decision.recalled.isEmpty ? 0 : 1
            void += decision.void ? 1 : 0
            lowTurnout += decision.turnoutMet ? 0 : 1
        }
        print("recall differential: seed \(Self.seed), \(Self.cases) votes (\(recalled) recalled someone, \(void) void, \(lowTurnout) short of turnout)")
        #expect(recalled > Self.cases / 20 && void > 0 && lowTurnout > Self.cases / 20, "the generator reaches every outcome")
    }

    @Test func theReferenceCatchesAWrongRule() {
        // The comparison can fail: a tally that counted only valid papers as "those voting" disagrees.
        let c = RecallReference.Case(roll: 12, members: [7], boxes: [(9, 9, 2, [(4, 0, 3)])], turnout: (true, 1, 2), approval: (true, 1, 2))
        let wrong = RecallReference.meets(4, 9 - 2, c.approval)
        #expect(wrong != RecallReference.decide(c).recalled.contains(7))
        #expect(Self.disagreement(c) == nil)
    }
}
