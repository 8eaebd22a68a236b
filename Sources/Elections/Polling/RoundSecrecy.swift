import Community
import Foundation

extension AppDatabase {
    /// The count of a round, disclosed only once the round is closed (every box closed with its
    /// signed count sheet). While a round is open nobody — clerk, election committee,
    /// administrator or the public, on a page, through the API or on the command line — sees
    /// its tally, a per-box total or a "provisional" result: reading a running tally before and
    /// after one voter casts would show how that voter voted. Ballots issued (turnout) per
    /// station and box stay visible.
    public func countedRound(roundID: Int64, electionID: Int64) throws -> RoundResult {
        let round = try round(id: roundID, electionID: electionID)
        guard round.status == .closed else { throw Self.roundStillOpen(round) }
        return try tallyRound(roundID: roundID, electionID: electionID)
    }

    /// The refusal for anything that would show an open round's ballots.
    public static func roundStillOpen(_ round: PollingRound) -> CommunityError {
        .notAllowed("第\(round.number)轮投票尚未结束：票箱全部关闭、本轮结束前不显示任何计票结果 Round \(round.number) is still open: nothing of its ballots is shown until its boxes close and the round is closed")
    }
}
