import Community
import Councils
import Elections
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Notary
import Testing
@testable import Web

/// The handover (工作移交) and the annulment of a result on the web: pages, JSON API, who may
/// do what, and where an annulment shows (result page, certificates, board, API, record).
@Suite("handover and annulment pages: checklist, signatures, confirmation; a void result everywhere it shows")
struct HandoverPagesTests {
    static let password = "committee-password-1"

    /// A certified example election held `daysAgo` days ago (certified that evening).
    func election(daysAgo: Int = 3) throws -> (WebHarness, Election) {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                  electionDay: CivilDate.today().adding(days: -daysAgo), title: "第十二届居民委员会换届选举",
                                                  usernamePrefix: "", password: Self.password, voters: 44)
        return (harness, result.election)
    }

    func json(_ page: Browser.Page) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
    }

    static let items: [(String, String, String)] = [
        ("seal", "社区居民委员会印章", "1枚"), ("accounts", "账目及银行存款", "账册2本"), ("assets", "办公设备", "电脑3台"),
        ("files", "文书档案", "48卷"), ("ledgers", "工作台账", "12册"),
    ]

    @Test("the election committee opens the checklist, lists the five categories, records both signatures and confirms: the public page and its notice show it; the board links it")
    func wholeHandoverOnTheWeb() async throws {
        let (harness, election) = try election()
        let id = election.id!
        let director = try #require(try harness.database.certifiedResult(electionID: id)?.statement.elected.first { $0.post == .director })
        try await harness.test { browser in
            let before = try await browser.get("/elections/\(id)/handover")
            #expect(before.status == .ok && before.body.contains("选举委员会尚未建立移交清单") && before.body.contains(CivilDate.today().adding(days: 7).description))
            #expect(!before.body.contains("/handover/items"))
            _ = try await browser.login("wy1", Self.password)
            _ = try await browser.get("/elections/\(id)/handover")
            #expect(try await browser.post("/elections/\(id)/handover", form: []).status == .seeOther)
            let listed = try await browser.get("/elections/\(id)/handover")
            #expect(listed.body.contains("清单还须列明") && listed.body.contains("印章、账目财务、资产、档案、台账"))
            let refused = try await browser.post("/elections/\(id)/handover/signatures", form: [("side", "incoming"), ("person", String(director.person))])
            #expect(refused.status == .unprocessableContent && refused.body.contains("移交清单还缺少"))
            for (category, description, quantity) in Self.items {
                #expect(try await browser.post("/elections/\(id)/handover/items", form: [("category", category), ("description", description), ("quantity", quantity)]).status == .seeOther)
            }
            let empty = try await browser.post("/elections/\(id)/handover/items", form: [("category", "other"), ("description", ""), ("quantity", "1")])
            #expect(empty.status == .unprocessableContent && empty.body.contains("description: 请填写移交事项"))
            let ready = try await browser.get("/elections/\(id)/handover")
            #expect(ready.body.contains("记录移交方签字") && ready.body.contains(#"name="name""#) && ready.body.contains(director.name))
            #expect(try await browser.post("/elections/\(id)/handover/signatures", form: [("side", "outgoing"), ("name", "陈立"), ("post", "director")]).status == .seeOther)
            #expect(try await browser.post("/elections/\(id)/handover/signatures", form: [("side", "incoming"), ("person", String(director.person))]).status == .seeOther)
            let member = try #require(try harness.database.committeeMembers(electionID: id).first { $0.username == "wy1" })
            #expect(try await browser.post("/elections/\(id)/handover/confirm", form: [("member", String(member.member.id!))]).status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            let done = try await browser.get("/elections/\(id)/handover")
            let handover = try #require(try harness.database.handover(electionID: id))
            #expect(done.body.contains("工作移交已完成") && done.body.contains("陈立") && done.body.contains(director.name) && done.body.contains(member.name))
            #expect(done.body.contains("/notices/\(handover.noticeNumber!)") && !done.body.contains("<form method=\"post\" action=\"/elections/\(id)/handover"))
            let notice = try await browser.get("/elections/\(id)/notices/\(handover.noticeNumber!)")
            #expect(notice.body.contains("工作移交") && notice.body.contains("社区居民委员会印章"))
            #expect(try await browser.get("/board").body.contains("/elections/\(id)/handover"))
            _ = try await browser.get("/lang/en")
            let english = try await browser.get("/elections/\(id)/handover")
            #expect(english.body.contains("Handover completed on") && english.body.contains("Checklist") && !english.body.contains("移交清单"))
        }
    }

    @Test("past the 10 days the page and the API flag the open handover overdue")
    func overdue() async throws {
        let (harness, election) = try election(daysAgo: 12)
        let id = election.id!
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(id)/handover")
            #expect(page.body.contains("id=\"handover-overdue\"") && page.body.contains("已逾期"))
            let document = try json(try await browser.get("/api/v1/elections/\(id)/handover"))
            #expect(document["overdue"] as? Bool == true && document["status"] as? String == "notOpened")
            #expect(document["deadline"] as? String == CivilDate.today().adding(days: -2).description)
        }
    }

    @Test("the JSON API runs the same steps; a refused step is a problem naming the field, in the reader's language")
    func api() async throws {
        let (harness, election) = try election()
        let id = election.id!
        let director = try #require(try harness.database.certifiedResult(electionID: id)?.statement.elected.first { $0.post == .director })
        try await harness.test { browser in
            _ = try await browser.login("wy2", Self.password)
            _ = try await browser.get("/elections/\(id)/handover")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            func post(_ path: String, _ body: String) async throws -> Browser.Page {
                try await browser.send("/api/v1/elections/\(id)/handover\(path)", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try json(try await post("", "{}"))["status"] as? String == "open")
            for (category, description, quantity) in Self.items {
                #expect(try await post("/items", #"{"category":"\#(category)","description":"\#(description)","quantity":"\#(quantity)"}"#).status == .ok)
            }
            let wrong = try await post("/signatures", #"{"side":"incoming","person":999999}"#)
            let problem = try json(wrong)
            #expect(wrong.status == .unprocessableContent && problem["field"] as? String == "person")
            #expect(problem["detail"] as? String == "person: 接收方由新一届居民委员会主任签字：\(director.name)（主任）")
            _ = try await post("/signatures", #"{"side":"outgoing","name":"陈立","post":"member"}"#)
            _ = try await post("/signatures", #"{"side":"incoming","person":\#(director.person)}"#)
            let done = try json(try await post("/confirm", "{}"))
            #expect(done["status"] as? String == "completed" && done["presidedBy"] as? String != nil && done["notice"] as? Int != nil)
            #expect((done["items"] as? [Any])?.count == 5 && (done["incoming"] as? [String: Any])?["name"] as? String == director.name)
            _ = try await browser.get("/lang/en")
            let again = try await post("/confirm", "{}")
            let againProblem = try json(again)
            #expect(again.status == .conflict && againProblem["detail"] as? String == "the handover is already confirmed")
            #expect(try await browser.send("/api/v1/elections/\(id)/handover", method: .get, headers: [:], body: nil).status == .ok)
        }
    }

    @Test("each role against each handover and annulment route: visitors sign in, other roles are refused, a committee account not on this election's committee is refused by the step, its members act")
    func roles() async throws {
        let (harness, election) = try election()
        let id = election.id!
        let residentID = try harness.database.householdMembers(householdID: try #require(try harness.database.household(number: "H1", communityID: harness.community.id!)).id!)[0].id
        for role in [Role.admin, .clerk, .teller, .resident] {
            try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "as-\(role.rawValue)", displayName: role.rawValue,
                                                          password: Self.password, roles: [role], residentID: role == .resident ? residentID : nil), actor: .commandLine)
        }
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "other-committee", displayName: "他届委员",
                                                      password: Self.password, roles: [.committee]), actor: .commandLine)
        let forms = ["/elections/\(id)/handover", "/elections/\(id)/handover/items", "/elections/\(id)/handover/signatures",
                     "/elections/\(id)/handover/confirm", "/elections/\(id)/annulment"]
        let apis = ["/api/v1/elections/\(id)/handover", "/api/v1/elections/\(id)/handover/items", "/api/v1/elections/\(id)/handover/signatures",
                    "/api/v1/elections/\(id)/handover/confirm", "/api/v1/elections/\(id)/annulment"]
        try await harness.test { browser in
            // Public: the pages and documents.
            #expect(try await browser.get("/elections/\(id)/handover").status == .ok)
            #expect(try await browser.get("/api/v1/elections/\(id)/handover").status == .ok)
            #expect(try await browser.get("/api/v1/elections/\(id)/annulment").status == .ok)
            // Visitors are sent to sign in (401 under /api).
            for path in forms { #expect(try await browser.post(path, form: []).headers[.location]?.hasPrefix("/login") == true, "\(path)") }
            #expect(try await browser.get("/elections/\(id)/annulment/new").headers[.location]?.hasPrefix("/login") == true)
            for path in apis { #expect(try await browser.post(path, form: []).status == .unauthorized, "\(path)") }
            for role in ["as-admin", "as-clerk", "as-teller", "as-resident"] {
                _ = try await browser.post("/logout", form: [])
                _ = try await browser.login(role, Self.password)
                _ = try await browser.get("/")
                for path in forms { #expect(try await browser.post(path, form: []).status == .forbidden, "\(role) \(path)") }
                for path in apis { #expect(try await browser.post(path, form: []).status == .forbidden, "\(role) \(path)") }
                #expect(try await browser.get("/elections/\(id)/annulment/new").status == .forbidden)
            }
            // A committee account, but not on this election's committee: the step refuses it.
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("other-committee", Self.password)
            _ = try await browser.get("/elections/\(id)/handover")
            let outsider = try await browser.post("/elections/\(id)/handover", form: [])
            #expect(outsider.status == .unprocessableContent && outsider.body.contains("不是本次选举委员会的在任成员"))
            #expect(try harness.database.handover(electionID: id) == nil)
            // A member of this election's committee acts.
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("wy3", Self.password)
            _ = try await browser.get("/elections/\(id)/handover")
            #expect(try await browser.post("/elections/\(id)/handover", form: []).status == .seeOther)
        }
    }

    @Test("the committee declares the result void: the result page, certificates, certificate check, board, API and record all say so; the handover stops; a new election can be created")
    func annulment() async throws {
        let (harness, election) = try election()
        let id = election.id!
        let winner = try #require(try harness.database.certifiedResult(electionID: id)?.statement.elected.first)
        try await harness.test { browser in
            _ = try await browser.login("wy1", Self.password)
            #expect(try await browser.get("/elections/\(id)/result").body.contains("/annulment/new"))
            let form = try await browser.get("/elections/\(id)/annulment/new")
            #expect(form.status == .ok && form.body.contains("贿赂") && form.body.contains("安和街道办事处"))
            let missing = try await browser.post("/elections/\(id)/annulment", form: [("reason", "贿选"), ("authority", "streetOffice"), ("reference", "安街发〔2026〕31号")])
            #expect(missing.status == .unprocessableContent && missing.body.contains("grounds: 请选择无效的事由"))
            let done = try await browser.post("/elections/\(id)/annulment", form: [
                ("ground_bribery", "yes"), ("ground_falseCount", "yes"), ("reason", "经查，候选人发放购物卡贿选。"),
                ("authority", "streetOffice"), ("reference", "安街发〔2026〕31号"),
            ])
            #expect(done.status == .seeOther && done.headers[.location] == "/elections/\(id)/result")
            _ = try await browser.post("/logout", form: [])

            let result = try await browser.get("/elections/\(id)/result")
            #expect(result.body.contains("id=\"annulment\"") && result.body.contains("本次选举结果已被宣布无效") && result.body.contains("安街发〔2026〕31号")
                    && result.body.contains("应选职位须重新选举"))
            let api = try json(try await browser.get("/api/v1/elections/\(id)/result"))
            let annulment = try #require(api["annulment"] as? [String: Any])
            #expect(annulment["annulled"] as? Bool == true && annulment["grounds"] as? [String] == ["bribery", "falseCount"] && annulment["decidedBy"] as? String == "安和街道办事处")
            #expect(try json(try await browser.get("/api/v1/elections/\(id)/annulment"))["reference"] as? String == "安街发〔2026〕31号")
            let certificate = try await browser.get("/elections/\(id)/certificates/\(winner.person)")
            #expect(certificate.body.contains("id=\"certificate-void\"") && certificate.body.contains("作废 VOID"))
            let code = try #require(try harness.database.certificates(electionID: id, signingKey: try harness.keyStore.load(keyID: election.keyID)).first).code
            let check = try json(try await browser.get("/api/v1/certificates/verify?code=\(code)"))
            #expect(check["valid"] as? Bool == true && check["annulled"] as? Bool == true)
            #expect(try await browser.get("/certificates/verify?code=\(code)").body.contains("本当选证书作废"))
            #expect(try await browser.get("/board").body.contains("选举结果无效"))
            let handover = try await browser.get("/elections/\(id)/handover")
            #expect(handover.body.contains("本次选举结果已被宣布无效"))

            // The record carries it: xuanyi verify says ANNULLED.
            let zip = try await browser.client.execute(uri: "/elections/\(id)/record.zip", method: .get, headers: [:], body: nil)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("web-annulled-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try Data(zip.body.readableBytesView).write(to: scratch)
            let (record, folder) = try RecordArchive.unzip(scratch)
            defer { try? FileManager.default.removeItem(at: folder) }
            let fingerprint = try #require(try harness.database.electionKeyFingerprint(electionID: id))
            let report = RecordVerifier(directory: record, anchors: [fingerprint]).verify()
            #expect(report.verdict == .annulled, "\(report.failures)")

            // The committee steps of the handover stop; the seats are elected in a new election.
            _ = try await browser.login("wy1", Self.password)
            _ = try await browser.get("/elections/\(id)/handover")
            let refused = try await browser.post("/elections/\(id)/handover", form: [])
            #expect(refused.status == .unprocessableContent && refused.body.contains("已于"))
            let again = try await browser.post("/elections/\(id)/annulment", form: [("ground_violence", "yes"), ("reason", "再次"), ("authority", "electionCommittee"), ("reference", "x")])
            #expect(again.status == .unprocessableContent)
            _ = try await browser.get("/elections")
            let created = try await browser.post("/elections", form: [("title", "第十二届居民委员会换届选举（重新选举）"), ("method", "direct"),
                                                                      ("electionDay", CivilDate.today().adding(days: 40).description)])
            #expect(created.status == .seeOther)
            _ = try await browser.get("/lang/en")
            let english = try await browser.get("/elections/\(id)/result")
            #expect(english.body.contains("result has been declared void.") && english.body.contains("The seats are to be elected again"))
        }
    }
}
