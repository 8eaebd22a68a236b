import Community
import Foundation
import GRDB
import Notary

/// A resident's satisfaction with a completed motion (民主评议).
public enum Satisfaction: String, Codable, Sendable, CaseIterable {
    case satisfied, basic, dissatisfied
    public var chinese: String {
        switch self {
        case .satisfied: return "满意"
        case .basic: return "基本满意"
        case .dissatisfied: return "不满意"
        }
    }
}

/// Who rates completed motions: one rating per household (default) or per residents' representative.
public enum RatingUnit: String, Codable, Sendable, CaseIterable {
    case household
    case representative
}

/// The aggregate of a motion's ratings: counts and the comments, never who gave them.
public struct RatingSummary: Sendable, Equatable {
    public let counts: [Satisfaction: Int]
    public let comments: [String]
    public var total: Int { counts.values.reduce(0, +) }
    /// Satisfied and basically satisfied, as a share of all ratings (0 when there are none).
    public var satisfactionRate: Double { total == 0 ? 0 : Double((counts[.satisfied] ?? 0) + (counts[.basic] ?? 0)) / Double(total) }
}

extension AppDatabase {
    /// Records a rating of a completed motion.
    ///
    /// One per household (or per representative, under `ratingUnit = representative`), given by
    /// a resident who may take part (`CouncilEligibility`). The
    /// rating row has a random key, the month, the grade and the comment — nothing about the
    /// rater and no order of insertion; the "has rated" mark is a separate row keyed by the
    /// unit, with no time. No audit entry names the rater: the audit log only counts ratings
    /// when the evaluation closes. So no query can pair a rating with its rater.
    public func rateMotion(id: Int64, identity: ResidentIdentity, rating: Satisfaction, comment: String?, now: Date = AppClock.now()) throws {
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let comment, comment.count > 500 { throw CommunityError.invalid(field: "comment", reason: "at most 500 characters") }
        try writer.write { db in
            guard let motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            guard motion.state == "completed" else {
                throw CommunityError.notAllowed("motion \(motion.number) is rated once it is completed and until the evaluation closes")
            }
            let settings = try Self.councilSettings(db, communityID: motion.communityID)
            try CouncilEligibility.require(db, identity: identity, communityID: motion.communityID, on: CivilDate.today(now: now), what: "rate a motion")
            let unit: String
            switch settings.ratingUnit {
            case .household:
                unit = "household:\(identity.householdID)"
            case .representative:
                guard let residentID = identity.residentID,
                      try Self.isServingRepresentative(db, communityID: motion.communityID, residentID: residentID, on: CivilDate.today(now: now)) else {
                    throw CommunityError.notAllowed("motions are rated by the residents' representatives here")
                }
                unit = "resident:\(residentID)"
            }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionRatingMark WHERE motionID = ? AND unit = ?)", arguments: [id, unit]) == false else {
                throw CommunityError.notAllowed(settings.ratingUnit == .household ? "household \(identity.householdNumber) has already rated motion \(motion.number)" : "you have already rated motion \(motion.number)")
            }
            try db.execute(sql: "INSERT INTO motionRatingMark (motionID, unit) VALUES (?, ?)", arguments: [id, unit])
            try db.execute(sql: "INSERT INTO motionRating (id, motionID, month, rating, comment) VALUES (?, ?, ?, ?, ?)",
                           arguments: [try SecureRandom.bytes(16), id, String(CivilDate.today(now: now).description.prefix(7)), rating.rawValue, comment])
        }
    }

    /// Whether the household (or representative) has rated the motion.
    public func hasRated(motionID: Int64, identity: ResidentIdentity) throws -> Bool {
        try reader.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM motionRatingMark WHERE motionID = ? AND unit IN (?, ?))",
                              arguments: [motionID, "household:\(identity.householdID)", identity.residentID.map { "resident:\($0)" } ?? "-"]) ?? false
        }
    }

    /// The aggregate of a motion's ratings (comments in a fixed, meaningless order: by key).
    public func ratingSummary(motionID: Int64) throws -> RatingSummary {
        try reader.read { db in
            var counts: [Satisfaction: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rating, count(*) AS n FROM motionRating WHERE motionID = ? GROUP BY rating", arguments: [motionID]) {
                if let value = Satisfaction(rawValue: row["rating"]) { counts[value] = row["n"] }
            }
            let comments = try String.fetchAll(db, sql: "SELECT comment FROM motionRating WHERE motionID = ? AND comment IS NOT NULL ORDER BY id", arguments: [motionID])
            return RatingSummary(counts: counts, comments: comments)
        }
    }

    /// Closes a motion's evaluation (`completed → evaluated`), auditing only the totals.
    public func closeEvaluation(motionID: Int64, by account: Account, now: Date = AppClock.now()) throws -> Motion {
        let summary = try ratingSummary(motionID: motionID)
        let moved = try moveMotion(id: motionID, action: "evaluate", reason: "评议 \(summary.total) 份：满意 \(summary.counts[.satisfied] ?? 0)，基本满意 \(summary.counts[.basic] ?? 0)，不满意 \(summary.counts[.dissatisfied] ?? 0)",
                                   by: .committee(account), now: now)
        return moved
    }
}
