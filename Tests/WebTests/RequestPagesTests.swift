import Community
import Councils
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// Residents' requests to convene a residents' meeting or a hearing, on the web and in the API.
@Suite("convening request pages")
struct RequestPagesTests {
    let pages = CouncilPagesTests()

    @Test("a household starts and signs a request; progress is public; at the share it is on the council desk with its deadline; the committee records the meeting convened")
    func flow() async throws {
        let garden = try pages.garden(households: 10)
        var settings = try garden.database.councilSettings(communityID: garden.communityID)
        settings.hearingHouseholds = try Share(text: "1/5")
        try garden.database.setCouncilSettings(settings, communityID: garden.communityID, actor: .commandLine)
        try await garden.harness.test { browser in
            let list = try await browser.get("/requests")
            #expect(list.status == .ok && list.body.contains("《城市居民委员会组织法》") && list.body.contains("/garden/sign-in"))
            _ = try await pages.signIn(browser, garden.cards[0])
            _ = try await browser.get("/requests")
            let empty = try await browser.post("/requests", form: [("kind", "hearing:households"), ("title", ""), ("reason", "x")])
            #expect(empty.status == .unprocessableContent && empty.body.contains("title"))
            let wrong = try await browser.post("/requests", form: [("kind", "hearing:representatives"), ("title", "x"), ("reason", "y")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("basis"))
            let opened = try await browser.post("/requests", form: [("kind", "hearing:households"), ("title", "物业费调价听证"), ("reason", "请就调价方案召开听证会。")])
            #expect(opened.status == .seeOther)
            let path = try #require(opened.headers[.location])
            let id = try #require(Int64(path.split(separator: "/").last ?? ""))
            try #require(try garden.database.conveningRequest(id: id).required == 2)
            let page = try await browser.get(path)
            #expect(page.body.contains("物业费调价听证") && page.body.contains("1 / 2") && page.body.contains("您已联署此提议"))
            let again = try await browser.post("\(path)/sign", form: [])
            #expect(again.status == .conflict && again.body.contains("already signed"))
            _ = try await browser.post("/garden/sign-out", form: [])
            _ = try await pages.signIn(browser, garden.cards[1])
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/sign", form: []).status == .seeOther)
            let reached = try await browser.get(path)
            #expect(reached.body.contains("2 / 2") && reached.body.contains("已达到比例"))
            _ = try await browser.post("/garden/sign-out", form: [])
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            let desk = try await browser.get("/council")
            #expect(desk.body.contains("待召集的居民提议") && desk.body.contains(path))
            let staffPage = try await browser.get(path)
            #expect(staffPage.body.contains("\(path)/convened") && staffPage.body.contains("请先安排"))
            let none = try await browser.post("\(path)/convened", form: [("note", "")])
            #expect(none.status == .unprocessableContent && none.body.contains("hearing"))
            _ = try await browser.get("/lang/en")
            let english = try await browser.get("/requests")
            #expect(english.body.contains("Residents' requests") || english.body.contains("Residents&#39; requests"))
            #expect(english.body.contains("share reached"))
        }
    }

    @Test("the API opens, signs and lists requests; the convened step is the committee's")
    func api() async throws {
        let garden = try pages.garden(households: 10)
        try await garden.harness.test { browser in
            _ = try await pages.signIn(browser, garden.cards[0])
            _ = try await browser.get("/requests")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let created = try await browser.send("/api/v1/requests", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"body":"residentsMeeting","basis":"households","title":"年度居民会议","reason":"请召开居民会议。"}"#))
            #expect(created.status == .created)
            let request = try pages.json(created)
            let id = try #require(request["id"] as? Int)
            #expect(request["signatures"] as? Int == 1 && request["status"] as? String == "collecting" && request["share"] as? String == "1/5")
            let twice = try await browser.send("/api/v1/requests/\(id)/signatures", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(twice.status == .conflict)
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/requests").body.utf8)) as? [[String: Any]])
            #expect(listed.first?["title"] as? String == "年度居民会议")
            #expect(try await browser.get("/api/v1/requests/\(id)").status == .ok)
            #expect(try await browser.get("/api/v1/requests/999").status == .notFound)
            let convened = try await browser.send("/api/v1/requests/\(id)/convened", method: .post, headers: headers, body: ByteBuffer(string: #"{"meeting":1}"#))
            #expect(convened.status == .unauthorized)
        }
    }
}
