import Community
import Councils
import Foundation
import Hummingbird

/// Consultations (民主协商, L25): public — each consultation with its form, the outside
/// participants and their roles, the outcome and how it was carried out; the committee plans
/// them, names participants and records the outcome and the feedback.
struct ConsultationsController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let anyone = routes.open()
        anyone.get("/consultations", use: list)
        anyone.get("/consultations/:id", use: show)
        anyone.get("/api/v1/consultations", use: listAPI)
        anyone.get("/api/v1/consultations/:id", use: showAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/consultations", use: plan)
        committee.post("/consultations/:id/participants", use: addParticipant)
        committee.post("/consultations/:id/outcome", use: outcome)
        committee.post("/consultations/:id/feedback", use: feedback)
    }

    func consultation(_ context: AppRequestContext) throws -> Consultation {
        guard let id = GardenContext.int64(context.parameters.get("id")) else { throw WebError.notFound }
        let consultation: Consultation
        do { consultation = try database.consultation(id: id) } catch CommunityError.notFound { throw WebError.notFound }
        guard consultation.communityID == (try garden.communityID()) else { throw WebError.notFound }
        return consultation
    }

    static func formName(_ form: Consultation.Form, _ context: AppRequestContext) -> String { GardenContext.zh(context) ? form.chinese : form.english }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request: request, context: context)
    }

    func renderList(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        var data: [String: Any] = [
            "consultations": try database.consultations(communityID: try garden.communityID()).map {
                ["id": $0.id, "title": $0.title, "form": Self.formName($0.form, context), "date": $0.date.description,
                 "status": context.locale.text("cs_status_\($0.status.rawValue)")] as [String: Any]
            },
            "isCommittee": garden.isCommittee(context), "today": CivilDate.today().description,
            "forms": Consultation.Form.allCases.map { ["value": $0.rawValue, "label": Self.formName($0, context)] },
        ]
        if let error { data["error"] = error }
        return try renderer.page("consultations", title: context.locale.text("cs_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderConsultation(try consultation(context), request: request, context: context)
    }

    func renderConsultation(_ item: Consultation, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let en = !GardenContext.zh(context)
        var data: [String: Any] = [
            "id": item.id, "titleText": item.title, "form": Self.formName(item.form, context), "matter": item.matter, "date": item.date.description,
            "venue": item.venue, "motion": item.motionNumber ?? false, "status": context.locale.text("cs_status_\(item.status.rawValue)"),
            "participants": try database.consultationParticipants(consultationID: item.id).map {
                ["name": $0.name, "organisation": $0.organisation, "role": en ? $0.role.english : $0.role.chinese] as [String: Any]
            },
            "outcome": item.outcome.map { ["text": $0, "on": item.outcomeOn?.description ?? ""] as [String: Any] } ?? false,
            "feedback": item.feedback.map { ["text": $0, "on": item.feedbackOn?.description ?? ""] as [String: Any] } ?? false,
            "planned": garden.isCommittee(context) && item.status == .planned,
            "held": garden.isCommittee(context) && item.status == .held,
            "roles": ConsultationParticipant.Role.allCases.map { ["value": $0.rawValue, "label": en ? $0.english : $0.chinese] },
        ]
        if let error { data["error"] = error }
        return try renderer.page("consultation", title: item.title, data: data, request: request, context: context, status: status)
    }

    @Sendable func plan(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let kind = Consultation.Form(rawValue: form["form"] ?? "") else { throw CommunityError.invalid(field: "form", reason: "council, hearing or openForum") }
            let planned = try database.planConsultation(communityID: try garden.communityID(), form: kind, title: form["title"] ?? "", matter: form["matter"] ?? "",
                                                        date: try AssemblyController.date(form["date"], field: "date"), venue: form["venue"] ?? "",
                                                        motionNumber: form["motion"], actor: Actor(account))
            return GardenContext.seeOther("/consultations/\(planned.id)")
        } catch let error as CommunityError {
            return try renderList(error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    func step(_ request: Request, context: AppRequestContext, _ body: (Consultation, FormFields, Actor) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let item = try consultation(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try body(item, form, Actor(account))
            return GardenContext.seeOther("/consultations/\(item.id)")
        } catch let error as CommunityError {
            return try renderConsultation(try database.consultation(id: item.id), error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    @Sendable func addParticipant(request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context: context) { item, form, actor in
            guard let role = ConsultationParticipant.Role(rawValue: form["role"] ?? "") else { throw CommunityError.invalid(field: "role", reason: "the participant's role") }
            try database.addConsultationParticipant(consultationID: item.id, name: form["name"] ?? "", organisation: form["organisation"] ?? "", role: role, actor: actor)
        }
    }

    @Sendable func outcome(request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context: context) { item, form, actor in try database.recordConsultationOutcome(id: item.id, outcome: form["outcome"] ?? "", actor: actor) }
    }

    @Sendable func feedback(request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context: context) { item, form, actor in try database.recordConsultationFeedback(id: item.id, feedback: form["feedback"] ?? "", actor: actor) }
    }

    // MARK: API

    struct ConsultationJSON: Encodable {
        struct Participant: Encodable {
            let name: String
            let organisation: String
            let role: String
        }
        let id: Int64
        let form: String
        let title: String
        let matter: String
        let date: String
        let venue: String
        let motion: String?
        let status: String
        let participants: [Participant]
        let outcome: String?
        let outcomeOn: String?
        let feedback: String?
        let feedbackOn: String?
    }

    func json(_ item: Consultation) throws -> ConsultationJSON {
        ConsultationJSON(id: item.id, form: item.form.rawValue, title: item.title, matter: item.matter, date: item.date.description, venue: item.venue,
                         motion: item.motionNumber, status: item.status.rawValue,
                         participants: try database.consultationParticipants(consultationID: item.id).map { .init(name: $0.name, organisation: $0.organisation, role: $0.role.rawValue) },
                         outcome: item.outcome, outcomeOn: item.outcomeOn?.description, feedback: item.feedback, feedbackOn: item.feedbackOn?.description)
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try database.consultations(communityID: try garden.communityID()).map(json))
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try json(try consultation(context)))
    }
}
