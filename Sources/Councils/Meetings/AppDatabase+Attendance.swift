import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Opens a noticed meeting on (or after) its day: check-in and votes start.
    public func openMeeting(id: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: id) else { throw CommunityError.notFound("meeting \(id)") }
            guard meeting.status == .noticed else {
                throw CommunityError.notAllowed(meeting.status == .draft ? "publish the notice before opening the meeting" : "meeting \(id) is \(meeting.status.chinese)")
            }
            guard CivilDate.today(now: now) >= meeting.date else { throw CommunityError.notAllowed("meeting \(id) is on \(meeting.date), not today") }
            meeting.status = .open
            meeting.openedAt = Timestamp.string(from: now)
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
    /// member who came. Refused before the meeting opens, after it closes, or twice.
    @discardableResult
    public func checkIn(meetingID: Int64, attendeeID: Int64, attendedBy: Int64? = nil, method: String = "clerk", actor: Actor, now: Date = AppClock.now()) throws -> QuorumStatus {
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .open else { throw CommunityError.notAllowed("check-in is open while the meeting is open (it is \(meeting.status.chinese))") }
            guard var attendee = try MeetingAttendee.fetchOne(db, key: attendeeID), attendee.meetingID == meetingID else {
                throw CommunityError.invalid(field: "attendee", reason: "not on the attendance roll of meeting \(meetingID)")
            }
            guard !attendee.present else { throw CommunityError.notAllowed("\(attendee.label) is already checked in (\(attendee.arrivedAt ?? ""))") }
            if let attendedBy {
                guard attendee.householdID != nil,
                      try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE id = ? AND householdID = ?)", arguments: [attendedBy, attendee.householdID]) == true else {
                    throw CommunityError.invalid(field: "attendedBy", reason: "a member of the household")
                }
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

    /// Self check-in with the household's access code: the household itself (per-household
    /// meetings) or the chosen member, who must be on the roll.
    @discardableResult
    public func selfCheckIn(meetingID: Int64, identity: ResidentIdentity, residentID: Int64?, now: Date = AppClock.now()) throws -> QuorumStatus {
        let meeting = try meeting(id: meetingID)
        let unit: String
        if meeting.basis.perHousehold {
            unit = "household:\(identity.householdID)"
        } else {
            guard let residentID = residentID ?? identity.residentID else {
                throw CommunityError.invalid(field: "resident", reason: "say which member of the household is attending")
            }
            let members = try householdMembers(householdID: identity.householdID).map(\.id)
            guard members.contains(residentID) else { throw CommunityError.invalid(field: "resident", reason: "not a member of household \(identity.householdNumber)") }
            unit = "resident:\(residentID)"
        }
        guard let attendee = try reader.read({ db in
            try MeetingAttendee.filter(Column("meetingID") == meetingID && Column("unit") == unit).fetchOne(db)
        }) else {
            throw CommunityError.notAllowed("not entitled to attend this \(meeting.kind.chinese) (\(meeting.basis.chinese))")
        }
        return try checkIn(meetingID: meetingID, attendeeID: attendee.id!, attendedBy: meeting.basis.perHousehold ? (residentID ?? identity.residentID) : nil,
                           method: "self", actor: identity.actor, now: now)
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
