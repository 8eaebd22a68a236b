import Community
import Foundation
import GRDB
import Testing
@testable import Councils
import Notary

@Suite("hearings: notice, registration, selection, speaking order, record, report")
struct HearingTests {
    static let created = CivilDate.d(2026, 12, 1)
    static let day = CivilDate.d(2026, 12, 20)

    func plan(_ fixture: CouncilFixture, motion: String? = nil, capacity: Int = 4) throws -> Hearing {
        try fixture.database.createHearing(communityID: fixture.communityID, NewHearing(
            title: "物业费调整听证会", matter: "物业费调价", proposer: "安和物业", plan: "每平方米上调0.25元", motionNumber: motion, date: Self.day, time: "14:30",
            venue: "多功能厅", registrationDeadline: .d(2026, 12, 12), capacity: capacity, observerSeats: 1, chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: Self.created.instant(hour: 9))
    }

    /// Registers household heads 1…n with the given positions.
    func register(_ fixture: CouncilFixture, _ hearing: Hearing, positions: [HearingParticipant.Position]) throws -> [HearingParticipant] {
        try positions.enumerated().map { index, position in
            let identity = try fixture.household(index + 1)
            return try fixture.database.registerForHearing(id: hearing.id!, identity: identity, position: position, statement: nil, now: CivilDate.d(2026, 12, 5).instant(hour: 10))
        }
    }

    @Test("the notice needs hearingNoticeDays; registration only while the notice is out and until the deadline, once per resident")
    func noticeAndRegistration() throws {
        let fixture = try CouncilFixture()
        let hearing = try plan(fixture)
        #expect(throws: CommunityError.self) { _ = try fixture.database.registerForHearing(id: hearing.id!, identity: try fixture.household(1), position: .support, statement: nil) }
        do {
            _ = try fixture.database.publishHearingNotice(id: hearing.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 11).instant())
            Issue.record("a late hearing notice was published without a reason")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("at least 10 days") && message.contains("2026-12-10"))
        }
        #expect(try fixture.database.publishHearingNotice(id: hearing.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 10).instant()).status == .noticed)
        try fixture.database.registerForHearing(id: hearing.id!, identity: try fixture.household(1), position: .support, statement: "支持", now: CivilDate.d(2026, 12, 12).instant(hour: 20))
        #expect(throws: CommunityError.self) {
            try fixture.database.registerForHearing(id: hearing.id!, identity: try fixture.household(1), position: .oppose, statement: nil, now: CivilDate.d(2026, 12, 12).instant())
        }
        #expect(throws: CommunityError.self) {
            try fixture.database.registerForHearing(id: hearing.id!, identity: try fixture.household(2), position: .oppose, statement: nil, now: CivilDate.d(2026, 12, 13).instant())
        }
        #expect(throws: CommunityError.self) {   // a registration deadline after the hearing is refused
            _ = try fixture.database.createHearing(communityID: fixture.communityID, NewHearing(
                title: "x", matter: "x", proposer: "x", plan: "x", date: Self.day, time: "14:30", venue: "x", registrationDeadline: Self.day,
                capacity: 4, observerSeats: 0, chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: Self.created.instant())
        }
    }

    @Test("selection up to capacity, the balance view, and the speaking order alternating support and oppose")
    func selectionAndOrder() throws {
        let fixture = try CouncilFixture()
        let hearing = try plan(fixture, capacity: 5)
        _ = try fixture.database.publishHearingNotice(id: hearing.id!, actor: .commandLine, now: Self.created.instant(hour: 10))
        let people = try register(fixture, hearing, positions: [.oppose, .oppose, .oppose, .support, .other, .support])
        for person in people.prefix(5) { try fixture.database.setRepresentative(participantID: person.id!, selected: true, actor: .commandLine) }
        #expect(throws: CommunityError.self) { try fixture.database.setRepresentative(participantID: people[5].id!, selected: true, actor: .commandLine) }
        let balance = try fixture.database.hearingBalance(hearingID: hearing.id!)
        #expect(balance.byPosition.map(\.key) == ["support", "oppose", "other"])
        #expect(balance.byPosition.map(\.applicants) == [2, 3, 1])
        #expect(balance.byPosition.map(\.selected) == [1, 3, 1])
        #expect(balance.byBuilding.map(\.applicants).reduce(0, +) == 6)
        let company = try fixture.database.addHearingGuest(hearingID: hearing.id!, role: .stakeholder, name: "赵经理", organisation: "安和物业", actor: .commandLine)
        try fixture.database.addHearingGuest(hearingID: hearing.id!, role: .observer, name: "孙科长", organisation: "街道办", actor: .commandLine)
        #expect(throws: CommunityError.self) { try fixture.database.addHearingGuest(hearingID: hearing.id!, role: .observer, name: "多余", organisation: nil, actor: .commandLine) }
        #expect(throws: CommunityError.self) { _ = try fixture.database.startHearing(id: hearing.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 19).instant()) }
        _ = try fixture.database.startHearing(id: hearing.id!, actor: .commandLine, now: Self.day.instant(hour: 14))
        let order = try fixture.database.hearingParticipants(hearingID: hearing.id!).filter(\.role.speaks)
        // support (people[3]), oppose (0), oppose (1), oppose (2) — only one support selected — then other (4), then the stakeholder.
        #expect(order.map(\.id) == [people[3].id, people[0].id, people[1].id, people[2].id, people[4].id, company.id])
        #expect(order.map(\.speakingOrder) == [1, 2, 3, 4, 5, 6])
        #expect(HearingTests.alternates(try fixture.database.hearingParticipants(hearingID: hearing.id!)))
    }

    static func alternates(_ participants: [HearingParticipant]) -> Bool {
        let positions = participants.filter { $0.role == .representative }.sorted { $0.speakingOrder! < $1.speakingOrder! }.map(\.position)
        // Wherever both sides still have speakers, support and oppose take turns.
        let supports = positions.filter { $0 == .support }.count, opposes = positions.filter { $0 == .oppose }.count
        let paired = 2 * min(supports, opposes)
        return zip(positions.prefix(paired), positions.prefix(paired).dropFirst()).allSatisfy { $0 != $1 }
    }

    @Test("speaking order property: any mix alternates while both sides have speakers, and keeps everyone once")
    func orderProperty() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 1...20, using: &generator)
            let people = (0..<count).map { index in
                HearingParticipant(id: Int64(index), hearingID: 1, role: .representative, position: HearingParticipant.Position.allCases.randomElement(using: &generator)!,
                                   name: "p\(index)", building: "", registeredAt: "")
            }
            var order = AppDatabase.speakingOrder(people)
            #expect(Set(order.map(\.id)) == Set(people.map(\.id)) && order.count == people.count)
            for index in order.indices { order[index].speakingOrder = index + 1 }
            #expect(HearingTests.alternates(order))
            #expect(order.first?.position == (people.contains { $0.position == .support } ? .support : people.contains { $0.position == .oppose } ? .oppose : .other))
        }
    }

    @Test("the record: speeches while held, sign-off by each speaker (own account or paper), opinions decided, then the signed report moves the motion")
    func recordAndReport() throws {
        let fixture = try CouncilFixture()
        let motion = try fixture.move(try fixture.motion("物业费调价须听证", from: 30).0, "accept")
        let hearing = try plan(fixture, motion: motion.number, capacity: 2)
        #expect(try fixture.database.motion(number: motion.number, communityID: fixture.communityID).state == "scheduled")
        _ = try fixture.database.publishHearingNotice(id: hearing.id!, actor: .commandLine, now: Self.created.instant(hour: 10))
        let people = try register(fixture, hearing, positions: [.support, .oppose])
        for person in people { try fixture.database.setRepresentative(participantID: person.id!, selected: true, actor: .commandLine) }
        #expect(throws: CommunityError.self) { try fixture.database.recordSpeech(hearingID: hearing.id!, participantID: people[0].id!, minutes: 3, points: "x", questions: "", answers: "", by: fixture.recorder) }
        _ = try fixture.database.startHearing(id: hearing.id!, actor: .commandLine, now: Self.day.instant(hour: 14))
        #expect(throws: CommunityError.self) { _ = try fixture.database.closeHearing(id: hearing.id!, actor: .commandLine) }
        try fixture.database.recordSpeech(hearingID: hearing.id!, participantID: people[0].id!, minutes: 4, points: "支持调价", questions: "", answers: "", by: fixture.recorder)
        try fixture.database.recordSpeech(hearingID: hearing.id!, participantID: people[1].id!, minutes: 7, points: "反对", questions: "结余去向？", answers: "一个月内公开", by: fixture.recorder)
        let opinion = try fixture.database.addOpinion(hearingID: hearing.id!, participantID: people[1].id, summary: "先公开收支", actor: .commandLine)
        _ = try fixture.database.closeHearing(id: hearing.id!, actor: .commandLine)
        #expect(throws: CommunityError.self) {   // not everyone signed
            _ = try fixture.database.publishHearingReport(id: hearing.id!, text: "报告", outcome: .passed, signingKey: fixture.key, actor: .commandLine)
        }
        // Only the speaker themself signs with their identity; someone else's is refused.
        #expect(throws: CommunityError.self) { try fixture.database.signOffRecord(participantID: people[0].id!, identity: try fixture.household(2)) }
        try fixture.database.signOffRecord(participantID: people[0].id!, identity: try fixture.household(1))
        #expect(throws: CommunityError.self) { try fixture.database.signOffRecord(participantID: people[0].id!, paperRecordedBy: fixture.recorder) }
        try fixture.database.signOffRecord(participantID: people[1].id!, paperRecordedBy: fixture.recorder)
        // The chair signs too (issue 21, defect 9): refused to anyone else, recorded, and in the report.
        do {
            _ = try fixture.database.publishHearingReport(id: hearing.id!, text: "报告", outcome: .passed, signingKey: fixture.key, actor: .commandLine)
            Issue.record("a report without the chair's signature was published")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("chair"))
        }
        #expect(throws: CommunityError.self) { try fixture.database.signRecordAsChair(hearingID: hearing.id!, account: fixture.recorder) }
        try fixture.database.signRecordAsChair(hearingID: hearing.id!, account: fixture.chair)
        #expect(throws: CommunityError.self) { try fixture.database.signRecordAsChair(hearingID: hearing.id!, account: fixture.chair) }
        #expect(try fixture.database.hearing(id: hearing.id!).chairSignedBy == "chair")
        do {
            _ = try fixture.database.publishHearingReport(id: hearing.id!, text: "报告", outcome: .passed, signingKey: fixture.key, actor: .commandLine)
            Issue.record("a report with an undecided opinion was published")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("先公开收支"))
        }
        #expect(throws: CommunityError.self) { try fixture.database.decideOpinion(id: opinion.id!, adopted: true, reason: " ", actor: .commandLine) }
        try fixture.database.decideOpinion(id: opinion.id!, adopted: true, reason: "物业公司已同意公开", actor: .commandLine)
        let reported = try fixture.database.publishHearingReport(id: hearing.id!, text: "同意在公开收支后调价。", outcome: .passed, signingKey: fixture.key, actor: .commandLine)
        #expect(reported.status == .reported)
        #expect(try fixture.database.motion(number: motion.number, communityID: fixture.communityID).state == "passed")
        let bytes = Data(try #require(reported.reportDocument).utf8)
        #expect(SHA256.hash(bytes).hex == reported.reportDigest)
        let signatureText = try #require(reported.reportSignature)
        let signature = try #require(Base64.decode(signatureText))
        try fixture.key.publicKey.verify(signature: signature, for: bytes)
        let document = try JSONDecoder().decode(HearingReportDocument.self, from: bytes)
        #expect(document.speakers.map(\.signedOff) == ["account", "paper"])
        #expect(document.speakers.allSatisfy { $0.name.hasSuffix("某") })   // residents' names are masked in the public report
        #expect(document.opinions == [.init(summary: "先公开收支", adopted: true, reason: "物业公司已同意公开")])
        #expect(document.motion == motion.number)
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("a report can send the motion back to a meeting's vote")
    func toMeeting() throws {
        let fixture = try CouncilFixture()
        let motion = try fixture.move(try fixture.motion("停车收费", from: 30).0, "accept")
        let hearing = try plan(fixture, motion: motion.number, capacity: 2)
        _ = try fixture.database.publishHearingNotice(id: hearing.id!, actor: .commandLine, now: Self.created.instant(hour: 10))
        let people = try register(fixture, hearing, positions: [.support])
        try fixture.database.setRepresentative(participantID: people[0].id!, selected: true, actor: .commandLine)
        _ = try fixture.database.startHearing(id: hearing.id!, actor: .commandLine, now: Self.day.instant(hour: 14))
        try fixture.database.recordSpeech(hearingID: hearing.id!, participantID: people[0].id!, minutes: 2, points: "支持", questions: "", answers: "", by: fixture.recorder)
        _ = try fixture.database.closeHearing(id: hearing.id!, actor: .commandLine)
        try fixture.database.signOffRecord(participantID: people[0].id!, paperRecordedBy: fixture.clerk)
        try fixture.database.signRecordAsChair(hearingID: hearing.id!, account: fixture.chair)
        let opinion = try fixture.database.addOpinion(hearingID: hearing.id!, participantID: nil, summary: "按月收费", actor: .commandLine)
        try fixture.database.decideOpinion(id: opinion.id!, adopted: false, reason: "多数意见按次收费", actor: .commandLine)
        _ = try fixture.database.publishHearingReport(id: hearing.id!, text: "提交居民代表会议表决。", outcome: .toMeeting, signingKey: fixture.key, actor: .commandLine)
        #expect(try fixture.database.motion(number: motion.number, communityID: fixture.communityID).state == "accepted")
    }
}
