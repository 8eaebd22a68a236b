import Community
import Foundation
import GRDB
import Notary

/// The committee's yearly work report to the residents' (representatives') meeting
/// (deliberation.md, "The 2025 law"): a document on the notice board, signed with the
/// community key like minutes and hearing reports, naming the meeting it was given to.
public struct WorkReport: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var communityID: Int64
    public var year: Int
    public var title: String
    public var text: String
    /// The residents' or representatives' meeting the report was given to, if recorded.
    public var meetingID: Int64?
    public var publishedAt: String
    /// The canonical document (`WorkReportDocument`) byte for byte as signed, its SHA-256,
    /// the community key's signature (base64) and key id.
    public var document: String
    public var digest: String
    public var signature: String
    public var keyID: String
    public static let databaseTableName = "workReport"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What is signed: the community, the year, the title and text, the meeting, when.
public struct WorkReportDocument: Codable, Sendable, Equatable {
    public var format = "xuanyi-work-report/1"
    public let community: Int64
    public let year: Int
    public let title: String
    public let text: String
    /// The meeting it was given to: its date and kind (居民会议, 居民代表会议), if recorded.
    public let meeting: String?
    public let publishedAt: String
    public let key: String
}

extension AppDatabase {
    /// Publishes the committee's work report of `year` (one per year; a year up to this one),
    /// signed with the community key. `meetingID`, when given, is the residents' or
    /// representatives' meeting of the community it was given to.
    public func publishWorkReport(communityID: Int64, year: Int, title: String, text: String, meetingID: Int64?, signingKey: Ed25519PrivateKey,
                                  actor: Actor, now: Date = AppClock.now()) throws -> WorkReport {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines), text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "1 to 100 characters") }
        guard !text.isEmpty, text.count <= 50_000 else { throw CommunityError.invalid(field: "text", reason: "the report, 1 to 50,000 characters") }
        try PlainText.check(title, field: "title")
        try PlainText.check(text, field: "text", multiline: true)
        let thisYear = CivilDate.today(now: now).year
        guard (2000...thisYear).contains(year) else { throw CommunityError.invalid(field: "year", reason: "a year from 2000 to \(thisYear)") }
        return try writer.write { db in
            guard try WorkReport.filter(Column("communityID") == communityID && Column("year") == year).fetchCount(db) == 0 else {
                throw CommunityError.notAllowed("the work report of \(year) is already published")
            }
            var meetingLabel: String?
            if let meetingID {
                guard let meeting = try Meeting.fetchOne(db, key: meetingID), meeting.communityID == communityID,
                      meeting.kind == .residentsMeeting || meeting.kind == .representativesMeeting, meeting.status != .cancelled else {
                    throw CommunityError.invalid(field: "meeting", reason: "a residents' or representatives' meeting of this community")
                }
                meetingLabel = "\(meeting.date) \(meeting.kind.chinese)"
            }
            try Self.requireCommunityKey(db, communityID: communityID, signingKey: signingKey)
            let publishedAt = Timestamp.string(from: now)
            let signed = try Convening.sign(WorkReportDocument(community: communityID, year: year, title: title, text: text, meeting: meetingLabel,
                                                               publishedAt: publishedAt, key: signingKey.keyID), with: signingKey)
            var report = WorkReport(communityID: communityID, year: year, title: title, text: text, meetingID: meetingID, publishedAt: publishedAt,
                                    document: signed.text, digest: signed.digest, signature: signed.signature, keyID: signed.keyID)
            try report.insert(db)
            try AuditLog.append(db, actor: actor, action: "council.work-report", subject: "community:\(communityID)",
                                details: ["year": String(year), "digest": signed.digest], now: now)
            return report
        }
    }

    /// The community's published work reports, newest year first.
    public func workReports(communityID: Int64) throws -> [WorkReport] {
        try reader.read { db in try WorkReport.filter(Column("communityID") == communityID).order(Column("year").desc).fetchAll(db) }
    }
}
