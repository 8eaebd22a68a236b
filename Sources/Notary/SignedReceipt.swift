import Foundation

/// What a receipt states: that something (`what`) was recorded for `subject` as entry `seq`
/// with tracking code `tracking`, at time `at`, signed by key `key`.
///
/// The ballot receipt of verifiability.md §4 is `what = "ballot"`, `subject` = the election id
/// and `round` set; objections, nominations, motions and box count sheets use the same shape.
public struct ReceiptStatement: Codable, Sendable, Equatable {
    /// Kind of thing receipted: `ballot`, `objection`, `nomination`, `motion`, `count-sheet` …
    public var what: String
    /// Id of the election, motion or community the entry belongs to.
    public var subject: String
    /// Polling round, for ballots.
    public var round: Int?
    /// Sequence number of the entry within its log; absent for an electronic ballot, whose
    /// place in the log is drawn only when its sealed box is opened (the receipt is signed at
    /// cast and binds to the ballot's content instead).
    public var seq: Int?
    /// Tracking code: lowercase hex SHA-256 of the entry's canonical line.
    public var tracking: String
    /// RFC 3339 UTC time of recording.
    public var at: String
    /// Key id of the signing key.
    public var key: String

    /// Creates a statement.
    public init(what: String, subject: String, round: Int? = nil, seq: Int?, tracking: String, at: String, key: String) {
        self.what = what
        self.subject = subject
        self.round = round
        self.seq = seq
        self.tracking = tracking
        self.at = at
        self.key = key
    }
}

/// A statement plus a detached Ed25519 signature over its canonical JSON.
///
/// Two interchangeable forms:
/// - compact text, one line that fits a QR code: `xyr1.<statement>.<signature>`, both parts
///   unpadded URL-safe base64 (the statement part decodes to the exact signed bytes);
/// - JSON: `{"signature":"<base64>","statement":{…}}`, canonical, where the statement's
///   canonical encoding is again the signed bytes.
public struct SignedReceipt: Sendable, Equatable {
    /// Prefix and version of the compact text form.
    public static let compactPrefix = "xyr1"

    /// The statement.
    public let statement: ReceiptStatement
    /// The exact bytes signed: the statement's canonical JSON.
    public let statementBytes: Data
    /// 64-byte Ed25519 signature.
    public let signature: Data

    /// Signs a statement. The statement's `key` must be the signing key's id.
    public static func issue(_ statement: ReceiptStatement, signingKey: Ed25519PrivateKey) throws -> SignedReceipt {
        guard statement.key == signingKey.keyID else {
            throw NotaryError.malformedReceipt("statement names key \(statement.key) but is signed with \(signingKey.keyID)")
        }
        let bytes = try CanonicalJSON.encode(statement)
        return SignedReceipt(statement: statement, statementBytes: bytes, signature: try signingKey.sign(bytes))
    }

    private init(statement: ReceiptStatement, statementBytes: Data, signature: Data) {
        self.statement = statement
        self.statementBytes = statementBytes
        self.signature = signature
    }

    /// Checks the signature with `publicKey`, and that the statement names that key.
    public func verify(with publicKey: Ed25519PublicKey) throws {
        guard statement.key == publicKey.keyID else {
            throw NotaryError.malformedReceipt("receipt was signed by key \(statement.key), not \(publicKey.keyID)")
        }
        try publicKey.verify(signature: signature, for: statementBytes)
    }

    /// The one-line compact form.
    public var compactText: String {
        "\(Self.compactPrefix).\(Base64.encodeURL(statementBytes)).\(Base64.encodeURL(signature))"
    }

    /// Parses the compact form. The statement bytes must be canonical, so that what is shown
    /// is exactly what was signed.
    public init(compactText text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.compactPrefix else {
            throw NotaryError.malformedReceipt("expected \(Self.compactPrefix).<statement>.<signature>")
        }
        guard let bytes = Base64.decodeURL(String(parts[1])) else { throw NotaryError.malformedReceipt("statement part is not base64url") }
        guard let signature = Base64.decodeURL(String(parts[2])) else { throw NotaryError.malformedReceipt("signature part is not base64url") }
        try self.init(statementBytes: bytes, signature: signature)
    }

    /// The canonical JSON form.
    public var jsonRepresentation: Data {
        // Both members are canonical on their own; encoding them again cannot fail.
        (try? CanonicalJSON.encode(JSONForm(statement: statement, signature: Base64.encode(signature)))) ?? Data()
    }

    /// Parses the JSON form (any whitespace or key order; the statement is re-encoded canonically).
    public init(json: Data) throws {
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: json)
        } catch {
            throw NotaryError.malformedReceipt("not a receipt JSON object: \(error)")
        }
        guard let signature = Base64.decode(form.signature) else { throw NotaryError.malformedReceipt("signature is not base64") }
        try self.init(statementBytes: try CanonicalJSON.encode(form.statement), signature: signature)
    }

    private init(statementBytes bytes: Data, signature: Data) throws {
        let statement: ReceiptStatement
        do {
            statement = try JSONDecoder().decode(ReceiptStatement.self, from: bytes)
        } catch {
            throw NotaryError.malformedReceipt("statement is not a receipt statement: \(error)")
        }
        guard try CanonicalJSON.encode(statement) == bytes else {
            throw NotaryError.malformedReceipt("statement is not in canonical form (or has unknown fields)")
        }
        guard signature.count == 64 else { throw NotaryError.malformedSignature(length: signature.count) }
        self.init(statement: statement, statementBytes: bytes, signature: signature)
    }

    private struct JSONForm: Codable {
        let statement: ReceiptStatement
        let signature: String
    }
}
