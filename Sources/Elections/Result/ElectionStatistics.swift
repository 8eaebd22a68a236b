import Community
import Foundation
import GRDB

/// The official statistics of an election (换届选举统计表, election-rules.md §9): the roll by
/// category and its changes by reason, each round's ballots, proxies, mobile-box and assisted
/// voters, venues, and the members elected by post, gender, age band, education, ethnicity,
/// and re-elected or new. Party membership and 一肩挑 are not recorded in Xuanyi, so the
/// report leaves them to be filled in by hand.
public struct ElectionStatistics: Sendable, Equatable {
    public struct RoundFigures: Sendable, Equatable {
        public var number: Int
        public var kind: RoundKind
        public var issued: Int
        public var collected: Int
        /// Collected minus invalid, blank and wholly void ballots.
        public var valid: Int
        /// Not official, unreadable, or void as a whole.
        public var invalid: Int
        public var blank: Int
    }

    /// One elected member as the report counts them.
    public struct Member: Sendable, Equatable {
        public var post: Post
        public var name: String
        public var gender: Gender
        public var age: Int
        public var education: String?
        public var ethnicity: String
        /// Elected in an earlier certified election of the community.
        public var reElected: Bool

        /// ≤35, 36–50, ≥51.
        public var ageBand: String { age <= 35 ? "≤35" : age <= 50 ? "36–50" : "≥51" }
        public var minority: Bool { ethnicity != "汉族" }
    }

    public var title: String
    public var method: ElectionMethod
    public var electionDay: CivilDate
    public var roll: RollCounts
    /// Voters on the roll (active) by how their b, c or d registration was decided.
    public var registrations: [RegistrationApproval: Int] = [:]
    /// Community workers' (d) applications the election committee had not confirmed (not on the roll).
    public var unconfirmedWorkers = 0
    public var changes: [RollChangeReason: Int]
    public var rounds: [RoundFigures]
    public var proxies: Int
    public var mobileBoxVoters: Int
    public var assisted: Int
    public var venues: Int
    public var members: [Member]
    public var vacant: Int
    /// Recall and by-election in the term (§8).
    public var recall = RecallFigures()

    /// The term's recalls and by-elections: proposals filed, those that reached their threshold,
    /// recall votes counted, members recalled, by-elections held (certified), and — once the
    /// result is certified — members serving and seats vacant now.
    public struct RecallFigures: Sendable, Equatable {
        public var proposals = 0
        public var submitted = 0
        public var votes = 0
        public var recalled = 0
        public var byElections = 0
        public var serving: Int?
        public var vacantNow: Int?
    }

    /// Rows of the report as (section, item, value), the same for the print page and the CSV.
    public var rows: [(section: String, item: String, value: String)] {
        var rows: [(String, String, String)] = [
            ("选举", "选举名称", title), ("选举", "选举方式", method.chinese), ("选举", "选举日", electionDay.description),
        ]
        for category in RegistrationCategory.allCases {
            rows.append(("选民登记", "类别 \(category.rawValue)（\(category.chinese)）", String(roll.active[category] ?? 0)))
        }
        for approval in RegistrationApproval.allCases {
            rows.append(("选民登记", "登记依据 \(approval.chinese)", String(registrations[approval] ?? 0)))
        }
        rows.append(("选民登记", "社区工作者申请未经居民选举委员会确认", String(unconfirmedWorkers)))
        rows.append(("选民登记", "合计", String(roll.totalActive)))
        rows.append(("选民登记", "已除名", String(roll.removed)))
        for reason in RollChangeReason.allCases { rows.append(("名单变动", reason.chinese, String(changes[reason] ?? 0))) }
        for round in rounds {
            let name = "第\(round.number)轮（\(round.kind.chinese)）"
            rows += [("投票", "\(name) 发出选票", String(round.issued)), ("投票", "\(name) 收回选票", String(round.collected)),
                     ("投票", "\(name) 有效票", String(round.valid)), ("投票", "\(name) 无效票", String(round.invalid)),
                     ("投票", "\(name) 空白票", String(round.blank))]
        }
        rows += [("投票", "委托投票人数", String(proxies)), ("投票", "流动票箱投票人数", String(mobileBoxVoters)),
                 ("投票", "代写选票人数", String(assisted)), ("投票", "投票站（会场）数", String(venues))]
        rows.append(("当选成员", "合计", String(members.count)))
        for post in Post.allCases { rows.append(("当选成员", "职位 \(post.chinese)", String(members.filter { $0.post == post }.count))) }
        rows.append(("当选成员", "缺额", String(vacant)))
        rows += [("当选成员", "女性", String(members.filter { $0.gender == .female }.count)),
                 ("当选成员", "男性", String(members.filter { $0.gender == .male }.count))]
        for band in ["≤35", "36–50", "≥51"] { rows.append(("当选成员", "年龄 \(band)", String(members.filter { $0.ageBand == band }.count))) }
        var education: [String: Int] = [:]
        for member in members { education[member.education ?? "未登记", default: 0] += 1 }
        for (level, count) in education.sorted(by: { $0.key < $1.key }) { rows.append(("当选成员", "学历 \(level)", String(count))) }
        rows += [("当选成员", "少数民族", String(members.filter(\.minority).count)),
                 ("当选成员", "连任", String(members.filter(\.reElected).count)),
                 ("当选成员", "新当选", String(members.filter { !$0.reElected }.count)),
                 ("当选成员", "中共党员", "（本系统未登记，请手工填写）"), ("当选成员", "书记、主任“一肩挑”", "（本系统未登记，请手工填写）")]
        rows += [("罢免与补选", "罢免要求", String(recall.proposals)), ("罢免与补选", "达到法定联名人数", String(recall.submitted)),
                 ("罢免与补选", "罢免表决", String(recall.votes)), ("罢免与补选", "被罢免成员", String(recall.recalled)),
                 ("罢免与补选", "补选（已确认）", String(recall.byElections))]
        if let serving = recall.serving { rows.append(("罢免与补选", "现有成员", String(serving))) }
        if let vacantNow = recall.vacantNow { rows.append(("罢免与补选", "现缺额", String(vacantNow))) }
        return rows
    }

    /// The report as CSV (UTF-8 with BOM for spreadsheets; every value formula-guarded, `CSVField`).
    public var csv: Data {
        var text = "\u{FEFF}项目分类,项目,数值\r\n"
        for row in rows { text += CSVField.line([row.section, row.item, row.value], alwaysQuote: true) + "\r\n" }
        return Data(text.utf8)
    }
}

extension AppDatabase {
    /// The statistics of an election from its roll, rounds and closed-round result.
    public func electionStatistics(electionID: Int64) throws -> ElectionStatistics {
        let result = try electionResult(electionID: electionID)
        return try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            let roll = try Self.rollCounts(db, electionID: electionID)
            var changes: [RollChangeReason: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) AS n FROM rollChange WHERE electionID = ? GROUP BY reason", arguments: [electionID]) {
                if let reason = RollChangeReason(rawValue: row["reason"]) { changes[reason] = row["n"] }
            }
            let rounds = result.rounds.map { input in
                ElectionStatistics.RoundFigures(number: input.number, kind: input.kind, issued: input.issued, collected: input.count.collected,
                                                valid: input.count.collected - input.count.invalid - input.count.blank - input.count.voided,
                                                invalid: input.count.invalid + input.count.voided, blank: input.count.blank)
            }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql, arguments: [electionID]) ?? 0 }
            let registrations = try Self.registrationCounts(db, electionID: electionID)
            let unconfirmedWorkers = try count("SELECT count(*) FROM rollApplication WHERE electionID = ? AND category = 'd' AND status != 'approved'")
            let proxies = try count("SELECT count(*) FROM proxyAuthorisation WHERE electionID = ? AND NOT revoked")
            let mobile = try count("""
                SELECT count(*) FROM checkIn c JOIN ballotBox b ON b.id = c.boxID JOIN pollingRound r ON r.id = c.roundID
                WHERE r.electionID = ? AND b.kind = 'mobile'
                """)
            let assisted = try count("SELECT count(*) FROM checkIn c JOIN pollingRound r ON r.id = c.roundID WHERE r.electionID = ? AND c.assistedByID IS NOT NULL")
            let venues = try count("SELECT count(*) FROM pollingStation WHERE electionID = ?")
            // Elected before: winners of the community's earlier certified elections.
            var earlier: Set<Int64> = []
            for text in try String.fetchAll(db, sql: """
                SELECT s.statementJSON FROM resultStatement s JOIN election e ON e.id = s.electionID
                WHERE e.communityID = ? AND e.electionDay < ?
                """, arguments: [election.communityID, election.electionDay.description]) {
                if let statement = try? JSONDecoder().decode(ResultStatement.self, from: Data(text.utf8)) { earlier.formUnion(statement.elected.map(\.person)) }
            }
            let residents = Dictionary(uniqueKeysWithValues: try Resident.fetchAll(db, keys: result.outcome.elected.map(\.person)).map { ($0.id!, $0) })
            var members: [ElectionStatistics.Member] = []
            for member in result.outcome.elected {
                guard let resident = residents[member.person] else { continue }
                let education = try String.fetchOne(db, sql: "SELECT education FROM nominee WHERE electionID = ? AND residentID = ? AND education IS NOT NULL LIMIT 1",
                                                    arguments: [electionID, member.person])
                members.append(.init(post: member.post, name: resident.name, gender: resident.gender, age: resident.birthDate.age(on: election.electionDay),
                                     education: education, ethnicity: resident.ethnicity, reElected: earlier.contains(member.person)))
            }
            var recall = ElectionStatistics.RecallFigures()
            let proposals = try Self.recallProposals(db, electionID: electionID)
            recall.proposals = proposals.count
            recall.submitted = proposals.filter { $0.reachedOn != nil }.count
            recall.votes = proposals.filter { $0.outcome != nil }.count
            recall.recalled = proposals.reduce(0) { $0 + ($1.outcome?.recalled.count ?? 0) }
            recall.byElections = try Self.byElections(db, termElectionID: electionID).filter { try Self.certifiedResult(db, electionID: $0.id!) != nil }.count
            if try Self.certifiedResult(db, electionID: electionID) != nil {
                let committee = try Self.termCommittee(db, electionID: electionID)
                recall.serving = committee.members.count
                recall.vacantNow = committee.vacancies
            }
            return ElectionStatistics(title: election.title, method: election.method, electionDay: election.electionDay, roll: roll,
                                      registrations: registrations, unconfirmedWorkers: unconfirmedWorkers, changes: changes,
                                      rounds: rounds, proxies: proxies, mobileBoxVoters: mobile, assisted: assisted, venues: venues, members: members,
                                      vacant: result.outcome.vacant.values.reduce(0, +), recall: recall)
        }
    }
}

extension AppDatabase {
    /// Active roll entries of categories b, c and d by the basis of their registration (rows
    /// from before the basis was recorded count by their category: `RollApplication.basis`).
    static func registrationCounts(_ db: Database, electionID: Int64) throws -> [RegistrationApproval: Int] {
        var counts: [RegistrationApproval: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT rollEntry.category, rollApplication.id AS applicationID, rollApplication.category AS applicationCategory,
                   rollApplication.status AS applicationStatus, rollApplication.approval, rollApplication.decidedBy, rollApplication.decidedOn,
                   rollApplication.decisionReference, rollApplication.statementNotRegisteredElsewhere
            FROM rollEntry
            LEFT JOIN rollApplication ON rollApplication.electionID = rollEntry.electionID AND rollApplication.residentID = rollEntry.residentID
            WHERE rollEntry.electionID = ? AND rollEntry.active AND rollEntry.category != 'a'
            """, arguments: [electionID]) {
            let category = RegistrationCategory(rawValue: row["category"]) ?? .a
            if let registration = registration(row, category: category) { counts[registration.approval, default: 0] += 1 }
        }
        return counts
    }
}
