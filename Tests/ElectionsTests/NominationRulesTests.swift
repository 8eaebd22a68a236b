import Community
import Foundation
import Testing
@testable import Elections

@Suite("primaries, slates, stroke order, kinship, timeline (pure rules)")
struct NominationRulesTests {
    @Test("primary: the top places go on; a tie at the cut goes to a further primary among the tied only")
    func primary() {
        // 5 places; the fifth and sixth tie at 300.
        let first: [Primary.Line] = [(1, 900), (2, 800), (3, 600), (4, 500), (5, 300), (6, 300), (7, 100)]
        let tied = Primary.outcome(places: 5, rounds: [first])
        #expect(tied.selected == [1, 2, 3, 4])
        #expect(tied.tied == [5, 6] && tied.openPlaces == 1 && !tied.decided)
        #expect(tied.reserves == [7])
        let settled = Primary.outcome(places: 5, rounds: [first, [(5, 410), (6, 420)]])
        #expect(settled.decided && settled.selected == [1, 2, 3, 4, 6])
        #expect(settled.reserves == [5, 7])        // the loser of the further primary ranks above the one eliminated earlier
        #expect(settled.votes[6] == 420 && settled.votes[1] == 900)
        // A tie that straddles nothing is no problem: both fit.
        let fits = Primary.outcome(places: 3, rounds: [[(1, 50), (2, 40), (3, 40), (4, 10)]])
        #expect(fits.decided && fits.selected == [1, 2, 3] && fits.reserves == [4])
        // A three-way tie for two places.
        let three = Primary.outcome(places: 2, rounds: [[(1, 30), (2, 30), (3, 30)]])
        #expect(three.selected.isEmpty && three.tied == [1, 2, 3] && three.openPlaces == 2)
    }

    @Test("margins (差额) per post: too few, ready, uncontested only when allowed, primary needed above seats + marginMax")
    func slates() {
        var rules = RuleSet()
        let accepted: (Int) -> [(nominee: Int64, nominationVotes: Int)] = { n in (1...max(n, 1)).prefix(n).map { (Int64($0), 20 - $0) } }
        #expect(PostSlate.evaluate(post: .director, rules: rules, accepted: accepted(1), rounds: []).state == .tooFew(have: 1, need: 2))
        #expect(PostSlate.evaluate(post: .director, rules: rules, accepted: accepted(2), rounds: []).state == .ready([1, 2]))
        #expect(PostSlate.evaluate(post: .director, rules: rules, accepted: accepted(3), rounds: []).state == .primaryNeeded(nominees: 3, places: 2))
        // 委员: 2 seats, +1 to +3 → 3 to 5 candidates.
        #expect(PostSlate.evaluate(post: .member, rules: rules, accepted: accepted(2), rounds: []).state == .tooFew(have: 2, need: 3))
        #expect(PostSlate.evaluate(post: .member, rules: rules, accepted: accepted(5), rounds: []).state == .ready([1, 2, 3, 4, 5]))
        rules.allowUncontested = true
        let uncontested = PostSlate.evaluate(post: .director, rules: rules, accepted: accepted(1), rounds: [])
        #expect(uncontested.state == .ready([1]) && uncontested.uncontested)
        #expect(PostSlate.evaluate(post: .director, rules: rules, accepted: [], rounds: []).state == .tooFew(have: 0, need: 2))
        // A primary decides; a nominee who withdrew afterwards is dropped and the next moves up.
        let primary = PostSlate.evaluate(post: .director, rules: rules, accepted: [(1, 10), (2, 12), (3, 11)], rounds: [[(1, 600), (2, 500), (3, 400)]])
        #expect(primary.state == .ready([1, 2]) && primary.byPrimary && primary.reserves == [3] && primary.votes[1] == 600)
        let afterWithdrawal = PostSlate.evaluate(post: .director, rules: rules, accepted: [(2, 12), (3, 11), (4, 1)],
                                                 rounds: [[(1, 600), (2, 500), (3, 400), (4, 100)]])
        #expect(afterWithdrawal.state == .ready([2, 3]))
    }

    @Test("candidate order: 姓氏笔画 (乙 丁 万 王 … 黄 11 before 程 12), or by votes with strokes breaking ties")
    func strokes() {
        let expected = ["乙", "丁", "万", "王", "石", "刘", "李", "欧阳", "赵", "高", "黄", "程", "路", "熊", "潘"]
        #expect(expected.shuffled().sorted(by: CandidateOrdering.strokeOrder) == expected)
        #expect(["王五", "丁十", "欧阳明", "王一"].sorted(by: CandidateOrdering.strokeOrder) == ["丁十", "王一", "王五", "欧阳明"])
        let byVotes = CandidateOrdering.sorted([(id: 1, name: "乙", votes: 10), (id: 2, name: "王", votes: 30), (id: 3, name: "丁", votes: 10)], by: .nominationVotes)
        #expect(byVotes.map(\.id) == [2, 1, 3])
        let byStrokes = CandidateOrdering.sorted([(id: 1, name: "王", votes: 10), (id: 2, name: "乙", votes: 30)], by: .surnameStrokes)
        #expect(byStrokes.map(\.id) == [2, 1])
    }

    @Test("kinship from the household register: spouse, lineal, sibling, couples recorded as 儿媳/女婿; in-laws themselves are not close relatives")
    func kinship() {
        #expect(Kinship.fromRegister("户主", "配偶") == .spouse)
        #expect(Kinship.fromRegister("子", "户主") == .lineal)
        #expect(Kinship.fromRegister("配偶", "女") == .lineal)
        #expect(Kinship.fromRegister("子", "女") == .sibling)
        #expect(Kinship.fromRegister("父亲", "母亲") == .spouse)
        #expect(Kinship.fromRegister("孙子", "父亲") == .lineal)
        #expect(Kinship.fromRegister("弟", "母亲") == .lineal)
        #expect(Kinship.fromRegister("祖父", "祖母") == .spouse)
        #expect(Kinship.fromRegister("儿媳", "子") == .spouse)       // a son of the head and his wife
        #expect(Kinship.fromRegister("女婿", "孙子") == .lineal)
        #expect(Kinship.fromRegister("配偶", "岳母") == .lineal)
        #expect(Kinship.fromRegister("嫂子", "兄") == .spouse)
        #expect(Kinship.fromRegister("户主", "儿媳") == nil)          // in-laws are not close relatives
        #expect(Kinship.fromRegister("孙子", "孙女") == .sibling)      // siblings or cousins: the register cannot tell, so err towards a relation
        #expect(Kinship.fromRegister("配偶", "父亲") == nil)
        #expect(Kinship.spouse.barsPollingRole && Kinship.lineal.barsPollingRole && !Kinship.sibling.barsPollingRole)
    }

    @Test("timeline from election day 2026-12-20 and the default rules (dates counted by hand)")
    func timeline() throws {
        var election = Election(communityID: 1, title: "t", method: .direct, electionDay: CivilDate(year: 2026, month: 12, day: 20)!,
                                rules: RuleSet(), status: .preparing, keyID: "k", rollBuilt: false, rollPublishedOn: nil, rollPublishedLate: false,
                                createdAt: Date(), candidateListLate: false)
        let dates = Dictionary(uniqueKeysWithValues: ElectionTimeline(election: election).steps.map { ($0.key, $0.date.description) })
        #expect(dates == [
            "announce": "2026-11-20", "rollPublication": "2026-11-30", "objectionsClose": "2026-12-05", "nominationsClose": "2026-12-10",
            "candidateList": "2026-12-15", "campaignSpeeches": "2026-12-15", "proxyFiling": "2026-12-15", "withdrawals": "2026-12-17",
            "proxyList": "2026-12-18", "voterRequests": "2026-12-18", "electionDay": "2026-12-20", "handover": "2026-12-30", "runoff": "2027-01-19",
        ])
        let early = CivilDate(year: 2026, month: 11, day: 1)!
        #expect(ElectionTimeline(election: election).nextAction?.key == "announce")
        #expect(ElectionTimeline(election: election).late(today: early).isEmpty)
        // Announced two days late, roll published early: the announcement shows as late, the roll is next … then done.
        election.announcedOn = CivilDate(year: 2026, month: 11, day: 22)!
        election.rollPublishedOn = CivilDate(year: 2026, month: 11, day: 25)!
        let timeline = ElectionTimeline(election: election)
        #expect(timeline.late(today: CivilDate(year: 2026, month: 11, day: 25)!).map(\.key) == ["announce"])
        #expect(timeline.nextAction?.key == "candidateList")
        #expect(timeline.step("objectionsClose")?.date.description == "2026-11-30")
        // Nothing done and past the list's date: overdue.
        #expect(timeline.late(today: CivilDate(year: 2026, month: 12, day: 16)!).map(\.key) == ["announce", "candidateList"])
    }
}
