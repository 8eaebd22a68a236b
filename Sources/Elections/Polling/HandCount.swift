import Community
import Foundation
import GRDB

/// One count of a paper box's papers: a teller's (two tellers count independently) or the
/// election committee's correction, with its reason.
public struct HandCountEntry: Sendable, Equatable {
    public enum Kind: String, Sendable { case teller, correction }
    public var kind: Kind
    public var accountID: Int64
    public var count: Int
    public var reason: String?
    public var enteredAt: Date
}

/// What entering a teller's count did.
public enum HandCountOutcome: Sendable, Equatable {
    /// The first teller's count: the box is closed to check-ins, waiting for the second.
    case waiting
    /// Both tellers counted the same: the papers are entered against `count`. `issued` is the
    /// number of ballots issued into the box; a difference is flagged on the box page.
    case agreed(count: Int, issued: Int)
    /// The two counts differ: the election committee decides (`correctHandCount`).
    case differ(first: Int, second: Int)
}

extension AppDatabase {
    /// A teller's count of a paper box. Two different tellers count; when their counts agree the
    /// box's hand count is set and papers are entered against it; when they differ the election
    /// committee decides. The first count closes the box to check-ins. Each count is in the
    /// audit chain, with the ballots issued into the box when the agreed count differs from them.
    @discardableResult
    public func enterHandCount(boxID: Int64, electionID: Int64, count: Int, accountID: Int64, now: Date = AppClock.now(),
                               actor: Actor) throws -> HandCountOutcome {
        guard (0...100_000).contains(count) else { throw CommunityError.invalid(field: "handCount", reason: "between 0 and 100,000") }
        return try writer.write { db in
            var (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            guard box.kind != .electronic else { throw CommunityError.invalid(field: "box", reason: "the electronic box counts itself") }
            guard box.handCount == nil, box.status != .closed else {
                throw CommunityError.notAllowed("box \(box.name) is counted already (\(box.handCount ?? 0) papers); the election committee corrects a count, with its reason")
            }
            let tellers = try Self.handCounts(db, boxID: boxID).filter { $0.kind == .teller }
            if tellers.contains(where: { $0.accountID == accountID }) {
                throw CommunityError.notAllowed("you have counted box \(box.name) already; a second teller enters the second count")
            }
            guard tellers.count < 2 else {
                throw CommunityError.notAllowed("the tellers' counts of box \(box.name) differ (\(tellers.map { String($0.count) }.joined(separator: " / "))): the election committee decides")
            }
            try db.execute(sql: "INSERT INTO handCountEntry (boxID, kind, accountID, count, reason, enteredAt) VALUES (?, 'teller', ?, ?, NULL, ?)",
                           arguments: [boxID, accountID, count, now])
            let issued = try Self.issuedInto(db, box: box)
            var details = ["round": String(round.number), "box": String(box.number), "teller": String(tellers.count + 1), "handCount": String(count)]
            guard let first = tellers.first else {
                box.status = .counting
                try box.update(db)
                try AuditLog.append(db, actor: actor, action: "box.handCount.teller", subject: "election:\(electionID)", details: details)
                return .waiting
            }
            guard first.count == count else {
                details["first"] = String(first.count)
                try AuditLog.append(db, actor: actor, action: "box.handCount.differ", subject: "election:\(electionID)", details: details)
                return .differ(first: first.count, second: count)
            }
            box.handCount = count
            try box.update(db)
            details["issued"] = String(issued)
            details["differsFromIssued"] = issued == count ? "no" : "yes"
            try AuditLog.append(db, actor: actor, action: "box.handCount", subject: "election:\(electionID)", details: details)
            return .agreed(count: count, issued: issued)
        }
    }

    /// The election committee sets a box's hand count — when the tellers' counts differ, or to
    /// correct an agreed count while the box is still being counted — with its reason, in the
    /// audit chain. Refused below the papers already agreed and once the box is closed.
    public func correctHandCount(boxID: Int64, electionID: Int64, count: Int, reason: String, accountID: Int64, now: Date = AppClock.now(),
                                 actor: Actor) throws {
        guard (0...100_000).contains(count) else { throw CommunityError.invalid(field: "handCount", reason: "between 0 and 100,000") }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw CommunityError.invalid(field: "reason", reason: "say why the count is set (1 to 500 characters)") }
        try writer.write { db in
            var (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            guard box.kind != .electronic else { throw CommunityError.invalid(field: "box", reason: "the electronic box counts itself") }
            guard box.status == .counting else {
                throw CommunityError.notAllowed(box.status == .closed ? "box \(box.name) is closed with its signed count sheet" : "the tellers count box \(box.name) first")
            }
            let entered = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM paperBallot WHERE boxID = ?", arguments: [boxID]) ?? 0
            guard count >= entered else {
                throw CommunityError.invalid(field: "handCount", reason: "papers up to number \(entered) are already entered and agreed")
            }
            try db.execute(sql: "INSERT INTO handCountEntry (boxID, kind, accountID, count, reason, enteredAt) VALUES (?, 'correction', ?, ?, ?, ?)",
                           arguments: [boxID, accountID, count, reason, now])
            let previous = box.handCount
            box.handCount = count
            try box.update(db)
            let issued = try Self.issuedInto(db, box: box)
            try AuditLog.append(db, actor: actor, action: "box.handCount.correct", subject: "election:\(electionID)", details: [
                "round": String(round.number), "box": String(box.number), "from": previous.map(String.init) ?? "—", "handCount": String(count),
                "reason": reason, "issued": String(issued), "differsFromIssued": issued == count ? "no" : "yes",
            ])
        }
    }

    /// The counts entered for a box, oldest first.
    public func handCounts(boxID: Int64) throws -> [HandCountEntry] {
        try reader.read { db in try Self.handCounts(db, boxID: boxID) }
    }

    static func handCounts(_ db: Database, boxID: Int64) throws -> [HandCountEntry] {
        try Row.fetchAll(db, sql: "SELECT kind, accountID, count, reason, enteredAt FROM handCountEntry WHERE boxID = ? ORDER BY id", arguments: [boxID]).map {
            HandCountEntry(kind: HandCountEntry.Kind(rawValue: $0["kind"]) ?? .teller, accountID: $0["accountID"], count: $0["count"],
                           reason: $0["reason"], enteredAt: $0["enteredAt"])
        }
    }

    /// Ballots issued into a box (check-ins).
    static func issuedInto(_ db: Database, box: BallotBox) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ? AND boxID = ?", arguments: [box.roundID, box.id]) ?? 0
    }
}
