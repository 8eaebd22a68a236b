import Foundation
import GRDB
import Notary

/// The public half of a signing key, as registered in the database.
public struct SigningKeyRecord: Codable, Sendable, Equatable {
    public var keyID: String
    public var communityID: Int64
    /// `community`, `election:<id>`, `member:<account id>` …
    public var purpose: String
    public var publicKeyPEM: String
    public var createdAt: Date
}

/// Where private keys live: PEM files in a directory beside the database (mode 0700), one
/// file per key named by its key id, mode 0600. The database holds public keys only.
public struct KeyStore: Sendable {
    /// The directory holding `<keyID>.key.pem` files.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The key store beside a database file: `<database>.keys/`.
    public static func beside(databasePath: String) -> KeyStore {
        KeyStore(directory: URL(fileURLWithPath: databasePath + ".keys"))
    }

    /// File of a private key.
    public func privateKeyURL(keyID: String) -> URL { directory.appendingPathComponent("\(keyID).key.pem") }

    /// Generates a key, writes its private half (encrypted when a passphrase is given) and
    /// returns it.
    public func generate(passphrase: String? = nil) throws -> Ed25519PrivateKey {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writePrivateKey(key, to: privateKeyURL(keyID: key.keyID), passphrase: passphrase)
        return key
    }

    /// Loads a private key by id.
    public func load(keyID: String, passphrase: String? = nil) throws -> Ed25519PrivateKey {
        let key = try KeyFiles.readPrivateKey(at: privateKeyURL(keyID: keyID), passphrase: passphrase)
        guard key.keyID == keyID else {
            throw CommunityError.invalid(field: "key file", reason: "\(keyID).key.pem holds key \(key.keyID)")
        }
        return key
    }
}

extension AppDatabase {
    /// Registers the public half of a key.
    public func registerSigningKey(_ publicKey: Ed25519PublicKey, communityID: Int64, purpose: String, actor: Actor) throws {
        try writer.write { db in
            let record = SigningKeyRecord(keyID: publicKey.keyID, communityID: communityID, purpose: purpose,
                                          publicKeyPEM: publicKey.pemRepresentation, createdAt: AppClock.now())
            try record.insert(db)
            try AuditLog.append(db, actor: actor, action: "key.register", subject: "key:\(publicKey.keyID)",
                                details: ["purpose": purpose, "publicKey": Base64.encode(publicKey.rawRepresentation)])
        }
    }

    /// Refuses, inside a write, a key that is not a registered signing key of the community
    /// (what signs motion receipts, minutes, hearing reports and audit heads).
    public static func requireCommunityKey(_ db: Database, communityID: Int64, signingKey: Ed25519PrivateKey) throws {
        let registered = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM signingKey WHERE keyID = ? AND communityID = ? AND purpose = 'community')",
                                           arguments: [signingKey.keyID, communityID]) ?? false
        guard registered else { throw CommunityError.notAllowed("key \(signingKey.keyID) is not this community's signing key") }
    }

    /// The community's signing key id (the newest registered for purpose `community`).
    public func communityKeyID(communityID: Int64) throws -> String {
        guard let key = try signingKeys(communityID: communityID, purpose: "community").first else {
            throw CommunityError.notFound("the community signing key")
        }
        return key.keyID
    }

    /// The registered keys of a community for a purpose, newest first.
    public func signingKeys(communityID: Int64, purpose: String) throws -> [SigningKeyRecord] {
        try reader.read { db in
            try SigningKeyRecord
                .filter(Column("communityID") == communityID && Column("purpose") == purpose)
                .order(Column("createdAt").desc)
                .fetchAll(db)
        }
    }
}
