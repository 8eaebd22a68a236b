import Foundation
import GRDB
import Notary

/// An account's own Ed25519 key: the public half in clear, the private half sealed under the
/// account's password (Notary.SealedSigningKey). Election committee members countersign
/// results with it; nobody, the server included, can sign for them without their password.
public struct AccountKey: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public var accountID: Int64
    public var publicKeyPEM: String
    public var sealedPrivateKey: String
    public var createdAt: Date
    /// The public half of the account's box key (X25519, 64 hex digits), derived from the
    /// signing key (`X25519PrivateKey.boxKey(of:)`); a sealed ballot box's key share is sealed
    /// to it. Nil for a key made before box keys existed, until its owner next signs in.
    public var boxPublicKey: String?

    /// The public key.
    public func publicKey() throws -> Ed25519PublicKey { try Ed25519PublicKey(pem: publicKeyPEM) }
}

extension AppDatabase {
    /// A fresh key for an account, sealed under `password` (scrypt at the database's cost).
    func newAccountKey(accountID: Int64 = 0, password: String) throws -> AccountKey {
        let key = try Ed25519PrivateKey.generate()
        return AccountKey(accountID: accountID, publicKeyPEM: key.publicKey.pemRepresentation,
                          sealedPrivateKey: try SealedSigningKey.seal(key, password: password, hasher: passwordHasher), createdAt: AppClock.now(),
                          boxPublicKey: try X25519PrivateKey.boxKey(of: key).publicKey.hex)
    }

    /// The account's public key, if it has one yet (accounts made before keys existed get one at
    /// their next login).
    public func accountKey(accountID: Int64) throws -> AccountKey? {
        try reader.read { db in try AccountKey.fetchOne(db, key: accountID) }
    }

    /// Opens the account's private key with its password; a wrong password is
    /// `authenticationFailed`. An account without a key gets one now (the password is known).
    public func unlockAccountKey(accountID: Int64, password: String) throws -> Ed25519PrivateKey {
        guard let account = try account(id: accountID), !account.disabled,
              try PasswordHasher.verify(password, against: account.passwordHash) else { throw CommunityError.authenticationFailed }
        guard !account.mustChangePassword else {
            throw CommunityError.notAllowed("set your own password first: a password someone else chose opens no key")
        }
        if let stored = try accountKey(accountID: accountID) {
            do { return try SealedSigningKey.open(stored.sealedPrivateKey, password: password) } catch NotaryError.wrongPassphrase {
                throw CommunityError.authenticationFailed
            }
        }
        try ensureAccountKey(accountID: accountID, password: password)
        guard let stored = try accountKey(accountID: accountID) else { throw CommunityError.notFound("key of account \(accountID)") }
        return try SealedSigningKey.open(stored.sealedPrivateKey, password: password)
    }

    /// Opens the account's box key (to open a sealed ballot box's key share) with its password.
    public func unlockBoxKey(accountID: Int64, password: String) throws -> X25519PrivateKey {
        try X25519PrivateKey.boxKey(of: try unlockAccountKey(accountID: accountID, password: password))
    }

    /// Gives the account a key if it has none, and a key made before box keys existed its box
    /// public key (called once the password has been checked).
    func ensureAccountKey(accountID: Int64, password: String) throws {
        if let existing = try accountKey(accountID: accountID) {
            guard existing.boxPublicKey == nil, let key = try? SealedSigningKey.open(existing.sealedPrivateKey, password: password) else { return }
            let box = try X25519PrivateKey.boxKey(of: key).publicKey.hex
            try writer.write { db in
                try db.execute(sql: "UPDATE accountKey SET boxPublicKey = ? WHERE accountID = ? AND boxPublicKey IS NULL", arguments: [box, accountID])
            }
            return
        }
        let key = try newAccountKey(accountID: accountID, password: password)
        try writer.write { db in
            guard try AccountKey.fetchOne(db, key: accountID) == nil else { return }
            try key.insert(db)
            try AuditLog.append(db, actor: .system, action: "account.key", subject: "account:\(accountID)",
                                details: ["key": try key.publicKey().keyID])
        }
    }

    /// Seals the account's key under a new password (the key itself stays the same).
    static func resealAccountKey(_ db: Database, accountID: Int64, sealed: String?) throws {
        guard let sealed else { return }
        try db.execute(sql: "UPDATE accountKey SET sealedPrivateKey = ? WHERE accountID = ?", arguments: [sealed, accountID])
    }
}
