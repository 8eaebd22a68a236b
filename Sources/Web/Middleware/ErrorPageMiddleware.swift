import Community
import Foundation
import Hummingbird
import Logging
import Notary

/// Errors a handler throws on purpose, each with the status it means.
enum WebError: Error, Equatable {
    case notFound
    case forbidden
    case loginRequired
    case csrf
    case badRequest(field: String, reason: String)
    case tooManyRequests(minutes: Int)
    /// The server is busy with other password checks (`PasswordWork`'s queue is full): nothing
    /// is wrong with the request, and it may be sent again in a moment (503, `Retry-After: 1`).
    case busy
    /// Something that was public for a time and is no longer (the posted roll after the result
    /// is certified): 410 with what happened, in the page's language.
    case gone(key: String)
}

/// Turns every error into a friendly page (or a JSON problem under `/api`): the right status,
/// a message a person can act on, and never a stack trace, SQL or file path. Unexpected
/// errors are logged with the request id, which the page shows so a report can be matched.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var context = context
            context.locale = LocaleMiddleware.locale(for: request)
            let (status, message, field) = describe(error, locale: context.locale, requestID: context.id)
            if let storage = StorageFailure(error) {
                context.logger.critical("database cannot be written", metadata: ["storage": "\(storage.rawValue)", "detail": "\(error)"])
            }
            if status == .internalServerError {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))", "detail": "\(error)"])
            }
            if case .loginRequired = error as? WebError, !request.uri.path.hasPrefix("/api/") {
                return Response(status: .seeOther, headers: [.location: "/login?next=\(request.uri.path)"])
            }
            var response: Response
            if request.uri.path.hasPrefix("/api/") {
                response = try JSONResponse.make(JSONResponse.Problem(status: Int(status.code), title: status.reasonPhrase, detail: message,
                                                                      field: field, requestID: status == .internalServerError ? context.id : nil),
                                                 status: status)
            } else {
                do {
                    response = try renderer.page("error", title: context.locale.text("error_title"),
                                                 data: ["status": Int(status.code), "message": message], request: request, context: context, status: status)
                } catch {
                    response = PageRenderer.html("<!doctype html><title>\(status.code)</title><p>\(status.code) \(status.reasonPhrase)</p>", status: status)
                }
            }
            if status == .serviceUnavailable { response.headers[.retryAfter] = (error as? WebError) == .busy ? "1" : "60" }
            return response
        }
    }

    func describe(_ error: any Error, locale: AppLocale, requestID: String) -> (HTTPResponse.Status, String, String?) {
        switch error {
        case let web as WebError:
            switch web {
            case .notFound: return (.notFound, locale.text("error_404"), nil)
            case .forbidden: return (.forbidden, locale.text("error_403"), nil)
            case .loginRequired: return (.unauthorized, locale.text("login_required"), nil)
            case .csrf: return (.forbidden, locale.text("error_csrf"), nil)
            case .badRequest(let field, let reason): return (.badRequest, "\(field): \(reason)", field)
            case .tooManyRequests: return (.tooManyRequests, locale.text("error_429"), nil)
            case .busy: return (.serviceUnavailable, locale.text("error_busy"), nil)
            case .gone(let key): return (.gone, locale.text(key), nil)
            }
        case let domain as CommunityError:
            switch domain {
            case .invalid(let field, _), .duplicate(let field, _): return (.unprocessableContent, domain.description, field)
            case .notFound: return (.notFound, domain.description, nil)
            case .authenticationFailed: return (.unauthorized, locale.text("login_failed"), nil)
            case .notAllowed: return (.conflict, domain.description, nil)
            }
        case let http as any HTTPResponseError:
            switch http.status {
            case .notFound: return (.notFound, locale.text("error_404"), nil)
            case .contentTooLarge: return (.contentTooLarge, http.status.reasonPhrase, nil)
            case .internalServerError: return (.internalServerError, "\(locale.text("error_500")) \(requestID)", nil)
            default: return (http.status, locale.text("error_400"), nil)
            }
        default:
            if let storage = StorageFailure(error) {
                return (.serviceUnavailable, locale.text("error_storage_\(storage.rawValue)"), nil)
            }
            return (.internalServerError, "\(locale.text("error_500")) \(requestID)", nil)
        }
    }
}
