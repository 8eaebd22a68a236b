import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import Testing
@testable import Web

@Suite("registration categories c and d, rule presets and citations on the web")
struct RegistrationPagesTests {
    /// A community of 20 households, one adult turned into a community worker (hukou and home
    /// elsewhere, working here since 2025), and an election 40 days ahead.
    func setUp() throws -> (harness: WebHarness, election: Election, worker: Resident) {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 20)
        let worker = try harness.database.writer.write { db -> Resident in
            let resident = try #require(try Resident.fetchOne(db, sql: "SELECT * FROM resident WHERE birthDate < '1990-01-01' AND politicalRights = 'held' ORDER BY id LIMIT 1"))
            try db.execute(sql: "UPDATE resident SET hukouHere = 0, livesHere = 0, workingSince = '2025-01-01' WHERE id = ?", arguments: [resident.id])
            return resident
        }
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "测试选举", method: .direct,
                                                           electionDay: CivilDate.today().adding(days: 40), keyStore: harness.keyStore, actor: .commandLine)
        return (harness, election, worker)
    }

    @Test("a community worker's (d) application: filed on the dashboard, awaiting the committee; the administrator may not confirm it (403), an election-committee account does with its reference; then the public roll and its API show the category and the confirmation, in zh and en")
    func workerConfirmedOnTheWeb() async throws {
        let (harness, election, worker) = try setUp()
        let path = "/elections/\(election.id!)"
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "weiyuan", displayName: "委员甲",
                                                      password: "committee-pass-12", roles: [.committee]), actor: .commandLine)
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get(path)
            let filed = try await browser.post("\(path)/applications", form: [("idNumber", worker.idNumber.value), ("category", "d"), ("statement", "yes")])
            #expect(filed.status == .ok)
            #expect(filed.body.contains("待居民选举委员会确认（未确认前不列入选民名单）"))
            let application = try #require(try harness.database.rollApplications(electionID: election.id!).first)
            #expect(application.status == .pending)
            let byAdmin = try await browser.post("\(path)/applications/\(application.id!)/confirm", form: [("reference", "纪要1"), ("decision", "confirm")])
            #expect(byAdmin.status == .forbidden)
            _ = try await browser.post("/logout", form: [])
            try await browser.login("weiyuan", "committee-pass-12")
            let dashboard = try await browser.get(path)
            #expect(dashboard.body.contains("/applications/\(application.id!)/confirm"))
            let missing = try await browser.post("\(path)/applications/\(application.id!)/confirm", form: [("reference", " "), ("decision", "confirm")])
            #expect(missing.status == .unprocessableContent && missing.body.contains("reference"))
            let confirmed = try await browser.post("\(path)/applications/\(application.id!)/confirm", form: [("reference", "选委会纪要〔2026〕1号"), ("decision", "confirm")])
            #expect(confirmed.status == .ok)
            #expect(confirmed.body.contains("居民选举委员会已确认该社区工作者登记为选民"))
            #expect(confirmed.body.contains("选委会纪要〔2026〕1号") && confirmed.body.contains("委员甲 (weiyuan)"))
            _ = try await browser.post("\(path)/roll/build", form: [])
            let published = try await browser.post("\(path)/roll/publish", form: [])
            #expect(published.status == .ok)
            let roll = try await browser.get("\(path)/roll")
            #expect(roll.body.contains("<td>居民选举委员会确认 \(CivilDate.today()) · 选委会纪要〔2026〕1号</td>"))
            #expect(roll.body.contains("(d) 在本社区工作的社区工作者、经居民选举委员会确认: 1"))
            let name = worker.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let lookup = try await browser.get("\(path)/roll/lookup?name=\(name)&last4=\(worker.idNumber.value.suffix(4))")
            #expect(lookup.body.contains("登记类别 d · 登记依据: 居民选举委员会确认"))
            let english = try await browser.get("\(path)/roll", headers: [.acceptLanguage: "en"])
            #expect(english.body.contains("Basis of registration") && english.body.contains("confirmed by the residents&#39; election committee"))
            #expect(!english.body.contains("登记依据"))
            let api = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(election.id!)/roll").body.utf8)) as? [String: Any]
            let entries = try #require(api?["entries"] as? [[String: Any]])
            let line = try #require(entries.first { $0["name"] as? String == worker.name })
            #expect(line["category"] as? String == "d")
            let registration = try #require(line["registration"] as? [String: Any])
            #expect(registration["approval"] as? String == "electionCommittee" && registration["reference"] as? String == "选委会纪要〔2026〕1号")
            #expect(registration["statementNotRegisteredElsewhere"] as? Bool == true)
            #expect(entries.filter { $0["category"] as? String == "a" }.allSatisfy { $0["registration"] == nil })
        }
    }

    @Test("residentApproval = meeting on the web: a (c) application waits, the committee records the residents' meeting's decision with its reference, and the dashboard shows who, when and the reference")
    func meetingDecisionOnTheWeb() async throws {
        let (harness, election, worker) = try setUp()
        try await harness.database.writer.write { db in
            try db.execute(sql: "UPDATE resident SET livesHere = 1, livingSince = '2020-01-01', workingSince = NULL WHERE id = ?", arguments: [worker.id])
        }
        _ = try harness.database.updateRules(electionID: election.id!, ["residentApproval": "meeting"], actor: .commandLine)
        let path = "/elections/\(election.id!)"
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get(path)
            let filed = try await browser.post("\(path)/applications", form: [("idNumber", worker.idNumber.value), ("category", "c"), ("statement", "yes")])
            #expect(filed.body.contains("经居民会议同意后登记"))
            let application = try #require(try harness.database.rollApplications(electionID: election.id!).first)
            #expect(application.status == .pending)
            let decided = try await browser.post("\(path)/applications/\(application.id!)", form: [("decidedBy", "居民会议 2026-10-08"), ("reference", "居民会议纪要3号"), ("decision", "approve")])
            #expect(decided.status == .ok && decided.body.contains("已记录居民会议的决定"))
            #expect(decided.body.contains("居民会议决定 · 居民会议 2026-10-08") && decided.body.contains("居民会议纪要3号"))
            let english = try await browser.get(path, headers: [.acceptLanguage: "en"])
            #expect(english.body.contains("residents&#39; meeting&#39;s decision") && english.body.contains("Decision reference or minutes"))
        }
    }

    @Test("the rules page lists the presets with citations and unchecked marks and marks superseded 2018 citations, in zh and en; the committee loads a preset (every field replaced); an unknown preset is refused")
    func presetsOnTheRulesPage() async throws {
        let (harness, election, _) = try setUp()
        let path = "/elections/\(election.id!)/rules"
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let page = try await browser.get(path)
            #expect(page.body.contains("<strong>GS25</strong>") && page.body.contains("<strong>JS20</strong>") && page.body.contains("<strong>L25</strong>"))
            #expect(page.body.contains("GS25 Art. 16 (category c: 6 months living here)"))
            #expect(page.body.contains("（未核实）"))
            #expect(page.body.contains("2018年条文 L18 Art. 8 已被2025年修订的组织法取代，L25对应条款未能核实"))
            let english = try await browser.get(path, headers: [.acceptLanguage: "en"])
            #expect(english.body.contains("2018 text L18 Art. 8 superseded by the 2025 revision of the Organic Law; the L25 article could not be checked"))
            #expect(english.body.contains("Preset rule sets") && !english.body.contains("预设规则集"))
            let loaded = try await browser.post("\(path)/preset", form: [("preset", "JS20")])
            #expect(loaded.status == .ok && loaded.body.contains("已载入预设 JS20"))
            #expect(loaded.body.contains(#"name="residenceMonths" value="12""#))
            #expect(try harness.database.election(id: election.id!).rules.residentApproval == .meeting)
            let unknown = try await browser.post("\(path)/preset", form: [("preset", "ZZ99")])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("ZZ99"))
            let back = try await browser.post("\(path)/preset", form: [("preset", "GS25")])
            #expect(back.status == .ok)
            #expect(try harness.database.election(id: election.id!).rules == (try RulePreset.named("GS25").rules(method: .direct)))
        }
    }

    @Test("a new election's rule set starts from the preset chosen on the form (L25 by default); an unknown preset is refused and nothing is created")
    func presetOnTheNewElectionForm() async throws {
        let (harness, _, _) = try setUp()
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let form = try await browser.get("/elections")
            #expect(form.body.contains(#"<option value="L25" selected>"#) && form.body.contains(#"<option value="GS25">"#))
            let day = CivilDate.today().adding(days: 45).description
            let created = try await browser.post("/elections", form: [("title", "江苏规程选举"), ("method", "household"), ("electionDay", day), ("preset", "JS20")])
            #expect(created.status == .seeOther)
            let id = try #require(created.headers[.location].flatMap { Int64($0.split(separator: "/").last!) })
            let rules = try harness.database.election(id: id).rules
            #expect(rules == (try RulePreset.named("JS20").rules(method: .household)))
            let plain = try await browser.post("/elections", form: [("title", "默认规则选举"), ("method", "direct"), ("electionDay", day)])
            let plainID = try #require(plain.headers[.location].flatMap { Int64($0.split(separator: "/").last!) })
            #expect(try harness.database.election(id: plainID).rules == RuleSet.nationalModel(method: .direct))
            let count = try harness.database.elections(communityID: harness.community.id!).count
            let unknown = try await browser.post("/elections", form: [("title", "未知"), ("method", "direct"), ("electionDay", day), ("preset", "ZZ99")])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("ZZ99"))
            #expect(try harness.database.elections(communityID: harness.community.id!).count == count)
        }
    }
}
