import Community
import Foundation
import GRDB

extension AppDatabase {
    /// Records a kinship a resident declared with another (for relations the household register
    /// does not show: a married child living elsewhere, an in-law). The supervisory committee's
    /// bar reads these with the register.
    public func declareCouncilRelative(communityID: Int64, residentID: Int64, relativeID: Int64, kinship: Kinship, actor: Actor) throws {
        guard kinship != .same, residentID != relativeID else { throw CommunityError.invalid(field: "relative", reason: "a different person") }
        try writer.write { db in
            for id in [residentID, relativeID] {
                guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE id = ? AND communityID = ?)", arguments: [id, communityID]) == true else {
                    throw CommunityError.invalid(field: "relative", reason: "no resident \(id) in this community")
                }
            }
            for (a, b) in [(residentID, relativeID), (relativeID, residentID)] {
                try db.execute(sql: "INSERT OR REPLACE INTO councilDeclaredRelative (communityID, residentID, relativeID, kinship) VALUES (?, ?, ?, ?)",
                               arguments: [communityID, a, b, kinship.rawValue])
            }
            try AuditLog.append(db, actor: actor, action: "supervision.relative", subject: "community:\(communityID)", details: [
                "resident": String(residentID), "relative": String(relativeID), "kinship": kinship.rawValue,
            ])
        }
    }

    /// Records a member of the supervisory committee chosen by a residents' or representatives'
    /// meeting of the community held by today. The member is a resident who may take part in
    /// deliberation, is not a member of the residents' committee serving today (the
    /// representatives' meeting's committee seats) and not a close relative of one; one chair at
    /// a time.
    @discardableResult
    public func chooseSupervisoryMember(communityID: Int64, residentID: Int64, post: SupervisoryCommittee.Post, meetingID: Int64,
                                        actor: Actor, now: Date = AppClock.now()) throws -> SupervisoryMember {
        let today = CivilDate.today(now: now)
        let id = try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID), meeting.communityID == communityID,
                  meeting.kind == .residentsMeeting || meeting.kind == .representativesMeeting,
                  meeting.status == .open || meeting.status == .closed else {
                throw CommunityError.invalid(field: "meeting", reason: "the residents' or representatives' meeting of this community that chose the member (held: open or closed)")
            }
            if let refusal = try CouncilEligibility.refusal(db, residentID: residentID, communityID: communityID, on: today) {
                throw CommunityError.notAllowed("a member of the supervisory committee is an adult resident living here and holding political rights; this resident \(refusal.english)")
            }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM supervisoryMember WHERE communityID = ? AND residentID = ? AND until IS NULL)",
                                    arguments: [communityID, residentID]) == false else {
                throw CommunityError.notAllowed("resident \(residentID) already sits on the supervisory committee")
            }
            if post == .chair, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM supervisoryMember WHERE communityID = ? AND post = 'chair' AND until IS NULL)",
                                                  arguments: [communityID]) == true {
                throw CommunityError.notAllowed("the supervisory committee has a chair: end the chair's service first")
            }
            if let (member, kinship) = try Self.supervisoryBar(db, communityID: communityID, residentID: residentID, on: today) {
                throw CommunityError.notAllowed(kinship == .same
                    ? "\(member.name) is a member of the residents' committee and may not sit on the supervisory committee"
                    : "a close relative (\(kinship.chinese)) of \(member.name), a member of the residents' committee, may not sit on the supervisory committee")
            }
            try db.execute(sql: "INSERT INTO supervisoryMember (communityID, residentID, post, meetingID, chosenOn) VALUES (?, ?, ?, ?, ?)",
                           arguments: [communityID, residentID, post.rawValue, meetingID, today.description])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "supervision.member", subject: "supervisory-member:\(id)", details: [
                "resident": String(residentID), "post": post.rawValue, "meeting": String(meetingID),
            ], now: now)
            return id
        }
        guard let member = try supervisoryMembers(communityID: communityID).first(where: { $0.id == id }) else { throw CommunityError.notFound("supervisory member \(id)") }
        return member
    }

    /// Ends a member's service.
    public func endSupervisoryMember(id: Int64, until: CivilDate, actor: Actor) throws {
        try writer.write { db in
            guard let chosen = try String.fetchOne(db, sql: "SELECT chosenOn FROM supervisoryMember WHERE id = ? AND until IS NULL", arguments: [id]).flatMap(CivilDate.init) else {
                throw CommunityError.notFound("serving supervisory member \(id)")
            }
            guard until > chosen else { throw CommunityError.invalid(field: "until", reason: "after the member was chosen (\(chosen))") }
            try db.execute(sql: "UPDATE supervisoryMember SET until = ? WHERE id = ?", arguments: [until.description, id])
            try AuditLog.append(db, actor: actor, action: "supervision.member.end", subject: "supervisory-member:\(id)", details: ["until": until.description])
        }
    }

    /// The community's supervisory committee members, serving first, then by post.
    public func supervisoryMembers(communityID: Int64) throws -> [SupervisoryMember] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT supervisoryMember.*, resident.name, COALESCE(address.building, '') AS building
                FROM supervisoryMember JOIN resident ON resident.id = supervisoryMember.residentID
                LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE supervisoryMember.communityID = ? ORDER BY supervisoryMember.until IS NOT NULL, supervisoryMember.post, supervisoryMember.id
                """, arguments: [communityID]).map { row in
                SupervisoryMember(id: row["id"], residentID: row["residentID"], name: row["name"], building: row["building"],
                                  post: SupervisoryCommittee.Post(rawValue: row["post"]) ?? .member, meetingID: row["meetingID"],
                                  chosenOn: CivilDate(row["chosenOn"] as String)!, until: (row["until"] as String?).flatMap(CivilDate.init))
            }
        }
    }

    /// Serving members whom a residents' committee member now bars (a member or relative joined
    /// the residents' committee after they were chosen): the committee must act on them.
    public func supervisoryConflicts(communityID: Int64, on day: CivilDate = .today()) throws -> [(member: SupervisoryMember, committeeMember: String, kinship: Kinship)] {
        let serving = try supervisoryMembers(communityID: communityID).filter { $0.until == nil }
        return try reader.read { db in
            try serving.compactMap { member in
                try Self.supervisoryBar(db, communityID: communityID, residentID: member.residentID, on: day).map { (member, $0.member.name, $0.kinship) }
            }
        }
    }

    /// Records a member's opinion on the disclosure board, the accounts or how a decision is
    /// carried out; public once recorded. It may name the residents' or representatives'
    /// meeting it was reported to (the committee answers to both).
    @discardableResult
    public func recordSupervisoryOpinion(memberID: Int64, subject: SupervisoryCommittee.Subject, concerns: String, text: String, reportedToMeetingID: Int64?,
                                         actor: Actor, now: Date = AppClock.now()) throws -> SupervisoryOpinion {
        let concerns = concerns.trimmingCharacters(in: .whitespacesAndNewlines), text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard concerns.count <= 100 else { throw CommunityError.invalid(field: "concerns", reason: "what the opinion concerns (a month, an account, a motion), at most 100 characters") }
        guard !text.isEmpty, text.count <= 4000 else { throw CommunityError.invalid(field: "text", reason: "the opinion, 1 to 4000 characters") }
        try PlainText.check(concerns, field: "concerns")
        try PlainText.check(text, field: "text", multiline: true)
        let today = CivilDate.today(now: now)
        let id = try writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT communityID FROM supervisoryMember WHERE id = ? AND until IS NULL", arguments: [memberID]) else {
                throw CommunityError.invalid(field: "member", reason: "a serving member of the supervisory committee")
            }
            let communityID: Int64 = row["communityID"]
            if let reportedToMeetingID {
                guard let meeting = try Meeting.fetchOne(db, key: reportedToMeetingID), meeting.communityID == communityID,
                      meeting.kind == .residentsMeeting || meeting.kind == .representativesMeeting, meeting.status != .cancelled else {
                    throw CommunityError.invalid(field: "meeting", reason: "a residents' or representatives' meeting of this community, not cancelled")
                }
            }
            try db.execute(sql: """
                INSERT INTO supervisoryOpinion (communityID, memberID, subject, concerns, text, recordedOn, recordedBy, meetingID) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [communityID, memberID, subject.rawValue, concerns, text, today.description, actor.description, reportedToMeetingID])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "supervision.opinion", subject: "supervisory-opinion:\(id)", details: [
                "member": String(memberID), "subject": subject.rawValue, "concerns": concerns,
            ], now: now)
            return id
        }
        guard let opinion = try supervisoryOpinions(communityID: nil, id: id).first else { throw CommunityError.notFound("opinion \(id)") }
        return opinion
    }

    /// A community's recorded opinions, latest first.
    public func supervisoryOpinions(communityID: Int64) throws -> [SupervisoryOpinion] {
        try supervisoryOpinions(communityID: communityID, id: nil)
    }

    func supervisoryOpinions(communityID: Int64?, id: Int64?) throws -> [SupervisoryOpinion] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT supervisoryOpinion.*, resident.name FROM supervisoryOpinion
                JOIN supervisoryMember ON supervisoryMember.id = supervisoryOpinion.memberID JOIN resident ON resident.id = supervisoryMember.residentID
                WHERE (? IS NULL OR supervisoryOpinion.communityID = ?) AND (? IS NULL OR supervisoryOpinion.id = ?)
                ORDER BY supervisoryOpinion.id DESC
                """, arguments: [communityID, communityID, id, id]).map { row in
                SupervisoryOpinion(id: row["id"], memberID: row["memberID"], memberName: row["name"],
                                   subject: SupervisoryCommittee.Subject(rawValue: row["subject"]) ?? .disclosure, concerns: row["concerns"], text: row["text"],
                                   recordedOn: CivilDate(row["recordedOn"] as String)!, reportedToMeetingID: row["meetingID"])
            }
        }
    }

    /// The residents' committee member who bars `residentID` from the supervisory committee on
    /// `day` (the resident themself, or a close relative by the register or a declaration).
    static func supervisoryBar(_ db: Database, communityID: Int64, residentID: Int64, on day: CivilDate) throws -> (member: Resident, kinship: Kinship)? {
        guard let candidate = try Resident.fetchOne(db, key: residentID), candidate.communityID == communityID else {
            throw CommunityError.invalid(field: "resident", reason: "no resident \(residentID) in this community")
        }
        let d = day.description
        let committeeIDs = try Int64.fetchAll(db, sql: """
            SELECT assemblyMember.residentID FROM assemblyMember JOIN assemblyTerm ON assemblyTerm.id = assemblyMember.termID
            WHERE \(servingAssemblyCondition) AND assemblyMember.seat = 'committeeMember'
            """, arguments: [communityID, d, d, d, d])
        let committee = try committeeIDs.compactMap { try Resident.fetchOne(db, key: $0) }
        var declared: [Int64: Kinship] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT relativeID, kinship FROM councilDeclaredRelative WHERE communityID = ? AND residentID = ?", arguments: [communityID, residentID]) {
            declared[row["relativeID"]] = Kinship(rawValue: row["kinship"])
        }
        return SupervisoryCommittee.bar(candidate: candidate, committeeMembers: committee, declared: declared)
    }
}
