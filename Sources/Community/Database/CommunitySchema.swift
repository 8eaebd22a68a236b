import GRDB

/// Community's tables: communities, addresses, households, residents, accounts, sessions,
/// signing keys and the audit log.
public enum CommunitySchema: SchemaModule {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("community.v1") { db in
            try db.create(table: "community") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("code", .text).unique()
                t.column("name", .text).notNull()
                t.column("streetOffice", .text).notNull()
                t.column("district", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "address") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("building", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("room", .text).notNull()
                t.uniqueKey(["communityID", "building", "unit", "room"])
            }
            try db.create(table: "household") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("number", .text).notNull()
                t.belongsTo("address", onDelete: .setNull)
                t.column("basis", .text).notNull().check { ["hukou", "residence"].contains($0) }
                t.column("hukouAddress", .text)
                t.uniqueKey(["communityID", "number"])
            }
            try db.create(table: "resident") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("gender", .text).notNull().check { ["male", "female"].contains($0) }
                t.column("idNumber", .text).notNull()
                t.column("birthDate", .text).notNull()
                t.column("ethnicity", .text).notNull()
                t.column("phone", .text)
                t.belongsTo("household", onDelete: .setNull)
                t.column("relationToHead", .text)
                t.column("residenceAddressID", .integer).references("address", onDelete: .setNull)
                t.column("livingSince", .text)
                t.column("politicalRights", .text).notNull().check { ["held", "deprived"].contains($0) }
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["communityID", "idNumber"])
            }
            try db.create(index: "resident_on_idNumber", on: "resident", columns: ["idNumber"])
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade)
                t.column("username", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("displayName", .text).notNull()
                t.column("passwordHash", .text).notNull()
                t.column("roles", .text).notNull()
                t.belongsTo("resident", onDelete: .setNull)
                t.column("disabled", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.column("tokenHash", .text).primaryKey()
                t.belongsTo("account", onDelete: .cascade).notNull()
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
            }
            try db.create(table: "signingKey") { t in
                t.column("keyID", .text).primaryKey()
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("purpose", .text).notNull()
                t.column("publicKeyPEM", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "auditEntry") { t in
                t.column("seq", .integer).primaryKey()
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("details", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("prev", .text).notNull()
                t.column("hash", .text).notNull()
            }
        }
        migrator.registerMigration("community.v2") { db in
            // Registration facts the voter roll needs (人户分离, community workers).
            try db.alter(table: "resident") { t in
                t.add(column: "hukouHere", .boolean).notNull().defaults(to: true)
                t.add(column: "livesHere", .boolean).notNull().defaults(to: true)
                t.add(column: "workingSince", .text)
            }
            try db.create(index: "resident_on_household", on: "resident", columns: ["householdID"])
        }
        migrator.registerMigration("community.v3") { db in
            // Each account's own Ed25519 key (countersigning results), sealed under its password.
            try db.create(table: "accountKey") { t in
                t.primaryKey("accountID", .integer).references("account", onDelete: .cascade)
                t.column("publicKeyPEM", .text).notNull()
                t.column("sealedPrivateKey", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("community.v4") { db in
            // A rehearsal (演练) database: its clock may be moved and its records say so.
            try db.alter(table: "community") { t in
                t.add(column: "rehearsal", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("community.ownPasswords") { db in
            // An account whose password someone else chose (the administrator) opens only the
            // page where its owner sets their own (docs/decisions.md).
            try db.alter(table: "account") { t in
                t.add(column: "mustChangePassword", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("community.boxKeys") { db in
            // A member's box key (X25519, derived from their own signing key): the public half,
            // to which a sealed ballot box's key share is sealed (docs/decisions.md).
            try db.alter(table: "accountKey") { t in t.add(column: "boxPublicKey", .text) }
        }
        migrator.registerMigration("community.auditHeads") { db in
            // Published audit heads (`PublishedAuditHead`), signed by the community key.
            try db.create(table: "auditHead") { t in
                t.primaryKey("number", .integer)
                t.column("statement", .text).notNull()
                t.column("signature", .text).notNull()
            }
        }
    }
}
