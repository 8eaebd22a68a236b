import Community
import Foundation
import GRDB
import Notary

/// The published minutes as signed: the meeting, attendance, every item's decision with its
/// counts and linked motion, and the approved text. Its canonical JSON is what the SHA-256
/// and the community key's Ed25519 signature cover (check with `openssl pkeyutl -verify`).
public struct MinutesDocument: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public let position: Int
        public let title: String
        public let motion: String?
        public let passRule: String
        public let decision: String
        public let votesFor: Int?
        public let votesAgainst: Int?
        public let votesAbstain: Int?
        public let present: Int?
        public let note: String?
    }
    public var format = "xuanyi-minutes/1"
    public let community: Int64
    public let meeting: Int64
    public let kind: String
    public let basis: String
    public let title: String
    public let date: String
    public let time: String
    public let venue: String
    public let notice: String
    public let lateNoticeReason: String?
    public let entitled: Int
    /// Attendees who checked in at any time during the meeting.
    public let attended: Int
    public let items: [Item]
    public let text: String
    public let chair: String
    public let recorder: String
    public let chairApprovedAt: String
    public let recorderApprovedAt: String
    public let publishedAt: String
    public let key: String
}

extension AppDatabase {
    /// Drafts (or redrafts) the minutes. A change after an approval clears the approvals:
    /// the chair and the recorder approve the text that is published, not an earlier one.
    public func draftMinutes(meetingID: Int64, text: String, by account: Account, now: Date = AppClock.now()) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 20_000 else { throw CommunityError.invalid(field: "text", reason: "the minutes, 1 to 20,000 characters") }
        try PlainText.check(text, field: "text", multiline: true)
        guard account.has(anyOf: [.admin, .committee, .clerk]) else { throw CommunityError.notAllowed("only staff draft minutes") }
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .open || meeting.status == .closed else { throw CommunityError.notAllowed("minutes are written once the meeting has opened") }
            if var minutes = try MeetingMinutes.fetchOne(db, key: meetingID) {
                guard minutes.publishedAt == nil else { throw CommunityError.notAllowed("the minutes are published and can no longer change") }
                minutes.text = text
                minutes.draftedBy = account.username
                minutes.draftedAt = Timestamp.string(from: now)
                minutes.chairApprovedAt = nil
                minutes.recorderApprovedAt = nil
                try minutes.update(db)
            } else {
                var minutes = MeetingMinutes(meetingID: meetingID, text: text, draftedBy: account.username, draftedAt: Timestamp.string(from: now))
                try minutes.insert(db)
            }
            try AuditLog.append(db, actor: Actor(account), action: "meeting.minutes.draft", subject: "meeting:\(meetingID)",
                                details: ["digest": SHA256.hash(Data(text.utf8)).hex], now: now)
        }
    }

    /// The chair or the recorder approves the current draft (each with their own account).
    public func approveMinutes(meetingID: Int64, by account: Account, now: Date = AppClock.now()) throws -> MeetingMinutes {
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard var minutes = try MeetingMinutes.fetchOne(db, key: meetingID) else { throw CommunityError.notAllowed("there is no draft of the minutes yet") }
            guard minutes.publishedAt == nil else { throw CommunityError.notAllowed("the minutes are already published") }
            let at = Timestamp.string(from: now)
            var roles: [String] = []
            if account.id == meeting.chairAccountID {
                guard minutes.chairApprovedAt == nil else { throw CommunityError.notAllowed("the chair has already approved this draft") }
                minutes.chairApprovedAt = at
                roles.append("chair")
            }
            if account.id == meeting.recorderAccountID {
                guard minutes.recorderApprovedAt == nil else { throw CommunityError.notAllowed("the recorder has already approved this draft") }
                minutes.recorderApprovedAt = at
                roles.append("recorder")
            }
            guard !roles.isEmpty else { throw CommunityError.notAllowed("only the meeting's chair and recorder approve its minutes") }
            try minutes.update(db)
            try AuditLog.append(db, actor: Actor(account), action: "meeting.minutes.approve", subject: "meeting:\(meetingID)",
                                details: ["as": roles.joined(separator: ","), "digest": SHA256.hash(Data(minutes.text.utf8)).hex], now: now)
            return minutes
        }
    }

    /// Publishes approved minutes of a closed meeting, signed with the community key.
    public func publishMinutes(meetingID: Int64, signingKey: Ed25519PrivateKey, actor: Actor, now: Date = AppClock.now()) throws -> MeetingMinutes {
        try writer.write { db in
            guard let meeting = try Meeting.fetchOne(db, key: meetingID) else { throw CommunityError.notFound("meeting \(meetingID)") }
            guard meeting.status == .closed else { throw CommunityError.notAllowed("close the meeting before publishing its minutes") }
            guard var minutes = try MeetingMinutes.fetchOne(db, key: meetingID) else { throw CommunityError.notAllowed("there is no draft of the minutes yet") }
            guard minutes.publishedAt == nil else { throw CommunityError.notAllowed("the minutes are already published") }
            guard let chairAt = minutes.chairApprovedAt, let recorderAt = minutes.recorderApprovedAt else {
                throw CommunityError.notAllowed("the minutes need the approval of the chair\(minutes.chairApprovedAt == nil ? " (missing)" : "") and the recorder\(minutes.recorderApprovedAt == nil ? " (missing)" : "")")
            }
            try Self.requireCommunityKey(db, communityID: meeting.communityID, signingKey: signingKey)
            let items = try MeetingItem.filter(Column("meetingID") == meetingID).order(Column("position")).fetchAll(db)
            var documentItems: [MinutesDocument.Item] = []
            for item in items {
                let number = try item.motionID.flatMap { try String.fetchOne(db, sql: "SELECT number FROM motion WHERE id = ?", arguments: [$0]) }
                documentItems.append(.init(position: item.position, title: item.title, motion: number, passRule: item.passRule.rawValue,
                                           decision: item.decision?.rawValue ?? "", votesFor: item.votesFor, votesAgainst: item.votesAgainst,
                                           votesAbstain: item.votesAbstain, present: item.present, note: item.decisionNote))
            }
            let attended = try Int.fetchOne(db, sql: "SELECT count(*) FROM meetingAttendee WHERE meetingID = ? AND arrivedAt IS NOT NULL", arguments: [meetingID]) ?? 0
            let chair = try Account.fetchOne(db, key: meeting.chairAccountID)?.displayName ?? ""
            let recorder = try Account.fetchOne(db, key: meeting.recorderAccountID)?.displayName ?? ""
            let publishedAt = Timestamp.string(from: now)
            let document = MinutesDocument(community: meeting.communityID, meeting: meetingID, kind: meeting.kind.rawValue, basis: meeting.basis.rawValue,
                                           title: meeting.title, date: meeting.date.description, time: meeting.time, venue: meeting.venue,
                                           notice: meeting.noticeOn?.description ?? "", lateNoticeReason: meeting.lateNoticeReason, entitled: meeting.entitled,
                                           attended: attended, items: documentItems, text: minutes.text, chair: chair, recorder: recorder,
                                           chairApprovedAt: chairAt, recorderApprovedAt: recorderAt, publishedAt: publishedAt, key: signingKey.keyID)
            let signed = try Convening.sign(document, with: signingKey)
            minutes.publishedAt = publishedAt
            minutes.document = signed.text
            minutes.digest = signed.digest
            minutes.signature = signed.signature
            minutes.keyID = signed.keyID
            try minutes.update(db)
            try AuditLog.append(db, actor: actor, action: "meeting.minutes.publish", subject: "meeting:\(meetingID)", details: ["digest": minutes.digest!], now: now)
            return minutes
        }
    }

    /// A meeting's minutes, if drafted.
    public func minutes(meetingID: Int64) throws -> MeetingMinutes? {
        try reader.read { db in try MeetingMinutes.fetchOne(db, key: meetingID) }
    }
}
