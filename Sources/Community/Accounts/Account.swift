import Foundation

/// What a logged-in person may do. `public` (anyone, no login) is not a role but the absence
/// of an account.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Sets up the community, accounts and keys.
    case admin
    /// Election committee (选举委员会) member.
    case committee
    /// Community clerk: residents, roll, ballot entry.
    case clerk
    /// Teller (计票人) at polling.
    case teller
    /// A resident with a personal account.
    case resident

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A login account with its roles; the password is stored only as an scrypt hash.
public struct Account: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64?
    /// Login name, unique regardless of case.
    public var username: String
    public var displayName: String
    /// `$scrypt$…` string (see Notary.PasswordHasher); never shown anywhere.
    public var passwordHash: String
    /// Comma-separated role names as stored; use `roleSet`.
    public var roles: String
    /// The resident this account belongs to, for resident accounts.
    public var residentID: Int64?
    public var disabled: Bool
    public var createdAt: Date
    /// The password was chosen by someone else (the administrator, at creation or a reset): it
    /// opens only the page where the owner sets their own, and the account has no key yet.
    public var mustChangePassword: Bool

    public init(id: Int64? = nil, communityID: Int64?, username: String, displayName: String, passwordHash: String,
                roles: Set<Role>, residentID: Int64? = nil, disabled: Bool = false, createdAt: Date = AppClock.now(),
                mustChangePassword: Bool = false) {
        self.id = id
        self.communityID = communityID
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roles = roles.sorted().map(\.rawValue).joined(separator: ",")
        self.residentID = residentID
        self.disabled = disabled
        self.createdAt = createdAt
        self.mustChangePassword = mustChangePassword
    }

    /// The roles as a set.
    public var roleSet: Set<Role> {
        Set(roles.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }

    /// True when the account holds any of `roles`.
    public func has(anyOf roles: Set<Role>) -> Bool { !roleSet.isDisjoint(with: roles) }
}

/// Who did something, as written into the audit log: an account, the command line, or the
/// system itself.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    case account(id: Int64, username: String)
    case commandLine
    case system
    case anonymous
    /// A household signed in with its access code (discussion garden).
    case household(number: String)

    public var description: String {
        switch self {
        case .account(let id, let username): return "account:\(id):\(username)"
        case .commandLine: return "cli"
        case .system: return "system"
        case .anonymous: return "public"
        case .household(let number): return "household:\(number)"
        }
    }

    /// The actor for an account.
    public init(_ account: Account) {
        self = .account(id: account.id ?? 0, username: account.username)
    }
}
