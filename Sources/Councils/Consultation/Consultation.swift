import Community
import Foundation
import GRDB

/// A consultation (民主协商, L25): a council session (议事会), a hearing or an open forum
/// (恳谈会) on a matter, open to named outside participants — the owners' committee, the
/// property company, units in the area, social organisations, deputies, experts — each shown
/// with their role; its outcome, and later how the outcome was carried out, are recorded and
/// published (fed back to residents).
public struct Consultation: Sendable, Equatable, Codable {
    /// The form of the consultation.
    public enum Form: String, Codable, Sendable, CaseIterable {
        case council
        case hearing
        case openForum

        public var chinese: String {
            switch self {
            case .council: return "议事会"
            case .hearing: return "听证会"
            case .openForum: return "恳谈会"
            }
        }

        public var english: String {
            switch self {
            case .council: return "Council session"
            case .hearing: return "Hearing"
            case .openForum: return "Open forum"
            }
        }
    }

    /// Where a consultation stands.
    public enum Status: String, Codable, Sendable {
        /// Planned; participants are being named.
        case planned
        /// Held: its outcome is recorded and public.
        case held
        /// How the outcome was carried out is recorded and public.
        case fedBack
    }

    public let id: Int64
    public let communityID: Int64
    public let form: Form
    public let title: String
    public let matter: String
    public let date: CivilDate
    public let venue: String
    /// The motion the consultation is about, if any.
    public let motionNumber: String?
    public let outcome: String?
    public let outcomeOn: CivilDate?
    public let feedback: String?
    public let feedbackOn: CivilDate?

    public var status: Status { feedbackOn != nil ? .fedBack : outcomeOn != nil ? .held : .planned }
}

/// An outside participant named for a consultation, with their role.
public struct ConsultationParticipant: Sendable, Equatable, Codable {
    /// The role an outside participant takes part in (L25's list).
    public enum Role: String, Codable, Sendable, CaseIterable {
        case ownersCommittee
        case propertyCompany
        case unitInArea
        case socialOrganisation
        case deputy
        case expert
        case other

        public var chinese: String {
            switch self {
            case .ownersCommittee: return "业主委员会"
            case .propertyCompany: return "物业服务企业"
            case .unitInArea: return "驻区单位"
            case .socialOrganisation: return "社会组织"
            case .deputy: return "人大代表、政协委员"
            case .expert: return "专家"
            case .other: return "其他"
            }
        }

        public var english: String {
            switch self {
            case .ownersCommittee: return "Owners' committee"
            case .propertyCompany: return "Property company"
            case .unitInArea: return "Unit in the area"
            case .socialOrganisation: return "Social organisation"
            case .deputy: return "Deputy"
            case .expert: return "Expert"
            case .other: return "Other"
            }
        }
    }

    public let id: Int64
    public let consultationID: Int64
    public let name: String
    /// The organisation they speak for (the property company's name, the expert's institute …).
    public let organisation: String
    public let role: Role
}

extension AppDatabase {
    /// Plans a consultation: its form, title, the matter, day and venue, and optionally the
    /// motion it is about.
    @discardableResult
    public func planConsultation(communityID: Int64, form: Consultation.Form, title: String, matter: String, date: CivilDate, venue: String,
                                 motionNumber: String?, actor: Actor, now: Date = AppClock.now()) throws -> Consultation {
        let title = title.trimmingCharacters(in: .whitespaces), matter = matter.trimmingCharacters(in: .whitespacesAndNewlines)
        let venue = venue.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "1 to 100 characters") }
        guard !matter.isEmpty, matter.count <= 2000 else { throw CommunityError.invalid(field: "matter", reason: "what is consulted on, 1 to 2000 characters") }
        guard !venue.isEmpty, venue.count <= 100 else { throw CommunityError.invalid(field: "venue", reason: "where it is held, 1 to 100 characters") }
        try PlainText.check(title, field: "title")
        try PlainText.check(matter, field: "matter", multiline: true)
        try PlainText.check(venue, field: "venue")
        try Self.checkMeetingDate(date, today: CivilDate.today(now: now), what: "consultation")
        let number = motionNumber?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let id = try writer.write { db in
            if let number {
                guard try Motion.filter(Column("communityID") == communityID && Column("number") == number).fetchOne(db) != nil else {
                    throw CommunityError.invalid(field: "motion", reason: "no motion \(number)")
                }
            }
            try db.execute(sql: "INSERT INTO consultation (communityID, form, title, matter, date, venue, motionNumber) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [communityID, form.rawValue, title, matter, date.description, venue, number])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "consultation.plan", subject: "consultation:\(id)", details: ["form": form.rawValue, "date": date.description], now: now)
            return id
        }
        return try consultation(id: id)
    }

    /// Names an outside participant (before the outcome is recorded).
    @discardableResult
    public func addConsultationParticipant(consultationID: Int64, name: String, organisation: String, role: ConsultationParticipant.Role, actor: Actor) throws -> ConsultationParticipant {
        let name = name.trimmingCharacters(in: .whitespaces), organisation = organisation.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 50 else { throw CommunityError.invalid(field: "name", reason: "the participant's name, 1 to 50 characters") }
        guard organisation.count <= 100 else { throw CommunityError.invalid(field: "organisation", reason: "at most 100 characters") }
        if role != .expert && role != .deputy && role != .other, organisation.isEmpty {
            throw CommunityError.invalid(field: "organisation", reason: "the \(role.english.lowercased()) the participant speaks for")
        }
        try PlainText.check(name, field: "name")
        try PlainText.check(organisation, field: "organisation")
        let id = try writer.write { db in
            let consultation = try Self.consultation(db, id: consultationID)
            guard consultation.status == .planned else { throw CommunityError.notAllowed("the consultation is held: its participants are fixed") }
            try db.execute(sql: "INSERT INTO consultationParticipant (consultationID, name, organisation, role) VALUES (?, ?, ?, ?)",
                           arguments: [consultationID, name, organisation, role.rawValue])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "consultation.participant", subject: "consultation:\(consultationID)", details: ["role": role.rawValue, "organisation": organisation])
            return id
        }
        guard let participant = try consultationParticipants(consultationID: consultationID).first(where: { $0.id == id }) else { throw CommunityError.notFound("participant \(id)") }
        return participant
    }

    /// Records the outcome once the day has come; it is public from then on.
    public func recordConsultationOutcome(id: Int64, outcome: String, actor: Actor, now: Date = AppClock.now()) throws {
        let text = outcome.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else { throw CommunityError.invalid(field: "outcome", reason: "what was agreed, 1 to 4000 characters") }
        try PlainText.check(text, field: "outcome", multiline: true)
        let today = CivilDate.today(now: now)
        try writer.write { db in
            let consultation = try Self.consultation(db, id: id)
            guard consultation.status == .planned else { throw CommunityError.notAllowed("the outcome is already recorded") }
            guard today >= consultation.date else { throw CommunityError.notAllowed("the consultation is on \(consultation.date): record its outcome on or after that day") }
            try db.execute(sql: "UPDATE consultation SET outcome = ?, outcomeOn = ? WHERE id = ?", arguments: [text, today.description, id])
            try AuditLog.append(db, actor: actor, action: "consultation.outcome", subject: "consultation:\(id)", details: ["on": today.description], now: now)
        }
    }

    /// Records how the outcome was carried out (fed back to residents), after the outcome.
    public func recordConsultationFeedback(id: Int64, feedback: String, actor: Actor, now: Date = AppClock.now()) throws {
        let text = feedback.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else { throw CommunityError.invalid(field: "feedback", reason: "how the outcome was carried out, 1 to 4000 characters") }
        try PlainText.check(text, field: "feedback", multiline: true)
        let today = CivilDate.today(now: now)
        try writer.write { db in
            let consultation = try Self.consultation(db, id: id)
            guard consultation.status == .held else {
                throw CommunityError.notAllowed(consultation.status == .planned ? "record the outcome first" : "how the outcome was carried out is already recorded")
            }
            try db.execute(sql: "UPDATE consultation SET feedback = ?, feedbackOn = ? WHERE id = ?", arguments: [text, today.description, id])
            try AuditLog.append(db, actor: actor, action: "consultation.feedback", subject: "consultation:\(id)", details: ["on": today.description], now: now)
        }
    }

    public func consultation(id: Int64) throws -> Consultation {
        try reader.read { db in try Self.consultation(db, id: id) }
    }

    /// A community's consultations, latest first.
    public func consultations(communityID: Int64) throws -> [Consultation] {
        try reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM consultation WHERE communityID = ? ORDER BY date DESC, id DESC", arguments: [communityID]).map { try Self.consultation(db, id: $0) }
        }
    }

    public func consultationParticipants(consultationID: Int64) throws -> [ConsultationParticipant] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consultationParticipant WHERE consultationID = ? ORDER BY id", arguments: [consultationID]).map {
                ConsultationParticipant(id: $0["id"], consultationID: $0["consultationID"], name: $0["name"], organisation: $0["organisation"],
                                        role: ConsultationParticipant.Role(rawValue: $0["role"]) ?? .other)
            }
        }
    }

    static func consultation(_ db: Database, id: Int64) throws -> Consultation {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM consultation WHERE id = ?", arguments: [id]) else { throw CommunityError.notFound("consultation \(id)") }
        func date(_ column: String) -> CivilDate? { (row[column] as String?).flatMap(CivilDate.init) }
        return Consultation(id: row["id"], communityID: row["communityID"], form: Consultation.Form(rawValue: row["form"]) ?? .council, title: row["title"],
                            matter: row["matter"], date: date("date")!, venue: row["venue"], motionNumber: row["motionNumber"], outcome: row["outcome"],
                            outcomeOn: date("outcomeOn"), feedback: row["feedback"], feedbackOn: date("feedbackOn"))
    }
}
