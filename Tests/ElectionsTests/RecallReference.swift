import Foundation
@testable import Elections

/// A plain reference of the recall vote (election-rules.md §8), written without the engine's
/// types: sums by loops, thresholds compared as real numbers (`Double` division is correctly
/// rounded, so for these small integers a ratio equals the fraction exactly when it should).
enum RecallReference {
    struct Case: CustomStringConvertible {
        var roll: Int
        var members: [Int64]
        /// Per box: issued, collected, invalid, and per member (approve, reject, abstain).
        var boxes: [(issued: Int, collected: Int, invalid: Int, lines: [(Int, Int, Int)])]
        var turnout: (strict: Bool, n: Int, d: Int)
        var approval: (strict: Bool, n: Int, d: Int)

        var description: String {
            let boxes = self.boxes.map { "[issued \($0.issued) collected \($0.collected) invalid \($0.invalid) lines \($0.lines.map { "\($0.0)/\($0.1)/\($0.2)" })]" }
            return "roll \(roll), members \(members), turnout \(turnout.strict ? ">" : "≥")\(turnout.n)/\(turnout.d), approval \(approval.strict ? ">" : "≥")\(approval.n)/\(approval.d), boxes \(boxes.joined(separator: " "))"
        }

        var rules: RuleSet {
            var rules = RuleSet()
            rules.recallTurnout = Threshold(turnout.strict ? .moreThan : .atLeast, turnout.n, turnout.d)
            rules.recallApproval = Threshold(approval.strict ? .moreThan : .atLeast, approval.n, approval.d)
            return rules
        }

        var counts: [RecallCount] {
            boxes.map { box in
                RecallCount(issued: box.issued, collected: box.collected, invalid: box.invalid,
                            marks: zip(members, box.lines).map { RecallMarks(member: $0, approve: $1.0, reject: $1.1, abstain: $1.2) })
            }
        }
    }

    struct Decision: Equatable, CustomStringConvertible {
        var turnoutMet: Bool
        var void: Bool
        var recalled: [Int64]
        var approvals: [Int]
        var description: String { "turnout met \(turnoutMet), void \(void), recalled \(recalled), approvals \(approvals)" }
    }

    static func meets(_ count: Int, _ base: Int, _ t: (strict: Bool, n: Int, d: Int)) -> Bool {
        let ratio = Double(count) / Double(base), fraction = Double(t.n) / Double(t.d)
        return t.strict ? ratio > fraction : ratio >= fraction
    }

    static func decide(_ c: Case) -> Decision {
        var issued = 0, collected = 0
        var approvals = Array(repeating: 0, count: c.members.count)
        for box in c.boxes {
            issued += box.issued
            collected += box.collected
            for (index, line) in box.lines.enumerated() { approvals[index] += line.0 }
        }
        let turnoutMet = meets(collected, c.roll, c.turnout)
        let void = collected > issued
        var recalled: [Int64] = []
        if turnoutMet && !void && collected > 0 {
            for (index, member) in c.members.enumerated() where meets(approvals[index], collected, c.approval) { recalled.append(member) }
        }
        return Decision(turnoutMet: turnoutMet, void: void, recalled: recalled, approvals: approvals)
    }

    static func engine(_ c: Case) throws -> Decision {
        let outcome = try RecallTally.decide(rollSize: c.roll, members: c.members, boxes: c.counts, rules: c.rules)
        return Decision(turnoutMet: outcome.turnoutMet, void: outcome.void, recalled: outcome.recalled, approvals: outcome.members.map(\.approve))
    }
}
