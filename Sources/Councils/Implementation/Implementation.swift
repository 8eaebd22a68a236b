import Community
import Foundation
import GRDB
import Notary

/// How a passed motion is carried out (落实): who owns it, since when, and its completion record.
public struct Implementation: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public enum OwnerKind: String, Codable, Sendable {
        /// A committee member (an account).
        case member
        /// An external unit (property company, street office department …).
        case unit
    }
    public var motionID: Int64
    public var owner: String
    public var ownerKind: OwnerKind
    public var ownerAccountID: Int64?
    public var startedOn: CivilDate
    public var completedOn: CivilDate?
    /// What was done, as recorded on completion.
    public var completion: String?
    public static let databaseTableName = "implementation"
}

/// A step of the implementation with its due date.
public struct Milestone: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var motionID: Int64
    public var title: String
    public var due: CivilDate
    public var doneOn: CivilDate?
    public var note: String?
    public static let databaseTableName = "milestone"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public func overdue(today: CivilDate) -> Bool { doneOn == nil && today > due }
}

/// A progress note, optionally with a photo.
public struct ProgressNote: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var motionID: Int64
    public var at: String
    public var author: String
    public var text: String
    public var mediaType: String?
    public var photoSHA256: String?
    public var photo: Data?
    public static let databaseTableName = "progressNote"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An overdue milestone with its motion, for the dashboard.
public struct OverdueMilestone: Sendable, Equatable {
    public let milestone: Milestone
    public let motionNumber: String
    public let motionTitle: String
    public let owner: String
}

extension AppDatabase {
    /// Starts implementing a passed motion: names its owner (a committee member's account, or
    /// an external unit) and moves the motion to `implementing` in the same transaction.
    public func startImplementation(motionID: Int64, owner: String, ownerKind: Implementation.OwnerKind, ownerAccountID: Int64? = nil,
                                    by account: Account, now: Date = AppClock.now()) throws -> Implementation {
        var owner = owner.trimmingCharacters(in: .whitespaces)
        return try writer.write { db in
            if ownerKind == .member {
                guard let id = ownerAccountID, let member = try Account.fetchOne(db, key: id), member.has(anyOf: [.admin, .committee, .clerk]) else {
                    throw CommunityError.invalid(field: "owner", reason: "a committee member's account")
                }
                owner = member.displayName
            }
            guard !owner.isEmpty, owner.count <= 100 else { throw CommunityError.invalid(field: "owner", reason: "who carries it out, 1 to 100 characters") }
            guard try Implementation.fetchOne(db, key: motionID) == nil else { throw CommunityError.notAllowed("motion \(motionID) already has an owner") }
            guard var motion = try Motion.fetchOne(db, key: motionID) else { throw CommunityError.notFound("motion \(motionID)") }
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            let transition = try Self.allowedTransition(workflow, motion: motion, action: "implement", performer: .committee)
            guard account.has(anyOf: [.admin, .committee]) else { throw CommunityError.notAllowed("only the committee assigns implementation") }
            let implementation = Implementation(motionID: motionID, owner: owner, ownerKind: ownerKind, ownerAccountID: ownerKind == .member ? ownerAccountID : nil,
                                                startedOn: CivilDate.today(now: now))
            try implementation.insert(db)
            try Self.apply(db, transition, to: &motion, workflow: workflow, reason: "责任人：\(owner)", actorLabel: "居委会·\(account.username)", actor: Actor(account), now: now)
            return implementation
        }
    }

    /// The implementation of a motion, if started.
    public func implementation(motionID: Int64) throws -> Implementation? {
        try reader.read { db in try Implementation.fetchOne(db, key: motionID) }
    }

    /// Adds a milestone with its due date (while implementing).
    @discardableResult
    public func addMilestone(motionID: Int64, title: String, due: CivilDate, actor: Actor) throws -> Milestone {
        let title = title.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 200 else { throw CommunityError.invalid(field: "title", reason: "the milestone, 1 to 200 characters") }
        return try writer.write { db in
            try Self.requireImplementing(db, motionID: motionID)
            var milestone = Milestone(motionID: motionID, title: title, due: due)
            try milestone.insert(db)
            try AuditLog.append(db, actor: actor, action: "implementation.milestone", subject: "motion:\(motionID)", details: ["title": title, "due": due.description])
            return milestone
        }
    }

    /// Marks a milestone done, with an optional note.
    public func completeMilestone(id: Int64, note: String?, actor: Actor, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var milestone = try Milestone.fetchOne(db, key: id) else { throw CommunityError.notFound("milestone \(id)") }
            try Self.requireImplementing(db, motionID: milestone.motionID)
            guard milestone.doneOn == nil else { throw CommunityError.notAllowed("milestone \(id) is already done") }
            milestone.doneOn = CivilDate.today(now: now)
            milestone.note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            try milestone.update(db)
            try AuditLog.append(db, actor: actor, action: "implementation.milestone.done", subject: "motion:\(milestone.motionID)", details: ["milestone": String(id)], now: now)
        }
    }

    /// Adds a progress note, optionally with a JPEG or PNG photo (within `photoMaxBytes`).
    @discardableResult
    public func addProgressNote(motionID: Int64, text: String, photo: Data?, author: String, actor: Actor, now: Date = AppClock.now()) throws -> ProgressNote {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5_000 else { throw CommunityError.invalid(field: "text", reason: "the progress, 1 to 5,000 characters") }
        return try writer.write { db in
            let motion = try Self.requireImplementing(db, motionID: motionID)
            var note = ProgressNote(motionID: motionID, at: Timestamp.string(from: now), author: author, text: text)
            if let photo, !photo.isEmpty {
                let settings = try Self.councilSettings(db, communityID: motion.communityID)
                guard photo.count <= settings.photoMaxBytes else { throw CommunityError.invalid(field: "photo", reason: "at most \(settings.photoMaxBytes / 1024) KiB") }
                let (cleaned, type) = try PhotoSanitizer.clean(photo)
                note.mediaType = type
                note.photoSHA256 = SHA256.hash(cleaned).hex
                note.photo = cleaned
            }
            try note.insert(db)
            try AuditLog.append(db, actor: actor, action: "implementation.progress", subject: "motion:\(motion.number)",
                                details: ["note": String(note.id!), "photo": note.photoSHA256 ?? ""], now: now)
            return note
        }
    }

    /// Records completion: what was done; every milestone must be done; the motion moves to
    /// `completed`, which opens residents' evaluation.
    public func completeImplementation(motionID: Int64, completion: String, by account: Account, now: Date = AppClock.now()) throws {
        let completion = completion.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !completion.isEmpty, completion.count <= 5_000 else { throw CommunityError.invalid(field: "completion", reason: "what was done, 1 to 5,000 characters") }
        guard account.has(anyOf: [.admin, .committee]) else { throw CommunityError.notAllowed("only the committee records completion") }
        try writer.write { db in
            var motion = try Self.requireImplementing(db, motionID: motionID)
            let open = try Milestone.filter(Column("motionID") == motionID && Column("doneOn") == nil).fetchAll(db)
            guard open.isEmpty else { throw CommunityError.notAllowed("milestones not done yet: \(open.map(\.title).joined(separator: "、"))") }
            guard var implementation = try Implementation.fetchOne(db, key: motionID) else { throw CommunityError.notFound("the implementation of \(motion.number)") }
            implementation.completedOn = CivilDate.today(now: now)
            implementation.completion = completion
            try implementation.update(db)
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            let transition = try Self.allowedTransition(workflow, motion: motion, action: "complete", performer: .committee)
            try Self.apply(db, transition, to: &motion, workflow: workflow, reason: completion, actorLabel: "居委会·\(account.username)", actor: Actor(account), now: now)
        }
    }

    @discardableResult
    static func requireImplementing(_ db: Database, motionID: Int64) throws -> Motion {
        guard let motion = try Motion.fetchOne(db, key: motionID) else { throw CommunityError.notFound("motion \(motionID)") }
        guard try Implementation.fetchOne(db, key: motionID) != nil, motion.state == "implementing" else {
            throw CommunityError.notAllowed("motion \(motion.number) is not being implemented")
        }
        return motion
    }

    /// A motion's milestones by due date.
    public func milestones(motionID: Int64) throws -> [Milestone] {
        try reader.read { db in try Milestone.filter(Column("motionID") == motionID).order(Column("due"), Column("id")).fetchAll(db) }
    }

    /// A motion's progress notes, oldest first (photos not loaded).
    public func progressNotes(motionID: Int64) throws -> [ProgressNote] {
        try reader.read { db in
            try ProgressNote.select(Column("id"), Column("motionID"), Column("at"), Column("author"), Column("text"), Column("mediaType"), Column("photoSHA256"))
                .filter(Column("motionID") == motionID).order(Column("id")).fetchAll(db)
        }
    }

    /// A progress note's photo.
    public func progressPhoto(noteID: Int64) throws -> (mediaType: String, bytes: Data)? {
        try reader.read { db in
            try Row.fetchOne(db, sql: "SELECT mediaType, photo FROM progressNote WHERE id = ? AND photo IS NOT NULL", arguments: [noteID]).map { ($0["mediaType"], $0["photo"]) }
        }
    }

    /// Milestones past their due date and not done, across the community.
    public func overdueMilestones(communityID: Int64, today: CivilDate = .today()) throws -> [OverdueMilestone] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT milestone.*, motion.number, motion.title AS motionTitle, implementation.owner FROM milestone
                JOIN motion ON motion.id = milestone.motionID JOIN implementation ON implementation.motionID = motion.id
                WHERE motion.communityID = ? AND milestone.doneOn IS NULL AND milestone.due < ? ORDER BY milestone.due
                """, arguments: [communityID, today.description]).map {
                OverdueMilestone(milestone: try Milestone(row: $0), motionNumber: $0["number"], motionTitle: $0["motionTitle"], owner: $0["owner"])
            }
        }
    }
}
