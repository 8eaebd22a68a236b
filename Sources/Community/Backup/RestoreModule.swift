import Foundation
import GRDB
import Notary

/// What a schema module adds to a restore, beyond the checks every database gets (SQLite's
/// integrity check, the audit chain, the key files): its own chains and signed records, what a
/// restore to an earlier point forgets, and what must not survive it.
public protocol RestoreModule: SchemaModule {
    /// Checks the copy about to be restored (already migrated, not yet in place). Throws a
    /// `RestoreFailure` naming `file`, the table or chain, and what is wrong. `keys` are the
    /// private keys available to the restore (the backup's, or the target's key store), by id.
    static func checkRestored(_ copy: AppDatabase, file: String, keys: [String: Ed25519PrivateKey]) throws -> [String]

    /// Lines saying what the copy lacks compared with the database it replaces, per election or
    /// register; `replaced` is nil when there is none or it cannot be read.
    static func forgotten(copy: AppDatabase, replaced: AppDatabase?) throws -> [String]

    /// Changes to the copy inside the restore's transaction before it is put in place (ending
    /// sessions, moving sequence floors …).
    static func prepareRestored(_ db: Database, forgotten: [String]) throws
}
