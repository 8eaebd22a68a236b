import Foundation
import HTTPTypes
import Hummingbird
import Notary

/// Refuses every state-changing request (POST, PUT, PATCH, DELETE) whose anti-forgery token
/// does not match the visitor's: the `_csrf` field of a form, or the `X-CSRF-Token` header of
/// an API call. The body is collected (bounded by the context's upload limit) and handed on.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let header = HTTPField.Name("X-CSRF-Token")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else {
            return try await next(request, context)
        }
        var request = request
        var context = context
        var presented = request.headers[Self.header]
        if presented == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let form = FormFields(String(buffer: body))
            presented = form["_csrf"]
            context.formFields = form
        } else if presented == nil, let boundary = MultipartForm.boundary(of: request.headers[.contentType]) {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let form = try MultipartForm(body: body, boundary: boundary)
            presented = form["_csrf"]
            context.multipartForm = form
        }
        guard let presented, !context.csrfToken.isEmpty, ConstantTime.equals(presented, context.csrfToken) else {
            throw WebError.csrf
        }
        return try await next(request, context)
    }
}

/// The fields of an `application/x-www-form-urlencoded` body; the first value wins.
struct FormFields: Sendable {
    let values: [String: String]

    init(_ body: String) {
        var values: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if values[key] == nil { values[key] = value }
        }
        self.values = values
    }

    subscript(_ key: String) -> String? { values[key] }

    static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// The form of a request: the one the CSRF check parsed, or the body read now.
    static func read(_ request: Request, context: AppRequestContext) async throws -> FormFields {
        if let parsed = context.formFields { return parsed }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return FormFields(String(buffer: body))
    }
}
