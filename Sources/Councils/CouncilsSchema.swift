import Community
import GRDB

/// Councils' tables: the community's deliberation settings, holiday calendar and workflow, the
/// motion register (supports, history, comments, photos), household access codes, standing
/// bodies (representatives, council members), meetings with their attendance roll, agenda,
/// votes and minutes (v1); hearings with participants, speeches, opinions and the signed
/// report, implementation tracking, and the unlinkable ratings and assessments (v2); the
/// co-sign threshold mark, meeting presence codes, notice revisions, postponement and
/// cancellation, the hearing chair's signature, and the calendar years a community confirmed (v3);
/// the Party pre-discussion (v4), the yearly work report (v5), the representatives' meeting per term (v6),
/// residents' requests to convene a meeting or a hearing (v7), the supervisory committee (v8),
/// consultations with outside participants (v9).
public enum CouncilsSchema: SchemaModule {
    /// Ratings and assessment scores and the marks of who has rated or scored: on disk in key
    /// order, so nothing pairs a rating with its rater by when they were written
    /// (`AppDatabase.protectAtRest`).
    public static var insertionOrderSensitiveTables: [String] { ["motionRating", "motionRatingMark", "assessmentScore", "assessmentMark"] }

    /// Published council acts: after each, a signed audit head is due (`AuditHeadSchedule`).
    public static var publicStepActions: Set<String> {
        ["meeting.notice", "meeting.minutes.publish", "hearing.notice", "hearing.report", "assessment.close", "council.work-report"]
    }

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
        migrator.registerMigration("councils.v2") { db in
            try db.create(table: "hearing") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("motionID", .integer).references("motion", onDelete: .restrict)
                t.column("title", .text).notNull()
                t.column("matter", .text).notNull()
                t.column("proposer", .text).notNull()
                t.column("plan", .text).notNull()
                t.column("date", .text).notNull()
                t.column("time", .text).notNull()
                t.column("venue", .text).notNull()
                t.column("registrationDeadline", .text).notNull()
                t.column("capacity", .integer).notNull()
                t.column("observerSeats", .integer).notNull()
                t.column("chairAccountID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("recorderAccountID", .integer).notNull().references("account", onDelete: .restrict)
                t.column("status", .text).notNull()
                t.column("noticeOn", .text)
                t.column("lateNoticeReason", .text)
                t.column("startedAt", .text)
                t.column("closedAt", .text)
                t.column("reportText", .text)
                t.column("outcome", .text)
                t.column("reportPublishedAt", .text)
                t.column("reportDocument", .text)
                t.column("reportDigest", .text)
                t.column("reportSignature", .text)
                t.column("keyID", .text)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "hearingParticipant") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("hearing", onDelete: .cascade).notNull()
                t.column("role", .text).notNull().check { ["applicant", "representative", "stakeholder", "observer"].contains($0) }
                t.column("position", .text).notNull().check { ["support", "oppose", "other"].contains($0) }
                t.column("name", .text).notNull()
                t.column("building", .text).notNull()
                t.column("organisation", .text)
                t.column("statement", .text)
                t.column("householdID", .integer).references("household", onDelete: .setNull)
                t.column("residentID", .integer).references("resident", onDelete: .setNull)
                t.column("registeredAt", .text).notNull()
                t.column("speakingOrder", .integer)
                t.column("signedOffAt", .text)
                t.column("signOffMethod", .text)
                t.column("signOffRecordedBy", .text)
            }
            try db.create(index: "hearingParticipant_once", on: "hearingParticipant", columns: ["hearingID", "residentID"], unique: true,
                          condition: Column("residentID") != nil)
            try db.create(table: "hearingSpeech") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("hearing", onDelete: .cascade).notNull()
                t.belongsTo("hearingParticipant", onDelete: .cascade).notNull()
                t.column("minutes", .integer).notNull()
                t.column("points", .text).notNull()
                t.column("questions", .text).notNull()
                t.column("answers", .text).notNull()
                t.column("recordedAt", .text).notNull()
                t.column("recordedBy", .text).notNull()
            }
            try db.create(table: "hearingOpinion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("hearing", onDelete: .cascade).notNull()
                t.column("participantID", .integer).references("hearingParticipant", onDelete: .setNull)
                t.column("summary", .text).notNull()
                t.column("adopted", .boolean)
                t.column("reason", .text)
            }
            try db.create(table: "implementation") { t in
                t.primaryKey("motionID", .integer).references("motion", onDelete: .cascade)
                t.column("owner", .text).notNull()
                t.column("ownerKind", .text).notNull().check { ["member", "unit"].contains($0) }
                t.column("ownerAccountID", .integer).references("account", onDelete: .setNull)
                t.column("startedOn", .text).notNull()
                t.column("completedOn", .text)
                t.column("completion", .text)
            }
            try db.create(table: "milestone") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("title", .text).notNull()
                t.column("due", .text).notNull()
                t.column("doneOn", .text)
                t.column("note", .text)
            }
            try db.create(table: "progressNote") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("at", .text).notNull()
                t.column("author", .text).notNull()
                t.column("text", .text).notNull()
                t.column("mediaType", .text)
                t.column("photoSHA256", .text)
                t.column("photo", .blob)
            }
            // Ratings carry no rater, no time and no insertion order (random keys, WITHOUT
            // ROWID); who has rated is a separate set of marks with nothing that pairs them.
            try db.create(table: "motionRating", options: [.withoutRowID]) { t in
                t.column("id", .blob).primaryKey()
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("month", .text).notNull()
                t.column("rating", .text).notNull().check { ["satisfied", "basic", "dissatisfied"].contains($0) }
                t.column("comment", .text)
            }
            try db.create(table: "motionRatingMark", options: [.withoutRowID]) { t in
                t.belongsTo("motion", onDelete: .cascade).notNull()
                t.column("unit", .text).notNull()
                t.primaryKey(["motionID", "unit"])
            }
            try db.create(table: "assessment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("year", .integer).notNull()
                t.column("title", .text).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("closedAt", .text)
                t.uniqueKey(["communityID", "year"])
            }
            try db.create(table: "assessmentSubject") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("assessment", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("post", .text).notNull()
            }
            try db.create(table: "assessmentScore", options: [.withoutRowID]) { t in
                t.column("id", .blob).primaryKey()
                t.belongsTo("assessmentSubject", onDelete: .cascade).notNull()
                t.column("score", .integer).notNull()
                t.column("grade", .text).notNull()
            }
            try db.create(table: "assessmentMark", options: [.withoutRowID]) { t in
                t.belongsTo("assessment", onDelete: .cascade).notNull()
                t.column("residentID", .integer).notNull()
                t.primaryKey(["assessmentID", "residentID"])
            }
        }
        // v3 (issue 21): when a motion's co-signs first reached the threshold (it stays
        // reached); a meeting's presence code, notice revisions, postponement and
        // cancellation; the hearing chair's signature of the record.
        migrator.registerMigration("councils.v3") { db in
            try db.alter(table: "motion") { t in
                t.add(column: "thresholdReachedAt", .text)
            }
            try db.alter(table: "meeting") { t in
                t.add(column: "presenceCode", .text)
                t.add(column: "noticeRevision", .integer).notNull().defaults(to: 0)
                t.add(column: "postponedFrom", .text)
                t.add(column: "cancelReason", .text)
            }
            try db.alter(table: "hearing") { t in
                t.add(column: "chairSignedAt", .text)
                t.add(column: "chairSignedBy", .text)
            }
            // A year whose announced holiday arrangement the community has entered.
            try db.create(table: "calendarYear") { t in
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("year", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("confirmedBy", .text).notNull()
                t.column("confirmedAt", .text).notNull()
                t.primaryKey(["communityID", "year"])
            }
        }
        // v4 (L25): an important agenda item is first discussed by the community Party
        // organisation; the step (date, summary, who recorded it) is kept on the item.
        migrator.registerMigration("councils.v4") { db in
            try db.alter(table: "meetingItem") { t in
                t.add(column: "important", .boolean).notNull().defaults(to: false)
                t.add(column: "partyDiscussedOn", .text)
                t.add(column: "partyDiscussion", .text)
                t.add(column: "partyDiscussionRecordedBy", .text)
            }
        }
        // v5 (L25): the committee's yearly work report, a signed document on the board.
        migrator.registerMigration("councils.v5") { db in
            try db.create(table: "workReport") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("year", .integer).notNull()
                t.column("title", .text).notNull()
                t.column("text", .text).notNull()
                t.belongsTo("meeting", onDelete: .setNull)
                t.column("publishedAt", .text).notNull()
                t.column("document", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("signature", .text).notNull()
                t.column("keyID", .text).notNull()
                t.uniqueKey(["communityID", "year"])
            }
        }
        // v6 (L25): the representatives' meeting as a body per term — committee members and
        // residents' representatives (by residents' group, with the households they answer
        // to). Representatives recorded before (as a standing body without a term) move into a
        // term from the first one's start, for the committee's five years, their group not
        // recorded; draft representatives' meetings are convened from the whole body.
        migrator.registerMigration("councils.v6") { db in
            try db.create(table: "assemblyTerm") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("startsOn", .text).notNull()
                t.column("endsOn", .text).notNull()
            }
            try db.create(table: "assemblyMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("term", inTable: "assemblyTerm", onDelete: .cascade).notNull()
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.column("seat", .text).notNull().check { ["committeeMember", "representative"].contains($0) }
                t.column("residentGroup", .text).notNull()
                t.column("since", .text).notNull()
                t.column("until", .text)
            }
            try db.create(table: "assemblyHousehold") { t in
                t.belongsTo("member", inTable: "assemblyMember", onDelete: .cascade).notNull()
                t.belongsTo("household", onDelete: .cascade).notNull()
                t.primaryKey(["memberID", "householdID"])
            }
            try db.execute(sql: """
                INSERT INTO assemblyTerm (communityID, startsOn, endsOn)
                SELECT communityID, MIN(since), date(MIN(since), '+5 years') FROM councilBodyMember WHERE body = 'representatives' GROUP BY communityID
                """)
            try db.execute(sql: """
                INSERT INTO assemblyMember (termID, residentID, seat, residentGroup, since, until)
                SELECT assemblyTerm.id, councilBodyMember.residentID, 'representative', '', councilBodyMember.since, councilBodyMember.until
                FROM councilBodyMember JOIN assemblyTerm ON assemblyTerm.communityID = councilBodyMember.communityID
                WHERE councilBodyMember.body = 'representatives' ORDER BY councilBodyMember.id
                """)
            try db.execute(sql: "DELETE FROM councilBodyMember WHERE body = 'representatives'")
            try db.execute(sql: "UPDATE meeting SET basis = 'assembly' WHERE kind = 'representativesMeeting' AND status = 'draft'")
        }
        // v7 (L25): residents' requests to convene a residents' meeting or a hearing, and their
        // signatures (one per adult, household or representative: the primary key).
        migrator.registerMigration("councils.v7") { db in
            try db.create(table: "conveningRequest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("body", .text).notNull()
                t.column("basis", .text).notNull()
                t.column("title", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("openedBy", .text).notNull()
                t.column("openedOn", .text).notNull()
                t.column("base", .integer).notNull()
                t.column("share", .text).notNull()
                t.column("required", .integer).notNull()
                t.column("reachedOn", .text)
                t.column("dueOn", .text)
                t.column("convenedOn", .text)
                t.belongsTo("meeting", onDelete: .setNull)
                t.belongsTo("hearing", onDelete: .setNull)
                t.column("answer", .text)
            }
            try db.create(table: "conveningSignature", options: [.withoutRowID]) { t in
                t.belongsTo("request", inTable: "conveningRequest", onDelete: .cascade).notNull()
                t.column("unit", .text).notNull()
                t.column("signedOn", .text).notNull()
                t.primaryKey(["requestID", "unit"])
            }
        }
        // v8 (L25): the residents' affairs supervisory committee — its members (chosen by a
        // residents' or representatives' meeting), kinship residents declared, and opinions.
        migrator.registerMigration("councils.v8") { db in
            try db.create(table: "supervisoryMember") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.belongsTo("resident", onDelete: .cascade).notNull()
                t.column("post", .text).notNull().check { ["chair", "member"].contains($0) }
                t.belongsTo("meeting", onDelete: .restrict).notNull()
                t.column("chosenOn", .text).notNull()
                t.column("until", .text)
            }
            try db.create(table: "councilDeclaredRelative") { t in
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("residentID", .integer).notNull().references("resident", onDelete: .cascade)
                t.column("relativeID", .integer).notNull().references("resident", onDelete: .cascade)
                t.column("kinship", .text).notNull()
                t.primaryKey(["residentID", "relativeID"])
            }
            try db.create(table: "supervisoryOpinion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("memberID", .integer).notNull().references("supervisoryMember", onDelete: .restrict)
                t.column("subject", .text).notNull()
                t.column("concerns", .text).notNull()
                t.column("text", .text).notNull()
                t.column("recordedOn", .text).notNull()
                t.column("recordedBy", .text).notNull()
                t.belongsTo("meeting", onDelete: .setNull)
            }
        }
        // v9 (L25): consultations (民主协商) with named outside participants, their outcome and
        // how it was carried out.
        migrator.registerMigration("councils.v9") { db in
            try db.create(table: "consultation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("community", onDelete: .cascade).notNull()
                t.column("form", .text).notNull()
                t.column("title", .text).notNull()
                t.column("matter", .text).notNull()
                t.column("date", .text).notNull()
                t.column("venue", .text).notNull()
                t.column("motionNumber", .text)
                t.column("outcome", .text)
                t.column("outcomeOn", .text)
                t.column("feedback", .text)
                t.column("feedbackOn", .text)
            }
            try db.create(table: "consultationParticipant") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("consultation", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("organisation", .text).notNull()
                t.column("role", .text).notNull()
            }
        }
    }
}
