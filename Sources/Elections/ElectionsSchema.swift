import Community
import GRDB

/// Elections' tables. Nothing here links a voter to how they voted: the roll, check-ins and
/// credentials are about who may vote, never about a ballot's content.
public enum ElectionsSchema: SchemaModule {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.v1") { db in
            try db.create(table: "election") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("title", .text).notNull()
                t.column("method", .text).notNull()
                t.column("electionDay", .text).notNull()
                t.column("rulesJSON", .text).notNull()
                t.column("status", .text).notNull()
                t.column("keyID", .text).notNull()
                t.column("rollBuilt", .boolean).notNull().defaults(to: false)
                t.column("rollPublishedOn", .text)
                t.column("rollPublishedLate", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "residentsGroup") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.uniqueKey(["communityID", "name"])
            }
            try db.create(table: "rollApplication") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.column("category", .text).notNull()
                t.column("appliedOn", .text).notNull()
                t.column("statementNotRegisteredElsewhere", .boolean).notNull()
                t.column("status", .text).notNull()
                t.column("decidedBy", .text)
                t.column("decidedOn", .text)
                t.column("reason", .text)
                t.uniqueKey(["electionID", "residentID"])
            }
            try db.create(table: "householdRepresentative") { t in
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.primaryKey(["electionID", "householdID"])
            }
            try db.create(table: "groupRepresentative") { t in
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.belongsTo("residentsGroup", onDelete: .cascade).notNull()
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.primaryKey(["electionID", "residentID"])
            }
            try db.create(table: "rollEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.belongsTo("resident", onDelete: .restrict).notNull()
                t.belongsTo("household", onDelete: .setNull)
                t.column("groupID", .integer).references("residentsGroup", onDelete: .setNull)
                t.column("category", .text).notNull()
                t.column("addedBy", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("removedReason", .text)
                t.uniqueKey(["electionID", "residentID"])
                t.uniqueKey(["electionID", "number"])
            }
            try db.create(table: "rollChange") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.belongsTo("rollEntry", onDelete: .cascade).notNull()
                t.column("reason", .text).notNull()
                t.column("changedOn", .text).notNull()
                t.column("note", .text)
                t.column("objectionID", .integer)
            }
            try db.create(table: "objection") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("seq", .integer).notNull()
                t.column("filedAt", .text).notNull()
                t.column("filedOn", .text).notNull()
                t.column("filerName", .text).notNull()
                t.column("filerContact", .text)
                t.column("kind", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("statement", .text).notNull()
                t.column("tracking", .text).notNull()
                t.column("status", .text).notNull()
                t.column("decision", .text)
                t.column("decidedOn", .text)
                t.column("decidedBy", .text)
                t.uniqueKey(["electionID", "seq"])
            }
            try db.create(table: "voterCredential") { t in
                t.column("rollEntryID", .integer).primaryKey().references("rollEntry", onDelete: .cascade)
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("codeHash", .text).notNull()
                t.column("issuedAt", .datetime).notNull()
            }
        }
    }
}
