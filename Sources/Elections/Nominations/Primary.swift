/// The result of a post's primary (预选) rounds: who goes on the candidate list, who is tied at
/// the cut (a further primary among them decides), and who is left in reserve for top-ups.
public struct PrimaryOutcome: Sendable, Equatable {
    /// Going on the list, highest votes first.
    public var selected: [Int64] = []
    /// Tied at the cut: the committee holds a further primary among exactly these.
    public var tied: [Int64] = []
    /// Places the further primary decides.
    public var openPlaces = 0
    /// Not selected, best first (losers of a later round rank above those eliminated earlier):
    /// the order in which withdrawals are topped up.
    public var reserves: [Int64] = []
    /// Each nominee's votes in the last round they took part in.
    public var votes: [Int64: Int] = [:]

    public var decided: Bool { tied.isEmpty }
}

/// The primary rule of election-rules.md §4 (ZJ Art. 18): ranked by votes, the top `places`
/// go on; a tie at the cut is not broken by chance or by the order of names but by a further
/// primary among the tied only.
public enum Primary {
    /// One nominee's votes in a round.
    public typealias Line = (nominee: Int64, votes: Int)

    /// The outcome of `rounds` (in order; each later round holds exactly the previous tie) for
    /// `places` places.
    public static func outcome(places: Int, rounds: [[Line]]) -> PrimaryOutcome {
        var result = PrimaryOutcome()
        for round in rounds {
            for line in round { result.votes[line.nominee] = line.votes }
            let need = places - result.selected.count
            let ranked = round.sorted { $0.votes != $1.votes ? $0.votes > $1.votes : $0.nominee < $1.nominee }
            result.tied = []
            guard need > 0 else {
                result.reserves = ranked.map(\.nominee) + result.reserves
                continue
            }
            if ranked.count <= need {
                result.selected += ranked.map(\.nominee)
                continue
            }
            let cut = ranked[need - 1].votes
            let above = ranked.filter { $0.votes > cut }.map(\.nominee)
            let atCut = ranked.filter { $0.votes == cut }.map(\.nominee)
            let below = ranked.filter { $0.votes < cut }.map(\.nominee)
            if above.count + atCut.count == need {
                result.selected += above + atCut
                result.reserves = below + result.reserves
            } else {
                result.selected += above
                result.tied = atCut
                result.reserves = below + result.reserves
            }
        }
        result.openPlaces = result.tied.isEmpty ? 0 : places - result.selected.count
        let chosen = Set(result.selected + result.tied)
        result.reserves = result.reserves.filter { !chosen.contains($0) }
        return result
    }
}
