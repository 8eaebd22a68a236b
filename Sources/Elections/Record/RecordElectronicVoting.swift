import Foundation

extension VerificationCheck {
    /// The frozen rule set's electronic-voting mode against the record's boxes: under `off` no
    /// round may have an electronic box (each ballot line is tied to its box's kind elsewhere,
    /// so this also refuses any electronic ballot); `remote` must name its legal basis. Passes
    /// with the mode (and basis) stated, so the report says how ballots could be cast.
    static func electronicVoting(rules: RuleSet, rounds: [RecordRound]) -> VerificationCheck {
        let electronic = rounds.flatMap { round in
            round.boxes.filter { $0.kind == BallotBox.Kind.electronic.rawValue }.map { (round: round.number, box: $0) }
        }
        switch rules.electronicVoting {
        case .off where !electronic.isEmpty:
            let first = electronic[0]
            return VerificationCheck(ok: false, zh: "规则集不设电子投票（electronicVoting = off），第 \(first.round) 轮却有电子票箱（\(first.box.collected) 张选票）",
                                     en: "the rule set says electronicVoting = off, yet round \(first.round) has an electronic box (\(first.box.collected) ballots)",
                                     file: ElectionRecordFormat.roundsFile, field: "[\(first.round)].boxes[\(first.box.number)].kind")
        case .remote where (rules.electronicVotingBasis ?? "").isEmpty:
            return VerificationCheck(ok: false, zh: "规则集允许远程电子投票，却未记载法律依据（electronicVotingBasis）",
                                     en: "the rule set allows remote electronic voting without recording its legal basis (electronicVotingBasis)",
                                     file: ElectionRecordFormat.rulesFile, field: "electronicVotingBasis")
        case .remote:
            return VerificationCheck(ok: true, zh: "电子投票方式：\(rules.electronicVoting.chinese)；法律依据：\(rules.electronicVotingBasis ?? "")",
                                     en: "electronic voting: \(rules.electronicVoting.english); legal basis: \(rules.electronicVotingBasis ?? "")")
        default:
            return VerificationCheck(ok: true, zh: "电子投票方式：\(rules.electronicVoting.chinese)（\(electronic.count) 个电子票箱）",
                                     en: "electronic voting: \(rules.electronicVoting.english) (\(electronic.count) electronic boxes)")
        }
    }
}
