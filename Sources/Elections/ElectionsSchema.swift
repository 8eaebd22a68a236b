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
            }
            try db.create(index: "committeeMemberByResident", on: "electionCommitteeMember", columns: ["electionID", "residentID"])
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
        migrator.registerMigration("elections.v3") { db in
            try db.alter(table: "election") { t in
                t.add(column: "proxyListPublishedOn", .text)
            }
            try db.create(table: "pollingRound") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("paperJSON", .text).notNull()
                t.column("paperDigest", .text).notNull()
                t.column("status", .text).notNull()
                t.column("electronic", .boolean).notNull()
                t.column("openedAt", .datetime).notNull()
                t.uniqueKey(["electionID", "number"])
            }
            try db.create(table: "pollingStation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.uniqueKey(["electionID", "name"])
            }
            try db.create(table: "ballotBox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("roundID", .integer).notNull().references("pollingRound", onDelete: .cascade)
                t.column("stationID", .integer).references("pollingStation", onDelete: .restrict)
                t.column("number", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("status", .text).notNull()
                t.column("handCount", .integer)
                t.column("countSheet", .text)
                t.column("countSheetJSON", .text)
                t.column("closedAt", .datetime)
                t.uniqueKey(["roundID", "number"])
            }
            try db.create(table: "boxScrutineer") { t in
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.belongsTo("resident", onDelete: .restrict).notNull()
                t.primaryKey(["boxID", "residentID"])
            }
            try db.create(table: "paperMovement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("roundID", .integer).notNull().references("pollingRound", onDelete: .cascade)
                t.column("stationID", .integer).notNull().references("pollingStation", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("note", .text)
                t.column("recordedAt", .datetime).notNull()
            }
            try db.create(table: "proxyAuthorisation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("principalEntryID", .integer).notNull().references("rollEntry", onDelete: .cascade)
                t.column("holderEntryID", .integer).notNull().references("rollEntry", onDelete: .cascade)
                t.column("document", .text).notNull()
                t.column("signedOn", .text).notNull()
                t.column("filedOn", .text).notNull()
                t.column("revoked", .boolean).notNull()
            }
            try db.create(index: "proxyByPrincipal", on: "proxyAuthorisation", columns: ["electionID", "principalEntryID"])
            // Who received a ballot in a round. WITHOUT ROWID and keyed by roll entry, so the table
            // keeps no insertion order that could be matched against the ballot log; electronic
            // check-ins carry the date only (docs/decisions.md).
            try db.execute(sql: """
                CREATE TABLE checkIn (
                    roundID INTEGER NOT NULL REFERENCES pollingRound(id) ON DELETE CASCADE,
                    rollEntryID INTEGER NOT NULL REFERENCES rollEntry(id) ON DELETE RESTRICT,
                    boxID INTEGER NOT NULL REFERENCES ballotBox(id) ON DELETE RESTRICT,
                    method TEXT NOT NULL,
                    proxyID INTEGER REFERENCES proxyAuthorisation(id) ON DELETE RESTRICT,
                    assistedByID INTEGER REFERENCES resident(id) ON DELETE RESTRICT,
                    at TEXT NOT NULL,
                    issuedBy INTEGER,
                    PRIMARY KEY (roundID, rollEntryID)
                ) WITHOUT ROWID
                """)
            try db.create(table: "ballotLog") { t in
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("seq", .integer).notNull()
                t.column("roundID", .integer).notNull().references("pollingRound", onDelete: .cascade)
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("line", .text).notNull()
                t.column("tracking", .text).notNull()
                t.column("recordedAt", .text).notNull()
                t.primaryKey(["electionID", "seq"])
                t.uniqueKey(["electionID", "tracking"])
            }
            try db.create(table: "paperEntry") { t in
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("pass", .text).notNull()
                t.column("content", .text).notNull()
                t.column("accountID", .integer).notNull()
                t.column("enteredAt", .datetime).notNull()
                t.primaryKey(["boxID", "position", "pass"])
            }
            try db.create(table: "paperBallot") { t in
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.primaryKey(["boxID", "position"])
            }
            try db.create(table: "voterSession") { t in
                t.column("tokenHash", .text).primaryKey()
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("rollEntryID", .integer).notNull().references("rollEntry", onDelete: .cascade)
                t.column("expiresAt", .datetime).notNull()
            }
            // A cast's form token → the log line it produced, so a retried submission returns the
            // same receipt instead of a second ballot. Holds no voter.
            try db.create(table: "electronicCast") { t in
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("token", .text).notNull()
                t.column("seq", .integer).notNull()
                t.primaryKey(["electionID", "token"])
            }
        }
        migrator.registerMigration("elections.v4") { db in
            // The result statement, signed with the election key when the result is certified
            // (one per election), and the committee members' countersignatures on it.
            try db.create(table: "resultStatement") { t in
                t.primaryKey("electionID", .integer).references("election", onDelete: .cascade)
                t.column("statementJSON", .text).notNull()
                t.column("signature", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "resultCountersignature") { t in
                t.column("electionID", .integer).notNull().references("resultStatement", column: "electionID", onDelete: .cascade)
                t.column("memberID", .integer).notNull().references("electionCommitteeMember", onDelete: .restrict)
                t.column("countersignatureJSON", .text).notNull()
                t.column("signature", .blob).notNull()
                t.column("publicKeyPEM", .text).notNull()
                t.primaryKey(["electionID", "memberID"])
            }
        }
        migrator.registerMigration("elections.ballotLogHead") { db in
            // Each election's ballot-log head (last line and its tracking code), written in the same
            // transaction as every line: a restore checks the log against it, so lines removed from
            // the end are found (docs/decisions.md 63).
            try db.create(table: "ballotLogHead") { t in
                t.primaryKey("electionID", .integer).references("election", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("tracking", .text).notNull()
            }
            // SQLite takes the bare column (tracking) from the row holding the maximum.
            try db.execute(sql: "INSERT INTO ballotLogHead (electionID, seq, tracking) SELECT electionID, max(seq), tracking FROM ballotLog GROUP BY electionID")
        }
        registerSecrecyMigrations(in: &migrator)
        registerRecordMigrations(in: &migrator)
        registerSealedBoxMigrations(in: &migrator)
        registerNoticeMigrations(in: &migrator)
        registerHandoverMigrations(in: &migrator)
        registerAnnulmentMigrations(in: &migrator)
        registerRecallMigrations(in: &migrator)
    }

    /// Who received a ballot: on disk in roll-entry order, never in the order voters cast
    /// (`AppDatabase.protectAtRest`).
    public static var insertionOrderSensitiveTables: [String] { ["checkIn", "sealedBallot", "castReceipt"] }

    /// The election's public steps (election-rules.md §10): after each, a signed audit head is
    /// published (`AuditHeadSchedule`), so the log up to that step is fixed outside the server.
    public static var publicStepActions: Set<String> {
        ["election.announce", "election.day.move", "committee.add", "committee.stepDown", "roll.publish", "objection.decide",
         "proxy.publish", "candidates.publish", "round.open", "box.close", "round.close", "result.certify", "result.countersign",
         "handover.complete", "result.annul", "recall.submit", "recall.vote.open", "recall.decide"]
    }

    /// Secrecy and insider resistance (docs/decisions.md): each round keeps its turnout base,
    /// fixed when it opens.
    static func registerSecrecyMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elections.secrecy.v1") { db in
            try db.alter(table: "pollingRound") { t in t.add(column: "rollSize", .integer) }
            try db.execute(sql: """
                UPDATE pollingRound SET rollSize = (SELECT count(*) FROM rollEntry WHERE rollEntry.electionID = pollingRound.electionID AND rollEntry.active)
                """)
            // Each teller's count of a paper box, and the committee's corrections with their reasons.
            try db.create(table: "handCountEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("boxID", .integer).notNull().references("ballotBox", onDelete: .cascade)
                t.column("kind", .text).notNull().check { ["teller", "correction"].contains($0) }
                t.column("accountID", .integer).notNull()
                t.column("count", .integer).notNull()
                t.column("reason", .text)
                t.column("enteredAt", .datetime).notNull()
            }
            // Boxes counted before: their single count is kept, marked as set once before two tellers were required.
            try db.execute(sql: """
                INSERT INTO handCountEntry (boxID, kind, accountID, count, reason, enteredAt)
                SELECT id, 'correction', 0, handCount, 'counted once before two tellers were required', COALESCE(closedAt, CURRENT_TIMESTAMP)
                FROM ballotBox WHERE handCount IS NOT NULL AND kind != 'electronic'
                """)
        }
        // Polling-station terminals for electronicVoting = station (VotingTerminal).
        migrator.registerMigration("elections.votingTerminal") { db in
            try db.create(table: "votingTerminal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("election", onDelete: .cascade).notNull()
                t.column("stationID", .integer).notNull().references("pollingStation", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("tokenHash", .text).notNull().unique()
                t.column("unlockedBy", .integer)
                t.column("unlockedOn", .text).notNull()
                t.column("admitted", .boolean).notNull().defaults(to: false)
                t.column("locked", .boolean).notNull().defaults(to: false)
            }
        }
        // The session of the voter signed in on a terminal, ended at the next admission.
        migrator.registerMigration("elections.votingTerminal.session") { db in
            try db.alter(table: "votingTerminal") { t in t.add(column: "sessionHash", .text) }
        }
        // How a registration application was decided (registration categories c and d): its
        // basis, the decision's reference and who recorded it (RollApplication).
        migrator.registerMigration("elections.rollApplication.approval") { db in
            try db.alter(table: "rollApplication") { t in
                t.add(column: "approval", .text)
                t.add(column: "decisionReference", .text)
                t.add(column: "recordedBy", .text)
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
            // The turnout of the time for the representative method (at least two thirds; the
            // 2025 law's "more than" applies to elections set up under it).
            if row["method"] == ElectionMethod.representative.rawValue { rules.turnout = .atLeastTwoThirds }
            rules.votingAge = legacy.votingAge
            rules.residenceMonths = legacy.residenceMonths
            rules.workerMonths = legacy.workerMonths
            rules.rollPublicationDays = legacy.rollPublicationDays
            rules.objectionDays = legacy.objectionDays
            rules.objectionDecisionDays = legacy.objectionDecisionDays
            rules.representativesPerGroupMin = legacy.representativesPerGroup.first ?? 2
            rules.representativesPerGroupMax = legacy.representativesPerGroup.last ?? 3
            // Keep the new deadlines inside a shorter roll period than the model's.
            rules.nominationCloseDays = max(rules.candidateListDays, min(rules.nominationCloseDays, rules.rollPublicationDays))
            rules.announcementDays = max(rules.announcementDays, rules.rollPublicationDays)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let digest: String? = (row["status"] as String) == "preparing" ? nil : try rules.digest()
            try db.execute(sql: "UPDATE election SET rulesJSON = ?, rulesDigest = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(rules), as: UTF8.self), digest, row["id"] as Int64])
        }
    }
}