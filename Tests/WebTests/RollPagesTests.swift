import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

let sampleCSV = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/samples/residents.csv")

@Suite("residents and roll pages")
struct RollPagesTests {
    @Test("a clerk uploads the sample CSV through the form and sees the residents; a bad file imports nothing")
    func uploadImport() async throws {
        let harness = try WebHarness()
        let file = try Data(contentsOf: sampleCSV)
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            let form = try await browser.get("/residents/import")
            let token = try #require(Browser.hiddenCSRF(in: form.body))
            // Without the token inside the multipart body: refused.
            let forged = try await browser.upload("/residents/import", fields: [], fileField: "file", fileName: "r.csv", file: file)
            #expect(forged.status == .forbidden)
            let bad = Data(String(decoding: file, as: UTF8.self).replacingOccurrences(of: "110101196503120210", with: "110101196503120211").utf8)
            let refused = try await browser.upload("/residents/import", fields: [("_csrf", token)], fileField: "file", fileName: "bad.csv", file: bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("未导入任何数据"))
            #expect(refused.body.contains("<td>2</td><td>公民身份号码</td>"))
            #expect(try harness.database.peopleCounts(communityID: harness.community.id!).residents == 0)
            let done = try await browser.upload("/residents/import", fields: [("_csrf", token)], fileField: "file", fileName: "residents.csv", file: file)
            #expect(done.status == .ok)
            #expect(done.body.contains("导入成功"))
            #expect(!done.body.contains("未导入任何数据"))   // a successful import shows no failure line (Mustache's 0 is true)
            let list = try await browser.get("/residents?q=" + "王".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(list.body.contains("王建国") && list.body.contains("王𠮷"))
            #expect(!list.body.contains("110101196503120210"))
            #expect(list.body.contains("110101********0210"))
        }
    }

    @Test("the import API takes the CSV as the body and answers with the report; residents' pages need a staff role")
    func importAPI() async throws {
        let harness = try WebHarness()
        try await harness.test { browser in
            let anonymous = try await browser.get("/residents")
            #expect(anonymous.status == .seeOther)
            try await browser.login("clerk", WebHarness.clerkPassword)
            let home = try await browser.get("/")
            let token = try #require(Browser.hiddenCSRF(in: home.body))
            let dry = try await browser.send("/api/v1/residents/import?dryRun=true", method: .post,
                                             headers: [.contentType: "text/csv", HTTPField.Name("X-CSRF-Token")!: token],
                                             body: ByteBuffer(bytes: try Data(contentsOf: sampleCSV)))
            #expect(dry.status == .ok)
            let report = try JSONSerialization.jsonObject(with: Data(dry.body.utf8)) as? [String: Any]
            #expect(report?["rows"] as? Int == 6 && report?["applied"] as? Bool == false && report?["dryRun"] as? Bool == true)
            let missingToken = try await browser.send("/api/v1/residents/import", method: .post, headers: [.contentType: "text/csv"],
                                                      body: ByteBuffer(bytes: try Data(contentsOf: sampleCSV)))
            #expect(missingToken.status == .forbidden)
        }
    }

    @Test("a clerk corrects a resident; the audit log names the changed field")
    func correctResident() async throws {
        let harness = try WebHarness()
        let resident = try harness.database.addResident(Resident(communityID: harness.community.id!, name: "张三", gender: .male,
                                                                 idNumber: try ResidentIDNumber("440524188001010014")), actor: .commandLine)
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/residents/\(resident.id!)")
            #expect(page.body.contains("440524188001010014"))
            let saved = try await browser.post("/residents/\(resident.id!)", form: [("_csrf", Browser.hiddenCSRF(in: page.body)!), ("name", "张叁"), ("ethnicity", "汉族"),
                                                                                    ("hukouHere", "yes"), ("livesHere", "no"), ("livingSince", "2001-02-03")], csrf: false)
            #expect(saved.status == .seeOther)
            let stored = try harness.database.resident(id: resident.id!, communityID: harness.community.id!)
            #expect(stored.name == "张叁" && !stored.livesHere && stored.livingSince == CivilDate(year: 2001, month: 2, day: 3))
            #expect(try harness.database.recentAuditEntries(limit: 1).first?.details.contains("livesHere") == true)
            let bad = try await browser.post("/residents/\(resident.id!)", form: [("_csrf", Browser.hiddenCSRF(in: page.body)!), ("name", ""), ("livingSince", "2001-02-30")], csrf: false)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("居住起始日期"))
        }
    }

    /// A harness with the demo community and its published election.
    func demoHarness() throws -> (WebHarness, Election) {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 40)
        let election = try DemoElection.seed(into: harness.database, communityID: harness.community.id!, keyStore: harness.keyStore).election
        return (harness, election)
    }

    @Test("the public roll is masked and grouped by building; the public lookup finds one's own entry")
    func publicRoll() async throws {
        let (harness, election) = try demoHarness()
        let someone = try #require(try await harness.database.reader.read { db in
            try Resident.fetchOne(db, sql: "SELECT resident.* FROM resident JOIN rollEntry ON rollEntry.residentID = resident.id WHERE rollEntry.number = 1")
        })
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(election.id!)/roll")
            #expect(page.status == .ok)
            #expect(page.body.contains(someone.name))
            #expect(page.body.contains(someone.idNumber.masked))
            #expect(!page.body.contains(someone.idNumber.value))
            if let phone = someone.phone { #expect(!page.body.contains(phone)) }
            #expect(page.body.contains("<h3>1号楼 1单元</h3>"))
            #expect(page.body.contains("<td>\(someone.gender.chinese)</td>"))
            let english = try await browser.get("/elections/\(election.id!)/roll", headers: [.acceptLanguage: "en"])
            #expect(english.body.contains("<td>\(someone.gender == .male ? "M" : "F")</td>"))
            let last4 = String(someone.idNumber.value.suffix(4))
            let found = try await browser.get("/elections/\(election.id!)/roll/lookup?name=\(someone.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&last4=\(last4)")
            #expect(found.body.contains("您在选民名单上"))
            let api = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(election.id!)/roll").body.utf8)) as? [String: Any]
            let entries = try #require(api?["entries"] as? [[String: Any]])
            #expect(entries.count == (try harness.database.rollLines(electionID: election.id!).count))
            #expect(!String(describing: entries).contains(someone.idNumber.value))
            // The roll as a file is for staff only (issue 22 #12); the page offers it only to them.
            #expect(!page.body.contains("roll.csv"))
            #expect(try await browser.get("/elections/\(election.id!)/roll.csv").status == .seeOther)
            try await browser.login("clerk", WebHarness.clerkPassword)
            #expect(try await browser.get("/elections/\(election.id!)/roll").body.contains("roll.csv"))
            let csv = try await browser.get("/elections/\(election.id!)/roll.csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.body.contains(someone.idNumber.masked) && !csv.body.contains(someone.idNumber.value))
            // Home page links the published roll.
            #expect(try await browser.get("/").body.contains("/elections/\(election.id!)/roll"))
        }
    }

    @Test("a resident files an objection on the public form and gets a receipt that verifies with the election key")
    func objectionReceipt() async throws {
        // The demo's election is held today, its objection period long over: a new election
        // whose roll is published today is open to objections.
        let (harness, _) = try demoHarness()
        let fresh = try harness.database.createElection(communityID: harness.community.id!, title: "补选", method: .direct,
                                                        electionDay: CivilDate.today().adding(days: 30), keyStore: harness.keyStore, actor: .commandLine)
        try harness.database.buildRoll(electionID: fresh.id!, actor: .commandLine)
        let election = try harness.database.publishRoll(electionID: fresh.id!, on: .today(), actor: .commandLine)
        try await harness.test { browser in
            let form = try await browser.get("/elections/\(election.id!)/objections/new")
            let token = try #require(Browser.hiddenCSRF(in: form.body))
            let receiptPage = try await browser.post("/elections/\(election.id!)/objections", form: [
                ("_csrf", token), ("filerName", "李四"), ("kind", "omission"), ("subject", "李四 本人 2号楼"), ("statement", "本人居住满一年，未列入名单"),
            ], csrf: false)
            #expect(receiptPage.status == .created)
            let compact = try #require(receiptPage.body.components(separatedBy: "<pre class=\"wrap\">").dropFirst().first?.prefix { $0 != "<" })
            let receipt = try SignedReceipt(compactText: String(compact))
            let key = try #require(try harness.database.signingKeys(communityID: harness.community.id!, purpose: "election:\(election.id!)").first)
            try receipt.verify(with: try Ed25519PublicKey(pem: key.publicKeyPEM))
            #expect(receipt.statement.what == "objection")
            // Missing statement: the form says which field.
            let bad = try await browser.post("/elections/\(election.id!)/objections", form: [("_csrf", token), ("filerName", "李四"), ("kind", "omission"), ("subject", "x"), ("statement", "")], csrf: false)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("statement"))
            // The JSON API files one too.
            let api = try await browser.send("/api/v1/elections/\(election.id!)/objections", method: .post,
                                             headers: [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: token],
                                             body: ByteBuffer(string: #"{"filerName":"王五","kind":"wrongDetails","subject":"王五","statement":"姓名有误"}"#))
            #expect(api.status == .created)
            let json = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            #expect(json?["seq"] as? Int == 2)
            #expect((json?["receipt"] as? String)?.hasPrefix("xyr1.") == true)
        }
    }

    @Test("the committee decides an objection on the dashboard; an unpublished roll is not public")
    func committeeFlow() async throws {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 20)
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let list = try await browser.get("/elections")
            let token = try #require(Browser.hiddenCSRF(in: list.body))
            let day = CivilDate.today().adding(days: 40).description
            let created = try await browser.post("/elections", form: [("_csrf", token), ("title", "测试选举"), ("method", "direct"), ("electionDay", day)], csrf: false)
            #expect(created.status == .seeOther)
            let path = try #require(created.headers[.location])
            let id = try #require(Int64(path.split(separator: "/").last!))
            #expect(try await browser.get("/elections/\(id)/roll").status == .notFound)
            let built = try await browser.post("\(path)/roll/build", form: [("_csrf", token)], csrf: false)
            #expect(built.status == .ok)
            #expect(built.body.contains("选民名单已生成"))
            let published = try await browser.post("\(path)/roll/publish", form: [("_csrf", token)], csrf: false)
            #expect(published.body.contains("选民名单已于\(CivilDate.today())公布") && !published.body.contains("Roll published"))
            #expect(try await browser.get("/elections/\(id)/roll").status == .ok)
            // Voter cards are the election committee's alone: the administrator is refused.
            let byAdmin = try await browser.post("\(path)/cards", form: [("_csrf", token)], csrf: false)
            #expect(byAdmin.status == .forbidden && !byAdmin.body.contains("voter-card"))
            try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "weiyuan", displayName: "委员",
                                                          password: "committee-pass-12", roles: [.committee]), actor: .commandLine)
            _ = try await browser.post("/logout", form: [])
            try await browser.login("weiyuan", "committee-pass-12")
            // Printed once with codes, none the second time.
            _ = try await browser.get(path)
            let cards = try await browser.post("\(path)/cards", form: [])
            #expect(cards.body.contains("voter-card"))
            let codes = cards.body.components(separatedBy: "<dd><code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
            #expect(!codes.isEmpty)
            #expect(try harness.database.verifyAccessCode(electionID: id, number: 1, code: codes[0]))
            let again = try await browser.post("\(path)/cards", form: [])
            #expect(!again.body.contains("<section class=\"voter-card\">"))
            let audit = try await harness.database.reader.read { db in try String.fetchOne(db, sql: "SELECT details FROM auditEntry WHERE action = 'roll.cards' ORDER BY seq LIMIT 1") }
            #expect(audit?.contains("\"numbers\":\"1-\(codes.count)\"") == true, "the audit entry names the roll numbers: \(audit ?? "")")
        }
    }

    @Test("representative method from the dashboard: create a residents' group, name its representatives, build the roll")
    func groupsFromDashboard() async throws {
        let harness = try WebHarness()
        let ids = ["440524188001010014", "11010519491231002X", "110101196503120210"]
        let names = ["甲", "乙", "丙"]
        for (index, id) in ids.enumerated() {
            let number = try ResidentIDNumber(id)
            let household = try harness.database.addHousehold(communityID: harness.community.id!, number: "H\(index)", building: "1号楼", unit: "1单元",
                                                              room: "10\(index)", basis: .hukou, hukouAddress: nil, actor: .commandLine)
            try harness.database.addResident(Resident(communityID: harness.community.id!, name: names[index], gender: number.gender, idNumber: number,
                                                      householdID: household.id, relationToHead: "户主", residenceAddressID: household.addressID), actor: .commandLine)
        }
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let token = try #require(Browser.hiddenCSRF(in: try await browser.get("/elections").body))
            let created = try await browser.post("/elections", form: [("_csrf", token), ("title", "代表选举"), ("method", "representative"),
                                                                      ("electionDay", CivilDate.today().adding(days: 40).description)], csrf: false)
            let path = try #require(created.headers[.location])
            _ = try await browser.post("\(path)/groups", form: [("_csrf", token), ("name", "第一居民小组")], csrf: false)
            let tooFew = try await browser.post("\(path)/groups/representatives", form: [("_csrf", token), ("group", "第一居民小组"), ("idNumbers", ids[0])], csrf: false)
            #expect(tooFew.status == .unprocessableContent)
            let set = try await browser.post("\(path)/groups/representatives", form: [("_csrf", token), ("group", "第一居民小组"), ("idNumbers", "\(ids[0]), \(ids[2])")], csrf: false)
            #expect(set.status == .ok)
            #expect(set.body.contains("第一居民小组: 甲、丙"))
            let built = try await browser.post("\(path)/roll/build", form: [("_csrf", token)], csrf: false)
            #expect(built.body.contains("Roll built: 2"))
        }
    }

    @Test("a clerk moves a household to another address; its members move with it")
    func correctHousehold() async throws {
        let harness = try WebHarness()
        let household = try harness.database.addHousehold(communityID: harness.community.id!, number: "H7", building: "1号楼", unit: "1单元", room: "101",
                                                          basis: .hukou, hukouAddress: nil, actor: .commandLine)
        let id = try ResidentIDNumber("440524188001010014")
        let resident = try harness.database.addResident(Resident(communityID: harness.community.id!, name: "张三", gender: .male, idNumber: id,
                                                                 householdID: household.id, relationToHead: "户主", residenceAddressID: household.addressID), actor: .commandLine)
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            let form = try await browser.get("/households/\(household.id!)")
            #expect(form.body.contains("value=\"101\""))
            let token = try #require(Browser.hiddenCSRF(in: form.body))
            let saved = try await browser.post("/households/\(household.id!)", form: [("_csrf", token), ("building", "2号楼"), ("unit", "3单元"), ("room", "502"), ("basis", "residence")], csrf: false)
            #expect(saved.status == .seeOther)
            let (updated, address) = try harness.database.household(id: household.id!, communityID: harness.community.id!)
            #expect(updated.basis == .residence && address?.display == "2号楼 3单元 502")
            #expect(try harness.database.resident(id: resident.id!, communityID: harness.community.id!).residenceAddressID == address?.id)
            let refused = try await browser.post("/households/\(household.id!)", form: [("_csrf", token), ("building", " "), ("room", "")], csrf: false)
            #expect(refused.status == .unprocessableContent)
        }
    }
}
