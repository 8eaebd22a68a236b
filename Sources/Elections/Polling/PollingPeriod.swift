import Community
import Foundation
import GRDB

/// Polling is under way: some round of an election is open. While it is, nothing that would let
/// an insider vote in someone else's name or move the electorate may happen — no voter card or
/// household card is issued or re-issued (a new code would let its issuer cast in the holder's
/// name and leave the holder's own card dead), and the roll is frozen.
extension AppDatabase {
    /// The number of the election's open round, if polling is under way.
    static func openRoundNumber(_ db: Database, electionID: Int64) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT number FROM pollingRound WHERE electionID = ? AND status = 'open' ORDER BY number LIMIT 1",
                         arguments: [electionID])
    }

    /// Refuses to issue or re-issue access cards while any election of the community is polling.
    /// Household cards (Councils) are refused through this too: Web and the command line ask it
    /// before issuing them.
    public func refuseCardsWhilePolling(communityID: Int64) throws {
        let open = try reader.read { db in
            try Row.fetchOne(db, sql: """
                SELECT election.title, pollingRound.number FROM pollingRound JOIN election ON election.id = pollingRound.electionID
                WHERE election.communityID = ? AND pollingRound.status = 'open' ORDER BY election.id, pollingRound.number LIMIT 1
                """, arguments: [communityID])
        }
        if let open {
            throw Self.cardsRefused(title: open["title"], round: open["number"])
        }
    }

    static func cardsRefused(title: String, round: Int) -> CommunityError {
        .notAllowed("\(title)第\(round)轮投票进行中，不能发放或补发选民证、户卡 Polling is open (\(title), round \(round)): no voter card or household card is issued or re-issued until the round closes")
    }

    /// Refuses any change to the roll once polling has opened (the first round exists): the
    /// electorate of every round — and so each round's turnout base — is the roll as it stood then.
    static func refuseRollChangeAfterPollingOpened(_ db: Database, electionID: Int64) throws {
        if let first = try Int.fetchOne(db, sql: "SELECT MIN(number) FROM pollingRound WHERE electionID = ?", arguments: [electionID]) {
            throw CommunityError.notAllowed("选民名单已于第\(first)轮投票开始时冻结，不能再增减或更改 The roll was frozen when polling opened (round \(first)): no voter is added, removed or changed")
        }
    }

    /// Numbers as short ranges for an audit entry: `1-3,7,9-10`.
    static func numberRanges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var run: (Int, Int)?
        for number in Set(numbers).sorted() {
            if let (start, end) = run, number == end + 1 { run = (start, number); continue }
            if let (start, end) = run { parts.append(start == end ? "\(start)" : "\(start)-\(end)") }
            run = (number, number)
        }
        if let (start, end) = run { parts.append(start == end ? "\(start)" : "\(start)-\(end)") }
        return parts.joined(separator: ",")
    }
}
