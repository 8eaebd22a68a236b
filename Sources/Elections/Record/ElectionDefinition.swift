import Community
import Foundation
import GRDB
import Notary

/// The election definition (`definition.json`, format `xuanyi-election-definition/1`): what is
/// elected, how, and who may sign for the election committee — each member's own public key —
/// fixed and signed with the election key when polling opens. From then on only these keys
/// count: a countersignature or a count sheet's scrutineer signature by any other key is
/// refused, and `signaturesRequired` follows from the frozen rule set and this committee, never
/// from what a record says. Members may step down after polling opens; nobody is added.
public struct ElectionDefinition: Codable, Sendable, Equatable {
    public static let format = "xuanyi-election-definition/1"

    public struct Member: Codable, Sendable, Equatable {
        /// The member's committee id (as countersignatures and count-sheet signatures name it).
        public var member: Int64
        public var name: String
        /// `CommitteeRole` raw values: `scrutineer` signs count sheets.
        public var roles: [String]
        /// The member's own Ed25519 public key (SPKI PEM); nil for a member without a key when
        /// polling opened, who can sign nothing for this election.
        public var publicKey: String?
    }

    public var format: String
    public var election: Int64
    public var community: RecordElection.Community
    public var title: String
    public var method: String
    public var electionDay: String
    public var posts: [RecordElection.Seats]
    /// SHA-256 of the frozen rule set (`rules.json`).
    public var rulesDigest: String
    /// The election committee when polling opened.
    public var committee: [Member]
    /// Countersignatures that make the result final: `resultSignaturesRequired`, else more
    /// than half of `committee`.
    public var signaturesRequired: Int
    /// 1 for the first definition signed; a later one (the committee changed before polling)
    /// supersedes it.
    public var version: Int
    /// When it was signed, RFC 3339.
    public var at: String
    /// Key id of the election key that signs it.
    public var key: String

    /// The member entry signing with `publicKeyPEM`, if any.
    public func member(withKey publicKeyPEM: String) -> Member? { committee.first { $0.publicKey == publicKeyPEM } }
}

/// A stored, signed election definition.
public struct SignedElectionDefinition: Sendable {
    public var definition: ElectionDefinition
    /// The canonical JSON that was signed.
    public var bytes: Data
    /// Ed25519 signature by the election key over `bytes`.
    public var signature: Data
}

extension AppDatabase {
    /// The definition in force: the latest signed, or nil before polling opened.
    public func electionDefinition(electionID: Int64) throws -> SignedElectionDefinition? {
        try reader.read { db in try Self.electionDefinition(db, electionID: electionID) }
    }

    static func electionDefinition(_ db: Database, electionID: Int64) throws -> SignedElectionDefinition? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT definitionJSON, signature FROM electionDefinition WHERE electionID = ? ORDER BY version DESC LIMIT 1
            """, arguments: [electionID]) else { return nil }
        let bytes = Data((row["definitionJSON"] as String).utf8)
        return SignedElectionDefinition(definition: try JSONDecoder().decode(ElectionDefinition.self, from: bytes), bytes: bytes, signature: row["signature"])
    }

    /// Signs the election definition with the election key (inside the caller's transaction),
    /// unless the one in force already says the same: before polling, whenever the committee
    /// or its keys changed, a new version supersedes the last. Refused while fewer members than
    /// must countersign have their own key, or no scrutineer has one (naming who has none), and
    /// once polling has opened (the committee's keys are fixed then).
    @discardableResult
    static func signElectionDefinition(_ db: Database, election: Election, signingKey: Ed25519PrivateKey, now: Date, actor: Actor) throws -> SignedElectionDefinition {
        let electionID = election.id!
        guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("wrong signing key for election \(electionID)") }
        guard let rulesDigest = election.rulesDigest else { throw CommunityError.notAllowed("the rule set is not frozen yet (publish the roll)") }
        let committee = try KeyedCommittee.current(db, election: election)
        try committee.requireKeys(for: "opening polling")
        guard let community = try Community.fetchOne(db, key: election.communityID) else { throw CommunityError.notFound("community") }
        let rules = election.rules
        var definition = ElectionDefinition(
            format: ElectionDefinition.format, election: electionID,
            community: .init(code: community.code ?? "", name: community.name, streetOffice: community.streetOffice, district: community.district),
            title: election.title, method: election.method.rawValue, electionDay: election.electionDay.description,
            posts: rules.posts.map { .init(post: $0, seats: rules.seats(for: $0)) }, rulesDigest: rulesDigest,
            committee: committee.members.map { .init(member: $0.member, name: $0.name, roles: $0.roles.map(\.rawValue), publicKey: $0.publicKeyPEM) },
            signaturesRequired: committee.required, version: 1, at: Timestamp.string(from: now), key: signingKey.keyID)
        if let current = try electionDefinition(db, electionID: electionID) {
            var same = definition
            (same.version, same.at) = (current.definition.version, current.definition.at)
            if same == current.definition { return current }
            definition.version = current.definition.version + 1
        }
        if try PollingRound.filter(Column("electionID") == electionID).fetchCount(db) > 0 {
            throw CommunityError.notAllowed("polling has opened: the election definition and the committee's keys are fixed")
        }
        let bytes = try CanonicalJSON.encode(definition)
        let signature = try signingKey.sign(bytes)
        try db.execute(sql: "INSERT INTO electionDefinition (electionID, version, definitionJSON, signature, signedAt) VALUES (?, ?, ?, ?, ?)",
                       arguments: [electionID, definition.version, String(decoding: bytes, as: UTF8.self), signature, now])
        try AuditLog.append(db, actor: actor, action: "definition.sign", subject: "election:\(electionID)", details: [
            "version": String(definition.version), "definition": SHA256.hash(bytes).hex, "signaturesRequired": String(definition.signaturesRequired),
            "keys": committee.keyed.compactMap { try? Ed25519PublicKey(pem: $0.publicKeyPEM!).keyID }.joined(separator: ","),
        ])
        return SignedElectionDefinition(definition: definition, bytes: bytes, signature: signature)
    }

    /// Signs (or re-signs, when the committee changed) the election definition before polling.
    @discardableResult
    public func signElectionDefinition(electionID: Int64, signingKey: Ed25519PrivateKey, now: Date = AppClock.now(), actor: Actor) throws -> SignedElectionDefinition {
        try writer.write { db in
            try Self.signElectionDefinition(db, election: try Self.fetchElection(db, electionID), signingKey: signingKey, now: now, actor: actor)
        }
    }
}
