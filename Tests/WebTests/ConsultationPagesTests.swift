import Community
import Councils
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Web

/// Consultations on the web and in the API (L25).
@Suite("consultation pages")
struct ConsultationPagesTests {
    let pages = CouncilPagesTests()

    @Test("the committee plans a consultation, names outside participants with their roles, records the outcome and how it was carried out; all public, in both languages")
    func flow() async throws {
        let garden = try pages.garden(households: 10)
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            _ = try await browser.get("/consultations")
            let bad = try await browser.post("/consultations", form: [("form", "openForum"), ("title", "停车恳谈会"), ("matter", "停车"), ("date", "2001-01-01"), ("venue", "会议室")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("date"))
            let planned = try await browser.post("/consultations", form: [("form", "openForum"), ("title", "停车恳谈会"), ("matter", "夜间停车与消防通道"),
                                                                          ("date", CivilDate.today().description), ("venue", "会议室")])
            #expect(planned.status == .seeOther)
            let path = try #require(planned.headers[.location])
            _ = try await browser.get(path)
            let noOrg = try await browser.post("\(path)/participants", form: [("name", "孙立"), ("organisation", ""), ("role", "propertyCompany")])
            #expect(noOrg.status == .unprocessableContent && noOrg.body.contains("organisation"))
            #expect(try await browser.post("\(path)/participants", form: [("name", "孙立"), ("organisation", "安和物业服务有限公司"), ("role", "propertyCompany")]).status == .seeOther)
            let early = try await browser.post("\(path)/feedback", form: [("feedback", "已落实")])
            #expect(early.status == .conflict)
            #expect(try await browser.post("\(path)/outcome", form: [("outcome", "消防通道划线，物业每晚巡查。")]).status == .seeOther)
            #expect(try await browser.post("\(path)/feedback", form: [("feedback", "标线已完成。")]).status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            let page = try await browser.get(path)
            #expect(page.body.contains("物业服务企业") && page.body.contains("安和物业服务有限公司") && page.body.contains("标线已完成。") && !page.body.contains("\(path)/outcome"))
            _ = try await browser.get("/lang/en")
            #expect(try await browser.get(path).body.contains("Property company"))
            let api = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/consultations").body.utf8)) as? [[String: Any]])
            #expect(api.first?["status"] as? String == "fedBack" && (api.first?["participants"] as? [[String: Any]])?.first?["role"] as? String == "propertyCompany")
            #expect(try await browser.get("/consultations/999").status == .notFound)
        }
    }
}
