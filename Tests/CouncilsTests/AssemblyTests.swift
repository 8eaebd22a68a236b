import Community
import Foundation
import GRDB
@testable import Councils
import Testing

/// The representatives' meeting as a body per term (L25): four fifths representatives, each
/// elected by a residents' group and answering to households; its roster is the roll.
@Suite("representatives' meeting: the body per term")
struct AssemblyTests {
    @Test("representatives at least four fifths of the members, 以上 including the figure itself")
    func fourFifths() {
        #expect(RepresentativeAssembly.representativesSuffice(representatives: 4, members: 5))
        #expect(RepresentativeAssembly.representativesSuffice(representatives: 8, members: 10))
        #expect(!RepresentativeAssembly.representativesSuffice(representatives: 3, members: 4))
        #expect(!RepresentativeAssembly.representativesSuffice(representatives: 7, members: 9))
        #expect(RepresentativeAssembly.representativesSuffice(representatives: 3, members: 3))
        #expect(!RepresentativeAssembly.representativesSuffice(representatives: 0, members: 0))
        #expect(RepresentativeAssembly.committeeSeats(representatives: 25) == 6)
        #expect(RepresentativeAssembly.representativesSuffice(representatives: 25, members: 31))
        #expect(!RepresentativeAssembly.representativesSuffice(representatives: 25, members: 32))
    }

    @Test("a term is at most the committee's five years and terms do not overlap")
    func terms() throws {
        let fixture = try CouncilFixture(households: 5)
        #expect(throws: CommunityError.self) {
            try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2026, 1, 1), endsOn: .d(2031, 1, 2), actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2026, 1, 1), endsOn: .d(2026, 1, 1), actor: .commandLine)
        }
        let term = try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2026, 1, 1), actor: .commandLine)
        #expect(term.endsOn == .d(2031, 1, 1) && term.covers(.d(2030, 12, 31)) && !term.covers(.d(2031, 1, 1)))
        #expect(throws: CommunityError.self) {
            try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2030, 6, 1), actor: .commandLine)
        }
        let next = try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2031, 1, 1), actor: .commandLine)
        #expect(try fixture.database.assemblyTerm(communityID: fixture.communityID, on: .d(2031, 3, 1))?.id == next.id)
        #expect(try fixture.database.assemblyTerms(communityID: fixture.communityID).map(\.id) == [next.id, term.id])
    }

    @Test("a representative: an eligible resident, elected by a residents' group, answering to households no other serving representative has")
    func representatives() throws {
        let fixture = try CouncilFixture(households: 12)
        let term = try fixture.database.createAssemblyTerm(communityID: fixture.communityID, startsOn: .d(2026, 1, 1), actor: .commandLine)
        let heads = try fixture.eligibleHeads(3)
        func add(_ resident: Int64, group: String = "第一居民小组", households: [String], since: CivilDate = .d(2026, 2, 1)) throws -> AssemblyMember {
            try fixture.database.addAssemblyRepresentative(termID: term.id, residentID: resident, group: group, households: households, since: since, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], group: " ", households: ["H00001"]) }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], households: []) }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], households: ["H09999"]) }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], group: "第一\u{0}小组", households: ["H00001"]) }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], households: ["H00001"], since: .d(2025, 12, 31)) }
        let (_, minor) = try fixture.addHousehold("H09001", members: [(birth: .d(2010, 5, 1), rights: .held, livesHere: true)])
        #expect(throws: CommunityError.self) { _ = try add(minor[0], households: ["H09001"]) }
        let (_, away) = try fixture.addHousehold("H09002", members: [(birth: .d(1970, 5, 1), rights: .held, livesHere: false)])
        #expect(throws: CommunityError.self) { _ = try add(away[0], households: ["H09002"]) }
        let first = try add(heads[0], households: ["h00001", "H00002", "H00002"])
        #expect(first.households == ["H00001", "H00002"] && first.group == "第一居民小组" && first.seat == .representative)
        #expect(throws: CommunityError.self) { _ = try add(heads[1], group: "第二居民小组", households: ["H00002", "H00003"]) }
        #expect(throws: CommunityError.self) { _ = try add(heads[0], households: ["H00004"]) }
        _ = try add(heads[1], group: "第二居民小组", households: ["H00003"])
        // When the first leaves, their households may answer to a successor.
        try fixture.database.endAssemblyMember(id: first.id, until: .d(2026, 6, 1), actor: .commandLine)
        #expect(throws: CommunityError.self) { try fixture.database.endAssemblyMember(id: first.id, until: .d(2026, 7, 1), actor: .commandLine) }
        _ = try add(heads[2], households: ["H00001", "H00002"], since: .d(2026, 6, 1))
        #expect(try fixture.database.assemblyMembers(termID: term.id, on: .d(2026, 5, 1)).map(\.residentID).sorted() == [heads[0], heads[1]].sorted())
        #expect(try fixture.database.servingRepresentatives(communityID: fixture.communityID, on: .d(2026, 7, 1)).map(\.residentID).sorted() == [heads[1], heads[2]].sorted())
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("committee members join only while representatives stay at least four fifths")
    func committeeMembers() throws {
        let fixture = try CouncilFixture(households: 20)
        let heads = try fixture.eligibleHeads(12)
        let term = try fixture.representatives(Array(heads.prefix(3)), since: .d(2026, 1, 1))
        func committee(_ resident: Int64) throws { try fixture.database.addAssemblyCommitteeMember(termID: term.id, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine) }
        #expect(throws: CommunityError.self) { try committee(heads[10]) }
        try fixture.representatives([heads[3]], since: .d(2026, 1, 1))
        try committee(heads[10])
        #expect(throws: CommunityError.self) { try committee(heads[11]) }
        #expect(throws: CommunityError.self) { try committee(heads[0]) }   // already a representative
        try fixture.representatives(Array(heads[4..<8]), since: .d(2026, 1, 1))
        try committee(heads[11])
        let composition = try fixture.database.assemblyComposition(termID: term.id, on: .d(2026, 3, 1))
        #expect(composition == AssemblyComposition(committeeMembers: 2, representatives: 8) && composition.constituted)
    }

    @Test("the roster is the roll: a representatives' meeting is attended by the body serving on its day, and is not noticed when no term covers it or the body falls short of four fifths")
    func roll() throws {
        let fixture = try CouncilFixture(households: 20)
        let heads = try fixture.eligibleHeads(10)
        let today = CivilDate.d(2026, 3, 1)
        func meeting(kind: MeetingKind = .representativesMeeting, basis: AttendanceBasis? = nil) throws -> Meeting {
            let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: kind, basis: basis, title: "居民代表会议", date: .d(2026, 3, 20), time: "19:00", venue: "会议室",
                chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: today.instant())
            try fixture.database.addAgendaItem(meetingID: meeting.id!, title: "年度工作报告", motionNumber: nil, actor: .commandLine, now: today.instant())
            return meeting
        }
        #expect(MeetingKind.representativesMeeting.bases == [.assembly])
        let early = try meeting()
        #expect(early.basis == .assembly)
        #expect(throws: CommunityError.self) { _ = try fixture.database.publishNotice(meetingID: early.id!, actor: .commandLine, now: today.instant(hour: 10)) }
        let term = try fixture.representatives(Array(heads.prefix(8)), since: .d(2026, 1, 1))
        for resident in heads[8..<10] {
            try fixture.database.addAssemblyCommitteeMember(termID: term.id, residentID: resident, since: .d(2026, 1, 1), actor: .commandLine)
        }
        // One representative leaves before the meeting day: 7 of 9 is less than four fifths.
        let leaving = try #require(try fixture.database.assemblyMembers(termID: term.id).first { $0.residentID == heads[0] })
        try fixture.database.endAssemblyMember(id: leaving.id, until: .d(2026, 3, 10), actor: .commandLine)
        #expect(throws: CommunityError.self) { _ = try fixture.database.publishNotice(meetingID: early.id!, actor: .commandLine, now: today.instant(hour: 10)) }
        try fixture.representatives([try fixture.eligibleHeads(11)[10]], since: .d(2026, 3, 10))
        let noticed = try fixture.database.publishNotice(meetingID: early.id!, actor: .commandLine, now: today.instant(hour: 10))
        #expect(noticed.entitled == 10)
        let roll = Set(try fixture.database.attendees(meetingID: early.id!).compactMap(\.residentID))
        #expect(!roll.contains(heads[0]) && roll.contains(heads[9]) && roll.count == 10)
        // A residents' meeting through the groups' representatives: the representatives alone.
        let residents = try meeting(kind: .residentsMeeting, basis: .representatives)
        #expect(try fixture.database.publishNotice(meetingID: residents.id!, actor: .commandLine, now: today.instant(hour: 10)).entitled == 8)
        #expect(throws: CommunityError.self) {
            _ = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
                kind: .representativesMeeting, basis: .representatives, title: "x", date: .d(2026, 3, 20), time: "19:00", venue: "会议室",
                chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: today.instant())
        }
    }
}
