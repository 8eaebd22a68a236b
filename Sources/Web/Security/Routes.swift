import Community
import Foundation
import HTTPTypes
import Hummingbird

/// The role sets routes are registered for: the one definition of who may reach what.
enum Roles {
    /// Clerks, the election committee and the administrator.
    static let staff: Set<Role> = [.admin, .committee, .clerk]
    /// The election committee and the administrator.
    static let committee: Set<Role> = [.admin, .committee]
    /// Voter and household cards: the election committee alone (decision 71).
    static let cardIssuers: Set<Role> = [.committee]
    /// The administrator alone.
    static let admin: Set<Role> = [.admin]
    /// Any signed-in account, whatever its role.
    static let signedIn: Set<Role> = Set(Role.allCases)
}

/// Who may reach each registered route, recorded as the route is registered; the route-table
/// test reads it to prove that no route escapes a decision.
final class RouteAccess: @unchecked Sendable {
    /// Who may reach a route.
    enum Rule: Equatable, Sendable {
        /// Anyone: the handler decides (a voter's or household's own session, a published record).
        case open
        /// Only accounts holding one of these roles (`RequireRole`).
        case roles(Set<Role>)
    }

    private let lock = NSLock()
    private var rules: [String: Rule] = [:]

    /// The key of a route: method and path as registered, e.g. `POST /elections/:id/cards`
    /// (a path as the router describes it, `/elections/{id}/cards`, gives the same key).
    static func key(_ method: HTTPRequest.Method, _ path: String) -> String {
        let path = path.replacingOccurrences(of: #"\{([A-Za-z0-9_]+)\}"#, with: ":$1", options: .regularExpression)
        return "\(method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
    }

    func record(_ method: HTTPRequest.Method, _ path: String, _ rule: Rule) {
        lock.withLock { rules[Self.key(method, path)] = rule }
    }

    /// The rule of a route, or nil when it was registered outside `Routes`.
    func rule(_ method: HTTPRequest.Method, _ path: String) -> Rule? {
        lock.withLock { rules[Self.key(method, path)] }
    }

    /// Every recorded route and its rule.
    var all: [String: Rule] { lock.withLock { rules } }
}

/// Where controllers register their routes, each in a group that says who may reach it:
/// `only(Roles.staff)` puts `RequireRole` in front of the handlers, `open()` leaves the
/// decision to the handler (voters and households sign in with their own cards).
struct Routes {
    let router: Router<AppRequestContext>
    let access: RouteAccess

    /// Routes only accounts holding one of `roles` may reach.
    func only(_ roles: Set<Role>) -> AccessGroup {
        AccessGroup(group: router.group().add(middleware: RequireRole(roles: roles)), rule: .roles(roles), access: access)
    }

    /// Routes anyone may reach.
    func open() -> AccessGroup {
        AccessGroup(group: router.group(), rule: .open, access: access)
    }
}

/// A group of routes with one access rule; registering a route records the rule.
struct AccessGroup: RouterMethods {
    typealias Context = AppRequestContext
    let group: RouterGroup<AppRequestContext>
    let rule: RouteAccess.Rule
    let access: RouteAccess

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == AppRequestContext {
        access.record(method, path.description, rule)
        group.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, AppRequestContext>) -> Self {
        group.add(middleware: middleware)
        return self
    }
}
