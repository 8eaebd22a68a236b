import Community
import Foundation
import GRDB

/// A round counted from its ballot log with the frozen rule set: the counts, the decisions and
/// what comes next.
public struct RoundResult: Sendable {
    public var round: PollingRound
    public var paper: BallotPaper
    public var count: BallotCount
    /// Ballots issued in the round (check-ins, electronic ones included).
    public var issued: Int
    /// Voters (or households, or representatives) on the roll.
    public var rollSize: Int
    public var outcome: RoundOutcome
    /// Names of everyone who received votes or is listed.
    public var names: [Int64: String]
    /// The round is still open: the figures may still change.
    public var provisional: Bool { round.status == .open }
}

/// What the tally reads from the database for an election's rounds.
struct TallyInputs {
    var election: Election
    var rounds: [PollingRound]
    var inputs: [RoundInput]
    var rollSize: Int
    var names: [Int64: String]
    var genders: [Int64: Gender]

    func isWoman(_ person: Int64) -> Bool { genders[person] == .female }
}

extension AppDatabase {
    /// Reads and counts the election's rounds (those `include` admits) from the ballot log.
    static func tallyInputs(_ db: Database, electionID: Int64, include: (PollingRound) -> Bool = { _ in true }) throws -> TallyInputs {
        let election = try fetchElection(db, electionID)
        let rounds = try PollingRound.filter(Column("electionID") == electionID).order(Column("number")).fetchAll(db).filter(include)
        // The turnout base is the roll as it stood when polling opened (frozen from then on, each
        // round keeps it); the live roll only before any round exists.
        let opened = try Int.fetchOne(db, sql: "SELECT rollSize FROM pollingRound WHERE electionID = ? ORDER BY number LIMIT 1", arguments: [electionID])
        let rollSize = try opened ?? Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
        var tally = TallyInputs(election: election, rounds: rounds, inputs: [], rollSize: rollSize, names: [:], genders: [:])
        var ballotsByRound: [Int64: [MarkedBallot]] = [:]
        var persons: Set<Int64> = []
        for round in rounds {
            let paper = try round.paper()
            let ballots = try String.fetchAll(db, sql: "SELECT line FROM ballotLog WHERE electionID = ? AND roundID = ? ORDER BY seq",
                                              arguments: [electionID, round.id]).map {
                try JSONDecoder().decode(BallotLine.self, from: Data($0.utf8)).ballot
            }
            ballotsByRound[round.id!] = ballots
            persons.formUnion(paper.sections.flatMap { $0.candidates.map(\.person) })
            persons.formUnion(ballots.flatMap { $0.posts.flatMap { $0.writeIns.compactMap(\.person) } })
        }
        for resident in try Resident.fetchAll(db, keys: Array(persons)) {
            tally.names[resident.id!] = resident.name
            tally.genders[resident.id!] = resident.gender
        }
        for round in rounds {
            let paper = try round.paper()
            let count = BallotCount.count(ballotsByRound[round.id!] ?? [], paper: paper, rules: election.rules, isWoman: tally.isWoman)
            let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ?", arguments: [round.id]) ?? 0
            tally.inputs.append(RoundInput(number: round.number, kind: round.kind, paper: paper, count: count, issued: issued))
        }
        return tally
    }

    /// Counts a round from the ballot log and decides it by election-rules.md §7. Earlier
    /// rounds are decided first (in order), so that persons they elected are skipped here.
    public func tallyRound(roundID: Int64, electionID: Int64) throws -> RoundResult {
        try reader.read { db in
            guard let target = try PollingRound.fetchOne(db, key: roundID), target.electionID == electionID else { throw CommunityError.notFound("round \(roundID)") }
            let tally = try Self.tallyInputs(db, electionID: electionID) { $0.number <= target.number }
            let decided = ElectionTally.decide(tally.inputs, rules: tally.election.rules, rollSize: tally.rollSize, isWoman: tally.isWoman)
            guard let input = tally.inputs.last, let outcome = decided.rounds.last?.outcome else { throw CommunityError.notFound("round \(roundID)") }
            return RoundResult(round: target, paper: input.paper, count: input.count, issued: input.issued, rollSize: tally.rollSize,
                               outcome: outcome, names: tally.names)
        }
    }
}
