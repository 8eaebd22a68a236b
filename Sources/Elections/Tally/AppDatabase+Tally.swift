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

extension AppDatabase {
    /// Counts a round from the ballot log and decides it by election-rules.md §7. Earlier
    /// rounds are decided first (in order), so that persons they elected are skipped here.
    public func tallyRound(roundID: Int64, electionID: Int64) throws -> RoundResult {
        try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            let rounds = try PollingRound.filter(Column("electionID") == electionID).order(Column("number")).fetchAll(db)
            guard let target = rounds.first(where: { $0.id == roundID }) else { throw CommunityError.notFound("round \(roundID)") }
            let rollSize = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            var electedBefore: [Int64: Post] = [:]
            var genders: [Int64: Gender] = [:]
            var names: [Int64: String] = [:]
            func people(_ ids: some Sequence<Int64>) throws {
                let missing = Set(ids).subtracting(names.keys)
                guard !missing.isEmpty else { return }
                for resident in try Resident.fetchAll(db, keys: Array(missing)) {
                    names[resident.id!] = resident.name
                    genders[resident.id!] = resident.gender
                }
            }
            for round in rounds where round.number <= target.number {
                let paper = try round.paper()
                let ballots = try String.fetchAll(db, sql: "SELECT line FROM ballotLog WHERE electionID = ? AND roundID = ? ORDER BY seq",
                                                  arguments: [electionID, round.id]).map {
                    try JSONDecoder().decode(BallotLine.self, from: Data($0.utf8)).ballot
                }
                let writeIns = ballots.flatMap { $0.posts.flatMap { $0.writeIns.compactMap(\.person) } }
                try people(paper.sections.flatMap { $0.candidates.map(\.person) } + writeIns)
                let isWoman: (Int64) -> Bool = { genders[$0] == .female }
                let count = BallotCount.count(ballots, paper: paper, rules: election.rules, isWoman: isWoman)
                let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ?", arguments: [round.id]) ?? 0
                let stage: RoundTally.Stage
                switch round.kind {
                case .main: stage = .main
                case .tieBreak: stage = .tieBreak
                case .runoff, .womenOnly: stage = .runoff
                }
                let outcome = RoundTally.decide(count: count, seats: paper.sections.map { ($0.post, $0.seats) }, rules: election.rules, stage: stage,
                                                issued: issued, rollSize: rollSize, electedBefore: electedBefore, isWoman: isWoman,
                                                listed: Dictionary(uniqueKeysWithValues: paper.sections.map { ($0.post, $0.candidates.map(\.person)) }))
                if round.id == roundID {
                    return RoundResult(round: round, paper: paper, count: count, issued: issued, rollSize: rollSize, outcome: outcome, names: names)
                }
                for (post, persons) in outcome.elected { for person in persons { electedBefore[person] = post } }
            }
            throw CommunityError.notFound("round \(roundID)")
        }
    }
}
