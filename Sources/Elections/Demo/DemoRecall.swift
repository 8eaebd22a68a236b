import Community
import Foundation
import GRDB

/// The demo's recall (罢免) in the previous term: a year after the result, residents propose to
/// recall its last-listed 委员 for neglecting the work, the signatures reach a fifth of the roll,
/// the member replies in writing, the committee holds the vote three weeks later at two boxes
/// (each counted by two tellers) and the member is recalled; the result notice states the
/// committee that remains and that the vacant seat may be filled by a by-election — which is held
/// two months later (补选), by the normal procedure, and fills it for the rest of the term.
public enum DemoRecall {
    /// What was seeded.
    public struct Seeded: Sendable {
        public var proposal: RecallProposal
        public var committee: TermCommittee
        public var byElection: ExampleElections.Result
    }

    /// Seeds a decided recall in `electionID` (certified), acting as its election committee's
    /// first member, and the by-election that follows (its election committee's accounts
    /// prefixed `usernamePrefix`, with `password`).
    @discardableResult
    public static func seed(into database: AppDatabase, electionID: Int64, community: Community, keyStore: KeyStore,
                            usernamePrefix: String, password: String) throws -> Seeded {
        guard let certified = try database.certifiedResult(electionID: electionID),
              let certifiedOn = CivilDate(String(certified.statement.at.prefix(10))),
              let member = certified.statement.elected.last(where: { $0.post == .member }),
              let chair = try database.committeeMembers(electionID: electionID).first,
              let account = try database.account(id: chair.member.accountID) else {
            throw CommunityError.notFound("certified election \(electionID) with a 委员 and a committee")
        }
        let actor = Actor(account)
        let roll = try database.reader.read { db in
            try Int.fetchAll(db, sql: "SELECT number FROM rollEntry WHERE electionID = ? AND active ORDER BY number", arguments: [electionID])
        }
        let filed = certifiedOn.adding(months: 12)
        let proposal = try database.proposeRecall(
            electionID: electionID, members: [member.person],
            reasons: "该委员自去年下半年起长期不参加居民委员会例会和值班，分管的楼栋环境整治、独居老人走访工作无人落实，居民多次反映未获答复，已不能履行职责。",
            proposer: "居民刘建华等", on: filed, actor: actor)
        // Signatures come in over two weeks: most in the first batch, the rest to the threshold.
        let first = Array(roll.prefix(proposal.needed * 3 / 4)), rest = Array(roll.dropFirst(first.count).prefix(proposal.needed - first.count + 3))
        try database.addRecallSignatures(electionID: electionID, number: proposal.number, rollNumbers: first, on: filed.adding(days: 3), actor: actor)
        let reached = filed.adding(days: 12)
        try database.addRecallSignatures(electionID: electionID, number: proposal.number, rollNumbers: rest, on: reached, actor: actor)
        try database.recordRecallReply(electionID: electionID, number: proposal.number, member: member.person,
                                       text: "本人去年下半年起因家人重病需要照顾，缺席了部分例会，已向主任口头请假；今后如继续任职将按时履职，请居民们理解。",
                                       on: reached.adding(days: 4), actor: actor)
        let heldOn = reached.adding(days: 21)
        try database.openRecallVote(electionID: electionID, number: proposal.number, heldOn: heldOn, on: reached.adding(days: 5), actor: actor)
        // Two boxes: the polling station and the mobile box; 60 % of the roll votes, about 68 % approve.
        let voters = roll.count * 3 / 5, mobile = voters / 10, station = voters - mobile
        let boxes: [(Int, String, Int)] = [(1, "社区服务中心投票站", station), (2, "流动票箱", mobile)]
        for (box, name, papers) in boxes {
            let invalid = papers / 50, valid = papers - invalid
            let approve = valid * 68 / 100, abstain = valid / 20
            let count = RecallCount(issued: papers + 2, collected: papers, invalid: invalid,
                                    marks: [RecallMarks(member: member.person, approve: approve, reject: valid - approve - abstain, abstain: abstain)])
            for teller in ["计票人 王秀英", "计票人 陈志强"] {
                try database.enterRecallCount(electionID: electionID, number: proposal.number, box: box, boxName: name, teller: teller, count: count,
                                              now: heldOn.instant(hour: 12), actor: actor)
            }
        }
        let decided = try database.closeRecallVote(electionID: electionID, number: proposal.number, on: heldOn, actor: actor)
        let term = try database.election(id: electionID)
        let byElection = try ExampleElections.conduct(.electronic, database: database, community: community, keyStore: keyStore,
                                                      electionDay: heldOn.adding(months: 2), title: term.title.replacingOccurrences(of: "换届选举", with: "补选"),
                                                      usernamePrefix: usernamePrefix, password: password, voters: nil, byElectionOf: electionID)
        return Seeded(proposal: decided, committee: try database.termCommittee(electionID: electionID), byElection: byElection)
    }
}
