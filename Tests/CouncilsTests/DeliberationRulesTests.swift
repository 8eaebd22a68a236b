import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Councils

/// Regression tests for issue 21 (deliberation under the 2025 law): who takes part, presence,
/// the fixed agenda, overdue, the co-sign threshold, postponement, control characters. Where a
/// decision matters, a plain reference implementation is compared with the domain on
/// generated cases; the seed is printed on failure (`XUANYI_SEED=… swift test` repeats a run).
@Suite("deliberation rules (issue 21)")
struct DeliberationRulesTests {
    static func seed() -> UInt64 {
        ProcessInfo.processInfo.environment["XUANYI_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(Int64.max))
    }

    /// Reference: 18 or older on `day`, counted the plain way (a birthday on 29 February is
    /// reached on 1 March in a common year).
    static func referenceAdult(_ birth: CivilDate, on day: CivilDate) -> Bool {
        var age = day.year - birth.year
        if (day.month, day.day) < (birth.month, birth.day) { age -= 1 }
        return age >= 18
    }

    static func referenceEligible(birth: CivilDate, rights: PoliticalRights, livesHere: Bool, on day: CivilDate) -> Bool {
        livesHere && rights == .held && referenceAdult(birth, on: day)
    }

    typealias Member = (birth: CivilDate, rights: PoliticalRights, livesHere: Bool)

    /// A random member; ages cluster around 18 on `day` (the day before, on and after the 18th
    /// birthday, and 29 February births) so the boundary is exercised.
    static func randomMember(around day: CivilDate, using rng: inout SeededGenerator) -> Member {
        let birth: CivilDate
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<3:
            let eighteen = CivilDate(year: day.year - 18, month: day.month, day: min(day.day, 28))!
            birth = eighteen.adding(days: Int.random(in: -2...2, using: &rng))
        case 3: birth = CivilDate(year: [2008, 2004, 2012, 2000].randomElement(using: &rng)!, month: 2, day: 29)!
        default: birth = CivilDate.d(2026, 6, 1).adding(days: -Int.random(in: 0...(90 * 365), using: &rng))
        }
        return (birth, Int.random(in: 0..<8, using: &rng) == 0 ? .deprived : .held, Int.random(in: 0..<6, using: &rng) != 0)
    }

    static func plan(_ fixture: CouncilFixture, basis: AttendanceBasis, on day: CivilDate, item: String = "事项") throws -> Meeting {
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .residentsMeeting, basis: basis, title: "居民会议", date: day, time: "19:00", venue: "社区广场", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: day.adding(days: -30).instant(hour: 9))
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: item, motionNumber: nil, actor: .commandLine, now: day.adding(days: -30).instant(hour: 9))
        return try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: day.adding(days: -20).instant(hour: 10))
    }

    // MARK: 1 and 12: who takes part

    @Test("the roll of a households' meeting and of an adults' meeting equals the reference on generated households (seed printed)")
    func rollsMatchReference() throws {
        let seed = Self.seed()
        var rng = SeededGenerator(seed: seed)
        let fixture = try CouncilFixture(households: 0)
        let days: [CivilDate] = [.d(2027, 2, 28), .d(2027, 3, 1), .d(2028, 2, 29)]
        var households: [Int64: [Member]] = [:]
        var residents: [Int64: Member] = [:]
        for index in 0..<1_200 {
            let members = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Self.randomMember(around: days.randomElement(using: &rng)!, using: &rng) }
            let (household, ids) = try fixture.addHousehold(String(format: "G%05d", index), members: members)
            households[household] = members
            for (id, member) in zip(ids, members) { residents[id] = member }
        }
        for day in days {
            let byHousehold = try Self.plan(fixture, basis: .households, on: day)
            let entitledHouseholds = Set(try fixture.database.attendees(meetingID: byHousehold.id!).compactMap(\.householdID))
            let expectedHouseholds = Set(households.filter { $0.value.contains { Self.referenceEligible(birth: $0.birth, rights: $0.rights, livesHere: $0.livesHere, on: day) } }.keys)
            #expect(entitledHouseholds == expectedHouseholds, "seed \(seed), day \(day): \(entitledHouseholds.symmetricDifference(expectedHouseholds).count) households differ")
            #expect(byHousehold.entitled == expectedHouseholds.count, "seed \(seed)")
            let byAdult = try Self.plan(fixture, basis: .adults, on: day)
            let entitledResidents = Set(try fixture.database.attendees(meetingID: byAdult.id!).compactMap(\.residentID))
            let expectedResidents = Set(residents.filter { Self.referenceEligible(birth: $0.value.birth, rights: $0.value.rights, livesHere: $0.value.livesHere, on: day) }.keys)
            #expect(entitledResidents == expectedResidents, "seed \(seed), day \(day): \(entitledResidents.symmetricDifference(expectedResidents).count) residents differ")
            // The Swift form of the rule agrees with the SQL form on every resident.
            for (id, member) in residents {
                let rule = CouncilEligibility.refusal(birthDate: member.birth, politicalRights: member.rights, livesHere: member.livesHere, on: day) == nil
                #expect(rule == Self.referenceEligible(birth: member.birth, rights: member.rights, livesHere: member.livesHere, on: day),
                        "seed \(seed), day \(day), resident \(id) born \(member.birth)")
            }
        }
    }

    @Test("the issue's households: deprived alone, living elsewhere, a 14-year-old alone are not counted; a 10-year-old cannot represent a household")
    func issueHouseholds() throws {
        let fixture = try CouncilFixture(households: 0)
        let day = CivilDate.d(2027, 1, 16)
        let (adultHome, adultIDs) = try fixture.addHousehold("A1", members: [(.d(1980, 5, 1), .held, true), (.d(2016, 6, 1), .held, true)])
        try fixture.addHousehold("A2", members: [(.d(1970, 1, 1), .deprived, true)])
        try fixture.addHousehold("A3", members: [(.d(1975, 1, 1), .held, false)])
        try fixture.addHousehold("A4", members: [(.d(2012, 3, 3), .held, true)])
        let meeting = try Self.plan(fixture, basis: .households, on: day)
        #expect(meeting.entitled == 1)
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: day.instant(hour: 19))
        let row = try #require(try fixture.database.attendees(meetingID: meeting.id!).first)
        #expect(row.householdID == adultHome)
        // The clerk must say who came, and a child is refused.
        #expect(throws: CommunityError.self) { try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: row.id!, actor: .commandLine, now: day.instant(hour: 19)) }
        #expect(throws: CommunityError.self) {
            try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: row.id!, attendedBy: adultIDs[1], actor: .commandLine, now: day.instant(hour: 19))
        }
        #expect(try fixture.database.eligibleMembers(householdID: adultHome, on: day).map { $0.id } == [adultIDs[0]])
        // Self check-in with the card naming the child is refused too; the adult is checked in.
        let code = try #require(try fixture.database.meeting(id: meeting.id!).presenceCode)
        let card = try fixture.cardIdentity(householdID: adultHome, residentID: nil)
        #expect(throws: CommunityError.self) {
            try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: card, residentID: adultIDs[1], presenceCode: code, now: day.instant(hour: 19))
        }
        let status = try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: card, residentID: adultIDs[0], presenceCode: code, now: day.instant(hour: 19))
        #expect(status.present == 1 && status.hasQuorum)
    }

    @Test("co-signs, hearing registrations and ratings need an adult living here with political rights")
    func eligibilityForActs() throws {
        let fixture = try CouncilFixture(households: 0)
        let (submitter, submitterIDs) = try fixture.addHousehold("S1", members: [(.d(1980, 1, 1), .held, true)])
        let (young, youngIDs) = try fixture.addHousehold("Y1", members: [(.d(1980, 1, 1), .held, true), (.d(2015, 1, 1), .held, true)])
        let (deprived, deprivedIDs) = try fixture.addHousehold("D1", members: [(.d(1960, 1, 1), .deprived, true)])
        let motion = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "路灯", description: "路灯坏了", category: "facilities"),
                                                       by: .resident(try fixture.cardIdentity(householdID: submitter, residentID: submitterIDs[0])),
                                                       signingKey: fixture.key, now: CivilDate.d(2026, 11, 2).instant(hour: 10)).0
        func refused(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch let CommunityError.notAllowed(message) { return message } catch { return "\(error)" }
        }
        #expect(refused { try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: young, residentID: youngIDs[1])) }.contains("under 18"))
        #expect(refused { try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: deprived, residentID: deprivedIDs[0])) }.contains("deprived"))
        #expect(refused { try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: deprived, residentID: nil)) }.contains("no adult member"))
        #expect(try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: young, residentID: youngIDs[0])) == 1)
    }

    // MARK: 2: presence

    @Test("self check-in: the venue's code, an account checks in only its holder, a card one person")
    func presence() throws {
        let fixture = try CouncilFixture(households: 0)
        let day = CivilDate.d(2027, 1, 16)
        let (home, ids) = try fixture.addHousehold("P1", members: [(.d(1970, 1, 1), .held, true), (.d(1972, 1, 1), .held, true), (.d(2000, 1, 1), .held, true)])
        let meeting = try Self.plan(fixture, basis: .adults, on: day)
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: day.instant(hour: 19))
        let code = try #require(try fixture.database.meeting(id: meeting.id!).presenceCode)
        let account = try fixture.database.createAccount(NewAccount(communityID: fixture.communityID, username: "husband", displayName: "丈夫", password: "password-123",
                                                                    roles: [.resident], residentID: ids[0]), actor: .commandLine)
        let husband = try #require(try fixture.database.residentIdentity(account: account))
        // From home (no code): refused. His account cannot check in his wife and son.
        #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: husband, residentID: nil, presenceCode: "") }
        #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: husband, residentID: ids[1], presenceCode: code) }
        #expect(try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: husband, residentID: nil, presenceCode: code).present == 1)
        // The household card checks in one adult, not a second.
        let card = try fixture.cardIdentity(householdID: home, residentID: nil)
        #expect(try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: card, residentID: ids[1], presenceCode: code).present == 2)
        #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: card, residentID: ids[2], presenceCode: code) }
        #expect(try fixture.database.quorum(meetingID: meeting.id!).present == 2)
    }

    // MARK: 3: the notice fixes the agenda

    @Test("changing the agenda after the notice publishes a new notice dated that day; a late change needs a reason")
    func agendaFrozenByNotice() throws {
        let fixture = try CouncilFixture(households: 0)
        try fixture.addHousehold("N1", members: [(.d(1970, 1, 1), .held, true)])
        let day = CivilDate.d(2027, 1, 30)
        let meeting = try Self.plan(fixture, basis: .adults, on: day)   // noticed on 10 January
        #expect(meeting.noticeOn == .d(2027, 1, 10) && meeting.noticeRevision == 1)
        // 15 January: 15 days ahead, at least noticeDays (10): a new notice of that day.
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "增补事项", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2027, 1, 15).instant(hour: 9))
        var now = try fixture.database.meeting(id: meeting.id!)
        #expect(now.noticeOn == .d(2027, 1, 15) && now.noticeRevision == 2 && now.lateNoticeReason == nil)
        // 25 January: 5 days ahead — refused without a reason, for adding and for removing.
        let items = try fixture.database.agenda(meetingID: meeting.id!)
        #expect(throws: CommunityError.self) {
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "再增补", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2027, 1, 25).instant(hour: 9))
        }
        #expect(throws: CommunityError.self) { try fixture.database.removeAgendaItem(id: items[1].id!, actor: .commandLine, now: CivilDate.d(2027, 1, 25).instant(hour: 9)) }
        #expect(try fixture.database.agenda(meetingID: meeting.id!).count == 2)
        try fixture.database.removeAgendaItem(id: items[1].id!, lateReason: "增补事项已由街道统一处理", actor: .commandLine, now: CivilDate.d(2027, 1, 25).instant(hour: 9))
        now = try fixture.database.meeting(id: meeting.id!)
        #expect(now.noticeOn == .d(2027, 1, 25) && now.noticeRevision == 3 && now.lateNoticeReason == "增补事项已由街道统一处理")
    }

    // MARK: 4: overdue

    static let allStates = MotionWorkflow.standard.states.map(\.key) + ["customReview"]

    @Test("overdue equals the reference on generated motions (seed printed)")
    func overdueMatchesReference() throws {
        let seed = Self.seed()
        var rng = SeededGenerator(seed: seed)
        let closed: Set<String> = ["withdrawn", "merged", "archived", "passed", "rejected", "deferred", "implementing", "completed", "evaluated"]
        let base = CivilDate.d(2026, 12, 1)
        for index in 0..<5_000 {
            let submitted = base.adding(days: Int.random(in: -60...0, using: &rng))
            let today = submitted.adding(days: Int.random(in: 0...60, using: &rng))
            let state = Self.allStates.randomElement(using: &rng)!
            // A reply is given on a day up to today.
            let replied: CivilDate? = Bool.random(using: &rng) ? submitted.adding(days: Int.random(in: 0...submitted.days(until: today), using: &rng)) : nil
            var motion = Motion(communityID: 1, number: "2026-\(index)", seq: index, title: "t", description: "d", category: "c", building: "", unit: "", grid: "",
                                householdID: 1, residentID: nil, submitterLabel: "", channel: "paper", enteredBy: nil, submittedAt: "", submittedOn: submitted,
                                state: state, stateSince: "", acceptDue: submitted.adding(days: Int.random(in: 5...9, using: &rng)),
                                replyDue: submitted.adding(days: Int.random(in: 15...25, using: &rng)), tracking: "")
            motion.reply = replied.map { _ in "答复" }
            motion.repliedOn = replied
            let open = !closed.contains(state)
            let acceptLate = open && state == "submitted" && today > motion.acceptDue
            let replyLate = open && today > motion.replyDue && (replied == nil)
            #expect(motion.overdue(today: today) == (acceptLate || replyLate), "seed \(seed): \(state), accept \(motion.acceptDue), reply \(motion.replyDue), replied \(String(describing: replied)), today \(today)")
        }
    }

    @Test("withdrawn, merged, archived and evaluated motions are never overdue, in the list and in the monthly report")
    func overdueStates() throws {
        let fixture = try CouncilFixture()
        let received = CivilDate.d(2026, 10, 1)
        var motions: [Motion] = []
        for index in 0..<6 { motions.append(try fixture.motion("议题\(index)", from: index + 1, on: received).0) }
        _ = try fixture.database.moveMotion(id: motions[0].id!, action: "withdraw", reason: nil, by: .submitter(try fixture.household(1)), now: CivilDate.d(2026, 10, 2).instant())
        _ = try fixture.database.moveMotion(id: motions[1].id!, action: "merge", reason: "同一事项", target: motions[2].number, by: .committee(fixture.chair), now: CivilDate.d(2026, 10, 2).instant())
        _ = try fixture.database.moveMotion(id: motions[3].id!, action: "notAccept", reason: "不属议事范围", by: .committee(fixture.chair), now: CivilDate.d(2026, 10, 2).instant())
        _ = try fixture.database.moveMotion(id: motions[3].id!, action: "archive", reason: nil, by: .committee(fixture.chair), now: CivilDate.d(2026, 10, 3).instant())
        // Open and unanswered: motions[2] (submitted), motions[4] and motions[5] (submitted).
        let today = CivilDate.d(2026, 12, 1)
        let overdue = try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(overdueOnly: true), today: today).map(\.motion.number)
        #expect(Set(overdue) == Set([motions[2].number, motions[4].number, motions[5].number]))
        let report = try fixture.database.disclosureReport(communityID: fixture.communityID, year: 2026, month: 11)
        #expect(report.overdue == 3)
    }

    // MARK: 7 and 8: supports and the threshold

    /// Residents who may take part, with their households, from the fixture's generated community.
    static func eligibleIdentities(_ fixture: CouncilFixture, on day: CivilDate) throws -> [(household: Int64, resident: Int64)] {
        try fixture.database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, householdID, birthDate, politicalRights, livesHere FROM resident WHERE householdID IS NOT NULL ORDER BY id").compactMap { row in
                let birth = CivilDate(row["birthDate"] as String)!
                guard referenceEligible(birth: birth, rights: PoliticalRights(rawValue: row["politicalRights"])!, livesHere: row["livesHere"], on: day) else { return nil }
                return (row["householdID"], row["id"])
            }
        }
    }

    @Test("supports count by the unit in force and the threshold binds once reached, against a reference on generated sequences (seed printed)")
    func supportsAndThresholdMatchReference() throws {
        let seed = Self.seed()
        var rng = SeededGenerator(seed: seed)
        let fixture = try CouncilFixture(households: 30)
        let day = CivilDate.d(2026, 11, 2)
        let people = try Self.eligibleIdentities(fixture, on: day)
        let workflow = MotionWorkflow.standard
        for round in 0..<120 {
            let submitter = people.randomElement(using: &rng)!
            var settings = try fixture.database.councilSettings(communityID: fixture.communityID)
            settings.supportThreshold = Int.random(in: 1...5, using: &rng)
            settings.supportUnit = Bool.random(using: &rng) ? .household : .resident
            try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
            let motion = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "议题\(round)", description: "说明", category: "facilities"),
                                                           by: .resident(try fixture.cardIdentity(householdID: submitter.household, residentID: submitter.resident)),
                                                           signingKey: fixture.key, now: day.instant(hour: 10)).0
            // Reference state: who supports (household, resident), whether the threshold was marked.
            var supporters: [(household: Int64, resident: Int64)] = []
            var marked = false
            func count(_ unit: SupportUnit) -> Int {
                unit == .household ? Set(supporters.map(\.household)).count : Set(supporters.map(\.resident)).count
            }
            for step in 0..<14 {
                let person = people.randomElement(using: &rng)!
                let identity = try fixture.cardIdentity(householdID: person.household, residentID: person.resident)
                let context = "seed \(seed), round \(round), step \(step)"
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    settings.supportUnit = settings.supportUnit == .household ? .resident : .household
                    try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
                case 1..<7:
                    let duplicate = settings.supportUnit == .household ? supporters.contains { $0.household == person.household } : supporters.contains { $0.resident == person.resident }
                    let expectOK = person.household != submitter.household && !duplicate
                    let result = try? fixture.database.supportMotion(id: motion.id!, as: identity, now: day.instant(hour: 11))
                    #expect((result != nil) == expectOK, "\(context): support")
                    if expectOK {
                        supporters.append(person)
                        if count(settings.supportUnit) >= settings.supportThreshold { marked = true }
                        #expect(result == count(settings.supportUnit), "\(context): count after support")
                    }
                default:
                    let mine = settings.supportUnit == .household ? supporters.filter { $0.household == person.household } : supporters.filter { $0.resident == person.resident }
                    let result = try? fixture.database.withdrawSupport(id: motion.id!, as: identity, now: day.instant(hour: 12))
                    #expect((result != nil) == !mine.isEmpty, "\(context): withdraw")
                    if !mine.isEmpty {
                        supporters.removeAll { settings.supportUnit == .household ? $0.household == person.household : $0.resident == person.resident }
                    }
                }
                let current = try fixture.database.motion(id: motion.id!)
                let supports = try fixture.database.supportCount(motionID: motion.id!)
                #expect(supports == count(settings.supportUnit), "\(context): count by the unit in force")
                let expectedMust = (marked || supports >= settings.supportThreshold) && workflow.state(current.state)?.supportsOpen == true
                #expect(try fixture.database.mustSchedule(motionID: motion.id!) == expectedMust, "\(context): must schedule")
                let listed = try fixture.database.motionsToSchedule(communityID: fixture.communityID).contains { $0.motion.id == motion.id }
                #expect(listed == expectedMust, "\(context): must-schedule list")
                let lines = try fixture.database.motionHistory(motionID: motion.id!).filter { $0.action == "threshold" }.count
                #expect(lines == (marked ? 1 : 0), "\(context): threshold line once")
            }
        }
    }

    @Test("the issue's case: resident supports, switch back to household, one per household; 8 supports cannot be refused and stay binding after a withdrawal")
    func thresholdBinds() throws {
        let fixture = try CouncilFixture(households: 0)
        let day = CivilDate.d(2026, 11, 2)
        let (submitter, submitterIDs) = try fixture.addHousehold("T0", members: [(.d(1970, 1, 1), .held, true)])
        var settings = try fixture.database.councilSettings(communityID: fixture.communityID)
        settings.supportUnit = .resident
        settings.supportThreshold = 8
        try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
        let motion = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "停车", description: "停车难", category: "facilities"),
                                                       by: .resident(try fixture.cardIdentity(householdID: submitter, residentID: submitterIDs[0])),
                                                       signingKey: fixture.key, now: day.instant(hour: 10)).0
        let (family, familyIDs) = try fixture.addHousehold("T1", members: [(.d(1970, 1, 1), .held, true), (.d(1971, 1, 1), .held, true), (.d(1995, 1, 1), .held, true)])
        for id in familyIDs { try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: family, residentID: id)) }
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 3)
        settings.supportUnit = .household
        try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 1)
        #expect(throws: CommunityError.self) { try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: family, residentID: familyIDs[0])) }
        // The submitter's own household: the message says it does not co-sign, not that it is counted.
        do {
            try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: submitter, residentID: submitterIDs[0]))
            Issue.record("the submitting household co-signed")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("submitted") && !message.contains("counted already"))
        }
        var households: [Int64] = [family]
        for index in 0..<7 {
            let (household, ids) = try fixture.addHousehold("T\(index + 2)", members: [(.d(1980, 1, 1), .held, true)])
            try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: household, residentID: ids[0]))
            households.append(household)
        }
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 8)
        #expect(try fixture.database.mustSchedule(motionID: motion.id!))
        #expect(try fixture.database.motionHistory(motionID: motion.id!).filter { $0.action == "threshold" }.count == 1)
        #expect(throws: CommunityError.self) { _ = try fixture.move(motion, "notAccept", reason: "不受理") }
        #expect(try fixture.database.availableMoves(motionID: motion.id!, by: .committee).map(\.action).contains("notAccept") == false)
        // One household withdraws: still binding.
        try fixture.database.withdrawSupport(id: motion.id!, as: try fixture.cardIdentity(householdID: households[3], residentID: nil))
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 7)
        #expect(try fixture.database.mustSchedule(motionID: motion.id!))
        #expect(throws: CommunityError.self) { _ = try fixture.move(motion, "notAccept", reason: "不受理") }
        // Re-reaching 8 does not write the line again.
        let (late, lateIDs) = try fixture.addHousehold("T99", members: [(.d(1980, 1, 1), .held, true)])
        try fixture.database.supportMotion(id: motion.id!, as: try fixture.cardIdentity(householdID: late, residentID: lateIDs[0]))
        #expect(try fixture.database.motionHistory(motionID: motion.id!).filter { $0.action == "threshold" }.count == 1)
        // Referring with a reason is still possible.
        #expect(try fixture.move(motion, "refer", reason: "属物业事项", target: "物业公司").state == "referred")
    }

    // MARK: 13: postponed and cancelled meetings

    @Test("a meeting is postponed (new notice needed) or cancelled with a reason; its motions return to accepted; a lapsed one is cancelled")
    func postponeAndCancel() throws {
        let fixture = try CouncilFixture()
        for resident in try fixture.heads(5) {
            try fixture.database.addBodyMember(communityID: fixture.communityID, body: .council, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        let motion = try fixture.move(try fixture.motion("议题", from: 1, on: .d(2026, 11, 2)).0, "accept")
        func planCouncil(_ day: CivilDate) throws -> Meeting {
            let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .councilMeeting, title: "议事园会议", date: day, time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
                recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant(hour: 9))
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: nil, motionNumber: motion.number, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant(hour: 9))
            return try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant(hour: 10))
        }
        let meeting = try planCouncil(.d(2026, 12, 20))
        #expect(try fixture.database.motion(id: motion.id!).state == "scheduled")
        #expect(throws: CommunityError.self) { _ = try fixture.database.postponeMeeting(id: meeting.id!, to: .d(2027, 1, 10), reason: " ", actor: .commandLine) }
        let postponed = try fixture.database.postponeMeeting(id: meeting.id!, to: .d(2027, 1, 10), reason: "会议室维修", actor: .commandLine, now: CivilDate.d(2026, 12, 5).instant())
        #expect(postponed.status == .draft && postponed.postponedFrom == .d(2026, 12, 20) && postponed.date == .d(2027, 1, 10) && postponed.entitled == 0)
        #expect(try fixture.database.motion(id: motion.id!).state == "accepted")
        #expect(try fixture.database.attendees(meetingID: meeting.id!).isEmpty)
        // Cancelled: the motion returns to accepted, the item stays on the record.
        let other = try planCouncil(.d(2026, 12, 21))
        let cancelled = try fixture.database.cancelMeeting(id: other.id!, reason: "与街道会议冲突", actor: .commandLine)
        #expect(cancelled.status == .cancelled && cancelled.cancelReason == "与街道会议冲突")
        #expect(try fixture.database.motion(id: motion.id!).state == "accepted")
        #expect(throws: CommunityError.self) { _ = try fixture.database.openMeeting(id: other.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 21).instant(hour: 19)) }
        // A noticed meeting whose day passed without opening is cancelled by the sweep.
        let lapsed = try planCouncil(.d(2026, 12, 22))
        #expect(try fixture.database.cancelLapsedMeetings(communityID: fixture.communityID, actor: .commandLine, now: CivilDate.d(2026, 12, 22).instant(hour: 23)) == 0)
        #expect(throws: CommunityError.self) { _ = try fixture.database.openMeeting(id: lapsed.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 23).instant(hour: 19)) }
        #expect(try fixture.database.cancelLapsedMeetings(communityID: fixture.communityID, actor: .commandLine, now: CivilDate.d(2026, 12, 23).instant(hour: 9)) == 1)
        #expect(try fixture.database.meeting(id: lapsed.id!).status == .cancelled)
        #expect(try fixture.database.motion(id: motion.id!).state == "accepted")
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("meeting dates: today up to two years ahead; 9999-12-31 is refused naming the date")
    func meetingDateRange() throws {
        let fixture = try CouncilFixture(households: 0)
        func plan(_ day: CivilDate) throws {
            _ = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .councilMeeting, title: "会议", date: day, time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
                recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        }
        do {
            try plan(CivilDate(year: 9999, month: 12, day: 31)!)
            Issue.record("9999-12-31 was accepted")
        } catch let CommunityError.invalid(field, _) {
            #expect(field == "date")
        }
        #expect(throws: CommunityError.self) { try plan(.d(2026, 11, 30)) }
        try plan(.d(2028, 12, 1))
        #expect(throws: CommunityError.self) { try plan(.d(2028, 12, 3)) }
    }

    // MARK: 11: control characters

    @Test("a NUL or another control character is refused naming the field, wherever text is kept")
    func controlCharacters() throws {
        let fixture = try CouncilFixture()
        let motion = try fixture.motion().0
        func field(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let CommunityError.invalid(field, _) { return field } catch { return "\(error)" }
        }
        #expect(field { _ = try fixture.motion("电梯\u{0}停运") } == "title")
        #expect(field { try fixture.database.addComment(motionID: motion.id!, body: "同意\u{7}", internal: false, author: "x", actor: .commandLine, staff: true) } == "body")
        #expect(field { try fixture.database.replyToMotion(id: motion.id!, text: "已处理\u{0}", actor: .commandLine, by: fixture.chair) } == "reply")
        #expect(field {
            _ = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .councilMeeting, title: "会议\u{0}", date: .d(2026, 12, 20), time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
                recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        } == "title")
        // Line breaks stay allowed in multi-line text.
        try fixture.database.addComment(motionID: motion.id!, body: "第一行\n第二行", internal: false, author: "x", actor: .commandLine, staff: true)
    }

    // MARK: L25: the Party organisation's pre-discussion

    @Test("an important item is voted only after the Party organisation's pre-discussion is recorded (date, summary)")
    func partyPreDiscussion() throws {
        let fixture = try CouncilFixture()
        for resident in try fixture.heads(3) {
            try fixture.database.addBodyMember(communityID: fixture.communityID, body: .council, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        let day = CivilDate.d(2026, 12, 20)
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: day, time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        let item = try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "小区停车收费方案", motionNumber: nil, important: true, actor: .commandLine,
                                                      now: CivilDate.d(2026, 12, 1).instant())
        let plain = try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "通报", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        _ = try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant(hour: 10))
        // Only the committee records it; not in the future, not after the meeting day; a summary is needed.
        #expect(throws: CommunityError.self) { try fixture.database.recordPartyPreDiscussion(itemID: item.id!, on: .d(2026, 12, 10), summary: "同意", by: fixture.recorder, now: CivilDate.d(2026, 12, 15).instant()) }
        #expect(throws: CommunityError.self) { try fixture.database.recordPartyPreDiscussion(itemID: item.id!, on: .d(2026, 12, 16), summary: "同意", by: fixture.chair, now: CivilDate.d(2026, 12, 15).instant()) }
        #expect(throws: CommunityError.self) { try fixture.database.recordPartyPreDiscussion(itemID: item.id!, on: .d(2026, 12, 10), summary: " ", by: fixture.chair, now: CivilDate.d(2026, 12, 15).instant()) }
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: day.instant(hour: 19))
        for attendee in try fixture.database.attendees(meetingID: meeting.id!) {
            try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: attendee.id!, actor: .commandLine, now: day.instant(hour: 19))
        }
        do {
            try fixture.database.recordVote(itemID: item.id!, .counts(for: 3, against: 0, abstain: 0), actor: .commandLine, now: day.instant(hour: 19))
            Issue.record("an important item was voted without the Party organisation's pre-discussion")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("Party organisation"))
        }
        try fixture.database.recordVote(itemID: plain.id!, .counts(for: 3, against: 0, abstain: 0), actor: .commandLine, now: day.instant(hour: 19))
        try fixture.database.recordPartyPreDiscussion(itemID: item.id!, on: .d(2026, 12, 12), summary: "社区党委研究同意提交会议表决，建议分档收费。", by: fixture.chair,
                                                      now: day.instant(hour: 18))
        let recorded = try #require(try fixture.database.agenda(meetingID: meeting.id!).first { $0.id == item.id })
        #expect(recorded.partyDiscussedOn == .d(2026, 12, 12) && recorded.partyDiscussionRecordedBy == "chair" && recorded.important)
        let decided = try fixture.database.recordVote(itemID: item.id!, .counts(for: 2, against: 1, abstain: 0), actor: .commandLine, now: day.instant(hour: 20))
        #expect(decided.decision == .passed)
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    // MARK: L25: meetingsPerYear, and a residents' meeting through the groups' representatives

    @Test("a residents' meeting through the residents' groups' representatives: they are the roll, more than half is a quorum; the year's reminder counts held and planned meetings")
    func residentsMeetingsPerYear() throws {
        let fixture = try CouncilFixture()
        try fixture.representatives(try fixture.eligibleHeads(5), since: .d(2026, 1, 1))
        let today = CivilDate.d(2026, 6, 1)
        var reminder = try fixture.database.meetingsPerYearReminder(communityID: fixture.communityID, today: today)
        #expect(reminder == MeetingsPerYearReminder(year: 2026, held: 0, planned: 0, required: 2) && reminder.behind)
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .residentsMeeting, basis: .representatives, title: "居民会议（居民小组代表）", date: .d(2026, 6, 20), time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: today.instant())
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "年度工作报告", motionNumber: nil, actor: .commandLine, now: today.instant())
        let noticed = try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: today.instant(hour: 10))
        #expect(noticed.entitled == 5)
        reminder = try fixture.database.meetingsPerYearReminder(communityID: fixture.communityID, today: today)
        #expect(reminder.held == 0 && reminder.planned == 1 && reminder.behind)
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 6, 20).instant(hour: 19))
        let roll = try fixture.database.attendees(meetingID: meeting.id!)
        for attendee in roll.prefix(2) { try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: attendee.id!, actor: .commandLine, now: CivilDate.d(2026, 6, 20).instant(hour: 19)) }
        #expect(!(try fixture.database.quorum(meetingID: meeting.id!).hasQuorum))
        try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: roll[2].id!, actor: .commandLine, now: CivilDate.d(2026, 6, 20).instant(hour: 19))
        #expect(try fixture.database.quorum(meetingID: meeting.id!).hasQuorum)
        let item = try #require(try fixture.database.agenda(meetingID: meeting.id!).first)
        try fixture.database.recordVote(itemID: item.id!, .counts(for: 3, against: 0, abstain: 0), actor: .commandLine, now: CivilDate.d(2026, 6, 20).instant(hour: 20))
        _ = try fixture.database.closeMeeting(id: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 6, 20).instant(hour: 21))
        reminder = try fixture.database.meetingsPerYearReminder(communityID: fixture.communityID, today: .d(2026, 6, 21))
        #expect(reminder.held == 1 && reminder.planned == 0 && reminder.behind)
        var settings = try fixture.database.councilSettings(communityID: fixture.communityID)
        settings.meetingsPerYear = 1
        try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
        #expect(!(try fixture.database.meetingsPerYearReminder(communityID: fixture.communityID, today: .d(2026, 6, 21)).behind))
    }

    // MARK: L25: the yearly work report

    @Test("the committee's yearly work report: one per year, given to a residents' or representatives' meeting, signed with the community key")
    func workReport() throws {
        let fixture = try CouncilFixture()
        let now = CivilDate.d(2026, 12, 28).instant()
        let council = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: .d(2026, 12, 30), time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        let residents = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .residentsMeeting, basis: .households, title: "居民会议", date: .d(2026, 12, 30), time: "19:00", venue: "广场", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        func publish(year: Int = 2026, meeting: Int64?, text: String = "一、议题办理情况……") throws -> WorkReport {
            try fixture.database.publishWorkReport(communityID: fixture.communityID, year: year, title: "居委会工作报告", text: text, meetingID: meeting,
                                                   signingKey: fixture.key, actor: .commandLine, now: now)
        }
        #expect(throws: CommunityError.self) { _ = try publish(meeting: council.id!) }
        #expect(throws: CommunityError.self) { _ = try publish(year: 2027, meeting: nil) }
        #expect(throws: CommunityError.self) { _ = try publish(meeting: nil, text: "报告\u{0}") }
        let report = try publish(meeting: residents.id!)
        #expect(throws: CommunityError.self) { _ = try publish(meeting: nil) }
        let bytes = Data(report.document.utf8)
        #expect(SHA256.hash(bytes).hex == report.digest)
        try fixture.key.publicKey.verify(signature: try #require(Base64.decode(report.signature)), for: bytes)
        let document = try JSONDecoder().decode(WorkReportDocument.self, from: bytes)
        #expect(document.year == 2026 && document.meeting == "2026-12-30 居民会议" && document.text == "一、议题办理情况……")
        #expect(try fixture.database.workReports(communityID: fixture.communityID).map(\.year) == [2026])
    }

    // MARK: 6: the community key

    @Test("the community key is published with its fingerprint, and it checks a motion receipt")
    func communityKey() throws {
        let fixture = try CouncilFixture()
        let keys = try fixture.database.communityPublicKeys(communityID: fixture.communityID)
        #expect(keys.count == 1 && keys[0].keyID == fixture.key.keyID)
        #expect(keys[0].fingerprint == SHA256.hash(fixture.key.publicKey.rawRepresentation).hex && keys[0].fingerprint.hasPrefix(keys[0].keyID))
        let (_, receipt) = try fixture.motion()
        let published = try Ed25519PublicKey(pem: keys[0].publicKeyPEM)
        #expect(published == fixture.key.publicKey)
        #expect(receipt.statement.key == keys[0].keyID)
    }
}
