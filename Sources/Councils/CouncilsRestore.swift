import Community
import Foundation
import GRDB
import Notary

/// What a restore resets for the discussion garden: households signed in with their access
/// cards before the restore sign in again. (Its records hold no chain of their own beyond the
/// audit log, which every restore checks.)
extension CouncilsSchema: RestoreModule {
    public static func checkRestored(_ copy: AppDatabase, file: String, keys: [String: Ed25519PrivateKey]) throws -> [String] { [] }

    public static func forgotten(copy: AppDatabase, replaced: AppDatabase?) throws -> [String] { [] }

    public static func prepareRestored(_ db: Database, forgotten: [String]) throws {
        try db.execute(sql: "DELETE FROM householdSession")
    }
}
