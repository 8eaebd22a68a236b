import Community
import Councils
import Foundation
import Hummingbird

/// Residents' requests (提议) to convene a residents' meeting or a hearing (L25): anyone sees
/// them and their progress; a resident (own account or household card) opens one and signs —
/// one signature per adult, household or representative, as the request says; the committee
/// names the meeting or hearing it convened. The council desk lists those that reached their
/// share, with the deadline, overdue ones flagged.
struct RequestsController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        // Public; residents prove who they are with their account or household card.
        let anyone = routes.open()
        anyone.get("/requests", use: list)
        anyone.post("/requests", use: open)
        anyone.get("/requests/:id", use: show)
        anyone.post("/requests/:id/sign", use: sign)
        anyone.get("/api/v1/requests", use: listAPI)
        anyone.post("/api/v1/requests", use: openAPI)
        anyone.get("/api/v1/requests/:id", use: showAPI)
        anyone.post("/api/v1/requests/:id/signatures", use: signAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/requests/:id/convened", use: convened)
        committee.post("/api/v1/requests/:id/convened", use: convenedAPI)
    }

    func request(_ context: AppRequestContext) throws -> ConveningRequest {
        guard let id = GardenContext.int64(context.parameters.get("id")) else { throw WebError.notFound }
        let request: ConveningRequest
        do { request = try database.conveningRequest(id: id) } catch CommunityError.notFound { throw WebError.notFound }
        guard request.communityID == (try garden.communityID()) else { throw WebError.notFound }
        return request
    }

    static func bodyName(_ body: RequestedBody, _ context: AppRequestContext) -> String { GardenContext.zh(context) ? body.chinese : body.english }

    static func basisName(_ basis: AttendanceBasis, _ context: AppRequestContext) -> String { context.locale.text("rq_basis_\(basis.rawValue)") }

    static func statusName(_ request: ConveningRequest, _ context: AppRequestContext) -> String { context.locale.text("rq_status_\(request.status.rawValue)") }

    func row(_ request: ConveningRequest, _ context: AppRequestContext, today: CivilDate) -> [String: Any] {
        ["id": request.id, "title": request.title, "body": Self.bodyName(request.body, context), "basis": Self.basisName(request.basis, context),
         "signatures": request.signatures, "required": request.required, "base": request.base, "share": request.share,
         "percent": min(100, request.signatures * 100 / max(1, request.required)), "status": Self.statusName(request, context),
         "reached": request.status != .collecting, "dueOn": request.dueOn?.description ?? "", "overdue": request.overdue(today: today),
         "openedOn": request.openedOn.description, "openedBy": request.openedBy]
    }

    // MARK: Pages

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request: request, context: context)
    }

    func renderList(error: String? = nil, values: [String: String] = [:], request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = try garden.communityID()
        let settings = try database.councilSettings(communityID: communityID)
        let today = CivilDate.today()
        let identity = try garden.identity(request, context: context)
        var data: [String: Any] = [
            "requests": try database.conveningRequests(communityID: communityID).map { row($0, context, today: today) },
            "shares": RequestedBody.allCases.flatMap { body in
                body.bases.map { basis in
                    let source = CouncilSettings.shareSource(for: body, basis: basis)
                    return ["body": Self.bodyName(body, context), "basis": Self.basisName(basis, context),
                            "share": settings.requestShare(for: body, basis: basis)?.description ?? "",
                            "source": GardenContext.zh(context) ? source.zh : source.en] as [String: Any]
                }
            },
            "answerDays": settings.requestAnswerDays,
            "signedIn": identity != nil,
            "kinds": RequestedBody.allCases.flatMap { body in
                body.bases.map { basis in
                    ["value": "\(body.rawValue):\(basis.rawValue)", "label": "\(Self.bodyName(body, context))（\(Self.basisName(basis, context))）",
                     "selected": values["kind"] == "\(body.rawValue):\(basis.rawValue)"] as [String: Any]
                }
            },
            "titleValue": values["title"] ?? "", "reasonValue": values["reason"] ?? "",
            "members": try members(identity),
        ]
        data["hasMembers"] = !((data["members"] as? [[String: Any]]) ?? []).isEmpty
        if let error { data["error"] = error }
        return try renderer.page("requests", title: context.locale.text("rq_title"), data: data, request: request, context: context, status: status)
    }

    /// The members a household card may sign as (those who may take part today).
    func members(_ identity: ResidentIdentity?) throws -> [[String: Any]] {
        guard let identity, identity.channel == "household", identity.residentID == nil else { return [] }
        return try database.eligibleMembers(householdID: identity.householdID, on: .today()).map { ["id": $0.id, "name": $0.name] as [String: Any] }
    }

    @Sendable func open(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        do {
            guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            let (body, basis) = try Self.kind(form["kind"])
            let opened = try database.openConveningRequest(communityID: try garden.communityID(), body: body, basis: basis, title: form["title"] ?? "",
                                                           reason: form["reason"] ?? "", identity: identity)
            return GardenContext.seeOther("/requests/\(opened.id)")
        } catch let error as CommunityError {
            return try renderList(error: error.description, values: form.values, request: request, context: context, status: Self.status(error))
        }
    }

    static func kind(_ text: String?) throws -> (RequestedBody, AttendanceBasis) {
        let parts = (text ?? "").split(separator: ":").map(String.init)
        guard parts.count == 2, let body = RequestedBody(rawValue: parts[0]), let basis = AttendanceBasis(rawValue: parts[1]) else {
            throw CommunityError.invalid(field: "kind", reason: "what is requested and who signs (residentsMeeting or hearing : adults, households or representatives)")
        }
        return (body, basis)
    }

    static func status(_ error: CommunityError) -> HTTPResponse.Status {
        if case .notAllowed = error { return .conflict }
        return .unprocessableContent
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderRequest(try self.request(context), request: request, context: context)
    }

    func renderRequest(_ item: ConveningRequest, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let today = CivilDate.today()
        let identity = try garden.identity(request, context: context)
        var data = row(item, context, today: today)
        data["reason"] = item.reason
        data["collecting"] = item.status != .convened
        data["signedIn"] = identity != nil
        data["hasSigned"] = try identity.map { try database.hasSigned(requestID: item.id, identity: $0) } ?? false
        let members = item.basis == .households ? [] : try members(identity)
        data["members"] = members
        data["hasMembers"] = !members.isEmpty
        let source = CouncilSettings.shareSource(for: item.body, basis: item.basis)
        data["source"] = GardenContext.zh(context) ? source.zh : source.en
        if let convenedOn = item.convenedOn {
            var answer: [String: Any] = ["on": convenedOn.description, "note": item.answer ?? ""]
            if let meetingID = item.meetingID { answer["link"] = "/meetings/\(meetingID)" }
            if let hearingID = item.hearingID { answer["link"] = "/hearings/\(hearingID)" }
            data["convened"] = answer
        }
        if garden.isCommittee(context), item.status == .reached {
            let communityID = try garden.communityID()
            let meetings: [[String: Any]] = item.body == .residentsMeeting ? try database.meetings(communityID: communityID)
                .filter { $0.kind == .residentsMeeting && $0.status != .cancelled }
                .map { ["id": $0.id!, "label": "\($0.date) \($0.title)"] as [String: Any] } : []
            let hearings: [[String: Any]] = item.body == .hearing
                ? try database.hearings(communityID: communityID).map { ["id": $0.id!, "label": "\($0.date) \($0.title)"] as [String: Any] } : []
            data["answerForm"] = ["meetings": meetings, "hearings": hearings, "hasMeetings": !meetings.isEmpty, "hasHearings": !hearings.isEmpty] as [String: Any]
        }
        if let error { data["error"] = error }
        return try renderer.page("request", title: item.title, data: data, request: request, context: context, status: status)
    }

    @Sendable func sign(request: Request, context: AppRequestContext) async throws -> Response {
        let item = try self.request(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            try database.signConveningRequest(id: item.id, identity: identity)
            return GardenContext.seeOther("/requests/\(item.id)")
        } catch let error as CommunityError {
            return try renderRequest(try database.conveningRequest(id: item.id), error: error.description, request: request, context: context, status: Self.status(error))
        }
    }

    @Sendable func convened(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let item = try self.request(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try database.answerConveningRequest(id: item.id, meetingID: GardenContext.int64(form["meeting"]), hearingID: GardenContext.int64(form["hearing"]),
                                                note: form["note"], actor: Actor(account))
            return GardenContext.seeOther("/requests/\(item.id)")
        } catch let error as CommunityError {
            return try renderRequest(try database.conveningRequest(id: item.id), error: error.description, request: request, context: context, status: Self.status(error))
        }
    }

    // MARK: API

    struct RequestJSON: Encodable {
        let id: Int64
        let body: String
        let basis: String
        let title: String
        let reason: String
        let openedBy: String
        let openedOn: String
        let base: Int
        let share: String
        let required: Int
        let signatures: Int
        let status: String
        let reachedOn: String?
        let dueOn: String?
        let overdue: Bool
        let convenedOn: String?
        let meeting: Int64?
        let hearing: Int64?
        let answer: String?

        init(_ request: ConveningRequest) {
            id = request.id; body = request.body.rawValue; basis = request.basis.rawValue; title = request.title; reason = request.reason
            openedBy = request.openedBy; openedOn = request.openedOn.description; base = request.base; share = request.share
            required = request.required; signatures = request.signatures; status = request.status.rawValue
            reachedOn = request.reachedOn?.description; dueOn = request.dueOn?.description; overdue = request.overdue(today: .today())
            convenedOn = request.convenedOn?.description; meeting = request.meetingID; hearing = request.hearingID; answer = request.answer
        }
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try database.conveningRequests(communityID: try garden.communityID()).map(RequestJSON.init))
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(RequestJSON(try self.request(context)))
    }

    struct OpenRequest: Decodable {
        let body: String
        let basis: String
        let title: String
        let reason: String
        let resident: Int64?
    }

    @Sendable func openAPI(request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(OpenRequest.self, context: context, expected: "a JSON object with body (residentsMeeting or hearing), basis (adults, households or representatives), title and reason")
        guard let identity = try garden.identity(request, context: context, residentID: input.resident) else { throw WebError.loginRequired }
        let (body, basis) = try Self.kind("\(input.body):\(input.basis)")
        let opened = try database.openConveningRequest(communityID: try garden.communityID(), body: body, basis: basis, title: input.title, reason: input.reason, identity: identity)
        return try JSONResponse.make(RequestJSON(opened), status: .created)
    }

    struct SignRequest: Decodable {
        let resident: Int64?
    }

    @Sendable func signAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let item = try self.request(context)
        var request = request
        let input = try await request.decodeJSON(SignRequest.self, context: context, expected: "a JSON object, optionally with resident (the member signing with a household card)")
        guard let identity = try garden.identity(request, context: context, residentID: input.resident) else { throw WebError.loginRequired }
        return try JSONResponse.make(RequestJSON(try database.signConveningRequest(id: item.id, identity: identity)))
    }

    struct ConvenedRequest: Decodable {
        let meeting: Int64?
        let hearing: Int64?
        let note: String?
    }

    @Sendable func convenedAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let item = try self.request(context)
        var request = request
        let input = try await request.decodeJSON(ConvenedRequest.self, context: context, expected: "a JSON object with meeting (or hearing) and an optional note")
        try database.answerConveningRequest(id: item.id, meetingID: input.meeting, hearingID: input.hearing, note: input.note, actor: Actor(account))
        return try JSONResponse.make(RequestJSON(try database.conveningRequest(id: item.id)))
    }
}
