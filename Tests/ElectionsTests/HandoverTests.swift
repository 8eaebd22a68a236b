import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// The handover (工作移交) after a certified election, presided over by the election committee
/// (L25): the checklist, the two committees' sign-offs, the 10-day deadline, the signed notice.
@Suite("handover: checklist, sign-offs by the outgoing and incoming committees, 10 days, notice")
struct HandoverTests {
    /// The example's certification day (election day 2026-12-20, certified that evening).
    static let certifiedOn = CivilDate(year: 2026, month: 12, day: 20)!
    static let day = certifiedOn.adding(days: 2)

    /// Adds one line for each required category.
    func fillChecklist(_ database: AppDatabase, _ id: Int64) throws {
        try database.addHandoverItem(electionID: id, category: .seal, description: "桃园社区居民委员会印章", quantity: "1枚", actor: .commandLine)
        try database.addHandoverItem(electionID: id, category: .accounts, description: "居委会账目及银行存款", quantity: "账册2本，余额12,345.60元", remarks: "经街道财务核对", actor: .commandLine)
        try database.addHandoverItem(electionID: id, category: .assets, description: "办公设备", quantity: "电脑3台、打印机1台", actor: .commandLine)
        try database.addHandoverItem(electionID: id, category: .files, description: "2021—2026年文书档案", quantity: "48卷", actor: .commandLine)
        try database.addHandoverItem(electionID: id, category: .ledgers, description: "民政、计生、综治工作台账", quantity: "12册", actor: .commandLine)
    }

    func refusal(_ body: () throws -> Void) -> StepRefusal? {
        do { try body(); return nil } catch let refusal as StepRefusal { return refusal } catch { return StepRefusal("\(error)", "\(error)") }
    }

    @Test("the checklist opens only for a certified result, once, with its deadline 10 days after certification")
    func opensAfterCertification() throws {
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("handover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keyStore = KeyStore(directory: scratch)
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let uncertified = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                                       electionDay: Self.certifiedOn, title: "第十二届", usernamePrefix: "", password: "pw-1234567890",
                                                       voters: 44, through: .allRounds)
        let id = uncertified.election.id!
        #expect(refusal { try database.openHandover(electionID: id, on: Self.day, today: Self.day, actor: .commandLine) }?.english.contains("not certified") == true)
        try database.certifyResult(electionID: id, signingKey: try keyStore.load(keyID: uncertified.election.keyID),
                                   now: Self.certifiedOn.instant(hour: 20), actor: .system)
        #expect(refusal { try database.openHandover(electionID: id, on: Self.certifiedOn.adding(days: -1), today: Self.day, actor: .commandLine) }?.field == "openedOn")
        #expect(refusal { try database.openHandover(electionID: id, on: Self.day.adding(days: 1), today: Self.day, actor: .commandLine) }?.field == "openedOn")
        let handover = try database.openHandover(electionID: id, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(handover.certifiedOn == Self.certifiedOn && handover.deadline == Self.certifiedOn.adding(days: 10))
        #expect(handover.missingCategories == HandoverCategory.required)
        #expect(refusal { try database.openHandover(electionID: id, on: Self.day, today: Self.day, actor: .commandLine) }?.english.contains("already open") == true)
    }

    @Test("nobody signs until the checklist has a line for the seal, accounts, assets, files and ledgers; once signed it is fixed; lines are checked")
    func checklistRules() throws {
        let f = try RecordFixture(.directRunoff)
        try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine)
        let director = try #require(f.result.certified?.statement.elected.first { $0.post == .director })
        try f.database.addHandoverItem(electionID: f.id, category: .seal, description: "印章", quantity: "1枚", actor: .commandLine)
        let early = refusal { try f.database.signHandover(electionID: f.id, side: .incoming, person: director.person, on: Self.day, today: Self.day, actor: .commandLine) }
        #expect(early?.field == "category" && early?.english.contains("Accounts and funds") == true && early?.chinese.contains("台账") == true)
        #expect(refusal { try f.database.addHandoverItem(electionID: f.id, category: .files, description: "", quantity: "1", actor: .commandLine) }?.field == "description")
        #expect(refusal { try f.database.addHandoverItem(electionID: f.id, category: .files, description: "档案", quantity: "", actor: .commandLine) }?.field == "quantity")
        #expect(refusal { try f.database.addHandoverItem(electionID: f.id, category: .files, description: "档案\u{7}", quantity: "1", actor: .commandLine) }?.field == "description")
        try fillChecklist(f.database, f.id)
        try f.database.addHandoverItem(electionID: f.id, category: .other, description: "社区活动室钥匙", quantity: "4把", actor: .commandLine)
        try f.database.signHandover(electionID: f.id, side: .incoming, person: director.person, on: Self.day, today: Self.day, actor: .commandLine)
        let fixed = refusal { try f.database.addHandoverItem(electionID: f.id, category: .other, description: "钥匙", quantity: "1把", actor: .commandLine) }
        #expect(fixed?.english.contains("can no longer change") == true)
        #expect(try f.database.handover(electionID: f.id)?.items.count == 7)
    }

    @Test("the incoming side is signed by the incoming 主任 alone; without an earlier term here the outgoing signer is named with their post; each side signs once")
    func whoSigns() throws {
        let f = try RecordFixture(.directRunoff)
        try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine)
        try fillChecklist(f.database, f.id)
        let elected = try #require(f.result.certified?.statement.elected)
        let director = try #require(elected.first { $0.post == .director })
        let member = try #require(elected.first { $0.post != .director })
        let wrong = refusal { try f.database.signHandover(electionID: f.id, side: .incoming, person: member.person, on: Self.day, today: Self.day, actor: .commandLine) }
        #expect(wrong?.field == "person" && wrong?.chinese.contains(director.name) == true)
        #expect(try f.database.outgoingMembers(electionID: f.id).isEmpty)
        #expect(refusal { try f.database.signHandover(electionID: f.id, side: .outgoing, name: "", post: .director, on: Self.day, today: Self.day, actor: .commandLine) }?.field == "name")
        #expect(refusal { try f.database.signHandover(electionID: f.id, side: .outgoing, name: "陈立", on: Self.day, today: Self.day, actor: .commandLine) }?.field == "post")
        let signed = try f.database.signHandover(electionID: f.id, side: .outgoing, name: "陈立", post: .director, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(signed.outgoing?.name == "陈立" && signed.outgoing?.post == .director && signed.outgoing?.person == nil)
        #expect(refusal { try f.database.signHandover(electionID: f.id, side: .outgoing, name: "王五", post: .member, on: Self.day, today: Self.day, actor: .commandLine) }?.field == "side")
        let both = try f.database.signHandover(electionID: f.id, side: .incoming, person: director.person, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(both.incoming?.name == director.name && both.incoming?.post == .director && both.incoming?.recordedBy == AppDatabase.commandLineRecorder)
    }

    @Test("with the previous term held here, the outgoing committee signs by one of its elected members, named from its certified result")
    func outgoingFromThePreviousTerm() throws {
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("handover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keyStore = KeyStore(directory: scratch)
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let old = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                               electionDay: CivilDate(year: 2021, month: 12, day: 19)!, title: "第十一届", usernamePrefix: "t11-",
                                               password: "pw-1234567890", voters: 44)
        let new = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                               electionDay: Self.certifiedOn, title: "第十二届", usernamePrefix: "", password: "pw-1234567890", voters: 44)
        let id = new.election.id!
        let outgoing = try database.outgoingMembers(electionID: id)
        #expect(outgoing.map(\.person) == old.certified!.statement.elected.sorted { $0.post < $1.post }.map(\.person))
        try database.openHandover(electionID: id, on: Self.day, today: Self.day, actor: .commandLine)
        try fillChecklist(database, id)
        let stranger = refusal { try database.signHandover(electionID: id, side: .outgoing, name: "陈立", post: .director, on: Self.day, today: Self.day, actor: .commandLine) }
        #expect(stranger?.field == "person" && stranger?.chinese.contains(outgoing[0].name) == true)
        let member = try #require(outgoing.last)
        let signed = try database.signHandover(electionID: id, side: .outgoing, person: member.person, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(signed.outgoing?.name == member.name && signed.outgoing?.post == member.post && signed.outgoing?.person == member.person)
    }

    @Test("an account that is not a serving member of this election's committee records nothing: the election committee presides")
    func committeePresides() throws {
        let f = try RecordFixture(.directRunoff)
        let account = try f.database.createAccount(NewAccount(communityID: f.result.election.communityID, username: "clerk9", displayName: "办事员",
                                                              password: "pw-1234567890", roles: [.committee]), actor: .system)
        let outsider = refusal { try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: Actor(account)) }
        #expect(outsider?.english.contains("not a serving member") == true)
        let member = try #require(try f.database.committeeMembers(electionID: f.id).first)
        let wy1 = try #require(try f.database.account(id: member.member.accountID))
        #expect(try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: Actor(wy1)).openedOn == Self.day)
    }

    @Test("confirming needs both signatures; it names who presided and issues the handover notice, signed with the election key and numbered after the result's")
    func confirmIssuesNotice() throws {
        let f = try RecordFixture(.directRunoff)
        try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine)
        try fillChecklist(f.database, f.id)
        let director = try #require(f.result.certified?.statement.elected.first { $0.post == .director })
        let members = try f.database.committeeMembers(electionID: f.id)
        #expect(refusal { try f.database.confirmHandover(electionID: f.id, presidingMember: members[0].member.id!, on: Self.day, today: Self.day, actor: .commandLine) }?
            .english.contains("both committees") == true)
        try f.database.signHandover(electionID: f.id, side: .outgoing, name: "陈立", post: .director, on: Self.day, today: Self.day, actor: .commandLine)
        try f.database.signHandover(electionID: f.id, side: .incoming, person: director.person, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(refusal { try f.database.confirmHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine) }?.field == "member")
        #expect(refusal { try f.database.confirmHandover(electionID: f.id, presidingMember: 999, on: Self.day, today: Self.day, actor: .commandLine) }?.field == "member")
        let before = try f.database.notices(electionID: f.id).count
        let (handover, notice) = try f.database.confirmHandover(electionID: f.id, presidingMember: members[0].member.id!, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(handover.completedOn == Self.day && !handover.completedLate && handover.noticeNumber == before + 1)
        #expect(handover.presidedBy == members[0].name)
        #expect(notice.verify() && notice.notice.kind == .handover && notice.notice.number == before + 1)
        let facts = try #require(notice.notice.facts.handover)
        #expect(facts.items.count == 5 && facts.outgoing.name == "陈立" && facts.incoming.name == director.name && !facts.late)
        #expect(notice.notice.text.contains { $0.contains("印章") && $0.contains("1枚") } && notice.notice.text.contains { $0.contains("接收人") && $0.contains(director.name) })
        #expect(notice.notice.text.contains { $0.contains("主持人") && $0.contains(members[0].name) })
        #expect(refusal { try f.database.confirmHandover(electionID: f.id, presidingMember: members[0].member.id!, on: Self.day, today: Self.day, actor: .commandLine) }?
            .english.contains("already confirmed") == true)
    }

    @Test("the deadline is the rule set's handoverDays (10 by default) after the certification day")
    func deadlineFollowsTheRuleSet() throws {
        #expect(RuleSet.nationalModel(method: .direct).handoverDays == 10)
        let handover = Handover(electionID: 1, certifiedOn: Self.certifiedOn, days: 7, openedOn: Self.certifiedOn, items: [], outgoing: nil, incoming: nil,
                                completedOn: nil, presidedBy: nil, noticeNumber: nil)
        #expect(handover.deadline == Self.certifiedOn.adding(days: 7))
        #expect(!handover.isOverdue(today: Self.certifiedOn.adding(days: 7)) && handover.isOverdue(today: Self.certifiedOn.adding(days: 8)))
        let f = try RecordFixture(.directRunoff)
        #expect(try f.database.handoverDeadline(electionID: f.id) == Self.certifiedOn.adding(days: f.result.election.rules.handoverDays))
    }

    @Test("past the 10 days an open handover is overdue; a late completion says so on its notice")
    func deadline() throws {
        let f = try RecordFixture(.directRunoff)
        var handover = try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine)
        #expect(handover.deadline == CivilDate(year: 2026, month: 12, day: 30)!)
        #expect(!handover.isOverdue(today: handover.deadline) && handover.isOverdue(today: handover.deadline.adding(days: 1)))
        try fillChecklist(f.database, f.id)
        let late = handover.deadline.adding(days: 3)
        let director = try #require(f.result.certified?.statement.elected.first { $0.post == .director })
        try f.database.signHandover(electionID: f.id, side: .outgoing, name: "陈立", post: .director, on: late, today: late, actor: .commandLine)
        try f.database.signHandover(electionID: f.id, side: .incoming, person: director.person, on: late, today: late, actor: .commandLine)
        let member = try #require(try f.database.committeeMembers(electionID: f.id).first)
        let (done, notice) = try f.database.confirmHandover(electionID: f.id, presidingMember: member.member.id!, on: late, today: late, actor: .commandLine)
        handover = done
        #expect(handover.completedLate && !handover.isOverdue(today: late.adding(days: 5)))
        #expect(notice.notice.facts.handover?.late == true && notice.notice.text[0].contains("逾期"))
        #expect(NoticeText.body(kind: .handover, facts: notice.notice.facts, community: "桃园社区", corrects: nil, language: .en)[0].contains("late"))
    }
}
