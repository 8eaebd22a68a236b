import Community
import Foundation
import GRDB
import Notary

/// The demo's election committee, nominations, primary and candidate list: a committee of
/// five (one steps down because his wife is nominated, and is replaced), nominations of every
/// kind for every post, a declined nomination, a withdrawal, a primary for 委员 that ties at the
/// cut and a further primary that settles it, and the published list.
enum DemoNominations {
    struct Voter {
        let number: Int
        let resident: Resident
    }

    static func seed(into database: AppDatabase, election: Election, keyStore: KeyStore, committeePassword: String? = nil) throws -> Int {
        let electionID = election.id!
        // Dates relative to election day: the committee formed and nominations filed a fortnight
        // before, answers the next day, the primary after nominations close, the list a week before.
        let formed = election.electionDay.adding(days: -16)
        let filing = election.electionDay.adding(days: -15)
        let answered = election.electionDay.adding(days: -14)
        let primaryDay = election.electionDay.adding(days: -9)
        let listDay = election.electionDay.adding(days: -7)
        let voters = try database.reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rollEntry.number AS rollNumber, resident.* FROM rollEntry JOIN resident ON resident.id = rollEntry.residentID
                WHERE rollEntry.electionID = ? AND rollEntry.active ORDER BY rollEntry.number
                """, arguments: [electionID]).map { Voter(number: $0["rollNumber"], resident: try Resident(row: $0)) }
        }
        let day = election.electionDay
        func age(_ voter: Voter) -> Int { voter.resident.birthDate.age(on: day) }
        var usedHouseholds = Set<Int64>()
        func pick(_ count: Int, where condition: (Voter) -> Bool) -> [Voter] {
            var chosen: [Voter] = []
            for voter in voters where chosen.count < count {
                guard let household = voter.resident.householdID, !usedHouseholds.contains(household), condition(voter) else { continue }
                usedHouseholds.insert(household)
                chosen.append(voter)
            }
            return chosen
        }
        // A couple: the husband sits on the committee until his wife is nominated.
        let byHousehold = Dictionary(grouping: voters.filter { $0.resident.householdID != nil }, by: { $0.resident.householdID! })
        guard let couple = byHousehold.values.first(where: { members in
            members.contains { $0.resident.relationToHead == "户主" && $0.resident.gender == .male && (35...60).contains(age($0)) }
                && members.contains { $0.resident.relationToHead == "配偶" && $0.resident.gender == .female && (30...58).contains(age($0)) }
        }) else { return 0 }
        let husband = couple.first { $0.resident.relationToHead == "户主" }!
        let wife = couple.first { $0.resident.relationToHead == "配偶" }!
        usedHouseholds.insert(husband.resident.householdID!)

        // The election committee and the candidates-to-be, each from a household of their own.
        let committeePeople = pick(5) { (30...65).contains(age($0)) }
        let directors = pick(2) { (35...60).contains(age($0)) }
        let deputies = pick(3) { (30...60).contains(age($0)) }
        let women = [wife] + pick(1) { $0.resident.gender == .female && (28...55).contains(age($0)) }
        let members = pick(7) { (25...62).contains(age($0)) }
        // Nominators come from households not standing or on the committee; each post starts
        // again from the top of the pool, since the limit of one nomination per seat is per post.
        let nominatorPool = voters.reversed().filter { !usedHouseholds.contains($0.resident.householdID ?? -1) }
        // Joint nominators are taken from the front of the pool (at most three nominations a post),
        // household heads from beyond them, so nobody nominates twice for a one-seat post.
        let jointReach = 3 * election.rules.jointNominators
        let heads = nominatorPool.dropFirst(jointReach).filter { $0.resident.relationToHead == "户主" }.map(\.number)
        guard nominatorPool.count >= jointReach, heads.count >= 3 * election.rules.jointHouseholdNominators,
              committeePeople.count == 5, directors.count == 2, deputies.count == 3, women.count == 2, members.count == 7 else { return 0 }
        var cursor: [Post: Int] = [:]
        var headCursor: [Post: Int] = [:]
        func nominators(_ count: Int, for post: Post) -> [Int] {
            let start = cursor[post, default: 0]
            cursor[post] = start + count
            return nominatorPool[start..<(start + count)].map(\.number)
        }
        func householdNominators(_ count: Int, for post: Post) -> [Int] {
            let start = headCursor[post, default: 0]
            headCursor[post] = start + count
            return Array(heads[start..<(start + count)])
        }
        // The election committee.
        let roles: [[CommitteeRole]] = [[.chair], [.member, .scrutineer], [.member, .teller, .caller], [.member, .recorder, .ballotIssuer]]
        func account(for voter: Voter, username: String) throws -> String {
            try database.createAccount(NewAccount(communityID: election.communityID, username: username, displayName: voter.resident.name,
                                                  password: committeePassword ?? SecureRandom.token(byteCount: 18), roles: [.committee],
                                                  residentID: voter.resident.id),
                                       actor: .system)
            return username
        }
        for (index, person) in committeePeople.prefix(4).enumerated() {
            try database.addCommitteeMember(electionID: electionID, username: try account(for: person, username: "xwh\(index + 1)"),
                                            residentID: person.resident.id!, roles: roles[index], on: formed, actor: .system)
        }
        let husbandMember = try database.addCommitteeMember(electionID: electionID, username: try account(for: husband, username: "xwh5"),
                                                            residentID: husband.resident.id!, roles: [.member], on: formed, actor: .system)

        let key = try keyStore.load(keyID: election.keyID)
        let rules = election.rules
        func nominate(_ post: Post, _ voter: Voter, kind: NominationKind) throws {
            let list: [Int]
            switch kind {
            case .joint: list = nominators(rules.jointNominators, for: post)
            case .household: list = householdNominators(rules.jointHouseholdNominators, for: post)
            case .group, .selfNomination: list = []
            }
            _ = try database.fileNomination(electionID: electionID, NewNomination(post: post, kind: kind, nominee: voter.number, nominators: list),
                                            signingKey: key, now: filing.instant(hour: 10), actor: .system)
        }
        let working = [("大学本科", "社区工作者"), ("大专", "物业公司经理"), ("硕士研究生", "医生"), ("大专", "个体经营"), ("大学本科", "律师"),
                       ("中专", "社区网格员"), ("大学本科", "中学教师")]
        let retired = [("高中", "退休教师"), ("高中", "退休工人"), ("大专", "退休干部")]
        var profileIndex = 0
        func accept(_ post: Post, _ voter: Voter) throws {
            let nominee = try database.nominees(electionID: electionID).first { $0.nominee.post == post && $0.nominee.residentID == voter.resident.id }!
            let profiles = age(voter) >= 58 ? retired : working
            let (education, occupation) = profiles[profileIndex % profiles.count]
            profileIndex += 1
            try database.respondToNomination(nomineeID: nominee.nominee.id!, accept: true, education: education, occupation: occupation,
                                             statement: "愿为\(voter.resident.name.prefix(1))家邻里和社区居民做实事，推动加装电梯、停车管理和垃圾分类。",
                                             on: answered, actor: .system)
        }
        for (index, person) in directors.enumerated() {
            try nominate(.director, person, kind: index == 0 ? .joint : .household)
            try accept(.director, person)
        }
        for (index, person) in deputies.enumerated() {
            try nominate(.deputyDirector, person, kind: .joint)
            if index == 2 {
                let nominee = try database.nominees(electionID: electionID).first { $0.nominee.residentID == person.resident.id }!
                try database.respondToNomination(nomineeID: nominee.nominee.id!, accept: false, on: answered, actor: .system)
            } else {
                try accept(.deputyDirector, person)
            }
        }
        for person in women {
            try nominate(.womenMember, person, kind: .joint)
            try accept(.womenMember, person)
        }
        for (index, person) in members.enumerated() {
            try nominate(.member, person, kind: index == 6 ? .selfNomination : (index % 2 == 0 ? .joint : .household))
            try accept(.member, person)     // the self-nominee (6) is accepted already; this records the profile
        }
        // One accepted 委员 nominee withdraws in writing before the list is published.
        let withdrawing = try database.nominees(electionID: electionID).first { $0.nominee.residentID == members[5].resident.id }!
        try database.withdrawNominee(nomineeID: withdrawing.nominee.id!, note: "本人因工作调动书面申请退出", on: answered, actor: .system)

        // The husband steps down; a replacement joins.
        try database.stepDown(memberID: husbandMember.id!, reason: "配偶被提名为妇女委员候选人，依法退出选举委员会", on: answered, actor: .system)
        let replacement = committeePeople[4]
        try database.addCommitteeMember(electionID: electionID, username: try account(for: replacement, username: "xwh6"),
                                        residentID: replacement.resident.id!, roles: [.member, .writer], on: answered, actor: .system)

        // 委员: six accepted for 2 seats + at most 3 → a primary; two tie at the cut, a further primary settles it.
        let standing = try database.nominees(electionID: electionID).filter { $0.nominee.post == .member && $0.nominee.status == .accepted }
        let rollSize = try database.rollCounts(electionID: electionID).totalActive
        let participants = rollSize / 2 + 1 + rollSize / 10
        // Five places (2 seats + 3): the fifth and sixth tie.
        let firstVotes = [participants * 7 / 10, participants * 6 / 10, participants * 45 / 100, participants * 4 / 10, participants / 4, participants / 4]
        var votes: [Int64: Int] = [:]
        for (line, count) in zip(standing, firstVotes) { votes[line.nominee.id!] = count }
        try database.recordPrimary(electionID: electionID, post: .member, heldOn: primaryDay, participants: participants, votes: votes, actor: .system)
        if case .primaryTie(let tied, _)? = try database.candidateSlates(electionID: electionID).first(where: { $0.post == .member })?.state {
            var further: [Int64: Int] = [:]
            for (index, id) in tied.enumerated() { further[id] = participants / 2 - index * 17 }
            try database.recordPrimary(electionID: electionID, post: .member, heldOn: primaryDay, participants: participants, votes: further, actor: .system)
        }
        return try database.publishCandidateList(electionID: electionID, on: listDay, allowLate: false, actor: .system).count
    }
}
