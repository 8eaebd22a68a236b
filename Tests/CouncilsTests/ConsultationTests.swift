import Community
import Foundation
@testable import Councils
import Testing

/// Consultations (民主协商, L25): outside participants with their roles, outcome, feedback.
@Suite("consultations")
struct ConsultationTests {
    @Test("planned with its form and matter; outside participants named with their role (an organisation for those who speak for one) until the outcome; outcome on or after the day, then how it was carried out")
    func flow() throws {
        let fixture = try CouncilFixture(households: 10)
        let planned = CivilDate.d(2026, 11, 2).instant(hour: 10)
        let (motion, _) = try fixture.motion()
        func plan(title: String = "停车秩序恳谈会", date: CivilDate = .d(2026, 11, 10), motion number: String? = nil) throws -> Consultation {
            try fixture.database.planConsultation(communityID: fixture.communityID, form: .openForum, title: title, matter: "夜间停车与消防通道。", date: date,
                                                  venue: "会议室", motionNumber: number, actor: .commandLine, now: planned)
        }
        #expect(throws: CommunityError.self) { _ = try plan(title: "") }
        #expect(throws: CommunityError.self) { _ = try plan(date: .d(2026, 11, 1)) }
        #expect(throws: CommunityError.self) { _ = try plan(motion: "2026-9999") }
        let item = try plan(motion: motion.number)
        #expect(item.status == .planned && item.motionNumber == motion.number && item.form == .openForum)
        func add(_ name: String, _ organisation: String, _ role: ConsultationParticipant.Role) throws {
            try fixture.database.addConsultationParticipant(consultationID: item.id, name: name, organisation: organisation, role: role, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) { try add("孙立", "", .propertyCompany) }
        #expect(throws: CommunityError.self) { try add("", "安和物业", .propertyCompany) }
        try add("孙立", "安和物业服务有限公司", .propertyCompany)
        try add("周建平", "桃园小区业主委员会", .ownersCommittee)
        try add("郑敏", "", .expert)
        #expect(try fixture.database.consultationParticipants(consultationID: item.id).map(\.role) == [.propertyCompany, .ownersCommittee, .expert])
        #expect(throws: CommunityError.self) { try fixture.database.recordConsultationFeedback(id: item.id, feedback: "已落实", actor: .commandLine, now: planned) }
        #expect(throws: CommunityError.self) { try fixture.database.recordConsultationOutcome(id: item.id, outcome: "划线", actor: .commandLine, now: CivilDate.d(2026, 11, 9).instant()) }
        try fixture.database.recordConsultationOutcome(id: item.id, outcome: "消防通道划线，物业每晚巡查。", actor: .commandLine, now: CivilDate.d(2026, 11, 10).instant(hour: 21))
        #expect(throws: CommunityError.self) { try add("王", "驻区单位", .unitInArea) }
        #expect(throws: CommunityError.self) { try fixture.database.recordConsultationOutcome(id: item.id, outcome: "again", actor: .commandLine, now: CivilDate.d(2026, 11, 11).instant()) }
        #expect(throws: CommunityError.self) { try fixture.database.recordConsultationFeedback(id: item.id, feedback: "已完成\u{0}", actor: .commandLine, now: CivilDate.d(2026, 11, 20).instant()) }
        try fixture.database.recordConsultationFeedback(id: item.id, feedback: "标线已完成。", actor: .commandLine, now: CivilDate.d(2026, 11, 20).instant())
        let done = try fixture.database.consultation(id: item.id)
        #expect(done.status == .fedBack && done.outcomeOn == .d(2026, 11, 10) && done.feedbackOn == .d(2026, 11, 20) && done.feedback == "标线已完成。")
        #expect(try fixture.database.verifyAudit().isIntact)
    }
}
