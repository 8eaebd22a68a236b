import Community
import Councils
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// The supervisory committee on the web and in the API (L25).
@Suite("supervisory committee pages")
struct SupervisionPagesTests {
    let pages = CouncilPagesTests()

    @Test("the committee records members chosen by a held meeting (a committee member refused, naming why); staff record opinions; the page and the API are public")
    func flow() async throws {
        let garden = try pages.garden()
        let database = garden.database, communityID = garden.communityID
        let heads = try await database.reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT resident.id, resident.idNumber FROM resident WHERE relationToHead = '户主' AND livesHere AND politicalRights = 'held' AND birthDate <= ?
                ORDER BY id LIMIT 7
                """, arguments: [CouncilEligibility.adultBornBy(.today()).description]).map { (id: $0["id"] as Int64, idNumber: $0["idNumber"] as String) }
        }
        try #require(heads.count == 7)
        let start = CivilDate.today().adding(days: -30)
        let term = try database.createAssemblyTerm(communityID: communityID, startsOn: start, actor: .commandLine)
        for head in heads.prefix(4) {
            let number = try await database.reader.read { db in try String.fetchOne(db, sql: "SELECT household.number FROM resident JOIN household ON household.id = resident.householdID WHERE resident.id = ?", arguments: [head.id])! }
            try database.addAssemblyRepresentative(termID: term.id, residentID: head.id, group: "第一居民小组", households: [number], since: start, actor: .commandLine)
        }
        try database.addAssemblyCommitteeMember(termID: term.id, residentID: heads[4].id, since: start, actor: .commandLine)
        let chair = try #require(try database.accounts().first { $0.username == "zhuren" })
        let meeting = try database.createMeeting(communityID: communityID, NewMeeting(
            kind: .residentsMeeting, basis: .households, title: "居民会议（推选居务监督委员会）", date: .today(), time: "09:00", venue: "广场",
            chairAccountID: chair.id!, recorderAccountID: try database.createAccount(NewAccount(communityID: communityID, username: "jilu2", displayName: "记录",
                                                                                             password: CouncilPagesTests.password, roles: [.clerk]), actor: .commandLine).id!),
            actor: .commandLine)
        try database.addAgendaItem(meetingID: meeting.id!, title: "推选居务监督委员会", motionNumber: nil, actor: .commandLine)
        _ = try database.publishNotice(meetingID: meeting.id!, lateReason: "测试", actor: .commandLine)
        _ = try database.openMeeting(id: meeting.id!, actor: .commandLine)
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            let page = try await browser.get("/supervision")
            #expect(page.status == .ok && page.body.contains("居务监督委员会") && page.body.contains("/supervision/members"))
            let barred = try await browser.post("/supervision/members", form: [("idNumber", heads[4].idNumber), ("post", "chair"), ("meeting", String(meeting.id!))])
            #expect(barred.status == .conflict && barred.body.contains("may not sit on the supervisory committee"))
            let unknown = try await browser.post("/supervision/members", form: [("idNumber", "110101190001010000"), ("post", "chair"), ("meeting", String(meeting.id!))])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("idNumber"))
            #expect(try await browser.post("/supervision/members", form: [("idNumber", heads[5].idNumber), ("post", "chair"), ("meeting", String(meeting.id!))]).status == .seeOther)
            let member = try #require(try database.supervisoryMembers(communityID: communityID).first)
            let empty = try await browser.post("/supervision/opinions", form: [("member", String(member.id)), ("subject", "accounts"), ("text", "")])
            #expect(empty.status == .unprocessableContent && empty.body.contains("text"))
            #expect(try await browser.post("/supervision/opinions", form: [("member", String(member.id)), ("subject", "accounts"), ("concerns", "2026年维修基金"),
                                                                         ("text", "账目与凭证相符。"), ("meeting", String(meeting.id!))]).status == .seeOther)
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let created = try await browser.send("/api/v1/supervision/opinions", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"member":\#(member.id),"subject":"disclosure","text":"公开栏按月更新。"}"#))
            #expect(created.status == .created)
            _ = try await browser.post("/logout", form: [])
            let public_ = try await browser.get("/supervision")
            #expect(public_.body.contains("账目与凭证相符。") && public_.body.contains("公开栏按月更新。") && !public_.body.contains("/supervision/opinions"))
            let api = try pages.json(try await browser.get("/api/v1/supervision"))
            #expect((api["members"] as? [[String: Any]])?.first?["post"] as? String == "chair" && (api["opinions"] as? [Any])?.count == 2)
            _ = try await browser.get("/lang/en")
            #expect(try await browser.get("/supervision").body.contains("supervisory committee"))
            #expect(try await browser.get("/board").body.contains("/supervision"))
        }
    }
}
