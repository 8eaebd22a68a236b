import Community
import Elections
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Web

/// Every round has a paper to print and to fetch (issue 17): a 另行选举 before it opens
/// (staff) and after, the main round's as before; the result lists every person's votes.
@Suite("ballot papers of later rounds, and every person's votes on the result page")
struct RoundPaperTests {
    static let password = "committee-password-1"

    @Test("a pending 另行选举's paper prints before it opens (staff only), and the opened round's paper is printed and served as stored")
    func laterRoundPapers() async throws {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let conducted = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                     electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届居民委员会换届选举",
                                                     usernamePrefix: "", password: Self.password, voters: 44, through: .mainRound)
        let id = conducted.election.id!
        let expected = try harness.database.pendingPaper(electionID: id, index: 0)
        let names = expected.sections[0].candidates.map(\.name)
        #expect(expected.roundKind == "runoff" && names.count >= 2)
        try await harness.test { browser in
            // Visitors do not see a pending round's paper (it shows the closed rounds' outcome).
            #expect(try await browser.get("/elections/\(id)/ballot?pending=0").status != .ok)
            _ = try await browser.login("wy1", Self.password)
            let preview = try await browser.get("/elections/\(id)/ballot?pending=0")
            #expect(preview.status == .ok && preview.body.contains(expected.title))
            for name in names { #expect(preview.body.contains(name)) }
            let api = try await browser.get("/api/v1/elections/\(id)/ballot-paper?pending=0")
            let documents = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [[String: Any]]
            #expect(documents?.first?["digest"] as? String == (try expected.digest()))
            #expect(try await browser.get("/elections/\(id)/ballot?pending=7").status == .notFound)

            // The result page lists every person's votes per round and links the paper to print.
            let result = try await browser.get("/elections/\(id)/result")
            #expect(result.body.contains("各候选人得票") && result.body.contains("/ballot?pending=0") && result.body.contains("/ballot?round=1"))

            _ = try await browser.post("/elections/\(id)/result/next-round", form: [("pending", "0")])
            let round = try #require(try harness.database.rounds(electionID: id).first { $0.number == 2 })
            _ = try await browser.get("/")
            _ = try await browser.post("/logout", form: [])

            // Opened: its stored paper is public like the main round's, as a page and as JSON.
            let page = try await browser.get("/elections/\(id)/ballot?round=2")
            #expect(page.status == .ok && page.body.contains("另行选举选票") && page.body.contains(round.paperDigest))
            for name in names { #expect(page.body.contains(name)) }
            let served = try await browser.get("/api/v1/elections/\(id)/ballot-paper?round=2")
            let document = try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [[String: Any]]
            #expect(document?.first?["digest"] as? String == round.paperDigest)
            #expect(try await browser.get("/elections/\(id)/ballot?round=9").status == .notFound)
            // The main round's paper is still the default, with links to every round's paper.
            let main = try await browser.get("/elections/\(id)/ballot")
            #expect(main.status == .ok && main.body.contains("/ballot?round=2"))
        }
    }
}
