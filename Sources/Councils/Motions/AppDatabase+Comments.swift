import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Adds a comment. Residents comment publicly; staff may mark a comment committee-internal.
    @discardableResult
    public func addComment(motionID: Int64, body: String, internal: Bool, author: String, actor: Actor, staff: Bool, now: Date = AppClock.now()) throws -> MotionComment {
        let body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 2_000 else { throw CommunityError.invalid(field: "body", reason: "the comment, 1 to 2,000 characters") }
        try PlainText.check(body, field: "body", multiline: true)
        guard staff || !`internal` else { throw CommunityError.notAllowed("only the committee writes internal comments") }
        return try writer.write { db in
            guard let motion = try Motion.fetchOne(db, key: motionID) else { throw CommunityError.notFound("motion \(motionID)") }
            var comment = MotionComment(motionID: motionID, author: author, authorActor: actor.description, body: body, internal: `internal`,
                                        createdAt: Timestamp.string(from: now))
            try comment.insert(db)
            try AuditLog.append(db, actor: actor, action: "motion.comment", subject: "motion:\(motion.number)",
                                details: ["comment": String(comment.id!), "internal": `internal` ? "yes" : "no"], now: now)
            return comment
        }
    }

    /// Hides a comment with a reason (moderation). Nothing is deleted: the text stays in the
    /// database and the committee still sees it; the public sees that it was hidden and why.
    public func hideComment(id: Int64, reason: String, by account: Account, now: Date = AppClock.now()) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 200 else { throw CommunityError.invalid(field: "reason", reason: "why the comment is hidden, 1 to 200 characters") }
        guard account.has(anyOf: [.admin, .committee]) else { throw CommunityError.notAllowed("only the committee moderates comments") }
        try writer.write { db in
            guard var comment = try MotionComment.fetchOne(db, key: id) else { throw CommunityError.notFound("comment \(id)") }
            guard comment.hiddenAt == nil else { throw CommunityError.notAllowed("comment \(id) is already hidden") }
            comment.hiddenAt = Timestamp.string(from: now)
            comment.hiddenBy = account.username
            comment.hiddenReason = reason
            try comment.update(db)
            try AuditLog.append(db, actor: Actor(account), action: "motion.comment.hide", subject: "motion-comment:\(id)", details: ["reason": reason], now: now)
        }
    }

    /// A motion's comments, oldest first; internal ones only for staff.
    public func comments(motionID: Int64, includeInternal: Bool) throws -> [MotionComment] {
        try reader.read { db in
            var request = MotionComment.filter(Column("motionID") == motionID)
            if !includeInternal { request = request.filter(Column("internal") == false) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }
}
