import Community
import Councils
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Notary
import Testing
@testable import Web

@Suite("discussion garden pages: household sign-in, motions, co-signing, committee desk, meetings, minutes, API")
struct CouncilPagesTests {
    static let password = "committee-password-1"

    /// A community with residents, its key in the harness's key store, a committee member and
    /// access cards for three households.
    struct Garden {
        let harness: WebHarness
        let key: Ed25519PrivateKey
        let cards: [HouseholdAccessCard]
        var database: AppDatabase { harness.database }
        var communityID: Int64 { harness.community.id! }
    }

    func garden(households: Int = 30) throws -> Garden {
        let harness = try WebHarness()
        _ = try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: households)
        let key = try harness.keyStore.generate()
        try harness.database.registerSigningKey(key.publicKey, communityID: harness.community.id!, purpose: "community", actor: .commandLine)
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "zhuren", displayName: "王主任", password: Self.password, roles: [.committee]),
                                           actor: .commandLine)
        let cards = try harness.database.issueHouseholdCodes(communityID: harness.community.id!, numbers: ["H00001", "H00002", "H00003"], actor: .commandLine)
        return Garden(harness: harness, key: key, cards: cards)
    }

    func signIn(_ browser: Browser, _ card: HouseholdAccessCard) async throws -> Browser.Page {
        _ = try await browser.get("/garden/sign-in")
        return try await browser.post("/garden/sign-in", form: [("household", card.householdNumber), ("code", card.code), ("back", "/motions/new")])
    }

    func json(_ page: Browser.Page) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
    }

    @Test("a household signs in with its card, submits a motion with a photo and gets a receipt; the public page shows it")
    func submitWithPhoto() async throws {
        let garden = try garden()
        try await garden.harness.test { browser in
            let anonymous = try await browser.get("/motions/new")
            #expect(anonymous.body.contains("/garden/sign-in"))
            _ = try await browser.get("/garden/sign-in")
            let wrong = try await browser.post("/garden/sign-in", form: [("household", "H00001"), ("code", garden.cards[1].code)])
            #expect(wrong.status == .unauthorized && browser.cookie("xy_household") == nil)
            let signedIn = try await signIn(browser, garden.cards[0])
            #expect(signedIn.status == .seeOther && browser.cookie("xy_household") != nil)
            let form = try await browser.get("/motions/new")
            #expect(form.body.contains("H00001"))
            let png = TestImages.png
            let receipt = try await browser.upload("/motions", fields: [("_csrf", browser.currentCSRF()), ("title", "3号楼电梯经常停运"), ("description", "本月停运四次。"),
                                                                       ("category", "facilities"), ("building", "3号楼"), ("unit", "2单元"), ("grid", "")],
                                                   fileField: "photo", fileName: "lift.png", file: png)
            let motion = try #require(try garden.database.motions(communityID: garden.communityID).first?.motion)
            #expect(receipt.status == .created && receipt.body.contains("xyr1.") && receipt.body.contains(motion.number))
            #expect(motion.channel == "household" && motion.photoSHA256 == SHA256.hash(png).hex)
            // The receipt names the motion, not the page (issue 22 #13: the page title overwrote the motion's title).
            #expect(receipt.body.contains("<dd>3号楼电梯经常停运</dd>") && receipt.body.contains("<h1>议题提交回执</h1>"))
            #expect(!receipt.body.contains("异议回执"))
            let compact = try #require(receipt.body.range(of: "xyr1.[A-Za-z0-9_.-]+", options: .regularExpression).map { String(receipt.body[$0]) })
            try SignedReceipt(compactText: compact).verify(with: garden.key.publicKey)
            // A non-image is refused naming the field, and nothing is recorded.
            let bad = try await browser.upload("/motions", fields: [("_csrf", browser.currentCSRF()), ("title", "x"), ("description", "y"), ("category", "facilities")],
                                               fileField: "photo", fileName: "x.gif", file: Data("GIF89a".utf8))
            #expect(bad.status == .unprocessableContent && bad.body.contains("photo"))
            #expect(try garden.database.motions(communityID: garden.communityID).count == 1)
            // Public view, without the household cookie.
            browser.setCookie("xy_household", nil)
            let page = try await browser.get("/motions/\(motion.number)")
            #expect(page.status == .ok && page.body.contains("3号楼电梯经常停运") && page.body.contains("已提交"))
            #expect(!page.body.contains(try garden.database.householdMembers(householdID: motion.householdID!)[0].name))
            let photo = try await browser.get("/motions/\(motion.number)/photo")
            #expect(photo.status == .ok && photo.headers[.contentType] == "image/png")
            let refused = try await browser.post("/motions", form: [("title", "匿名"), ("description", "x"), ("category", "other")])
            #expect(refused.status == .unprocessableContent)
        }
    }

    @Test("co-signing on the page: one support per household, withdrawal, the threshold shows 'must be scheduled'")
    func coSigning() async throws {
        let garden = try garden()
        var settings = try garden.database.councilSettings(communityID: garden.communityID)
        settings.supportThreshold = 2
        try garden.database.setCouncilSettings(settings, communityID: garden.communityID, actor: .commandLine)
        let submitter = try garden.database.residentIdentity(household: HouseholdSession(householdID: try garden.database.household(number: "H00003", communityID: garden.communityID)!.id!,
                                                                                         householdNumber: "H00003", expiresAt: .distantFuture))
        let (motion, _) = try garden.database.submitMotion(communityID: garden.communityID, NewMotion(title: "路灯坏了", description: "东门", category: "safety"),
                                                           by: .resident(submitter), signingKey: garden.key)
        try await garden.harness.test { browser in
            _ = try await signIn(browser, garden.cards[0])
            _ = try await browser.get("/motions/\(motion.number)")
            #expect(try await browser.post("/motions/\(motion.number)/support", form: []).status == .seeOther)
            _ = try await browser.get("/motions/\(motion.number)")
            let twice = try await browser.post("/motions/\(motion.number)/support", form: [])
            #expect(twice.status == .conflict && twice.body.contains("one support per household"))
            #expect(try await browser.post("/motions/\(motion.number)/support/withdraw", form: []).status == .seeOther)
            #expect(try garden.database.supportCount(motionID: motion.id!) == 0)
            _ = try await browser.get("/motions/\(motion.number)")
            _ = try await browser.post("/motions/\(motion.number)/support", form: [])
            browser.setCookie("xy_household", nil)
            _ = try await signIn(browser, garden.cards[1])
            _ = try await browser.get("/motions/\(motion.number)")
            _ = try await browser.post("/motions/\(motion.number)/support", form: [])
            let page = try await browser.get("/motions/\(motion.number)")
            #expect(page.body.contains("2 / 2") && page.body.contains("应列入议程"))
            // The submitting household cannot take the committee's action.
            browser.setCookie("xy_household", nil)
            _ = try await signIn(browser, garden.cards[2])
            _ = try await browser.get("/motions/\(motion.number)")
            let notTheirs = try await browser.post("/motions/\(motion.number)/transition", form: [("action", "accept")])
            // A committee action is refused naming who takes it (409), not answered with a sign-in page (issue 21).
            #expect(notTheirs.status == .conflict && notTheirs.body.contains("居委会") && !notTheirs.body.contains("请先登录"))
            #expect(try garden.database.motion(number: motion.number, communityID: garden.communityID).state == "submitted")
            // …but can withdraw its own motion: after that, co-signing is closed.
            _ = try await browser.get("/motions/\(motion.number)")
            #expect(try await browser.post("/motions/\(motion.number)/transition", form: [("action", "withdraw")]).status == .seeOther)
            #expect(try garden.database.motion(number: motion.number, communityID: garden.communityID).state == "withdrawn")
        }
    }

    @Test("the committee accepts, refuses with a reason, comments internally and hides a comment; the public sees what it should")
    func committeeDesk() async throws {
        let garden = try garden()
        let resident = try garden.database.residentIdentity(household: HouseholdSession(householdID: try garden.database.household(number: "H00002", communityID: garden.communityID)!.id!,
                                                                                        householdNumber: "H00002", expiresAt: .distantFuture))
        let (a, _) = try garden.database.submitMotion(communityID: garden.communityID, NewMotion(title: "甲事", description: "x", category: "safety"), by: .resident(resident), signingKey: garden.key)
        let (b, _) = try garden.database.submitMotion(communityID: garden.communityID, NewMotion(title: "乙事", description: "y", category: "parking"), by: .resident(resident), signingKey: garden.key)
        let rude = try garden.database.addComment(motionID: a.id!, body: "骂人的话", internal: false, author: resident.publicLabel, actor: resident.actor, staff: false)
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", Self.password)
            let desk = try await browser.get("/council")
            #expect(desk.status == .ok && desk.body.contains("甲事") == false && desk.body.contains("supportThreshold"))
            _ = try await browser.get("/motions/\(b.number)")
            let noReason = try await browser.post("/motions/\(b.number)/transition", form: [("action", "notAccept"), ("reason", "")])
            #expect(noReason.status == .unprocessableContent && noReason.body.contains("needs a written reason"))
            #expect(try await browser.post("/motions/\(b.number)/transition", form: [("action", "notAccept"), ("reason", "属派出所职责")]).status == .seeOther)
            _ = try await browser.get("/motions/\(a.number)")
            #expect(try await browser.post("/motions/\(a.number)/transition", form: [("action", "accept")]).status == .seeOther)
            _ = try await browser.get("/motions/\(a.number)")
            #expect(try await browser.post("/motions/\(a.number)/comments", form: [("body", "内部：物业周五答复"), ("internal", "yes")]).status == .seeOther)
            _ = try await browser.get("/motions/\(a.number)")
            #expect(try await browser.post("/motions/\(a.number)/comments/\(rude.id!)/hide", form: [("reason", "含辱骂")]).status == .seeOther)
            _ = try await browser.get("/motions/\(a.number)")
            #expect(try await browser.post("/motions/\(a.number)/reply", form: [("reply", "已受理，周五前答复。")]).status == .seeOther)
            let staffView = try await browser.get("/motions/\(a.number)")
            #expect(staffView.body.contains("内部：物业周五答复") && staffView.body.contains("已受理"))
            _ = try await browser.post("/logout", form: [])
            let publicView = try await browser.get("/motions/\(a.number)")
            #expect(!publicView.body.contains("内部：物业周五答复"))
            #expect(publicView.body.contains("含辱骂") && !publicView.body.contains("骂人的话"))
            #expect(publicView.body.contains("已受理，周五前答复。"))
            let refused = try await browser.get("/motions/\(b.number)")
            #expect(refused.body.contains("不予受理") && refused.body.contains("属派出所职责"))
            // Filters and CSV.
            let accepted = try await browser.get("/motions?state=accepted")
            #expect(accepted.body.contains("甲事") && !accepted.body.contains("乙事"))
            let csv = try await browser.get("/motions.csv?category=parking")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true && csv.body.hasPrefix("\u{FEFF}编号") && csv.body.contains("乙事") && !csv.body.contains("甲事"))
            #expect(try await browser.get("/council").status != .ok)
        }
    }

    @Test("a meeting from plan to signed minutes on the web: members, agenda, late notice with reason, check-in, quorum, vote, close, approvals, publication")
    func meetingFlow() async throws {
        let garden = try garden()
        let resident = try garden.database.residentIdentity(household: HouseholdSession(householdID: try garden.database.household(number: "H00002", communityID: garden.communityID)!.id!,
                                                                                        householdNumber: "H00002", expiresAt: .distantFuture))
        let (motion, _) = try garden.database.submitMotion(communityID: garden.communityID, NewMotion(title: "增设充电桩", description: "x", category: "safety"),
                                                           by: .resident(resident), signingKey: garden.key)
        let chair = try #require(try garden.database.accounts().first { $0.username == "zhuren" })
        _ = try garden.database.moveMotion(id: motion.id!, action: "accept", reason: nil, by: .committee(chair))
        let members = try await garden.database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT idNumber FROM resident WHERE relationToHead = '户主' ORDER BY id LIMIT 3")
        }
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", Self.password)
            for idNumber in members {
                _ = try await browser.get("/council/members")
                #expect(try await browser.post("/council/members", form: [("body", "council"), ("idNumber", idNumber), ("since", "2026-01-01")]).status == .seeOther)
            }
            _ = try await browser.get("/meetings")
            let clerk = try #require(try garden.database.accounts().first { $0.username == "clerk" })
            let today = CivilDate.today().description
            let created = try await browser.post("/meetings", form: [("kind", "councilMeeting:council"), ("title", "临时议事园会议"), ("date", today), ("time", "19:00"),
                                                                      ("venue", "会议室"), ("chair", String(chair.id!)), ("recorder", String(clerk.id!))])
            #expect(created.status == .seeOther)
            let path = try #require(created.headers[.location])
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/items", form: [("motion", motion.number), ("title", ""), ("passRule", "majorityOfPresent")]).status == .seeOther)
            #expect(try garden.database.motion(number: motion.number, communityID: garden.communityID).state == "scheduled")
            _ = try await browser.get(path)
            let late = try await browser.post("\(path)/publish-notice", form: [("lateReason", "")])
            #expect(late.status == .unprocessableContent && late.body.contains("at least 10 days"))
            #expect(try await browser.post("\(path)/publish-notice", form: [("lateReason", "充电起火隐患，紧急")]).status == .seeOther)
            let notice = try await browser.get("\(path)/notice")
            #expect(notice.body.contains("充电起火隐患，紧急") && notice.body.contains(motion.number))
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/open", form: []).status == .seeOther)
            let id = Int64(path.split(separator: "/").last!)!
            let roll = try garden.database.attendees(meetingID: id)
            #expect(roll.count == 3)
            _ = try await browser.get("\(path)/attendance")
            _ = try await browser.post("\(path)/attendance/\(roll[0].id!)", form: [("action", "arrive")])
            let item = try garden.database.agenda(meetingID: id)[0]
            _ = try await browser.get(path)
            let noQuorum = try await browser.post("\(path)/items/\(item.id!)/vote", form: [("method", "counts"), ("for", "1"), ("against", "0"), ("abstain", "0")])
            #expect(noQuorum.status == .unprocessableContent && noQuorum.body.contains("no quorum: 1 of 3 present, 2 needed"))
            _ = try await browser.get("\(path)/attendance")
            _ = try await browser.post("\(path)/attendance/\(roll[1].id!)", form: [("action", "arrive")])
            let attendance = try await browser.get("\(path)/attendance")
            #expect(attendance.body.contains("已达法定人数"))
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/items/\(item.id!)/vote", form: [("method", "counts"), ("for", "2"), ("against", "0"), ("abstain", "0")]).status == .seeOther)
            #expect(try garden.database.motion(number: motion.number, communityID: garden.communityID).state == "passed")
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/close", form: []).status == .seeOther)
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/minutes", form: [("text", "会议同意增设充电桩。")]).status == .seeOther)
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/minutes/approve", form: []).status == .seeOther)
            _ = try await browser.get(path)
            let early = try await browser.post("\(path)/minutes/publish", form: [])
            #expect(early.status == .unprocessableContent && early.body.contains("recorder (missing)"))
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("clerk", WebHarness.clerkPassword)
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/minutes/approve", form: []).status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("zhuren", Self.password)
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/minutes/publish", form: []).status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            let document = try await browser.get("\(path)/minutes.json")
            let signature = try await browser.client.execute(uri: "\(path)/minutes.sig", method: .get, headers: [:], body: nil)
            #expect(document.status == .ok && signature.status == .ok)
            try garden.key.publicKey.verify(signature: Data(signature.body.readableBytesView), for: Data(document.body.utf8))
            let publicPage = try await browser.get(path)
            #expect(publicPage.body.contains("会议同意增设充电桩。") && publicPage.body.contains(SHA256.hash(Data(document.body.utf8)).hex))
        }
    }

    @Test("an administrator creates a resident's personal account; the resident submits and co-signs with it")
    func residentAccount() async throws {
        let garden = try garden()
        let idNumber = try await garden.database.reader.read { db in
            try String.fetchOne(db, sql: "SELECT idNumber FROM resident JOIN household ON household.id = resident.householdID WHERE household.number = 'H00005' LIMIT 1")!
        }
        try await garden.harness.test { browser in
            _ = try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get("/admin")
            let missing = try await browser.post("/admin/accounts", form: [("username", "jumin5"), ("displayName", "居民"), ("password", "resident-pass-1"), ("role", "resident"), ("idNumber", "")])
            #expect(missing.status == .unprocessableContent && missing.body.contains("a resident account names its resident"))
            let created = try await browser.post("/admin/accounts", form: [("username", "jumin5"), ("displayName", "居民"), ("password", "resident-pass-1"),
                                                                          ("role", "resident"), ("idNumber", idNumber)])
            #expect(created.status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            // The administrator's password is one-time: the resident sets their own first.
            let first = try await browser.login("jumin5", "resident-pass-1")
            let redirected = try await browser.get("/motions/new")
            #expect(first.headers[.location] == "/" && redirected.headers[.location] == "/account/password")
            _ = try await browser.get("/account/password")
            _ = try await browser.post("/account/password", form: [("current", "resident-pass-1"), ("password", "resident-own-2"), ("confirm", "resident-own-2")])
            _ = try await browser.login("jumin5", "resident-own-2")
            let form = try await browser.get("/motions/new")
            #expect(form.body.contains("H00005"))
            let receipt = try await browser.post("/motions", form: [("title", "楼下停车乱"), ("description", "消防通道被占"), ("category", "parking")])
            #expect(receipt.status == .created)
            let motion = try #require(try garden.database.motions(communityID: garden.communityID).first?.motion)
            #expect(motion.channel == "account" && motion.residentID != nil)
            // Its own household cannot co-sign it.
            _ = try await browser.get("/motions/\(motion.number)")
            let own = try await browser.post("/motions/\(motion.number)/support", form: [])
            #expect(own.status == .conflict && own.body.contains("your household submitted"))
        }
    }

    @Test("the JSON API: list, submit as a household, support, committee transition, meeting details")
    func api() async throws {
        let garden = try garden()
        try await garden.harness.test { browser in
            _ = try await signIn(browser, garden.cards[0])
            _ = try await browser.get("/motions")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let created = try await browser.send("/api/v1/motions", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"title":"快递柜挡消防通道","description":"请挪到东门内侧","category":"safety","building":"2号楼"}"#))
            #expect(created.status == .created)
            let receipt = try json(created)
            let number = try #require(receipt["number"] as? String)
            let compact = try #require(receipt["receipt"] as? String)
            try SignedReceipt(compactText: compact).verify(with: garden.key.publicKey)
            let missing = try await browser.send("/api/v1/motions", method: .post, headers: headers, body: ByteBuffer(string: #"{"title":"","description":"x","category":"safety"}"#))
            let problem = try json(missing)
            #expect(missing.status == .unprocessableContent && problem["field"] as? String == "title")
            browser.setCookie("xy_household", nil)
            _ = try await signIn(browser, garden.cards[1])
            _ = try await browser.get("/motions")
            let supportHeaders: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let supported = try await browser.send("/api/v1/motions/\(number)/supports", method: .post, headers: supportHeaders, body: ByteBuffer(string: "{}"))
            let supportResult = try json(supported)
            #expect(supported.status == .ok && supportResult["supports"] as? Int == 1)
            let again = try await browser.send("/api/v1/motions/\(number)/supports", method: .post, headers: supportHeaders, body: ByteBuffer(string: "{}"))
            #expect(again.status == .conflict)
            browser.setCookie("xy_household", nil)
            _ = try await browser.login("zhuren", Self.password)
            _ = try await browser.get("/motions")
            let staffHeaders: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let moved = try await browser.send("/api/v1/motions/\(number)/transitions", method: .post, headers: staffHeaders,
                                               body: ByteBuffer(string: #"{"action":"refer","reason":"物业事项","target":"安和物业"}"#))
            let movedResult = try json(moved)
            #expect(moved.status == .ok && movedResult["state"] as? String == "referred")
            let illegal = try await browser.send("/api/v1/motions/\(number)/transitions", method: .post, headers: staffHeaders, body: ByteBuffer(string: #"{"action":"accept"}"#))
            #expect(illegal.status == .conflict)
            let shownPage = try await browser.get("/api/v1/motions/\(number)")
            let shown = try json(shownPage)
            #expect((shown["history"] as? [Any])?.count == 2 && shown["referredTo"] as? String == "安和物业")
            let listPage = try await browser.get("/api/v1/motions?state=referred")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(listPage.body.utf8)) as? [[String: Any]])
            #expect(list.map { $0["number"] as? String } == [number])
            let dashboardPage = try await browser.get("/api/v1/council/dashboard")
            let dashboard = try json(dashboardPage)
            #expect((dashboard["counts"] as? [String: Int])?["referred"] == 1)
        }
    }
}
