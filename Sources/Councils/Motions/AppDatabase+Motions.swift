import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Records a motion and returns it with a receipt signed by the community key.
    ///
    /// The title, description and category are required; the photo, when given, must be a JPEG
    /// or PNG within `photoMaxBytes`; it is stored as `PhotoSanitizer` rewrites it (metadata such
    /// as the EXIF GPS position dropped) with the SHA-256 of what is stored. Deadlines are set here
    /// from the working calendar: `acceptDays` and `replyDays` working days after the day of
    /// submission. The motion, its first history line and the audit entry commit together.
    public func submitMotion(communityID: Int64, _ new: NewMotion, by submitter: MotionSubmitter, signingKey: Ed25519PrivateKey,
                             now: Date = AppClock.now()) throws -> (Motion, SignedReceipt) {
        let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let description = new.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "what the motion is about, 1 to 100 characters") }
        guard !description.isEmpty, description.count <= 5_000 else { throw CommunityError.invalid(field: "description", reason: "the facts and what you ask for, 1 to 5,000 characters") }
        let building = new.building.trimmingCharacters(in: .whitespaces), unit = new.unit.trimmingCharacters(in: .whitespaces)
        let grid = new.grid.trimmingCharacters(in: .whitespaces)
        for (field, value) in [("building", building), ("unit", unit), ("grid", grid)] where value.count > 30 {
            throw CommunityError.invalid(field: field, reason: "at most 30 characters")
        }
        // A control character (a NUL above all) would be stored differently from the text the
        // receipt's hash covers: refused, naming the field. Only the description keeps lines.
        for (field, value, multiline) in [("title", title, false), ("description", description, true), ("building", building, false),
                                          ("unit", unit, false), ("grid", grid, false)] {
            try PlainText.check(value, field: field, multiline: multiline)
        }
        let today = CivilDate.today(now: now)
        return try writer.write { db in
            let settings = try Self.councilSettings(db, communityID: communityID)
            guard settings.category(new.category) != nil else {
                throw CommunityError.invalid(field: "category", reason: "one of \(settings.categories.map(\.key).joined(separator: ", "))")
            }
            var mediaType: String?, cleanedPhoto: Data?
            if let photo = new.photo, !photo.isEmpty {
                guard photo.count <= settings.photoMaxBytes else {
                    throw CommunityError.invalid(field: "photo", reason: "at most \(settings.photoMaxBytes) bytes (\(settings.photoMaxBytes / 1024) KiB), this one is \(photo.count) bytes")
                }
                (cleanedPhoto, mediaType) = try PhotoSanitizer.clean(photo)
            }
            try Self.requireCommunityKey(db, communityID: communityID, signingKey: signingKey)
            // Who.
            let householdID: Int64?, residentID: Int64?, label: String, channel: String, enteredBy: String?, actor: Actor
            switch submitter {
            case .resident(let identity):
                (householdID, residentID, label, channel, enteredBy, actor) = (identity.householdID, identity.residentID, identity.publicLabel, identity.channel, nil, identity.actor)
            case .onBehalf(let number, let chosen, let via, let clerk):
                guard ["paper", "phone", "api"].contains(via) else { throw CommunityError.invalid(field: "channel", reason: "paper, phone or api") }
                guard let household = try Row.fetchOne(db, sql: """
                    SELECT household.id, address.building FROM household LEFT JOIN address ON address.id = household.addressID
                    WHERE household.communityID = ? AND household.number = ?
                    """, arguments: [communityID, number.trimmingCharacters(in: .whitespaces)]) else {
                    throw CommunityError.invalid(field: "household", reason: "no household numbered \(number)")
                }
                var name: String?
                if let chosen {
                    name = try String.fetchOne(db, sql: "SELECT name FROM resident WHERE id = ? AND householdID = ?", arguments: [chosen, household["id"] as Int64])
                    guard name != nil else { throw CommunityError.invalid(field: "resident", reason: "not a member of household \(number)") }
                }
                (householdID, residentID, label, channel, enteredBy, actor) = (household["id"], chosen, PublicName.label(building: household["building"], name: name), via, clerk.username, Actor(clerk))
            }
            let calendar = try Self.workingCalendar(db, communityID: communityID)
            let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM motion WHERE communityID = ?", arguments: [communityID]) ?? 0) + 1
            let yearCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM motion WHERE communityID = ? AND submittedOn LIKE ?",
                                             arguments: [communityID, "\(today.year)-%"]) ?? 0
            let number = String(format: "%04d-%04d", today.year, yearCount + 1)
            let submittedAt = Timestamp.string(from: now)
            let photoDigest = cleanedPhoto.map { SHA256.hash($0).hex }
            let householdNumber = try householdID.flatMap { try String.fetchOne(db, sql: "SELECT number FROM household WHERE id = ?", arguments: [$0]) } ?? ""
            let tracking = try CanonicalJSON.digest(MotionStatement(
                community: communityID, number: number, submittedAt: submittedAt, title: title, description: description,
                category: new.category, location: [building, unit, grid], household: householdNumber, channel: channel, photo: photoDigest)).hex
            var motion = Motion(communityID: communityID, number: number, seq: seq, title: title, description: description, category: new.category,
                                building: building, unit: unit, grid: grid, householdID: householdID, residentID: residentID, submitterLabel: label,
                                channel: channel, enteredBy: enteredBy, submittedAt: submittedAt, submittedOn: today, state: MotionWorkflow.initialState,
                                stateSince: submittedAt, acceptDue: calendar.addingWorkingDays(settings.acceptDays, to: today),
                                replyDue: calendar.addingWorkingDays(settings.replyDays, to: today), tracking: tracking, photoSHA256: photoDigest)
            try motion.insert(db)
            if let photo = cleanedPhoto, let mediaType, let photoDigest {
                try db.execute(sql: "INSERT INTO motionPhoto (motionID, mediaType, sha256, bytes) VALUES (?, ?, ?, ?)",
                               arguments: [motion.id!, mediaType, photoDigest, photo])
            }
            var event = MotionEvent(motionID: motion.id!, at: submittedAt, actor: enteredBy.map { "\(channel == "phone" ? "电话" : "书面")·\($0)" } ?? label,
                                    action: "submit", fromState: nil, toState: motion.state, reason: nil)
            try event.insert(db)
            let receipt = try SignedReceipt.issue(ReceiptStatement(what: "motion", subject: "community:\(communityID)", seq: seq, tracking: tracking,
                                                                   at: submittedAt, key: signingKey.keyID), signingKey: signingKey)
            try AuditLog.append(db, actor: actor, action: "motion.submit", subject: "motion:\(number)", details: [
                "tracking": tracking, "category": new.category, "channel": channel, "photo": photoDigest ?? "",
            ], now: now)
            return (motion, receipt)
        }
    }

    /// A motion by its public number.
    public func motion(number: String, communityID: Int64) throws -> Motion {
        guard let motion = try reader.read({ db in
            try Motion.filter(Column("communityID") == communityID && Column("number") == number).fetchOne(db)
        }) else { throw CommunityError.notFound("motion \(number)") }
        return motion
    }

    /// A motion by its row id.
    public func motion(id: Int64) throws -> Motion {
        guard let motion = try reader.read({ db in try Motion.fetchOne(db, key: id) }) else { throw CommunityError.notFound("motion \(id)") }
        return motion
    }

    /// A motion's history, oldest first.
    public func motionHistory(motionID: Int64) throws -> [MotionEvent] {
        try reader.read { db in try MotionEvent.filter(Column("motionID") == motionID).order(Column("id")).fetchAll(db) }
    }

    /// A motion's photo and its media type.
    public func motionPhoto(motionID: Int64) throws -> (mediaType: String, bytes: Data)? {
        try reader.read { db in
            try Row.fetchOne(db, sql: "SELECT mediaType, bytes FROM motionPhoto WHERE motionID = ?", arguments: [motionID]).map { ($0["mediaType"], $0["bytes"]) }
        }
    }

    /// Records the committee's reply to the submitter (the `replyDays` deadline is met by it).
    public func replyToMotion(id: Int64, text: String, actor: Actor, by account: Account, now: Date = AppClock.now()) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5_000 else { throw CommunityError.invalid(field: "reply", reason: "the reply, 1 to 5,000 characters") }
        try PlainText.check(text, field: "reply", multiline: true)
        try writer.write { db in
            guard var motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            motion.reply = text
            motion.repliedOn = CivilDate.today(now: now)
            try motion.update(db)
            var event = MotionEvent(motionID: id, at: Timestamp.string(from: now), actor: "居委会·\(account.username)", action: "reply",
                                    fromState: nil, toState: nil, reason: text)
            try event.insert(db)
            try AuditLog.append(db, actor: actor, action: "motion.reply", subject: "motion:\(motion.number)", details: ["length": String(text.count)], now: now)
        }
    }
}
