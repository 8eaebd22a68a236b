import Community
import Foundation
import GRDB
import Notary

/// What meetings and hearings share when they are planned and when their records are
/// published: a start time, a chair and a recorder who are staff, and a document signed with
/// the community key.
enum Convening {
    /// `9:30` → `09:30`; throws naming `time` for anything that is not a clock time.
    static func clockTime(_ text: String, example: String) throws -> String {
        let parts = text.split(separator: ":").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw CommunityError.invalid(field: "time", reason: "HH:MM, e.g. \(example)")
        }
        return String(format: "%02d:%02d", parts[0], parts[1])
    }

    /// Checks that the chair and the recorder are two different active staff accounts.
    static func requireChairAndRecorder(_ db: Database, chair: Int64, recorder: Int64, what: String) throws {
        guard chair != recorder else { throw CommunityError.invalid(field: "recorder", reason: "the recorder cannot also chair the \(what)") }
        for (field, id) in [("chair", chair), ("recorder", recorder)] {
            guard let account = try Account.fetchOne(db, key: id), !account.disabled, account.has(anyOf: [.admin, .committee, .clerk]) else {
                throw CommunityError.invalid(field: field, reason: "a staff account of this community")
            }
        }
    }

    /// A published record: its canonical JSON text, SHA-256 and the community key's signature.
    struct SignedRecord {
        let text: String
        let digest: String
        let signature: String
        let keyID: String
    }

    /// Encodes `document` canonically and signs the bytes with the community key.
    static func sign<Document: Encodable>(_ document: Document, with key: Ed25519PrivateKey) throws -> SignedRecord {
        let bytes = try CanonicalJSON.encode(document)
        return SignedRecord(text: String(decoding: bytes, as: UTF8.self), digest: SHA256.hash(bytes).hex, signature: Base64.encode(try key.sign(bytes)), keyID: key.keyID)
    }
}
