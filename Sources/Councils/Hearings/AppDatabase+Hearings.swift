import Community
import Foundation
import GRDB
import Notary

/// A hearing as the committee plans it.
public struct NewHearing: Sendable {
    public var title: String
    public var matter: String
    public var proposer: String
    public var plan: String
    public var motionNumber: String?
    public var date: CivilDate
    public var time: String
    public var venue: String
    public var registrationDeadline: CivilDate
    public var capacity: Int
    public var observerSeats: Int
    public var chairAccountID: Int64
    public var recorderAccountID: Int64

    public init(title: String, matter: String, proposer: String, plan: String, motionNumber: String? = nil, date: CivilDate, time: String, venue: String,
                registrationDeadline: CivilDate, capacity: Int, observerSeats: Int, chairAccountID: Int64, recorderAccountID: Int64) {
        self.title = title
        self.matter = matter
        self.proposer = proposer
        self.plan = plan
        self.motionNumber = motionNumber
        self.date = date
        self.time = time
        self.venue = venue
        self.registrationDeadline = registrationDeadline
        self.capacity = capacity
        self.observerSeats = observerSeats
        self.chairAccountID = chairAccountID
        self.recorderAccountID = recorderAccountID
    }
}

extension AppDatabase {
    /// Plans a hearing. A linked motion is scheduled (it is on the hearing's "agenda") in the
    /// same transaction, so it must be in a state the workflow lets `schedule` leave.
    public func createHearing(communityID: Int64, _ new: NewHearing, actor: Actor, now: Date = AppClock.now()) throws -> Hearing {
        func text(_ value: String, _ field: String, _ limit: Int) throws -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= limit else { throw CommunityError.invalid(field: field, reason: "1 to \(limit) characters") }
            try PlainText.check(trimmed, field: field, multiline: limit > 100)
            return trimmed
        }
        let title = try text(new.title, "title", 100), matter = try text(new.matter, "matter", 5_000), proposer = try text(new.proposer, "proposer", 100)
        let plan = try text(new.plan, "plan", 10_000), venue = try text(new.venue, "venue", 100)
        let time = try Convening.clockTime(new.time, example: "14:30")
        try Self.checkMeetingDate(new.date, today: CivilDate.today(now: now), what: "hearing")
        guard new.registrationDeadline < new.date else { throw CommunityError.invalid(field: "registrationDeadline", reason: "before the hearing day") }
        guard (2...200).contains(new.capacity) else { throw CommunityError.invalid(field: "capacity", reason: "hearing representatives to select, 2 to 200 (typically 30–50 participants in all)") }
        guard (0...500).contains(new.observerSeats) else { throw CommunityError.invalid(field: "observerSeats", reason: "0 to 500") }
        return try writer.write { db in
            try Convening.requireChairAndRecorder(db, chair: new.chairAccountID, recorder: new.recorderAccountID, what: "hearing")
            var hearing = Hearing(communityID: communityID, title: title, matter: matter, proposer: proposer, plan: plan, date: new.date, time: time, venue: venue, registrationDeadline: new.registrationDeadline,
                                  capacity: new.capacity, observerSeats: new.observerSeats, chairAccountID: new.chairAccountID,
                                  recorderAccountID: new.recorderAccountID, status: .draft, createdAt: Timestamp.string(from: now))
            if let number = new.motionNumber?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
                guard let motion = try Motion.filter(Column("communityID") == communityID && Column("number") == number).fetchOne(db) else {
                    throw CommunityError.invalid(field: "motion", reason: "no motion \(number)")
                }
                hearing.motionID = motion.id
            }
            try hearing.insert(db)
            if let motionID = hearing.motionID {
                try Self.meetingTransition(db, motionID: motionID, action: "schedule", meetingLabel: "听证会 #\(hearing.id!)（\(title)）",
                                           reason: "提交 \(new.date) 听证会听证", actor: actor, now: now)
            }
            try AuditLog.append(db, actor: actor, action: "hearing.create", subject: "hearing:\(hearing.id!)", details: ["date": new.date.description], now: now)
            return hearing
        }
    }

    /// A hearing by id.
    public func hearing(id: Int64) throws -> Hearing {
        guard let hearing = try reader.read({ db in try Hearing.fetchOne(db, key: id) }) else { throw CommunityError.notFound("hearing \(id)") }
        return hearing
    }

    /// A community's hearings, latest first.
    public func hearings(communityID: Int64) throws -> [Hearing] {
        try reader.read { db in try Hearing.filter(Column("communityID") == communityID).order(Column("date").desc, Column("id").desc).fetchAll(db) }
    }

    /// Publishes the notice on the board at least `hearingNoticeDays` before the hearing (a
    /// later one only with its reason, which the notice shows). Registration opens.
    public func publishHearingNotice(id: Int64, lateReason: String? = nil, actor: Actor, now: Date = AppClock.now()) throws -> Hearing {
        let today = CivilDate.today(now: now)
        return try writer.write { db in
            guard var hearing = try Hearing.fetchOne(db, key: id) else { throw CommunityError.notFound("hearing \(id)") }
            guard hearing.status == .draft else { throw CommunityError.notAllowed("the notice of hearing \(id) is already published") }
            guard hearing.registrationDeadline >= today else {
                throw CommunityError.invalid(field: "registrationDeadline", reason: "the registration deadline \(hearing.registrationDeadline) has passed")
            }
            let settings = try Self.councilSettings(db, communityID: hearing.communityID)
            if today.days(until: hearing.date) < settings.hearingNoticeDays {
                guard let reason = lateReason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty else {
                    throw CommunityError.notAllowed("the hearing notice must be published at least \(settings.hearingNoticeDays) days before the hearing (by \(hearing.date.adding(days: -settings.hearingNoticeDays))); give the reason for a late notice to publish it anyway")
                }
                hearing.lateNoticeReason = reason
            }
            hearing.status = .noticed
            hearing.noticeOn = today
            try hearing.update(db)
            try AuditLog.append(db, actor: actor, action: "hearing.notice", subject: "hearing:\(id)", details: ["late": hearing.lateNoticeReason ?? ""], now: now)
            return hearing
        }
    }

    /// A resident registers as a would-be hearing representative with a position, until the
    /// registration deadline. One registration per resident, who must be one who may take
    /// part (`CouncilEligibility`).
    @discardableResult
    public func registerForHearing(id: Int64, identity: ResidentIdentity, position: HearingParticipant.Position, statement: String?,
                                   now: Date = AppClock.now()) throws -> HearingParticipant {
        guard let residentID = identity.residentID else { throw CommunityError.invalid(field: "resident", reason: "say which member of the household registers") }
        let statement = statement?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let statement, statement.count > 2_000 { throw CommunityError.invalid(field: "statement", reason: "at most 2,000 characters") }
        if let statement { try PlainText.check(statement, field: "statement", multiline: true) }
        return try writer.write { db in
            guard let hearing = try Hearing.fetchOne(db, key: id) else { throw CommunityError.notFound("hearing \(id)") }
            guard hearing.status == .noticed else { throw CommunityError.notAllowed("registration is open while the hearing's notice is out") }
            guard CivilDate.today(now: now) <= hearing.registrationDeadline else {
                throw CommunityError.notAllowed("registration closed on \(hearing.registrationDeadline)")
            }
            try CouncilEligibility.require(db, identity: identity, communityID: hearing.communityID, on: CivilDate.today(now: now), what: "register for a hearing")
            guard try HearingParticipant.filter(Column("hearingID") == id && Column("residentID") == residentID).fetchCount(db) == 0 else {
                throw CommunityError.notAllowed("this resident has already registered for hearing \(id)")
            }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT resident.name, COALESCE(address.building, '') AS building FROM resident LEFT JOIN household ON household.id = resident.householdID
                LEFT JOIN address ON address.id = household.addressID WHERE resident.id = ?
                """, arguments: [residentID]) else { throw CommunityError.notFound("resident \(residentID)") }
            var participant = HearingParticipant(hearingID: id, role: .applicant, position: position, name: row["name"], building: row["building"],
                                                 statement: statement, householdID: identity.householdID, residentID: residentID, registeredAt: Timestamp.string(from: now))
            try participant.insert(db)
            try AuditLog.append(db, actor: identity.actor, action: "hearing.register", subject: "hearing:\(id)", details: ["position": position.rawValue], now: now)
            return participant
        }
    }

    /// The committee selects hearing representatives among the applicants (or takes one back),
    /// up to `capacity`, before the hearing starts.
    public func setRepresentative(participantID: Int64, selected: Bool, actor: Actor, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var participant = try HearingParticipant.fetchOne(db, key: participantID), let hearing = try Hearing.fetchOne(db, key: participant.hearingID) else {
                throw CommunityError.notFound("participant \(participantID)")
            }
            guard hearing.status == .noticed else { throw CommunityError.notAllowed("representatives are selected before the hearing starts") }
            guard participant.role == (selected ? .applicant : .representative) else {
                throw CommunityError.notAllowed(selected ? "\(participant.name) is not an applicant" : "\(participant.name) is not a selected representative")
            }
            if selected {
                let count = try HearingParticipant.filter(Column("hearingID") == hearing.id && Column("role") == "representative").fetchCount(db)
                guard count < hearing.capacity else { throw CommunityError.notAllowed("all \(hearing.capacity) representative places are taken") }
            }
            participant.role = selected ? .representative : .applicant
            try participant.update(db)
            try AuditLog.append(db, actor: actor, action: selected ? "hearing.select" : "hearing.unselect", subject: "hearing:\(hearing.id!)",
                                details: ["participant": String(participantID)], now: now)
        }
    }

    /// Adds a stakeholder (property company, street office …) or an observer.
    @discardableResult
    public func addHearingGuest(hearingID: Int64, role: HearingParticipant.Role, name: String, organisation: String?, position: HearingParticipant.Position = .other,
                                actor: Actor, now: Date = AppClock.now()) throws -> HearingParticipant {
        guard role == .stakeholder || role == .observer else { throw CommunityError.invalid(field: "role", reason: "stakeholder or observer") }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else { throw CommunityError.invalid(field: "name", reason: "1 to 60 characters") }
        return try writer.write { db in
            guard let hearing = try Hearing.fetchOne(db, key: hearingID) else { throw CommunityError.notFound("hearing \(hearingID)") }
            guard hearing.status == .draft || hearing.status == .noticed else { throw CommunityError.notAllowed("participants are added before the hearing starts") }
            if role == .observer {
                let count = try HearingParticipant.filter(Column("hearingID") == hearingID && Column("role") == "observer").fetchCount(db)
                guard count < hearing.observerSeats else { throw CommunityError.notAllowed("all \(hearing.observerSeats) observer seats are taken") }
            }
            var participant = HearingParticipant(hearingID: hearingID, role: role, position: position, name: name, building: "",
                                                 organisation: organisation?.trimmingCharacters(in: .whitespaces).nilIfEmpty, registeredAt: Timestamp.string(from: now))
            try participant.insert(db)
            try AuditLog.append(db, actor: actor, action: "hearing.guest", subject: "hearing:\(hearingID)", details: ["role": role.rawValue], now: now)
            return participant
        }
    }

    /// Everyone registered or invited, in speaking order once set (then by registration).
    public func hearingParticipants(hearingID: Int64) throws -> [HearingParticipant] {
        try reader.read { db in
            try HearingParticipant.filter(Column("hearingID") == hearingID)
                .order(SQL("speakingOrder IS NULL"), Column("speakingOrder"), Column("id")).fetchAll(db)
        }
    }

    /// Applicants and selected representatives counted by position and by building.
    public func hearingBalance(hearingID: Int64) throws -> HearingBalance {
        let people = try hearingParticipants(hearingID: hearingID).filter { $0.role == .applicant || $0.role == .representative }
        func rows(_ key: (HearingParticipant) -> String, order: [String]? = nil) -> [HearingBalance.Row] {
            let keys = order ?? Array(Set(people.map(key))).sorted(by: StrokeOrder.areInOrder)
            return keys.map { value in
                HearingBalance.Row(key: value, applicants: people.filter { key($0) == value }.count,
                                   selected: people.filter { key($0) == value && $0.role == .representative }.count)
            }
        }
        return HearingBalance(byPosition: rows({ $0.position.rawValue }, order: HearingParticipant.Position.allCases.map(\.rawValue)),
                              byBuilding: rows({ $0.building }))
    }

    /// Starts the hearing on its day and fixes the speaking order: representatives alternate
    /// support / oppose (in order of registration) with "other" views after them, then the
    /// stakeholders.
    public func startHearing(id: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Hearing {
        try writer.write { db in
            guard var hearing = try Hearing.fetchOne(db, key: id) else { throw CommunityError.notFound("hearing \(id)") }
            guard hearing.status == .noticed else { throw CommunityError.notAllowed("hearing \(id) is \(hearing.status.chinese)") }
            guard CivilDate.today(now: now) >= hearing.date else { throw CommunityError.notAllowed("hearing \(id) is on \(hearing.date), not today") }
            let participants = try HearingParticipant.filter(Column("hearingID") == id).order(Column("id")).fetchAll(db)
            let representatives = participants.filter { $0.role == .representative }
            guard !representatives.isEmpty else { throw CommunityError.notAllowed("select the hearing representatives first") }
            let order = Self.speakingOrder(representatives) + participants.filter { $0.role == .stakeholder }
            for (index, var participant) in order.enumerated() {
                participant.speakingOrder = index + 1
                try participant.update(db)
            }
            hearing.status = .held
            hearing.startedAt = Timestamp.string(from: now)
            try hearing.update(db)
            try AuditLog.append(db, actor: actor, action: "hearing.start", subject: "hearing:\(id)", details: ["speakers": String(order.count)], now: now)
            return hearing
        }
    }

    /// Alternates support and oppose, starting with support; the longer side's remainder and
    /// then the "other" positions follow in registration order.
    static func speakingOrder(_ people: [HearingParticipant]) -> [HearingParticipant] {
        var support = people.filter { $0.position == .support }[...], oppose = people.filter { $0.position == .oppose }[...]
        var order: [HearingParticipant] = []
        while !support.isEmpty || !oppose.isEmpty {
            if let next = support.popFirst() { order.append(next) }
            if let next = oppose.popFirst() { order.append(next) }
        }
        return order + people.filter { $0.position == .other }
    }

    /// The clerk records a speaker's turn: points, questions and answers, minutes spoken.
    @discardableResult
    public func recordSpeech(hearingID: Int64, participantID: Int64, minutes: Int, points: String, questions: String, answers: String,
                             by account: Account, now: Date = AppClock.now()) throws -> HearingSpeech {
        let points = points.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !points.isEmpty, points.count <= 5_000 else { throw CommunityError.invalid(field: "points", reason: "the speaker's points, 1 to 5,000 characters") }
        guard (0...180).contains(minutes) else { throw CommunityError.invalid(field: "minutes", reason: "0 to 180") }
        return try writer.write { db in
            guard let hearing = try Hearing.fetchOne(db, key: hearingID) else { throw CommunityError.notFound("hearing \(hearingID)") }
            guard hearing.status == .held else { throw CommunityError.notAllowed("speeches are recorded while the hearing is held") }
            guard let participant = try HearingParticipant.fetchOne(db, key: participantID), participant.hearingID == hearingID, participant.role.speaks else {
                throw CommunityError.invalid(field: "participant", reason: "a representative or stakeholder of this hearing")
            }
            var speech = HearingSpeech(hearingID: hearingID, hearingParticipantID: participantID, minutes: minutes, points: points,
                                       questions: questions.trimmingCharacters(in: .whitespacesAndNewlines), answers: answers.trimmingCharacters(in: .whitespacesAndNewlines),
                                       recordedAt: Timestamp.string(from: now), recordedBy: account.username)
            try speech.insert(db)
            try AuditLog.append(db, actor: Actor(account), action: "hearing.speech", subject: "hearing:\(hearingID)",
                                details: ["participant": String(participantID), "minutes": String(minutes)], now: now)
            return speech
        }
    }

    /// The speeches recorded, in order.
    public func hearingSpeeches(hearingID: Int64) throws -> [HearingSpeech] {
        try reader.read { db in try HearingSpeech.filter(Column("hearingID") == hearingID).order(Column("id")).fetchAll(db) }
    }

    /// Ends the hearing: the record (听证笔录) is complete and goes to the speakers for sign-off.
    public func closeHearing(id: Int64, actor: Actor, now: Date = AppClock.now()) throws -> Hearing {
        try writer.write { db in
            guard var hearing = try Hearing.fetchOne(db, key: id) else { throw CommunityError.notFound("hearing \(id)") }
            guard hearing.status == .held else { throw CommunityError.notAllowed("hearing \(id) is \(hearing.status.chinese), not being held") }
            guard try HearingSpeech.filter(Column("hearingID") == id).fetchCount(db) > 0 else { throw CommunityError.notAllowed("no speech has been recorded") }
            hearing.status = .closed
            hearing.closedAt = Timestamp.string(from: now)
            try hearing.update(db)
            try AuditLog.append(db, actor: actor, action: "hearing.close", subject: "hearing:\(id)", details: [String: String](), now: now)
            return hearing
        }
    }

    /// A speaker approves the record: with their own resident account (`identity`), or a clerk
    /// records their paper signature (`paperRecordedBy`).
    public func signOffRecord(participantID: Int64, identity: ResidentIdentity? = nil, paperRecordedBy clerk: Account? = nil, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var participant = try HearingParticipant.fetchOne(db, key: participantID), let hearing = try Hearing.fetchOne(db, key: participant.hearingID) else {
                throw CommunityError.notFound("participant \(participantID)")
            }
            guard hearing.status == .closed else { throw CommunityError.notAllowed("the record is signed once the hearing has closed and before the report") }
            guard participant.role.speaks else { throw CommunityError.notAllowed("only representatives and stakeholders sign the record") }
            guard participant.signedOffAt == nil else { throw CommunityError.notAllowed("\(participant.name) has already signed the record") }
            let actor: Actor
            if let identity {
                guard identity.residentID != nil, identity.residentID == participant.residentID else {
                    throw CommunityError.notAllowed("only \(PublicName.masked(participant.name)) signs their own part of the record")
                }
                participant.signOffMethod = "account"
                actor = identity.actor
            } else if let clerk, clerk.has(anyOf: [.admin, .committee, .clerk]) {
                participant.signOffMethod = "paper"
                participant.signOffRecordedBy = clerk.username
                actor = Actor(clerk)
            } else {
                throw CommunityError.notAllowed("the speaker signs with their account, or staff record a paper signature")
            }
            participant.signedOffAt = Timestamp.string(from: now)
            try participant.update(db)
            try AuditLog.append(db, actor: actor, action: "hearing.sign-off", subject: "hearing:\(hearing.id!)",
                                details: ["participant": String(participantID), "method": participant.signOffMethod!], now: now)
        }
    }

    /// The chair (主持人) signs the record once the hearing has closed: only the hearing's chair,
    /// with their own account; recorded on the hearing and in the published report.
    public func signRecordAsChair(hearingID: Int64, account: Account, now: Date = AppClock.now()) throws {
        try writer.write { db in
            guard var hearing = try Hearing.fetchOne(db, key: hearingID) else { throw CommunityError.notFound("hearing \(hearingID)") }
            guard hearing.status == .closed else { throw CommunityError.notAllowed("the record is signed once the hearing has closed and before the report") }
            guard account.id == hearing.chairAccountID else { throw CommunityError.notAllowed("only the hearing's chair signs the record as chair") }
            guard hearing.chairSignedAt == nil else { throw CommunityError.notAllowed("the chair has already signed the record") }
            hearing.chairSignedAt = Timestamp.string(from: now)
            hearing.chairSignedBy = account.username
            try hearing.update(db)
            try AuditLog.append(db, actor: Actor(account), action: "hearing.sign-off.chair", subject: "hearing:\(hearingID)", details: [String: String](), now: now)
        }
    }

    /// Adds an opinion heard at the hearing (from a speaker, or a summary of several).
    @discardableResult
    public func addOpinion(hearingID: Int64, participantID: Int64?, summary: String, actor: Actor) throws -> HearingOpinion {
        let summary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty, summary.count <= 1_000 else { throw CommunityError.invalid(field: "summary", reason: "the opinion, 1 to 1,000 characters") }
        return try writer.write { db in
            guard let hearing = try Hearing.fetchOne(db, key: hearingID) else { throw CommunityError.notFound("hearing \(hearingID)") }
            guard hearing.status == .held || hearing.status == .closed else { throw CommunityError.notAllowed("opinions are collected during and after the hearing") }
            if let participantID {
                guard let participant = try HearingParticipant.fetchOne(db, key: participantID), participant.hearingID == hearingID else {
                    throw CommunityError.invalid(field: "participant", reason: "a participant of this hearing")
                }
            }
            var opinion = HearingOpinion(hearingID: hearingID, participantID: participantID, summary: summary)
            try opinion.insert(db)
            try AuditLog.append(db, actor: actor, action: "hearing.opinion", subject: "hearing:\(hearingID)", details: ["opinion": String(opinion.id!)])
            return opinion
        }
    }

    /// Decides whether the report adopts an opinion, with the reason either way.
    public func decideOpinion(id: Int64, adopted: Bool, reason: String, actor: Actor) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CommunityError.invalid(field: "reason", reason: "why the opinion is \(adopted ? "adopted" : "not adopted")") }
        try writer.write { db in
            guard var opinion = try HearingOpinion.fetchOne(db, key: id), let hearing = try Hearing.fetchOne(db, key: opinion.hearingID) else {
                throw CommunityError.notFound("opinion \(id)")
            }
            guard hearing.status != .reported else { throw CommunityError.notAllowed("the report is published") }
            opinion.adopted = adopted
            opinion.reason = reason
            try opinion.update(db)
            try AuditLog.append(db, actor: actor, action: "hearing.opinion.decide", subject: "hearing:\(hearing.id!)",
                                details: ["opinion": String(id), "adopted": adopted ? "yes" : "no"])
        }
    }

    /// The opinions, in order.
    public func hearingOpinions(hearingID: Int64) throws -> [HearingOpinion] {
        try reader.read { db in try HearingOpinion.filter(Column("hearingID") == hearingID).order(Column("id")).fetchAll(db) }
    }

    /// Publishes the hearing report (听证报告), signed with the community key.
    ///
    /// Refused until the chair and every representative and stakeholder have signed the record and every
    /// opinion is adopted or not with its reason. The linked motion moves on in the same
    /// transaction: back to `accepted` for a meeting's vote, or decided (passed, rejected,
    /// deferred).
    public func publishHearingReport(id: Int64, text: String, outcome: HearingOutcome, signingKey: Ed25519PrivateKey, actor: Actor, now: Date = AppClock.now()) throws -> Hearing {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 20_000 else { throw CommunityError.invalid(field: "text", reason: "the report, 1 to 20,000 characters") }
        try PlainText.check(text, field: "text", multiline: true)
        return try writer.write { db in
            guard var hearing = try Hearing.fetchOne(db, key: id) else { throw CommunityError.notFound("hearing \(id)") }
            guard hearing.status == .closed else { throw CommunityError.notAllowed(hearing.status == .reported ? "the report is already published" : "close the hearing first") }
            let participants = try HearingParticipant.filter(Column("hearingID") == id).order(Column("speakingOrder"), Column("id")).fetchAll(db)
            let unsigned = participants.filter { $0.role.speaks && $0.signedOffAt == nil }
            guard unsigned.isEmpty else {
                throw CommunityError.notAllowed("the record is not signed by \(unsigned.map { PublicName.masked($0.name) }.joined(separator: ", ")) yet")
            }
            guard hearing.chairSignedAt != nil else { throw CommunityError.notAllowed("the chair has not signed the record yet") }
            let opinions = try HearingOpinion.filter(Column("hearingID") == id).order(Column("id")).fetchAll(db)
            guard !opinions.isEmpty else { throw CommunityError.notAllowed("list the opinions heard, each adopted or not with its reason") }
            if let open = opinions.first(where: { $0.adopted == nil }) {
                throw CommunityError.notAllowed("opinion \"\(open.summary.prefix(30))\" is not decided: adopted or not, and why")
            }
            try Self.requireCommunityKey(db, communityID: hearing.communityID, signingKey: signingKey)
            let motionNumber = try hearing.motionID.flatMap { try String.fetchOne(db, sql: "SELECT number FROM motion WHERE id = ?", arguments: [$0]) }
            let publishedAt = Timestamp.string(from: now)
            let document = HearingReportDocument(
                community: hearing.communityID, hearing: id, title: hearing.title, matter: hearing.matter, proposer: hearing.proposer, plan: hearing.plan,
                date: hearing.date.description, venue: hearing.venue, motion: motionNumber,
                speakers: participants.filter(\.role.speaks).map {
                    .init(order: $0.speakingOrder ?? 0, role: $0.role.rawValue, position: $0.position.rawValue,
                          name: $0.role == .stakeholder ? ($0.organisation ?? $0.name) : PublicName.masked($0.name), signedOff: $0.signOffMethod ?? "")
                },
                observers: participants.filter { $0.role == .observer }.count,
                opinions: opinions.map { .init(summary: $0.summary, adopted: $0.adopted ?? false, reason: $0.reason ?? "") },
                chairSignedBy: hearing.chairSignedBy, chairSignedAt: hearing.chairSignedAt, report: text, outcome: outcome.rawValue, publishedAt: publishedAt, key: signingKey.keyID)
            let signed = try Convening.sign(document, with: signingKey)
            hearing.status = .reported
            hearing.reportText = text
            hearing.outcome = outcome.rawValue
            hearing.reportPublishedAt = publishedAt
            hearing.reportDocument = signed.text
            hearing.reportDigest = signed.digest
            hearing.reportSignature = signed.signature
            hearing.keyID = signed.keyID
            try hearing.update(db)
            if let motionID = hearing.motionID {
                try Self.meetingTransition(db, motionID: motionID, action: outcome.action, meetingLabel: "听证会 #\(id)（\(hearing.title)）",
                                           reason: "听证报告：\(outcome.chinese)", actor: actor, now: now)
            }
            try AuditLog.append(db, actor: actor, action: "hearing.report", subject: "hearing:\(id)",
                                details: ["digest": hearing.reportDigest!, "outcome": outcome.rawValue], now: now)
            return hearing
        }
    }
}
