import Community
import Foundation
import Notary

/// Casts electronic ballots with group commit: casts that arrive while a write is in progress
/// wait and are then written together in one transaction — one durable commit (one fsync) for
/// the whole batch instead of one per voter — each in its own savepoint, so a refused cast
/// does not affect the others. A receipt is signed only after its batch has committed.
public actor BallotCaster {
    private let database: AppDatabase
    private var pending: [(CastRequest, CheckedContinuation<RecordedCast, any Error>)] = []
    private var writing = false
    /// Casts per transaction at most (bounds the time a batch holds the write lock).
    public let maxBatch: Int
    /// Transactions written so far (fewer than casts when casts arrive together).
    public private(set) var batches = 0

    public init(database: AppDatabase, maxBatch: Int = 256) {
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Casts a voter's ballot in `roundID`; the same rules and answer as
    /// `AppDatabase.castElectronicBallot`.
    /// The ballot is sealed to the round's box key on the caller's task (in parallel with other
    /// casts), before it joins a batch.
    public nonisolated func cast(roundID: Int64, rollEntryID: Int64, ballot: MarkedBallot, formToken: String,
                                 signingKey: Ed25519PrivateKey, sessionToken: String? = nil) async throws -> CastBallot {
        let request = CastRequest(roundID: roundID, rollEntryID: rollEntryID, sealed: try database.sealForCasting(ballot, roundID: roundID),
                                  formToken: formToken, keyID: signingKey.keyID, sessionToken: sessionToken)
        return try await enqueue(request).receipt(signingKey: signingKey)
    }

    /// The same, for a round the caller has already read (the voting pages have it from
    /// `castingState`): no read before the sealing. The round's box key is checked again inside
    /// the write transaction.
    public nonisolated func cast(round: PollingRound, rollEntryID: Int64, ballot: MarkedBallot, formToken: String,
                                 signingKey: Ed25519PrivateKey, sessionToken: String? = nil) async throws -> CastBallot {
        let request = CastRequest(roundID: round.id!, rollEntryID: rollEntryID, sealed: try AppDatabase.sealBallot(ballot, round: round),
                                  formToken: formToken, keyID: signingKey.keyID, sessionToken: sessionToken)
        return try await enqueue(request).receipt(signingKey: signingKey)
    }

    private func enqueue(_ request: CastRequest) async throws -> RecordedCast {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((request, continuation))
            if !writing {
                writing = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            batches += 1
            do {
                let results = try await database.recordCasts(batch.map(\.0), now: AppClock.now())
                for ((_, continuation), result) in zip(batch, results) { continuation.resume(with: result) }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}
