import Community
import Councils
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A `multipart/form-data` body (RFC 7578), as browsers send file uploads: text fields by
/// name, and file parts with their file name and bytes.
struct MultipartForm: Sendable {
    struct FilePart: Sendable {
        let fieldName: String
        let fileName: String
        let data: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [FilePart] = []

    /// The boundary of a `multipart/form-data; boundary=…` content type, or nil for any other type.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses a body; throws `badRequest` when it is not well formed.
    init(body: ByteBuffer, boundary: String) throws {
        let bytes = Data(body.readableBytesView)
        let delimiter = Data("--\(boundary)".utf8)
        var position = 0
        guard let first = bytes.range(of: delimiter, in: 0..<bytes.count) else {
            throw WebError.badRequest(field: "body", reason: "not a multipart form")
        }
        position = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if bytes[position...].starts(with: Data("--".utf8)) { break }
            guard bytes[position...].starts(with: Data("\r\n".utf8)) else {
                throw WebError.badRequest(field: "body", reason: "malformed multipart boundary")
            }
            position += 2
            guard let headerEnd = bytes.range(of: Data("\r\n\r\n".utf8), in: position..<bytes.count) else {
                throw WebError.badRequest(field: "body", reason: "multipart part without headers")
            }
            let headers = String(decoding: bytes[position..<headerEnd.lowerBound], as: UTF8.self)
            let contentStart = headerEnd.upperBound
            guard let next = bytes.range(of: Data("\r\n--\(boundary)".utf8), in: contentStart..<bytes.count) else {
                throw WebError.badRequest(field: "body", reason: "multipart part is not closed")
            }
            let content = bytes[contentStart..<next.lowerBound]
            position = next.upperBound
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }) else { continue }
            let name = Self.parameter("name", in: String(disposition)) ?? ""
            if let fileName = Self.parameter("filename", in: String(disposition)) {
                files.append(FilePart(fieldName: name, fileName: fileName, data: Data(content)))
            } else if fields[name] == nil {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// Raises the upload limit for the routes that take files (CSV imports, motion photos) —
/// only for requests that are already authenticated, before anything reads the body: an
/// anonymous request is never buffered beyond the 1 MiB default (a visitor could otherwise make
/// the server hold 256 MiB per request). Imports need a staff session; photos a staff or
/// resident account, or a signed-in household.
struct UploadLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let importLimit = 256 << 20
    static let importPaths: Set<String> = ["/residents/import", "/api/v1/residents/import"]
    /// Motions may carry a photo (the settings' `photoMaxBytes`, at most 16 MiB; base64 in JSON).
    static let photoLimit = 24 << 20
    static let photoPaths: Set<String> = ["/motions", "/api/v1/motions"]
    static let importers = Roles.staff
    let database: AppDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        if Self.importPaths.contains(path), context.account?.has(anyOf: Self.importers) == true { context.uploadLimit = Self.importLimit }
        if Self.photoPaths.contains(path) || (path.hasPrefix("/motions/") && path.hasSuffix("/progress")), try isSignedIn(request, context) {
            context.uploadLimit = Self.photoLimit
        }
        return try await next(request, context)
    }

    func isSignedIn(_ request: Request, _ context: Context) throws -> Bool {
        if context.account != nil { return true }
        guard let token = request.cookies[GardenContext.householdCookie]?.value, !token.isEmpty else { return false }
        return try database.householdSession(token: token) != nil
    }
}
