import Community
import Foundation
import Notary
import Testing
@testable import Elections

@Suite("ballot paper (election-rules.md §5)")
struct BallotPaperTests {
    func line(_ post: Post, _ position: Int, _ name: String, _ id: Int64, active: Bool = true) -> CandidateLine {
        CandidateLine(post: post, position: position, residentID: id, name: name, gender: .female, age: 40, education: "", occupation: "",
                      statement: "", votes: 0, toppedUp: false, active: active, withdrawnOn: nil)
    }

    func election(_ rules: RuleSet = RuleSet()) -> Election {
        Election(id: 7, communityID: 1, title: "第十二届", method: .direct, electionDay: CivilDate(year: 2026, month: 12, day: 20)!, rules: rules,
                 status: .candidatesPublished, keyID: "k", rollBuilt: true, rollPublishedOn: nil, rollPublishedLate: false, createdAt: Date(),
                 candidateListLate: false)
    }

    var candidates: [CandidateLine] {
        [line(.member, 2, "刘明", 12), line(.director, 1, "乙明", 1), line(.director, 2, "丁明", 3), line(.member, 1, "石明", 11),
         line(.member, 3, "熊明", 13), line(.member, 4, "退出者", 14, active: false), line(.deputyDirector, 1, "王明", 5),
         line(.deputyDirector, 2, "李明", 6), line(.womenMember, 1, "赵芳", 2), line(.womenMember, 2, "高芳", 4)]
    }

    @Test("one paper: posts highest first, candidates in list order, as many write-in lines as seats, the rules' instructions")
    func onePaper() throws {
        let papers = BallotPaper.mainRound(election: election(), communityName: "桃园社区", candidates: candidates)
        #expect(papers.count == 1)
        let paper = papers[0]
        #expect(paper.title == "桃园社区居民委员会成员选举选票" && paper.electionDay == "2026-12-20" && paper.round == 1)
        #expect(paper.sections.map(\.post) == [.director, .deputyDirector, .womenMember, .member])
        #expect(paper.sections.map(\.writeInLines) == [1, 1, 1, 2])
        #expect(paper.sections[3].candidates.map(\.name) == ["石明", "刘明", "熊明"])
        #expect(paper.sections[2].womenOnly && !paper.sections[3].womenOnly)
        #expect(paper.marks == [.approve, .disapprove, .abstain])
        #expect(paper.instructions.contains { $0.contains("该职位选票无效，其他职位仍然有效") })
        #expect(paper.instructions.contains { $0.contains("主任1名，副主任1名，妇女委员1名，委员2名") })
        #expect(paper.sealLabel.contains("盖章"))
    }

    @Test("the rule set shapes the paper: voidBallot wording, one paper per post, no women's line without separateSeat")
    func shapes() throws {
        var rules = RuleSet()
        rules.overvote = .voidBallot
        rules.ballotLayout = .roundPerPost
        rules.womenRule = .guaranteeAfterCount
        rules.memberSeats = 3
        let papers = BallotPaper.mainRound(election: election(rules), communityName: "桃园社区", candidates: candidates)
        #expect(papers.map { $0.sections.map(\.post) } == [[.director], [.deputyDirector], [.member]])
        #expect(papers[2].sections[0].writeInLines == 3)
        #expect(papers[0].instructions.contains { $0.contains("整张选票无效") })
        #expect(!papers[0].instructions.contains { $0.contains("同一人不得") })
    }

    @Test("digest: SHA-256 of the paper's canonical JSON; any change to a name changes it")
    func digest() throws {
        let paper = BallotPaper.mainRound(election: election(), communityName: "桃园社区", candidates: candidates)[0]
        #expect(try paper.digest() == SHA256.hash(try CanonicalJSON.encode(paper)).hex)
        var renamed = candidates
        renamed[0].name = "刘明明"
        #expect(try BallotPaper.mainRound(election: election(), communityName: "桃园社区", candidates: renamed)[0].digest() != paper.digest())
        let decoded = try JSONDecoder().decode(BallotPaper.self, from: try CanonicalJSON.encode(paper))
        #expect(decoded == paper)
    }
}
