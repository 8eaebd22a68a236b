import Community
import Foundation
import GRDB
import Notary

/// The Party organisation's pre-discussion of important matters (deliberation.md, "The 2025
/// law"): an important item on a meeting's agenda is first discussed by the community Party
/// organisation before the residents' (representatives') meeting decides. The step is
/// recorded on the item — its date, a summary, who recorded it — shown on the meeting page
/// and in the API, and the item's vote is refused until it is there.
public enum PartyPreDiscussion {
    /// Refuses the vote on an important item whose pre-discussion is not recorded.
    static func requireBeforeVote(_ item: MeetingItem) throws {
        guard item.important, item.partyDiscussedOn == nil else { return }
        throw CommunityError.notAllowed("item \(item.position) is an important matter: record the community Party organisation's pre-discussion (date and summary) before the vote")
    }
}

extension AppDatabase {
    /// Marks an agenda item as an important matter, or not, before the meeting opens (an item
    /// whose pre-discussion is recorded stays important).
    public func setItemImportant(itemID: Int64, important: Bool, actor: Actor, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var item = try MeetingItem.fetchOne(db, key: itemID), let meeting = try Meeting.fetchOne(db, key: item.meetingID) else {
                throw CommunityError.notFound("agenda item \(itemID)")
            }
            guard meeting.status == .draft || meeting.status == .noticed else { throw CommunityError.notAllowed("mark important matters before the meeting opens") }
            guard important || item.partyDiscussedOn == nil else { throw CommunityError.notAllowed("the Party organisation's pre-discussion of this item is recorded: it stays an important matter") }
            item.important = important
            try item.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.item.important", subject: "meeting:\(meeting.id!)",
                                details: ["item": String(itemID), "important": important ? "yes" : "no"], now: now)
        }
    }

    /// Records the community Party organisation's pre-discussion of an agenda item (it becomes
    /// an important matter): on `date`, not after today nor after the meeting day, with a
    /// summary of 1 to 2,000 characters; only the committee, before the item is decided.
    public func recordPartyPreDiscussion(itemID: Int64, on date: CivilDate, summary: String, by account: Account, now: Date = AppClock.now()) throws {
        let summary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty, summary.count <= 2_000 else { throw CommunityError.invalid(field: "summary", reason: "what the Party organisation concluded, 1 to 2,000 characters") }
        try PlainText.check(summary, field: "summary", multiline: true)
        guard account.has(anyOf: [.admin, .committee]) else { throw CommunityError.notAllowed("only the residents' committee records the Party organisation's pre-discussion") }
        try writer.write { db in
            guard var item = try MeetingItem.fetchOne(db, key: itemID), let meeting = try Meeting.fetchOne(db, key: item.meetingID) else {
                throw CommunityError.notFound("agenda item \(itemID)")
            }
            guard item.decision == nil, meeting.status != .closed, meeting.status != .cancelled else {
                throw CommunityError.notAllowed("the pre-discussion is recorded before the item is decided")
            }
            let today = CivilDate.today(now: now)
            guard date <= today, date <= meeting.date else {
                throw CommunityError.invalid(field: "date", reason: "the day the Party organisation discussed it, on or before today and the meeting day (\(meeting.date))")
            }
            item.important = true
            item.partyDiscussedOn = date
            item.partyDiscussion = summary
            item.partyDiscussionRecordedBy = account.username
            try item.update(db)
            try AuditLog.append(db, actor: Actor(account), action: "meeting.item.party-discussion", subject: "meeting:\(meeting.id!)",
                                details: ["item": String(itemID), "date": date.description], now: now)
        }
    }
}
