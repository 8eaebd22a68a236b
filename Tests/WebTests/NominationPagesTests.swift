import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

@Suite("election setup pages: rules, timeline, committee, nominations, candidate list, ballot paper")
struct NominationPagesTests {
    /// The demo community (150 households) with its election set up to a published candidate list.
    func demo() throws -> (WebHarness, Election) {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 150)
        let result = try DemoElection.seed(into: harness.database, communityID: harness.community.id!, keyStore: harness.keyStore)
        #expect(result.candidates > 0)
        return (harness, result.election)
    }

    @Test("the public candidate list and ballot paper match the database; the API serves the same list and paper with its digest")
    func publicPages() async throws {
        let (harness, election) = try demo()
        let id = election.id!
        let lines = try harness.database.candidateList(electionID: id)
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(id)/candidates")
            #expect(page.status == .ok)
            for line in lines { #expect(page.body.contains("<td>\(line.name)")) }
            #expect(page.body.contains("按姓氏笔画排列"))
            let english = try await browser.get("/elections/\(id)/candidates", headers: [.acceptLanguage: "en"])
            #expect(english.body.contains("Candidate list") && english.body.contains("Deputy director"))
            let ballot = try await browser.get("/elections/\(id)/ballot")
            #expect(ballot.status == .ok && ballot.body.contains("另选他人") && ballot.body.contains("选举委员会（盖章）"))
            let api = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/candidates").body.utf8)) as? [String: Any]
            let candidates = try #require(api?["candidates"] as? [[String: Any]])
            #expect(candidates.map { $0["name"] as? String } == lines.map(\.name))
            let papers = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/ballot-paper").body.utf8)) as? [[String: Any]])
            let digest = try #require(papers.first?["digest"] as? String)
            #expect(ballot.body.contains(digest))
            let paper = BallotPaper.mainRound(election: try harness.database.election(id: id), communityName: harness.community.name, candidates: lines)[0]
            #expect(digest == (try paper.digest()))
            // The frozen rule set is public, with its digest.
            let rules = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/rules").body.utf8)) as? [String: Any]
            #expect(rules?["digest"] as? String == election.rulesDigest && rules?["frozen"] as? Bool == true)
            let home = try await browser.get("/")
            #expect(home.body.contains("/elections/\(id)/candidates"))
            #expect(!home.body.contains("/elections/\(id)/vote"), "no round is open: nothing to vote in")
            // The timeline and the committee's pages are not public.
            let timeline = try await browser.get("/api/v1/elections/\(id)/timeline")
            #expect(timeline.status == .unauthorized)
            let nominations = try await browser.get("/elections/\(id)/nominations")
            #expect(nominations.status == .seeOther)
        }
    }

    @Test("before publication the candidate list, ballot and their API are not there")
    func notYet() async throws {
        let harness = try WebHarness()
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "第十二届", method: .direct,
                                                           electionDay: CivilDate.today().adding(days: 40), keyStore: harness.keyStore, actor: .commandLine)
        try await harness.test { browser in
            for path in ["/elections/\(election.id!)/candidates", "/elections/\(election.id!)/ballot", "/api/v1/elections/\(election.id!)/candidates",
                         "/api/v1/elections/\(election.id!)/ballot-paper"] {
                let response = try await browser.get(path)
                #expect(response.status == .notFound, "\(path)")
            }
            // Unfrozen rules are for staff only.
            let rules = try await browser.get("/api/v1/elections/\(election.id!)/rules")
            #expect(rules.status == .unauthorized)
        }
    }

    @Test("the committee edits the rules until the roll is published; a bad value is refused with its field; the dashboard shows the timeline")
    func rules() async throws {
        let harness = try WebHarness()
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "xwh", displayName: "选委会", password: "committee-pass-1",
                                                      roles: [.committee]), actor: .commandLine)
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "第十二届", method: .direct,
                                                           electionDay: CivilDate.today().adding(days: 40), keyStore: harness.keyStore, actor: .commandLine)
        let id = election.id!
        try await harness.test { browser in
            try await browser.login("xwh", "committee-pass-1")
            let page = try await browser.get("/elections/\(id)/rules")
            #expect(page.status == .ok && page.body.contains("name=\"memberMarginMax\" value=\"3\""))
            let bad = try await browser.post("/elections/\(id)/rules", form: [("memberSeats", "8")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("memberSeats"))
            #expect(try harness.database.election(id: id).rules.memberSeats == 2)
            let good = try await browser.post("/elections/\(id)/rules", form: [("memberSeats", "4"), ("turnout", "≥2/3"), ("allowSelfNomination", "true")])
            #expect(good.status == .ok)
            let rules = try harness.database.election(id: id).rules
            #expect(rules.memberSeats == 4 && rules.turnout == Threshold(.atLeast, 2, 3) && rules.allowSelfNomination && !rules.allowUncontested)
            #expect(rules.allowJointNomination && rules.allowHouseholdNomination)   // flags the form did not send stay as they were
            let unticked = try await browser.post("/elections/\(id)/rules", form: [("allowSelfNomination", "false")])
            let selfAllowed = try harness.database.election(id: id).rules.allowSelfNomination
            #expect(unticked.status == .ok && !selfAllowed)
            let dashboard = try await browser.get("/elections/\(id)")
            #expect(dashboard.body.contains("选举日程") && dashboard.body.contains("发布选举公告"))
            let expectedAnnouncement = election.electionDay.adding(days: -30).description
            #expect(dashboard.body.contains("<td>发布选举公告</td><td>\(expectedAnnouncement)</td>"))
            let announced = try await browser.post("/elections/\(id)/announce", form: [])
            let announcedOn = try harness.database.election(id: id).announcedOn
            #expect(announced.status == .ok && announcedOn == CivilDate.today())
        }
    }

    @Test("nominations through the committee's page: members, a nomination with its signed receipt, acceptance, publication refused with reasons; the API takes JSON")
    func nominationFlow() async throws {
        let harness = try WebHarness()
        let community = harness.community.id!
        let residents = try Self.households(24, in: harness)
        let chair = residents[23].idNumber.value, other = residents[22].idNumber.value
        let election = try harness.database.createElection(communityID: community, title: "第十二届", method: .direct,
                                                           electionDay: CivilDate.today().adding(days: 40), keyStore: harness.keyStore, actor: .commandLine)
        let id = election.id!
        try harness.database.buildRoll(electionID: id, actor: .commandLine)
        try harness.database.publishRoll(electionID: id, on: .today(), actor: .commandLine)
        try harness.database.createAccount(NewAccount(communityID: community, username: "xwh", displayName: "选委会", password: "committee-pass-1",
                                                      roles: [.committee]), actor: .commandLine)
        try await harness.test { browser in
            try await browser.login("xwh", "committee-pass-1")
            let page = try await browser.get("/elections/\(id)/nominations")
            #expect(page.status == .ok && page.body.contains("登记提名"))
            let added = try await browser.post("/elections/\(id)/committee", form: [("username", "xwh"), ("idNumber", chair), ("role.chair", "yes")])
            #expect(added.status == .ok && added.body.contains("已增加选举委员会成员") && !added.body.contains("Committee member added"))
            let noRole = try await browser.post("/elections/\(id)/committee", form: [("username", "xwh"), ("idNumber", other)])
            #expect(noRole.status == .unprocessableContent && noRole.body.contains("roles"))
            // A nomination by ten voters, entered by roll numbers with a range.
            let filed = try await browser.post("/elections/\(id)/nominations", form: [("post", "director"), ("kind", "joint"), ("nominee", "1"), ("nominators", "3-12")])
            #expect(filed.status == .created && filed.body.contains("提名回执") && filed.body.contains("xyr1."))
            let compact = try #require(filed.body.components(separatedBy: "<pre class=\"wrap\">").dropFirst().first?.components(separatedBy: "</pre>").first)
            let receipt = try SignedReceipt(compactText: compact)
            let key = try #require(try harness.database.signingKeys(communityID: community, purpose: "election:\(id)").first)
            try receipt.verify(with: try Ed25519PublicKey(pem: key.publicKeyPEM))
            let short = try await browser.post("/elections/\(id)/nominations", form: [("post", "director"), ("kind", "joint"), ("nominee", "2"), ("nominators", "13 14")])
            #expect(short.status == .unprocessableContent && short.body.contains("at least 10 voters (2 given)"))
            let garbled = try await browser.post("/elections/\(id)/nominations", form: [("post", "director"), ("kind", "joint"), ("nominee", "2"), ("nominators", "13, x")])
            #expect(garbled.status == .unprocessableContent && garbled.body.contains("nominators"))
            // The nominee accepts, with a profile.
            let nominee = try #require(try harness.database.nominees(electionID: id).first)
            let accepted = try await browser.post("/elections/\(id)/nominees/\(nominee.nominee.id!)/respond",
                                                  form: [("decision", "accept"), ("education", "大专"), ("occupation", "社区工作者"), ("statement", "为邻里服务")])
            let status = try harness.database.nominees(electionID: id).first?.nominee.status
            #expect(accepted.status == .ok && status == .accepted)
            // Publication is refused, with each post's reason.
            let refused = try await browser.post("/elections/\(id)/candidates/publish", form: [])
            #expect(refused.status == .unprocessableContent && refused.body.contains("nominations are open until"))
            // The JSON API files a nomination for a staff session with the CSRF header.
            let home = try await browser.get("/")
            let token = try #require(Browser.hiddenCSRF(in: home.body))
            let body = #"{"post":"member","kind":"joint","nominee":2,"nominators":[13,14,15,16,17,18,19,20,21,22]}"#
            let api = try await browser.send("/api/v1/elections/\(id)/nominations", method: .post,
                                             headers: [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: token], body: ByteBuffer(string: body))
            #expect(api.status == .created)
            let json = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            #expect(json?["seq"] as? Int == 2 && (json?["receipt"] as? String)?.hasPrefix("xyr1.") == true)
            let invalid = try await browser.send("/api/v1/elections/\(id)/nominations", method: .post,
                                                 headers: [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: token],
                                                 body: ByteBuffer(string: #"{"post":"member","kind":"joint","nominee":3,"nominators":[23]}"#))
            #expect(invalid.status == .unprocessableContent && invalid.body.contains("\"field\":\"nominators\""))
            let timeline = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/timeline").body.utf8)) as? [[String: Any]]
            #expect(timeline?.first { $0["key"] as? String == "rollPublication" }?["doneOn"] as? String == CivilDate.today().description)
        }
    }

    /// `count` one-person households in 1号楼, rooms 101…
    static func households(_ count: Int, in harness: WebHarness) throws -> [Resident] {
        let community = harness.community.id!
        var residents: [Resident] = []
        for k in 1...count {
            let address = try harness.database.writer.write { db in try AppDatabase.address(db, communityID: community, building: "1号楼", unit: "1单元", room: String(100 + k)) }
            let household = try harness.database.addHousehold(Household(communityID: community, number: "H\(k)", addressID: address.id, basis: .hukou), actor: .commandLine)
            residents.append(try harness.database.addResident(Resident(communityID: community, name: ["王", "李", "张", "黄"][k % 4] + "明\(k)", gender: k % 3 == 0 ? .female : .male,
                                                                      idNumber: try ResidentIDNumber(Self.idNumber(k, female: k % 3 == 0)), householdID: household.id, relationToHead: "户主",
                                                                      residenceAddressID: address.id), actor: .commandLine))
        }
        return residents
    }

    /// Valid ID numbers (GB 11643 check digit computed here).
    static func idNumber(_ serial: Int, female: Bool) -> String {
        let first17 = String(format: "110101197%01d0101%03d", serial % 10, serial * 2 + (female ? 0 : 1))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return first17 + String(Array("10X98765432")[sum % 11])
    }
}
