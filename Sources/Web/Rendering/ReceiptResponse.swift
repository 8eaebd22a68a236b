import Foundation
import Hummingbird
import Notary

/// The JSON answer to a filing that returns a signed receipt (objection, nomination …): the
/// entry's number and tracking code, the compact receipt, and its statement and signature. An
/// electronic ballot's receipt has no number (`seq` is left out): its place in the log is drawn
/// when the sealed box is opened.
struct ReceiptResponse: Encodable {
    let seq: Int?
    let tracking: String
    let receipt: String
    let statement: ReceiptStatement
    let signature: String

    init(seq: Int?, _ receipt: SignedReceipt) {
        self.seq = seq
        tracking = receipt.statement.tracking
        self.receipt = receipt.compactText
        statement = receipt.statement
        signature = Base64.encode(receipt.signature)
    }
}

extension Request {
    /// Decodes a JSON request body, or answers 400 saying what the body should be.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext, expected: String) async throws -> T {
        let body = try await collectBody(upTo: context.maxUploadSize)
        do { return try JSONDecoder().decode(type, from: Data(body.readableBytesView)) } catch {
            throw WebError.badRequest(field: "body", reason: expected)
        }
    }
}
