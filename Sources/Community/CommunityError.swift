import Foundation

/// A domain error from Community, naming the field or thing and the reason, so a form or an
/// import report can show a person exactly what to fix.
public enum CommunityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field's value is not acceptable.
    case invalid(field: String, reason: String)
    /// A value that must be unique is already taken.
    case duplicate(field: String, value: String)
    /// Something named does not exist.
    case notFound(String)
    /// Username or password did not match (deliberately does not say which).
    case authenticationFailed
    /// The action is not allowed in the current state.
    case notAllowed(String)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): return "\(field): \(reason)"
        case .duplicate(let field, let value): return "\(field): \(value) already exists"
        case .notFound(let what): return "\(what) not found"
        case .authenticationFailed: return "wrong username or password"
        case .notAllowed(let why): return why
        }
    }
}
