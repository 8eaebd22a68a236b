import Foundation
import Notary

/// A notice as published for programs (`GET /api/v1/elections/{id}/notices/{number}`, and the
/// file `xuanyi election notice --out` writes): the signed canonical payload exactly as signed,
/// the Ed25519 signature over it (Base64) and the election key, with the notice's fields for
/// reading. Check it with `xuanyi election verify-notice` or openssl (ballots/README.md).
public struct NoticeDocument: Codable, Sendable, Equatable {
    public var election: Int64
    public var number: Int
    public var kind: String
    public var issuedOn: String
    public var title: String
    public var subject: String
    public var issuer: String
    public var text: [String]
    public var corrects: Int?
    /// SHA-256 (hex) of `payload`'s UTF-8 bytes.
    public var sha256: String
    /// The canonical JSON of `ElectionNotice`, exactly the bytes signed.
    public var payload: String
    /// Base64 of the 64-byte Ed25519 signature.
    public var signature: String
    public var keyID: String
    /// SHA-256 of the raw election key: compare with the announcement (选举公告第1号).
    public var keyFingerprint: String
    /// The election key, SPKI PEM.
    public var publicKey: String

    public init(_ signed: SignedNotice) {
        let n = signed.notice
        election = n.election
        number = n.number
        kind = n.kind.rawValue
        issuedOn = n.issuedOn
        title = n.title
        subject = n.subject
        issuer = n.issuer
        text = n.text
        corrects = n.corrects
        sha256 = signed.sha256
        payload = String(decoding: signed.bytes, as: UTF8.self)
        signature = signed.signature.base64EncodedString()
        keyID = n.key
        keyFingerprint = signed.keyFingerprint
        publicKey = signed.publicKeyPEM
    }

    /// Why a notice document does not check out.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the document: the signature over `payload` with `key` (or, without one, the key
    /// the document carries — then `anchor`, the fingerprint printed on the announcement, must
    /// match it), and that the readable fields are the signed ones. Returns the signed notice.
    @discardableResult
    public func verify(key: Ed25519PublicKey? = nil, anchor: String? = nil) throws -> ElectionNotice {
        let bytes = Data(payload.utf8)
        let carried = try? Ed25519PublicKey(pem: publicKey)
        guard let key = key ?? carried else { throw Failure(description: "the document carries no readable election key") }
        if let anchor {
            let wanted = anchor.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard key.fingerprint == wanted || key.keyID == wanted else {
                throw Failure(description: "the election key's fingerprint \(key.fingerprint) is not the anchor \(wanted)")
            }
        }
        guard let signature = Data(base64Encoded: signature), signature.count == 64, key.isValidSignature(signature, for: bytes) else {
            throw Failure(description: "the signature does not match the payload with election key \(key.keyID)")
        }
        guard let notice = try? JSONDecoder().decode(ElectionNotice.self, from: bytes), (try? CanonicalJSON.encode(notice)) == bytes else {
            throw Failure(description: "the payload is not a canonical election notice")
        }
        guard notice.key == key.keyID, notice.election == election, notice.number == number, notice.kind.rawValue == kind,
              notice.issuedOn == issuedOn, notice.title == title, notice.subject == subject, notice.issuer == issuer, notice.text == text,
              notice.corrects == corrects, SHA256.hash(bytes).hex == sha256 else {
            throw Failure(description: "the readable fields differ from the signed payload")
        }
        return notice
    }
}
