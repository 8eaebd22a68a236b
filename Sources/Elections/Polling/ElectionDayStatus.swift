import Community
import Foundation
import GRDB

/// What the election committee needs on election day (issue 22 #1, #2): what is open, what is
/// next and what is late, and each round's turnout against its roll, per station and per box.
///
/// Only ballots issued (check-ins), papers counted by the tellers and ballots in the log are
/// counted here — never a mark: nothing of how anyone voted in an open round is shown
/// (`countedRound`). The turnout line is the rule set's `turnout` threshold over the round's
/// turnout base (the roll frozen when polling opened), asked of `Threshold`, the rule's one home.
public struct ElectionDayStatus: Sendable, Equatable {
    /// Ballots issued at one polling station in a round (the electronic box is a "station" of its own).
    public struct StationTurnout: Sendable, Equatable {
        public var name: String
        public var electronic: Bool
        public var issued: Int
    }

    /// One box: ballots issued into it and, once counted, the papers the tellers found.
    public struct BoxLine: Sendable, Equatable {
        public var id: Int64
        public var number: Int
        public var name: String
        public var station: String
        public var kind: BallotBox.Kind
        public var status: BallotBox.Status
        public var issued: Int
        /// The tellers' hand count of a paper box, or the ballots opened from the electronic box;
        /// nil until then.
        public var counted: Int?
        /// `counted - issued` once counted; anything but zero is flagged for the committee to explain.
        public var difference: Int? { counted.map { $0 - issued } }
    }

    /// One round's turnout.
    public struct RoundTurnout: Sendable, Equatable {
        public var id: Int64
        public var number: Int
        public var kind: RoundKind
        public var open: Bool
        /// The round's turnout base: the roll when polling opened.
        public var base: Int
        public var threshold: Threshold
        /// The fewest voters that meet `threshold` of `base`.
        public var needed: Int
        /// Ballots issued so far.
        public var issued: Int
        /// Papers in all the boxes (the tally's turnout figure), once every box is counted.
        public var collected: Int?
        public var stations: [StationTurnout]
        public var boxes: [BoxLine]

        /// Whether the turnout line is reached: by the papers collected once counted, by the
        /// ballots issued while polling (a voter given a ballot may still not cast it).
        public var reached: Bool { threshold.isMet(collected ?? issued, of: base) }
        /// Boxes whose count differs from the ballots issued into them.
        public var flaggedBoxes: [BoxLine] { boxes.filter { ($0.difference ?? 0) != 0 } }
    }

    /// Something the committee has to do, in the order it comes.
    public enum Task: Sendable, Equatable {
        /// A step of the timeline before polling (announce, publish the roll, …).
        case timeline(ElectionTimeline.Step)
        /// Open polling on election day.
        case openPolling(on: CivilDate)
        /// Count and close the boxes still open in a round.
        case closeBoxes(round: Int, open: Int)
        /// Every box is closed: close the round.
        case closeRound(round: Int)
        /// A round the result asks for (另行选举, a tie-break, a women-only or repeated round), by the deadline.
        case openNextRound(kind: RoundKind, by: CivilDate)
        /// The result is complete: certify it.
        case certify
        /// The result is certified: the handover, by its deadline.
        case handover(by: CivilDate)

        /// The last day for it, where the law sets one.
        public var due: CivilDate? {
            switch self {
            case .timeline(let step): return step.date
            case .openPolling(let day): return day
            case .openNextRound(_, let by), .handover(let by): return by
            case .closeBoxes, .closeRound, .certify: return nil
            }
        }
    }

    public var rounds: [RoundTurnout]
    /// What comes next, first the most urgent; empty only when nothing is left to do.
    public var tasks: [Task]
    /// Timeline steps done late or overdue today.
    public var lateSteps: [ElectionTimeline.Step]

    /// Tasks whose deadline has passed.
    public func overdue(today: CivilDate) -> [Task] { tasks.filter { ($0.due ?? today) < today } }
}

extension AppDatabase {
    /// The election-day status of an election as of `today`.
    public func electionDayStatus(electionID: Int64, today: CivilDate) throws -> ElectionDayStatus {
        let election = try election(id: electionID)
        let timeline = ElectionTimeline(election: election)
        let polling = try rounds(electionID: electionID)
        let threshold = election.rules.turnout
        var rounds: [ElectionDayStatus.RoundTurnout] = []
        for round in polling {
            let boxes = try self.boxes(roundID: round.id!).map { status -> ElectionDayStatus.BoxLine in
                let counted: Int? = status.box.kind == .electronic
                    ? (status.box.status == .closed || status.logged > 0 ? status.logged : nil)
                    : status.box.handCount
                return .init(id: status.box.id!, number: status.box.number, name: status.box.name, station: status.stationName,
                             kind: status.box.kind, status: status.box.status, issued: status.issued, counted: counted)
            }
            var stations: [ElectionDayStatus.StationTurnout] = []
            for box in boxes {
                let electronic = box.kind == .electronic
                let name = electronic ? "" : box.station
                if let index = stations.firstIndex(where: { $0.name == name && $0.electronic == electronic }) {
                    stations[index].issued += box.issued
                } else {
                    stations.append(.init(name: name, electronic: electronic, issued: box.issued))
                }
            }
            let base = round.rollSize ?? 0
            let allCounted = !boxes.isEmpty && boxes.allSatisfy { $0.status == .closed && $0.counted != nil }
            rounds.append(.init(id: round.id!, number: round.number, kind: round.kind, open: round.status == .open, base: base,
                                threshold: threshold, needed: threshold.minimumCount(of: base), issued: boxes.reduce(0) { $0 + $1.issued },
                                collected: allCounted ? boxes.reduce(0) { $0 + ($1.counted ?? 0) } : nil, stations: stations, boxes: boxes))
        }

        var tasks: [ElectionDayStatus.Task] = []
        if polling.isEmpty {
            if let next = timeline.nextAction { tasks.append(.timeline(next)) }
            if election.status == .candidatesPublished { tasks.append(.openPolling(on: election.electionDay)) }
        } else if let open = rounds.filter(\.open).first {
            let stillOpen = open.boxes.filter { $0.status != .closed }.count
            tasks.append(stillOpen > 0 ? .closeBoxes(round: open.number, open: stillOpen) : .closeRound(round: open.number))
        } else if try certifiedResult(electionID: electionID) != nil {
            // The handover is due within the rule set's handoverDays of certification (`HandoverRule`); once completed nothing is left.
            if try handover(electionID: electionID)?.completedOn == nil, let deadline = try handoverDeadline(electionID: electionID) {
                tasks.append(.handover(by: deadline))
            }
        } else {
            let result = try electionResult(electionID: electionID)
            if let pending = result.outcome.pending.first {
                tasks.append(.openNextRound(kind: pending.kind, by: timeline.step("runoff")?.date ?? election.electionDay))
            } else {
                tasks.append(.certify)
            }
        }
        return ElectionDayStatus(rounds: rounds, tasks: tasks, lateSteps: timeline.late(today: today))
    }
}
