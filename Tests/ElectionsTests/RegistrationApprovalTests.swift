import Community
import Foundation
import GRDB
import Testing
@testable import Elections

@Suite("registration categories c and d: approval on application or by a residents' meeting, workers confirmed by the election committee (election-rules.md §3)")
struct RegistrationApprovalTests {
    let adult = CivilDate(year: 1980, month: 5, day: 5)!
    let day = CivilDate(year: 2026, month: 10, day: 1)!

    func committeeAccount(_ f: RollFixture, username: String = "xwh1", roles: Set<Role> = [.committee]) throws -> Actor {
        let account = try f.database.createAccount(NewAccount(communityID: f.community.id!, username: username, displayName: "选委\(username)",
                                                              password: "pw-0123456789", roles: roles), actor: .commandLine)
        return .account(id: account.id!, username: username)
    }

    func audit(_ f: RollFixture, _ action: String) throws -> [String] {
        try f.database.reader.read { db in try String.fetchAll(db, sql: "SELECT details FROM auditEntry WHERE action = ? ORDER BY seq", arguments: [action]) }
    }

    @Test("residentApproval = meeting: a (c) application waits; the committee records the meeting's decision with who, when and its reference; then it is on the roll with that basis")
    func meetingDecision() throws {
        let f = try RollFixture()
        let tenant = try f.person("租户", born: adult, household: "H2", hukouHere: false, livingSince: CivilDate(year: 2020, month: 1, day: 1)!)
        var rules = RuleSet()
        rules.residentApproval = .meeting
        let election = try f.election(rules: rules)
        let c = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day,
                                                                   statementNotRegisteredElsewhere: true), actor: .commandLine)
        #expect(c.status == .pending && c.basis == nil)
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.c] == nil)
        // A decision names the meeting and its reference.
        for (by, reference, field) in [("", "纪要1", "decidedBy"), ("居民会议 2026-10-08", " ", "reference")] {
            do {
                try f.database.decideRollApplication(id: c.id!, approved: true, decidedBy: by, reference: reference, on: day, reason: nil, actor: .commandLine)
                Issue.record("expected \(field) to be refused")
            } catch CommunityError.invalid(let named, _) { #expect(named == field) }
        }
        let meetingDay = CivilDate(year: 2026, month: 10, day: 8)!
        try f.database.decideRollApplication(id: c.id!, approved: true, decidedBy: "居民会议 2026-10-08", reference: "居民会议纪要〔2026〕3号", on: meetingDay,
                                             reason: nil, actor: .commandLine)
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.c] == 1)
        let line = try #require(try f.database.rollLines(electionID: election.id!).first)
        #expect(line.category == .c)
        #expect(line.registration == RollRegistration(approval: .residentsMeeting, decidedBy: "居民会议 2026-10-08", decidedOn: meetingDay,
                                                      reference: "居民会议纪要〔2026〕3号", statementNotRegisteredElsewhere: true))
        #expect(try audit(f, "roll.application.decide").first?.contains("居民会议纪要〔2026〕3号") == true)
    }

    @Test("residentApproval = none: a (c) application registers on filing; there is no meeting decision to record")
    func onApplication() throws {
        let f = try RollFixture()
        let tenant = try f.person("租户", born: adult, household: "H2", hukouHere: false, livingSince: CivilDate(year: 2026, month: 3, day: 1)!)
        let election = try f.election()
        let c = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day,
                                                                   statementNotRegisteredElsewhere: true), actor: .commandLine)
        #expect(c.status == .approved && c.approval == .onApplication && c.recordedBy == "command line")
        #expect(throws: CommunityError.self) {
            try f.database.decideRollApplication(id: c.id!, approved: true, decidedBy: "居民会议", reference: "1", on: day, reason: nil, actor: .commandLine)
        }
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(try f.database.rollLines(electionID: election.id!).first?.registration?.approval == .onApplication)
        // Without the written statement nothing is filed.
        let other = try f.person("租户乙", born: adult, household: "H3", hukouHere: false, livingSince: CivilDate(year: 2026, month: 3, day: 1)!)
        do {
            try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: other.id!, category: .c, appliedOn: day,
                                                               statementNotRegisteredElsewhere: false), actor: .commandLine)
            Issue.record("expected the statement to be required")
        } catch CommunityError.invalid(let field, _) { #expect(field == "statementNotRegisteredElsewhere") }
    }

    @Test("a community worker (d) is not on the roll until the residents' election committee confirms; only a committee account (or the seeding system) may, never a clerk or the bare command line; the confirmation is audited and shown on the roll")
    func workerConfirmation() throws {
        let f = try RollFixture()
        let worker = try f.person("社工", born: CivilDate(year: 1995, month: 3, day: 3)!, household: "H3", hukouHere: false, livesHere: false,
                                  workingSince: CivilDate(year: 2026, month: 5, day: 1)!)
        let election = try f.election()
        let d = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: worker.id!, category: .d, appliedOn: day,
                                                                   statementNotRegisteredElsewhere: true), actor: .commandLine)
        let summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(summary.byCategory[.d] == nil && summary.ineligible[.noApprovedApplication] == 1)
        // A residents' meeting does not confirm a worker.
        #expect(throws: CommunityError.self) {
            try f.database.decideRollApplication(id: d.id!, approved: true, decidedBy: "居民会议", reference: "1", on: day, reason: nil, actor: .commandLine)
        }
        let clerk = try committeeAccount(f, username: "clerk1", roles: [.clerk])
        for actor in [clerk, Actor.commandLine, .anonymous] {
            #expect(throws: CommunityError.self) {
                try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: true, reference: "选委会纪要1", on: day, reason: nil, actor: actor)
            }
        }
        let member = try committeeAccount(f)
        do {
            try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: true, reference: "", on: day, reason: nil, actor: member)
            Issue.record("expected the reference to be required")
        } catch CommunityError.invalid(let field, _) { #expect(field == "reference") }
        try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: true, reference: "选委会纪要1", on: day, reason: nil, actor: member)
        #expect(throws: CommunityError.self) {
            try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: false, reference: "选委会纪要2", on: day, reason: "改变主意", actor: member)
        }
        let confirmed = try #require(try f.database.rollApplications(electionID: election.id!).first)
        #expect(confirmed.status == .approved && confirmed.approval == .electionCommittee && confirmed.decidedBy == "居民选举委员会"
                && confirmed.recordedBy == "选委xwh1 (xwh1)" && confirmed.decisionReference == "选委会纪要1" && confirmed.decidedOn == day)
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.d] == 1)
        #expect(try f.database.rollLines(electionID: election.id!).first?.registration?.approval == .electionCommittee)
        let entries = try audit(f, "roll.worker.confirm")
        #expect(entries.count == 1 && entries[0].contains("选委会纪要1"))
    }

    @Test("changing residentApproval after the roll was built un-builds it: the roll must be built again by the new rule before it is published")
    func changingTheRuleUnbuildsTheRoll() throws {
        let f = try RollFixture()
        let tenant = try f.person("租户", born: adult, household: "H2", hukouHere: false, livingSince: CivilDate(year: 2020, month: 1, day: 1)!)
        let election = try f.election()
        try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day,
                                                           statementNotRegisteredElsewhere: true), actor: .commandLine)
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.c] == 1)
        #expect(try f.database.election(id: election.id!).rollBuilt)
        let changed = try f.database.updateRules(electionID: election.id!, ["residentApproval": "meeting"], actor: .commandLine)
        #expect(!changed.rollBuilt)
        #expect(throws: CommunityError.self) { try f.database.publishRoll(electionID: election.id!, on: day, actor: .commandLine) }
        // Rebuilt under meeting: the registration made on application no longer counts.
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.c] == nil)
    }

    @Test("a refused worker stays off the roll; a refusal needs its reason")
    func workerRefused() throws {
        let f = try RollFixture()
        let worker = try f.person("社工", born: CivilDate(year: 1995, month: 3, day: 3)!, household: "H3", hukouHere: false, livesHere: false,
                                  workingSince: CivilDate(year: 2026, month: 5, day: 1)!)
        let election = try f.election()
        let d = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: worker.id!, category: .d, appliedOn: day,
                                                                   statementNotRegisteredElsewhere: true), actor: .commandLine)
        let member = try committeeAccount(f)
        do {
            try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: false, reference: "纪要2", on: day, reason: nil, actor: member)
            Issue.record("expected a reason")
        } catch CommunityError.invalid(let field, _) { #expect(field == "reason") }
        try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: false, reference: "纪要2", on: day, reason: "已在户籍地登记", actor: member)
        #expect(try f.database.buildRoll(electionID: election.id!, actor: .commandLine).byCategory[.d] == nil)
    }

    @Test("the statistics count voters by category and by the basis of their registration, and the workers the committee has not confirmed")
    func statistics() throws {
        let f = try RollFixture()
        try f.person("本地", born: adult, household: "H1")
        let tenant = try f.person("租户", born: adult, household: "H2", room: "102", hukouHere: false, livingSince: CivilDate(year: 2020, month: 1, day: 1)!)
        let worker = try f.person("社工", born: CivilDate(year: 1995, month: 3, day: 3)!, household: "H3", room: "103", hukouHere: false, livesHere: false,
                                  workingSince: CivilDate(year: 2026, month: 5, day: 1)!)
        let waiting = try f.person("社工乙", born: CivilDate(year: 1996, month: 3, day: 3)!, household: "H4", room: "104", hukouHere: false, livesHere: false,
                                   workingSince: CivilDate(year: 2026, month: 5, day: 1)!)
        let election = try f.election()
        try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day,
                                                           statementNotRegisteredElsewhere: true), actor: .commandLine)
        let d = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: worker.id!, category: .d, appliedOn: day,
                                                                   statementNotRegisteredElsewhere: true), actor: .commandLine)
        try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: waiting.id!, category: .d, appliedOn: day,
                                                           statementNotRegisteredElsewhere: true), actor: .commandLine)
        try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: true, reference: "纪要1", on: day, reason: nil, actor: try committeeAccount(f))
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let counts = try f.database.reader.read { db in try AppDatabase.registrationCounts(db, electionID: election.id!) }
        #expect(counts == [.onApplication: 1, .electionCommittee: 1])
        var statistics = ElectionStatistics(title: "t", method: .direct, electionDay: RollFixture.electionDay,
                                            roll: try f.database.rollCounts(electionID: election.id!), registrations: counts, unconfirmedWorkers: 1,
                                            changes: [:], rounds: [], proxies: 0, mobileBoxVoters: 0, assisted: 0, venues: 0, members: [], vacant: 0)
        let rows = statistics.rows
        #expect(rows.contains { $0.item == "类别 c（\(RegistrationCategory.c.chinese)）" && $0.value == "1" })
        #expect(rows.contains { $0.item == "类别 d（\(RegistrationCategory.d.chinese)）" && $0.value == "1" })
        #expect(rows.contains { $0.item == "登记依据 本人申请即登记" && $0.value == "1" })
        #expect(rows.contains { $0.item == "登记依据 居民选举委员会确认" && $0.value == "1" })
        #expect(rows.contains { $0.item == "社区工作者申请未经居民选举委员会确认" && $0.value == "1" })
        statistics.unconfirmedWorkers = 0
        #expect(statistics.rows.contains { $0.item == "社区工作者申请未经居民选举委员会确认" && $0.value == "0" })
    }
}
