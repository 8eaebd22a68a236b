import Community
import Foundation
import GRDB

extension AppDatabase {
    /// Postpones a meeting that has not opened to `date`, with a reason (deliberation.md):
    /// it goes back to draft for a new notice (`noticeDays` run again, the roll is frozen
    /// anew for the new day), and the motions on its agenda return to `accepted` — their items
    /// leave the agenda, to be put on it again before the new notice.
    public func postponeMeeting(id: Int64, to date: CivilDate, reason: String, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        let reason = try Self.changeReason(reason)
        try Self.checkMeetingDate(date, today: CivilDate.today(now: now))
        return try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: id) else { throw CommunityError.notFound("meeting \(id)") }
            guard meeting.status == .draft || meeting.status == .noticed else {
                throw CommunityError.notAllowed("meeting \(id) is \(meeting.status.chinese): only a meeting that has not opened can be postponed")
            }
            guard date != meeting.date else { throw CommunityError.invalid(field: "date", reason: "a day other than \(meeting.date)") }
            try Self.releaseAgendaMotions(db, meeting: meeting, reason: "会议改期：\(reason)", actor: actor, now: now)
            try db.execute(sql: "DELETE FROM meetingAttendee WHERE meetingID = ?", arguments: [id])
            if meeting.postponedFrom == nil { meeting.postponedFrom = meeting.date }
            let from = meeting.date
            meeting.date = date
            meeting.status = .draft
            meeting.noticeOn = nil
            meeting.lateNoticeReason = nil
            meeting.entitled = 0
            meeting.cancelReason = reason
            try meeting.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.postpone", subject: "meeting:\(id)",
                                details: ["from": from.description, "to": date.description, "reason": reason], now: now)
            return meeting
        }
    }

    /// Cancels a meeting that has not opened, with a reason; the motions on its agenda return
    /// to `accepted` (the items stay on the record, undecided).
    public func cancelMeeting(id: Int64, reason: String, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        let reason = try Self.changeReason(reason)
        return try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: id) else { throw CommunityError.notFound("meeting \(id)") }
            try Self.cancel(db, &meeting, reason: reason, actor: actor, now: now)
            return meeting
        }
    }

    /// Cancels the community's meetings whose day has passed without their opening (still
    /// draft or noticed), so they no longer show as noticed and their motions return to
    /// `accepted`. Returns how many. The committee desk and the meeting list run it.
    @discardableResult
    public func cancelLapsedMeetings(communityID: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Int {
        let today = CivilDate.today(now: now).description
        let lapsed = try reader.read { db in
            try Meeting.filter(Column("communityID") == communityID && ["draft", "noticed"].contains(Column("status")) && Column("date") < today).fetchAll(db)
        }
        guard !lapsed.isEmpty else { return 0 }
        return try writer.write { db in
            var count = 0
            for var meeting in lapsed {
                guard let current = try Meeting.fetchOne(db, key: meeting.id!), current.status == .draft || current.status == .noticed, current.date.description < today else { continue }
                meeting = current
                try Self.cancel(db, &meeting, reason: "会议日期 \(meeting.date) 已过，未召开", actor: actor, now: now)
                count += 1
            }
            return count
        }
    }

    static func cancel(_ db: Database, _ meeting: inout Meeting, reason: String, actor: Actor, now: Date) throws {
        guard meeting.status == .draft || meeting.status == .noticed else {
            throw CommunityError.notAllowed("meeting \(meeting.id!) is \(meeting.status.chinese): only a meeting that has not opened can be cancelled")
        }
        try releaseAgendaMotions(db, meeting: meeting, reason: "会议取消：\(reason)", actor: actor, now: now, keepItems: true)
        meeting.status = .cancelled
        meeting.cancelReason = reason
        try meeting.update(db)
        try AuditLog.append(db, actor: actor, action: "meeting.cancel", subject: "meeting:\(meeting.id!)",
                            details: ["date": meeting.date.description, "reason": reason], now: now)
    }

    /// Returns the agenda's motions that are still scheduled to `accepted`; removes their items
    /// unless `keepItems`.
    static func releaseAgendaMotions(_ db: Database, meeting: Meeting, reason: String, actor: Actor, now: Date, keepItems: Bool = false) throws {
        for item in try MeetingItem.filter(Column("meetingID") == meeting.id!).fetchAll(db) {
            if let motionID = item.motionID, try Motion.fetchOne(db, key: motionID)?.state == "scheduled" {
                try meetingTransition(db, motionID: motionID, action: "unschedule", meetingLabel: "会议 #\(meeting.id!)（\(meeting.title)）",
                                      reason: reason, actor: actor, now: now)
            }
            if !keepItems && item.motionID != nil { _ = try item.delete(db) }
        }
    }

    static func changeReason(_ reason: String) throws -> String {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw CommunityError.invalid(field: "reason", reason: "why, 1 to 500 characters") }
        return reason
    }
}
