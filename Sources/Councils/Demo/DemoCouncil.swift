import Community
import Foundation
import GRDB
import Notary

/// The discussion garden of the demo community: motions in every state of the standard
/// workflow, a council meeting held last week (attendance, votes, approved and published
/// minutes), a representatives' meeting with its notice out, comments (one hidden by the
/// moderator), replies, implementation with milestones (one overdue) and progress, residents'
/// ratings, hearings in every phase, the members' yearly assessment, and access cards for
/// three households — all made through the same functions the web pages and the CLI call.
public enum DemoCouncil {
    /// What was seeded, for the demo's summary.
    public struct Summary: Sendable {
        public let motions: Int
        public let states: Int
        public let heldMeetingID: Int64
        public let upcomingMeetingID: Int64
        /// Hearings: reported, record awaiting sign-off, being held, notice out, draft.
        public let hearingIDs: [Int64]
        public let householdCards: [HouseholdAccessCard]
        public let chairUsername: String
        public let recorderUsername: String
    }

    struct Plan {
        let title: String
        let description: String
        let category: String
        let household: String
        let daysAgo: Int
    }

    static let plans: [Plan] = [
        Plan(title: "3号楼电梯经常停运", description: "3号楼2单元电梯本月已停运四次，老人上下楼困难，请督促物业尽快检修并公布维保记录。", category: "facilities", household: "H00101", daysAgo: 1),
        Plan(title: "小区东门夜间照明不足", description: "东门到5号楼之间路灯坏了三盏，晚上回家很不安全，请尽快修复。", category: "safety", household: "H00060", daysAgo: 16),
        Plan(title: "增设电动自行车集中充电桩", description: "楼道里私拉电线给电动车充电有火灾隐患，建议在8号楼北侧空地增设集中充电桩。", category: "safety", household: "H00012", daysAgo: 9),
        Plan(title: "请求免费办理居住证明", description: "希望社区为个人开具居住证明，此事属派出所办理。", category: "other", household: "H00210", daysAgo: 30),
        Plan(title: "物业费收支不透明", description: "要求物业公司公开近两年物业费收支明细。", category: "property", household: "H00077", daysAgo: 28),
        Plan(title: "电动车充电难", description: "8号楼附近电动车没有地方充电。", category: "safety", household: "H00150", daysAgo: 8),
        Plan(title: "楼下烧烤摊油烟扰民", description: "晚上烧烤摊油烟很大。", category: "environment", household: "H00033", daysAgo: 20),
        Plan(title: "老年活动室延长开放时间", description: "建议老年活动室周末也开放，并延长到晚上八点。", category: "elderly", household: "H00045", daysAgo: 26),
        Plan(title: "垃圾分类投放点加装洗手池", description: "在各垃圾分类投放点旁加装洗手池，方便居民投放后洗手。", category: "environment", household: "H00088", daysAgo: 40),
        Plan(title: "中心花园改建为停车场", description: "把中心花园一半改建为停车位，缓解停车难。", category: "parking", household: "H00120", daysAgo: 41),
        Plan(title: "调整快递柜位置", description: "快递柜挡住了消防通道，建议挪到东门内侧。", category: "safety", household: "H00133", daysAgo: 42),
        Plan(title: "单元门禁系统更换", description: "1号楼各单元门禁经常失灵，建议更换为刷卡加人脸识别的门禁。", category: "facilities", household: "H00007", daysAgo: 43),
        Plan(title: "楼道堆物清理", description: "组织一次楼道堆物集中清理，消除消防隐患。", category: "environment", household: "H00019", daysAgo: 44),
        Plan(title: "增设儿童游乐设施", description: "在小广场增设儿童滑梯和沙池。", category: "facilities", household: "H00024", daysAgo: 45),
        Plan(title: "社区食堂助餐点", description: "为八十岁以上老人开设助餐点。", category: "elderly", household: "H00031", daysAgo: 46),
    ]

    /// Seeds the garden into a community that already has its demo residents (households
    /// `H00001` …) and its community key. `today` anchors every date.
    public static func seed(into database: AppDatabase, communityID: Int64, signingKey: Ed25519PrivateKey, password: String,
                            today: CivilDate = .today()) throws -> Summary {
        let chair = try database.createAccount(NewAccount(communityID: communityID, username: "zhuren", displayName: "王主任", password: password, roles: [.committee]), actor: .commandLine)
        let recorder = try database.createAccount(NewAccount(communityID: communityID, username: "jilu", displayName: "李记录", password: password, roles: [.clerk]), actor: .commandLine)
        func at(_ daysAgo: Int, hour: Int = 10) -> Date { today.adding(days: -daysAgo).instant(hour: hour) }
        func identity(_ number: String) throws -> ResidentIdentity {
            guard let household = try database.household(number: number, communityID: communityID) else { throw CommunityError.notFound("household \(number)") }
            // The member acting is one who may take part (`CouncilEligibility`) when there is one.
            let member = try database.eligibleMembers(householdID: household.id!, on: today).first ?? database.householdMembers(householdID: household.id!).first
            return try database.residentIdentity(household: HouseholdSession(householdID: household.id!, householdNumber: number, expiresAt: .distantFuture), residentID: member?.id)
        }
        // Bodies: 9 council members serving for a year; the representatives' meeting of the
        // term begun a year ago — 25 representatives of five residents' groups, each answering
        // to four households, and 5 committee members (at most a fifth of its members).
        let residents = try database.reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT resident.id, household.number FROM resident JOIN household ON household.id = resident.householdID
                WHERE resident.communityID = ? AND relationToHead = '户主' AND \(CouncilEligibility.sqlCondition) ORDER BY resident.id LIMIT 43
                """, arguments: [communityID, CouncilEligibility.adultBornBy(today.adding(days: -365)).description]).map { (id: $0["id"] as Int64, household: $0["number"] as String) }
        }
        for resident in residents.prefix(9) {
            try database.addBodyMember(communityID: communityID, body: .council, residentID: resident.id, since: today.adding(days: -365), actor: .commandLine)
        }
        let term = try database.createAssemblyTerm(communityID: communityID, startsOn: today.adding(days: -365), actor: .commandLine)
        let households = try database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT number FROM household WHERE communityID = ? ORDER BY number", arguments: [communityID])
        }
        let representatives = Array(residents.dropFirst(9).prefix(25))
        var taken = Set(representatives.map(\.household))
        var spare = households.filter { !taken.contains($0) }.makeIterator()
        for (index, resident) in representatives.enumerated() {
            var answering = [resident.household]
            while answering.count < 4, let next = spare.next() { answering.append(next); taken.insert(next) }
            try database.addAssemblyRepresentative(termID: term.id, residentID: resident.id, group: "第\(["一", "二", "三", "四", "五"][index / 5])居民小组",
                                                   households: answering, since: today.adding(days: -365), actor: .commandLine)
        }
        for resident in residents.dropFirst(34).prefix(5) {
            try database.addAssemblyCommitteeMember(termID: term.id, residentID: resident.id, since: today.adding(days: -365), actor: .commandLine)
        }
        // Motions.
        var motions: [Motion] = []
        for (index, plan) in plans.enumerated() {
            let submitter: MotionSubmitter = index % 4 == 3
                ? .onBehalf(householdNumber: plan.household, residentID: nil, channel: index % 8 == 3 ? "paper" : "phone", clerk: recorder)
                : .resident(try identity(plan.household))
            let (motion, _) = try database.submitMotion(communityID: communityID, NewMotion(
                title: plan.title, description: plan.description, category: plan.category,
                building: "\(((Int(plan.household.dropFirst()) ?? 1) - 1) / 48 + 1)号楼", unit: "", grid: "第\(index % 4 + 1)网格"),
                by: submitter, signingKey: signingKey, now: at(plan.daysAgo))
            motions.append(motion)
        }
        let committee = MotionMover.committee(chair)
        func move(_ index: Int, _ action: String, reason: String? = nil, target: String? = nil, daysAgo: Int) throws {
            _ = try database.moveMotion(id: motions[index].id!, action: action, reason: reason, target: target, by: committee, now: at(daysAgo, hour: 15))
        }
        func support(_ index: Int, households: ClosedRange<Int>, daysAgo: Int) throws {
            for number in households {
                try database.supportMotion(id: motions[index].id!, as: try identity(String(format: "H%05d", number)), now: at(daysAgo, hour: 18))
            }
        }
        // 0 submitted yesterday, 3 supports; 1 submitted 16 days ago and still not accepted (overdue).
        try support(0, households: 102...104, daysAgo: 0)
        // 2 accepted with 6 supports: on the must-schedule list.
        try support(2, households: 13...18, daysAgo: 7)
        try move(2, "accept", daysAgo: 6)
        try database.replyToMotion(id: motions[2].id!, text: "已受理，将提交下次议事园会议协商。", actor: .account(id: chair.id!, username: chair.username), by: chair, now: at(6, hour: 16))
        try move(3, "notAccept", reason: "居住证明由派出所办理，不属于居委会议事范围；已告知提出人办理途径。", daysAgo: 27)
        try move(4, "refer", reason: "属物业服务合同事项", target: "安和物业服务有限公司", daysAgo: 25)
        try move(5, "merge", reason: "与 \(motions[2].number) 同一事项", target: motions[2].number, daysAgo: 7)
        _ = try database.moveMotion(id: motions[6].id!, action: "withdraw", reason: nil, by: .submitter(try identity(plans[6].household)), now: at(18))
        try move(7, "accept", daysAgo: 23)
        for index in 8...14 { try move(index, "accept", daysAgo: 38) }
        // Comments.
        _ = try database.addComment(motionID: motions[0].id!, body: "同感，我家老人上周被困电梯二十分钟。", internal: false, author: try identity("H00102").publicLabel,
                                    actor: .household(number: "H00102"), staff: false, now: at(0, hour: 19))
        let rude = try database.addComment(motionID: motions[0].id!, body: "物业都是骗子！！！某某某的电话是 138xxxx", internal: false, author: try identity("H00105").publicLabel,
                                           actor: .household(number: "H00105"), staff: false, now: at(0, hour: 20))
        try database.hideComment(id: rude.id!, reason: "含他人个人信息，按议事园规则隐藏", by: chair, now: at(0, hour: 21))
        _ = try database.addComment(motionID: motions[0].id!, body: "已电话联系物业经理，周五前答复检修计划。", internal: true, author: "居委会", actor: Actor(chair),
                                    staff: true, now: at(0, hour: 21))
        // The council meeting held five days ago: 7 motions and one other matter.
        let held = try database.createMeeting(communityID: communityID, NewMeeting(
            kind: .councilMeeting, title: "第四季度议事园会议", date: today.adding(days: -5), time: "19:00", venue: "社区党群服务中心二楼会议室",
            chairAccountID: chair.id!, recorderAccountID: recorder.id!), actor: Actor(chair), now: at(20))
        for index in 8...14 {
            try database.addAgendaItem(meetingID: held.id!, title: nil, motionNumber: motions[index].number,
                                       passRule: index == 9 ? .twoThirdsOfPresent : .majorityOfPresent, actor: Actor(chair), now: at(19))
        }
        let other = try database.addAgendaItem(meetingID: held.id!, title: "通报第三季度居务公开情况", motionNumber: nil, actor: Actor(chair), now: at(19))
        _ = try database.publishNotice(meetingID: held.id!, actor: Actor(chair), now: at(16))
        _ = try database.openMeeting(id: held.id!, actor: Actor(recorder), now: at(5, hour: 19))
        let roll = try database.attendees(meetingID: held.id!)
        for attendee in roll.prefix(7) {
            try database.checkIn(meetingID: held.id!, attendeeID: attendee.id!, actor: Actor(recorder), now: at(5, hour: 19))
        }
        let items = try database.agenda(meetingID: held.id!)
        let votes: [(Int, Int, Int)] = [(7, 0, 0), (3, 3, 1), (0, 0, 0), (6, 1, 0), (7, 0, 0), (5, 1, 1), (7, 0, 0)]
        for (offset, item) in items.filter({ $0.motionID != nil }).enumerated() {
            if offset == 2 {
                try database.deferItem(itemID: item.id!, reason: "快递柜位置需先征求消防部门意见，下次会议再议。", actor: Actor(recorder), now: at(5, hour: 20))
            } else if offset == 5 {
                // A roll-call vote: each member's choice recorded.
                var choices: [Int64: String] = [:]
                for (index, attendee) in roll.prefix(7).enumerated() { choices[attendee.id!] = index < 5 ? "for" : index == 5 ? "against" : "abstain" }
                try database.recordVote(itemID: item.id!, .rollCall(choices), actor: Actor(recorder), now: at(5, hour: 20))
            } else {
                let (f, a, b) = votes[offset]
                try database.recordVote(itemID: item.id!, .counts(for: f, against: a, abstain: b), actor: Actor(recorder), now: at(5, hour: 20))
            }
        }
        try database.deferItem(itemID: other.id!, reason: "通报事项，无需表决。", actor: Actor(recorder), now: at(5, hour: 21))
        _ = try database.closeMeeting(id: held.id!, actor: Actor(recorder), now: at(5, hour: 21))
        try database.draftMinutes(meetingID: held.id!, text: """
            会议由王主任主持，应到议事园成员 \(roll.count) 人，实到 7 人，超过半数，会议有效。
            一、垃圾分类投放点加装洗手池：一致同意，由居委会协调物业于一个月内实施。
            二、中心花园改建为停车场：赞成 3 票，未达到到会人员三分之二，不予通过；建议另行研究错时停车。
            三、调整快递柜位置：暂缓，先征求消防部门意见。
            四至七项：同意，分别由居委会牵头落实。
            """, by: recorder, now: at(4))
        _ = try database.approveMinutes(meetingID: held.id!, by: chair, now: at(3))
        _ = try database.approveMinutes(meetingID: held.id!, by: recorder, now: at(3))
        _ = try database.publishMinutes(meetingID: held.id!, signingKey: signingKey, actor: Actor(chair), now: at(3, hour: 11))
        // After the meeting: implementation, completion, evaluation, archive.
        // Implementation: owners, milestones (one overdue), progress, completion; ratings and evaluation.
        for index in 11...14 {
            _ = try database.startImplementation(motionID: motions[index].id!, owner: index == 11 ? "" : "安和物业服务有限公司", ownerKind: index == 11 ? .member : .unit,
                                                 ownerAccountID: index == 11 ? chair.id : nil, by: chair, now: at(4, hour: 9))
        }
        let survey = try database.addMilestone(motionID: motions[11].id!, title: "各单元门禁现状摸排", due: today.adding(days: -1), actor: Actor(chair))
        try database.addMilestone(motionID: motions[11].id!, title: "确定供应商并公示报价", due: today.adding(days: 14), actor: Actor(chair))
        try database.addMilestone(motionID: motions[11].id!, title: "安装调试并验收", due: today.adding(days: 40), actor: Actor(chair))
        _ = survey
        try database.addProgressNote(motionID: motions[11].id!, text: "已完成1至3号楼摸排，4至6号楼本周内完成。", photo: nil, author: "王主任", actor: Actor(chair), now: at(2, hour: 16))
        for index in 12...14 {
            let step = try database.addMilestone(motionID: motions[index].id!, title: "实施", due: today.adding(days: -2), actor: Actor(chair))
            try database.completeMilestone(id: step.id!, note: "已完成", actor: Actor(chair), now: at(3, hour: 17))
            try database.completeImplementation(motionID: motions[index].id!, completion: index == 12 ? "已组织清理楼道堆物 36 处。" : "已完成并验收。", by: chair, now: at(3, hour: 18))
        }
        let ratings: [Satisfaction] = [.satisfied, .satisfied, .basic, .satisfied, .dissatisfied, .basic, .satisfied]
        for (offset, rating) in ratings.enumerated() {
            for index in 12...14 {
                try database.rateMotion(id: motions[index].id!, identity: try identity(String(format: "H%05d", 120 + offset)), rating: rating,
                                        comment: offset == 4 ? "施工噪音大，没有提前通知。" : nil, now: at(2, hour: 20))
            }
        }
        _ = try database.closeEvaluation(motionID: motions[13].id!, by: chair, now: at(1))
        _ = try database.closeEvaluation(motionID: motions[14].id!, by: chair, now: at(1))
        try move(14, "archive", daysAgo: 1)
        try database.replyToMotion(id: motions[3].id!, text: "居住证明请到安和派出所户籍窗口办理，居委会可协助预约。", actor: Actor(chair), by: chair, now: at(26, hour: 16))
        try database.replyToMotion(id: motions[4].id!, text: "已转物业公司，要求十五个工作日内在公告栏公开收支明细。", actor: Actor(chair), by: chair, now: at(24, hour: 16))
        for index in [8, 9, 10, 11, 12, 13, 14] {
            try database.replyToMotion(id: motions[index].id!, text: "已经议事园会议表决，结果见会议纪要。", actor: Actor(chair), by: chair, now: at(3, hour: 12))
        }
        // A representatives' meeting in 12 days, notice out today, motion 7 on the agenda.
        let upcoming = try database.createMeeting(communityID: communityID, NewMeeting(
            kind: .representativesMeeting, title: "居民代表会议（老年活动室开放时间）", date: today.adding(days: 12), time: "14:30", venue: "社区会议室",
            chairAccountID: chair.id!, recorderAccountID: recorder.id!), actor: Actor(chair), now: at(0, hour: 9))
        try database.addAgendaItem(meetingID: upcoming.id!, title: nil, motionNumber: motions[7].number, actor: Actor(chair), now: at(0, hour: 9))
        _ = try database.publishNotice(meetingID: upcoming.id!, actor: Actor(chair), now: at(0, hour: 9))
        let hearings = try DemoHearings.seed(into: database, communityID: communityID, signingKey: signingKey, chair: chair, recorder: recorder, today: today, identity: identity)
        // Residents' requests to convene: the representatives asked for a residents' meeting (a
        // third of them signed, so it is on the committee's desk with its deadline); households
        // are collecting signatures for a hearing on the property fee.
        func representative(_ member: AssemblyMember) throws -> ResidentIdentity {
            let household = try database.reader.read { db in
                try Row.fetchOne(db, sql: "SELECT household.id, household.number FROM resident JOIN household ON household.id = resident.householdID WHERE resident.id = ?",
                                 arguments: [member.residentID])!
            }
            return try database.residentIdentity(household: HouseholdSession(householdID: household["id"], householdNumber: household["number"], expiresAt: .distantFuture),
                                                 residentID: member.residentID)
        }
        let serving = try database.servingRepresentatives(communityID: communityID, on: today)
        let asked = try database.openConveningRequest(communityID: communityID, body: .residentsMeeting, basis: .representatives, title: "召开年度居民会议",
                                                      reason: "年底前请召开居民会议，听取居委会年度工作报告并讨论明年的实事项目。", identity: try representative(serving[0]), now: at(4, hour: 19))
        for member in serving.dropFirst().prefix(asked.required - 1) {
            try database.signConveningRequest(id: asked.id, identity: try representative(member), now: at(3, hour: 19))
        }
        let fee = try database.openConveningRequest(communityID: communityID, body: .hearing, basis: .households, title: "物业费调价听证",
                                                    reason: "物业公司拟上调物业费，请就调价方案召开听证会。", identity: try identity("H00040"), now: at(2, hour: 20))
        for number in 41...70 {
            // Households with a member who may sign (`CouncilEligibility`).
            guard let household = try database.household(number: String(format: "H%05d", number), communityID: communityID),
                  !(try database.eligibleMembers(householdID: household.id!, on: today)).isEmpty else { continue }
            try database.signConveningRequest(id: fee.id, identity: try identity(household.number), now: at(1, hour: 20))
        }
        // The supervisory committee (居务监督委员会): chosen by a representatives' meeting five weeks
        // ago, three residents who are neither on the residents' committee nor close relatives of
        // its members; their opinions on the board, the accounts and a decision carried out.
        let choosing = try database.createMeeting(communityID: communityID, NewMeeting(
            kind: .representativesMeeting, title: "居民代表会议（推选居务监督委员会）", date: today.adding(days: -35), time: "19:00", venue: "社区会议室",
            chairAccountID: chair.id!, recorderAccountID: recorder.id!), actor: Actor(chair), now: at(47, hour: 9))
        let choice = try database.addAgendaItem(meetingID: choosing.id!, title: "推选居务监督委员会成员", motionNumber: nil, actor: Actor(chair), now: at(47, hour: 9))
        _ = try database.publishNotice(meetingID: choosing.id!, actor: Actor(chair), now: at(47, hour: 10))
        _ = try database.openMeeting(id: choosing.id!, actor: Actor(recorder), now: at(35, hour: 19))
        for attendee in try database.attendees(meetingID: choosing.id!) {
            try database.checkIn(meetingID: choosing.id!, attendeeID: attendee.id!, actor: Actor(recorder), now: at(35, hour: 19))
        }
        let present = try database.attendees(meetingID: choosing.id!).count
        _ = try database.recordVote(itemID: choice.id!, .counts(for: present, against: 0, abstain: 0), actor: Actor(recorder), now: at(35, hour: 20))
        _ = try database.closeMeeting(id: choosing.id!, actor: Actor(recorder), now: at(35, hour: 21))
        let supervisors = Array(residents.dropFirst(40).prefix(3))
        var chosen: [SupervisoryMember] = []
        for (index, resident) in supervisors.enumerated() {
            chosen.append(try database.chooseSupervisoryMember(communityID: communityID, residentID: resident.id, post: index == 0 ? .chair : .member,
                                                               meetingID: choosing.id!, actor: Actor(chair), now: at(34)))
        }
        for (member, subject, concerns, text) in [
            (chosen[0], SupervisoryCommittee.Subject.disclosure, "上月居务公开", "公开栏已按月更新，但物业维修基金使用明细未公布，请补充公开。"),
            (chosen[1], .accounts, "第三季度财务收支", "已核对第三季度收支账目与凭证，相符。"),
            (chosen[2], .implementation, "议事园会议决议", "楼道照明更换已按决议完成，居民反映良好。"),
        ] {
            try database.recordSupervisoryOpinion(memberID: member.id, subject: subject, concerns: concerns, text: text,
                                                  reportedToMeetingID: subject == .accounts ? choosing.id! : nil, actor: Actor(recorder), now: at(10))
        }
        // A consultation (民主协商): an open forum on parking two weeks ago with the owners'
        // committee, the property company and a traffic expert; its outcome and how it was carried out.
        let forum = try database.planConsultation(communityID: communityID, form: .openForum, title: "小区停车秩序恳谈会",
                                                  matter: "夜间车位不足、消防通道被占，请各方共同商议停车秩序和收费办法。", date: today.adding(days: -14),
                                                  venue: "社区会议室", motionNumber: nil, actor: Actor(chair), now: at(20))
        for (name, organisation, role) in [("周建平", "桃园小区业主委员会", ConsultationParticipant.Role.ownersCommittee),
                                           ("孙立", "安和物业服务有限公司", .propertyCompany), ("郑敏", "市交通规划设计研究院", .expert)] {
            try database.addConsultationParticipant(consultationID: forum.id, name: name, organisation: organisation, role: role, actor: Actor(chair))
        }
        try database.recordConsultationOutcome(id: forum.id, outcome: "一、消防通道划黄线、立牌，物业每晚巡查；二、地面车位夜间错时共享；三、收费办法由业委会征求意见后提交居民会议。",
                                               actor: Actor(chair), now: at(14, hour: 21))
        try database.recordConsultationFeedback(id: forum.id, feedback: "消防通道标线和警示牌已完成，物业每晚两次巡查；错时共享车位已试行一周。",
                                                actor: Actor(chair), now: at(2))
        let cards = try database.issueHouseholdCodes(communityID: communityID, numbers: ["H00001", "H00002", "H00003"], actor: .commandLine)
        let states = Set(try database.motions(communityID: communityID).map(\.motion.state)).count
        return Summary(motions: try database.motions(communityID: communityID).count, states: states, heldMeetingID: held.id!, upcomingMeetingID: upcoming.id!,
                       hearingIDs: hearings, householdCards: cards, chairUsername: chair.username, recorderUsername: recorder.username)
    }
}
