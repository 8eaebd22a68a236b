import Testing
@testable import Elections

@Suite("legal thresholds in integer arithmetic")
struct ThresholdTests {
    // Worked example A of election-rules.md: 638 ballots collected, so "more than half" needs 320.
    @Test("more than half of ballots collected: 319 of 638 is not elected, 320 is")
    func moreThanHalfOfBallotsCollected() {
        #expect(!Threshold.moreThanHalf.isMet(319, of: 638))
        #expect(Threshold.moreThanHalf.isMet(320, of: 638))
        #expect(Threshold.moreThanHalf.minimumCount(of: 638) == 320)
        #expect(Threshold.moreThanHalf.minimumCount(of: 637) == 319)
    }

    // Worked example A, second round: 560 collected, 戊 200 ≥ 560/3 (186.67) → elected.
    @Test("at least one third in a second round (另行选举): 187 of 560 suffices, 186 does not")
    func atLeastOneThirdInRunoff() {
        #expect(Threshold.atLeastOneThird.isMet(200, of: 560))
        #expect(Threshold.atLeastOneThird.isMet(187, of: 560))
        #expect(!Threshold.atLeastOneThird.isMet(186, of: 560))
        #expect(Threshold.atLeastOneThird.isMet(200, of: 600))
        #expect(!Threshold.atLeastOneThird.isMet(199, of: 600))
        #expect(Threshold.atLeastOneThird.minimumCount(of: 560) == 187)
        #expect(Threshold.atLeastOneThird.minimumCount(of: 600) == 200)
    }

    @Test("turnout: direct and household elections need more than half; representative more than two thirds (L25: 超过三分之二)")
    func turnoutByMethod() {
        // Worked example A: roll 1,000, 638 collected → valid; exactly 500 would not be.
        #expect(ElectionMethod.direct.defaultTurnout.isMet(638, of: 1000))
        #expect(!ElectionMethod.direct.defaultTurnout.isMet(500, of: 1000))
        // 30 representatives: exactly two thirds (20) is not more than two thirds; 21 is.
        #expect(ElectionMethod.representative.defaultTurnout.isMet(21, of: 30))
        #expect(!ElectionMethod.representative.defaultTurnout.isMet(20, of: 30))
    }

    @Test("minimumCount is the exact boundary for every base up to 2,000")
    func boundaryAgreesWithIsMet() {
        for threshold in [Threshold.moreThanHalf, .atLeastOneThird, .atLeastTwoThirds, Threshold(.moreThan, 2, 3)] {
            for base in 1...2000 {
                let minimum = threshold.minimumCount(of: base)
                #expect(threshold.isMet(minimum, of: base))
                #expect(!threshold.isMet(minimum - 1, of: base))
            }
        }
    }

    @Test("posts are ordered from the highest, 主任 first; the 妇女委员 seat is counted before the ordinary 委员 seats")
    func postOrder() {
        #expect([Post.member, .womenMember, .director, .deputyDirector].sorted() == [.director, .deputyDirector, .womenMember, .member])
        #expect(Post.allCases.map(\.chinese) == ["主任", "副主任", "妇女委员", "委员"])
    }
}
