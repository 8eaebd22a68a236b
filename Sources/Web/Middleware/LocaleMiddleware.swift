import Hummingbird

/// Chooses the page language: the `xy_lang` cookie (set by the language switch), else the
/// browser's Accept-Language, else Chinese.
struct LocaleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "xy_lang"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.locale = Self.locale(for: request)
        return try await next(request, context)
    }

    static func locale(for request: Request) -> AppLocale {
        if let cookie = request.cookies[cookieName], let locale = AppLocale(code: cookie.value) { return locale }
        return AppLocale.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    }
}
