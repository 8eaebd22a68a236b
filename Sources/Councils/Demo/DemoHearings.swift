import Community
import Foundation
import GRDB
import Notary

/// The demo's hearings, one in each phase (draft, notice out with registrations, being held,
/// record awaiting sign-off, report published), and the members' yearly assessment (last
/// year's closed with its results, this year's open).
enum DemoHearings {
    static func seed(into database: AppDatabase, communityID: Int64, signingKey: Ed25519PrivateKey, chair: Account, recorder: Account,
                     today: CivilDate, identity: (String) throws -> ResidentIdentity) throws -> [Int64] {
        func at(_ daysAgo: Int, hour: Int = 10) -> Date { today.adding(days: -daysAgo).instant(hour: hour) }
        let residents = try database.reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT resident.id, household.number FROM resident JOIN household ON household.id = resident.householdID
                WHERE resident.communityID = ? AND resident.relationToHead = '户主' AND \(CouncilEligibility.sqlCondition) ORDER BY resident.id LIMIT 60 OFFSET 100
                """, arguments: [communityID, CouncilEligibility.adultBornBy(today).description]).map { (id: $0["id"] as Int64, household: $0["number"] as String) }
        }
        func person(_ index: Int) throws -> ResidentIdentity {
            let base = try identity(residents[index].household)
            return try database.residentIdentity(household: HouseholdSession(householdID: base.householdID, householdNumber: base.householdNumber, expiresAt: .distantFuture),
                                                 residentID: residents[index].id)
        }
        func plan(_ title: String, motion: String? = nil, daysAgo created: Int, date: CivilDate, deadline: CivilDate) throws -> Hearing {
            try database.createHearing(communityID: communityID, NewHearing(
                title: title, matter: "涉及全体业主切身利益，依照社区听证规则召开听证会。", proposer: "安和物业服务有限公司",
                plan: "拟自明年起将多层住宅物业费由每平方米每月0.85元调整为1.10元，增加部分用于电梯维保和监控升级。", motionNumber: motion,
                date: date, time: "14:30", venue: "社区党群服务中心多功能厅", registrationDeadline: deadline, capacity: 8, observerSeats: 10,
                chairAccountID: chair.id!, recorderAccountID: recorder.id!), actor: Actor(chair), now: at(created))
        }
        func registerAll(_ hearing: Hearing, from start: Int, count: Int, daysAgo: Int) throws -> [HearingParticipant] {
            try (0..<count).map { offset in
                let position: HearingParticipant.Position = offset % 3 == 0 ? .support : offset % 3 == 1 ? .oppose : .other
                return try database.registerForHearing(id: hearing.id!, identity: try person(start + offset), position: position,
                                                       statement: offset % 2 == 0 ? "希望公开物业费收支明细后再议调价。" : nil, now: at(daysAgo))
            }
        }
        var ids: [Int64] = []
        // 1. Reported: held ten days ago, linked to a motion, report published, motion back for a meeting vote.
        let (feeMotion, _) = try database.submitMotion(communityID: communityID, NewMotion(
            title: "物业费调价须先听证", description: "物业公司拟上调物业费，请召开听证会听取业主意见。", category: "property", building: "", unit: "", grid: "第一网格"),
            by: .resident(try person(0)), signingKey: signingKey, now: at(40))
        _ = try database.moveMotion(id: feeMotion.id!, action: "accept", reason: nil, by: .committee(chair), now: at(38))
        let reported = try plan("物业费调整方案听证会", motion: feeMotion.number, daysAgo: 32, date: today.adding(days: -10), deadline: today.adding(days: -16))
        _ = try database.publishHearingNotice(id: reported.id!, actor: Actor(chair), now: at(30))
        let applicants = try registerAll(reported, from: 1, count: 9, daysAgo: 20)
        for applicant in applicants.prefix(6) { try database.setRepresentative(participantID: applicant.id!, selected: true, actor: Actor(chair), now: at(15)) }
        let company = try database.addHearingGuest(hearingID: reported.id!, role: .stakeholder, name: "赵经理", organisation: "安和物业服务有限公司", position: .support, actor: Actor(chair), now: at(15))
        try database.addHearingGuest(hearingID: reported.id!, role: .observer, name: "街道办 孙科长", organisation: "安和街道办事处", actor: Actor(chair), now: at(15))
        _ = try database.startHearing(id: reported.id!, actor: Actor(recorder), now: at(10, hour: 14))
        let speakers = try database.hearingParticipants(hearingID: reported.id!).filter(\.role.speaks)
        for speaker in speakers {
            try database.recordSpeech(hearingID: reported.id!, participantID: speaker.id!, minutes: speaker.role == .stakeholder ? 8 : 4,
                                      points: speaker.position == .support ? "电梯老化，维保费用确有增加，支持适度调价。" : speaker.position == .oppose ? "调价幅度过大，收支不透明，反对。" : "建议分档调价，并每季度公开收支。",
                                      questions: speaker.position == .oppose ? "近两年物业费结余去向？" : "", answers: speaker.position == .oppose ? "物业公司承诺一个月内公开审计报告。" : "",
                                      by: recorder, now: at(10, hour: 15))
        }
        _ = try database.closeHearing(id: reported.id!, actor: Actor(recorder), now: at(10, hour: 17))
        for speaker in speakers { try database.signOffRecord(participantID: speaker.id!, paperRecordedBy: recorder, now: at(9)) }
        try database.signRecordAsChair(hearingID: reported.id!, account: chair, now: at(9))
        let opinionA = try database.addOpinion(hearingID: reported.id!, participantID: speakers.first { $0.position == .oppose }?.id, summary: "先公开近两年收支审计报告再调价", actor: Actor(recorder))
        let opinionB = try database.addOpinion(hearingID: reported.id!, participantID: speakers.first { $0.position == .other }?.id, summary: "分档调价：低楼层少调", actor: Actor(recorder))
        let opinionC = try database.addOpinion(hearingID: reported.id!, participantID: company.id, summary: "一次性调整到1.10元", actor: Actor(recorder))
        try database.decideOpinion(id: opinionA.id!, adopted: true, reason: "收支公开是调价前提，物业公司已同意。", actor: Actor(chair))
        try database.decideOpinion(id: opinionB.id!, adopted: true, reason: "兼顾低楼层住户负担。", actor: Actor(chair))
        try database.decideOpinion(id: opinionC.id!, adopted: false, reason: "多数代表认为幅度过大，改为分两年调整。", actor: Actor(chair))
        _ = try database.publishHearingReport(id: reported.id!, text: "听证会应到听证代表 6 人，实到 6 人。多数意见同意在公开收支审计报告的前提下分档、分两年调价。调价方案提交居民代表会议表决。",
                                              outcome: .toMeeting, signingKey: signingKey, actor: Actor(chair), now: at(8))
        ids.append(reported.id!)
        // 2. Record awaiting sign-off: held yesterday.
        let closed = try plan("小区东门改造方案听证会", daysAgo: 25, date: today.adding(days: -1), deadline: today.adding(days: -6))
        _ = try database.publishHearingNotice(id: closed.id!, actor: Actor(chair), now: at(24))
        for applicant in try registerAll(closed, from: 12, count: 4, daysAgo: 10) { try database.setRepresentative(participantID: applicant.id!, selected: true, actor: Actor(chair), now: at(5)) }
        _ = try database.startHearing(id: closed.id!, actor: Actor(recorder), now: at(1, hour: 14))
        for speaker in try database.hearingParticipants(hearingID: closed.id!).filter(\.role.speaks) {
            try database.recordSpeech(hearingID: closed.id!, participantID: speaker.id!, minutes: 5, points: "对东门改造方案的意见。", questions: "", answers: "", by: recorder, now: at(1, hour: 15))
        }
        _ = try database.closeHearing(id: closed.id!, actor: Actor(recorder), now: at(1, hour: 17))
        if let first = try database.hearingParticipants(hearingID: closed.id!).first(where: \.role.speaks) {
            try database.signOffRecord(participantID: first.id!, paperRecordedBy: recorder, now: at(0, hour: 9))
        }
        ids.append(closed.id!)
        // 3. Being held today.
        let held = try plan("垃圾清运时间调整听证会", daysAgo: 20, date: today, deadline: today.adding(days: -5))
        _ = try database.publishHearingNotice(id: held.id!, actor: Actor(chair), now: at(18))
        for applicant in try registerAll(held, from: 20, count: 4, daysAgo: 8) { try database.setRepresentative(participantID: applicant.id!, selected: true, actor: Actor(chair), now: at(4)) }
        _ = try database.startHearing(id: held.id!, actor: Actor(recorder), now: today.instant(hour: 9))
        if let first = try database.hearingParticipants(hearingID: held.id!).first(where: \.role.speaks) {
            try database.recordSpeech(hearingID: held.id!, participantID: first.id!, minutes: 6, points: "清运时间太早，噪音扰民。", questions: "能否改到七点以后？", answers: "环卫所表示可以协调。", by: recorder, now: today.instant(hour: 9))
        }
        ids.append(held.id!)
        // 4. Notice out, registration open.
        let noticed = try plan("停车收费标准听证会", daysAgo: 3, date: today.adding(days: 14), deadline: today.adding(days: 7))
        _ = try database.publishHearingNotice(id: noticed.id!, actor: Actor(chair), now: at(2))
        _ = try registerAll(noticed, from: 30, count: 5, daysAgo: 1)
        ids.append(noticed.id!)
        // 5. Draft.
        let draft = try plan("公共绿地改建健身场地听证会", daysAgo: 0, date: today.adding(days: 30), deadline: today.adding(days: 20))
        ids.append(draft.id!)
        // Assessments: last year's closed, this year's open; sheets from the representatives.
        let representatives = try database.servingRepresentatives(communityID: communityID, on: today)
        let members = [("王丽华", "主任"), ("陈建国", "副主任"), ("刘芳", "委员"), ("张伟", "委员"), ("黄敏", "委员")]
        for (year, close) in [(today.year - 1, true), (today.year, false)] {
            let assessment = try database.openAssessment(communityID: communityID, year: year, title: "\(year)年度居民委员会成员民主测评", subjects: members.map { (name: $0.0, post: $0.1) },
                                                         actor: Actor(chair), now: at(close ? 300 : 10))
            let subjects = try database.assessmentSubjects(assessmentID: assessment.id!)
            for (index, representative) in representatives.prefix(close ? 20 : 7).enumerated() {
                let base = try database.reader.read { db in try String.fetchOne(db, sql: "SELECT household.number FROM resident JOIN household ON household.id = resident.householdID WHERE resident.id = ?", arguments: [representative.residentID])! }
                let who = try identity(base)
                let rep = try database.residentIdentity(household: HouseholdSession(householdID: who.householdID, householdNumber: who.householdNumber, expiresAt: .distantFuture),
                                                        residentID: representative.residentID)
                var scores: [Int64: (score: Int, grade: AssessmentGrade)] = [:]
                for (position, subject) in subjects.enumerated() {
                    let score = 95 - position * 3 - (index * 7 + position * 5) % 13
                    scores[subject.id!] = (score, score >= 90 ? .excellent : score >= 75 ? .competent : score >= 60 ? .basic : .incompetent)
                }
                try database.submitScoreSheet(assessmentID: assessment.id!, identity: rep, scores: scores)
            }
            if close { try database.closeAssessment(id: assessment.id!, actor: Actor(chair), now: at(280)) }
        }
        return ids
    }
}
