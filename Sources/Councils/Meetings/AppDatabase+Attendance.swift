import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Opens a noticed meeting on its day: check-in and votes start, and a presence code is
    /// drawn that is shown only at the venue (self check-in needs it).
    public func openMeeting(id: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: id) else { throw CommunityError.notFound("meeting \(id)") }
            guard meeting.status == .noticed else {
                throw CommunityError.notAllowed(meeting.status == .draft ? "publish the notice before opening the meeting" : "meeting \(id) is \(meeting.status.chinese)")
            }
            guard CivilDate.today(now: now) == meeting.date else {
                throw CommunityError.notAllowed(CivilDate.today(now: now) < meeting.date ? "meeting \(id) is on \(meeting.date), not today"
                    : "meeting \(id) was due on \(meeting.date): postpone it to a new date (with a new notice) or cancel it")
            }
            meeting.status = .open
            meeting.openedAt = Timestamp.string(from: now)
            meeting.presenceCode = try HumanCode.randomText(symbols: 6)
            try meeting.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.open", subject: "meeting:\(id)", details: ["entitled": String(meeting.entitled)], now: now)
            return meeting
        }
    }

    /// The attendance roll of a meeting, in roll order.
    public func attendees(meetingID: Int64) throws -> [MeetingAttendee] {
        try reader.read { db in try MeetingAttendee.filter(Column("meetingID") == meetingID).order(Column("id")).fetchAll(db) }
    }

    /// Present against entitled, right now.
    public func quorum(meetingID: Int64) throws -> QuorumStatus {
        try reader.read { db in try Self.quorum(db, meetingID: meetingID) }
    }

    static func quorum(_ db: Database, meetingID: Int64) throws -> QuorumStatus {
        guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
        let present = try Int.fetchOne(db, sql: "SELECT count(*) FROM meetingAttendee WHERE meetingID = ? AND present", arguments: [meetingID]) ?? 0
        return QuorumStatus(kind: meeting.kind, entitled: meeting.entitled, present: present)
    }

    /// Checks an attendee in (a clerk at the door). For a household, `attendedBy` is the
    /// member who came, who must be an adult member living here with political rights
    /// (`CouncilEligibility`). Refused before the meeting opens, after it closes, or twice.
    @discardableResult
    public func checkIn(meetingID: Int64, attendeeID: Int64, attendedBy: Int64? = nil, method: String = "clerk", actor: Actor, now: Date = AppClock.now()) throws -> QuorumStatus {
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .open else { throw CommunityError.notAllowed("check-in is open while the meeting is open (it is \(meeting.status.chinese))") }
            guard var attendee = try MeetingAttendee.fetchOne(db, key: attendeeID), attendee.meetingID == meetingID else {
                throw CommunityError.invalid(field: "attendee", reason: "not on the attendance roll of meeting \(meetingID)")
            }
            guard !attendee.present else { throw CommunityError.notAllowed("\(attendee.label) is already checked in (\(attendee.arrivedAt ?? ""))") }
            if attendee.residentID == nil {
                // A household's row: only an eligible adult member represents it (`CouncilEligibility`).
                guard let attendedBy else {
                    throw CommunityError.invalid(field: "attendedBy", reason: "which member of household \(attendee.label) came (an adult member living here with political rights)")
                }
                guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE id = ? AND householdID = ?)", arguments: [attendedBy, attendee.householdID]) == true else {
                    throw CommunityError.invalid(field: "attendedBy", reason: "a member of the household")
                }
                if let refusal = try CouncilEligibility.refusal(db, residentID: attendedBy, communityID: meeting.communityID, on: meeting.date) {
                    throw CommunityError.invalid(field: "attendedBy", reason: "only an adult member living here with political rights represents the household; this member \(refusal.english)")
                }
                if try MeetingAttendee.filter(Column("meetingID") == meetingID && Column("present") == true && Column("attendedBy") == attendedBy).fetchCount(db) > 0 {
                    throw CommunityError.notAllowed("this member is already checked in")
                }
            } else if let attendedBy, attendedBy != attendee.residentID {
                throw CommunityError.invalid(field: "attendedBy", reason: "a resident on the roll attends in person")
            }
            attendee.present = true
            attendee.attendedBy = attendedBy ?? attendee.residentID
            attendee.arrivedAt = Timestamp.string(from: now)
            attendee.leftAt = nil
            attendee.checkInMethod = method
            try attendee.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.check-in", subject: "meeting:\(meetingID)",
                                details: ["attendee": String(attendeeID), "method": method], now: now)
            return try Self.quorum(db, meetingID: meetingID)
        }
    }

    /// Self check-in at the venue (deliberation.md: presence): the person types the code shown
    /// only in the room (`presenceCode`), one person at a time. A personal account checks in
    /// only its holder; a household card checks in one person per meeting — the household's
    /// representative (per-household meetings) or the member holding the card.
    @discardableResult
    public func selfCheckIn(meetingID: Int64, identity: ResidentIdentity, residentID: Int64?, presenceCode: String, now: Date = AppClock.now()) throws -> QuorumStatus {
        let meeting = try meeting(id: meetingID)
        guard meeting.status == .open, let code = meeting.presenceCode else {
            throw CommunityError.notAllowed("check-in is open while the meeting is open (it is \(meeting.status.chinese))")
        }
        let typed = presenceCode.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard !typed.isEmpty, typed == code.uppercased().filter({ $0 != "-" }) else {
            throw CommunityError.invalid(field: "presenceCode", reason: "the code shown at the venue; self check-in is done in the meeting room")
        }
        let who: Int64
        if identity.channel == "account" {
            guard let holder = identity.residentID else { throw CommunityError.notAllowed("this account is not linked to a resident") }
            guard residentID == nil || residentID == holder else {
                throw CommunityError.notAllowed("an account checks in only its holder; other members check in with a clerk or their own account")
            }
            who = holder
        } else {
            guard let chosen = residentID ?? identity.residentID else {
                throw CommunityError.invalid(field: "resident", reason: "say which member of the household is attending")
            }
            let cardUsed = try reader.read { db in
                try MeetingAttendee.filter(Column("meetingID") == meetingID && Column("householdID") == identity.householdID
                    && Column("present") == true && Column("checkInMethod") == "self-card").fetchCount(db)
            }
            guard cardUsed == 0 else {
                throw CommunityError.notAllowed("household card \(identity.householdNumber) has already checked someone in: one person per card; others check in with a clerk or their own account")
            }
            who = chosen
        }
        let members = try householdMembers(householdID: identity.householdID).map(\.id)
        guard members.contains(who) else { throw CommunityError.invalid(field: "resident", reason: "not a member of household \(identity.householdNumber)") }
        let unit = meeting.basis.perHousehold ? "household:\(identity.householdID)" : "resident:\(who)"
        guard let attendee = try reader.read({ db in
            try MeetingAttendee.filter(Column("meetingID") == meetingID && Column("unit") == unit).fetchOne(db)
        }) else {
            throw CommunityError.notAllowed("not entitled to attend this \(meeting.kind.chinese) (\(meeting.basis.chinese))")
        }
        return try checkIn(meetingID: meetingID, attendeeID: attendee.id!, attendedBy: meeting.basis.perHousehold ? who : nil,
                           method: identity.channel == "account" ? "self-account" : "self-card", actor: identity.actor, now: now)
    }

    /// The members of a household who may represent it at a meeting on `day` (`CouncilEligibility`).
    public func eligibleMembers(householdID: Int64, on day: CivilDate) throws -> [(id: Int64, name: String)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM resident WHERE householdID = ? AND \(CouncilEligibility.sqlCondition) ORDER BY id",
                             arguments: [householdID, CouncilEligibility.adultBornBy(day).description]).map { ($0["id"], $0["name"]) }
        }
    }

    /// Records that an attendee left: they no longer count for the quorum or in votes.
    @discardableResult
    public func checkOut(meetingID: Int64, attendeeID: Int64, actor: Actor, now: Date = AppClock.now()) throws -> QuorumStatus {
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID), meeting.status == .open else { throw CommunityError.notAllowed("the meeting is not open") }
            guard var attendee = try MeetingAttendee.fetchOne(db, key: attendeeID), attendee.meetingID == meetingID, attendee.present else {
                throw CommunityError.invalid(field: "attendee", reason: "not present at meeting \(meetingID)")
            }
            attendee.present = false
            attendee.leftAt = Timestamp.string(from: now)
            try attendee.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.check-out", subject: "meeting:\(meetingID)", details: ["attendee": String(attendeeID)], now: now)
            return try Self.quorum(db, meetingID: meetingID)
        }
    }
}
