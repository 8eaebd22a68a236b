import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// A published roll of 30 households (head + spouse, numbers 1–60: household k has 2k−1 and 2k),
/// an election committee of four, and helpers to nominate.
final class NominationFixture {
    let f: RollFixture
    var election: Election
    let surnames = ["乙", "丁", "万", "王", "石", "刘", "李", "欧阳", "赵", "高", "黄", "程", "路", "熊", "潘"]
    /// Filing time: 2026-11-28 10:00 China time, after publication (11-27), before nominations close (12-10).
    static let filing = Date(timeIntervalSince1970: 1_795_831_200)
    static let today = CivilDate(year: 2026, month: 11, day: 28)!
    /// After nominations close (12-10), before the list's deadline (12-15).
    static let primaryDay = CivilDate(year: 2026, month: 12, day: 11)!
    static let listDay = CivilDate(year: 2026, month: 12, day: 12)!

    init(method: ElectionMethod = .direct, rules: RuleSet? = nil, committee: Int = 4, database: AppDatabase? = nil) throws {
        f = try RollFixture(database: database)
        for k in 1...30 {
            let room = String(100 + k)
            try f.person("\(surnames[(k - 1) % 15])\(k <= 15 ? "明" : "华")", born: CivilDate(year: 1960 + k, month: 3, day: 1)!, household: "H\(k)", room: room)
            try f.person("\(surnames[(k + 6) % 15])\(k <= 15 ? "芳" : "丽")", born: CivilDate(year: 1962 + k, month: 5, day: 1)!, male: false,
                         household: "H\(k)", relation: "配偶", room: room)
        }
        election = try f.database.createElection(communityID: f.community.id!, title: "第十二届居民委员会换届选举", method: method,
                                                 electionDay: RollFixture.electionDay, rules: rules, keyStore: f.keyStore, actor: .commandLine)
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        election = try f.database.publishRoll(electionID: election.id!, on: CivilDate(year: 2026, month: 11, day: 27)!, actor: .commandLine)
        for index in 0..<committee {
            try addMember(household: 26 + index, roles: index == 0 ? [.chair] : index == 1 ? [.member, .scrutineer] : [.member])
        }
    }

    var id: Int64 { election.id! }
    var database: AppDatabase { f.database }

    func resident(number: Int) throws -> Resident {
        try database.reader.read { db in
            try Resident.fetchOne(db, sql: "SELECT resident.* FROM resident JOIN rollEntry ON rollEntry.residentID = resident.id WHERE rollEntry.electionID = ? AND rollEntry.number = ?",
                                  arguments: [id, number])!
        }
    }

    @discardableResult
    func addMember(household: Int, roles: [CommitteeRole], spouse: Bool = false) throws -> CommitteeMember {
        let person = try resident(number: 2 * household - (spouse ? 0 : 1))
        let username = "c\(household)\(spouse ? "s" : "")"
        if try database.reader.read({ db in try Account.filter(Column("username") == username).fetchCount(db) }) == 0 {
            try database.createAccount(NewAccount(communityID: f.community.id!, username: username, displayName: person.name,
                                                  password: "committee-password", roles: [.committee], residentID: person.id), actor: .commandLine)
        }
        return try database.addCommitteeMember(electionID: id, username: username, residentID: person.id!, roles: roles, on: Self.today, actor: .commandLine)
    }

    @discardableResult
    func nominate(_ post: Post, _ nominee: Int, kind: NominationKind = .joint, by nominators: [Int], at time: Date = NominationFixture.filing) throws -> (Nomination, SignedReceipt) {
        try database.fileNomination(electionID: id, NewNomination(post: post, kind: kind, nominee: nominee, nominators: nominators),
                                    signingKey: try f.signingKey(for: election), now: time, actor: .commandLine)
    }

    func nominee(_ number: Int, _ post: Post) throws -> Nominee {
        let person = try resident(number: number)
        return try #require(try database.nominees(electionID: id).first { $0.nominee.residentID == person.id && $0.nominee.post == post }).nominee
    }

    /// Nominates and accepts `number` for `post` with ten voters starting at `from`.
    func stand(_ number: Int, _ post: Post, from: Int) throws {
        try nominate(post, number, by: Array(from..<(from + 10)))
        try database.respondToNomination(nomineeID: try nominee(number, post).id!, accept: true, education: "大专", occupation: "职员",
                                         statement: "服务居民", on: Self.today, actor: .commandLine)
    }

    /// A full slate for every post: 主任 1,3 · 副主任 5,7 · 妇女委员 2,4 (women) · 委员 9,11,13.
    func fullSlate() throws {
        try stand(1, .director, from: 21)
        try stand(3, .director, from: 31)
        try stand(5, .deputyDirector, from: 21)
        try stand(7, .deputyDirector, from: 31)
        try stand(2, .womenMember, from: 21)
        try stand(4, .womenMember, from: 31)
        try stand(9, .member, from: 21)
        try stand(11, .member, from: 31)
        try stand(13, .member, from: 41)
    }
}

@Suite("nominations, committee, candidate list (election-rules.md §1, §4)")
struct NominationTests {
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test("a joint nomination needs jointNominators voters on the roll; it returns a receipt signed by the election key")
    func joint() throws {
        let x = try NominationFixture()
        #expect(reason { try x.nominate(.director, 1, by: Array(11...19)) }.contains("at least 10 voters (9 given)"))
        #expect(reason { try x.nominate(.director, 1, by: Array(55...64)) }.contains("roll number 61 is not on the roll"))
        #expect(reason { try x.nominate(.director, 99, by: Array(11...20)) }.contains("roll number 99 is not on the roll"))
        #expect(reason { try x.nominate(.director, 1, by: Array(11...19) + [11]) }.contains("listed twice"))
        let (nomination, receipt) = try x.nominate(.director, 1, by: Array(11...20))
        #expect(nomination.seq == 1 && receipt.statement.what == "nomination" && receipt.statement.tracking == nomination.tracking)
        let registered = try #require(try x.database.signingKeys(communityID: x.f.community.id!, purpose: "election:\(x.id)").first)
        try receipt.verify(with: try Ed25519PublicKey(pem: registered.publicKeyPEM))
        #expect(try x.nominee(1, .director).status == .awaiting)
    }

    @Test("a voter nominates at most as many people as the post has seats")
    func perVoterLimit() throws {
        let x = try NominationFixture()
        try x.nominate(.director, 1, by: Array(11...20))
        #expect(reason { try x.nominate(.director, 3, by: Array(20...29)) }.contains("roll number 20 has already nominated 1 for 主任, which has 1 seat"))
        // 委员 has 2 seats: the same voters may nominate two people, not three.
        try x.nominate(.member, 1, by: Array(11...20))
        try x.nominate(.member, 3, by: Array(11...20))
        #expect(reason { try x.nominate(.member, 5, by: Array(11...20)) }.contains("has already nominated 2 for 委员"))
    }

    @Test("household representatives: heads (or designated), one per household; groups need a representative election; self-nomination is accepted at once")
    func otherKinds() throws {
        let x = try NominationFixture()
        #expect(reason { try x.nominate(.member, 1, kind: .household, by: [11, 13, 15, 17]) }.contains("at least 5 household representatives"))
        #expect(reason { try x.nominate(.member, 1, kind: .household, by: [11, 13, 15, 17, 20]) }.contains("roll number 20"))   // a spouse, not the head
        try x.nominate(.member, 1, kind: .household, by: [11, 13, 15, 17, 19])
        #expect(reason { try x.nominate(.member, 3, kind: .group, by: [11, 12]) }.contains("no residents' group"))
        let (selfNomination, _) = try x.nominate(.member, 5, kind: .selfNomination, by: [])
        let selfNominee = try x.nominee(5, .member)
        #expect(selfNomination.kind == .selfNomination && selfNominee.status == .accepted)
        #expect(reason { try x.nominate(.member, 7, kind: .selfNomination, by: [8]) }.contains("no other nominators"))
    }

    @Test("the rule set decides which ways of nominating are allowed; the women's seat takes women only")
    func allowedKinds() throws {
        var rules = RuleSet()
        rules.allowSelfNomination = false
        rules.jointNominators = 12
        let x = try NominationFixture(rules: rules)
        #expect(reason { try x.nominate(.member, 5, kind: .selfNomination, by: []) }.contains("does not allow self-nomination"))
        #expect(reason { try x.nominate(.director, 1, by: Array(11...20)) }.contains("at least 12 voters"))
        #expect(reason { try x.nominate(.womenMember, 1, by: Array(11...22)) }.contains("women candidates only"))
        try x.nominate(.womenMember, 2, by: Array(11...22))
    }

    @Test("nominations open with the roll's publication and close nominationCloseDays before election day")
    func window() throws {
        let f = try RollFixture()
        for k in 1...12 { try f.person("甲\(k)", born: CivilDate(year: 1970, month: 1, day: k)!, household: "H\(k)", room: String(100 + k)) }
        let election = try f.election()
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let key = try f.signingKey(for: election)
        let new = NewNomination(post: .director, kind: .joint, nominee: 1, nominators: Array(2...11))
        #expect(throws: CommunityError.notAllowed("nominations open when the roll is published")) {
            try f.database.fileNomination(electionID: election.id!, new, signingKey: key, now: NominationFixture.filing, actor: .commandLine)
        }
        try f.database.publishRoll(electionID: election.id!, on: CivilDate(year: 2026, month: 11, day: 27)!, actor: .commandLine)
        let lastDay = Date(timeIntervalSince1970: 1_796_918_400 - 3_600)  // 2026-12-10 23:00 China time
        let tooLate = Date(timeIntervalSince1970: 1_796_918_400 + 60)    // 2026-12-11 00:01
        #expect(CivilDate.today(now: lastDay).description == "2026-12-10" && CivilDate.today(now: tooLate).description == "2026-12-11")
        #expect(throws: CommunityError.notAllowed("nominations closed on 2026-12-10 (10 days before election day)")) {
            try f.database.fileNomination(electionID: election.id!, new, signingKey: key, now: tooLate, actor: .commandLine)
        }
        _ = try f.database.fileNomination(electionID: election.id!, new, signingKey: key, now: lastDay, actor: .commandLine)
    }

    @Test("a nominee accepts one post only, may decline, and withdraws in writing before withdrawalDays")
    func acceptance() throws {
        let x = try NominationFixture()
        try x.stand(1, .director, from: 11)
        try x.nominate(.member, 1, by: Array(21...30))
        #expect(reason { try x.database.respondToNomination(nomineeID: try x.nominee(1, .member).id!, accept: true, on: NominationFixture.today, actor: .commandLine) }
            .contains("has accepted the nomination for 主任"))
        try x.database.respondToNomination(nomineeID: try x.nominee(1, .member).id!, accept: false, on: NominationFixture.today, actor: .commandLine)
        #expect(reason { try x.nominate(.member, 1, by: Array(31...40)) }.contains("declined"))
        let director = try x.nominee(1, .director)
        #expect(director.education == "大专" && director.statement == "服务居民")
        #expect(reason { try x.database.withdrawNominee(nomineeID: director.id!, note: " ", on: NominationFixture.today, actor: .commandLine) }.contains("in writing"))
        #expect(reason { try x.database.withdrawNominee(nomineeID: director.id!, note: "本人申请", on: CivilDate(year: 2026, month: 12, day: 18)!, actor: .commandLine) }
            .contains("withdrawals closed on 2026-12-17"))
        try x.database.withdrawNominee(nomineeID: director.id!, note: "本人申请", on: CivilDate(year: 2026, month: 12, day: 17)!, actor: .commandLine)
        #expect(try x.nominee(1, .director).status == .withdrawn)
    }

    @Test("the candidate list: refused while short of the margin, published in stroke order with profiles, no later than candidateListDays unless confirmed")
    func publish() throws {
        let x = try NominationFixture()
        try x.stand(1, .director, from: 21)
        let short = reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
        #expect(short.contains("主任: 1 accepted nominees, needs 2") && short.contains("委员: 0 accepted nominees, needs 3"))
        try x.stand(3, .director, from: 31)
        try x.stand(5, .deputyDirector, from: 21)
        try x.stand(7, .deputyDirector, from: 31)
        try x.stand(2, .womenMember, from: 21)
        try x.stand(4, .womenMember, from: 31)
        try x.stand(9, .member, from: 21)
        try x.stand(11, .member, from: 31)
        try x.stand(13, .member, from: 41)
        let late = CivilDate(year: 2026, month: 12, day: 16)!
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: late, allowLate: false, actor: .commandLine) }.contains("must be published by 2026-12-15"))
        let lines = try x.database.publishCandidateList(electionID: x.id, on: late, allowLate: true, actor: .commandLine)
        #expect(try x.database.election(id: x.id).candidateListLate)
        #expect(lines.count == 9)
        let members = lines.filter { $0.post == .member }
        #expect(members.map(\.position) == [1, 2, 3])
        #expect(members.map(\.name) == members.map(\.name).sorted(by: CandidateOrdering.strokeOrder))
        // Roll 1 is 乙明 (born 1961-03-01, so 65 on election day), roll 3 丁明; 委员 9 石明, 11 刘明, 13 李明 (5, 6, 7 strokes).
        #expect(lines.filter { $0.post == .director }.map(\.name) == ["乙明", "丁明"])
        #expect(lines.first { $0.post == .director }?.age == 65)
        #expect(members.map(\.name) == ["石明", "刘明", "李明"])
        let first = try #require(lines.first)
        #expect(first.education == "大专" && first.occupation == "职员" && first.gender == .male)
        #expect(reason { try x.nominate(.member, 15, by: Array(51...60)) }.contains("the candidate list is published: nominations are closed"))
    }

    @Test("a committee member who is nominated, or whose spouse is, must step down before the list; the committee keeps its minimum")
    func committeeConflicts() throws {
        let x = try NominationFixture(committee: 3)
        try x.fullSlate()
        // Household 26's head chairs the committee; nominate his wife (number 52) too.
        try x.stand(52, .member, from: 51)
        let conflicts = try x.database.committeeConflicts(electionID: x.id)
        #expect(conflicts.count == 1 && conflicts[0].kinship == .spouse && conflicts[0].post == .member)
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
            .contains("must step down first"))
        try x.database.stepDown(memberID: conflicts[0].member.id!, reason: "配偶被提名", on: NominationFixture.today, actor: .commandLine)
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
            .contains("2 active members; it needs at least 3"))
        try x.addMember(household: 29, roles: [.member])
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
            .contains("no chair"))
        try x.addMember(household: 30, roles: [.chair])
        let lines = try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        #expect(lines.filter { $0.post == .member }.count == 4)
        let history = try x.database.committeeMembers(electionID: x.id).first { !$0.member.active }
        #expect(history?.member.leftReason == "配偶被提名" && history?.member.leftOn == NominationFixture.today)
    }

    @Test("candidates and their spouses or lineal relatives may not hold polling roles")
    func pollingRoles() throws {
        let x = try NominationFixture()
        try x.stand(1, .director, from: 11)
        #expect(reason { try x.addMember(household: 1, roles: [.teller], spouse: true) }.contains("配偶 of nominee"))
        #expect(reason { try x.addMember(household: 1, roles: [.scrutineer]) }.contains("is a nominee"))
        try x.addMember(household: 2, roles: [.teller])
        // A sibling the committee records after he joined: a close relative, so he must leave the
        // committee, though a sibling is not barred from counting as a spouse would be …
        try x.addMember(household: 5, roles: [.caller])
        let sibling = try x.resident(number: 9)
        try x.database.declareRelative(electionID: x.id, residentID: sibling.id!, relativeID: try x.resident(number: 1).id!, kinship: .sibling, actor: .commandLine)
        #expect(try x.database.committeeConflicts(electionID: x.id).map(\.kinship) == [.sibling])
        #expect(try x.database.committeeConflicts(electionID: x.id).first?.pollingRoleBarred == false)
        // … his wife is no relative of the nominee and may join; he may not rejoin after stepping down, and the step-down stays on record.
        #expect(reason { try x.addMember(household: 5, roles: [.member], spouse: true) }.isEmpty)
        let member = try #require(try x.database.committeeMembers(electionID: x.id).first { $0.member.residentID == sibling.id && $0.member.active })
        try x.database.stepDown(memberID: member.member.id!, reason: "兄弟被提名", on: NominationFixture.today, actor: .commandLine)
        #expect(reason { try x.addMember(household: 5, roles: [.member]) }.contains("may not serve on the election committee: 兄弟姐妹 of nominee"))
        #expect(try x.database.committeeMembers(electionID: x.id).contains { $0.member.residentID == sibling.id && $0.member.leftReason == "兄弟被提名" })
    }

    @Test("more nominees than seats + marginMax: a primary; a tie at the cut needs a further primary; a withdrawal after publication tops up")
    func primaryAndTopUp() throws {
        let x = try NominationFixture()
        try x.fullSlate()
        try x.stand(15, .member, from: 51)
        try x.stand(17, .member, from: 11)
        try x.stand(19, .member, from: 1)
        let ids = try [9, 11, 13, 15, 17, 19].map { try x.nominee($0, .member).id! }
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
            .contains("委员: 6 nominees for 5 places, hold a primary"))
        #expect(reason { try x.database.recordPrimary(electionID: x.id, post: .member, heldOn: NominationFixture.primaryDay, participants: 40,
                                                      votes: Dictionary(uniqueKeysWithValues: ids.prefix(5).map { ($0, 10) }), actor: .commandLine) }
            .contains("exactly the 6 nominees"))
        #expect(reason { try x.database.recordPrimary(electionID: x.id, post: .member, heldOn: NominationFixture.primaryDay, participants: 30,
                                                      votes: Dictionary(uniqueKeysWithValues: ids.map { ($0, 10) }), actor: .commandLine) }
            .contains("30 of 60 voters took part, it needs > 1/2 (31)"))
        let first = [ids[0]: 35, ids[1]: 30, ids[2]: 28, ids[3]: 20, ids[4]: 12, ids[5]: 12]
        try x.database.recordPrimary(electionID: x.id, post: .member, heldOn: NominationFixture.primaryDay, participants: 40, votes: first, actor: .commandLine)
        let slate = try #require(try x.database.candidateSlates(electionID: x.id).first { $0.post == .member })
        #expect(slate.state == .primaryTie(tied: [ids[4], ids[5]], openPlaces: 1))
        #expect(reason { try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine) }
            .contains("2 tied for 1 place(s)"))
        try x.database.recordPrimary(electionID: x.id, post: .member, heldOn: NominationFixture.primaryDay, participants: 33,
                                     votes: [ids[4]: 15, ids[5]: 18], actor: .commandLine)
        let lines = try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        let members = lines.filter { $0.post == .member }
        let names = try [9, 11, 13, 15, 19].map { try x.resident(number: $0).name }
        #expect(Set(members.map(\.name)) == Set(names))
        // The 委员 with 35 primary votes withdraws; the reserve (17, who lost the further primary) tops up.
        let outcome = try x.database.withdrawNominee(nomineeID: ids[0], note: "书面申请", on: NominationFixture.listDay, actor: .commandLine)
        #expect(outcome.contains("Topped up: \(try x.resident(number: 17).name)"))
        let after = try x.database.candidateList(electionID: x.id, includeWithdrawn: true).filter { $0.post == .member }
        #expect(after.filter(\.active).count == 5 && after.filter(\.active).map(\.position) == [1, 2, 3, 4, 5])
        #expect(after.contains { $0.toppedUp && $0.name == (try? x.resident(number: 17).name) })
        #expect(after.contains { !$0.active && $0.withdrawnOn == NominationFixture.listDay })
    }

    @Test("ordering by votes (nominationVotes): more nominators first")
    func orderByVotes() throws {
        var rules = RuleSet()
        rules.candidateOrder = .nominationVotes
        let x = try NominationFixture(rules: rules)
        try x.fullSlate()
        try x.nominate(.director, 3, by: Array(41...50))     // 丁明 now has 20 nominators, 乙明 10
        let lines = try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        #expect(lines.filter { $0.post == .director }.map(\.name) == ["丁明", "乙明"])
        #expect(lines.filter { $0.post == .director }.map(\.votes) == [20, 10])
    }
}
