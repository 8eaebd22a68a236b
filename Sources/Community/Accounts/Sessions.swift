import Foundation
import GRDB
import Notary

/// A stored login session. Only the SHA-256 of the session token is stored, so a copy of
/// the database does not let anyone log in.
struct SessionRecord: Codable {
    var tokenHash: String
    var accountID: Int64
    var csrfToken: String
    var createdAt: Date
    var expiresAt: Date
}

/// A live session as the web layer sees it.
public struct LoginSession: Sendable, Equatable {
    /// The account logged in.
    public let account: Account
    /// The anti-forgery token bound to this session.
    public let csrfToken: String
    public let expiresAt: Date
}

extension AppDatabase {
    /// How long a session lasts without activity renewal.
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// Starts a session for an account; returns the secret token for the cookie.
    /// A fresh token on every login: a token planted before login is never promoted.
    public func startSession(for account: Account, now: Date = AppClock.now()) throws -> (token: String, session: LoginSession) {
        guard let accountID = account.id else { throw CommunityError.notFound("account") }
        let token = try SecureRandom.token()
        let csrf = try SecureRandom.token()
        let record = SessionRecord(tokenHash: SHA256.hash(token).hex, accountID: accountID, csrfToken: csrf,
                                   createdAt: now, expiresAt: now.addingTimeInterval(Self.sessionLifetime))
        try writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expiresAt < ?", arguments: [now])
            try record.insert(db)
            try AuditLog.append(db, actor: Actor(account), action: "session.login", subject: "account:\(accountID)", details: [String: String]())
        }
        return (token, LoginSession(account: account, csrfToken: csrf, expiresAt: record.expiresAt))
    }

    /// The session for a cookie token, if it exists, has not expired and its account is enabled.
    public func session(token: String, now: Date = AppClock.now()) throws -> LoginSession? {
        let hash = SHA256.hash(token).hex
        return try reader.read { db in
            guard let record = try SessionRecord.fetchOne(db, key: hash), record.expiresAt > now,
                  let account = try Account.fetchOne(db, key: record.accountID), !account.disabled else { return nil }
            return LoginSession(account: account, csrfToken: record.csrfToken, expiresAt: record.expiresAt)
        }
    }

    /// Ends a session (logout).
    public func endSession(token: String) throws {
        let hash = SHA256.hash(token).hex
        try writer.write { db in
            guard let record = try SessionRecord.fetchOne(db, key: hash) else { return }
            try record.delete(db)
            let username = try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [record.accountID]) ?? ""
            try AuditLog.append(db, actor: .account(id: record.accountID, username: username), action: "session.logout",
                                subject: "account:\(record.accountID)", details: [String: String]())
        }
    }
}
