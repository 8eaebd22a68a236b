import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

@Suite("voter roll")
struct RollTests {
    let adult = CivilDate(year: 1970, month: 5, day: 1)!

    @Test("direct method: eligible residents numbered in address order, 10号楼 after 9号楼; the ineligible counted by reason")
    func buildDirect() throws {
        let f = try RollFixture()
        try f.person("十楼甲", born: adult, household: "H10", building: "10号楼")
        try f.person("九楼甲", born: adult, household: "H9", building: "9号楼")
        try f.person("九楼乙", born: CivilDate(year: 1972, month: 1, day: 1)!, male: false, household: "H9", relation: "配偶", building: "9号楼")
        try f.person("九楼丙", born: CivilDate(year: 2010, month: 1, day: 1)!, household: "H9", relation: "子", building: "9号楼")
        try f.person("外出者", born: adult, household: "H11", building: "11号楼", livesHere: false)
        let election = try f.election()
        let summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(summary.entries == 3)
        #expect(summary.ineligible == [.underage: 1, .awayWithoutStatement: 1])
        #expect(try f.database.rollLines(electionID: election.id!).map(\.name) == ["九楼甲", "九楼乙", "十楼甲"])
        #expect(try f.database.rollLines(electionID: election.id!).map(\.number) == [1, 2, 3])
    }

    @Test("roll lines and lookups carry only the masked ID (first 6, last 4)")
    func masked() throws {
        let f = try RollFixture()
        let person = try f.person("王𠮷", born: adult, household: "H1")
        let election = try f.election()
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let line = try #require(try f.database.rollLines(electionID: election.id!).first)
        #expect(line.maskedID == String(person.idNumber.value.prefix(6)) + "********" + String(person.idNumber.value.suffix(4)))
        #expect(line.maskedID != person.idNumber.value)
        let found = try f.database.lookUpRoll(electionID: election.id!, name: "王𠮷", idLast4: String(person.idNumber.value.suffix(4)).lowercased())
        #expect(found.map(\.number) == [1])
        #expect(try f.database.lookUpRoll(electionID: election.id!, name: "王𠮷", idLast4: "0000").isEmpty || person.idNumber.value.hasSuffix("0000"))
        #expect(throws: CommunityError.self) { try f.database.lookUpRoll(electionID: election.id!, name: "王𠮷", idLast4: "12") }
    }

    @Test("categories b, c, d enter the roll through applications and decisions: c on application (L25 default), d once the election committee confirms")
    func applications() throws {
        let f = try RollFixture()
        let away = try f.person("外出者", born: adult, household: "H1", livesHere: false)
        let tenant = try f.person("租户", born: adult, household: "H2", hukouHere: false, livingSince: CivilDate(year: 2020, month: 1, day: 1)!)
        let worker = try f.person("社工", born: CivilDate(year: 1995, month: 3, day: 3)!, household: "H3", hukouHere: false, livesHere: false,
                                  workingSince: CivilDate(year: 2026, month: 5, day: 1)!)
        let election = try f.election()
        let day = CivilDate(year: 2026, month: 10, day: 1)!
        try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: away.id!, category: .b, appliedOn: day, statementNotRegisteredElsewhere: false), actor: .commandLine)
        let c = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day, statementNotRegisteredElsewhere: true), actor: .commandLine)
        #expect(c.status == .approved && c.approval == .onApplication && c.decidedOn == day)
        let d = try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: worker.id!, category: .d, appliedOn: day, statementNotRegisteredElsewhere: true), actor: .commandLine)
        #expect(d.status == .pending)
        #expect(throws: CommunityError.self) {
            try f.database.fileRollApplication(RollApplication(electionID: election.id!, residentID: tenant.id!, category: .c, appliedOn: day, statementNotRegisteredElsewhere: true), actor: .commandLine)
        }
        var summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(summary.byCategory == [.b: 1, .c: 1])
        #expect(summary.ineligible[.noApprovedApplication] == 1)
        let member = try f.database.createAccount(NewAccount(communityID: f.community.id!, username: "xwh1", displayName: "选委甲", password: "pw-0123456789",
                                                             roles: [.committee]), actor: .commandLine)
        #expect(throws: CommunityError.self) {
            try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: false, reference: "选委会纪要1", on: day, reason: " ",
                                                  actor: .account(id: member.id!, username: "xwh1"))
        }
        try f.database.confirmCommunityWorker(applicationID: d.id!, confirmed: true, reference: "选委会纪要1", on: day, reason: nil,
                                              actor: .account(id: member.id!, username: "xwh1"))
        summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(summary.byCategory == [.b: 1, .c: 1, .d: 1])
    }

    @Test("household method: one line per household, the head by default, a designated member instead, none without an eligible member")
    func householdMethod() throws {
        let f = try RollFixture()
        try f.person("户主甲", born: adult, household: "H1")
        let spouse = try f.person("配偶甲", born: adult, male: false, household: "H1", relation: "配偶")
        try f.person("户主乙", born: adult, household: "H2", room: "102")
        try f.person("少年丙", born: CivilDate(year: 2012, month: 1, day: 1)!, household: "H3", room: "103")
        let election = try f.election(method: .household)
        var summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(try f.database.rollLines(electionID: election.id!).map(\.name) == ["户主甲", "户主乙"])
        #expect(summary.warnings.contains { $0.contains("1 household(s) have no eligible member") })
        try f.database.designateHouseholdRepresentative(electionID: election.id!, householdID: f.households["H1"]!.id!, residentID: spouse.id!, actor: .commandLine)
        summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(try f.database.rollLines(electionID: election.id!).map(\.name) == ["配偶甲", "户主乙"])
        let outsider = try f.person("别户", born: adult, household: "H4", room: "104")
        #expect(throws: CommunityError.self) {
            try f.database.designateHouseholdRepresentative(electionID: election.id!, householdID: f.households["H1"]!.id!, residentID: outsider.id!, actor: .commandLine)
        }
    }

    @Test("representative method: each residents' group sends 2 to 3 representatives")
    func representativeMethod() throws {
        let f = try RollFixture()
        let people = try (0..<4).map { try f.person("代表\($0)", born: adult, household: "H\($0)", room: "10\($0)") }
        let election = try f.election(method: .representative)
        let group = try f.database.createResidentsGroup(communityID: f.community.id!, name: "第一居民小组", actor: .commandLine)
        #expect(throws: CommunityError.self) {
            try f.database.setGroupRepresentatives(electionID: election.id!, groupID: group.id!, residentIDs: [people[0].id!], actor: .commandLine)
        }
        #expect(throws: CommunityError.self) { try f.database.buildRoll(electionID: election.id!, actor: .commandLine) }
        try f.database.setGroupRepresentatives(electionID: election.id!, groupID: group.id!, residentIDs: [people[0].id!, people[2].id!], actor: .commandLine)
        let summary = try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        #expect(summary.entries == 2)
        #expect(try f.database.rollLines(electionID: election.id!).map(\.name) == ["代表0", "代表2"])
    }

    @Test("one roll only: the same ID number on another community's roll is flagged; a second entry in one election refused")
    func doubleRegistration() throws {
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let first = try RollFixture(database: database)
        let person = try first.person("两地人", born: adult, household: "H1")
        let second = try RollFixture(code: "110101001002", name: "梨园社区", database: database)
        try second.person("两地人", born: adult, household: "H1", id: person.idNumber)
        let a = try first.election(), b = try second.election()
        try database.buildRoll(electionID: a.id!, actor: .commandLine)
        let summary = try database.buildRoll(electionID: b.id!, actor: .commandLine)
        #expect(summary.warnings.contains { $0.contains("桃园社区") && $0.contains(person.idNumber.masked) })
        #expect(throws: CommunityError.duplicate(field: "roll", value: "两地人")) {
            try database.changeRoll(electionID: a.id!, residentID: person.id!, reason: .movedIn, on: CivilDate(year: 2026, month: 12, day: 1)!, note: nil, actor: .commandLine)
        }
    }

    @Test("roll changes (四增四减): each recorded with its reason and audited; additions must be eligible")
    func changes() throws {
        let f = try RollFixture()
        let person = try f.person("甲", born: adult, household: "H1")
        let child = try f.person("乙", born: CivilDate(year: 2010, month: 1, day: 1)!, household: "H1", relation: "子")
        let election = try f.election()
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let on = CivilDate(year: 2026, month: 12, day: 5)!
        try f.database.changeRoll(electionID: election.id!, residentID: person.id!, reason: .died, on: on, note: "死亡证明", actor: .commandLine)
        #expect(try f.database.rollLines(electionID: election.id!, includeRemoved: false).isEmpty)
        #expect(try f.database.rollLines(electionID: election.id!).first?.removedReason == "died")
        #expect(throws: CommunityError.self) {
            try f.database.changeRoll(electionID: election.id!, residentID: child.id!, reason: .cameOfAge, on: on, note: nil, actor: .commandLine)
        }
        try f.database.changeRoll(electionID: election.id!, residentID: person.id!, reason: .movedIn, on: on, note: "更正", actor: .commandLine)
        let changes = try f.database.rollChanges(electionID: election.id!)
        #expect(changes.map(\.change.reason) == [.died, .movedIn])
        let actions = try f.database.recentAuditEntries(limit: 2).map(\.action)
        #expect(actions == ["roll.add", "roll.remove"])
        // A voter's own request must come at least 2 days before election day; nothing changes after it.
        #expect(throws: CommunityError.self) {
            try f.database.changeRoll(electionID: election.id!, residentID: person.id!, reason: .voterRequest, on: RollFixture.electionDay.adding(days: -1), note: nil, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try f.database.changeRoll(electionID: election.id!, residentID: person.id!, reason: .movedOut, on: RollFixture.electionDay.adding(days: 1), note: nil, actor: .commandLine)
        }
    }

    @Test("publication: no late roll — past rollPublicationDays before election day it is refused naming the day to move to; moving election day rebuilds the roll for it, then it publishes on time")
    func publication() throws {
        let f = try RollFixture()
        try f.person("甲", born: adult, household: "H1")
        let election = try f.election()
        #expect(throws: CommunityError.self) { try f.database.publishRoll(electionID: election.id!, on: CivilDate(year: 2026, month: 11, day: 1)!, actor: .commandLine) }
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        // 20 days before 20 December is 30 November: on time; 1 December is late, and refused.
        #expect(election.rollPublicationDeadline == CivilDate(year: 2026, month: 11, day: 30))
        let december1 = CivilDate(year: 2026, month: 12, day: 1)!
        do {
            _ = try f.database.publishRoll(electionID: election.id!, on: december1, actor: .commandLine)
            Issue.record("a late roll was published")
        } catch let error as CommunityError {
            #expect(error.description.contains("move election day to 2026-12-21 or later"))
        }
        // Election day can only move to a day that leaves the 20 days, with a reason.
        #expect(throws: CommunityError.self) {
            try f.database.moveElectionDay(electionID: election.id!, to: CivilDate(year: 2026, month: 12, day: 20)!, today: december1, reason: "迟延", actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try f.database.moveElectionDay(electionID: election.id!, to: CivilDate(year: 2026, month: 12, day: 27)!, today: december1, reason: " ", actor: .commandLine)
        }
        let moved = try f.database.moveElectionDay(electionID: election.id!, to: CivilDate(year: 2026, month: 12, day: 27)!, today: december1,
                                                   reason: "选民名单未能按期公布", actor: .commandLine)
        #expect(moved.electionDay == CivilDate(year: 2026, month: 12, day: 27)! && !moved.rollBuilt)
        #expect(throws: CommunityError.self) { try f.database.publishRoll(electionID: election.id!, on: december1, actor: .commandLine) }
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let published = try f.database.publishRoll(electionID: election.id!, on: december1, actor: .commandLine)
        #expect(!published.rollPublishedLate && published.status == .rollPublished)
        // Published: no more rebuilding, applications or moving the day.
        #expect(throws: CommunityError.self) { try f.database.buildRoll(electionID: election.id!, actor: .commandLine) }
        #expect(throws: CommunityError.self) {
            try f.database.moveElectionDay(electionID: election.id!, to: CivilDate(year: 2027, month: 1, day: 10)!, today: december1, reason: "x", actor: .commandLine)
        }
    }
}

@Suite("objections to the roll")
struct ObjectionTests {
    let adult = CivilDate(year: 1970, month: 5, day: 1)!
    /// 2026-11-28 10:00 in Beijing.
    let filingTime = Date(timeIntervalSince1970: 1_795_840_800)

    func publishedElection() throws -> (RollFixture, Election, Resident, Resident) {
        let f = try RollFixture()
        let voter = try f.person("甲", born: adult, household: "H1")
        let missing = try f.person("乙", born: adult, household: "H2", room: "102", hukouHere: false, livingSince: CivilDate(year: 2020, month: 1, day: 1)!)
        let election = try f.election()
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let published = try f.database.publishRoll(electionID: election.id!, on: CivilDate(year: 2026, month: 11, day: 27)!, actor: .commandLine)
        return (f, published, voter, missing)
    }

    @Test("an objection gets a receipt signed by the election key, verifiable with the registered public key and openssl")
    func receipt() throws {
        let (f, election, _, _) = try publishedElection()
        let (objection, receipt) = try f.database.fileObjection(electionID: election.id!, NewObjection(
            filerName: "丙", filerContact: "13800000000", kind: .wrongInclusion, subject: "甲 1号楼", statement: "已迁出"),
            signingKey: try f.signingKey(for: election), now: filingTime, actor: .anonymous)
        #expect(objection.seq == 1 && receipt.statement.what == "objection" && receipt.statement.tracking == objection.tracking)
        let registered = try #require(try f.database.signingKeys(communityID: f.community.id!, purpose: "election:\(election.id!)").first)
        try receipt.verify(with: try Ed25519PublicKey(pem: registered.publicKeyPEM))
    }

    @Test("objections are accepted only within objectionDays of publication")
    func window() throws {
        let (f, election, _, _) = try publishedElection()
        // Published 27 November; 5 days → last day 2 December.
        let late = Date(timeIntervalSince1970: 1_795_840_800 + 6 * 86_400)
        #expect(throws: CommunityError.self) {
            try f.database.fileObjection(electionID: election.id!, NewObjection(filerName: "丙", filerContact: nil, kind: .omission, subject: "乙", statement: "漏登"),
                                         signingKey: try f.signingKey(for: election), now: late, actor: .anonymous)
        }
    }

    @Test("an upheld omission adds the person, an upheld inclusion removes, a dismissal changes nothing; reasons required")
    func decisions() throws {
        let (f, election, voter, missing) = try publishedElection()
        let key = try f.signingKey(for: election)
        let (omission, _) = try f.database.fileObjection(electionID: election.id!, NewObjection(filerName: "乙", filerContact: nil, kind: .omission, subject: "乙 本人", statement: "居住满一年"), signingKey: key, now: filingTime, actor: .anonymous)
        let (inclusion, _) = try f.database.fileObjection(electionID: election.id!, NewObjection(filerName: "丁", filerContact: nil, kind: .wrongInclusion, subject: "甲", statement: "已迁出"), signingKey: key, now: filingTime, actor: .anonymous)
        let (third, _) = try f.database.fileObjection(electionID: election.id!, NewObjection(filerName: "戊", filerContact: nil, kind: .wrongInclusion, subject: "甲", statement: "重复"), signingKey: key, now: filingTime, actor: .anonymous)
        let day = CivilDate(year: 2026, month: 11, day: 29)!
        #expect(throws: CommunityError.self) { try f.database.decideObjection(id: third.id!, upheld: false, reason: "", on: day, decidedBy: "选举委员会", actor: .commandLine) }
        // Upholding the omission needs 乙 to be eligible: without an approved (c) application, the change is refused and nothing is decided.
        #expect(throws: CommunityError.self) {
            try f.database.decideObjection(id: omission.id!, upheld: true, reason: "核实", residentID: missing.id!, on: day, decidedBy: "选举委员会", actor: .commandLine)
        }
        #expect(try f.database.objections(electionID: election.id!).first?.status == .pending)
        try f.database.decideObjection(id: inclusion.id!, upheld: true, reason: "核实已迁出", residentID: voter.id!, on: day, decidedBy: "选举委员会", actor: .commandLine)
        try f.database.decideObjection(id: third.id!, upheld: false, reason: "与第2号重复", on: day, decidedBy: "选举委员会", actor: .commandLine)
        #expect(try f.database.rollLines(electionID: election.id!, includeRemoved: false).isEmpty)
        let changes = try f.database.rollChanges(electionID: election.id!)
        #expect(changes.map(\.change.reason) == [.objectionUpheld])
        #expect(changes.first?.change.objectionID == inclusion.id)
        #expect(throws: CommunityError.self) { try f.database.decideObjection(id: third.id!, upheld: true, reason: "x", on: day, decidedBy: "x", actor: .commandLine) }
    }

    @Test("pending objections past objectionDecisionDays are overdue")
    func overdue() throws {
        let (f, election, _, _) = try publishedElection()
        _ = try f.database.fileObjection(electionID: election.id!, NewObjection(filerName: "丙", filerContact: nil, kind: .wrongDetails, subject: "甲", statement: "姓名错字"),
                                         signingKey: try f.signingKey(for: election), now: filingTime, actor: .anonymous)
        // Filed 28 November; 3 days to decide → due 1 December.
        #expect(try f.database.overdueObjections(electionID: election.id!, today: CivilDate(year: 2026, month: 12, day: 1)!).isEmpty)
        #expect(try f.database.overdueObjections(electionID: election.id!, today: CivilDate(year: 2026, month: 12, day: 2)!).count == 1)
    }
}

@Suite("voter cards")
struct VoterCardTests {
    @Test("cards carry access codes stored only as scrypt hashes; codes verify; reissue replaces; typos are caught")
    func cards() throws {
        let f = try RollFixture()
        try f.person("甲", born: CivilDate(year: 1970, month: 1, day: 1)!, household: "H1")
        try f.person("乙", born: CivilDate(year: 1971, month: 1, day: 1)!, male: false, household: "H1", relation: "配偶")
        let election = try f.election()
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let cards = try f.database.issueVoterCards(electionID: election.id!, hasher: .fastForTests, actor: .commandLine)
        #expect(cards.map(\.number) == [1, 2])
        #expect(try f.database.issueVoterCards(electionID: election.id!, hasher: .fastForTests, actor: .commandLine).isEmpty)
        let stored = try f.database.reader.read { db in try String.fetchAll(db, sql: "SELECT codeHash FROM voterCredential") }
        #expect(stored.allSatisfy { $0.hasPrefix("$scrypt$") })
        #expect(!stored.contains { hash in cards.contains { hash.contains($0.accessCode.replacingOccurrences(of: "-", with: "")) } })
        #expect(try f.database.verifyAccessCode(electionID: election.id!, number: 1, code: cards[0].accessCode))
        #expect(try !f.database.verifyAccessCode(electionID: election.id!, number: 2, code: cards[0].accessCode))
        var typo = Array(cards[0].accessCode)
        typo[0] = typo[0] == "A" ? "B" : "A"
        #expect(throws: NotaryError.self) { try f.database.verifyAccessCode(electionID: election.id!, number: 1, code: String(typo)) }
        let reissued = try f.database.issueVoterCards(electionID: election.id!, numbers: [1], hasher: .fastForTests, actor: .commandLine)
        #expect(try !f.database.verifyAccessCode(electionID: election.id!, number: 1, code: cards[0].accessCode))
        #expect(try f.database.verifyAccessCode(electionID: election.id!, number: 1, code: reissued[0].accessCode))
    }
}

@Suite("roll CSV export")
struct RollCSVTests {
    @Test("UTF-8 with BOM, CRLF, masked IDs, quoted commas, formulas neutralised; the basis of a c or d registration as on the roll page")
    func csv() throws {
        let line = RollLine(number: 7, name: "=HYPERLINK(\"x\")", gender: .female, maskedID: "110105********002X", building: "1号楼",
                            unit: "1单元", room: "1,01", householdNumber: "H1", category: .c, active: false, removedReason: "movedOut",
                            registration: RollRegistration(approval: .residentsMeeting, decidedBy: "居民会议", decidedOn: CivilDate(year: 2026, month: 10, day: 8)!,
                                                           reference: "纪要3号,附件", statementNotRegisteredElsewhere: true))
        let data = RollCSV.render([line])
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let rows = text.components(separatedBy: "\r\n")
        #expect(rows[0] == "选民编号,姓名,性别,公民身份号码,楼栋,单元,房号,户号,登记类别,状态,登记依据")
        #expect(rows[1] == "7,\"'=HYPERLINK(\"\"x\"\")\",女,110105********002X,1号楼,1单元,\"1,01\",H1,c,已减少：迁出居住,\"居民会议决定（居民会议） 2026-10-08 · 纪要3号,附件\"")
        #expect(rows[2] == "")
    }
}
