import Community
import Councils
import Foundation
import Hummingbird
import Notary

/// Hearings (听证会): planning and the public notice, registration of would-be representatives,
/// selection with the balance by position and building, stakeholders and observers, the
/// clerk's screen during the hearing (speaking order, time limit, points, questions and
/// answers), the record's sign-off, opinions adopted or not, and the signed report.
struct HearingsController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let committee = routes.only(Roles.committee)
        committee.post("/hearings", use: create)
        committee.post("/hearings/:id/publish-notice", use: publishNotice)
        committee.post("/hearings/:id/participants/:participant/select", use: select)
        committee.post("/hearings/:id/participants/:participant/unselect", use: unselect)
        committee.post("/hearings/:id/guests", use: addGuest)
        committee.post("/hearings/:id/opinions", use: addOpinion)
        committee.post("/hearings/:id/opinions/:opinion/decide", use: decideOpinion)
        committee.post("/hearings/:id/report", use: publishReport)
        let staff = routes.only(Roles.staff)
        staff.post("/hearings/:id/start", use: start)
        staff.post("/hearings/:id/speeches", use: recordSpeech)
        staff.post("/hearings/:id/close", use: close)
        staff.post("/hearings/:id/chair-sign", use: chairSign)
        // Public (drafts only to staff); residents register and sign off with their household
        // sign-in, staff sign off a paper record
        let open = routes.open()
        open.get("/hearings", use: list)
        open.get("/hearings/:id", use: show)
        open.post("/hearings/:id/register", use: register)
        open.post("/hearings/:id/participants/:participant/sign-off", use: signOff)
        open.get("/hearings/:id/report.json", use: reportDocument)
        open.get("/hearings/:id/report.sig", use: reportSignature)
        open.get("/api/v1/hearings", use: listAPI)
        open.get("/api/v1/hearings/:id", use: showAPI)
        open.post("/api/v1/hearings/:id/registrations", use: registerAPI)
    }

    func hearing(_ context: AppRequestContext) throws -> Hearing {
        guard let id = GardenContext.int64(context.parameters.get("id")) else { throw WebError.notFound }
        let hearing: Hearing
        do { hearing = try database.hearing(id: id) } catch CommunityError.notFound { throw WebError.notFound }
        guard hearing.communityID == (try garden.communityID()), hearing.status != .draft || garden.isStaff(context) else { throw WebError.notFound }
        return hearing
    }

    func summary(_ hearing: Hearing, _ context: AppRequestContext) -> [String: Any] {
        var data: [String: Any] = ["id": hearing.id!, "title": hearing.title, "date": hearing.date.description, "time": hearing.time, "venue": hearing.venue,
                                   "status": context.locale.text("h_status_\(hearing.status.rawValue)"), "deadline": hearing.registrationDeadline.description,
                                   "capacity": hearing.capacity, "observerSeats": hearing.observerSeats, "noticeOn": hearing.noticeOn?.description ?? ""]
        if let late = hearing.lateNoticeReason { data["late"] = late }
        return data
    }

    // MARK: List and plan

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request: request, context: context)
    }

    func renderList(values: [String: String] = [:], error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let staff = garden.isStaff(context)
        let hearings = try database.hearings(communityID: try garden.communityID()).filter { staff || $0.status != .draft }
        var data: [String: Any] = ["hearings": hearings.map { summary($0, context) }]
        if garden.isCommittee(context) {
            let settings = try database.councilSettings(communityID: try garden.communityID())
            let accounts = try database.accounts().filter { !$0.disabled && $0.has(anyOf: GardenContext.staff) }
            data["plan"] = [
                "accounts": accounts.map { ["id": $0.id!, "name": "\($0.displayName) (\($0.username))"] as [String: Any] },
                "schedulable": try database.motions(communityID: try garden.communityID(), filter: MotionFilter(state: "accepted")).map { ["number": $0.motion.number, "title": $0.motion.title] },
                "date": values["date"] ?? CivilDate.today().adding(days: settings.hearingNoticeDays + 5).description,
                "deadline": values["deadline"] ?? CivilDate.today().adding(days: settings.hearingNoticeDays).description,
                "titleValue": values["title"] ?? "", "matter": values["matter"] ?? "", "proposer": values["proposer"] ?? "", "planText": values["plan"] ?? "",
                "venue": values["venue"] ?? "", "time": values["time"] ?? "14:30", "capacity": values["capacity"] ?? "20", "observerSeats": values["observerSeats"] ?? "20",
            ] as [String: Any]
        }
        if let error { data["error"] = error }
        return try renderer.page("hearings", title: context.locale.text("h_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let date = CivilDate(form["date"] ?? "") else { throw CommunityError.invalid(field: "date", reason: "a date (YYYY-MM-DD)") }
            guard let deadline = CivilDate(form["deadline"] ?? "") else { throw CommunityError.invalid(field: "registrationDeadline", reason: "a date (YYYY-MM-DD)") }
            guard let capacity = Int(form["capacity"] ?? ""), let observers = Int(form["observerSeats"] ?? "") else {
                throw CommunityError.invalid(field: "capacity", reason: "whole numbers of representatives and observer seats")
            }
            guard let chair = GardenContext.int64(form["chair"]), let recorder = GardenContext.int64(form["recorder"]) else {
                throw CommunityError.invalid(field: "chair", reason: "choose the chair and the recorder")
            }
            let hearing = try database.createHearing(communityID: try garden.communityID(), NewHearing(
                title: form["title"] ?? "", matter: form["matter"] ?? "", proposer: form["proposer"] ?? "", plan: form["plan"] ?? "", motionNumber: form["motion"],
                date: date, time: form["time"] ?? "", venue: form["venue"] ?? "", registrationDeadline: deadline, capacity: capacity, observerSeats: observers,
                chairAccountID: chair, recorderAccountID: recorder), actor: Actor(account))
            return GardenContext.seeOther("/hearings/\(hearing.id!)")
        } catch let error as CommunityError {
            return try renderList(values: form.values, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Hearing page

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderHearing(try hearing(context), request: request, context: context)
    }

    func renderHearing(_ hearing: Hearing, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let staff = garden.isStaff(context), committee = garden.isCommittee(context)
        let settings = try database.councilSettings(communityID: hearing.communityID)
        let participants = try database.hearingParticipants(hearingID: hearing.id!)
        let speeches = try database.hearingSpeeches(hearingID: hearing.id!)
        let identity = try garden.identity(request, context: context)
        func name(_ participant: HearingParticipant) -> String {
            if participant.role == .stakeholder { return [participant.name, participant.organisation].compactMap { $0 }.joined(separator: " · ") }
            // Observers are people: their full names are for staff; the public sees them masked, like residents.
            if participant.role == .observer {
                return [staff ? participant.name : PublicName.masked(participant.name), participant.organisation].compactMap { $0 }.joined(separator: " · ")
            }
            return staff ? participant.name : PublicName.label(building: participant.building, name: participant.name)
        }
        func row(_ participant: HearingParticipant) -> [String: Any] {
            let spoken = speeches.filter { $0.hearingParticipantID == participant.id }
            var row: [String: Any] = ["id": participant.id!, "hearingID": hearing.id!, "name": name(participant), "role": participant.role.chinese, "position": participant.position.chinese,
                    "building": participant.building,
                    "signed": participant.signedOffAt != nil, "signOff": participant.signOffMethod.map { context.locale.text("h_signoff_\($0)") } ?? "",
                    "canSelect": committee && hearing.status == .noticed && participant.role == .applicant,
                    "canUnselect": committee && hearing.status == .noticed && participant.role == .representative,
                    "canSign": hearing.status == .closed && participant.role.speaks && participant.signedOffAt == nil
                        && (staff || (identity?.residentID != nil && identity?.residentID == participant.residentID)
                            || (identity != nil && identity?.residentID == nil && participant.residentID != nil && identity?.householdID == participant.householdID)),
                    "residentID": participant.residentID.map(String.init) ?? "",
                    "speeches": spoken.map { speech in
                        var row: [String: Any] = ["minutes": speech.minutes, "points": speech.points, "over": speech.minutes > settings.speakingMinutes]
                        if !speech.questions.isEmpty { row["questions"] = speech.questions }
                        if !speech.answers.isEmpty { row["answers"] = speech.answers }
                        return row
                    }]
            if let order = participant.speakingOrder { row["order"] = order }
            if let statement = participant.statement { row["statement"] = statement }
            return row
        }
        var data = summary(hearing, context)
        data["matter"] = hearing.matter
        data["proposer"] = hearing.proposer
        data["plan"] = hearing.plan
        data["speakingMinutes"] = settings.speakingMinutes
        if let motionID = hearing.motionID { data["motion"] = try database.motion(id: motionID).number }
        data["staff"] = staff
        data["committee"] = committee
        data["draft"] = hearing.status == .draft
        data["noticed"] = hearing.status == .noticed
        data["held"] = hearing.status == .held
        data["closed"] = hearing.status == .closed
        data["reported"] = hearing.status == .reported
        let speakers = participants.filter { $0.role.speaks }.sorted { ($0.speakingOrder ?? .max, $0.id!) < ($1.speakingOrder ?? .max, $1.id!) }
        data["speakers"] = speakers.map(row)
        data["applicants"] = staff ? participants.filter { $0.role == .applicant }.map(row) : []
        data["observers"] = participants.filter { $0.role == .observer }.map(row)
        data["registered"] = participants.filter { $0.role == .applicant || $0.role == .representative }.count
        data["chairSigned"] = hearing.chairSignedAt.map { "\($0) (\(hearing.chairSignedBy ?? ""))" } ?? ""
        data["canChairSign"] = hearing.status == .closed && hearing.chairSignedAt == nil && context.account?.id == hearing.chairAccountID
        if staff {
            let balance = try database.hearingBalance(hearingID: hearing.id!)
            data["byPosition"] = balance.byPosition.map { ["key": HearingParticipant.Position(rawValue: $0.key)?.chinese ?? $0.key, "applicants": $0.applicants, "selected": $0.selected] as [String: Any] }
            data["byBuilding"] = balance.byBuilding.map { ["key": $0.key.isEmpty ? "—" : $0.key, "applicants": $0.applicants, "selected": $0.selected] as [String: Any] }
        }
        if hearing.status == .noticed && CivilDate.today() <= hearing.registrationDeadline {
            if let identity {
                data["canRegister"] = true
                if identity.residentID == nil {
                    data["members"] = try database.householdMembers(householdID: identity.householdID).map { ["id": $0.id, "name": $0.name] as [String: Any] }
                }
            } else {
                data["signInToRegister"] = true
            }
        }
        let opinions = try database.hearingOpinions(hearingID: hearing.id!)
        data["opinions"] = opinions.map { opinion in
            ["id": opinion.id!, "hearingID": hearing.id!, "summary": opinion.summary, "decided": opinion.adopted != nil, "adopted": opinion.adopted == true,
             "reason": opinion.reason ?? "", "by": opinion.participantID.flatMap { id in participants.first { $0.id == id } }.map(name) ?? ""] as [String: Any]
        }
        data["canEditOpinions"] = committee && (hearing.status == .held || hearing.status == .closed)
        data["outcomes"] = HearingOutcome.allCases.map { ["value": $0.rawValue, "label": $0.chinese] }
        if let report = hearing.reportText {
            data["report"] = ["text": report, "outcome": HearingOutcome(rawValue: hearing.outcome ?? "")?.chinese ?? "", "publishedAt": hearing.reportPublishedAt ?? "",
                              "digest": hearing.reportDigest ?? "", "keyID": hearing.keyID ?? ""] as [String: Any]
        }
        if let error { data["error"] = error }
        return try renderer.page("hearing", title: hearing.title, data: data, request: request, context: context, status: status)
    }

    func act(_ request: Request, context: AppRequestContext,
             _ body: (Hearing, FormFields, Account) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let hearing = try hearing(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try body(hearing, form, account)
            return GardenContext.seeOther("/hearings/\(hearing.id!)")
        } catch let error as CommunityError {
            return try renderHearing(try database.hearing(id: hearing.id!), error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    func participant(_ context: AppRequestContext) throws -> Int64 {
        guard let id = GardenContext.int64(context.parameters.get("participant")) else { throw WebError.notFound }
        return id
    }

    @Sendable func publishNotice(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            _ = try database.publishHearingNotice(id: hearing.id!, lateReason: form["lateReason"], actor: Actor(account))
        }
    }

    @Sendable func register(request: Request, context: AppRequestContext) async throws -> Response {
        let hearing = try hearing(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            guard let position = HearingParticipant.Position(rawValue: form["position"] ?? "") else { throw CommunityError.invalid(field: "position", reason: "support, oppose or other") }
            try database.registerForHearing(id: hearing.id!, identity: identity, position: position, statement: form["statement"])
            return GardenContext.seeOther("/hearings/\(hearing.id!)?registered=1")
        } catch let error as CommunityError {
            return try renderHearing(hearing, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func select(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { _, _, account in try database.setRepresentative(participantID: try participant(context), selected: true, actor: Actor(account)) }
    }

    @Sendable func unselect(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { _, _, account in try database.setRepresentative(participantID: try participant(context), selected: false, actor: Actor(account)) }
    }

    @Sendable func addGuest(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            guard let role = HearingParticipant.Role(rawValue: form["role"] ?? "") else { throw CommunityError.invalid(field: "role", reason: "stakeholder or observer") }
            try database.addHearingGuest(hearingID: hearing.id!, role: role, name: form["name"] ?? "", organisation: form["organisation"],
                                         position: HearingParticipant.Position(rawValue: form["position"] ?? "") ?? .other, actor: Actor(account))
        }
    }

    @Sendable func start(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, _, account in _ = try database.startHearing(id: hearing.id!, actor: Actor(account)) }
    }

    @Sendable func recordSpeech(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            guard let speaker = GardenContext.int64(form["participant"]) else { throw CommunityError.invalid(field: "participant", reason: "choose the speaker") }
            guard let minutes = Int((form["minutes"] ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: "minutes", reason: "minutes spoken, a whole number") }
            try database.recordSpeech(hearingID: hearing.id!, participantID: speaker, minutes: minutes, points: form["points"] ?? "",
                                      questions: form["questions"] ?? "", answers: form["answers"] ?? "", by: account)
        }
    }

    @Sendable func close(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, _, account in _ = try database.closeHearing(id: hearing.id!, actor: Actor(account)) }
    }

    /// A speaker signs with their own account; staff record a paper signature.
    @Sendable func signOff(request: Request, context: AppRequestContext) async throws -> Response {
        let hearing = try hearing(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let id = try participant(context)
            if let account = context.account, account.has(anyOf: GardenContext.staff) {
                try database.signOffRecord(participantID: id, paperRecordedBy: account)
            } else if let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) {
                try database.signOffRecord(participantID: id, identity: identity)
            } else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            return GardenContext.seeOther("/hearings/\(hearing.id!)")
        } catch let error as CommunityError {
            return try renderHearing(hearing, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    /// The hearing's chair signs the record.
    @Sendable func chairSign(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, _, account in try database.signRecordAsChair(hearingID: hearing.id!, account: account) }
    }

    @Sendable func addOpinion(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            try database.addOpinion(hearingID: hearing.id!, participantID: GardenContext.int64(form["participant"]), summary: form["summary"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func decideOpinion(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            guard let id = GardenContext.int64(context.parameters.get("opinion")),
                  try database.hearingOpinions(hearingID: hearing.id!).contains(where: { $0.id == id }) else { throw CommunityError.notFound("opinion") }
            try database.decideOpinion(id: id, adopted: form["adopted"] == "yes", reason: form["reason"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func publishReport(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { hearing, form, account in
            guard let outcome = HearingOutcome(rawValue: form["outcome"] ?? "") else { throw CommunityError.invalid(field: "outcome", reason: "what happens to the matter next") }
            _ = try database.publishHearingReport(id: hearing.id!, text: form["text"] ?? "", outcome: outcome, signingKey: try garden.signingKey(), actor: Actor(account))
        }
    }

    @Sendable func reportDocument(request: Request, context: AppRequestContext) async throws -> Response {
        let hearing = try hearing(context)
        guard let document = hearing.reportDocument else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"hearing-\(hearing.id!).json\""],
                        body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    @Sendable func reportSignature(request: Request, context: AppRequestContext) async throws -> Response {
        let hearing = try hearing(context)
        guard let signature = hearing.reportSignature.flatMap(Base64.decode) else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"hearing-\(hearing.id!).sig\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: signature)))
    }

    // MARK: API

    struct HearingJSON: Encodable {
        struct Speaker: Encodable {
            let order: Int?
            let role: String
            let position: String
            let name: String
            let signedOff: Bool
        }
        let id: Int64
        let title: String
        let matter: String
        let proposer: String
        let plan: String
        let motion: String?
        let date: String
        let time: String
        let venue: String
        let registrationDeadline: String
        let capacity: Int
        let status: String
        let noticeOn: String?
        let registered: Int?
        let speakers: [Speaker]?
        let report: String?
        let outcome: String?
        let reportDigest: String?
    }

    func json(_ hearing: Hearing, detailed: Bool) throws -> HearingJSON {
        let participants = detailed ? try database.hearingParticipants(hearingID: hearing.id!) : []
        return HearingJSON(
            id: hearing.id!, title: hearing.title, matter: hearing.matter, proposer: hearing.proposer, plan: hearing.plan,
            motion: try hearing.motionID.map { try database.motion(id: $0).number }, date: hearing.date.description, time: hearing.time, venue: hearing.venue,
            registrationDeadline: hearing.registrationDeadline.description, capacity: hearing.capacity, status: hearing.status.rawValue, noticeOn: hearing.noticeOn?.description,
            registered: detailed ? participants.filter { $0.role == .applicant || $0.role == .representative }.count : nil,
            speakers: detailed ? participants.filter(\.role.speaks).map {
                .init(order: $0.speakingOrder, role: $0.role.rawValue, position: $0.position.rawValue,
                      name: $0.role == .stakeholder ? ($0.organisation ?? $0.name) : PublicName.masked($0.name), signedOff: $0.signedOffAt != nil)
            } : nil,
            report: hearing.reportText, outcome: hearing.outcome, reportDigest: hearing.reportDigest)
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let staff = garden.isStaff(context)
        return try JSONResponse.make(try database.hearings(communityID: try garden.communityID()).filter { staff || $0.status != .draft }.map { try json($0, detailed: false) })
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try json(try hearing(context), detailed: true))
    }

    struct RegistrationRequest: Decodable {
        let position: String
        let statement: String?
        let resident: Int64?
    }

    struct RegistrationResponse: Encodable {
        let participant: Int64
        let position: String
        let status: String
    }

    @Sendable func registerAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let hearing = try hearing(context)
        var request = request
        let input = try await request.decodeJSON(RegistrationRequest.self, context: context, expected: "a JSON object with position (support, oppose, other), statement, resident")
        guard let identity = try garden.identity(request, context: context, residentID: input.resident) else { throw WebError.loginRequired }
        guard let position = HearingParticipant.Position(rawValue: input.position) else { throw WebError.badRequest(field: "position", reason: "support, oppose or other") }
        let participant = try database.registerForHearing(id: hearing.id!, identity: identity, position: position, statement: input.statement)
        return try JSONResponse.make(RegistrationResponse(participant: participant.id!, position: position.rawValue, status: participant.role.rawValue), status: .created)
    }
}
