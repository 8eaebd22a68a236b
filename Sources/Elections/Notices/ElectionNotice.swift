import Foundation
import Notary

/// A numbered election notice (选举公告 第N号): what is signed with the election key. Its
/// canonical JSON is the signed payload; `text` is the official Chinese text, rendered from
/// `facts` by `NoticeText` when the notice is issued.
public struct ElectionNotice: Codable, Sendable, Equatable {
    /// The payload's format name.
    public static let formatName = "xuanyi-notice/1"

    public var format: String
    public var election: Int64
    /// 1, 2, 3 … within the election, gapless, in the order of the steps.
    public var number: Int
    public var kind: NoticeKind
    /// The community's name.
    public var community: String
    /// The issuing committee (…社区居民委员会选举委员会).
    public var issuer: String
    /// The issue date, a China civil date (YYYY-MM-DD).
    public var issuedOn: String
    /// "选举公告 第N号".
    public var title: String
    /// The subject line (Chinese).
    public var subject: String
    /// The official text, paragraph by paragraph (Chinese).
    public var text: [String]
    public var facts: NoticeFacts
    /// The number of the notice this one corrects.
    public var corrects: Int?
    /// Key id of the election key that signs it.
    public var key: String
    /// The audit log's head once the step was recorded (entries and the last entry's hash): the
    /// notice fixes the log up to its step outside the server, so a truncated or re-chained log
    /// contradicts a posted notice.
    public var audit: AuditHead?

    /// An audit-log head: `entries` entries, the last with hash `head`.
    public struct AuditHead: Codable, Sendable, Equatable {
        public var entries: Int64
        public var head: String
    }

    /// The canonical bytes that are signed.
    public func canonicalBytes() throws -> Data { try CanonicalJSON.encode(self) }
}

/// A notice as stored and published: the signed bytes, the Ed25519 signature and the public
/// key that checks it.
public struct SignedNotice: Sendable, Equatable {
    public var notice: ElectionNotice
    /// The canonical JSON exactly as signed.
    public var bytes: Data
    /// The 64-byte Ed25519 signature over `bytes`.
    public var signature: Data
    /// The election key (SPKI PEM).
    public var publicKeyPEM: String

    /// SHA-256 (hex) of the signed bytes.
    public var sha256: String { SHA256.hash(bytes).hex }
    /// The election key's fingerprint (SHA-256 of the raw key).
    public var keyFingerprint: String { (try? Ed25519PublicKey(pem: publicKeyPEM).fingerprint) ?? "" }

    /// True when the signature checks with the election key and the bytes are the notice's.
    public func verify() -> Bool {
        guard let key = try? Ed25519PublicKey(pem: publicKeyPEM), key.keyID == notice.key,
              let decoded = try? JSONDecoder().decode(ElectionNotice.self, from: bytes), decoded == notice,
              (try? CanonicalJSON.encode(decoded)) == bytes else { return false }
        return key.isValidSignature(signature, for: bytes)
    }
}
