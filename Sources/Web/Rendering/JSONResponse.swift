import Foundation
import Hummingbird

/// JSON responses for the API: UTF-8, keys sorted for stable output.
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A problem document (RFC 9457 style): what went wrong and, for input errors, which field.
    struct Problem: Encodable {
        let status: Int
        let title: String
        let detail: String?
        let field: String?
        let requestID: String?
    }
}
