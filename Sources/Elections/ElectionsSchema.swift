import Community
import Foundation
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
        migrator.registerMigration("elections.v2") { db in
            try db.alter(table: "election") { t in
                t.add(column: "rulesDigest", .text)
                t.add(column: "announcedOn", .text)
                t.add(column: "candidateListPublishedOn", .text)
                t.add(column: "candidateListLate", .boolean).notNull().defaults(to: false)
            }
            try migrateRollRules(db)
            try db.create(table: "electionCommitteeMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.belongsTo("account", onDelete: .restrict).notNull()
                t.belongsTo("resident", onDelete: .restrict).notNull()
                t.column("roles", .text).notNull()
                t.column("joinedOn", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("leftOn", .text)
                t.column("leftReason", .text)
                t.uniqueKey(["electionID", "residentID"])
            }
            try db.create(table: "declaredRelative") { t in
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("residentID", .integer).notNull().references("resident", onDelete: .cascade)
                t.column("relativeID", .integer).notNull().references("resident", onDelete: .cascade)
                t.column("kinship", .text).notNull()
                t.primaryKey(["electionID", "residentID", "relativeID"])
            }
            try db.create(table: "nominee") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("post", .text).notNull()
                t.belongsTo("resident", onDelete: .restrict).notNull()
                t.column("status", .text).notNull()
                t.column("respondedOn", .text)
                t.column("education", .text)
                t.column("occupation", .text)
                t.column("statement", .text)
                t.column("withdrawnOn", .text)
                t.column("withdrawalNote", .text)
                t.uniqueKey(["electionID", "post", "residentID"])
            }
            try db.create(table: "nomination") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("seq", .integer).notNull()
                t.belongsTo("nominee", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("groupID", .integer).references("residentsGroup", onDelete: .setNull)
                t.column("filedAt", .text).notNull()
                t.column("filedOn", .text).notNull()
                t.column("filerName", .text).notNull()
                t.column("tracking", .text).notNull()
                t.uniqueKey(["electionID", "seq"])
            }
            try db.create(table: "nominator") { t in
                t.belongsTo("nomination", onDelete: .cascade).notNull()
                t.column("electionID", .integer).notNull()
                t.column("post", .text).notNull()
                t.belongsTo("rollEntry", onDelete: .cascade).notNull()
                t.primaryKey(["nominationID", "rollEntryID"])
            }
            try db.create(index: "nominatorByVoter", on: "nominator", columns: ["electionID", "post", "rollEntryID"])
            try db.create(table: "primaryRound") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("post", .text).notNull()
                t.column("round", .integer).notNull()
                t.column("heldOn", .text).notNull()
                t.column("participants", .integer).notNull()
                t.column("rollSize", .integer).notNull()
                t.uniqueKey(["electionID", "post", "round"])
            }
            try db.create(table: "primaryVote") { t in
                t.belongsTo("primaryRound", onDelete: .cascade).notNull()
                t.belongsTo("nominee", onDelete: .cascade).notNull()
                t.column("votes", .integer).notNull()
                t.primaryKey(["primaryRoundID", "nomineeID"])
            }
            try db.create(table: "candidate") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("post", .text).notNull()
                t.column("position", .integer).notNull()
                t.belongsTo("nominee", onDelete: .restrict).notNull()
                t.belongsTo("resident", onDelete: .restrict).notNull()
                t.column("votes", .integer).notNull()
                t.column("addedOn", .text).notNull()
                t.column("addedBy", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("withdrawnOn", .text)
                t.uniqueKey(["electionID", "residentID"])
            }
        }
    }

    /// Elections made before the full rule set held only the roll's parameters; they get the
    /// national model for the rest, and a published roll gets its digest.
    static func migrateRollRules(_ db: Database) throws {
        struct Legacy: Decodable {
            var votingAge: Int, residenceMonths: Int, workerMonths: Int, rollPublicationDays: Int
            var objectionDays: Int, objectionDecisionDays: Int, representativesPerGroup: [Int]
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, method, rulesJSON, status FROM election") {
            let text: String = row["rulesJSON"]
            if (try? JSONDecoder().decode(RuleSet.self, from: Data(text.utf8))) != nil { continue }
            let legacy = try JSONDecoder().decode(Legacy.self, from: Data(text.utf8))
            var rules = RuleSet.nationalModel(method: ElectionMethod(rawValue: row["method"]) ?? .direct)
            rules.votingAge = legacy.votingAge
            rules.residenceMonths = legacy.residenceMonths
            rules.workerMonths = legacy.workerMonths
            rules.rollPublicationDays = legacy.rollPublicationDays
            rules.objectionDays = legacy.objectionDays
            rules.objectionDecisionDays = legacy.objectionDecisionDays
            rules.representativesPerGroupMin = legacy.representativesPerGroup.first ?? 2
            rules.representativesPerGroupMax = legacy.representativesPerGroup.last ?? 3
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let digest: String? = (row["status"] as String) == "preparing" ? nil : try rules.digest()
            try db.execute(sql: "UPDATE election SET rulesJSON = ?, rulesDigest = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(rules), as: UTF8.self), digest, row["id"] as Int64])
        }
    }
}