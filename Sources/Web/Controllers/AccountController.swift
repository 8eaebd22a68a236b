import Community
import Foundation
import Hummingbird

/// An account's own password: set at first login when someone else (the administrator) chose
/// the one it has, changed at any time after. Setting it re-seals the account's key (or, after a
/// one-time password, makes its first key) under the owner's password only.
struct AccountController {
    let database: AppDatabase
    let renderer: PageRenderer
    /// Changing the password checks the current one: throttled like a login.
    let throttle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 30)

    func addRoutes(to routes: Routes) {
        let signedIn = routes.only(Roles.signedIn)
        signedIn.get("/account/password", use: form)
        signedIn.post("/account/password", use: change)
    }

    @Sendable func form(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        return try render(account, request: request, context: context)
    }

    func render(_ account: Account, error: String? = nil, notice: String? = nil, request: Request, context: AppRequestContext,
                status: HTTPResponse.Status = .ok) throws -> Response {
        var data: [String: Any] = ["mustChange": account.mustChangePassword]
        if let error { data["error"] = error }
        if let notice { data["notice"] = notice }
        return try renderer.page("account_password", title: context.locale.text("pw_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func change(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        let key = "password:\(account.id!)"
        try await throttle.requireAllowed(username: key, address: context.clientAddress)
        let (current, new) = (form["current"] ?? "", form["password"] ?? "")
        guard new == form["confirm"] else {
            return try render(account, error: "confirm: " + context.locale.text("pw_mismatch"), request: request, context: context, status: .unprocessableContent)
        }
        do {
            let store = database
            try await PasswordWork.shared.run { try store.changePassword(accountID: account.id!, current: current, new: new, actor: Actor(account)) }
        } catch let error as CommunityError {
            if error == .authenticationFailed { await throttle.recordFailure(username: key, address: context.clientAddress) }
            return try render(account, error: error == .authenticationFailed ? "current: " + context.locale.text("pw_wrong") : error.description,
                              request: request, context: context, status: .unprocessableContent)
        }
        await throttle.recordSuccess(username: key)
        // Every session of the account ended with the change: sign in again with the new password.
        var response = Response(status: .seeOther, headers: [.location: "/login?next=/"])
        response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: false, httpOnly: true, sameSite: .lax))
        return response
    }
}

/// An account whose password someone else chose may open nothing but the page where its owner
/// sets their own (and log out): pages redirect there, API calls are refused.
struct OwnPasswordMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let open: [String] = ["/account/password", "/login", "/logout", "/static/", "/lang/", "/text/", "/health"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.account?.mustChangePassword == true, !Self.open.contains(where: { request.uri.path == $0 || ($0.hasSuffix("/") && request.uri.path.hasPrefix($0)) }) else {
            return try await next(request, context)
        }
        if request.uri.path.hasPrefix("/api/") { throw WebError.forbidden }
        return Response(status: .seeOther, headers: [.location: "/account/password"])
    }
}
