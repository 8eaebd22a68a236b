import GRDB

extension ElectionsSchema {
    /// Records frozen at certification (docs/decisions.md): the bytes of every file of the
    /// record but the ballot log, kept as certified; the signed election definition and the
    /// count sheets' signatures.
    static func registerRecordMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.record.frozen") { db in
            try db.create(table: "certifiedRecordFile") { t in
                t.column("electionID", .integer).notNull().references("resultStatement", column: "electionID", onDelete: .cascade)
                t.column("path", .text).notNull()
                t.column("bytes", .blob).notNull()
                t.primaryKey(["electionID", "path"])
            }
        }
        // The signed election definition (each version; the latest is in force) and the count
        // sheets' signatures: the election key's at closing, each scrutineer's with their own key.
        migrator.registerMigration("elections.record.definition") { db in
            try db.create(table: "electionDefinition") { t in
                t.column("electionID", .integer).notNull().references("election", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("definitionJSON", .text).notNull()
                t.column("signature", .blob).notNull()
                t.column("signedAt", .datetime).notNull()
                t.primaryKey(["electionID", "version"])
            }
            try db.alter(table: "ballotBox") { t in t.add(column: "countSheetSignature", .blob) }
            try db.create(table: "countSheetSignature") { t in
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("memberID", .integer).notNull()
                t.column("publicKeyPEM", .text).notNull()
                t.column("signature", .blob).notNull()
                t.column("signedAt", .datetime).notNull()
                t.primaryKey(["boxID", "memberID"])
            }
        }
    }
}
