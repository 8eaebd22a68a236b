import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// A recall from the proposal to the result on a certified example election: signatures from
/// the term's roll once each, the threshold sending it to the committee, the member's reply,
/// the vote counted box by box by two tellers, the notices and the committee that remains.
@Suite struct RecallFlowTests {
    let database: AppDatabase
    let keyStore: KeyStore
    let election: Election
    let certified: CertifiedResult
    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("recall-\(UUID().uuidString)")
        keyStore = KeyStore(directory: scratch.appendingPathComponent("keys"))
        database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let result = try ExampleElections.run(.directRunoff, database: database, keyStore: keyStore)
        election = result.election
        certified = try #require(result.certified)
    }

    var id: Int64 { election.id! }
    var rollNumbers: [Int] {
        get throws { try database.reader.read { db in try Int.fetchAll(db, sql: "SELECT number FROM rollEntry WHERE electionID = ? AND active ORDER BY number", arguments: [id]) } }
    }
    let filed = CivilDate("2027-03-01")!
    let reasons = "长期不履行职责，多次无故缺席居民委员会会议。"

    func proposal(against members: [Int64]? = nil) throws -> RecallProposal {
        try database.proposeRecall(electionID: id, members: members ?? [certified.statement.elected.last!.person], reasons: reasons,
                                   proposer: "张三", on: filed, actor: .commandLine)
    }

    @Test func aProposalNeedsWrittenReasonsAndServingMembers() throws {
        #expect(throws: CommunityError.self) {
            try database.proposeRecall(electionID: id, members: [certified.statement.elected[0].person], reasons: "不好", proposer: "张三", on: filed, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try database.proposeRecall(electionID: id, members: [999_999], reasons: reasons, proposer: "张三", on: filed, actor: .commandLine)
        }
        let first = try proposal()
        #expect(first.number == 1 && first.status == .collecting && first.signatories == .voters)
        let rollCount = try rollNumbers.count
        #expect(first.base == rollCount && first.needed == RecallRule(rules: election.rules).signaturesNeeded(.voters, base: first.base))
        #expect(throws: CommunityError.self, "a member is in one open proposal at a time") { try proposal() }
    }

    @Test func signaturesCountOnceAndOnlyFromTheTermsRoll() throws {
        let p = try proposal()
        let numbers = try rollNumbers
        try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: [numbers[0], numbers[1]], on: filed, actor: .commandLine)
        #expect(throws: CommunityError.invalid(field: "rollNumbers", reason: "roll number \(numbers[0]) has already signed proposal No. 1")) {
            try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: [numbers[2], numbers[0]], on: filed, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: [numbers[3], numbers[3]], on: filed, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: [numbers[4], 99_999], on: filed, actor: .commandLine)
        }
        #expect(try database.recallProposal(electionID: id, number: 1)!.signatures == 2, "a refused batch adds nobody")
    }

    /// Signs, submits, replies, votes and counts; returns the decided proposal.
    func recall(approve: Int, voters: Int, member: Int64) throws -> RecallProposal {
        let p = try proposal(against: [member])
        let numbers = try rollNumbers
        let noticesBefore = try database.notices(electionID: id).count
        let almost = try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: Array(numbers.prefix(p.needed - 1)), on: filed, actor: .commandLine)
        let noticesNow = try database.notices(electionID: id).count
        #expect(almost.status == .collecting && noticesNow == noticesBefore)
        let reached = CivilDate("2027-03-05")!
        let submitted = try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: [numbers[p.needed - 1]], on: reached, actor: .commandLine)
        #expect(submitted.status == .submitted && submitted.reachedOn == reached && submitted.voteDeadline == CivilDate("2027-04-04")!)
        let notice = try #require(try database.notices(electionID: id).last)
        #expect(notice.notice.kind == .recallProposal && notice.notice.text.joined().contains(reasons))
        try database.recordRecallReply(electionID: id, number: p.number, member: member, text: "本人因病请假，已按规定报告。", on: reached, actor: .commandLine)
        #expect(throws: CommunityError.self, "the vote is held within 30 days") {
            try database.openRecallVote(electionID: id, number: p.number, heldOn: CivilDate("2027-04-05")!, on: reached, actor: .commandLine)
        }
        let voting = try database.openRecallVote(electionID: id, number: p.number, heldOn: CivilDate("2027-03-20")!, on: reached, actor: .commandLine)
        #expect(voting.status == .voting)
        let voteNotice = try #require(try database.notices(electionID: id).last)
        #expect(voteNotice.notice.kind == .recallVote && voteNotice.notice.text.joined().contains("本人因病请假"))
        let day = CivilDate("2027-03-20")!
        let first = voters / 2, second = voters - first
        let approveFirst = min(approve, first)
        let boxes = [(1, "第一投票站", first, approveFirst), (2, "流动票箱", second, approve - approveFirst)]
        for (box, name, papers, yes) in boxes {
            let count = RecallCount(issued: papers, collected: papers, invalid: 0, marks: [RecallMarks(member: member, approve: yes, reject: papers - yes, abstain: 0)])
            try database.enterRecallCount(electionID: id, number: p.number, box: box, boxName: name, teller: "计票员甲", count: count, actor: .commandLine)
            #expect(throws: CommunityError.self, "one teller's count is not enough") { try database.closeRecallVote(electionID: id, number: p.number, on: day, actor: .commandLine) }
            try database.enterRecallCount(electionID: id, number: p.number, box: box, boxName: name, teller: "计票员乙", count: count, actor: .commandLine)
        }
        return try database.closeRecallVote(electionID: id, number: p.number, on: day, actor: .commandLine)
    }

    @Test func aRecallVoteRemovesTheMemberAndIsAnnounced() throws {
        let member = certified.statement.elected.last!.person
        let roll = try rollNumbers.count
        let voters = roll / 2 + 1
        let decided = try recall(approve: voters / 2 + 1, voters: voters, member: member)
        #expect(decided.status == .decided && decided.outcome?.recalled == [member])
        let committee = try database.termCommittee(electionID: id)
        #expect(!committee.members.contains { $0.person == member } && committee.recalled.map(\.person) == [member])
        #expect(committee.vacancies >= 1 && !committee.byElection.required, "four of five remain: a by-election may be held, not required")
        let result = try #require(try database.notices(electionID: id).last)
        #expect(result.notice.kind == .recallResult && result.notice.text.joined().contains("罢免"))
        #expect(try Ed25519PublicKey(pem: result.publicKeyPEM).isValidSignature(result.signature, for: result.bytes))
        #expect(throws: CommunityError.self, "a recalled member is no longer proposed") { try proposal(against: [member]) }
        // The statistics count it (§9 and §8): one proposal, at its threshold, voted on, one member recalled.
        let figures = try database.electionStatistics(electionID: id).recall
        #expect(figures.proposals == 1 && figures.submitted == 1 && figures.votes == 1 && figures.recalled == 1 && figures.byElections == 0)
        #expect(figures.serving == certified.statement.elected.count - 1 && figures.vacantNow == committee.vacancies)
        #expect(try database.electionStatistics(electionID: id).rows.contains { $0.section == "罢免与补选" && $0.item == "被罢免成员" && $0.value == "1" })
    }

    @Test func aRecallWithoutTheTurnoutFails() throws {
        let member = certified.statement.elected.last!.person
        let roll = try rollNumbers.count
        let decided = try recall(approve: roll / 2, voters: roll / 2, member: member)
        #expect(decided.outcome?.turnoutMet == false && decided.outcome?.recalled == [])
        #expect(try database.termCommittee(electionID: id).members.contains { $0.person == member })
        #expect(try database.notices(electionID: id).last!.notice.text.joined().contains("投票人数未过半数"))
    }

    @Test func tellersWhoDisagreeBlockTheCount() throws {
        let member = certified.statement.elected.last!.person
        let p = try proposal(against: [member])
        let numbers = try rollNumbers
        try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: Array(numbers.prefix(p.needed)), on: filed, actor: .commandLine)
        try database.openRecallVote(electionID: id, number: p.number, heldOn: filed.adding(days: 10), on: filed, actor: .commandLine)
        let one = RecallCount(issued: 30, collected: 30, invalid: 0, marks: [RecallMarks(member: member, approve: 20, reject: 10, abstain: 0)])
        var other = one
        other.marks[0] = RecallMarks(member: member, approve: 19, reject: 11, abstain: 0)
        try database.enterRecallCount(electionID: id, number: p.number, box: 1, boxName: "投票站", teller: "甲", count: one, actor: .commandLine)
        try database.enterRecallCount(electionID: id, number: p.number, box: 1, boxName: "投票站", teller: "乙", count: other, actor: .commandLine)
        #expect(throws: CommunityError.self) { try database.closeRecallVote(electionID: id, number: p.number, on: filed.adding(days: 10), actor: .commandLine) }
        #expect(throws: CommunityError.self, "a box keeps its name") {
            try database.enterRecallCount(electionID: id, number: p.number, box: 1, boxName: "别的", teller: "乙", count: one, actor: .commandLine)
        }
        try database.enterRecallCount(electionID: id, number: p.number, box: 1, boxName: "投票站", teller: "乙", count: one, actor: .commandLine)
        let decided = try database.closeRecallVote(electionID: id, number: p.number, on: filed.adding(days: 10), actor: .commandLine)
        #expect(decided.outcome?.members.first?.approve == 20)
    }

    @Test func fewerThanThreeMembersLeftRequireAByElection() throws {
        var day = CivilDate("2027-03-01")!
        let members = certified.statement.elected.map(\.person)
        let roll = try rollNumbers
        // Recall all but two, one proposal against them together.
        let targets = Array(members.dropFirst(2))
        let p = try database.proposeRecall(electionID: id, members: targets, reasons: reasons, proposer: "李四", on: day, actor: .commandLine)
        try database.addRecallSignatures(electionID: id, number: p.number, rollNumbers: Array(roll.prefix(p.needed)), on: day, actor: .commandLine)
        try database.openRecallVote(electionID: id, number: p.number, heldOn: day.adding(days: 5), on: day, actor: .commandLine)
        day = day.adding(days: 5)
        let voters = roll.count
        let count = RecallCount(issued: voters, collected: voters, invalid: 0, marks: targets.map { RecallMarks(member: $0, approve: voters, reject: 0, abstain: 0) })
        for teller in ["甲", "乙"] {
            try database.enterRecallCount(electionID: id, number: p.number, box: 1, boxName: "投票站", teller: teller, count: count, actor: .commandLine)
        }
        try database.closeRecallVote(electionID: id, number: p.number, on: day, actor: .commandLine)
        let committee = try database.termCommittee(electionID: id)
        #expect(committee.members.count == 2 && committee.byElection.required && committee.byElection.dueBy == day.adding(months: 3))
        #expect(try database.notices(electionID: id).last!.notice.text.joined().contains("补选"))
    }

    @Test func aByElectionFillsTheVacantSeatsForTheRestOfTheTerm() throws {
        let member = certified.statement.elected.last!
        #expect(throws: CommunityError.self, "no vacancy, no by-election") {
            try database.createByElection(termElectionID: id, title: "补选", electionDay: CivilDate("2027-06-20")!, keyStore: keyStore, actor: .commandLine)
        }
        let roll = try rollNumbers.count
        let decided = try recall(approve: roll / 2 + 1, voters: roll / 2 + 1, member: member.person)
        #expect(decided.outcome?.recalled == [member.person])
        let termEnds = CivilDate("2031-12-19")!
        #expect(try database.termCommittee(electionID: id).termEnds == termEnds)
        #expect(throws: CommunityError.invalid(field: "electionDay", reason: "within the term, which ends on 2031-12-19")) {
            try database.createByElection(termElectionID: id, title: "补选", electionDay: termEnds.adding(days: 1), keyStore: keyStore, actor: .commandLine)
        }
        // Held by the normal procedure, through certification.
        let community = try database.community(id: election.communityID)
        let held = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                                electionDay: CivilDate("2027-06-20")!, title: "桃园社区第十二届居民委员会补选", usernamePrefix: "b-",
                                                password: ExampleElections.committeePassword, voters: roll * 3 / 4, byElectionOf: id)
        let rules = held.election.rules
        #expect(rules.byElection == ByElectionSeats(term: id, vacant: [member.post: 1], termEnds: termEnds))
        #expect(rules.posts == [member.post] && rules.seats(for: member.post) == 1 && rules.committeeSize == 1)
        let byElected = try #require(held.certified?.statement.elected.first)
        #expect(held.certified?.statement.elected.count == 1 && byElected.post == member.post)
        // The certificate states the remaining term, and its signature covers it.
        let certificate = try #require(try database.certificates(electionID: held.election.id!, signingKey: try keyStore.load(keyID: held.election.keyID)).first)
        #expect(certificate.certificate.termEnds == "2031-12-19")
        #expect(try database.verifyCertificate(code: certificate.code)?.certificate.certificate.termEnds == "2031-12-19")
        // An ordinary certificate says nothing of it (its canonical JSON is as before).
        let ordinary = try #require(try database.certificates(electionID: id, signingKey: try keyStore.load(keyID: election.keyID)).first)
        let ordinaryJSON = String(decoding: try CanonicalJSON.encode(ordinary.certificate), as: UTF8.self)
        #expect(ordinary.certificate.termEnds == nil && !ordinaryJSON.contains("termEnds"))
        // The committee is whole again.
        let committee = try database.termCommittee(electionID: id)
        #expect(committee.members.count == certified.statement.elected.count && committee.vacancies == 0 && committee.members.contains(byElected))
        #expect(try database.byElections(termElectionID: id).map(\.id) == [held.election.id])
        #expect(try database.electionStatistics(electionID: id).recall.byElections == 1)
    }
}
