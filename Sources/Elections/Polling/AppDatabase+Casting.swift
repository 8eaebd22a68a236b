import Community
import Foundation
import GRDB
import Notary

/// A voter logged in to cast electronically (with roll number and voter-card access code).
public struct VoterSession: Sendable, Equatable {
    public var electionID: Int64
    public var rollEntryID: Int64
    public var number: Int
    public var name: String
}

/// One voter's electronic ballot on its way to the log.
struct CastRequest: Sendable {
    let roundID: Int64
    let rollEntryID: Int64
    let ballot: MarkedBallot
    let formToken: String
    let keyID: String
}

/// A cast as committed: what its receipt states.
struct RecordedCast: Sendable {
    let election: Int64
    let round: Int
    let seq: Int
    let tracking: String
    let at: String

    func receipt(signingKey: Ed25519PrivateKey) throws -> CastBallot {
        CastBallot(seq: seq, tracking: tracking,
                   receipt: try AppDatabase.ballotReceipt(election: election, round: round, seq: seq, tracking: tracking, at: at, signingKey: signingKey))
    }
}

/// An electronic ballot as recorded: its place in the log and the receipt shown to the voter.
public struct CastBallot: Sendable, Equatable {
    public var seq: Int
    public var tracking: String
    public var receipt: SignedReceipt
}

extension AppDatabase {
    /// How long a voter's session lasts.
    public static let voterSessionLifetime: TimeInterval = 30 * 60

    /// Logs a voter in with roll number and access code; returns the session token (to be
    /// kept in a cookie) or nil when the number or code is wrong.
    public func startVoterSession(electionID: Int64, number: Int, code: String, now: Date = Date()) throws -> String? {
        guard try verifyAccessCode(electionID: electionID, number: number, code: code) else { return nil }
        let token = try SecureRandom.token()
        try writer.write { db in
            guard let entry = try Self.activeEntry(db, electionID, number: number) else { throw CommunityError.notFound("roll number \(number)") }
            try db.execute(sql: "DELETE FROM voterSession WHERE expiresAt < ?", arguments: [now])
            try db.execute(sql: "INSERT INTO voterSession (tokenHash, electionID, rollEntryID, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [SHA256.hash(Data(token.utf8)).hex, electionID, entry.id, now.addingTimeInterval(Self.voterSessionLifetime)])
        }
        return token
    }

    /// The voter session of a token, if it is valid.
    public func voterSession(token: String, now: Date = Date()) throws -> VoterSession? {
        try reader.read { db in
            try Row.fetchOne(db, sql: """
                SELECT voterSession.electionID, voterSession.rollEntryID, rollEntry.number, resident.name FROM voterSession
                JOIN rollEntry ON rollEntry.id = voterSession.rollEntryID JOIN resident ON resident.id = rollEntry.residentID
                WHERE voterSession.tokenHash = ? AND voterSession.expiresAt >= ? AND rollEntry.active
                """, arguments: [SHA256.hash(Data(token.utf8)).hex, now]).map {
                VoterSession(electionID: $0["electionID"], rollEntryID: $0["rollEntryID"], number: $0["number"], name: $0["name"])
            }
        }
    }

    /// What casting needs, in one read: the voter of a session token, and the open round with
    /// electronic voting in which they have no ballot yet (or, when they have one in every open
    /// round, the first such round — a retried cast is answered there). Nil without a valid session.
    public func castingState(electionID: Int64, token: String, now: Date = Date()) throws -> (voter: VoterSession, round: PollingRound?)? {
        try reader.read { db in
            guard let voter = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT voterSession.electionID, voterSession.rollEntryID, rollEntry.number, resident.name FROM voterSession
                JOIN rollEntry ON rollEntry.id = voterSession.rollEntryID JOIN resident ON resident.id = rollEntry.residentID
                WHERE voterSession.tokenHash = ? AND voterSession.expiresAt >= ? AND rollEntry.active AND voterSession.electionID = ?
                """), arguments: [SHA256.hash(Data(token.utf8)).hex, now, electionID]).map({
                VoterSession(electionID: $0["electionID"], rollEntryID: $0["rollEntryID"], number: $0["number"], name: $0["name"])
            }) else { return nil }
            let rounds = try PollingRound.fetchAll(db.cachedStatement(sql: "SELECT * FROM pollingRound WHERE electionID = ? AND status = 'open' AND electronic ORDER BY number"),
                                                   arguments: [electionID])
            let has = try db.cachedStatement(sql: "SELECT count(*) FROM checkIn WHERE roundID = ? AND rollEntryID = ?")
            for round in rounds where try Int.fetchOne(has, arguments: [round.id, voter.rollEntryID]) == 0 {
                return (voter, round)
            }
            return (voter, rounds.first)
        }
    }

    /// Ends a voter session (after casting, or on logout).
    public func endVoterSession(token: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM voterSession WHERE tokenHash = ?", arguments: [SHA256.hash(Data(token.utf8)).hex]) }
    }

    /// Whether the voter already received a ballot (paper or electronic) in the round.
    public func hasBallot(roundID: Int64, rollEntryID: Int64) throws -> Bool {
        try reader.read { db in try CheckIn.filter(Column("roundID") == roundID && Column("rollEntryID") == rollEntryID).fetchCount(db) > 0 }
    }

    /// Casts an electronic ballot: in one transaction the voter is marked as having received a
    /// ballot in the round (so no paper ballot can follow) and the ballot is appended to the log;
    /// the check-in keeps only the date, and nothing ties the two rows together. The receipt is
    /// made after the commit (SQLite `synchronous = FULL`: durable when `write` returns). A retry
    /// with the same `formToken` returns the first cast's receipt instead of a second ballot.
    /// (`BallotCaster` does the same for many concurrent voters with one commit per batch.)
    public func castElectronicBallot(roundID: Int64, rollEntryID: Int64, ballot: MarkedBallot, formToken: String,
                                     signingKey: Ed25519PrivateKey, now: Date = Date()) throws -> CastBallot {
        let request = CastRequest(roundID: roundID, rollEntryID: rollEntryID, ballot: ballot, formToken: formToken, keyID: signingKey.keyID)
        let recorded = try writer.write { db in try Self.recordCast(db, request, now: now) }
        return try recorded.receipt(signingKey: signingKey)
    }

    /// Records a batch of casts in one write transaction, each in its own savepoint: one
    /// refusal (a voter who already has a ballot …) leaves the others in the batch untouched.
    func recordCasts(_ requests: [CastRequest], now: Date) async throws -> [Result<RecordedCast, any Error>] {
        try await writer.write { db in
            requests.map { request in
                var outcome: Result<RecordedCast, any Error> = .failure(CommunityError.notAllowed("not recorded"))
                do {
                    try db.inSavepoint {
                        outcome = .success(try Self.recordCast(db, request, now: now))
                        return .commit
                    }
                } catch {
                    outcome = .failure(error)
                }
                return outcome
            }
        }
    }

    /// One cast inside the caller's transaction.
    static func recordCast(_ db: Database, _ request: CastRequest, now: Date) throws -> RecordedCast {
        let token = request.formToken.trimmingCharacters(in: .whitespaces)
        guard token.count >= 16, token.count <= 100 else { throw CommunityError.invalid(field: "formToken", reason: "missing form token") }
        // Cached statements throughout: this runs for every electronic ballot.
        guard let round = try PollingRound.fetchOne(db.cachedStatement(sql: "SELECT * FROM pollingRound WHERE id = ?"), arguments: [request.roundID]) else {
            throw CommunityError.notFound("round \(request.roundID)")
        }
        if let previous = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT ballotLog.seq, ballotLog.tracking, ballotLog.recordedAt FROM electronicCast
            JOIN ballotLog ON ballotLog.electionID = electronicCast.electionID AND ballotLog.seq = electronicCast.seq
            WHERE electronicCast.token = ? AND electronicCast.electionID = ?
            """), arguments: [token, round.electionID]) {
            return RecordedCast(election: round.electionID, round: round.number, seq: previous["seq"], tracking: previous["tracking"], at: previous["recordedAt"])
        }
        guard round.status == .open else { throw CommunityError.notAllowed("round \(round.number) is closed") }
        guard round.electronic, let box = try BallotBox.fetchOne(db.cachedStatement(sql: "SELECT * FROM ballotBox WHERE roundID = ? AND kind = 'electronic'"),
                                                                 arguments: [request.roundID]) else {
            throw CommunityError.notAllowed("this round has no electronic voting")
        }
        guard box.status == .open else { throw CommunityError.notAllowed("electronic voting in this round has ended") }
        guard let entry = try RollEntry.fetchOne(db.cachedStatement(sql: "SELECT * FROM rollEntry WHERE id = ?"), arguments: [request.rollEntryID]),
              entry.active, entry.electionID == round.electionID else {
            throw CommunityError.notAllowed("not on the roll")
        }
        let keyID = try String.fetchOne(db.cachedStatement(sql: "SELECT keyID FROM election WHERE id = ?"), arguments: [round.electionID])
        guard request.keyID == keyID else { throw CommunityError.notAllowed("wrong signing key for election \(round.electionID)") }
        try request.ballot.validate(against: try round.paper(), digest: round.paperDigest) { person in
            (try? Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND residentID = ? AND active"),
                               arguments: [round.electionID, person])) ?? 0 > 0
        }
        var checkIn = CheckIn(roundID: request.roundID, rollEntryID: request.rollEntryID, boxID: box.id!, method: .electronic, proxyID: nil,
                              assistedByID: nil, at: CivilDate.today(now: now).description, issuedBy: nil)
        try insertCheckIn(db, &checkIn, number: entry.number)
        let (seq, tracking, _) = try appendBallot(db, election: round.electionID, round: round, box: box, method: "electronic", ballot: request.ballot, at: now)
        try db.cachedStatement(sql: "INSERT INTO electronicCast (token, electionID, seq) VALUES (?, ?, ?)").execute(arguments: [token, round.electionID, seq])
        return RecordedCast(election: round.electionID, round: round.number, seq: seq, tracking: tracking, at: Timestamp.string(from: now))
    }

    /// The receipt of a logged ballot (Ed25519 is deterministic: the same statement gives the same signature).
    public static func ballotReceipt(election: Int64, round: Int, seq: Int, tracking: String, at: String, signingKey: Ed25519PrivateKey) throws -> SignedReceipt {
        try SignedReceipt.issue(ReceiptStatement(what: "ballot", subject: "election:\(election)", round: round, seq: seq, tracking: tracking,
                                                 at: at, key: signingKey.keyID), signingKey: signingKey)
    }
}
