import Community
import Foundation
import GRDB
import Notary

/// A committee member who came to open a sealed box: their account's username and password
/// (which opens their own key, and with it their share of the round's box key).
public struct BoxOpener: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// A member's password did not open their key: named, so that the others need not type theirs
/// again, and so that guessing can be throttled per account.
public enum BoxOpeningError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongPassword(username: String, name: String)

    public var description: String {
        switch self {
        case .wrongPassword(_, let name): return "password: the password of \(name) is wrong"
        }
    }
}

/// What opening a sealed box did.
public struct OpenedBox: Sendable {
    /// Ballots that entered the log (in a random order).
    public var ballots: Int
    /// The members whose shares opened it, by name.
    public var openers: [String]
    public var sheet: CountSheet
    public var receipt: SignedReceipt
}

/// The digital twin of a sealed paper box with several locks (docs/decisions.md, "the sealed
/// electronic box"). When a round with electronic voting opens, a fresh X25519 key is made for
/// its box; its private half is split k of n (Shamir) among the election committee members who
/// have keys, each share sealed to the member's own box key, and then forgotten: the server keeps
/// only the public half. Every electronic ballot is sealed to it when cast. After polling, k
/// members open the box together at the public count: their shares give the key back, every
/// ballot is opened, the ballots enter the public log in a random order, and the shares are
/// deleted — the key is gone for good.
extension AppDatabase {
    /// The associated data a round's ballots are sealed with (a ballot of one round or box does
    /// not open as another's).
    static func ballotContext(election: Int64, round: Int, box: Int) -> String { "xuanyi ballot/1 election \(election) round \(round) box \(box)" }

    /// The associated data of a member's share.
    static func shareContext(election: Int64, round: Int) -> String { "xuanyi box key share/1 election \(election) round \(round)" }

    /// Makes the round's box key and seals one share to each active committee member with a box
    /// key (inside the caller's transaction). Refused, naming them, while fewer members than the
    /// threshold have keys: a box nobody could open must not take ballots.
    static func makeBoxKey(_ db: Database, election: Election, round: inout PollingRound) throws {
        // The one rule for members' keys (`KeyedCommittee.requireKeys`), then their box keys.
        let committee = try KeyedCommittee.current(db, election: election)
        try committee.requireKeys(for: "electronic voting (a sealed box that members of the election committee open together)")
        let threshold = committee.required
        let holders = committee.keyed.compactMap { member -> (Int64, X25519PublicKey)? in
            guard let hex = member.boxPublicKey, let key = try? X25519PublicKey(hex: hex) else { return nil }
            return (member.accountID, key)
        }
        guard holders.count >= threshold else {
            let missing = committee.keyed.filter { $0.boxPublicKey == nil }.map(\.username)
            throw CommunityError.notAllowed("electronic voting needs a sealed box that \(threshold) members of the election committee open together, "
                + "but only \(holders.count) have a box key (made when they next sign in: \(missing.joined(separator: ", ")))")
        }
        let key = try X25519PrivateKey.generate()
        let shares = try SecretSharing.split(key.secret, threshold: threshold, count: holders.count)
        round.boxPublicKey = key.publicKey.hex
        round.boxThreshold = threshold
        try round.update(db)
        let context = shareContext(election: election.id!, round: round.number)
        for ((accountID, memberKey), share) in zip(holders, shares) {
            try db.execute(sql: "INSERT INTO boxKeyShare (roundID, accountID, memberBoxKey, sealedShare) VALUES (?, ?, ?, ?)",
                           arguments: [round.id, accountID, memberKey.hex, try SealedBox.seal(share.bytes, to: memberKey, context: context)])
        }
    }

    /// Seals a voter's ballot for `round`'s electronic box (before the write transaction: the
    /// sealing runs on the voter's own task, in parallel with other casts).
    static func sealBallot(_ ballot: MarkedBallot, round: PollingRound) throws -> SealedCast {
        guard let hex = round.boxPublicKey else { throw CommunityError.notAllowed("round \(round.number) has no sealed electronic box") }
        let content = try SealedBallot(election: round.electionID, round: round.number, box: 0, ballot: ballot.normalized())
        let bytes = try content.canonicalBytes()
        let sealed = try BallotSealers.shared.sealer(for: hex).seal(bytes, context: ballotContext(election: round.electionID, round: round.number, box: 0))
        return SealedCast(content: content, boxPublicKey: hex, receiptCode: SHA256.hash(bytes).hex, sealed: sealed)
    }

    /// Electronic ballots sealed in a box and not yet opened.
    public func sealedBallotCount(boxID: Int64) throws -> Int {
        try reader.read { db in try Self.sealedBallotCount(db, boxID: boxID) }
    }

    static func sealedBallotCount(_ db: Database, boxID: Int64) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sealedBallot WHERE boxID = ?", arguments: [boxID]) ?? 0
    }

    /// Whether any electronic box of the election still holds sealed ballots (a receipt code is
    /// not in the log until its box is opened).
    public func hasSealedBallots(electionID: Int64) throws -> Bool {
        try reader.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM sealedBallot JOIN ballotBox ON ballotBox.id = sealedBallot.boxID
                JOIN pollingRound ON pollingRound.id = ballotBox.roundID WHERE pollingRound.electionID = ?)
                """, arguments: [electionID]) ?? false
        }
    }

    /// The committee members holding a share of a round's box key, by account id.
    public func boxKeyHolders(roundID: Int64) throws -> [Int64] {
        try reader.read { db in try Int64.fetchAll(db, sql: "SELECT accountID FROM boxKeyShare WHERE roundID = ? ORDER BY accountID", arguments: [roundID]) }
    }

    /// Opens a round's sealed electronic box at the public count: at least the round's threshold
    /// of election committee members each give their own password, which opens their share; the
    /// shares give the box key back. Every sealed ballot is opened and checked, the ballots enter
    /// the public log in a random order (nothing of the order they were cast in survives), the
    /// shares and sealed ballots are deleted (the key cannot be made again), and the box is
    /// closed with its signed count sheet. Casting in the box ends with it.
    ///
    /// Refused when a password is wrong (the member is named), when fewer members than the
    /// threshold came, when the shares do not give the round's key, or when the sealed ballots
    /// are not exactly the electronic ballots issued (check-ins) — a stuffed box is not opened.
    @discardableResult
    public func openSealedBox(boxID: Int64, electionID: Int64, openers: [BoxOpener], signingKey: Ed25519PrivateKey,
                              now: Date = AppClock.now(), actor: Actor) throws -> OpenedBox {
        let (box, round) = try box(id: boxID, electionID: electionID)
        guard box.kind == .electronic else { throw CommunityError.invalid(field: "box", reason: "only the electronic box is sealed") }
        guard box.status != .closed else { throw CommunityError.notAllowed("box \(box.name) is already open and closed") }
        guard let publicHex = round.boxPublicKey, let threshold = round.boxThreshold else {
            throw CommunityError.notAllowed("round \(round.number) has no sealed box")
        }
        // Each member's password opens their own key and their share (scrypt: outside the write).
        var shares: [SecretSharing.Share] = []
        var names: [String] = []
        var seen: Set<Int64> = []
        let context = Self.shareContext(election: electionID, round: round.number)
        for opener in openers {
            let username = opener.username.trimmingCharacters(in: .whitespaces)
            let (accountID, sealed, name) = try reader.read { db -> (Int64, Data?, String) in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT electionCommitteeMember.accountID, resident.name FROM electionCommitteeMember
                    JOIN resident ON resident.id = electionCommitteeMember.residentID JOIN account ON account.id = electionCommitteeMember.accountID
                    WHERE electionCommitteeMember.electionID = ? AND account.username = ? AND electionCommitteeMember.active
                    """, arguments: [electionID, username]) else {
                    throw CommunityError.invalid(field: "username", reason: "\(username.isEmpty ? "(empty)" : username) is not an active member of the election committee")
                }
                let accountID: Int64 = row["accountID"]
                return (accountID, try Data.fetchOne(db, sql: "SELECT sealedShare FROM boxKeyShare WHERE roundID = ? AND accountID = ?", arguments: [round.id, accountID]),
                        row["name"])
            }
            guard seen.insert(accountID).inserted else { throw CommunityError.invalid(field: "username", reason: "\(name) is named twice: one share each") }
            guard let sealed else { throw CommunityError.notAllowed("\(name) holds no share of round \(round.number)'s box key") }
            let memberKey: X25519PrivateKey
            do { memberKey = try unlockBoxKey(accountID: accountID, password: opener.password) } catch CommunityError.authenticationFailed {
                throw BoxOpeningError.wrongPassword(username: username, name: name)
            }
            guard let bytes = SealedBox.open(sealed, with: memberKey, context: context), let share = SecretSharing.Share(bytes: bytes) else {
                throw CommunityError.notAllowed("the share held for \(name) does not open with their key (was their key reset after the round opened?)")
            }
            shares.append(share)
            names.append(name)
        }
        guard shares.count >= threshold else {
            throw CommunityError.notAllowed("\(threshold) members of the election committee open the box together; \(shares.count) came")
        }
        let key = try X25519PrivateKey(rawRepresentation: try SecretSharing.combine(shares))
        guard key.publicKey.hex == publicHex else { throw CommunityError.notAllowed("the shares do not give this box's key: the box stays sealed") }

        return try writer.write { db in
            let current = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            var box = current.box
            let round = current.round
            let election = try Self.fetchElection(db, electionID)
            guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("wrong signing key for election \(electionID)") }
            guard box.status != .closed else { throw CommunityError.notAllowed("box \(box.name) is already open and closed") }
            let sealed = try Data.fetchAll(db, sql: "SELECT sealed FROM sealedBallot WHERE boxID = ?", arguments: [boxID])
            let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ? AND boxID = ?", arguments: [round.id, boxID]) ?? 0
            guard sealed.count == issued else {
                throw CommunityError.notAllowed("the sealed box holds \(sealed.count) ballots but \(issued) electronic ballots were issued: it is not opened; the election committee investigates")
            }
            var opener = SealedBox.Opener(key: key)
            let ballotContext = Self.ballotContext(election: electionID, round: round.number, box: box.number)
            let paper = try round.paper()
            var contents: [SealedBallot] = []
            contents.reserveCapacity(sealed.count)
            for (index, item) in sealed.enumerated() {
                guard let bytes = opener.open(item, context: ballotContext),
                      let content = try? JSONDecoder().decode(SealedBallot.self, from: bytes),
                      (try? content.canonicalBytes()) == bytes,
                      content.election == electionID, content.round == round.number, content.box == box.number, content.method == "electronic",
                      SealedBallot.isNonce(content.nonce) else {
                    throw CommunityError.notAllowed("sealed ballot \(index + 1) does not open as a ballot of this box: the box stays sealed")
                }
                try content.ballot.validate(against: paper, digest: round.paperDigest) { person in
                    (try? Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND residentID = ? AND active",
                                       arguments: [electionID, person])) ?? 0 > 0
                }
                contents.append(content)
            }
            // A random order (Fisher–Yates with OpenSSL's random numbers).
            if contents.count > 1 {
                for i in stride(from: contents.count - 1, to: 0, by: -1) {
                    contents.swapAt(i, Int(try SecureRandom.uniform(UInt32(i + 1))))
                }
            }
            for content in contents { _ = try Self.appendBallot(db, election: electionID, round: round, box: box, sealed: content) }
            try db.execute(sql: "DELETE FROM sealedBallot WHERE boxID = ?", arguments: [boxID])
            try db.execute(sql: "DELETE FROM boxKeyShare WHERE roundID = ?", arguments: [round.id])
            try AuditLog.append(db, actor: actor, action: "box.open", subject: "election:\(electionID)", details: [
                "round": String(round.number), "box": String(box.number), "ballots": String(contents.count),
                "openedBy": names.joined(separator: "、"), "threshold": String(threshold),
            ])
            box.handCount = contents.count
            let (sheet, receipt) = try Self.signCountSheet(db, box: &box, round: round, handCount: contents.count, issued: issued,
                                                           signingKey: signingKey, now: now, actor: actor)
            return OpenedBox(ballots: contents.count, openers: names, sheet: sheet, receipt: receipt)
        }
    }
}

/// An electronic ballot sealed for its box, ready to be recorded.
struct SealedCast: Sendable {
    let content: SealedBallot
    /// The box key it was sealed to (checked against the round's inside the transaction).
    let boxPublicKey: String
    let receiptCode: String
    let sealed: Data
}

/// One `SealedBox` per round key in memory, replaced after 1,000 ballots or a minute: one key
/// agreement serves many ballots (each with its own nonce), and no ephemeral key outlives a
/// minute of casting. Nothing here is ever written to disk.
final class BallotSealers: @unchecked Sendable {
    static let shared = BallotSealers()
    private let lock = NSLock()
    private var sealers: [String: (box: SealedBox, uses: Int, made: Date)] = [:]

    func sealer(for publicKeyHex: String) throws -> SealedBox {
        let now = Date()
        if let current = lock.withLock({ () -> SealedBox? in
            guard let entry = sealers[publicKeyHex], entry.uses < 1_000, now.timeIntervalSince(entry.made) < 60 else { return nil }
            sealers[publicKeyHex]!.uses += 1
            return entry.box
        }) { return current }
        let fresh = try SealedBox(to: try X25519PublicKey(hex: publicKeyHex))
        lock.withLock {
            if sealers.count > 64 { sealers.removeAll() }
            sealers[publicKeyHex] = (fresh, 1, now)
        }
        return fresh
    }
}
