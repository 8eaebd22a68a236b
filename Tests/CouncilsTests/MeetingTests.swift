import Community
import Foundation
import GRDB
import Testing
@testable import Councils
import Notary

@Suite("meetings: notice, attendance, quorum, votes, minutes")
struct MeetingTests {
    /// A council of `members`, a meeting on `day` (noticed `noticeBefore` days ahead), with motions on the agenda.
    func councilMeeting(_ fixture: CouncilFixture, members: Int = 10, motions: Int = 2, passRule: PassRule = .majorityOfPresent,
                        day: CivilDate = .d(2026, 12, 20), noticeOn: CivilDate = .d(2026, 12, 1)) throws -> (Meeting, [Motion]) {
        for resident in try fixture.heads(members) {
            try fixture.database.addBodyMember(communityID: fixture.communityID, body: .council, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        var list: [Motion] = []
        for index in 0..<motions {
            let motion = try fixture.motion("议题\(index)", from: index + 1, on: .d(2026, 11, 2)).0
            list.append(try fixture.move(motion, "accept"))
        }
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: day, time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: noticeOn.instant(hour: 9))
        for motion in list {
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: nil, motionNumber: motion.number, passRule: passRule, actor: .commandLine, now: noticeOn.instant(hour: 9))
        }
        return (try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: noticeOn.instant(hour: 10)), list)
    }

    func open(_ fixture: CouncilFixture, _ meeting: Meeting, present: Int) throws -> [MeetingAttendee] {
        _ = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: meeting.date.instant(hour: 19))
        let roll = try fixture.database.attendees(meetingID: meeting.id!)
        for attendee in roll.prefix(present) { try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: attendee.id!, actor: .commandLine, now: meeting.date.instant(hour: 19)) }
        return roll
    }

    @Test("the notice needs noticeDays; a late one only with a reason, which the meeting keeps")
    func notice() throws {
        let fixture = try CouncilFixture()
        for resident in try fixture.heads(5) {
            try fixture.database.addBodyMember(communityID: fixture.communityID, body: .council, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        func plan() throws -> Meeting {
            let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .councilMeeting, title: "会议", date: .d(2026, 12, 20), time: "9:30", venue: "会议室", chairAccountID: fixture.chair.id!,
                recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "通报工作", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
            return meeting
        }
        let onTime = try plan()
        #expect(onTime.time == "09:30")
        // 10 days before exactly is on time.
        #expect(try fixture.database.publishNotice(meetingID: onTime.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 10).instant(hour: 12)).lateNoticeReason == nil)
        let late = try plan()
        do {
            _ = try fixture.database.publishNotice(meetingID: late.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 11).instant(hour: 12))
            Issue.record("a late notice without a reason was published")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("at least 10 days"))
            #expect(message.contains("2026-12-10"))
        }
        let published = try fixture.database.publishNotice(meetingID: late.id!, lateReason: "汛期排水紧急事项", actor: .commandLine, now: CivilDate.d(2026, 12, 11).instant(hour: 12))
        #expect(published.lateNoticeReason == "汛期排水紧急事项")
        #expect(published.entitled == 5)
        #expect(throws: CommunityError.self) { _ = try fixture.database.publishNotice(meetingID: late.id!, actor: .commandLine) }
        // An empty agenda cannot be noticed; the recorder cannot chair.
        let empty = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "空", date: .d(2026, 12, 30), time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        #expect(throws: CommunityError.self) { _ = try fixture.database.publishNotice(meetingID: empty.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant()) }
        #expect(throws: CommunityError.self) {
            _ = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(kind: .councilMeeting, title: "x", date: .d(2026, 12, 30), time: "19:00",
                venue: "y", chairAccountID: fixture.chair.id!, recorderAccountID: fixture.chair.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        }
        #expect(throws: CommunityError.self) {
            _ = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(kind: .councilMeeting, basis: .adults, title: "x", date: .d(2026, 12, 30),
                time: "19:00", venue: "y", chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
        }
    }

    @Test("entitled attendees by basis: adults, households, members")
    func entitlement() throws {
        let fixture = try CouncilFixture(households: 20)
        let day = CivilDate.d(2026, 12, 20)
        let (adults, households) = try fixture.database.reader.read { db in
            // Adults living here with political rights; households with such a member (issue 21).
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM resident WHERE birthDate <= ? AND politicalRights = 'held' AND livesHere",
                              arguments: [day.adding(months: -216).description])!,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT householdID) FROM resident WHERE birthDate <= ? AND politicalRights = 'held' AND livesHere",
                              arguments: [day.adding(months: -216).description])!)
        }
        for (basis, expected) in [(AttendanceBasis.adults, adults), (.households, households)] {
            let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .residentsMeeting, basis: basis, title: "居民会议", date: day, time: "09:00", venue: "广场", chairAccountID: fixture.chair.id!,
                recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "年度工作报告", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
            let noticed = try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 12, 1).instant())
            #expect(noticed.entitled == expected)
            #expect(try fixture.database.attendees(meetingID: meeting.id!).count == expected)
        }
        #expect(adults > households)
    }

    @Test("quorum edge: exactly half present is no quorum and the vote is refused; one more and it is taken")
    func quorumEdge() throws {
        let fixture = try CouncilFixture()
        let (meeting, motions) = try councilMeeting(fixture, members: 10)
        let roll = try open(fixture, meeting, present: 5)
        let item = try fixture.database.agenda(meetingID: meeting.id!)[0]
        #expect(try fixture.database.quorum(meetingID: meeting.id!) == QuorumStatus(kind: .councilMeeting, entitled: 10, present: 5))
        do {
            try fixture.database.recordVote(itemID: item.id!, .counts(for: 5, against: 0, abstain: 0), actor: .commandLine)
            Issue.record("a vote without quorum was taken")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("no quorum: 5 of 10 present, 6 needed"))
        }
        #expect(try fixture.database.motion(number: motions[0].number, communityID: fixture.communityID).state == "scheduled")
        let status = try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: roll[5].id!, actor: .commandLine)
        #expect(status.hasQuorum)
        #expect(throws: CommunityError.self) { try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: roll[5].id!, actor: .commandLine) }
        #expect(throws: CommunityError.self) { try fixture.database.recordVote(itemID: item.id!, .counts(for: 5, against: 1, abstain: 1), actor: .commandLine) }
        let decided = try fixture.database.recordVote(itemID: item.id!, .counts(for: 4, against: 1, abstain: 1), actor: .commandLine)
        #expect(decided.decision == .passed)
        #expect(try fixture.database.motion(number: motions[0].number, communityID: fixture.communityID).state == "passed")
        #expect(throws: CommunityError.self) { try fixture.database.recordVote(itemID: item.id!, .counts(for: 6, against: 0, abstain: 0), actor: .commandLine) }
        // Someone leaves: back to 5 of 10, the next vote is refused.
        try fixture.database.checkOut(meetingID: meeting.id!, attendeeID: roll[0].id!, actor: .commandLine)
        let second = try fixture.database.agenda(meetingID: meeting.id!)[1]
        #expect(throws: CommunityError.self) { try fixture.database.recordVote(itemID: second.id!, .counts(for: 5, against: 0, abstain: 0), actor: .commandLine) }
    }

    @Test("pass rules: exactly half of those present does not pass; two thirds is inclusive")
    func passRules() throws {
        #expect(!PassRule.majorityOfPresent.passes(votesFor: 3, present: 6, entitled: 10))
        #expect(PassRule.majorityOfPresent.passes(votesFor: 4, present: 6, entitled: 10))
        #expect(PassRule.twoThirdsOfPresent.passes(votesFor: 4, present: 6, entitled: 10))
        #expect(!PassRule.twoThirdsOfPresent.passes(votesFor: 3, present: 6, entitled: 10))
        #expect(!PassRule.majorityOfEntitled.passes(votesFor: 5, present: 6, entitled: 10))
        #expect(PassRule.majorityOfEntitled.passes(votesFor: 6, present: 6, entitled: 10))
        let fixture = try CouncilFixture()
        let (meeting, motions) = try councilMeeting(fixture, members: 9, passRule: .twoThirdsOfPresent)
        _ = try open(fixture, meeting, present: 6)
        let items = try fixture.database.agenda(meetingID: meeting.id!)
        // 3 of 6 present is half, not two thirds: rejected; the motion moves to rejected.
        #expect(try fixture.database.recordVote(itemID: items[0].id!, .counts(for: 3, against: 2, abstain: 1), actor: .commandLine).decision == .rejected)
        #expect(try fixture.database.motion(number: motions[0].number, communityID: fixture.communityID).state == "rejected")
        #expect(try fixture.database.recordVote(itemID: items[1].id!, .counts(for: 4, against: 2, abstain: 0), actor: .commandLine).decision == .passed)
    }

    @Test("roll-call votes count present attendees only; deferral needs a reason and moves the motion; closing needs every item decided")
    func rollCallDeferClose() throws {
        let fixture = try CouncilFixture()
        let (meeting, motions) = try councilMeeting(fixture, members: 5, motions: 3)
        let roll = try open(fixture, meeting, present: 3)
        let items = try fixture.database.agenda(meetingID: meeting.id!)
        #expect(throws: CommunityError.self) { try fixture.database.recordVote(itemID: items[0].id!, .rollCall([roll[4].id!: "for"]), actor: .commandLine) }
        #expect(throws: CommunityError.self) { try fixture.database.recordVote(itemID: items[0].id!, .rollCall([roll[0].id!: "maybe"]), actor: .commandLine) }
        let voted = try fixture.database.recordVote(itemID: items[0].id!, .rollCall([roll[0].id!: "for", roll[1].id!: "for", roll[2].id!: "against"]), actor: .commandLine)
        #expect(voted.method == .rollCall)
        #expect(voted.votesFor == 2 && voted.votesAgainst == 1 && voted.decision == .passed)
        #expect(try fixture.database.rollCallVotes(itemID: items[0].id!)[roll[2].id!] == "against")
        #expect(throws: CommunityError.self) { _ = try fixture.database.closeMeeting(id: meeting.id!, actor: .commandLine) }
        #expect(throws: CommunityError.self) { try fixture.database.deferItem(itemID: items[1].id!, reason: "  ", actor: .commandLine) }
        try fixture.database.deferItem(itemID: items[1].id!, reason: "需先征求消防意见", actor: .commandLine)
        #expect(try fixture.database.motion(number: motions[1].number, communityID: fixture.communityID).state == "deferred")
        try fixture.database.recordVote(itemID: items[2].id!, .counts(for: 0, against: 3, abstain: 0), actor: .commandLine)
        #expect(try fixture.database.motion(number: motions[2].number, communityID: fixture.communityID).state == "rejected")
        let closed = try fixture.database.closeMeeting(id: meeting.id!, actor: .commandLine)
        #expect(closed.status == .closed)
        #expect(throws: CommunityError.self) { try fixture.database.checkIn(meetingID: meeting.id!, attendeeID: roll[4].id!, actor: .commandLine) }
        // A deferred motion can be scheduled again.
        let next = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "下次", date: .d(2027, 1, 20), time: "19:00", venue: "会议室", chairAccountID: fixture.chair.id!,
            recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 12, 21).instant())
        try fixture.database.addAgendaItem(meetingID: next.id!, title: nil, motionNumber: motions[1].number, actor: .commandLine, now: CivilDate.d(2026, 12, 21).instant())
        #expect(try fixture.database.motion(number: motions[1].number, communityID: fixture.communityID).state == "scheduled")
        #expect(throws: CommunityError.self) {
            try fixture.database.addAgendaItem(meetingID: next.id!, title: nil, motionNumber: motions[2].number, actor: .commandLine, now: CivilDate.d(2026, 12, 21).instant())
        }
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("self check-in with the household's access code, only for entitled members")
    func selfCheckIn() throws {
        let fixture = try CouncilFixture()
        let (meeting, _) = try councilMeeting(fixture, members: 4, motions: 1)
        _ = try open(fixture, meeting, present: 0)
        let cards = try fixture.database.issueHouseholdCodes(communityID: fixture.communityID, numbers: nil, actor: .commandLine)
        #expect(cards.count == 40)
        let roll = try fixture.database.attendees(meetingID: meeting.id!)
        let member = try #require(roll.first)
        let householdNumber = try fixture.database.reader.read { db in try String.fetchOne(db, sql: "SELECT number FROM household WHERE id = ?", arguments: [member.householdID])! }
        let card = try #require(cards.first { $0.householdNumber == householdNumber })
        #expect(try fixture.database.verifyHouseholdCode(communityID: fixture.communityID, number: householdNumber, code: "0000-0000-0000-0") == nil)
        let householdID = try #require(try fixture.database.verifyHouseholdCode(communityID: fixture.communityID, number: householdNumber, code: card.code.lowercased()))
        let token = try fixture.database.startHouseholdSession(householdID: householdID)
        let session = try #require(try fixture.database.householdSession(token: token))
        let identity = try fixture.database.residentIdentity(household: session)
        // Presence: without the code shown at the venue (or with a wrong one) nobody checks in.
        let code = try #require(try fixture.database.meeting(id: meeting.id!).presenceCode)
        #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: identity, residentID: member.residentID, presenceCode: "") }
        #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: identity, residentID: member.residentID, presenceCode: "AAAA-AA") }
        let status = try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: identity, residentID: member.residentID, presenceCode: code.lowercased())
        #expect(status.present == 1)
        #expect(try fixture.database.attendees(meetingID: meeting.id!).first?.checkInMethod == "self-card")
        // Another member of the same household: one person per card.
        let others = try fixture.database.householdMembers(householdID: householdID).filter { $0.id != member.residentID }
        if let other = others.first {
            #expect(throws: CommunityError.self) { try fixture.database.selfCheckIn(meetingID: meeting.id!, identity: identity, residentID: other.id, presenceCode: code) }
        }
        // Reissuing the code ends the session.
        _ = try fixture.database.issueHouseholdCodes(communityID: fixture.communityID, numbers: [householdNumber], actor: .commandLine)
        #expect(try fixture.database.householdSession(token: token) == nil)
    }

    @Test("minutes: chair and recorder approve, a redraft clears approvals, publication is signed")
    func minutes() throws {
        let fixture = try CouncilFixture()
        let (meeting, _) = try councilMeeting(fixture, members: 5, motions: 1)
        _ = try open(fixture, meeting, present: 3)
        let item = try fixture.database.agenda(meetingID: meeting.id!)[0]
        try fixture.database.recordVote(itemID: item.id!, .counts(for: 3, against: 0, abstain: 0), actor: .commandLine)
        try fixture.database.draftMinutes(meetingID: meeting.id!, text: "会议纪要初稿", by: fixture.recorder)
        _ = try fixture.database.approveMinutes(meetingID: meeting.id!, by: fixture.chair)
        #expect(throws: CommunityError.self) { _ = try fixture.database.approveMinutes(meetingID: meeting.id!, by: fixture.chair) }
        #expect(throws: CommunityError.self) { _ = try fixture.database.approveMinutes(meetingID: meeting.id!, by: fixture.clerk) }
        try fixture.database.draftMinutes(meetingID: meeting.id!, text: "会议纪要（修改稿）", by: fixture.recorder)
        #expect(try fixture.database.minutes(meetingID: meeting.id!)?.chairApprovedAt == nil)
        _ = try fixture.database.approveMinutes(meetingID: meeting.id!, by: fixture.recorder)
        _ = try fixture.database.closeMeeting(id: meeting.id!, actor: .commandLine)
        do {
            _ = try fixture.database.publishMinutes(meetingID: meeting.id!, signingKey: fixture.key, actor: .commandLine)
            Issue.record("minutes without the chair's approval were published")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("chair (missing)"))
        }
        _ = try fixture.database.approveMinutes(meetingID: meeting.id!, by: fixture.chair)
        let published = try fixture.database.publishMinutes(meetingID: meeting.id!, signingKey: fixture.key, actor: .commandLine)
        let document = Data(try #require(published.document).utf8)
        #expect(SHA256.hash(document).hex == published.digest)
        let signatureText = try #require(published.signature)
        let signature = try #require(Base64.decode(signatureText))
        try fixture.key.publicKey.verify(signature: signature, for: document)
        let decoded = try JSONDecoder().decode(MinutesDocument.self, from: document)
        #expect(decoded.text == "会议纪要（修改稿）")
        #expect(decoded.items.first?.decision == "passed")
        #expect(decoded.items.first?.votesFor == 3)
        #expect(decoded.attended == 3)
        #expect(throws: CommunityError.self) { try fixture.database.draftMinutes(meetingID: meeting.id!, text: "改", by: fixture.recorder) }
    }

    @Test("the demo garden seeds motions in every standard state, a held meeting with published minutes and a noticed one")
    func demo() throws {
        let fixture = try CouncilFixture(households: 220)
        let summary = try DemoCouncil.seed(into: fixture.database, communityID: fixture.communityID, signingKey: fixture.key,
                                           password: "demo-password-1", today: .today())
        let states = Set(try fixture.database.motions(communityID: fixture.communityID).map(\.motion.state))
        #expect(states == Set(MotionWorkflow.standard.states.map(\.key)))
        #expect(try fixture.database.minutes(meetingID: summary.heldMeetingID)?.publishedAt != nil)
        #expect(try fixture.database.meeting(id: summary.upcomingMeetingID).status == .noticed)
        #expect(!(try fixture.database.motionsToSchedule(communityID: fixture.communityID)).isEmpty)
        #expect(try fixture.database.verifyAudit().isIntact)
    }
}
