import Community
import Foundation
import GRDB
import Notary

/// The election's result so far, from its closed rounds.
public struct ElectionResult: Sendable {
    public var outcome: ElectionOutcome
    public var rounds: [RoundInput]
    public var names: [Int64: String]
    /// A round still open (its ballots are not counted here yet).
    public var openRound: Int?
    /// What the committee must act on: close relatives elected together, a missing
    /// ethnic-minority member (`ResultWarning`).
    public var warnings: [ResultWarning] = []

    public func name(_ person: Int64) -> String { names[person] ?? "#\(person)" }
}

extension BallotPaper {
    /// The paper of a round the result asks for: a tie-break among the tied (no write-ins), a
    /// second round (另行选举) or women-only round among the persons named, in 姓氏笔画 order;
    /// a repeated round reuses the void round's paper.
    static func laterRound(_ pending: PendingRound, original: BallotPaper, communityName: String, rules: RuleSet,
                           names: [Int64: String]) -> BallotPaper {
        var paper = original
        paper.roundKind = pending.kind.rawValue
        let post: Post, persons: [Int64], seats: Int, womenOnly: Bool
        switch pending.next {
        case .repeatRound:
            return paper
        case .tieBreak(let p, let tied, let s): (post, persons, seats, womenOnly) = (p, tied, s, p == .womenMember)
        case .runoff(let p, let pool, let s): (post, persons, seats, womenOnly) = (p, pool, s, p == .womenMember)
        case .womenOnly(let pool, let s): (post, persons, seats, womenOnly) = (.member, pool, s, true)
        }
        let ordered = persons.sorted { StrokeOrder.areInOrder(names[$0] ?? "", names[$1] ?? "") }
        let title = pending.kind == .womenOnly ? "妇女委员" : post.chinese
        let section = Section(post: post, title: title, seats: seats, womenOnly: womenOnly,
                              candidates: ordered.enumerated().map { Entry(position: $0.offset + 1, name: names[$0.element] ?? "", person: $0.element) },
                              writeInLines: pending.kind == .tieBreak ? 0 : seats)
        paper.title = "\(communityName)居民委员会\(title)\(pending.kind.chinese)选票"
        paper.sections = [section]
        paper.instructions = instructions(rules: rules, sections: [section])
        if pending.kind == .tieBreak { paper.instructions.insert("本轮只在得票相同的候选人中重新投票，不得另选他人。", at: 0) }
        return paper
    }
}

extension AppDatabase {
    /// The result from the election's closed rounds: who is elected, and which rounds are still
    /// needed.
    public func electionResult(electionID: Int64) throws -> ElectionResult {
        try reader.read { db in
            let tally = try Self.tallyInputs(db, electionID: electionID) { $0.status == .closed }
            let open = try Int.fetchOne(db, sql: "SELECT number FROM pollingRound WHERE electionID = ? AND status = 'open' ORDER BY number LIMIT 1",
                                        arguments: [electionID])
            let outcome = ElectionTally.decide(tally.inputs, rules: tally.election.rules, rollSize: tally.rollSize, isWoman: tally.isWoman)
            return ElectionResult(outcome: outcome, rounds: tally.inputs, names: tally.names, openRound: open,
                                  warnings: try Self.resultWarnings(db, election: tally.election, elected: outcome.elected))
        }
    }

    /// Opens the round the result asks for (`index` into `pending`), with its own paper, reusing
    /// the polling rounds: boxes, check-in and entry work as in the main round.
    @discardableResult
    public func openPendingRound(electionID: Int64, index: Int, electronic: Bool, actor: Actor) throws -> PollingRound {
        let result = try electionResult(electionID: electionID)
        guard result.openRound == nil else { throw CommunityError.notAllowed("round \(result.openRound!) is still open") }
        guard result.outcome.pending.indices.contains(index) else { throw CommunityError.invalid(field: "pending", reason: "no such round is pending") }
        if try certifiedResult(electionID: electionID) != nil { throw CommunityError.notAllowed("the result is already certified") }
        let pending = result.outcome.pending[index]
        let paper = try pendingPaper(result: result, electionID: electionID, index: index)
        return try openRound(electionID: electionID, kind: pending.kind, paper: paper, electronic: electronic, actor: actor)
    }

    /// The paper the round the result asks for (`index` into `pending`) will be held with, for
    /// printing before it opens: the same paper `openPendingRound` stores.
    public func pendingPaper(electionID: Int64, index: Int) throws -> BallotPaper {
        try pendingPaper(result: try electionResult(electionID: electionID), electionID: electionID, index: index)
    }

    func pendingPaper(result: ElectionResult, electionID: Int64, index: Int) throws -> BallotPaper {
        guard result.outcome.pending.indices.contains(index) else { throw CommunityError.invalid(field: "pending", reason: "no such round is pending") }
        let pending = result.outcome.pending[index]
        guard let original = result.rounds.first(where: { $0.number == pending.from })?.paper else { throw CommunityError.notFound("round \(pending.from)") }
        let (election, communityName) = try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            return (election, try Community.fetchOne(db, key: election.communityID)?.name ?? "")
        }
        var paper = BallotPaper.laterRound(pending, original: original, communityName: communityName, rules: election.rules, names: result.names)
        paper.round = (result.rounds.map(\.number).max() ?? 0) + 1
        return paper
    }
}
