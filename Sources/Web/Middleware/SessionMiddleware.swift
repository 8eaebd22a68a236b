import Community
import Foundation
import Hummingbird
import Notary

/// Loads the login session from the `xy_session` cookie, and gives every visitor a CSRF
/// token: the session's when logged in, else a random `xy_csrf` cookie (double-submit) so the
/// login form is protected too.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "xy_session"
    static let csrfCookie = "xy_csrf"

    let database: AppDatabase
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var newCSRFCookie: Cookie?
        if let token = request.cookies[Self.sessionCookie]?.value, let session = try database.session(token: token) {
            context.session = session
            context.csrfToken = session.csrfToken
        } else if let csrf = request.cookies[Self.csrfCookie]?.value, csrf.count >= 32 {
            context.csrfToken = csrf
        } else {
            let csrf = try SecureRandom.token()
            context.csrfToken = csrf
            newCSRFCookie = cookie(Self.csrfCookie, csrf)
        }
        var response = try await next(request, context)
        if let newCSRFCookie { response.setCookie(newCSRFCookie) }
        return response
    }

    /// An HttpOnly, SameSite=Lax cookie for the whole site.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}
