import Community
import Foundation
import Hummingbird
import Logging

/// Login and logout with session cookies, throttled against password guessing.
struct AuthController {
    let database: AppDatabase
    let renderer: PageRenderer
    let throttle: LoginThrottle
    let secureCookies: Bool

    func addRoutes(to routes: Routes) {
        let open = routes.open()
        open.get("/login", use: loginForm)
        open.post("/login", use: login)
        open.post("/logout", use: logout)
    }

    @Sendable func loginForm(request: Request, context: AppRequestContext) async throws -> Response {
        try renderer.page("login", title: context.locale.text("login_title"),
                          data: ["next": safeNext(request.uri.queryParameters.get("next"))], request: request, context: context)
    }

    @Sendable func login(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        let username = form["username"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let password = form["password"] ?? ""
        let next = safeNext(form["next"])
        if let wait = await throttle.retryAfter(username: username, address: context.clientAddress) {
            let minutes = max(1, Int((wait / 60).rounded(.up)))
            let message = context.locale.text("login_throttled").replacingOccurrences(of: "%@", with: String(minutes))
            var response = try renderer.page("login", title: context.locale.text("login_title"),
                                             data: ["error": message, "username": username, "next": next],
                                             request: request, context: context, status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        let account: Account
        do {
            let store = self.database
            account = try await PasswordWork.shared.run { try store.authenticate(username: username, password: password) }
        } catch CommunityError.authenticationFailed {
            await throttle.recordFailure(username: username, address: context.clientAddress)
            context.logger.notice("login failed", metadata: ["client": "\(context.clientAddress)"])
            return try renderer.page("login", title: context.locale.text("login_title"),
                                     data: ["error": context.locale.text("login_failed"), "username": username, "next": next],
                                     request: request, context: context, status: .unauthorized)
        }
        await throttle.recordSuccess(username: username)
        // A new session token on every login (no session fixation); any old one is ended.
        if let old = request.cookies[SessionMiddleware.sessionCookie]?.value { try database.endSession(token: old) }
        let (token, _) = try database.startSession(for: account)
        var response = Response(status: .seeOther, headers: [.location: next])
        response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: token, maxAge: Int(AppDatabase.sessionLifetime),
                                  path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func logout(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[SessionMiddleware.sessionCookie]?.value { try database.endSession(token: token) }
        var response = Response(status: .seeOther, headers: [.location: "/"])
        response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// Only same-site paths are followed after login (no open redirect).
    func safeNext(_ next: String?) -> String {
        RedirectTarget.sameOriginPath(next)
    }
}
