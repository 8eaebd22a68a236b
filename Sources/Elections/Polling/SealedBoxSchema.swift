import GRDB

extension ElectionsSchema {
    /// The sealed electronic ballot box (docs/decisions.md): a round's box key (public half on
    /// the round, the private half only as sealed shares of the committee), the sealed ballots
    /// until the box is opened, and what a retried cast needs to give its receipt again — the
    /// receipt code sealed under the voter's form token, which only the voter's browser knows.
    static func registerSealedBoxMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.sealedBox") { db in
            try db.alter(table: "pollingRound") { t in
                t.add(column: "boxPublicKey", .text)
                t.add(column: "boxThreshold", .integer)
            }
            try db.create(table: "boxKeyShare") { t in
                t.column("roundID", .integer).notNull().references("pollingRound", onDelete: .cascade)
                t.column("accountID", .integer).notNull()
                t.column("memberBoxKey", .text).notNull()
                t.column("sealedShare", .blob).notNull()
                t.primaryKey(["roundID", "accountID"])
            }
            // A random 16-byte id: nothing in the key says which ballot came first.
            try db.create(table: "sealedBallot", options: .withoutRowID) { t in
                t.primaryKey("id", .blob)
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("sealed", .blob).notNull()
            }
            try db.create(index: "sealedBallot_box", on: "sealedBallot", columns: ["boxID"])
            try db.create(table: "castReceipt", options: .withoutRowID) { t in
                t.primaryKey("tokenHash", .text)
                t.column("electionID", .integer).notNull().references("election", onDelete: .cascade)
                t.column("round", .integer).notNull()
                t.column("sealedCode", .blob).notNull()
            }
            // An electronic line's receipt code (SHA-256 of the line without prev and seq).
            try db.alter(table: "ballotLog") { t in t.add(column: "receipt", .text) }
            try db.create(index: "ballotLog_receipt", on: "ballotLog", columns: ["electionID", "receipt"])
        }
    }
}
