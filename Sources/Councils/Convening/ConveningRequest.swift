import Community
import Foundation
import GRDB

/// What residents ask the committee to convene.
public enum RequestedBody: String, Codable, Sendable, CaseIterable {
    /// A residents' meeting (居民会议), L18 Art. 10 and L25.
    case residentsMeeting
    /// A hearing (听证会), model hearing rules.
    case hearing

    public var chinese: String { self == .residentsMeeting ? "居民会议" : "听证会" }
    public var english: String { self == .residentsMeeting ? "residents' meeting" : "hearing" }

    /// Who may sign a request for this body: adults, households, and for a residents' meeting
    /// also the residents' representatives.
    public var bases: [AttendanceBasis] { self == .residentsMeeting ? [.adults, .households, .representatives] : [.adults, .households] }
}

/// Where a request stands.
public enum ConveningStatus: String, Codable, Sendable {
    /// Collecting signatures.
    case collecting
    /// Reached its share: on the committee's desk until it convenes the meeting or hearing.
    case reached
    /// The committee convened the meeting or hearing.
    case convened
}

/// Residents' request (提议) to convene a residents' meeting or a hearing, signed one per adult,
/// household or representative (`basis`, who may sign following `CouncilEligibility` and the
/// representatives' meeting roster). The base and the required number are fixed when the
/// request is opened, as a meeting's roll is when its notice is published, so progress is
/// always "signatures of required" against an auditable figure. Once the signatures reach the
/// share the request goes to the committee's desk with a deadline (`requestAnswerDays` working
/// days), overdue after it, until the committee names the meeting or hearing it convened.
public struct ConveningRequest: Sendable, Equatable, Codable {
    public let id: Int64
    public let communityID: Int64
    public let body: RequestedBody
    public let basis: AttendanceBasis
    public let title: String
    public let reason: String
    /// The opener as shown publicly (building and masked name).
    public let openedBy: String
    public let openedOn: CivilDate
    /// Adults, households or representatives entitled to sign when the request was opened.
    public let base: Int
    /// The share in force when the request was opened, e.g. "1/5".
    public let share: String
    /// Signatures that reach the share.
    public let required: Int
    public let signatures: Int
    public let reachedOn: CivilDate?
    /// The day by which the committee convenes the meeting or hearing.
    public let dueOn: CivilDate?
    public let convenedOn: CivilDate?
    public let meetingID: Int64?
    public let hearingID: Int64?
    public let answer: String?

    public var status: ConveningStatus { convenedOn != nil ? .convened : reachedOn != nil ? .reached : .collecting }

    /// Reached, not convened, and the deadline passed.
    public func overdue(today: CivilDate) -> Bool { status == .reached && (dueOn.map { today > $0 } ?? false) }
}

extension AppDatabase {
    /// Opens a request, signed first by its opener. The opener must be entitled to sign.
    @discardableResult
    public func openConveningRequest(communityID: Int64, body: RequestedBody, basis: AttendanceBasis, title: String, reason: String,
                                     identity: ResidentIdentity, now: Date = AppClock.now()) throws -> ConveningRequest {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines), reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 100 else { throw CommunityError.invalid(field: "title", reason: "what the \(body.english) should discuss, 1 to 100 characters") }
        guard !reason.isEmpty, reason.count <= 2000 else { throw CommunityError.invalid(field: "reason", reason: "why it is requested, 1 to 2000 characters") }
        try PlainText.check(title, field: "title")
        try PlainText.check(reason, field: "reason", multiline: true)
        guard body.bases.contains(basis) else {
            throw CommunityError.invalid(field: "basis", reason: "a \(body.english) is requested by \(body.bases.map(\.rawValue).joined(separator: ", "))")
        }
        let today = CivilDate.today(now: now)
        let id = try writer.write { db in
            let settings = try Self.councilSettings(db, communityID: communityID)
            guard let share = settings.requestShare(for: body, basis: basis) else { throw CommunityError.invalid(field: "basis", reason: "not a way to request a \(body.english)") }
            let base = try Self.requestBase(db, communityID: communityID, basis: basis, on: today)
            guard base > 0 else { throw CommunityError.notAllowed("nobody may sign such a request (\(basis.chinese)): the base is empty") }
            let unit = try Self.signingUnit(db, communityID: communityID, basis: basis, identity: identity, on: today)
            try db.execute(sql: """
                INSERT INTO conveningRequest (communityID, body, basis, title, reason, openedBy, openedOn, base, share, required)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [communityID, body.rawValue, basis.rawValue, title, reason, identity.publicLabel, today.description, base, share.description, share.required(of: base)])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: identity.actor, action: "request.open", subject: "request:\(id)", details: [
                "body": body.rawValue, "basis": basis.rawValue, "base": String(base), "share": share.description, "required": String(share.required(of: base)),
            ], now: now)
            try Self.addSignature(db, requestID: id, unit: unit, actor: identity.actor, now: now)
            return id
        }
        return try conveningRequest(id: id)
    }

    /// Signs a request: once per adult, household or representative (by its basis), by those
    /// entitled on the day, until the committee has convened the meeting or hearing.
    @discardableResult
    public func signConveningRequest(id: Int64, identity: ResidentIdentity, now: Date = AppClock.now()) throws -> ConveningRequest {
        try writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT communityID, basis, convenedOn FROM conveningRequest WHERE id = ?", arguments: [id]) else {
                throw CommunityError.notFound("request \(id)")
            }
            guard (row["convenedOn"] as String?) == nil else { throw CommunityError.notAllowed("the committee has already convened what request \(id) asked for") }
            let basis = AttendanceBasis(rawValue: row["basis"]) ?? .adults
            let unit = try Self.signingUnit(db, communityID: row["communityID"], basis: basis, identity: identity, on: CivilDate.today(now: now))
            try Self.addSignature(db, requestID: id, unit: unit, actor: identity.actor, now: now)
        }
        return try conveningRequest(id: id)
    }

    /// The committee names the residents' meeting or hearing it convened for a request that
    /// reached its share (a meeting of this community that is not cancelled, or a hearing).
    public func answerConveningRequest(id: Int64, meetingID: Int64?, hearingID: Int64?, note: String?, actor: Actor, now: Date = AppClock.now()) throws {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let note {
            guard note.count <= 1000 else { throw CommunityError.invalid(field: "note", reason: "at most 1000 characters") }
            try PlainText.check(note, field: "note", multiline: true)
        }
        try writer.write { db in
            let request = try Self.conveningRequest(db, id: id)
            guard request.status == .reached else {
                throw CommunityError.notAllowed(request.status == .convened ? "request \(id) is already answered" : "request \(id) has \(request.signatures) of \(request.required) signatures: it has not reached its share")
            }
            switch request.body {
            case .residentsMeeting:
                guard let meetingID, let meeting = try Meeting.fetchOne(db, key: meetingID), meeting.communityID == request.communityID,
                      meeting.kind == .residentsMeeting, meeting.status != .cancelled else {
                    throw CommunityError.invalid(field: "meeting", reason: "the residents' meeting convened for the request (a residents' meeting of this community, not cancelled)")
                }
            case .hearing:
                guard let hearingID, let hearing = try Hearing.fetchOne(db, key: hearingID), hearing.communityID == request.communityID else {
                    throw CommunityError.invalid(field: "hearing", reason: "the hearing convened for the request (a hearing of this community)")
                }
            }
            try db.execute(sql: "UPDATE conveningRequest SET convenedOn = ?, meetingID = ?, hearingID = ?, answer = ? WHERE id = ?",
                           arguments: [CivilDate.today(now: now).description, request.body == .residentsMeeting ? meetingID : nil,
                                       request.body == .hearing ? hearingID : nil, note, id])
            try AuditLog.append(db, actor: actor, action: "request.convened", subject: "request:\(id)", details: [
                "meeting": meetingID.map(String.init) ?? "", "hearing": hearingID.map(String.init) ?? "",
            ], now: now)
        }
    }

    /// One request.
    public func conveningRequest(id: Int64) throws -> ConveningRequest {
        try reader.read { db in try Self.conveningRequest(db, id: id) }
    }

    /// A community's requests, latest first.
    public func conveningRequests(communityID: Int64) throws -> [ConveningRequest] {
        try reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM conveningRequest WHERE communityID = ? ORDER BY id DESC", arguments: [communityID]).map { try Self.conveningRequest(db, id: $0) }
        }
    }

    /// Requests on the committee's desk: reached their share and not yet convened, earliest due first.
    public func requestsToConvene(communityID: Int64) throws -> [ConveningRequest] {
        try conveningRequests(communityID: communityID).filter { $0.status == .reached }.sorted { ($0.dueOn?.description ?? "", $0.id) < ($1.dueOn?.description ?? "", $1.id) }
    }

    /// Whether `identity` has signed request `id` (by the request's basis).
    public func hasSigned(requestID: Int64, identity: ResidentIdentity) throws -> Bool {
        try reader.read { db in
            let units = ["household:\(identity.householdID)"] + (identity.residentID.map { ["resident:\($0)"] } ?? [])
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM conveningSignature WHERE requestID = ? AND unit IN (\(units.map { _ in "?" }.joined(separator: ","))))",
                                     arguments: StatementArguments([requestID] + units)) ?? false
        }
    }

    // MARK: Rules shared by opening and signing

    /// How many may sign a request of `basis` on `day`: adults who may take part, households
    /// with such a member, or the residents' representatives serving.
    static func requestBase(_ db: Database, communityID: Int64, basis: AttendanceBasis, on day: CivilDate) throws -> Int {
        let adultBy = CouncilEligibility.adultBornBy(day).description
        switch basis {
        case .adults:
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resident WHERE communityID = ? AND \(CouncilEligibility.sqlCondition)", arguments: [communityID, adultBy]) ?? 0
        case .households:
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM household WHERE communityID = ? AND EXISTS (SELECT 1 FROM resident WHERE resident.householdID = household.id AND \(CouncilEligibility.sqlCondition))
                """, arguments: [communityID, adultBy]) ?? 0
        case .representatives:
            let d = day.description
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM assemblyMember JOIN assemblyTerm ON assemblyTerm.id = assemblyMember.termID
                WHERE \(servingAssemblyCondition) AND assemblyMember.seat = 'representative'
                """, arguments: [communityID, d, d, d, d]) ?? 0
        case .assembly, .council:
            return 0
        }
    }

    /// The unit a signature counts for, after checking the signer may sign.
    static func signingUnit(_ db: Database, communityID: Int64, basis: AttendanceBasis, identity: ResidentIdentity, on day: CivilDate) throws -> String {
        switch basis {
        case .households:
            try CouncilEligibility.require(db, identity: identity, communityID: communityID, on: day, what: "sign a request")
            return "household:\(identity.householdID)"
        case .adults:
            guard let residentID = identity.residentID else { throw CommunityError.invalid(field: "resident", reason: "say which member of the household signs: each adult signs once") }
            try CouncilEligibility.require(db, identity: identity, communityID: communityID, on: day, what: "sign a request")
            return "resident:\(residentID)"
        case .representatives:
            guard let residentID = identity.residentID, try isServingRepresentative(db, communityID: communityID, residentID: residentID, on: day) else {
                throw CommunityError.notAllowed("this request is signed by the residents' representatives serving today")
            }
            return "resident:\(residentID)"
        case .assembly, .council:
            throw CommunityError.invalid(field: "basis", reason: "adults, households or representatives")
        }
    }

    /// Records a signature (one per unit: the primary key makes a second impossible, even under
    /// concurrency) and, when the signatures first reach the required number, puts the request
    /// on the committee's desk with its deadline.
    static func addSignature(_ db: Database, requestID: Int64, unit: String, actor: Actor, now: Date) throws {
        let today = CivilDate.today(now: now)
        do {
            try db.execute(sql: "INSERT INTO conveningSignature (requestID, unit, signedOn) VALUES (?, ?, ?)", arguments: [requestID, unit, today.description])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw CommunityError.notAllowed(unit.hasPrefix("household:") ? "this household has already signed request \(requestID)" : "you have already signed request \(requestID)")
        }
        try AuditLog.append(db, actor: actor, action: "request.sign", subject: "request:\(requestID)", details: ["unit": unit], now: now)
        let request = try conveningRequest(db, id: requestID)
        if request.status == .collecting && request.signatures >= request.required {
            let settings = try councilSettings(db, communityID: request.communityID)
            let due = try workingCalendar(db, communityID: request.communityID).addingWorkingDays(settings.requestAnswerDays, to: today)
            try db.execute(sql: "UPDATE conveningRequest SET reachedOn = ?, dueOn = ? WHERE id = ?", arguments: [today.description, due.description, requestID])
            try AuditLog.append(db, actor: .system, action: "request.reached", subject: "request:\(requestID)", details: [
                "signatures": String(request.signatures), "required": String(request.required), "due": due.description,
            ], now: now)
        }
    }

    static func conveningRequest(_ db: Database, id: Int64) throws -> ConveningRequest {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT conveningRequest.*, (SELECT COUNT(*) FROM conveningSignature WHERE requestID = conveningRequest.id) AS signatures
            FROM conveningRequest WHERE id = ?
            """, arguments: [id]) else { throw CommunityError.notFound("request \(id)") }
        func date(_ column: String) -> CivilDate? { (row[column] as String?).flatMap(CivilDate.init) }
        return ConveningRequest(id: row["id"], communityID: row["communityID"], body: RequestedBody(rawValue: row["body"]) ?? .residentsMeeting,
                                basis: AttendanceBasis(rawValue: row["basis"]) ?? .adults, title: row["title"], reason: row["reason"], openedBy: row["openedBy"],
                                openedOn: date("openedOn")!, base: row["base"], share: row["share"], required: row["required"], signatures: row["signatures"],
                                reachedOn: date("reachedOn"), dueOn: date("dueOn"), convenedOn: date("convenedOn"), meetingID: row["meetingID"],
                                hearingID: row["hearingID"], answer: row["answer"])
    }
}
