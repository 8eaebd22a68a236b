import Community
import Foundation
import GRDB
import Notary

/// A new meeting as the committee plans it.
public struct NewMeeting: Sendable {
    public var kind: MeetingKind
    public var basis: AttendanceBasis
    public var title: String
    public var date: CivilDate
    public var time: String
    public var venue: String
    public var chairAccountID: Int64
    public var recorderAccountID: Int64

    public init(kind: MeetingKind, basis: AttendanceBasis? = nil, title: String, date: CivilDate, time: String, venue: String,
                chairAccountID: Int64, recorderAccountID: Int64) {
        self.kind = kind
        self.basis = basis ?? kind.bases[0]
        self.title = title
        self.date = date
        self.time = time
        self.venue = venue
        self.chairAccountID = chairAccountID
        self.recorderAccountID = recorderAccountID
    }
}

extension AppDatabase {
    /// Plans a meeting (status draft). The chair and the recorder are staff accounts of the
    /// community, and different people.
    public func createMeeting(communityID: Int64, _ new: NewMeeting, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        let title = new.title.trimmingCharacters(in: .whitespaces), venue = new.venue.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "1 to 100 characters") }
        guard !venue.isEmpty, venue.count <= 100 else { throw CommunityError.invalid(field: "venue", reason: "where the meeting is held, 1 to 100 characters") }
        try PlainText.check(title, field: "title")
        try PlainText.check(venue, field: "venue")
        guard new.kind.bases.contains(new.basis) else {
            throw CommunityError.invalid(field: "basis", reason: "a \(new.kind.chinese) is attended by \(new.kind.bases.map(\.chinese).joined(separator: " or "))")
        }
        let time = try Convening.clockTime(new.time, example: "19:00")
        try Self.checkMeetingDate(new.date, today: CivilDate.today(now: now))
        return try writer.write { db in
            try Convening.requireChairAndRecorder(db, chair: new.chairAccountID, recorder: new.recorderAccountID, what: "meeting")
            var meeting = Meeting(communityID: communityID, kind: new.kind, basis: new.basis, title: title, date: new.date, time: time, venue: venue, chairAccountID: new.chairAccountID,
                                  recorderAccountID: new.recorderAccountID, status: .draft, entitled: 0, createdAt: Timestamp.string(from: now))
            try meeting.insert(db)
            try AuditLog.append(db, actor: actor, action: "meeting.create", subject: "meeting:\(meeting.id!)",
                                details: ["kind": new.kind.rawValue, "basis": new.basis.rawValue, "date": new.date.description], now: now)
            return meeting
        }
    }

    /// How far ahead a meeting or hearing may be planned: two years (a date like 9999-12-31 is a typo).
    public static let meetingHorizonDays = 731

    /// Refuses a meeting (or hearing) day in the past or beyond `meetingHorizonDays`.
    static func checkMeetingDate(_ date: CivilDate, today: CivilDate, what: String = "meeting") throws {
        let latest = today.adding(days: meetingHorizonDays)
        guard date >= today, date <= latest else {
            throw CommunityError.invalid(field: "date", reason: "a \(what) is planned for today or later, at most two years ahead (\(today) to \(latest))")
        }
    }

    /// A meeting by id.
    public func meeting(id: Int64) throws -> Meeting {
        guard let meeting = try reader.read({ db in try Meeting.fetchOne(db, key: id) }) else { throw CommunityError.notFound("meeting \(id)") }
        return meeting
    }

    /// A community's meetings, latest first.
    public func meetings(communityID: Int64) throws -> [Meeting] {
        try reader.read { db in try Meeting.filter(Column("communityID") == communityID).order(Column("date").desc, Column("id").desc).fetchAll(db) }
    }

    /// A meeting's agenda, in order.
    public func agenda(meetingID: Int64) throws -> [MeetingItem] {
        try reader.read { db in try MeetingItem.filter(Column("meetingID") == meetingID).order(Column("position")).fetchAll(db) }
    }

    /// Adds an agenda item: a motion (by number; it moves to `scheduled` in the same
    /// transaction) or another matter (title only). Only before the meeting opens; once the
    /// notice is out, the change publishes a new notice (`renotice`).
    @discardableResult
    public func addAgendaItem(meetingID: Int64, title: String?, motionNumber: String?, passRule: PassRule = .majorityOfPresent, important: Bool = false,
                              lateReason: String? = nil, actor: Actor, now: Date = AppClock.now()) throws -> MeetingItem {
        try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .draft || meeting.status == .noticed else { throw CommunityError.notAllowed("the agenda is fixed once the meeting has opened") }
            if meeting.status == .noticed { try Self.renotice(db, &meeting, lateReason: lateReason, change: "add", actor: actor, now: now) }
            var motionID: Int64?
            var itemTitle = title?.trimmingCharacters(in: .whitespaces) ?? ""
            if let number = motionNumber?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
                guard let motion = try Motion.filter(Column("communityID") == meeting.communityID && Column("number") == number).fetchOne(db) else {
                    throw CommunityError.invalid(field: "motion", reason: "no motion \(number)")
                }
                motionID = motion.id
                if itemTitle.isEmpty { itemTitle = "议题 \(motion.number)：\(motion.title)" }
                try Self.meetingTransition(db, motionID: motion.id!, action: "schedule", meetingLabel: "会议 #\(meetingID)（\(meeting.title)）",
                                           reason: "列入 \(meeting.date) \(meeting.kind.chinese) 议程", actor: actor, now: now)
            }
            guard !itemTitle.isEmpty, itemTitle.count <= 200 else { throw CommunityError.invalid(field: "title", reason: "the item, 1 to 200 characters (or a motion number)") }
            try PlainText.check(itemTitle, field: "title")
            let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM meetingItem WHERE meetingID = ?", arguments: [meetingID]) ?? 0) + 1
            var item = MeetingItem(meetingID: meetingID, position: position, title: itemTitle, motionID: motionID, passRule: passRule)
            item.important = important
            try item.insert(db)
            try AuditLog.append(db, actor: actor, action: "meeting.agenda.add", subject: "meeting:\(meetingID)",
                                details: ["item": String(item.id!), "motion": motionNumber ?? "", "passRule": passRule.rawValue], now: now)
            return item
        }
    }

    /// Takes an item off the agenda before the meeting opens; its motion goes back to
    /// `accepted`. Once the notice is out, the change publishes a new notice (`renotice`).
    public func removeAgendaItem(id: Int64, lateReason: String? = nil, actor: Actor, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard let item = try MeetingItem.fetchOne(db, key: id), var meeting = try Meeting.fetchOne(db, key: item.meetingID) else {
                throw CommunityError.notFound("agenda item \(id)")
            }
            guard meeting.status == .draft || meeting.status == .noticed else { throw CommunityError.notAllowed("the agenda is fixed once the meeting has opened") }
            if meeting.status == .noticed { try Self.renotice(db, &meeting, lateReason: lateReason, change: "remove", actor: actor, now: now) }
            if let motionID = item.motionID {
                try Self.meetingTransition(db, motionID: motionID, action: "unschedule", meetingLabel: "会议 #\(meeting.id!)（\(meeting.title)）",
                                           reason: "撤出议程", actor: actor, now: now)
            }
            _ = try item.delete(db)
            try AuditLog.append(db, actor: actor, action: "meeting.agenda.remove", subject: "meeting:\(meeting.id!)", details: ["item": String(id)], now: now)
        }
    }

    /// Publishes the notice and freezes the attendance roll.
    ///
    /// The notice must come at least `noticeDays` calendar days before the meeting; a later
    /// notice is refused unless `lateReason` says why (an urgent matter), and the notice then
    /// shows that it was late and why. The agenda needs at least one item.
    public func publishNotice(meetingID: Int64, lateReason: String? = nil, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        let today = CivilDate.today(now: now)
        return try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .draft else { throw CommunityError.notAllowed("the notice of meeting \(meetingID) is already published") }
            guard meeting.date >= today else { throw CommunityError.notAllowed("the meeting day \(meeting.date) has passed") }
            guard try MeetingItem.filter(Column("meetingID") == meetingID).fetchCount(db) > 0 else {
                throw CommunityError.notAllowed("put at least one item on the agenda before publishing the notice")
            }
            let settings = try Self.councilSettings(db, communityID: meeting.communityID)
            let daysAhead = today.days(until: meeting.date)
            let reason = lateReason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            if daysAhead < settings.noticeDays {
                guard let reason else {
                    throw CommunityError.notAllowed("the notice must be published at least \(settings.noticeDays) days before the meeting (by \(meeting.date.adding(days: -settings.noticeDays))); today is \(daysAhead) days before. Give the reason for a late notice to publish it anyway")
                }
                meeting.lateNoticeReason = reason
            }
            meeting.noticeOn = today
            meeting.noticeRevision += 1
            meeting.status = .noticed
            meeting.entitled = try Self.freezeAttendanceRoll(db, meeting: meeting)
            guard meeting.entitled > 0 else { throw CommunityError.notAllowed("nobody is entitled to attend (\(meeting.basis.chinese)): add members first") }
            try meeting.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.notice", subject: "meeting:\(meetingID)", details: [
                "entitled": String(meeting.entitled), "late": meeting.lateNoticeReason ?? "", "date": meeting.date.description,
                "revision": String(meeting.noticeRevision),
            ], now: now)
            return meeting
        }
    }

    /// A notice fixes its agenda (deliberation.md): changing the agenda of a noticed meeting
    /// publishes a new notice dated today, and `noticeDays` run again from it — a change later
    /// than that needs the reason for the late notice (or postpone the meeting).
    static func renotice(_ db: Database, _ meeting: inout Meeting, lateReason: String?, change: String, actor: Actor, now: Date) throws {
        let today = CivilDate.today(now: now)
        let settings = try councilSettings(db, communityID: meeting.communityID)
        let daysAhead = today.days(until: meeting.date)
        let reason = lateReason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let reason, reason.count > 500 { throw CommunityError.invalid(field: "lateReason", reason: "at most 500 characters") }
        if daysAhead < settings.noticeDays {
            guard let reason else {
                throw CommunityError.notAllowed("the notice of \(meeting.date) is out: changing its agenda needs a new notice, at least \(settings.noticeDays) days before the meeting (today is \(daysAhead) days before). Give the reason for a late notice, or postpone the meeting")
            }
            meeting.lateNoticeReason = reason
        } else {
            meeting.lateNoticeReason = nil
        }
        meeting.noticeOn = today
        meeting.noticeRevision += 1
        try meeting.update(db)
        try AuditLog.append(db, actor: actor, action: "meeting.notice", subject: "meeting:\(meeting.id!)", details: [
            "entitled": String(meeting.entitled), "late": meeting.lateNoticeReason ?? "", "date": meeting.date.description,
            "revision": String(meeting.noticeRevision), "agenda": change,
        ], now: now)
    }

    /// Writes one attendance row per entitled unit; returns how many.
    static func freezeAttendanceRoll(_ db: Database, meeting: Meeting) throws -> Int {
        let day = meeting.date.description
        // Who is entitled follows `CouncilEligibility` on the meeting's day: adults living here
        // with political rights, or the households that have such a member.
        let adultBy = CouncilEligibility.adultBornBy(meeting.date).description
        let rows: [Row]
        switch meeting.basis {
        case .adults:
            rows = try Row.fetchAll(db, sql: """
                SELECT 'resident:' || resident.id AS unit, resident.householdID, resident.id AS residentID, resident.name AS label,
                       COALESCE(address.building, '') AS building
                FROM resident LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE resident.communityID = ? AND \(CouncilEligibility.sqlCondition)
                ORDER BY resident.id
                """, arguments: [meeting.communityID, adultBy])
        case .households:
            rows = try Row.fetchAll(db, sql: """
                SELECT 'household:' || household.id AS unit, household.id AS householdID, NULL AS residentID,
                       household.number || ' ' || COALESCE(address.building || '-' || address.unit || '-' || address.room, '') AS label,
                       COALESCE(address.building, '') AS building
                FROM household LEFT JOIN address ON address.id = household.addressID
                WHERE household.communityID = ? AND EXISTS (SELECT 1 FROM resident WHERE resident.householdID = household.id AND \(CouncilEligibility.sqlCondition))
                ORDER BY household.number
                """, arguments: [meeting.communityID, adultBy])
        case .representatives, .assembly:
            // The term of the representatives' meeting covering the day: its whole body for a
            // representatives' meeting (which must be constituted: four fifths representatives),
            // its representatives for a residents' meeting through the groups' representatives.
            guard let term = try Row.fetchOne(db, sql: "SELECT * FROM assemblyTerm WHERE communityID = ? AND startsOn <= ? AND endsOn > ?",
                                              arguments: [meeting.communityID, day, day]).map(Self.assemblyTerm) else {
                throw CommunityError.notAllowed("no term of the representatives' meeting covers \(meeting.date): open the term and add its members first")
            }
            if meeting.basis == .assembly {
                let composition = try Self.assemblyComposition(db, termID: term.id, on: meeting.date)
                guard composition.constituted else {
                    throw CommunityError.notAllowed("the representatives' meeting is not constituted on \(meeting.date): \(composition.representatives) representatives of \(composition.members) members, at least four fifths are needed")
                }
            }
            rows = try Row.fetchAll(db, sql: """
                SELECT 'resident:' || resident.id AS unit, resident.householdID, resident.id AS residentID, resident.name AS label,
                       COALESCE(address.building, '') AS building
                FROM assemblyMember JOIN assemblyTerm ON assemblyTerm.id = assemblyMember.termID JOIN resident ON resident.id = assemblyMember.residentID
                LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE \(servingAssemblyCondition) \(meeting.basis == .representatives ? "AND assemblyMember.seat = 'representative'" : "")
                ORDER BY assemblyMember.id
                """, arguments: [meeting.communityID, day, day, day, day])
        case .council:
            rows = try Row.fetchAll(db, sql: """
                SELECT 'resident:' || resident.id AS unit, resident.householdID, resident.id AS residentID, resident.name AS label,
                       COALESCE(address.building, '') AS building
                FROM councilBodyMember JOIN resident ON resident.id = councilBodyMember.residentID
                LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE councilBodyMember.communityID = ? AND councilBodyMember.body = 'council' AND since <= ? AND (until IS NULL OR until > ?)
                ORDER BY councilBodyMember.id
                """, arguments: [meeting.communityID, day, day])
        }
        for row in rows {
            var attendee = MeetingAttendee(meetingID: meeting.id!, unit: row["unit"], householdID: row["householdID"], residentID: row["residentID"],
                                           label: row["label"], building: row["building"], present: false)
            try attendee.insert(db)
        }
        return rows.count
    }
}
