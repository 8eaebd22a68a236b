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

    public init(communityID: Int64?, username: String, displayName: String, password: String, roles: Set<Role>, residentID: Int64? = nil) {
        self.communityID = communityID
        self.username = username
        self.displayName = displayName
        self.password = password
        self.roles = roles
        self.residentID = residentID
    }
}

extension AppDatabase {
    /// Minimum password length for accounts.
    public static let minimumPasswordLength = 10

    /// Creates an account. Usernames are unique regardless of case; passwords must be at least
    /// `minimumPasswordLength` characters; at least one role is required.
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
        var key = try newAccountKey(password: new.password)
        return try writer.write { db in
            if try Account.filter(Column("username").collating(.nocase) == username).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "username", value: username)
            }
            var account = Account(communityID: new.communityID, username: username, displayName: new.displayName,
                                  passwordHash: hash, roles: new.roles, residentID: new.residentID)
            try account.insert(db)
            key.accountID = account.id!
            try key.insert(db)
            try AuditLog.append(db, actor: actor, action: "account.create", subject: "account:\(account.id!)",
                                details: ["username": username, "roles": account.roles, "key": try key.publicKey().keyID])
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
        try ensureAccountKey(accountID: account.id!, password: password)
        return account
    }

    /// Changes a password after checking the current one.
    public func changePassword(accountID: Int64, current: String, new: String, actor: Actor) throws {
        guard new.count >= Self.minimumPasswordLength else {
            throw CommunityError.invalid(field: "password", reason: "at least \(Self.minimumPasswordLength) characters")
        }
        guard let account = try reader.read({ db in try Account.fetchOne(db, key: accountID) }) else {
            throw CommunityError.notFound("account \(accountID)")
        }
        guard try PasswordHasher.verify(current, against: account.passwordHash) else { throw CommunityError.authenticationFailed }
        let hash = try passwordHasher.hash(new)
        let resealed = try accountKey(accountID: accountID).map {
            try SealedSigningKey.seal(try SealedSigningKey.open($0.sealedPrivateKey, password: current), password: new, hasher: passwordHasher)
        }
        try writer.write { db in
            try db.execute(sql: "UPDATE account SET passwordHash = ? WHERE id = ?", arguments: [hash, accountID])
            try Self.resealAccountKey(db, accountID: accountID, sealed: resealed)
            // Every other session of this account ends: a changed password locks out whoever else was in.
            try db.execute(sql: "DELETE FROM session WHERE accountID = ?", arguments: [accountID])
            try AuditLog.append(db, actor: actor, action: "account.password", subject: "account:\(accountID)", details: [String: String]())
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
