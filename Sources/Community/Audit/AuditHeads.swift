import Foundation
import GRDB
import Notary

/// What a published audit head states: the audit log had `entries` entries ending in `head` at
/// time `at`, signed by the community key. A head is published every day the log changed and
/// after each public step (`SchemaModule.publicStepActions`), printed or posted outside the
/// server; a log later truncated or re-chained contradicts it (`AppDatabase.verifyAudit`).
///
/// Its canonical JSON is the signed message, so `openssl pkeyutl -verify -rawin` checks it
/// with the community's public key (docs/decisions.md, "Published audit heads").
public struct AuditHeadStatement: Codable, Sendable, Equatable {
    /// `xuanyi-audit-head/1`.
    public static let format = "xuanyi-audit-head/1"
    public var format: String
    /// The community's code.
    public var community: String
    /// Sequence number of the head entry (the number of entries in an intact log).
    public var entries: Int64
    /// Hash of that entry: the chain head.
    public var head: String
    /// RFC 3339 UTC time of publication.
    public var at: String
    /// Why now: `daily`, `step:<action>` (the first public step since the last head), or `manual`.
    public var reason: String
    /// Key id of the community key that signs it.
    public var key: String
}

/// A published audit head as stored (table `auditHead`, append-only) and served by
/// `/api/v1/audit/heads`: the statement's exact signed bytes and the signature.
public struct PublishedAuditHead: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auditHead"
    /// Publication number, 1, 2, 3 … in order.
    public var number: Int64
    /// The statement's canonical JSON: the signed message.
    public var statement: String
    /// Base64 of the 64-byte Ed25519 signature.
    public var signature: String

    /// The decoded statement.
    public func decoded() throws -> AuditHeadStatement {
        try JSONDecoder().decode(AuditHeadStatement.self, from: Data(statement.utf8))
    }

    /// Whether the signature is the given key's over the statement's exact bytes.
    public func isSigned(by key: Ed25519PublicKey) -> Bool {
        guard let signature = Base64.decode(signature) else { return false }
        return key.isValidSignature(signature, for: Data(statement.utf8))
    }
}

/// Every published head with the key that signs them: what `/api/v1/audit/heads` serves and
/// `xuanyi audit heads --json` prints; `xuanyi verify --audit --heads FILE` reads it back.
public struct AuditHeadsDocument: Codable, Sendable, Equatable {
    public struct Head: Codable, Sendable, Equatable {
        public var number: Int64
        /// The statement's canonical JSON: the exact signed bytes.
        public var statement: String
        /// Base64 Ed25519 signature by the community key.
        public var signature: String
        public var entries: Int64
        public var head: String
        public var at: String
        public var reason: String

        /// The stored form, for verification.
        public var published: PublishedAuditHead { PublishedAuditHead(number: number, statement: statement, signature: signature) }
    }
    public var community: String
    /// The community's public key (SPKI PEM) that signs the heads.
    public var communityKey: String
    /// SHA-256 of the raw public key, hex: compare with the fingerprint posted on the board.
    public var communityKeyFingerprint: String
    public var heads: [Head]

    /// Reads a saved document, naming what is wrong.
    public static func read(_ data: Data, file: String) throws -> AuditHeadsDocument {
        do { return try JSONDecoder().decode(AuditHeadsDocument.self, from: data) } catch {
            throw CommunityError.invalid(field: file, reason: "not a saved /api/v1/audit/heads document (\(error))")
        }
    }
}

/// When a head is due: one rule, used by the server's maintenance loop and `xuanyi audit publish-head`.
public enum AuditHeadSchedule {
    /// The reason a new head is due, or nil when the last published head still covers the log
    /// or it was published today (China time) and no public step came after it.
    ///
    /// - `step:<action>`: an entry after the last published head is a public step (an election
    ///   announced, the roll or candidate list published, a box closed, a result certified …);
    /// - `daily`: the log grew since the last head and no head was published today.
    public static func reason(_ db: Database, publicSteps: Set<String>, now: Date) throws -> String? {
        let last = try PublishedAuditHead.order(Column("number").desc).fetchOne(db).map { try $0.decoded() }
        let covered = last?.entries ?? 0
        guard let newest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM auditEntry"), newest > covered else { return nil }
        if !publicSteps.isEmpty {
            let actions = try String.fetchAll(db, sql: "SELECT DISTINCT action FROM auditEntry WHERE seq > ?", arguments: [covered])
            if let step = actions.first(where: publicSteps.contains) { return "step:\(step)" }
        }
        if let last, let at = Timestamp.date(from: last.at), CivilDate.today(now: at) == CivilDate.today(now: now) { return nil }
        return "daily"
    }
}

extension AppDatabase {
    /// Signs and stores the audit log's current head with the community key, whatever the
    /// schedule (`reason` says why). The key must be the community's registered key.
    @discardableResult
    public func publishAuditHead(reason: String, signingKey: Ed25519PrivateKey, now: Date = AppClock.now()) throws -> PublishedAuditHead {
        try writer.write { db in try Self.publishAuditHead(db, reason: reason, signingKey: signingKey, now: now) }
    }

    /// Publishes a head when `AuditHeadSchedule` says one is due; nil when none is.
    @discardableResult
    public func publishAuditHeadIfDue(publicSteps: Set<String>, signingKey: Ed25519PrivateKey, now: Date = AppClock.now()) throws -> PublishedAuditHead? {
        try writer.write { db in
            guard let reason = try AuditHeadSchedule.reason(db, publicSteps: publicSteps, now: now) else { return nil }
            return try Self.publishAuditHead(db, reason: reason, signingKey: signingKey, now: now)
        }
    }

    static func publishAuditHead(_ db: Database, reason: String, signingKey: Ed25519PrivateKey, now: Date) throws -> PublishedAuditHead {
        guard let community = try Row.fetchOne(db, sql: "SELECT id, code FROM community ORDER BY id LIMIT 1") else {
            throw CommunityError.notFound("the community")
        }
        try requireCommunityKey(db, communityID: community["id"], signingKey: signingKey)
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM auditEntry ORDER BY seq DESC LIMIT 1")
        let statement = AuditHeadStatement(format: AuditHeadStatement.format, community: community["code"] ?? "",
                                           entries: last?["seq"] ?? 0, head: last?["hash"] ?? SHA256Digest.zero.hex,
                                           at: Timestamp.string(from: now), reason: reason, key: signingKey.keyID)
        let bytes = try CanonicalJSON.encode(statement)
        let number = (try Int64.fetchOne(db, sql: "SELECT max(number) FROM auditHead") ?? 0) + 1
        let published = PublishedAuditHead(number: number, statement: String(decoding: bytes, as: UTF8.self),
                                           signature: Base64.encode(try signingKey.sign(bytes)))
        try published.insert(db)
        return published
    }

    /// Publishes a head when one is due, signing with the community key from `keyStore` (what
    /// `xuanyi serve` does every 30 seconds); nil when none is due.
    @discardableResult
    public func publishAuditHeadIfDue(publicSteps: Set<String>, keyStore: KeyStore, passphrase: String?, now: Date = AppClock.now()) throws -> PublishedAuditHead? {
        let due = try reader.read { db in try AuditHeadSchedule.reason(db, publicSteps: publicSteps, now: now) }
        guard due != nil else { return nil }
        return try publishAuditHeadIfDue(publicSteps: publicSteps, signingKey: try communitySigningKey(keyStore: keyStore, passphrase: passphrase), now: now)
    }

    /// The served community's newest signing key, loaded from the key store.
    public func communitySigningKey(keyStore: KeyStore, passphrase: String?) throws -> Ed25519PrivateKey {
        guard let communityID = try reader.read({ db in try Int64.fetchOne(db, sql: "SELECT id FROM community ORDER BY id LIMIT 1") }) else {
            throw CommunityError.notFound("the community")
        }
        return try keyStore.load(keyID: try communityKeyID(communityID: communityID), passphrase: passphrase)
    }

    /// Every published head, oldest first.
    public func publishedAuditHeads() throws -> [PublishedAuditHead] {
        try reader.read { db in try PublishedAuditHead.order(Column("number")).fetchAll(db) }
    }

    /// Every published head with the community key, as published.
    public func auditHeadsDocument() throws -> AuditHeadsDocument {
        try reader.read { db in
            let community = try Row.fetchOne(db, sql: "SELECT id, code FROM community ORDER BY id LIMIT 1")
            let pem = try String.fetchOne(db, sql: "SELECT publicKeyPEM FROM signingKey WHERE purpose = 'community' ORDER BY createdAt DESC LIMIT 1")
            let key = pem.flatMap { try? Ed25519PublicKey(pem: $0) }
            let heads = try PublishedAuditHead.order(Column("number")).fetchAll(db).map { published in
                let statement = try published.decoded()
                return AuditHeadsDocument.Head(number: published.number, statement: published.statement, signature: published.signature,
                                               entries: statement.entries, head: statement.head, at: statement.at, reason: statement.reason)
            }
            return AuditHeadsDocument(community: community?["code"] ?? "", communityKey: pem ?? "",
                                      communityKeyFingerprint: key.map { SHA256.hash($0.rawRepresentation).hex } ?? "", heads: heads)
        }
    }
}

/// The published heads one verification checks the log against, gathered from the database
/// and from an outside copy; heads whose signature is not the community key's are reported and
/// not used.
struct AuditHeadCheck {
    struct Expected { let head: String; let source: String; let at: String }
    /// The head each covered sequence number must have.
    var expected: [Int64: Expected] = [:]
    /// Signed heads taken into account.
    var count = 0
    var unsigned: [AuditProblem] = []

    /// Why a published head no longer matches, when a restore explains it: the first
    /// `database.restore` entry recorded after the head was published put an earlier backup in
    /// place, so the entries the head covered were forgotten by that restore — still a loss the
    /// head's readers were not told of, so still a problem, but named for what it is.
    static func restoreNote(for published: Expected, restores: [(seq: Int64, at: String)]) -> String {
        guard let restore = restores.first(where: { $0.at > published.at }) else { return "" }
        return "; entry \(restore.seq) records a restore from a backup at \(restore.at), after this head was published: the entries it covered were forgotten by that restore"
    }

    init(_ db: Database, outsideHeads: [PublishedAuditHead]) throws {
        let community = try String.fetchOne(db, sql: "SELECT code FROM community ORDER BY id LIMIT 1")
        let keys = try String.fetchAll(db, sql: "SELECT publicKeyPEM FROM signingKey WHERE purpose = 'community'")
            .compactMap { try? Ed25519PublicKey(pem: $0) }
        let own = try PublishedAuditHead.order(Column("number")).fetchAll(db).map { ($0, "no. \($0.number)") }
        let outside = outsideHeads.map { ($0, "no. \($0.number) (outside copy)") }
        for (published, source) in own + outside {
            guard let statement = try? published.decoded(), statement.format == AuditHeadStatement.format else {
                unsigned.append(AuditProblem(seq: 0, kind: .headUnsigned, message: "published head \(source) is not an audit-head statement"))
                continue
            }
            guard statement.community == community, keys.contains(where: { published.isSigned(by: $0) }) else {
                unsigned.append(AuditProblem(seq: statement.entries, kind: .headUnsigned,
                                             message: "published head \(source) is not signed by community \(community ?? "?")'s key"))
                continue
            }
            count += 1
            guard statement.entries > 0 else { continue }
            if let earlier = expected[statement.entries], earlier.head != statement.head {
                unsigned.append(AuditProblem(seq: statement.entries, kind: .headContradicted,
                                             message: "published heads \(earlier.source) and \(source) name different hashes for entry \(statement.entries)"))
            }
            expected[statement.entries] = Expected(head: statement.head, source: source, at: statement.at)
        }
    }
}
