import Community
import Hummingbird

/// Lets a request through only when the signed-in account holds one of `roles`: a visitor is
/// sent to sign in (`loginRequired`: the login page, or 401 under `/api`), an account without
/// the role gets 403. The account is handed on as `context.authorized`.
///
/// Added to a route group by `Routes.only(_:)`, so which roles may reach a route is declared
/// once, where the route is registered.
struct RequireRole: RouterMiddleware {
    typealias Context = AppRequestContext
    let roles: Set<Role>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let account = context.account else { throw WebError.loginRequired }
        guard account.has(anyOf: roles) else { throw WebError.forbidden }
        var context = context
        context.authorized = account
        return try await next(request, context)
    }
}
