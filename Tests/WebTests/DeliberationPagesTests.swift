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

/// Issue 21 on the web: presence at self check-in, a household's wrong-state step, the
/// community key on the board and in the API, the computed calendar flagged, postponing.
@Suite("deliberation pages (issue 21)")
struct DeliberationPagesTests {
    let pages = CouncilPagesTests()

    @Test("self check-in needs the code shown at the venue; the attendance page shows it to staff; a household card checks in one person")
    func presenceCode() async throws {
        let garden = try pages.garden()
        let database = garden.database
        let household = try #require(try database.household(number: garden.cards[0].householdNumber, communityID: garden.communityID))
        let eligible = try database.eligibleMembers(householdID: household.id!, on: .today())
        try #require(!eligible.isEmpty)
        let chair = try #require(try database.accounts().first { $0.username == "zhuren" })
        let clerk = try #require(try database.accounts().first { $0.username == "clerk" })
        let meeting = try database.createMeeting(communityID: garden.communityID, NewMeeting(
            kind: .residentsMeeting, basis: .adults, title: "居民会议", date: .today(), time: "19:00", venue: "广场", chairAccountID: chair.id!,
            recorderAccountID: clerk.id!), actor: .commandLine)
        try database.addAgendaItem(meetingID: meeting.id!, title: "年度工作报告", motionNumber: nil, actor: .commandLine)
        _ = try database.publishNotice(meetingID: meeting.id!, lateReason: "演示", actor: .commandLine)
        _ = try database.openMeeting(id: meeting.id!, actor: .commandLine)
        let code = try #require(try database.meeting(id: meeting.id!).presenceCode)
        let path = "/meetings/\(meeting.id!)"
        try await garden.harness.test { browser in
            _ = try await pages.signIn(browser, garden.cards[0])
            let form = try await browser.get("\(path)/check-in")
            #expect(form.body.contains("name=\"presenceCode\"") && !form.body.contains(code))
            let fromHome = try await browser.post("\(path)/check-in", form: [("resident", String(eligible[0].id)), ("presenceCode", "")])
            #expect(fromHome.status == .unprocessableContent && fromHome.body.contains("presenceCode"))
            let done = try await browser.post("\(path)/check-in", form: [("resident", String(eligible[0].id)), ("presenceCode", code)])
            #expect(done.status == .ok && done.body.contains("1 / "))
            if eligible.count > 1 {
                let second = try await browser.post("\(path)/check-in", form: [("resident", String(eligible[1].id)), ("presenceCode", code)])
                #expect(second.status == .unprocessableContent && second.body.contains("one person per card"))
            }
            browser.setCookie("xy_household", nil)
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            let attendance = try await browser.get("\(path)/attendance")
            #expect(attendance.body.contains(code))
        }
        #expect(try database.quorum(meetingID: meeting.id!).present == 1)
    }

    @Test("the committee marks an important item and records the Party organisation's pre-discussion on the meeting page; the public page and the API show it")
    func partyPreDiscussion() async throws {
        let garden = try pages.garden()
        let database = garden.database
        let chair = try #require(try database.accounts().first { $0.username == "zhuren" })
        let clerk = try #require(try database.accounts().first { $0.username == "clerk" })
        let meeting = try database.createMeeting(communityID: garden.communityID, NewMeeting(
            kind: .residentsMeeting, basis: .adults, title: "居民会议", date: CivilDate.today().adding(days: 20), time: "19:00", venue: "广场", chairAccountID: chair.id!,
            recorderAccountID: clerk.id!), actor: .commandLine)
        let path = "/meetings/\(meeting.id!)"
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            _ = try await browser.get(path)
            #expect(try await browser.post("\(path)/items", form: [("title", "停车收费方案"), ("passRule", "majorityOfPresent"), ("important", "yes")]).status == .seeOther)
            let item = try #require(try database.agenda(meetingID: meeting.id!).first)
            #expect(item.important)
            let pending = try await browser.get(path)
            #expect(pending.body.contains("社区党组织会前研究尚未记录"))
            #expect(try await browser.post("\(path)/items/\(item.id!)/party-discussion", form: [("date", CivilDate.today().description), ("summary", "党委研究同意提交表决")]).status == .seeOther)
            _ = try database.publishNotice(meetingID: meeting.id!, actor: .commandLine)
            _ = try await browser.post("/logout", form: [])
            let page = try await browser.get(path)
            #expect(page.status == .ok && page.body.contains("党委研究同意提交表决") && page.body.contains("重要事项"))
            let api = try pages.json(try await browser.get("/api/v1/meetings/\(meeting.id!)"))
            let items = try #require(api["items"] as? [[String: Any]])
            #expect(items.first?["important"] as? Bool == true && items.first?["partyDiscussion"] as? String == "党委研究同意提交表决")
        }
        let recorded = try #require(try database.agenda(meetingID: meeting.id!).first)
        #expect(recorded.partyDiscussion == "党委研究同意提交表决" && recorded.partyDiscussedOn == .today())
    }

    @Test("the committee publishes the yearly work report from the board; it is public with its signed document")
    func workReport() async throws {
        let garden = try pages.garden()
        let year = CivilDate.today().year
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            let board = try await browser.get("/board")
            #expect(board.body.contains("/board/work-reports"))
            let empty = try await browser.post("/board/work-reports", form: [("year", String(year)), ("title", ""), ("text", "x")])
            #expect(empty.status == .unprocessableContent && empty.body.contains("title"))
            #expect(try await browser.post("/board/work-reports", form: [("year", String(year)), ("title", "居委会年度工作报告"), ("text", "今年办结议题十二件。")]).status == .seeOther)
            _ = try await browser.post("/logout", form: [])
            let page = try await browser.get("/board/work-reports/\(year)")
            #expect(page.status == .ok && page.body.contains("今年办结议题十二件。"))
            #expect(try await browser.get("/board").body.contains("居委会年度工作报告"))
            let document = try await browser.get("/board/work-reports/\(year)/report.json")
            let signature = try await browser.client.execute(uri: "/board/work-reports/\(year)/report.sig", method: .get, headers: [:], body: nil)
            try garden.key.publicKey.verify(signature: Data(signature.body.readableBytesView), for: Data(document.body.utf8))
            #expect(try await browser.get("/board/work-reports/1999").status == .notFound)
        }
    }

    @Test("a household taking a step the state does not allow gets 409 with the state's name, not 401; another household gets 403")
    func wrongStateStep() async throws {
        let garden = try pages.garden()
        let database = garden.database
        let card = garden.cards[0]
        let identity = try database.residentIdentity(household: HouseholdSession(
            householdID: try database.household(number: card.householdNumber, communityID: garden.communityID)!.id!, householdNumber: card.householdNumber, expiresAt: .distantFuture))
        let (motion, _) = try database.submitMotion(communityID: garden.communityID, NewMotion(title: "路灯不亮", description: "x", category: "safety"),
                                                    by: .resident(identity), signingKey: garden.key)
        try await garden.harness.test { browser in
            _ = try await pages.signIn(browser, card)
            _ = try await browser.get("/motions/\(motion.number)")
            let wrong = try await browser.post("/motions/\(motion.number)/transition", form: [("action", "archive")])
            #expect(wrong.status == .conflict && wrong.body.contains("已提交") && !wrong.body.contains("请先登录"))
            browser.setCookie("xy_household", nil)
            _ = try await pages.signIn(browser, garden.cards[1])
            _ = try await browser.get("/motions/\(motion.number)")
            #expect(try await browser.post("/motions/\(motion.number)/transition", form: [("action", "withdraw")]).status == .forbidden)
        }
    }

    @Test("the community key: on the board with its fingerprint, as PEM, in the API; receipts and the calendar say when days are only computed")
    func communityKeyAndCalendar() async throws {
        let garden = try pages.garden()
        let fingerprint = SHA256.hash(garden.key.publicKey.rawRepresentation).hex
        try await garden.harness.test { browser in
            let board = try await browser.get("/board")
            #expect(board.body.contains(fingerprint) && board.body.contains("/community-key.pem"))
            let pem = try await browser.get("/community-key.pem")
            let published = try Ed25519PublicKey(pem: pem.body)
            #expect(pem.status == .ok && published == garden.key.publicKey)
            let api = try pages.json(try await browser.get("/api/v1/community/key"))
            let keys = try #require(api["keys"] as? [[String: Any]])
            #expect(api["current"] as? String == garden.key.keyID && keys.first?["fingerprint"] as? String == fingerprint)
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            // The desk reminds of the year's residents' meetings (meetingsPerYear).
            let desk = try await browser.get("/council")
            #expect(desk.body.contains("居民会议召开情况") && desk.body.contains("少于规定次数"))
            let dashboard = try pages.json(try await browser.get("/api/v1/council/dashboard"))
            #expect((dashboard["meetingsPerYear"] as? [String: Any])?["required"] as? Int == 2)
            let computed = try await browser.get("/council/calendar?year=2027")
            #expect(computed.body.contains("按《全国年节及纪念日放假办法》") && computed.body.contains("2027-02-09") && computed.body.contains("按条例推算"))
            #expect(!(try await browser.get("/council/calendar?year=2026")).body.contains("按条例推算"))
            _ = try await browser.get("/council/calendar?year=2027")
            #expect(try await browser.post("/council/calendar/confirm", form: [("year", "2027"), ("source", "国办发明电〔2026〕7号")]).status == .seeOther)
            #expect(!(try await browser.get("/council/calendar?year=2027")).body.contains("国务院放假安排尚未公布"))
        }
    }
}
