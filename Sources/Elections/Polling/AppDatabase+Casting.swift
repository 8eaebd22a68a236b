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

/// One voter's electronic ballot on its way to the sealed box.
struct CastRequest: Sendable {
    let roundID: Int64
    let rollEntryID: Int64
    /// The ballot, sealed to the round's box key before the write transaction.
    let sealed: SealedCast
    let formToken: String
    let keyID: String
    /// The voter's session, ended in the same transaction as the cast: no row is left that
    /// holds the voter's login time beside the ballot's.
    var sessionToken: String? = nil
}

/// A cast as committed: what its receipt states.
struct RecordedCast: Sendable {
    let election: Int64
    let round: Int
    let tracking: String
    let at: String

    func receipt(signingKey: Ed25519PrivateKey) throws -> CastBallot {
        CastBallot(tracking: tracking,
                   receipt: try AppDatabase.ballotReceipt(election: election, round: round, tracking: tracking, at: at, signingKey: signingKey))
    }
}

/// An electronic ballot as sealed in its box: its receipt code and the receipt shown to the
/// voter. It has no place in the log yet: the box is opened, and its ballots enter the log in a
/// random order, only after polling.
public struct CastBallot: Sendable, Equatable {
    /// The receipt code: SHA-256 of the sealed ballot's canonical content (`SealedBallot`).
    public var tracking: String
    public var receipt: SignedReceipt
}

extension AppDatabase {
    /// How long a voter's session lasts.
    public static let voterSessionLifetime: TimeInterval = 30 * 60

    /// Logs a voter in with roll number and access code; returns the session token (to be
    /// kept in a cookie) or nil when the number or code is wrong.
    public func startVoterSession(electionID: Int64, number: Int, code: String, now: Date = AppClock.now()) throws -> String? {
        guard try verifyAccessCode(electionID: electionID, number: number, code: code) else { return nil }
        let token = try SecureRandom.token()
        try writer.write { db in
            guard let entry = try Self.activeEntry(db, electionID, number: number) else { throw CommunityError.notFound("roll number \(number)") }
            try db.execute(sql: "DELETE FROM voterSession WHERE expiresAt < ?", arguments: [now])
            // The expiry is rounded up to the next quarter hour: the row does not record the login time to the second.
            let expires = (now.addingTimeInterval(Self.voterSessionLifetime).timeIntervalSince1970 / 900).rounded(.up) * 900
            try db.execute(sql: "INSERT INTO voterSession (tokenHash, electionID, rollEntryID, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [SHA256.hash(Data(token.utf8)).hex, electionID, entry.id, Date(timeIntervalSince1970: expires)])
        }
        return token
    }

    /// The voter session of a token, if it is valid.
    public func voterSession(token: String, now: Date = AppClock.now()) throws -> VoterSession? {
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
    public func castingState(electionID: Int64, token: String, now: Date = AppClock.now()) throws -> (voter: VoterSession, round: PollingRound?)? {
        try reader.read { db in
            guard let voter = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT voterSession.electionID, voterSession.rollEntryID, rollEntry.number, resident.name FROM voterSession
                JOIN rollEntry ON rollEntry.id = voterSession.rollEntryID JOIN resident ON resident.id = rollEntry.residentID
                WHERE voterSession.tokenHash = ? AND voterSession.expiresAt >= ? AND rollEntry.active AND voterSession.electionID = ?
                """), arguments: [SHA256.hash(Data(token.utf8)).hex, now, electionID]).map({
                VoterSession(electionID: $0["electionID"], rollEntryID: $0["rollEntryID"], number: $0["number"], name: $0["name"])
            }) else { return nil }
            let rounds = try PollingRound.fetchAll(db.cachedStatement(sql: """
                SELECT pollingRound.* FROM pollingRound JOIN ballotBox ON ballotBox.roundID = pollingRound.id AND ballotBox.kind = 'electronic'
                WHERE pollingRound.electionID = ? AND pollingRound.status = 'open' AND pollingRound.electronic AND ballotBox.status = 'open'
                ORDER BY pollingRound.number
                """), arguments: [electionID])
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

    /// Casts an electronic ballot: the ballot is sealed to the round's box key (nobody reads it
    /// before the committee opens the box after polling), then in one transaction the voter is
    /// marked as having received a ballot in the round (so no paper ballot can follow) and the
    /// sealed ballot goes into the box; the check-in keeps only the date, and nothing ties the
    /// rows together. The receipt is made after the commit (SQLite `synchronous = FULL`: durable
    /// when `write` returns). A retry with the same `formToken` returns the first cast's receipt
    /// instead of a second ballot. (`BallotCaster` does the same for many concurrent voters with
    /// one commit per batch.)
    public func castElectronicBallot(roundID: Int64, rollEntryID: Int64, ballot: MarkedBallot, formToken: String,
                                     signingKey: Ed25519PrivateKey, sessionToken: String? = nil, now: Date = AppClock.now()) throws -> CastBallot {
        let request = CastRequest(roundID: roundID, rollEntryID: rollEntryID, sealed: try sealForCasting(ballot, roundID: roundID),
                                  formToken: formToken, keyID: signingKey.keyID, sessionToken: sessionToken)
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

    /// Seals a ballot for a round's electronic box (outside any write transaction).
    func sealForCasting(_ ballot: MarkedBallot, roundID: Int64) throws -> SealedCast {
        guard let round = try reader.read({ db in
            try PollingRound.fetchOne(db.cachedStatement(sql: "SELECT * FROM pollingRound WHERE id = ?"), arguments: [roundID])
        }) else { throw CommunityError.notFound("round \(roundID)") }
        return try Self.sealBallot(ballot, round: round)
    }

    /// One cast inside the caller's transaction.
    static func recordCast(_ db: Database, _ request: CastRequest, now: Date) throws -> RecordedCast {
        let token = request.formToken.trimmingCharacters(in: .whitespaces)
        guard Self.isFormToken(token) else { throw CommunityError.invalid(field: "formToken", reason: "missing or malformed form token; review your ballot again") }
        // Cached statements throughout: this runs for every electronic ballot.
        guard let round = try PollingRound.fetchOne(db.cachedStatement(sql: "SELECT * FROM pollingRound WHERE id = ?"), arguments: [request.roundID]) else {
            throw CommunityError.notFound("round \(request.roundID)")
        }
        if let previous = try Self.previousCast(db, electionID: round.electionID, token: token) { return previous }
        guard let boxKey = round.boxPublicKey else { throw CommunityError.notAllowed("this round has no sealed electronic box") }
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
        guard request.sealed.boxPublicKey == boxKey, request.sealed.content.round == round.number, request.sealed.content.election == round.electionID,
              request.sealed.content.box == box.number else {
            throw CommunityError.notAllowed("the ballot was sealed for another box; review your ballot again")
        }
        let ballot = request.sealed.content.ballot
        try ballot.validate(against: try round.paper(), digest: round.paperDigest) { person in
            (try? Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND residentID = ? AND active"),
                               arguments: [round.electionID, person])) ?? 0 > 0
        }
        var checkIn = CheckIn(roundID: request.roundID, rollEntryID: request.rollEntryID, boxID: box.id!, method: .electronic, proxyID: nil,
                              assistedByID: nil, at: CivilDate.today(now: now).description, issuedBy: nil)
        try insertCheckIn(db, &checkIn, number: entry.number)
        try db.cachedStatement(sql: "INSERT INTO sealedBallot (id, boxID, sealed) VALUES (?, ?, ?)")
            .execute(arguments: [try SecureRandom.bytes(16), box.id, request.sealed.sealed])
        let code = Hex.decode(request.sealed.receiptCode)!
        try db.cachedStatement(sql: "INSERT INTO castReceipt (tokenHash, electionID, round, sealedCode) VALUES (?, ?, ?, ?)")
            .execute(arguments: [SHA256.hash(Data(token.utf8)).hex, round.electionID, round.number,
                                 try SecretBox.seal(code, secret: Data(token.utf8), context: Self.castReceiptContext(election: round.electionID))])
        if let session = request.sessionToken {
            try db.cachedStatement(sql: "DELETE FROM voterSession WHERE tokenHash = ?").execute(arguments: [SHA256.hash(Data(session.utf8)).hex])
        }
        return RecordedCast(election: round.electionID, round: round.number, tracking: request.sealed.receiptCode, at: Timestamp.string(from: round.openedAt))
    }

    /// A form token as the review page issues it: 32 base64url characters (24 random bytes),
    /// so nobody can guess another voter's and fetch their receipt with it.
    public static func isFormToken(_ token: String) -> Bool {
        token.utf8.count == 32 && token.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    /// A new form token for the confirmation page.
    public static func newFormToken() throws -> String { try SecureRandom.token(byteCount: 24) }

    /// What a cast's receipt code is sealed under the form token for.
    static func castReceiptContext(election: Int64) -> String { "cast receipt election \(election)" }

    /// The cast made with this form token: its receipt code is sealed under the token, which
    /// only the voter's browser holds; the row is found by the token's SHA-256.
    static func previousCast(_ db: Database, electionID: Int64, token: String) throws -> RecordedCast? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT castReceipt.round, castReceipt.sealedCode, pollingRound.openedAt FROM castReceipt
            JOIN pollingRound ON pollingRound.electionID = castReceipt.electionID AND pollingRound.number = castReceipt.round
            WHERE castReceipt.tokenHash = ? AND castReceipt.electionID = ?
            """), arguments: [SHA256.hash(Data(token.utf8)).hex, electionID]) else { return nil }
        guard let code = SecretBox.open(row["sealedCode"], secret: Data(token.utf8), context: castReceiptContext(election: electionID)), code.count == 32 else {
            throw CommunityError.notAllowed("the receipt of this cast cannot be opened")
        }
        return RecordedCast(election: electionID, round: row["round"], tracking: Hex.encode(code), at: Timestamp.string(from: row["openedAt"] as Date))
    }

    /// The receipt of an electronic ballot already cast with this form token (a retried
    /// submission whose answer was lost), or nil. The voter's session ended with the cast, so
    /// the form token — random, known only to the voter's browser — is what finds it.
    public func previousCast(electionID: Int64, formToken: String, signingKey: Ed25519PrivateKey) throws -> CastBallot? {
        guard Self.isFormToken(formToken) else { return nil }
        return try reader.read { db in try Self.previousCast(db, electionID: electionID, token: formToken) }?.receipt(signingKey: signingKey)
    }

    /// The receipt of an electronic ballot: its receipt code (`SealedBallot.receiptCode`), its
    /// round and the round's opening time, signed with the election key — no place in the log,
    /// which is drawn only when the box is opened. Ed25519 is deterministic: the same statement
    /// gives the same signature, so a retried cast gets the very same receipt.
    public static func ballotReceipt(election: Int64, round: Int, tracking: String, at: String, signingKey: Ed25519PrivateKey) throws -> SignedReceipt {
        try SignedReceipt.issue(ReceiptStatement(what: "ballot", subject: "election:\(election)", round: round, seq: nil, tracking: tracking,
                                                 at: at, key: signingKey.keyID), signingKey: signingKey)
    }
}
