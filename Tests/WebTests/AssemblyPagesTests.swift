import Community
import Councils
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

/// The representatives' meeting per term on the web and in the API (L25).
@Suite("representatives' meeting pages")
struct AssemblyPagesTests {
    let pages = CouncilPagesTests()

    /// ID numbers of eligible household heads of the garden, in order.
    func eligibleHeads(_ garden: CouncilPagesTests.Garden, _ count: Int) throws -> [(id: Int64, idNumber: String, household: String)] {
        try garden.database.reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT resident.id, resident.idNumber, household.number FROM resident JOIN household ON household.id = resident.householdID
                WHERE resident.relationToHead = '户主' AND resident.livesHere AND resident.politicalRights = 'held' AND resident.birthDate <= ?
                ORDER BY resident.id LIMIT ?
                """, arguments: [CouncilEligibility.adultBornBy(.today()).description, count]).map { ($0["id"], $0["idNumber"], $0["number"]) }
        }
    }

    @Test("the committee opens a term, adds representatives by residents' group with their households and a committee member; the page shows four fifths; errors name the field, in Chinese and English")
    func page() async throws {
        let garden = try pages.garden()
        let heads = try eligibleHeads(garden, 5)
        try #require(heads.count == 5)
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            let empty = try await browser.get("/council/assembly")
            #expect(empty.status == .ok && empty.body.contains("尚未设立居民代表会议届期"))
            #expect(try await browser.get("/council").body.contains("/council/assembly"))
            let bad = try await browser.post("/council/assembly/terms", form: [("startsOn", "2026-01-01"), ("endsOn", "2032-01-01")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("endsOn"))
            #expect(try await browser.post("/council/assembly/terms", form: [("startsOn", CivilDate.today().adding(days: -10).description), ("endsOn", "")]).status == .seeOther)
            let term = try #require(try garden.database.assemblyTerms(communityID: garden.communityID).first)
            let path = "/council/assembly/terms/\(term.id)/members"
            let early = try await browser.post(path, form: [("seat", "committeeMember"), ("idNumber", heads[4].idNumber), ("since", "")])
            #expect(early.status == .unprocessableContent && early.body.contains("four fifths"))
            let noGroup = try await browser.post(path, form: [("seat", "representative"), ("idNumber", heads[0].idNumber), ("group", ""), ("households", heads[0].household)])
            #expect(noGroup.status == .unprocessableContent && noGroup.body.contains("group"))
            for (index, head) in heads.prefix(4).enumerated() {
                let added = try await browser.post(path, form: [("seat", "representative"), ("idNumber", head.idNumber), ("group", "第\(index < 2 ? "一" : "二")居民小组"),
                                                                ("households", index == 0 ? "\(head.household), H00030" : head.household),
                                                                ("since", CivilDate.today().adding(days: -5).description)])
                #expect(added.status == .seeOther)
            }
            #expect(try await browser.post(path, form: [("seat", "committeeMember"), ("idNumber", heads[4].idNumber), ("since", "")]).status == .seeOther)
            let page = try await browser.get("/council/assembly")
            #expect(page.body.contains("第二居民小组") && page.body.contains("\(heads[0].household)、H00030") && page.body.contains("符合法定组成"))
            _ = try await browser.get("/lang/en")
            let english = try await browser.get("/council/assembly")
            #expect(english.body.contains("lawfully constituted"))
            let member = try #require(try garden.database.assemblyMembers(termID: term.id).first { $0.residentID == heads[1].id })
            #expect(try await browser.post("/council/assembly/members/\(member.id)/end", form: [("until", CivilDate.today().description)]).status == .seeOther)
            #expect(try await browser.get("/council/assembly").body.contains("Representatives are fewer than four fifths"))
        }
    }

    @Test("the API lists terms with their composition and adds members; the committee only writes")
    func api() async throws {
        let garden = try pages.garden()
        let heads = try eligibleHeads(garden, 2)
        try await garden.harness.test { browser in
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            _ = try await browser.get("/council/assembly")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let created = try await browser.send("/api/v1/assembly/terms", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"startsOn":"\#(CivilDate.today().adding(days: -1))"}"#))
            #expect(created.status == .created)
            let term = try pages.json(created)
            let id = try #require(term["id"] as? Int)
            #expect(term["endsOn"] as? String == CivilDate.today().adding(days: -1).adding(months: 60).description)
            let bad = try await browser.send("/api/v1/assembly/terms/\(id)/members", method: .post, headers: headers,
                                             body: ByteBuffer(string: #"{"seat":"representative","idNumber":"\#(heads[0].idNumber)","group":"第一居民小组","households":[]}"#))
            let problem = try pages.json(bad)
            #expect(bad.status == .unprocessableContent && problem["field"] as? String == "households")
            let added = try await browser.send("/api/v1/assembly/terms/\(id)/members", method: .post, headers: headers,
                                               body: ByteBuffer(string: #"{"seat":"representative","idNumber":"\#(heads[0].idNumber)","group":"第一居民小组","households":["\#(heads[0].household)"]}"#))
            #expect(added.status == .created)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/assembly").body.utf8)) as? [[String: Any]])
            let composition = try #require(list.first?["composition"] as? [String: Any])
            #expect(composition["representatives"] as? Int == 1 && composition["committeeMembers"] as? Int == 0)
            let members = try #require(list.first?["members"] as? [[String: Any]])
            #expect(members.first?["group"] as? String == "第一居民小组" && members.first?["households"] as? [String] == [heads[0].household])
        }
    }
}
