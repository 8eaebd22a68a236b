import GRDB

extension ElectionsSchema {
    /// The election notices (选举公告): append-only, numbered per election.
    static func registerNoticeMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.notices.v1") { db in
            try db.create(table: "electionNotice") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("issuedOn", .text).notNull()
                // The canonical JSON exactly as signed, and the Ed25519 signature over it.
                t.column("payloadJSON", .text).notNull()
                t.column("signature", .blob).notNull()
                t.column("keyID", .text).notNull()
                t.column("corrects", .integer)
                t.uniqueKey(["electionID", "number"])
            }
            // Notices are append-only: a correction is a new notice.
            try db.execute(sql: """
                CREATE TRIGGER electionNoticeAppendOnly BEFORE UPDATE ON electionNotice
                BEGIN SELECT RAISE(ABORT, 'election notices are append-only: issue a correction'); END
                """)
        }
    }
}
