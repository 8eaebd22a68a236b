import Community
import Foundation
import GRDB
import Notary

/// One line of the election's ballot log (verifiability.md §3): canonical JSON, chained to the
/// previous line by `prev`; its tracking code is the SHA-256 of the line. Nothing in it links
/// the ballot to a voter.
public struct BallotLine: Codable, Sendable, Equatable {
    public var election: Int64
    public var round: Int
    /// Box number within the round.
    public var box: Int
    /// Position in the election's log, from 1.
    public var seq: Int
    /// `paper` (double entry) or `electronic`.
    public var method: String
    public var ballot: MarkedBallot
    /// An electronic ballot's random nonce (32 lowercase hex digits), drawn when it was cast
    /// and sealed; nil for paper. It makes every electronic ballot's content unique, so its
    /// receipt code (`sealedContent`'s `receiptCode()`) names exactly one line.
    public var nonce: String? = nil
    /// Tracking code of the previous line; 64 zeros for the first.
    public var prev: String
}

/// A stored log line.
public struct BallotLogEntry: Sendable, Equatable {
    public let seq: Int
    public let roundID: Int64
    public let boxID: Int64
    public let line: String
    public let tracking: String
    /// When the ballot's round opened (never the ballot's own time).
    public let recordedAt: String
}

extension AppDatabase {
    /// Appends a ballot to the log inside the caller's transaction and returns its line. No
    /// ballot's own time is stored: its `recordedAt` (and so its receipt's `at`) is the time its
    /// round opened, the same for every ballot of the round, so nobody who knows when a person
    /// voted can find their ballot by its time.
    static func appendBallot(_ db: Database, election: Int64, round: PollingRound, box: BallotBox, method: String,
                             ballot: MarkedBallot) throws -> (seq: Int, tracking: String, line: Data) {
        try appendLine(db, round: round, box: box) { seq, prev in
            BallotLine(election: election, round: round.number, box: box.number, seq: seq, method: method, ballot: ballot, prev: prev)
        }
    }

    /// Appends an opened electronic ballot (its nonce kept, so its receipt code can be
    /// recomputed from the published line) inside the caller's transaction.
    static func appendBallot(_ db: Database, election: Int64, round: PollingRound, box: BallotBox,
                             sealed: SealedBallot) throws -> (seq: Int, tracking: String, line: Data) {
        try appendLine(db, round: round, box: box, receipt: try sealed.receiptCode()) { seq, prev in sealed.line(seq: seq, prev: prev) }
    }

    private static func appendLine(_ db: Database, round: PollingRound, box: BallotBox, receipt: String? = nil,
                                   make: (Int, String) -> BallotLine) throws -> (seq: Int, tracking: String, line: Data) {
        let election = round.electionID
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, tracking FROM ballotLog WHERE electionID = ? ORDER BY seq DESC LIMIT 1"), arguments: [election])
        let seq = (last?["seq"] as Int? ?? 0) + 1
        let prev: String = last?["tracking"] ?? SHA256Digest.zero.hex
        let line = try CanonicalJSON.encode(make(seq, prev))
        let tracking = SHA256.hash(line).hex
        try db.cachedStatement(sql: """
            INSERT INTO ballotLog (electionID, seq, roundID, boxID, line, tracking, recordedAt, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [election, seq, round.id, box.id, String(decoding: line, as: UTF8.self), tracking, Timestamp.string(from: round.openedAt), receipt])
        try db.cachedStatement(sql: "INSERT INTO ballotLogHead (electionID, seq, tracking) VALUES (?, ?, ?) ON CONFLICT (electionID) DO UPDATE SET seq = excluded.seq, tracking = excluded.tracking")
            .execute(arguments: [election, seq, tracking])
        return (seq, tracking, line)
    }

    /// The election's ballot log in order.
    public func ballotLog(electionID: Int64) throws -> [BallotLogEntry] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, roundID, boxID, line, tracking, recordedAt FROM ballotLog WHERE electionID = ? ORDER BY seq",
                             arguments: [electionID]).map {
                BallotLogEntry(seq: $0["seq"], roundID: $0["roundID"], boxID: $0["boxID"], line: $0["line"], tracking: $0["tracking"], recordedAt: $0["recordedAt"])
            }
        }
    }

    /// Finds a ballot by its tracking code, or an electronic ballot by its receipt code (the
    /// public inclusion check behind a receipt). The code may be shortened to any prefix of at
    /// least `TrackingCode.shortLength` digits and typed with spaces or hyphens; a prefix two
    /// ballots share finds neither. A ballot still sealed in its box is not found until the box
    /// is opened.
    public func trackBallot(electionID: Int64, tracking: String) throws -> BallotLogEntry? {
        guard let code = TrackingCode.normalized(tracking) else { return nil }
        // Every code is lower-case hex, so [code, code + "g") is exactly the codes starting with it.
        let upper = code + "g"
        return try reader.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, roundID, boxID, line, tracking, recordedAt FROM ballotLog WHERE electionID = ? AND tracking >= ? AND tracking < ?
                UNION SELECT seq, roundID, boxID, line, tracking, recordedAt FROM ballotLog WHERE electionID = ? AND receipt >= ? AND receipt < ?
                LIMIT 2
                """, arguments: [electionID, code, upper, electionID, code, upper])
            guard rows.count == 1, let row = rows.first else { return nil }
            return BallotLogEntry(seq: row["seq"], roundID: row["roundID"], boxID: row["boxID"], line: row["line"], tracking: row["tracking"],
                                  recordedAt: row["recordedAt"])
        }
    }

    /// Re-reads the log and checks every tracking code and `prev` link; nil when intact, else
    /// the first broken sequence number and why.
    public func verifyBallotLog(electionID: Int64) throws -> (seq: Int, reason: String)? {
        var previous = SHA256Digest.zero.hex
        for (index, entry) in try ballotLog(electionID: electionID).enumerated() {
            guard entry.seq == index + 1 else { return (entry.seq, "sequence gap: expected \(index + 1)") }
            guard SHA256.hash(Data(entry.line.utf8)).hex == entry.tracking else { return (entry.seq, "line does not hash to its tracking code") }
            let line = try JSONDecoder().decode(BallotLine.self, from: Data(entry.line.utf8))
            guard line.prev == previous, line.seq == entry.seq else { return (entry.seq, "prev does not match the previous tracking code") }
            previous = entry.tracking
        }
        return nil
    }
}
