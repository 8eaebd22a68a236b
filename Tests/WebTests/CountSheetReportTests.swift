import Community
import Elections
import Foundation
import HTTPTypes
import Notary
import Testing
@testable import Web

/// Issue 22 #3: the signed count sheet printed as the 计票结果报告单. The expected figures are
/// read here from the stored sheet JSON with JSONSerialization, not from `CountSheetReport`.
@Suite("the count sheet as a printed 计票结果报告单")
struct CountSheetReportTests {
    @Test("public once the round is closed: every figure and each candidate's votes of the signed sheet, the signature lines, Beijing time and the sheet's hash; English throughout in English")
    func printedSheet() async throws {
        let (harness, election) = try ResultPagesTests().election(through: .mainRound)
        let id = election.id!
        let round = try #require(try harness.database.rounds(electionID: id).first)
        let box = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .fixed && $0.box.countSheetJSON != nil }?.box)
        let json = try #require(box.countSheetJSON)
        let sheet = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let candidates: [(person: Int64, votes: Int)] = try #require(sheet["candidates"] as? [[String: Any]]).map {
            (try #require(($0["person"] as? NSNumber)?.int64Value), try #require($0["votes"] as? Int))
        }
        let figures: [(key: String, value: Int)] = try ["issued", "handCount", "valid", "invalid", "blank"].map { ($0, try #require(sheet[$0] as? Int)) }
        let paper = try round.paper()
        let names = Dictionary(paper.sections.flatMap { $0.candidates.map { ($0.person, $0.name) } }, uniquingKeysWith: { a, _ in a })
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(id)/boxes/\(box.id!)/count-sheet")
            #expect(page.status == .ok && page.body.contains("计票结果报告单"))
            for (key, value) in figures {
                #expect(page.body.contains("<td>\(value)</td>"), "\(key) = \(value)")
            }
            for (person, votes) in candidates {
                let name = try #require(names[person])
                #expect(page.body.contains("<td class=\"nobreak\">\(name)</td><td>\(votes)</td>"), "\(name): \(votes)")
            }
            for role in ["监票人", "计票人", "唱票人", "记票人"] { #expect(page.body.contains("\(role)：<span class=\"line\"></span>")) }
            #expect(page.body.contains("（北京时间）") && page.body.contains(SHA256.hash(Data(json.utf8)).hex) && page.body.contains("居民选举委员会（盖章）"))
            #expect(!page.body.contains("\"format\""), "the JSON is not the document")
            browser.setCookie("xy_lang", "en")
            let english = try await browser.get("/elections/\(id)/boxes/\(box.id!)/count-sheet")
            #expect(english.body.contains("Scrutineer") && english.body.contains("(Beijing time)"))
            #expect(english.body.range(of: "csr_|ed_|[监计唱记]票人|北京时间", options: .regularExpression) == nil)
        }
    }

    @Test("nothing of an open round: a box of the open round has no report, for anyone")
    func openRoundRefused() async throws {
        let (harness, election, round) = try PollingPagesTests().demo()
        let id = election.id!
        let boxes = try harness.database.boxes(roundID: round.id!)
        #expect(round.status == .open && !boxes.isEmpty)
        try await harness.test { browser in
            for box in boxes {
                let page = try await browser.get("/elections/\(id)/boxes/\(box.box.id!)/count-sheet")
                #expect(page.status != .ok && page.body.contains("尚未结束"))
            }
            try await browser.login("admin", WebHarness.adminPassword)
            let staff = try await browser.get("/elections/\(id)/boxes/\(try #require(boxes.first).box.id!)/count-sheet")
            #expect(staff.status != .ok)
        }
    }
}
