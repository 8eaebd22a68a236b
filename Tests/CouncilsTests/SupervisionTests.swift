import Community
import Foundation
import GRDB
@testable import Councils
import Testing

/// The residents' affairs supervisory committee (L25): chosen by a residents' or representatives'
/// meeting, no residents' committee member or close relative on it, opinions recorded and public.
@Suite("supervisory committee")
struct SupervisionTests {
    /// A fixture with a representatives' meeting term whose committee seat is held by the head of
    /// a household of head, spouse, adult son and the son's wife; and a held residents' meeting.
    struct Setup {
        let fixture: CouncilFixture
        let family: [Int64]      // head (committee member), spouse, son, daughter-in-law
        let meeting: Meeting
    }

    func setup() throws -> Setup {
        let fixture = try CouncilFixture(households: 20)
        let household = try fixture.database.addHousehold(Household(communityID: fixture.communityID, number: "H09001", basis: .hukou), actor: .commandLine)
        var family: [Int64] = []
        for (relation, birth) in [("户主", CivilDate.d(1960, 3, 1)), ("配偶", .d(1962, 5, 1)), ("子", .d(1988, 7, 1)), ("儿媳", .d(1990, 9, 1))] {
            let id = try fixture.nextIDNumber(birth: birth)
            let resident = try fixture.database.addResident(Resident(communityID: fixture.communityID, name: "家庭\(relation)", gender: id.gender, idNumber: id,
                                                                     householdID: household.id!, relationToHead: relation, politicalRights: .held, hukouHere: true, livesHere: true),
                                                            actor: .commandLine)
            family.append(resident.id!)
        }
        let term = try fixture.representatives(try fixture.eligibleHeads(4), since: .d(2026, 1, 1))
        try fixture.database.addAssemblyCommitteeMember(termID: term.id, residentID: family[0], since: .d(2026, 1, 1), actor: .commandLine)
        let day = CivilDate.d(2026, 3, 20)
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .representativesMeeting, title: "居民代表会议（推选居务监督委员会）", date: day, time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: CivilDate.d(2026, 3, 1).instant())
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "推选居务监督委员会", motionNumber: nil, actor: .commandLine, now: CivilDate.d(2026, 3, 1).instant())
        _ = try fixture.database.publishNotice(meetingID: meeting.id!, actor: .commandLine, now: CivilDate.d(2026, 3, 1).instant(hour: 10))
        let opened = try fixture.database.openMeeting(id: meeting.id!, actor: .commandLine, now: day.instant(hour: 19))
        return Setup(fixture: fixture, family: family, meeting: opened)
    }

    @Test("no residents' committee member, nor spouse, child or child's spouse by the register, nor a declared relative; others chosen by a held meeting")
    func bar() throws {
        let setup = try setup()
        let fixture = setup.fixture
        let now = CivilDate.d(2026, 3, 21).instant(hour: 10)
        func choose(_ resident: Int64, post: SupervisoryCommittee.Post = .member, meeting: Int64? = nil) throws {
            try fixture.database.chooseSupervisoryMember(communityID: fixture.communityID, residentID: resident, post: post, meetingID: meeting ?? setup.meeting.id!,
                                                         actor: .commandLine, now: now)
        }
        // The committee member, the spouse and the son (lineal) by the household register.
        for barred in setup.family.prefix(3) { #expect(throws: CommunityError.self) { try choose(barred) } }
        let others = try fixture.eligibleHeads(8).suffix(3)
        let outsider = try #require(others.first)
        // A declared relative of the committee member is barred too.
        try fixture.database.declareCouncilRelative(communityID: fixture.communityID, residentID: outsider, relativeID: setup.family[0], kinship: .sibling, actor: .commandLine)
        #expect(throws: CommunityError.self) { try choose(outsider) }
        let chair = others[others.startIndex + 1], member = others[others.startIndex + 2]
        try choose(chair, post: .chair)
        #expect(throws: CommunityError.self) { try choose(member, post: .chair) }   // one chair
        #expect(throws: CommunityError.self) { try choose(chair) }                  // already serving
        // The meeting must be a held residents' or representatives' meeting of the community.
        let council = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: .d(2026, 3, 25), time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        #expect(throws: CommunityError.self) { try choose(member, meeting: council.id!) }
        try choose(member)
        let (_, minor) = try fixture.addHousehold("H09002", members: [(birth: .d(2012, 1, 1), rights: .held, livesHere: true)])
        #expect(throws: CommunityError.self) { try choose(minor[0]) }
        // 儿媳 is not a close relative (近亲属) of the head: the register shows none, so she may sit.
        try choose(setup.family[3])
        let members = try fixture.database.supervisoryMembers(communityID: fixture.communityID)
        #expect(members.map(\.residentID) == [chair, member, setup.family[3]] && members[0].post == .chair && members[0].meetingID == setup.meeting.id)
        #expect(try fixture.database.supervisoryConflicts(communityID: fixture.communityID, on: .d(2026, 3, 21)).isEmpty)
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("the bar follows the kinship register as Elections reads it: spouse and lineal by the register, the son's wife as the son's spouse")
    func kinshipReading() throws {
        let setup = try setup()
        let residents = try setup.fixture.database.reader.read { db in try setup.family.map { try Resident.fetchOne(db, key: $0)! } }
        let committee = [residents[0]]
        #expect(SupervisoryCommittee.bar(candidate: residents[0], committeeMembers: committee)?.kinship == .same)
        #expect(SupervisoryCommittee.bar(candidate: residents[1], committeeMembers: committee)?.kinship == .spouse)
        #expect(SupervisoryCommittee.bar(candidate: residents[2], committeeMembers: committee)?.kinship == .lineal)
        // 儿媳 and 户主: the register shows no relation the law lists (fromRegister gives nil) …
        #expect(Kinship.fromRegister("儿媳", "户主") == nil)
        // … but with the son on the committee she is his spouse.
        #expect(SupervisoryCommittee.bar(candidate: residents[3], committeeMembers: [residents[2]])?.kinship == .spouse)
    }

    @Test("a member who joins the residents' committee's family after being chosen is flagged; opinions are recorded on the three subjects and public")
    func opinionsAndConflicts() throws {
        let setup = try setup()
        let fixture = setup.fixture
        let now = CivilDate.d(2026, 3, 21).instant(hour: 10)
        let chosen = try #require(try fixture.eligibleHeads(8).last)
        let member = try fixture.database.chooseSupervisoryMember(communityID: fixture.communityID, residentID: chosen, post: .member, meetingID: setup.meeting.id!,
                                                                  actor: .commandLine, now: now)
        func record(_ subject: SupervisoryCommittee.Subject, text: String = "3月公开栏未公布物业维修基金使用明细，请补充公开。", meeting: Int64? = nil) throws -> SupervisoryOpinion {
            try fixture.database.recordSupervisoryOpinion(memberID: member.id, subject: subject, concerns: "2026-03", text: text, reportedToMeetingID: meeting,
                                                          actor: .commandLine, now: now)
        }
        #expect(throws: CommunityError.self) { _ = try record(.disclosure, text: " ") }
        #expect(throws: CommunityError.self) { _ = try record(.disclosure, text: "意见\u{0}") }
        let council = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: .d(2026, 3, 25), time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        #expect(throws: CommunityError.self) { _ = try record(.accounts, meeting: council.id!) }
        _ = try record(.disclosure)
        _ = try record(.accounts, text: "维修基金账目与凭证相符。", meeting: setup.meeting.id!)
        _ = try record(.implementation, text: "加装电梯决议已按期开工。")
        let opinions = try fixture.database.supervisoryOpinions(communityID: fixture.communityID)
        #expect(opinions.map(\.subject) == [.implementation, .accounts, .disclosure] && opinions[1].reportedToMeetingID == setup.meeting.id)
        // A declared relative joins the residents' committee's family: the member is flagged.
        try fixture.database.declareCouncilRelative(communityID: fixture.communityID, residentID: chosen, relativeID: setup.family[0], kinship: .otherClose, actor: .commandLine)
        let conflicts = try fixture.database.supervisoryConflicts(communityID: fixture.communityID, on: .d(2026, 3, 21))
        #expect(conflicts.map(\.member.id) == [member.id] && conflicts.first?.kinship == .otherClose)
        try fixture.database.endSupervisoryMember(id: member.id, until: .d(2026, 3, 22), actor: .commandLine)
        #expect(throws: CommunityError.self) { _ = try record(.disclosure) }
        #expect(try fixture.database.supervisoryConflicts(communityID: fixture.communityID, on: .d(2026, 3, 23)).isEmpty)
    }
}
