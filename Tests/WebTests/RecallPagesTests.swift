import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Web

/// Recall on the web: the public register and committee, the election committee's forms from
/// filing to the result (two accounts counting each box), the errors naming their field, the
/// JSON documents, and each page in one language.
@Suite("recall pages and API")
struct RecallPagesTests {
    static let password = "committee-password-1"

    func certified() throws -> (WebHarness, Election, CertifiedResult) {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                  electionDay: CivilDate(year: 2026, month: 10, day: 20)!, title: "第十二届居民委员会换届选举",
                                                  usernamePrefix: "", password: Self.password, voters: 44, through: .countersigned)
        return (harness, result.election, try #require(result.certified))
    }

    static func rollNumbers(_ harness: WebHarness, _ id: Int64) throws -> [Int] {
        try harness.database.reader.read { db in
            try Int.fetchAll(db, sql: "SELECT number FROM rollEntry WHERE electionID = ? AND active ORDER BY number", arguments: [id])
        }
    }

    @Test("from filing to the result: signatures and progress, the member's reply, the vote, two tellers per box, the result and its notice")
    func wholeRecall() async throws {
        let (harness, election, certified) = try certified()
        let id = election.id!
        let member = certified.statement.elected.last!
        let roll = try Self.rollNumbers(harness, id)
        try await harness.test { browser in
            let visitor = try await browser.get("/elections/\(id)/recalls")
            #expect(visitor.status == .ok && visitor.body.contains("罢免与补选") && visitor.body.contains(member.name) && !visitor.body.contains("登记罢免要求"))

            try await browser.login("wy1", Self.password)
            let desk = try await browser.get("/elections/\(id)/recalls")
            #expect(desk.body.contains("登记罢免要求") && desk.body.contains("name=\"member-\(member.person)\""))
            let short = try await browser.post("/elections/\(id)/recalls", form: [("member-\(member.person)", "1"), ("reasons", "太短"), ("proposer", "张三")])
            #expect(short.status == .unprocessableContent && short.body.contains("reasons:"), "\(short.status) \(short.body.suffix(3000))")
            let filed = try await browser.post("/elections/\(id)/recalls", form: [
                ("member-\(member.person)", "1"), ("reasons", "长期不履行职责，多次无故缺席居民委员会会议。"), ("proposer", "张三"),
            ])
            #expect(filed.status == .seeOther && filed.headers[.location] == "/elections/\(id)/recalls/1")
            let proposal = try #require(try harness.database.recallProposal(electionID: id, number: 1))

            let unknown = try await browser.post("/elections/\(id)/recalls/1/signatures", form: [("roll", "\(roll[0]), 99999")])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("rollNumbers:") && unknown.body.contains("99999"))
            let some = roll.prefix(proposal.needed - 1).map(String.init).joined(separator: ",")
            #expect(try await browser.post("/elections/\(id)/recalls/1/signatures", form: [("roll", some)]).status == .seeOther)
            let progress = try await browser.get("/elections/\(id)/recalls/1")
            #expect(progress.body.contains("id=\"recall-signatures\">\(proposal.needed - 1)</strong>") && progress.body.contains("征集签名中"))
            #expect(try await browser.post("/elections/\(id)/recalls/1/signatures", form: [("roll", String(roll[proposal.needed - 1]))]).status == .seeOther)
            #expect(try harness.database.notices(electionID: id).last?.notice.kind == .recallProposal)

            #expect(try await browser.post("/elections/\(id)/recalls/1/reply", form: [("member", String(member.person)), ("reply", "本人因病请假，已按规定报告。")]).status == .seeOther)
            let late = try await browser.post("/elections/\(id)/recalls/1/vote", form: [("heldOn", CivilDate.today().adding(days: 31).description)])
            #expect(late.status == .unprocessableContent && late.body.contains("heldOn:"))
            #expect(try await browser.post("/elections/\(id)/recalls/1/vote", form: [("heldOn", CivilDate.today().description)]).status == .seeOther)
            let voters = roll.count / 2 + 2, approve = voters / 2 + 1
            let count: [(String, String)] = [("box", "1"), ("boxName", "第一投票站"), ("issued", String(voters)), ("collected", String(voters)), ("invalid", "0"),
                                             ("approve-\(member.person)", String(approve)), ("reject-\(member.person)", String(voters - approve)),
                                             ("abstain-\(member.person)", "0")]
            #expect(try await browser.post("/elections/\(id)/recalls/1/counts", form: count).status == .seeOther)
            let one = try await browser.post("/elections/\(id)/recalls/1/close", form: [])
            #expect(one.status == .conflict && one.body.contains("two tellers"))
            let wrong = try await browser.post("/elections/\(id)/recalls/1/counts", form: count.map { $0.0 == "abstain-\(member.person)" ? ($0.0, "1") : $0 })
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("marks:"))
            _ = try await browser.post("/logout", form: [])
            try await browser.login("wy2", Self.password)
            _ = try await browser.get("/elections/\(id)/recalls")
            let counting = try await browser.get("/elections/\(id)/recalls/1")
            #expect(counting.body.contains("wy1") && counting.body.contains("两名计票人的计数尚未一致"))
            #expect(try await browser.post("/elections/\(id)/recalls/1/counts", form: count).status == .seeOther)
            #expect(try await browser.post("/elections/\(id)/recalls/1/close", form: []).status == .seeOther)
            _ = try await browser.post("/logout", form: [])

            let anonymous = try await browser.post("/elections/\(id)/recalls", form: [("reasons", "x")])
            #expect(anonymous.status != .seeOther || anonymous.headers[.location]?.hasPrefix("/login") == true, "visitors file nothing")
            #expect(try harness.database.recallProposals(electionID: id).count == 1)
            let result = try await browser.get("/elections/\(id)/recalls/1")
            #expect(result.body.contains("本人因病请假") && result.body.contains("已罢免") && result.body.contains("id=\"recall-result\""))
            let list = try await browser.get("/elections/\(id)/recalls")
            #expect(list.body.contains("<s>\(member.name)</s>"))
            #expect(try harness.database.notices(electionID: id).last?.notice.kind == .recallResult)

            let api = try await browser.get("/api/v1/elections/\(id)/recalls")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            let committee = try #require(document["committee"] as? [String: Any])
            #expect((committee["recalled"] as? [[String: Any]])?.first?["person"] as? Int64 == member.person)
            let one1 = try await browser.get("/api/v1/elections/\(id)/recalls/1")
            let p = try #require(try JSONSerialization.jsonObject(with: Data(one1.body.utf8)) as? [String: Any])
            #expect(p["status"] as? String == "decided" && (p["outcome"] as? [String: Any])?["voted"] as? Int == voters)
            #expect(try await browser.get("/api/v1/elections/\(id)/recalls/2").status == .notFound)

            browser.setCookie("xy_lang", "en")
            let english = try await browser.get("/elections/\(id)/recalls/1")
            #expect(english.body.contains("Recall proposal No. 1") && english.body.contains("recalled"))
            let names = [member.name, election.title, "桃园社区", "长期不履行职责，多次无故缺席居民委员会会议。", "本人因病请假，已按规定报告。", "第一投票站", "张三", "中文"]
            #expect(NoticePagesTests.hanOutsideNames(english.body, names: names) == "", "\(NoticePagesTests.hanOutsideNames(english.body, names: names))")
        }
    }

    @Test("before certification there is no committee to recall: the page says so, the API answers 409")
    func uncertified() async throws {
        let harness = try WebHarness()
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "第十二届居民委员会换届选举", method: .direct,
                                                           electionDay: CivilDate.today().adding(days: 60), keyStore: harness.keyStore, actor: .system)
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(election.id!)/recalls")
            #expect(page.status == .ok && page.body.contains("尚未确认"))
            #expect(try await browser.get("/api/v1/elections/\(election.id!)/recalls").status == .conflict)
        }
    }
}
