import GRDB

extension ElectionsSchema {
    /// Recall proposals (罢免要求): the proposal, its members and their replies, its signatures
    /// (each roll entry of the term once), and each teller's count of each box of the vote.
    static func registerRecallMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.recall.v1") { db in
            try db.create(table: "recallProposal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("signatories", .text).notNull()
                t.column("reasons", .text).notNull()
                t.column("proposer", .text).notNull()
                t.column("filedOn", .text).notNull()
                t.column("base", .integer).notNull()
                t.column("needed", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("reachedOn", .text)
                t.column("voteDeadline", .text)
                t.column("heldOn", .text)
                t.column("rollSize", .integer)
                t.column("outcomeJSON", .text)
                t.column("decidedOn", .text)
                t.uniqueKey(["electionID", "number"])
            }
            try db.create(table: "recallTarget") { t in
                t.column("proposalID", .integer).notNull().references("recallProposal", onDelete: .cascade)
                t.column("person", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("post", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("reply", .text)
                t.column("repliedOn", .text)
                t.primaryKey(["proposalID", "person"])
            }
            try db.create(table: "recallSignature") { t in
                t.column("proposalID", .integer).notNull().references("recallProposal", onDelete: .cascade)
                t.column("rollEntryID", .integer).notNull().references("rollEntry", onDelete: .restrict)
                t.column("signedOn", .text).notNull()
                t.primaryKey(["proposalID", "rollEntryID"])
            }
            try db.create(table: "recallCount") { t in
                t.column("proposalID", .integer).notNull().references("recallProposal", onDelete: .cascade)
                t.column("box", .integer).notNull()
                t.column("boxName", .text).notNull()
                t.column("teller", .text).notNull()
                t.column("countJSON", .text).notNull()
                t.column("enteredAt", .datetime).notNull()
                t.primaryKey(["proposalID", "box", "teller"])
            }
        }
    }
}
