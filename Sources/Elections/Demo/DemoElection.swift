import Community
import Foundation
import GRDB

/// The demo's election, held today: announced 32 days ago, its roll built with some 人户分离
/// applications decided and published 22 days ago, with its election committee, nominations,
/// a primary and the candidate list published 7 days ago — every step on its legal date, so
/// the timeline shows nothing late — and the ballot paper ready to print.
public enum DemoElection {
    /// What was created.
    public struct Result: Sendable {
        public let election: Election
        public let summary: RollBuildSummary
        /// Candidates on the published list.
        public let candidates: Int
        /// Voters who received a ballot in the main round so far (electronic ones included).
        public let checkIns: Int
        public let electronicBallots: Int
        /// Paper ballots entered twice and agreed.
        public let paperBallots: Int
        /// Voter cards (with their access codes) issued before polling opened, to try electronic voting.
        public let voterCards: [VoterCard]
        /// Committee members who open the main round's sealed electronic box together (0 without one).
        public let boxThreshold: Int
    }

    /// The legal basis the demo records for its remote electronic voting: no real rule, and it
    /// says so (no source found authorises remote voting for these elections).
    public static let remoteVotingBasis = "演示用虚构依据：本演示假设当地选举办法允许远程电子投票（并非真实法规条文） Demo only: an invented local rule allowing remote electronic voting, not a real provision"

    /// Creates and prepares the demo election for `communityID`. `committeePassword` is given to
    /// the election committee's accounts (xwh1…), so that they can open the sealed electronic
    /// box at the count and the scrutineer (xwh2) signs the counted boxes' count sheets; nil
    /// gives each a random one (the sheets then await their scrutineer's signature).
    @discardableResult
    public static func seed(into database: AppDatabase, communityID: Int64, keyStore: KeyStore, today: CivilDate = .today(),
                            committeePassword: String? = nil) throws -> Result {
        let electionDay = today
        let start = today.adding(days: -32)
        // The demo lets anyone try electronic voting from their own browser, so it needs remote
        // electronic voting — recorded with a legal basis that says plainly it is invented.
        var demoRules = RuleSet.nationalModel(method: .direct)
        demoRules.electronicVoting = .remote
        demoRules.electronicVotingBasis = Self.remoteVotingBasis
        let election = try database.createElection(communityID: communityID, title: "桃园社区第十二届居民委员会换届选举", method: .direct,
                                                   electionDay: electionDay, rules: demoRules, keyStore: keyStore, actor: .system)
        let electionID = election.id!
        try database.announceElection(electionID: electionID, on: start, actor: .system)
        let rules = election.rules
        let residents = try database.reader.read { db in try Resident.filter(Column("communityID") == communityID).order(Column("id")).fetchAll(db) }
        let adults = residents.filter { $0.birthDate.age(on: electionDay) >= rules.votingAge && $0.politicalRights == .held }
        // Registered here but living elsewhere: every other one states they will take part (b).
        for (index, resident) in adults.filter({ $0.hukouHere && !$0.livesHere }).enumerated() where index % 2 == 0 {
            try database.fileRollApplication(RollApplication(electionID: electionID, residentID: resident.id!, category: .b, appliedOn: start,
                                                             statementNotRegisteredElsewhere: false), actor: .system)
        }
        // Living here with hukou elsewhere: most apply (c) and, under the L25 rule set
        // (residentApproval = none), are registered on application; those who have not lived
        // here residenceMonths stay off the roll when it is built.
        for (index, resident) in adults.filter({ !$0.hukouHere }).enumerated() where index % 4 != 3 {
            try database.fileRollApplication(RollApplication(electionID: electionID, residentID: resident.id!, category: .c, appliedOn: start,
                                                             statementNotRegisteredElsewhere: true), actor: .system)
        }
        // Community workers who have worked here long enough apply (d); the residents' election
        // committee confirms them, but one, whose confirmation is refused.
        let applied = Set(try database.rollApplications(electionID: electionID).map(\.residentID))
        var refusedOne = false
        for resident in adults where !resident.hukouHere && resident.workingSince.map({ $0 <= electionDay.adding(months: -rules.workerMonths) }) == true {
            if applied.contains(resident.id!) { continue }
            let application = try database.fileRollApplication(RollApplication(electionID: electionID, residentID: resident.id!, category: .d, appliedOn: start,
                                                                               statementNotRegisteredElsewhere: true), actor: .system)
            try database.confirmCommunityWorker(applicationID: application.id!, confirmed: refusedOne, reference: "居民选举委员会第1次会议纪要",
                                                on: start.adding(days: 2), reason: refusedOne ? nil : "已在户籍地社区登记为选民", actor: .system)
            refusedOne = true
        }
        let summary = try database.buildRoll(electionID: electionID, actor: .system)
        let published = try database.publishRoll(electionID: electionID, on: electionDay.adding(days: -22), actor: .system)
        let candidates = try DemoNominations.seed(into: database, election: published, keyStore: keyStore, committeePassword: committeePassword)
        var polling = DemoPolling.Result(checkIns: 0, electronic: 0, paperEntered: 0)
        if candidates > 0 {
            polling = try DemoPolling.seed(into: database, election: try database.election(id: electionID),
                                           communityName: try database.community(id: communityID).name, keyStore: keyStore,
                                           committeePassword: committeePassword)
        }
        return Result(election: try database.election(id: electionID), summary: summary, candidates: candidates, checkIns: polling.checkIns,
                      electronicBallots: polling.electronic, paperBallots: polling.paperEntered, voterCards: polling.voterCards,
                      boxThreshold: try database.rounds(electionID: electionID).first?.boxThreshold ?? 0)
    }
}
