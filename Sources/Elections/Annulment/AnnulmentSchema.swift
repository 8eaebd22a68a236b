import GRDB

extension ElectionsSchema {
    /// The annulment of a certified result obtained unlawfully (L25: such a result is void).
    static func registerAnnulmentMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.annulment.v1") { db in
            try db.create(table: "resultAnnulment") { t in
                t.primaryKey("electionID", .integer).references("resultStatement", column: "electionID", onDelete: .cascade)
                t.column("grounds", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("authority", .text).notNull()
                t.column("decidedBy", .text).notNull()
                t.column("reference", .text).notNull()
                t.column("decidedOn", .text).notNull()
                t.column("recordedBy", .text).notNull()
                t.column("noticeNumber", .integer).notNull()
            }
            // An annulment is final: it is never changed or withdrawn here.
            try db.execute(sql: """
                CREATE TRIGGER resultAnnulmentFinal BEFORE UPDATE ON resultAnnulment
                BEGIN SELECT RAISE(ABORT, 'an annulment is final'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER resultAnnulmentKept BEFORE DELETE ON resultAnnulment
                WHEN (SELECT count(*) FROM resultStatement WHERE electionID = OLD.electionID) > 0
                BEGIN SELECT RAISE(ABORT, 'an annulment is final'); END
                """)
        }
    }
}
