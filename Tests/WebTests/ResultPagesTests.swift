import Community
import Elections
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Notary
import Testing
@testable import Web

@Suite("result pages: next round, certify, countersign, record download, certificates")
struct ResultPagesTests {
    static let password = "committee-password-1"

    func election(through stage: ExampleElections.Stage) throws -> (WebHarness, Election) {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                  electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届居民委员会换届选举",
                                                  usernamePrefix: "", password: Self.password, voters: 44, through: stage)
        return (harness, result.election)
    }

    @Test("the committee opens the second round the result asks for; before certification the result is not public")
    func nextRound() async throws {
        let (harness, election) = try election(through: .mainRound)
        let id = election.id!
        try await harness.test { browser in
            #expect(try await browser.get("/elections/\(id)/result").status != .ok)
            _ = try await browser.login("wy1", Self.password)
            let page = try await browser.get("/elections/\(id)/result")
            #expect(page.status == .ok && page.body.contains("另行选举") && page.body.contains("/result/next-round"))
            let opened = try await browser.post("/elections/\(id)/result/next-round", form: [("pending", "0")])
            #expect(opened.status == .ok && opened.body.contains("第2轮（另行选举）已开始") && !opened.body.contains("Round 2 opened"))
            let rounds = try harness.database.rounds(electionID: id)
            #expect(rounds.map(\.kind) == [.main, .runoff] && rounds[1].status == .open)
            let again = try await browser.post("/elections/\(id)/result/certify", form: [("confirm", "yes")])
            #expect(again.status == .unprocessableContent && again.body.contains("round 2 is still open"))
        }
    }

    @Test("certify, countersign with one's own password, then the public announcement, record and certificate verify")
    func certifyAndCountersign() async throws {
        let (harness, election) = try election(through: .allRounds)
        let id = election.id!
        try await harness.test { browser in
            _ = try await browser.login("wy1", Self.password)
            let before = try await browser.get("/elections/\(id)/result")
            #expect(before.body.contains("/result/certify") && !before.body.contains("record.zip"))
            // Irreversible: without the confirmation box ticked nothing is certified (issue 22 #11).
            let unconfirmed = try await browser.post("/elections/\(id)/result/certify", form: [])
            #expect(unconfirmed.status == .unprocessableContent && unconfirmed.body.contains("此步骤不能撤销") && unconfirmed.body.contains("name=\"confirm\""))
            #expect(try harness.database.certifiedResult(electionID: id) == nil)
            let certified = try await browser.post("/elections/\(id)/result/certify", form: [("confirm", "yes")])
            #expect(certified.status == .ok && certified.body.contains("结果已确认并签名"))
            let review = try await browser.get("/elections/\(id)/result/countersign")
            #expect(review.status == .ok && review.body.contains("xuanyi-result-statement/1"))
            let wrong = try await browser.post("/elections/\(id)/result/countersign", form: [("password", "not-my-password")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("wrong username or password"))
            let signed = try await browser.post("/elections/\(id)/result/countersign", form: [("password", Self.password)])
            #expect(signed.status == .ok && signed.body.contains("已会签（1/2）"))
            _ = try await browser.get("/")
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("wy2", Self.password)
            _ = try await browser.get("/elections/\(id)/result/countersign")
            let second = try await browser.post("/elections/\(id)/result/countersign", form: [("password", Self.password)])
            #expect(second.body.contains("已会签（2/2）") && second.body.contains("选举结果已生效"))
            _ = try await browser.get("/")
            _ = try await browser.post("/logout", form: [])

            // Public now: the announcement, its JSON, the record, the certificates.
            let page = try await browser.get("/elections/\(id)/result")
            #expect(page.status == .ok && page.body.contains("当选名单") && page.body.contains("record.zip"))
            // Certified: the roll's posting is over — gone for the public, page and API alike; staff still read it (issue 22 #12).
            let roll = try await browser.get("/elections/\(id)/roll")
            #expect(roll.status == .gone && roll.body.contains("公示期已结束"))
            #expect(try await browser.get("/api/v1/elections/\(id)/roll").status == .gone)
            #expect(try await browser.get("/elections/\(id)/roll/lookup?name=x&last4=1234").status == .gone)
            #expect(!(try await browser.get("/board").body.contains("/elections/\(id)/roll\"")))
            _ = try await browser.login("wy1", Self.password)
            #expect(try await browser.get("/elections/\(id)/roll").status == .ok, "staff still read the roll")
            _ = try await browser.post("/logout", form: [])
            // The home page leads a visitor to the certified result and the ballot check, not to the roll or to voting (issue 22 #12).
            let home = try await browser.get("/")
            #expect(home.body.contains("/elections/\(id)/result") && home.body.contains("/elections/\(id)/track\""))
            #expect(!home.body.contains("/elections/\(id)/vote") && !home.body.contains("/elections/\(id)/roll"))
            let api = try await browser.get("/api/v1/elections/\(id)/result")
            let document = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            #expect(document?["final"] as? Bool == true && (document?["elected"] as? [Any])?.count == 5)
            let zip = try await browser.client.execute(uri: "/elections/\(id)/record.zip", method: .get, headers: [:], body: nil)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("web-record-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try Data(zip.body.readableBytesView).write(to: scratch)
            let (record, folder) = try RecordArchive.unzip(scratch)
            defer { try? FileManager.default.removeItem(at: folder) }
            let report = RecordVerifier(directory: record).verify()
            #expect(report.passed && report.final, "\(report.failures.map(\.en))")

            let key = try harness.keyStore.load(keyID: election.keyID)
            let certificate = try #require(try harness.database.certificates(electionID: id, signingKey: key).first)
            let printed = try await browser.get("/elections/\(id)/certificates/\(certificate.certificate.person)")
            #expect(printed.body.contains(certificate.code))
            let check = try await browser.get("/api/v1/certificates/verify?code=\(certificate.code)")
            #expect(check.body.contains("\"valid\":true") && check.body.contains("\"final\":true"))
            // One signature character changed (well inside it: the last character also carries padding bits).
            var changed = Array(certificate.code)
            changed[changed.count - 10] = changed[changed.count - 10] == "A" ? "B" : "A"
            let bad = try await browser.get("/certificates/verify?code=\(String(changed))")
            #expect(bad.body.contains("核验码无效"))

            // The statistics (§9): print page, CSV and JSON with the same rows.
            let statistics = try await browser.get("/elections/\(id)/statistics")
            #expect(statistics.status == .ok && statistics.body.contains("换届选举统计表"))
            let csv = try await browser.get("/elections/\(id)/statistics.csv")
            #expect(csv.body.contains("\"投票\",\"第2轮（另行选举） 收回选票\",\"36\""))
            #expect(csv.body.contains("\"当选成员\",\"合计\",\"5\""))
            let rows = try await browser.get("/api/v1/elections/\(id)/statistics")
            #expect(rows.body.contains("\"item\":\"第1轮（正式选举） 发出选票\",\"section\":\"投票\",\"value\":\"44\""))
        }
    }
}
