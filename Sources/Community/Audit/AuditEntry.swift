import Foundation
import Notary

/// One row of the hash-chained audit log.
///
/// `hash` is the SHA-256 of the canonical JSON of the entry's other fields but `details`
/// (`{action, actor, at, digest, prev, seq, subject}`); `digest` is the SHA-256 of `details`,
/// the canonical JSON of what changed. `prev` is the previous entry's `hash` (64 zeros for
/// the first). Editing, deleting or reordering any row breaks the chain at that row.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var seq: Int64
    /// RFC 3339 UTC time.
    public var at: String
    /// Who: `account:<id>:<username>`, `cli`, `system` or `public`.
    public var actor: String
    /// What, as `area.verb`: `resident.create`, `roll.publish`, `ballot.cast` …
    public var action: String
    /// The thing acted on: `resident:42`, `election:3` …
    public var subject: String
    /// Canonical JSON of the change.
    public var details: String
    public var digest: String
    public var prev: String
    public var hash: String

    /// The part of the entry that `hash` covers.
    struct Chained: Encodable {
        let action: String
        let actor: String
        let at: String
        let digest: String
        let prev: String
        let seq: Int64
        let subject: String
    }

    var chained: Chained {
        Chained(action: action, actor: actor, at: at, digest: digest, prev: prev, seq: seq, subject: subject)
    }

    /// Recomputes the hash from the entry's fields.
    func computedHash() throws -> String {
        try CanonicalJSON.digest(chained).hex
    }
}
