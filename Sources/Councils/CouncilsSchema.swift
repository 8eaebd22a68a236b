import Community
import GRDB

/// Councils' tables: the community's deliberation settings, holiday calendar and workflow, the
/// motion register (supports, history, comments, photos), household access codes, standing
/// bodies (representatives, council members), meetings with their attendance roll, agenda,
/// votes and minutes.
public enum CouncilsSchema: SchemaModule {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("councils.v1") { db in
            try db.create(table: "councilSettings") { t in
                t.primaryKey("communityID", .integer).references("community", onDelete: .cascade)
                t.column("settingsJSON", .text).notNull()
                t.column("workflowJSON", .text).notNull()
            }
            try db.create(table: "calendarOverride") { t in
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("date", .text).notNull()
                t.column("kind", .text).notNull().check { ["holiday", "workday", "normal"].contains($0) }
                t.column("name", .text).notNull()
                t.primaryKey(["communityID", "date"])
            }
            try db.create(table: "householdAccess") { t in
                t.primaryKey("householdID", .integer).references("household", onDelete: .cascade)
                t.column("codeHash", .text).notNull()
                t.column("issuedAt", .datetime).notNull()
            }
            try db.create(table: "householdSession") { t in
                t.column("tokenHash", .text).primaryKey()
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.column("expiresAt", .datetime).notNull()
            }
            try db.create(table: "councilBodyMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("body", .text).notNull().check { ["representatives", "council"].contains($0) }
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.column("since", .text).notNull()
                t.column("until", .text)
            }
            try db.create(table: "motion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("number", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("title", .text).notNull()
                t.column("description", .text).notNull()
                t.column("category", .text).notNull()
                t.column("building", .text).notNull()
                t.column("unit", .text).notNull()
                t.column("grid", .text).notNull()
                t.column("householdID", .integer).references("household", onDelete: .setNull)
                t.column("residentID", .integer).references("resident", onDelete: .setNull)
                t.column("submitterLabel", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("enteredBy", .text)
                t.column("submittedAt", .text).notNull()
                t.column("submittedOn", .text).notNull()
                t.column("state", .text).notNull()
                t.column("stateSince", .text).notNull()
                t.column("acceptDue", .text).notNull()
                t.column("replyDue", .text).notNull()
                t.column("reply", .text)
                t.column("repliedOn", .text)
                t.column("referredTo", .text)
                t.column("mergedIntoID", .integer).references("motion", onDelete: .setNull)
                t.column("tracking", .text).notNull()
                t.column("photoSHA256", .text)
                t.uniqueKey(["communityID", "number"])
                t.uniqueKey(["communityID", "seq"])
            }
            try db.create(index: "motion_on_state", on: "motion", columns: ["communityID", "state"])
            try db.create(table: "motionPhoto") { t in
                t.primaryKey("motionID", .integer).references("motion", onDelete: .cascade)
                t.column("mediaType", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("bytes", .blob).notNull()
            }
            try db.create(table: "motionEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("fromState", .text)
                t.column("toState", .text)
                t.column("reason", .text)
            }
            // One support per unit (household or resident, as `supportUnit` said when it was
            // given): the primary key makes a second one impossible, even under concurrency.
            try db.create(table: "motionSupport") { t in
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("unit", .text).notNull()
                t.belongsTo("household", onDelete: .setNull)
                t.belongsTo("resident", onDelete: .setNull)
                t.column("channel", .text).notNull()
                t.column("supportedAt", .text).notNull()
                t.primaryKey(["motionID", "unit"])
            }
            try db.create(table: "motionComment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("author", .text).notNull()
                t.column("authorActor", .text).notNull()
                t.column("body", .text).notNull()
                t.column("internal", .boolean).notNull()
                t.column("createdAt", .text).notNull()
                t.column("hiddenAt", .text)
                t.column("hiddenBy", .text)
                t.column("hiddenReason", .text)
            }
            try db.create(table: "meeting") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("basis", .text).notNull()
                t.column("title", .text).notNull()
                t.column("date", .text).notNull()
                t.column("time", .text).notNull()
                t.column("venue", .text).notNull()
                t.column("chairAccountID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("recorderAccountID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("status", .text).notNull()
                t.column("noticeOn", .text)
                t.column("lateNoticeReason", .text)
                t.column("entitled", .integer).notNull().defaults(to: 0)
                t.column("openedAt", .text)
                t.column("closedAt", .text)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "meetingItem") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("meeting", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("title", .text).notNull()
                t.column("motionID", .integer).references("motion", onDelete: .restrict)
                t.column("passRule", .text).notNull()
                t.column("decision", .text)
                t.column("method", .text)
                t.column("votesFor", .integer)
                t.column("votesAgainst", .integer)
                t.column("votesAbstain", .integer)
                t.column("present", .integer)
                t.column("decisionNote", .text)
                t.column("decidedAt", .text)
                t.column("decidedBy", .text)
                t.uniqueKey(["meetingID", "position"])
            }
            // The attendance roll: one row per entitled unit (an adult resident, a household,
            // a representative or council member), frozen when the notice is published.
            try db.create(table: "meetingAttendee") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("meeting", onDelete: .cascade).notNull()
                t.column("unit", .text).notNull()
                t.belongsTo("household", onDelete: .setNull)
                t.belongsTo("resident", onDelete: .setNull)
                t.column("label", .text).notNull()
                t.column("building", .text).notNull()
                t.column("present", .boolean).notNull().defaults(to: false)
                t.column("attendedBy", .integer).references("resident", onDelete: .setNull)
                t.column("arrivedAt", .text)
                t.column("leftAt", .text)
                t.column("checkInMethod", .text)
                t.uniqueKey(["meetingID", "unit"])
            }
            try db.create(table: "attendeeVote") { t in
                t.belongsTo("meetingItem", onDelete: .cascade).notNull()
                t.belongsTo("meetingAttendee", onDelete: .cascade).notNull()
                t.column("choice", .text).notNull().check { ["for", "against", "abstain"].contains($0) }
                t.primaryKey(["meetingItemID", "meetingAttendeeID"])
            }
            try db.create(table: "meetingMinutes") { t in
                t.primaryKey("meetingID", .integer).references("meeting", onDelete: .cascade)
                t.column("text", .text).notNull()
                t.column("draftedBy", .text).notNull()
                t.column("draftedAt", .text).notNull()
                t.column("chairApprovedAt", .text)
                t.column("recorderApprovedAt", .text)
                t.column("publishedAt", .text)
                t.column("document", .text)
                t.column("digest", .text)
                t.column("signature", .text)
                t.column("keyID", .text)
            }
        }
    }
}
