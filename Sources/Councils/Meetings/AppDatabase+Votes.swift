import Community
import Foundation
import GRDB
import Notary

/// How attendees voted on an item: counts from a show of hands, or each attendee's choice.
public enum ItemVote: Sendable {
    case counts(for: Int, against: Int, abstain: Int)
    /// Attendee id → `for`, `against` or `abstain`; present attendees not listed did not vote.
    case rollCall([Int64: String])
}

extension AppDatabase {
    /// Records the vote on an agenda item and decides it by its pass rule.
    ///
    /// Refused unless the meeting is open and has a quorum right now, and for an important item
    /// until its Party pre-discussion is recorded (`PartyPreDiscussion`); counts cannot exceed
    /// the attendees present, and a roll-call vote counts only present attendees. A linked
    /// motion moves to `passed` or `rejected` in the same transaction.
    @discardableResult
    public func recordVote(itemID: Int64, _ vote: ItemVote, actor: Actor, now: Date = AppClock.now()) throws -> MeetingItem {
        try writer.write { db in
            guard var item = try MeetingItem.fetchOne(db, key: itemID), let meeting = try Meeting.fetchOne(db, key: item.meetingID) else {
                throw CommunityError.notFound("agenda item \(itemID)")
            }
            guard meeting.status == .open else { throw CommunityError.notAllowed("votes are taken while the meeting is open (it is \(meeting.status.chinese))") }
            guard item.decision == nil else { throw CommunityError.notAllowed("item \(item.position) is already decided: \(item.decision!.chinese)") }
            try PartyPreDiscussion.requireBeforeVote(item)
            let quorum = try Self.quorum(db, meetingID: meeting.id!)
            guard quorum.hasQuorum else {
                throw CommunityError.notAllowed("no quorum: \(quorum.present) of \(quorum.entitled) present, \(quorum.needed) needed for a \(meeting.kind.chinese); the vote is not taken")
            }
            let (votesFor, against, abstain): (Int, Int, Int)
            switch vote {
            case .counts(let f, let a, let b):
                guard f >= 0, a >= 0, b >= 0 else { throw CommunityError.invalid(field: "votes", reason: "counts cannot be negative") }
                guard f + a + b <= quorum.present else {
                    throw CommunityError.invalid(field: "votes", reason: "\(f) for + \(a) against + \(b) abstaining = \(f + a + b), more than the \(quorum.present) present")
                }
                (votesFor, against, abstain) = (f, a, b)
                item.method = .counts
            case .rollCall(let choices):
                var tally = ["for": 0, "against": 0, "abstain": 0]
                for (attendeeID, choice) in choices.sorted(by: { $0.key < $1.key }) {
                    guard tally[choice] != nil else { throw CommunityError.invalid(field: "vote[\(attendeeID)]", reason: "for, against or abstain") }
                    guard let attendee = try MeetingAttendee.fetchOne(db, key: attendeeID), attendee.meetingID == meeting.id, attendee.present else {
                        throw CommunityError.invalid(field: "vote[\(attendeeID)]", reason: "only attendees present vote")
                    }
                    try db.execute(sql: "INSERT INTO attendeeVote (meetingItemID, meetingAttendeeID, choice) VALUES (?, ?, ?)", arguments: [itemID, attendeeID, choice])
                    tally[choice]! += 1
                }
                (votesFor, against, abstain) = (tally["for"]!, tally["against"]!, tally["abstain"]!)
                item.method = .rollCall
            }
            let passed = item.passRule.passes(votesFor: votesFor, present: quorum.present, entitled: quorum.entitled)
            item.votesFor = votesFor
            item.votesAgainst = against
            item.votesAbstain = abstain
            item.present = quorum.present
            item.decision = passed ? .passed : .rejected
            item.decisionNote = "赞成 \(votesFor)，反对 \(against)，弃权 \(abstain)；到会 \(quorum.present)/应到 \(quorum.entitled)；规则：\(item.passRule.chinese)"
            item.decidedAt = Timestamp.string(from: now)
            item.decidedBy = actor.description
            try item.update(db)
            if let motionID = item.motionID {
                try Self.meetingTransition(db, motionID: motionID, action: passed ? "pass" : "reject", meetingLabel: "会议 #\(meeting.id!)（\(meeting.title)）",
                                           reason: item.decisionNote, actor: actor, now: now)
            }
            try AuditLog.append(db, actor: actor, action: "meeting.vote", subject: "meeting:\(meeting.id!)", details: [
                "item": String(itemID), "for": String(votesFor), "against": String(against), "abstain": String(abstain),
                "present": String(quorum.present), "entitled": String(quorum.entitled), "decision": item.decision!.rawValue,
            ], now: now)
            return item
        }
    }

    /// Defers an item (the meeting decides not to decide now, or lacks a quorum): a reason is
    /// required, no quorum is needed; a linked motion moves to `deferred`.
    @discardableResult
    public func deferItem(itemID: Int64, reason: String, actor: Actor, now: Date = AppClock.now()) throws -> MeetingItem {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CommunityError.invalid(field: "reason", reason: "why the item is deferred") }
        return try writer.write { db in
            guard var item = try MeetingItem.fetchOne(db, key: itemID), let meeting = try Meeting.fetchOne(db, key: item.meetingID) else {
                throw CommunityError.notFound("agenda item \(itemID)")
            }
            guard meeting.status == .open else { throw CommunityError.notAllowed("items are deferred while the meeting is open") }
            guard item.decision == nil else { throw CommunityError.notAllowed("item \(item.position) is already decided: \(item.decision!.chinese)") }
            item.decision = .deferred
            item.decisionNote = reason
            item.present = try Self.quorum(db, meetingID: meeting.id!).present
            item.decidedAt = Timestamp.string(from: now)
            item.decidedBy = actor.description
            try item.update(db)
            if let motionID = item.motionID {
                try Self.meetingTransition(db, motionID: motionID, action: "defer", meetingLabel: "会议 #\(meeting.id!)（\(meeting.title)）", reason: reason, actor: actor, now: now)
            }
            try AuditLog.append(db, actor: actor, action: "meeting.defer", subject: "meeting:\(meeting.id!)", details: ["item": String(itemID), "reason": reason], now: now)
            return item
        }
    }

    /// The roll-call votes of an item: attendee id → choice.
    public func rollCallVotes(itemID: Int64) throws -> [Int64: String] {
        try reader.read { db in
            var votes: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT meetingAttendeeID, choice FROM attendeeVote WHERE meetingItemID = ?", arguments: [itemID]) {
                votes[row["meetingAttendeeID"]] = row["choice"]
            }
            return votes
        }
    }

    /// Closes an open meeting once every item is decided (voted or deferred).
    public func closeMeeting(id: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Meeting {
        try writer.write { db in
            guard var meeting = try Meeting.fetchOne(db, key: id) else { throw CommunityError.notFound("meeting \(id)") }
            guard meeting.status == .open else { throw CommunityError.notAllowed("meeting \(id) is \(meeting.status.chinese), not open") }
            let open = try MeetingItem.filter(Column("meetingID") == id && Column("decision") == nil).order(Column("position")).fetchAll(db)
            guard open.isEmpty else {
                throw CommunityError.notAllowed("items \(open.map { String($0.position) }.joined(separator: ", ")) are not decided: vote on them or defer them")
            }
            meeting.status = .closed
            meeting.closedAt = Timestamp.string(from: now)
            try meeting.update(db)
            let present = try Self.quorum(db, meetingID: id).present
            try AuditLog.append(db, actor: actor, action: "meeting.close", subject: "meeting:\(id)", details: ["present": String(present)], now: now)
            return meeting
        }
    }
}
