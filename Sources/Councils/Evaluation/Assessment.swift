import Community
import Foundation
import GRDB
import Notary

/// The yearly assessment (测评打分) of the residents' committee's members by the residents'
/// representatives: each representative fills one score sheet (a score 0–100 and a grade per
/// member); only aggregates are ever shown, and nothing stored pairs a sheet with its author.
public struct Assessment: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public enum Status: String, Codable, Sendable { case open, closed }
    public var id: Int64?
    public var communityID: Int64
    public var year: Int
    public var title: String
    public var status: Status
    public var createdAt: String
    public var closedAt: String?
    public static let databaseTableName = "assessment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A member being assessed.
public struct AssessmentSubject: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var assessmentID: Int64
    public var name: String
    public var post: String
    public static let databaseTableName = "assessmentSubject"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The grades of a score sheet (优秀 / 称职 / 基本称职 / 不称职).
public enum AssessmentGrade: String, Codable, Sendable, CaseIterable {
    case excellent, competent, basic, incompetent
    public var chinese: String {
        switch self {
        case .excellent: return "优秀"
        case .competent: return "称职"
        case .basic: return "基本称职"
        case .incompetent: return "不称职"
        }
    }
}

/// One member's result: sheets, average score, grade counts.
public struct AssessmentResult: Sendable, Equatable {
    public let subject: AssessmentSubject
    public let sheets: Int
    public let averageScore: Double
    public let grades: [AssessmentGrade: Int]
}

extension AppDatabase {
    /// Opens the year's assessment with the members to assess ("name, post" each).
    public func openAssessment(communityID: Int64, year: Int, title: String, subjects: [(name: String, post: String)], actor: Actor, now: Date = AppClock.now()) throws -> Assessment {
        let title = title.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "1 to 100 characters") }
        guard (2000...2100).contains(year) else { throw CommunityError.invalid(field: "year", reason: "a year") }
        let cleaned = subjects.map { ($0.name.trimmingCharacters(in: .whitespaces), $0.post.trimmingCharacters(in: .whitespaces)) }
        guard !cleaned.isEmpty, cleaned.allSatisfy({ !$0.0.isEmpty && !$0.1.isEmpty }) else {
            throw CommunityError.invalid(field: "subjects", reason: "one line per member: name, post")
        }
        return try writer.write { db in
            guard try Assessment.filter(Column("communityID") == communityID && Column("year") == year).fetchCount(db) == 0 else {
                throw CommunityError.notAllowed("the \(year) assessment already exists")
            }
            var assessment = Assessment(communityID: communityID, year: year, title: title, status: .open, createdAt: Timestamp.string(from: now))
            try assessment.insert(db)
            for (name, post) in cleaned {
                var subject = AssessmentSubject(assessmentID: assessment.id!, name: name, post: post)
                try subject.insert(db)
            }
            try AuditLog.append(db, actor: actor, action: "assessment.open", subject: "assessment:\(assessment.id!)",
                                details: ["year": String(year), "members": String(cleaned.count)], now: now)
            return assessment
        }
    }

    /// A community's assessments, latest year first.
    public func assessments(communityID: Int64) throws -> [Assessment] {
        try reader.read { db in try Assessment.filter(Column("communityID") == communityID).order(Column("year").desc).fetchAll(db) }
    }

    public func assessment(id: Int64) throws -> Assessment {
        guard let assessment = try reader.read({ db in try Assessment.fetchOne(db, key: id) }) else { throw CommunityError.notFound("assessment \(id)") }
        return assessment
    }

    public func assessmentSubjects(assessmentID: Int64) throws -> [AssessmentSubject] {
        try reader.read { db in try AssessmentSubject.filter(Column("assessmentID") == assessmentID).order(Column("id")).fetchAll(db) }
    }

    /// A representative submits a score sheet: a score (0–100) and a grade for every member.
    /// One sheet per representative; the scores get random keys and no author or time.
    public func submitScoreSheet(assessmentID: Int64, identity: ResidentIdentity, scores: [Int64: (score: Int, grade: AssessmentGrade)]) throws {
        guard let residentID = identity.residentID else { throw CommunityError.invalid(field: "resident", reason: "say which representative fills the sheet") }
        try writer.write { db in
            guard let assessment = try Assessment.fetchOne(db, key: assessmentID) else { throw CommunityError.notFound("assessment \(assessmentID)") }
            guard assessment.status == .open else { throw CommunityError.notAllowed("the \(assessment.year) assessment is closed") }
            guard try Self.isServingRepresentative(db, communityID: assessment.communityID, residentID: residentID, on: .today()) else {
                throw CommunityError.notAllowed("score sheets are filled by the residents' representatives")
            }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assessmentMark WHERE assessmentID = ? AND residentID = ?)", arguments: [assessmentID, residentID]) == false else {
                throw CommunityError.notAllowed("you have already handed in your score sheet")
            }
            let subjects = try AssessmentSubject.filter(Column("assessmentID") == assessmentID).fetchAll(db)
            for subject in subjects {
                guard let entry = scores[subject.id!] else { throw CommunityError.invalid(field: "score[\(subject.id!)]", reason: "score \(subject.name) too") }
                guard (0...100).contains(entry.score) else { throw CommunityError.invalid(field: "score[\(subject.id!)]", reason: "0 to 100") }
            }
            guard Set(scores.keys) == Set(subjects.map { $0.id! }) else { throw CommunityError.invalid(field: "score", reason: "only the members of this assessment") }
            try db.execute(sql: "INSERT INTO assessmentMark (assessmentID, residentID) VALUES (?, ?)", arguments: [assessmentID, residentID])
            for subject in subjects {
                let entry = scores[subject.id!]!
                try db.execute(sql: "INSERT INTO assessmentScore (id, assessmentSubjectID, score, grade) VALUES (?, ?, ?, ?)",
                               arguments: [try SecureRandom.bytes(16), subject.id!, entry.score, entry.grade.rawValue])
            }
        }
    }

    /// Whether this representative has handed in a sheet.
    public func hasScored(assessmentID: Int64, residentID: Int64) throws -> Bool {
        try reader.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assessmentMark WHERE assessmentID = ? AND residentID = ?)", arguments: [assessmentID, residentID]) ?? false
        }
    }

    /// Closes the assessment; the audit log records only how many sheets came in.
    public func closeAssessment(id: Int64, actor: Actor, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var assessment = try Assessment.fetchOne(db, key: id) else { throw CommunityError.notFound("assessment \(id)") }
            guard assessment.status == .open else { throw CommunityError.notAllowed("the assessment is already closed") }
            assessment.status = .closed
            assessment.closedAt = Timestamp.string(from: now)
            try assessment.update(db)
            let sheets = try Int.fetchOne(db, sql: "SELECT count(*) FROM assessmentMark WHERE assessmentID = ?", arguments: [id]) ?? 0
            try AuditLog.append(db, actor: actor, action: "assessment.close", subject: "assessment:\(id)", details: ["sheets": String(sheets)], now: now)
        }
    }

    /// Sheets handed in so far.
    public func assessmentSheetCount(assessmentID: Int64) throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM assessmentMark WHERE assessmentID = ?", arguments: [assessmentID]) ?? 0 }
    }

    /// The aggregate per member — only once the assessment is closed.
    public func assessmentResults(assessmentID: Int64) throws -> [AssessmentResult] {
        let assessment = try assessment(id: assessmentID)
        guard assessment.status == .closed else { throw CommunityError.notAllowed("results are shown once the assessment is closed") }
        return try reader.read { db in
            try AssessmentSubject.filter(Column("assessmentID") == assessmentID).order(Column("id")).fetchAll(db).map { subject in
                let rows = try Row.fetchAll(db, sql: "SELECT grade, count(*) AS n, sum(score) AS total FROM assessmentScore WHERE assessmentSubjectID = ? GROUP BY grade",
                                            arguments: [subject.id!])
                var grades: [AssessmentGrade: Int] = [:]
                var sheets = 0, total = 0
                for row in rows {
                    if let grade = AssessmentGrade(rawValue: row["grade"]) { grades[grade] = row["n"] }
                    sheets += row["n"] as Int
                    total += row["total"] as Int
                }
                return AssessmentResult(subject: subject, sheets: sheets, averageScore: sheets == 0 ? 0 : Double(total) / Double(sheets), grades: grades)
            }
        }
    }
}
