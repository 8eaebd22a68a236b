import Community
import Foundation
import GRDB
import Testing
@testable import Councils
import Notary

@Suite("implementation, ratings, assessment, disclosure report")
struct ImplementationEvaluationTests {
    /// A motion passed by a council meeting (members 5, all present).
    func passedMotion(_ fixture: CouncilFixture, title: String = "楼道堆物清理") throws -> Motion {
        for resident in try fixture.heads(3) {
            try fixture.database.addBodyMember(communityID: fixture.communityID, body: .council, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        let motion = try fixture.move(try fixture.motion(title, from: 1, on: .d(2026, 11, 2)).0, "accept")
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "会议", date: .d(2026, 11, 20), time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 11, 3).instant())
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: nil, motionNumber: motion.number, actor: .commandLine, now: CivilDate.d(2026, 11, 3).instant())
        _ = try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 11, 3).instant())
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 11, 20).instant(hour: 19))
        for attendee in try fixture.database.attendees(meetingID: meeting.id!) {
            try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: attendee.id!, actor: .commandLine, now: CivilDate.d(2026, 11, 20).instant(hour: 19))
        }
        try fixture.database.recordVote(itemID: try fixture.database.agenda(meetingID: meeting.id!)[0].id!, .counts(for: 3, against: 0, abstain: 0), actor: .commandLine)
        return try fixture.database.motion(number: motion.number, communityID: fixture.communityID)
    }

    @Test("implementation: an owner, milestones with overdue ones on the dashboard, progress with a photo, completion only when every milestone is done")
    func implementation() throws {
        let fixture = try CouncilFixture()
        let motion = try passedMotion(fixture)
        #expect(motion.state == "passed")
        #expect(throws: CommunityError.self) { _ = try fixture.database.moveMotion(id: motion.id!, action: "implement", reason: nil, by: .committee(fixture.chair)) }
        #expect(throws: CommunityError.self) { _ = try fixture.database.startImplementation(motionID: motion.id!, owner: "", ownerKind: .unit, by: fixture.chair) }
        #expect(throws: CommunityError.self) { _ = try fixture.database.startImplementation(motionID: motion.id!, owner: "安和物业", ownerKind: .unit, by: fixture.clerk) }
        let started = try fixture.database.startImplementation(motionID: motion.id!, owner: "安和物业", ownerKind: .unit, by: fixture.chair, now: CivilDate.d(2026, 11, 21).instant())
        #expect(started.owner == "安和物业")
        #expect(try fixture.database.motion(id: motion.id!).state == "implementing")
        let first = try fixture.database.addMilestone(motionID: motion.id!, title: "摸排", due: .d(2026, 11, 25), actor: .commandLine)
        try fixture.database.addMilestone(motionID: motion.id!, title: "清理", due: .d(2026, 12, 10), actor: .commandLine)
        let overdue = try fixture.database.overdueMilestones(communityID: fixture.communityID, today: .d(2026, 11, 26))
        #expect(overdue.map(\.milestone.title) == ["摸排"] && overdue.first?.owner == "安和物业")
        let jpeg = TestImages.jpeg()
        let note = try fixture.database.addProgressNote(motionID: motion.id!, text: "已摸排 1–3 号楼", photo: jpeg, author: "王主任", actor: .commandLine)
        #expect(note.photoSHA256 == SHA256.hash(jpeg).hex)
        #expect(try fixture.database.progressPhoto(noteID: note.id!)?.bytes == jpeg)
        #expect(throws: CommunityError.self) { try fixture.database.addProgressNote(motionID: motion.id!, text: "x", photo: Data("not an image".utf8), author: "x", actor: .commandLine) }
        try fixture.database.completeMilestone(id: first.id!, note: "完成", actor: .commandLine, now: CivilDate.d(2026, 11, 24).instant())
        do {
            try fixture.database.completeImplementation(motionID: motion.id!, completion: "完成", by: fixture.chair)
            Issue.record("completed with a milestone open")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("清理"))
        }
        let second = try #require(try fixture.database.milestones(motionID: motion.id!).first { $0.doneOn == nil })
        try fixture.database.completeMilestone(id: second.id!, note: nil, actor: .commandLine)
        try fixture.database.completeImplementation(motionID: motion.id!, completion: "已清理堆物 36 处", by: fixture.chair)
        #expect(try fixture.database.motion(id: motion.id!).state == "completed")
        #expect(try fixture.database.implementation(motionID: motion.id!)?.completion == "已清理堆物 36 处")
        #expect(throws: CommunityError.self) { try fixture.database.addMilestone(motionID: motion.id!, title: "再加", due: .d(2027, 1, 1), actor: .commandLine) }
    }

    func completedMotion(_ fixture: CouncilFixture) throws -> Motion {
        let motion = try passedMotion(fixture)
        _ = try fixture.database.startImplementation(motionID: motion.id!, owner: "安和物业", ownerKind: .unit, by: fixture.chair)
        try fixture.database.completeImplementation(motionID: motion.id!, completion: "完成", by: fixture.chair)
        return try fixture.database.motion(id: motion.id!)
    }

    @Test("ratings: only completed motions, one per household, aggregates; closing the evaluation moves the motion and audits only totals")
    func ratings() throws {
        let fixture = try CouncilFixture()
        let motion = try completedMotion(fixture)
        var household = 2
        while try fixture.membersOf(household).count < 2 { household += 1 }
        try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(household, member: 0), rating: .satisfied, comment: "很好")
        do {
            try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(household, member: 1), rating: .dissatisfied, comment: nil)
            Issue.record("a second rating from one household was accepted")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("already rated"))
        }
        try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(household + 1), rating: .basic, comment: nil)
        try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(household + 2), rating: .dissatisfied, comment: "太慢")
        let summary = try fixture.database.ratingSummary(motionID: motion.id!)
        #expect(summary.counts == [.satisfied: 1, .basic: 1, .dissatisfied: 1])
        #expect(Set(summary.comments) == ["很好", "太慢"])
        #expect(abs(summary.satisfactionRate - 2.0 / 3.0) < 1e-9)
        #expect(try fixture.database.hasRated(motionID: motion.id!, identity: try fixture.household(household, member: 1)))
        let evaluated = try fixture.database.closeEvaluation(motionID: motion.id!, by: fixture.chair)
        #expect(evaluated.state == "evaluated")
        #expect(throws: CommunityError.self) { try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(household + 3), rating: .satisfied, comment: nil) }
        // A motion not yet completed cannot be rated.
        let open = try fixture.motion("另一议题", from: 9).0
        #expect(throws: CommunityError.self) { try fixture.database.rateMotion(id: open.id!, identity: try fixture.household(10), rating: .satisfied, comment: nil) }
    }

    @Test("ratingUnit = representative: only serving representatives rate, once each")
    func representativeRatings() throws {
        let fixture = try CouncilFixture()
        let motion = try completedMotion(fixture)
        var settings = try fixture.database.councilSettings(communityID: fixture.communityID)
        settings.ratingUnit = .representative
        try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
        let representative = try fixture.household(12)
        try fixture.representatives([representative.residentID!], since: .d(2026, 1, 1))
        #expect(throws: CommunityError.self) { try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(13), rating: .satisfied, comment: nil) }
        try fixture.database.rateMotion(id: motion.id!, identity: representative, rating: .basic, comment: nil)
        #expect(throws: CommunityError.self) { try fixture.database.rateMotion(id: motion.id!, identity: representative, rating: .basic, comment: nil) }
        #expect(try fixture.database.ratingSummary(motionID: motion.id!).counts == [.basic: 1])
    }

    @Test("no query can link a rating or a score to who gave it: no rater column, no time, no order, no audit entry naming the rater")
    func unlinkable() throws {
        let fixture = try CouncilFixture()
        let motion = try completedMotion(fixture)
        let auditBefore = try fixture.database.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEntry")! }
        // Rate in a known order: household 5 satisfied, 6 dissatisfied, 7 basic.
        let order: [(Int, Satisfaction)] = [(5, .satisfied), (6, .dissatisfied), (7, .basic)]
        for (number, rating) in order { try fixture.database.rateMotion(id: motion.id!, identity: try fixture.household(number), rating: rating, comment: nil) }
        try fixture.database.reader.read { db in
            // 1. The rating table has no column that could hold a rater, a household, an account or a time.
            let columns = try db.columns(in: "motionRating").map { $0.name.lowercased() }
            #expect(Set(columns) == ["id", "motionid", "month", "rating", "comment"])
            let markColumns = try db.columns(in: "motionRatingMark").map { $0.name.lowercased() }
            #expect(Set(markColumns) == ["motionid", "unit"])
            // 2. Both tables are WITHOUT ROWID: there is no insertion order to join on.
            for table in ["motionRating", "motionRatingMark", "assessmentScore", "assessmentMark"] {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                #expect(sql.contains("WITHOUT ROWID"), "\(table) keeps a rowid")
                #expect(throws: (any Error).self) { _ = try Row.fetchAll(db, sql: "SELECT rowid FROM \(table)") }
            }
            // 3. Each rating's key is 16 random bytes (their order is checked against the order given below).
            let ids = try Data.fetchAll(db, sql: "SELECT id FROM motionRating ORDER BY id")
            #expect(ids.count == 3 && Set(ids).count == 3 && ids.allSatisfy { $0.count == 16 })
            // 4. No audit entry was written by rating at all (nothing names a household, a time or a grade).
            let auditAfter = try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEntry")!
            #expect(auditAfter == auditBefore)
            // 5. Nothing in the whole database mentions a rater next to a grade: the only places a
            //    household appears with this motion are the marks, which carry no grade.
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                let tableColumns = try db.columns(in: table).map { $0.name.lowercased() }
                if tableColumns.contains("rating") || tableColumns.contains("score") {
                    #expect(!tableColumns.contains("unit") && !tableColumns.contains("householdid") && !tableColumns.contains("residentid") && !tableColumns.contains("at"), "\(table)")
                }
            }
        }
        // Random keys: over 60 ratings the key order matches the insertion order far less than always.
        let big = try CouncilFixture(households: 70)
        let second = try completedMotion(big)
        for number in 5...64 { try big.database.rateMotion(id: second.id!, identity: try big.household(number), rating: number % 2 == 0 ? .satisfied : .dissatisfied, comment: nil) }
        let sequence = try big.database.reader.read { db in try String.fetchAll(db, sql: "SELECT rating FROM motionRating WHERE motionID = ? ORDER BY id", arguments: [second.id!]) }
        let alternating = zip(sequence, sequence.dropFirst()).filter { $0 != $1 }.count
        #expect(alternating < 59, "the stored order reproduces the order ratings were given in")
    }

    @Test("the yearly assessment: representatives only, one sheet each, every member scored, results only when closed")
    func assessment() throws {
        let fixture = try CouncilFixture()
        let heads = try fixture.eligibleHeads(3)
        try fixture.representatives(heads, since: .d(2026, 1, 1))
        let assessment = try fixture.database.openAssessment(communityID: fixture.communityID, year: 2026, title: "2026年度测评",
                                                              subjects: [(name: "王丽华", post: "主任"), (name: "陈建国", post: "副主任")], actor: .commandLine)
        let subjects = try fixture.database.assessmentSubjects(assessmentID: assessment.id!)
        func identity(_ residentID: Int64) throws -> ResidentIdentity {
            let household = try fixture.database.reader.read { db in try Row.fetchOne(db, sql: "SELECT household.id, household.number FROM resident JOIN household ON household.id = resident.householdID WHERE resident.id = ?", arguments: [residentID])! }
            return try fixture.database.residentIdentity(household: HouseholdSession(householdID: household["id"], householdNumber: household["number"], expiresAt: .distantFuture), residentID: residentID)
        }
        let sheet: [Int64: (score: Int, grade: AssessmentGrade)] = [subjects[0].id!: (92, .excellent), subjects[1].id!: (70, .basic)]
        try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[0]), scores: sheet)
        #expect(throws: CommunityError.self) { try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[0]), scores: sheet) }
        #expect(throws: CommunityError.self) { try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[1]), scores: [subjects[0].id!: (80, .competent)]) }
        #expect(throws: CommunityError.self) {
            try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[1]), scores: [subjects[0].id!: (101, .excellent), subjects[1].id!: (80, .competent)])
        }
        let outsider = try fixture.database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM resident WHERE relationToHead = '户主' ORDER BY id LIMIT 1 OFFSET 10")! }
        #expect(throws: CommunityError.self) { try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(outsider), scores: sheet) }
        try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[1]), scores: [subjects[0].id!: (88, .competent), subjects[1].id!: (60, .basic)])
        #expect(throws: CommunityError.self) { _ = try fixture.database.assessmentResults(assessmentID: assessment.id!) }
        try fixture.database.closeAssessment(id: assessment.id!, actor: .commandLine)
        let results = try fixture.database.assessmentResults(assessmentID: assessment.id!)
        #expect(results.map(\.sheets) == [2, 2])
        #expect(results[0].averageScore == 90 && results[1].averageScore == 65)
        #expect(results[0].grades == [.excellent: 1, .competent: 1] && results[1].grades == [.basic: 2])
        #expect(throws: CommunityError.self) { try fixture.database.submitScoreSheet(assessmentID: assessment.id!, identity: try identity(heads[2]), scores: sheet) }
    }

    @Test("the monthly disclosure report counts the month's events, month-end overdue and the month's satisfaction")
    func disclosureReport() throws {
        let fixture = try CouncilFixture()
        let completed = try completedMotion(fixture)   // submitted 2 Nov, accepted and passed in November
        let refused = try fixture.motion("不属职责", from: 20, on: .d(2026, 11, 10)).0
        _ = try fixture.move(refused, "notAccept", reason: "属派出所")
        _ = try fixture.motion("十月的议题", from: 21, on: .d(2026, 10, 12))   // never accepted: overdue since October
        try fixture.database.rateMotion(id: completed.id!, identity: try fixture.household(30), rating: .satisfied, comment: nil, now: CivilDate.d(2026, 11, 28).instant(hour: 12))
        try fixture.database.rateMotion(id: completed.id!, identity: try fixture.household(31), rating: .dissatisfied, comment: nil, now: CivilDate.d(2026, 11, 28).instant(hour: 12))
        // Nothing of an open evaluation is in the report (issue 21): the ratings count once it closes.
        #expect(try fixture.database.disclosureReport(communityID: fixture.communityID, year: 2026, month: 11).ratings == 0)
        _ = try fixture.database.closeEvaluation(motionID: completed.id!, by: fixture.chair, now: CivilDate.d(2026, 11, 29).instant(hour: 9))
        let november = try fixture.database.disclosureReport(communityID: fixture.communityID, year: 2026, month: 11)
        #expect(november.received == 2)
        #expect(november.meetings == 1)
        #expect(november.ratings == 2 && november.satisfied == 1 && november.dissatisfied == 1)
        #expect(november.satisfactionPercent == 50.0 && november.satisfactionPerMille == 500)
        // The report's canonical JSON (xuanyi council report --json) holds integers only: a month
        // with ratings used to fail on the percentage's floating-point number.
        let json = String(decoding: try CanonicalJSON.encode(november), as: UTF8.self)
        #expect(json.contains("\"satisfactionPerMille\":500") && !json.contains("satisfactionPercent"))
        let october = try fixture.database.disclosureReport(communityID: fixture.communityID, year: 2026, month: 10)
        #expect(october.received == 1 && october.ratings == 0 && october.satisfactionPercent == nil)
        #expect(october.overdue == 1)   // accept deadline 19 Oct passed by 31 Oct
        #expect(november.csv.hasPrefix("\u{FEFF}月份,项目,数值\r\n2026-11,收到议题,2\r\n"))
        #expect(throws: CommunityError.self) { _ = try fixture.database.disclosureReport(communityID: fixture.communityID, year: 2026, month: 13) }
    }
}
