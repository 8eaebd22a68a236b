import GRDB

extension ElectionsSchema {
    /// The handover (工作移交) after a certified election: the checklist, the two sign-offs and
    /// the election committee's confirmation.
    static func registerHandoverMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.handover.v1") { db in
            try db.create(table: "handover") { t in
                t.primaryKey("electionID", .integer).references("election", onDelete: .cascade)
                t.column("certifiedOn", .text).notNull()
                t.column("openedOn", .text).notNull()
                t.column("completedOn", .text)
                t.column("presidedBy", .text)
                t.column("noticeNumber", .integer)
            }
            try db.create(table: "handoverItem") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("electionID", .integer).notNull().references("handover", column: "electionID", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("category", .text).notNull()
                t.column("description", .text).notNull()
                t.column("quantity", .text).notNull()
                t.column("remarks", .text).notNull()
                t.uniqueKey(["electionID", "seq"])
            }
            try db.create(table: "handoverSignOff") { t in
                t.column("electionID", .integer).notNull().references("handover", column: "electionID", onDelete: .cascade)
                t.column("side", .text).notNull()
                t.column("name", .text).notNull()
                t.column("post", .text).notNull()
                t.column("person", .integer)
                t.column("signedOn", .text).notNull()
                t.column("recordedBy", .text).notNull()
                t.primaryKey(["electionID", "side"])
            }
        }
    }
}
