import Foundation
import GRDB
import Notary

/// A new account's details as entered by an administrator.
public struct NewAccount: Sendable {
    public var communityID: Int64?
    public var username: String
    public var displayName: String
    public var password: String
    public var roles: Set<Role>
    public var residentID: Int64?
    /// The password is chosen by someone other than the owner (the administrator): it only opens
    /// the page where the owner sets their own, and the account's key is made then.
    public var oneTimePassword: Bool

    public init(communityID: Int64?, username: String, displayName: String, password: String, roles: Set<Role>, residentID: Int64? = nil,
                oneTimePassword: Bool = false) {
        self.communityID = communityID
        self.username = username
        self.displayName = displayName
        self.password = password
        self.roles = roles
        self.residentID = residentID
        self.oneTimePassword = oneTimePassword
    }
}

extension AppDatabase {
    /// Minimum password length for accounts.
    public static let minimumPasswordLength = 10

    /// Creates an account. Usernames are unique regardless of case; passwords must be at least
    /// `minimumPasswordLength` characters; at least one role is required. With a one-time
    /// password the account gets no key now: its key is made, sealed under the owner's own
    /// password, when the owner sets it (`changePassword`).
    @discardableResult
    public func createAccount(_ new: NewAccount, actor: Actor) throws -> Account {
        let username = new.username.trimmingCharacters(in: .whitespaces)
        guard username.count >= 2, username.count <= 64, !username.contains(where: \.isWhitespace) else {
            throw CommunityError.invalid(field: "username", reason: "2 to 64 characters without spaces")
        }
        guard new.password.count >= Self.minimumPasswordLength else {
            throw CommunityError.invalid(field: "password", reason: "at least \(Self.minimumPasswordLength) characters")
        }
        guard !new.roles.isEmpty else { throw CommunityError.invalid(field: "roles", reason: "choose at least one role") }
        if new.roles.contains(.resident) && new.residentID == nil {
            throw CommunityError.invalid(field: "resident", reason: "a resident account names its resident (by ID number)")
        }
        let hash = try passwordHasher.hash(new.password)
        var key = new.oneTimePassword ? nil : try newAccountKey(password: new.password)
        return try writer.write { db in
            if try Account.filter(Column("username").collating(.nocase) == username).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "username", value: username)
            }
            var account = Account(communityID: new.communityID, username: username, displayName: new.displayName,
                                  passwordHash: hash, roles: new.roles, residentID: new.residentID, mustChangePassword: new.oneTimePassword)
            try account.insert(db)
            key?.accountID = account.id!
            try key?.insert(db)
            try AuditLog.append(db, actor: actor, action: "account.create", subject: "account:\(account.id!)",
                                details: ["username": username, "roles": account.roles,
                                          "key": try key?.publicKey().keyID ?? "made when the owner sets their own password"])
            return account
        }
    }

    /// Checks a username and password. Returns the account, or throws `authenticationFailed`
    /// whether the user is unknown, disabled or the password wrong (no user enumeration; an
    /// unknown user still costs one scrypt so timing does not tell either).
    public func authenticate(username: String, password: String) throws -> Account {
        let account = try reader.read { db in
            try Account.filter(Column("username").collating(.nocase) == username.trimmingCharacters(in: .whitespaces)).fetchOne(db)
        }
        guard let account, !account.disabled else {
            _ = try? passwordHasher.hash(password)
            throw CommunityError.authenticationFailed
        }
        guard try PasswordHasher.verify(password, against: account.passwordHash) else {
            throw CommunityError.authenticationFailed
        }
        if passwordHasher.needsRehash(account.passwordHash) {
            let upgraded = try passwordHasher.hash(password)
            try writer.write { db in
                try db.execute(sql: "UPDATE account SET passwordHash = ? WHERE id = ?", arguments: [upgraded, account.id])
            }
        }
        // A password someone else chose never seals a key.
        if !account.mustChangePassword { try ensureAccountKey(accountID: account.id!, password: password) }
        return account
    }

    /// The owner sets their own password after checking the current one. The account's key is
    /// re-sealed under it; an account whose password someone else chose (one-time) gets a new key
    /// now, sealed under the owner's password only. Every session of the account ends.
    public func changePassword(accountID: Int64, current: String, new: String, actor: Actor) throws {
        guard new.count >= Self.minimumPasswordLength else {
            throw CommunityError.invalid(field: "password", reason: "at least \(Self.minimumPasswordLength) characters")
        }
        guard new != current else { throw CommunityError.invalid(field: "password", reason: "choose a password different from the current one") }
        guard let account = try reader.read({ db in try Account.fetchOne(db, key: accountID) }) else {
            throw CommunityError.notFound("account \(accountID)")
        }
        guard try PasswordHasher.verify(current, against: account.passwordHash) else { throw CommunityError.authenticationFailed }
        let hash = try passwordHasher.hash(new)
        let existing = try accountKey(accountID: accountID)
        let resealed = try existing.flatMap { stored -> String? in
            guard !account.mustChangePassword else { return nil }
            return try SealedSigningKey.seal(try SealedSigningKey.open(stored.sealedPrivateKey, password: current), password: new, hasher: passwordHasher)
        }
        let fresh = (existing == nil || account.mustChangePassword) ? try newAccountKey(accountID: accountID, password: new) : nil
        try writer.write { db in
            try db.execute(sql: "UPDATE account SET passwordHash = ?, mustChangePassword = 0 WHERE id = ?", arguments: [hash, accountID])
            try Self.resealAccountKey(db, accountID: accountID, sealed: resealed)
            if let fresh {
                try db.execute(sql: "DELETE FROM accountKey WHERE accountID = ?", arguments: [accountID])
                try fresh.insert(db)
            }
            // Every other session of this account ends: a changed password locks out whoever else was in.
            try db.execute(sql: "DELETE FROM session WHERE accountID = ?", arguments: [accountID])
            var details = ["ownPassword": "yes"]
            if let fresh { details["newKey"] = try fresh.publicKey().keyID } else if let existing { details["key"] = try existing.publicKey().keyID }
            try AuditLog.append(db, actor: actor, action: "account.password", subject: "account:\(accountID)", details: details)
        }
    }

    /// The administrator resets an account's password to a new one-time password (for someone
    /// who forgot theirs). The account's key is discarded — nobody but the owner ever knew the
    /// password it was sealed under — and a new one is made when the owner sets their own
    /// password; the audit entry says so. Countersignatures made with the old key stay
    /// verifiable: each keeps its public key. Every session of the account ends.
    public func resetPassword(accountID: Int64, oneTimePassword: String, actor: Actor) throws {
        guard oneTimePassword.count >= Self.minimumPasswordLength else {
            throw CommunityError.invalid(field: "password", reason: "at least \(Self.minimumPasswordLength) characters")
        }
        let hash = try passwordHasher.hash(oneTimePassword)
        try writer.write { db in
            guard try Account.fetchOne(db, key: accountID) != nil else { throw CommunityError.notFound("account \(accountID)") }
            let previous = try AccountKey.fetchOne(db, key: accountID)
            try db.execute(sql: "UPDATE account SET passwordHash = ?, mustChangePassword = 1 WHERE id = ?", arguments: [hash, accountID])
            try db.execute(sql: "DELETE FROM accountKey WHERE accountID = ?", arguments: [accountID])
            try db.execute(sql: "DELETE FROM session WHERE accountID = ?", arguments: [accountID])
            try AuditLog.append(db, actor: actor, action: "account.reset", subject: "account:\(accountID)", details: [
                "previousKey": try previous?.publicKey().keyID ?? "none", "newKey": "made when the owner sets their own password",
            ])
        }
    }

    /// An account by id.
    public func account(id: Int64) throws -> Account? {
        try reader.read { db in try Account.fetchOne(db, key: id) }
    }

    /// All accounts, by username.
    public func accounts() throws -> [Account] {
        try reader.read { db in try Account.order(Column("username")).fetchAll(db) }
    }
}
