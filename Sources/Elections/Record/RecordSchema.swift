import GRDB

extension ElectionsSchema {
    /// Records frozen at certification (docs/decisions.md): the bytes of every file of the
    /// record but the ballot log, kept as certified.
    static func registerRecordMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.record.frozen") { db in
            try db.create(table: "certifiedRecordFile") { t in
                t.column("electionID", .integer).notNull().references("resultStatement", column: "electionID", onDelete: .cascade)
                t.column("path", .text).notNull()
                t.column("bytes", .blob).notNull()
                t.primaryKey(["electionID", "path"])
            }
        }
    }
}
