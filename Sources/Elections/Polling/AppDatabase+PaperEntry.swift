import Community
import Foundation
import GRDB
import Notary

/// Which clerk's entry of a paper: the two independent passes, and the third look that settles
/// a disagreement.
public enum EntryPass: String, Codable, Sendable, CaseIterable {
    case first = "A"
    case second = "B"
    case third = "C"
}

/// Where one paper of a box stands in double entry.
public struct PaperEntryStatus: Sendable, Equatable {
    public var position: Int
    public var first: Bool
    public var second: Bool
    /// Both passes entered and they differ, not yet settled by a third look.
    public var mismatch: Bool
    /// The third look agreed with neither pass: the election committee decides.
    public var disputed: Bool = false
    /// The ballot-log sequence number once agreed.
    public var agreedSeq: Int?
}

/// What entering one pass did.
public enum EntryOutcome: Sendable, Equatable {
    /// Waiting for the other clerk's pass.
    case waiting
    /// The passes agree (or the third look settled it): the ballot is in the log.
    case agreed(seq: Int, tracking: String)
    /// The passes differ: the paper needs a third look.
    case mismatch
    /// The third look agrees with neither pass: the election committee decides (`decidePaper`).
    case disputed
}

extension AppDatabase {
    /// Enters one paper of a box in one pass. Two clerks enter every paper independently (the
    /// same account cannot do both passes); when both passes agree the ballot is appended to the
    /// log in the same transaction; when they differ the paper waits for a third look (pass C,
    /// by someone who entered neither), which counts only when it agrees with pass A or pass B —
    /// otherwise the election committee decides (`decidePaper`). Every entry is in the audit
    /// chain (box, paper number, pass and the reading's SHA-256; a paper names no voter).
    @discardableResult
    public func enterPaper(boxID: Int64, electionID: Int64, position: Int, pass: EntryPass, ballot: MarkedBallot, accountID: Int64,
                           now: Date = AppClock.now(), actor: Actor) throws -> EntryOutcome {
        let ballot = ballot.normalized()
        return try writer.write { db in
            let (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            guard box.status == .counting, let handCount = box.handCount else {
                throw CommunityError.notAllowed("enter the tellers' hand count of box \(box.name) first")
            }
            guard (1...max(handCount, 1)).contains(position), handCount > 0 else {
                throw CommunityError.invalid(field: "position", reason: "papers are numbered 1 to \(handCount)")
            }
            if try Int.fetchOne(db, sql: "SELECT seq FROM paperBallot WHERE boxID = ? AND position = ?", arguments: [boxID, position]) != nil {
                throw CommunityError.notAllowed("paper \(position) is already agreed and counted")
            }
            try ballot.validate(against: try round.paper(), digest: round.paperDigest) { person in
                (try? Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND residentID = ? AND active",
                                   arguments: [electionID, person])) ?? 0 > 0
            }
            let existing = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT pass, content, accountID FROM paperEntry WHERE boxID = ? AND position = ?",
                                                                              arguments: [boxID, position]).map { (($0["pass"] as String), (content: $0["content"] as String, account: $0["accountID"] as Int64)) })
            guard existing[pass.rawValue] == nil else { throw CommunityError.notAllowed("paper \(position) already has pass \(pass.rawValue)") }
            switch pass {
            case .first, .second:
                let other = existing[pass == .first ? EntryPass.second.rawValue : EntryPass.first.rawValue]
                if other?.account == accountID {
                    throw CommunityError.notAllowed("the same clerk cannot enter both passes of a paper")
                }
            case .third:
                guard let a = existing["A"], let b = existing["B"], a.content != b.content else {
                    throw CommunityError.notAllowed("a third look is for papers whose two entries differ")
                }
                guard a.account != accountID && b.account != accountID else {
                    throw CommunityError.notAllowed("the third look is by someone who entered neither pass")
                }
            }
            let content = String(decoding: try CanonicalJSON.encode(ballot), as: UTF8.self)
            try db.execute(sql: "INSERT INTO paperEntry (boxID, position, pass, content, accountID, enteredAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [boxID, position, pass.rawValue, content, accountID, now])
            let agreed: Bool
            switch pass {
            case .third: agreed = existing["A"]?.content == content || existing["B"]?.content == content
            case .first: agreed = existing["B"].map { $0.content == content } ?? false
            case .second: agreed = existing["A"].map { $0.content == content } ?? false
            }
            var details = ["round": String(round.number), "box": String(box.number), "paper": String(position), "pass": pass.rawValue,
                           "reading": SHA256.hash(Data(content.utf8)).hex]
            guard agreed else {
                let outcome: EntryOutcome = pass == .third ? .disputed : existing[pass == .first ? "B" : "A"] == nil ? .waiting : .mismatch
                details["outcome"] = "\(outcome)"
                try AuditLog.append(db, actor: actor, action: "paper.entry", subject: "election:\(electionID)", details: details)
                return outcome
            }
            let (seq, tracking) = try Self.countPaper(db, electionID: electionID, round: round, box: box, position: position, ballot: ballot)
            details["outcome"] = "agreed"
            details["ballot"] = String(seq)
            try AuditLog.append(db, actor: actor, action: "paper.entry", subject: "election:\(electionID)", details: details)
            return .agreed(seq: seq, tracking: tracking)
        }
    }

    /// Appends an agreed (or decided) paper to the log and marks its position as counted.
    static func countPaper(_ db: Database, electionID: Int64, round: PollingRound, box: BallotBox, position: Int,
                           ballot: MarkedBallot) throws -> (seq: Int, tracking: String) {
        let (seq, tracking, _) = try Self.appendBallot(db, election: electionID, round: round, box: box, method: "paper", ballot: ballot)
        try db.execute(sql: "INSERT INTO paperBallot (boxID, position, seq) VALUES (?, ?, ?)", arguments: [box.id!, position, seq])
        return (seq, tracking)
    }

    /// The election committee decides a paper whose third look agreed with neither pass: the
    /// reading it settles on counts, with its reason; the decision is in the audit chain.
    @discardableResult
    public func decidePaper(boxID: Int64, electionID: Int64, position: Int, ballot: MarkedBallot, reason: String, accountID: Int64,
                            now: Date = AppClock.now(), actor: Actor) throws -> (seq: Int, tracking: String) {
        let ballot = ballot.normalized()
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw CommunityError.invalid(field: "reason", reason: "say why the paper reads so (1 to 500 characters)") }
        return try writer.write { db in
            let (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            guard box.status == .counting else { throw CommunityError.notAllowed("box \(box.name) is not being counted") }
            if try Int.fetchOne(db, sql: "SELECT seq FROM paperBallot WHERE boxID = ? AND position = ?", arguments: [boxID, position]) != nil {
                throw CommunityError.notAllowed("paper \(position) is already agreed and counted")
            }
            let passes = Set(try String.fetchAll(db, sql: "SELECT pass FROM paperEntry WHERE boxID = ? AND position = ?", arguments: [boxID, position]))
            guard passes.isSuperset(of: ["A", "B", "C"]) else {
                throw CommunityError.notAllowed("the committee decides a paper only after a third look that agreed with neither pass")
            }
            try ballot.validate(against: try round.paper(), digest: round.paperDigest) { person in
                (try? Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND residentID = ? AND active",
                                   arguments: [electionID, person])) ?? 0 > 0
            }
            let content = String(decoding: try CanonicalJSON.encode(ballot), as: UTF8.self)
            try db.execute(sql: "INSERT INTO paperEntry (boxID, position, pass, content, accountID, enteredAt) VALUES (?, ?, 'D', ?, ?, ?)",
                           arguments: [boxID, position, content, accountID, now])
            let (seq, tracking) = try Self.countPaper(db, electionID: electionID, round: round, box: box, position: position, ballot: ballot)
            try AuditLog.append(db, actor: actor, action: "paper.decision", subject: "election:\(electionID)", details: [
                "round": String(round.number), "box": String(box.number), "paper": String(position), "reading": SHA256.hash(Data(content.utf8)).hex,
                "reason": reason, "ballot": String(seq),
            ])
            return (seq, tracking)
        }
    }

    /// Every position of a box (1 … hand count) with its entry state.
    public func paperEntries(boxID: Int64) throws -> [PaperEntryStatus] {
        try reader.read { db in
            guard let box = try BallotBox.fetchOne(db, key: boxID) else { throw CommunityError.notFound("box \(boxID)") }
            let count = box.handCount ?? 0
            var statuses = (0..<count).map { PaperEntryStatus(position: $0 + 1, first: false, second: false, mismatch: false, agreedSeq: nil) }
            var contents: [Int: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT position, pass, content FROM paperEntry WHERE boxID = ?", arguments: [boxID]) {
                let position: Int = row["position"]
                guard position >= 1 && position <= count else { continue }
                contents[position, default: [:]][row["pass"]] = row["content"]
                if row["pass"] as String == "A" { statuses[position - 1].first = true }
                if row["pass"] as String == "B" { statuses[position - 1].second = true }
            }
            for row in try Row.fetchAll(db, sql: "SELECT position, seq FROM paperBallot WHERE boxID = ?", arguments: [boxID]) {
                let position: Int = row["position"]
                if position >= 1 && position <= count { statuses[position - 1].agreedSeq = row["seq"] }
            }
            for (position, passes) in contents where statuses[position - 1].agreedSeq == nil {
                if let a = passes["A"], let b = passes["B"], a != b {
                    statuses[position - 1].mismatch = true
                    statuses[position - 1].disputed = passes["C"] != nil
                }
            }
            return statuses
        }
    }

    /// The two readings of a paper whose passes differ, for the third look.
    public func paperReadings(boxID: Int64, position: Int) throws -> [EntryPass: MarkedBallot] {
        try reader.read { db in
            var readings: [EntryPass: MarkedBallot] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT pass, content FROM paperEntry WHERE boxID = ? AND position = ?", arguments: [boxID, position]) {
                if let pass = EntryPass(rawValue: row["pass"]) {
                    readings[pass] = try JSONDecoder().decode(MarkedBallot.self, from: Data((row["content"] as String).utf8))
                }
            }
            return readings
        }
    }

    /// Closes a box: every paper up to the hand count agreed. Signs the count sheet with the
    /// election key and returns it (the committee's scrutineers then sign it with their own keys,
    /// `countersignCountSheet`); refused with the difference while entered and counted papers
    /// differ. The electronic box closes here only when no ballot was sealed in it; otherwise the
    /// committee opens it (`openSealedBox`).
    @discardableResult
    public func closeBox(boxID: Int64, electionID: Int64, signingKey: Ed25519PrivateKey, now: Date = AppClock.now(), actor: Actor) throws -> (CountSheet, SignedReceipt) {
        try writer.write { db in
            var (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            let election = try Self.fetchElection(db, electionID)
            guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("wrong signing key for election \(electionID)") }
            guard box.status != .closed else { throw CommunityError.notAllowed("box \(box.name) is already closed") }
            let logged = try Int.fetchOne(db, sql: "SELECT count(*) FROM ballotLog WHERE boxID = ?", arguments: [boxID]) ?? 0
            let handCount: Int
            if box.kind == .electronic {
                let sealed = try Self.sealedBallotCount(db, boxID: boxID)
                guard sealed == 0 else {
                    throw CommunityError.notAllowed("the electronic box holds \(sealed) sealed ballots: \(round.boxThreshold ?? 1) members of the election committee open it together at the count")
                }
                handCount = logged
                try db.execute(sql: "DELETE FROM boxKeyShare WHERE roundID = ?", arguments: [round.id])
            } else {
                guard box.status == .counting, let counted = box.handCount else {
                    throw CommunityError.notAllowed("enter the tellers' hand count of box \(box.name) first")
                }
                guard logged == counted else {
                    let mismatches = try Self.mismatchCount(db, boxID: boxID)
                    throw CommunityError.notAllowed("box \(box.name): \(logged) papers agreed of \(counted) counted (difference \(counted - logged)\(mismatches > 0 ? ", \(mismatches) awaiting a third look" : "")); the box stays open")
                }
                handCount = counted
            }
            let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ? AND boxID = ?", arguments: [round.id, boxID]) ?? 0
            box.handCount = handCount
            return try Self.signCountSheet(db, box: &box, round: round, handCount: handCount, issued: issued, signingKey: signingKey, now: now, actor: actor)
        }
    }

    static func mismatchCount(_ db: Database, boxID: Int64) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM paperEntry a JOIN paperEntry b ON b.boxID = a.boxID AND b.position = a.position AND b.pass = 'B'
            WHERE a.boxID = ? AND a.pass = 'A' AND a.content != b.content
              AND NOT EXISTS (SELECT 1 FROM paperBallot WHERE paperBallot.boxID = a.boxID AND paperBallot.position = a.position)
            """, arguments: [boxID]) ?? 0
    }
}
