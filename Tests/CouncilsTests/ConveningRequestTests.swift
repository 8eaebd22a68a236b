import Community
import Foundation
import GRDB
@testable import Councils
import Testing

/// Residents' requests to convene a residents' meeting or a hearing (L25): signatures per adult,
/// household or representative, a base fixed when opened, the committee's desk and deadline.
@Suite("convening requests")
struct ConveningRequestTests {
    @Test("a share is reached at or above the fraction (以上 includes the figure); shares read and written as 1/5")
    func shares() throws {
        let fifth = try Share(text: "1/5")
        #expect(fifth.required(of: 100) == 20 && fifth.required(of: 101) == 21 && fifth.required(of: 3) == 1 && fifth.required(of: 0) == 1)
        #expect(Share.oneThird.required(of: 25) == 9 && Share.oneThird.required(of: 24) == 8)
        #expect(throws: CommunityError.self) { _ = try Share(text: "0/5") }
        #expect(throws: CommunityError.self) { _ = try Share(text: "6/5") }
        #expect(throws: CommunityError.self) { _ = try Share(text: "0.2") }
        var settings = CouncilSettings()
        settings.conveningAdults = try Share(text: "1/10")
        let decoded = try JSONDecoder().decode(CouncilSettings.self, from: try JSONEncoder().encode(settings))
        #expect(decoded.conveningAdults.description == "1/10" && decoded.conveningRepresentatives == .oneThird)
        // Settings stored before the shares existed take the defaults.
        let old = try JSONDecoder().decode(CouncilSettings.self, from: Data(#"{"supportThreshold":7}"#.utf8))
        #expect(old.conveningHouseholds == .oneFifth && old.hearingAdults == .oneFifth && old.requestAnswerDays == 15)
        #expect(settings.requestShare(for: .hearing, basis: .representatives) == nil)
    }

    @Test("households sign once each, only with an eligible member; reaching the share puts the request on the desk with a working-day deadline; the committee names the meeting it convened")
    func households() throws {
        let fixture = try CouncilFixture(households: 12)
        let day = CivilDate.d(2026, 11, 2)   // a Monday
        let now = day.instant(hour: 10)
        let (minorHousehold, _) = try fixture.addHousehold("H09001", members: [(birth: .d(2012, 1, 1), rights: .held, livesHere: true)])
        let entitled = try fixture.database.reader.read { db in try AppDatabase.requestBase(db, communityID: fixture.communityID, basis: .households, on: day) }
        let opened = try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .residentsMeeting, basis: .households,
                                                               title: "小区停车收费", reason: "物业拟调整停车费，请召开居民会议讨论。", identity: try fixture.household(1), now: now)
        #expect(opened.base == entitled && opened.share == "1/5" && opened.required == Share.oneFifth.required(of: entitled) && opened.signatures == 1)
        #expect(opened.status == .collecting && opened.openedBy.contains("某"))
        #expect(throws: CommunityError.self) { try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.household(1), now: now) }
        #expect(throws: CommunityError.self) { try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.household(1, member: 1), now: now) }
        #expect(throws: CommunityError.self) {
            try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.cardIdentity(householdID: minorHousehold, residentID: nil), now: now)
        }
        #expect(throws: CommunityError.self) { try fixture.database.answerConveningRequest(id: opened.id, meetingID: nil, hearingID: nil, note: nil, actor: .commandLine, now: now) }
        var number = 2
        var request = opened
        while request.signatures < request.required {
            request = try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.household(number), now: now)
            number += 1
        }
        #expect(request.status == .reached && request.reachedOn == day)
        #expect(request.dueOn == (try fixture.database.workingCalendar(communityID: fixture.communityID)).addingWorkingDays(15, to: day))
        #expect(!request.overdue(today: request.dueOn!) && request.overdue(today: request.dueOn!.adding(days: 1)))
        #expect(try fixture.database.requestsToConvene(communityID: fixture.communityID).map(\.id) == [opened.id])
        // Further signatures still count; the threshold line is written once.
        request = try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.household(number), now: now)
        #expect(request.reachedOn == day && request.signatures == request.required + 1)
        let council = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: .d(2026, 11, 20), time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        #expect(throws: CommunityError.self) { try fixture.database.answerConveningRequest(id: opened.id, meetingID: council.id!, hearingID: nil, note: nil, actor: .commandLine, now: now) }
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .residentsMeeting, basis: .households, title: "居民会议（停车收费）", date: .d(2026, 11, 20), time: "19:00", venue: "广场",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine, now: now)
        try fixture.database.answerConveningRequest(id: opened.id, meetingID: meeting.id!, hearingID: nil, note: "已定于11月20日召开", actor: .commandLine, now: now)
        let answered = try fixture.database.conveningRequest(id: opened.id)
        #expect(answered.status == .convened && answered.meetingID == meeting.id && !answered.overdue(today: .d(2027, 1, 1)))
        #expect(try fixture.database.requestsToConvene(communityID: fixture.communityID).isEmpty)
        #expect(throws: CommunityError.self) { try fixture.database.signConveningRequest(id: opened.id, identity: try fixture.household(number + 1), now: now) }
        let audit = try fixture.database.reader.read { db in try String.fetchAll(db, sql: "SELECT action FROM auditEntry WHERE subject = ?", arguments: ["request:\(opened.id)"]) }
        #expect(audit.filter { $0 == "request.reached" }.count == 1 && audit.contains("request.convened"))
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("adults sign each for themselves (a household card names the member); representatives' requests only by serving representatives; a hearing is not requested by representatives")
    func adultsAndRepresentatives() throws {
        let fixture = try CouncilFixture(households: 10)
        let now = CivilDate.d(2026, 11, 2).instant(hour: 10)
        let request = try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .hearing, basis: .adults, title: "绿地改建",
                                                                reason: "请就绿地改建召开听证会。", identity: try fixture.household(1), now: now)
        let card = try fixture.database.household(number: "H00002", communityID: fixture.communityID)!
        #expect(throws: CommunityError.self) { try fixture.database.signConveningRequest(id: request.id, identity: try fixture.cardIdentity(householdID: card.id!, residentID: nil), now: now) }
        let members = try fixture.database.eligibleMembers(householdID: card.id!, on: .d(2026, 11, 2))
        for member in members {
            _ = try fixture.database.signConveningRequest(id: request.id, identity: try fixture.cardIdentity(householdID: card.id!, residentID: member.id), now: now)
        }
        #expect(try fixture.database.conveningRequest(id: request.id).signatures == 1 + members.count)
        #expect(throws: CommunityError.self) {
            try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .hearing, basis: .representatives, title: "x", reason: "y",
                                                      identity: try fixture.household(1), now: now)
        }
        #expect(throws: CommunityError.self) {   // no representatives yet: the base is empty
            try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .residentsMeeting, basis: .representatives, title: "x", reason: "y",
                                                      identity: try fixture.household(1), now: now)
        }
        let heads = try fixture.eligibleHeads(3)
        try fixture.representatives(heads, since: .d(2026, 1, 1))
        let identity = try fixture.cardIdentity(householdID: try fixture.database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT householdID FROM resident WHERE id = ?", arguments: [heads[0]])! },
                                                residentID: heads[0])
        let byRepresentatives = try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .residentsMeeting, basis: .representatives,
                                                                          title: "年度居民会议", reason: "请召开居民会议审议年度工作。", identity: identity, now: now)
        #expect(byRepresentatives.base == 3 && byRepresentatives.required == 1 && byRepresentatives.status == .reached)
        #expect(throws: CommunityError.self) { try fixture.database.signConveningRequest(id: byRepresentatives.id, identity: try fixture.household(9), now: now) }
        #expect(throws: CommunityError.self) {
            try fixture.database.openConveningRequest(communityID: fixture.communityID, body: .residentsMeeting, basis: .adults, title: "标题\u{0}", reason: "y",
                                                      identity: try fixture.household(1), now: now)
        }
    }
}
