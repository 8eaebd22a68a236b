import Community
import Councils
import Foundation
import Hummingbird
import Notary

/// What happens to a motion after its decision, on the motion's own page: implementation
/// (owner, milestones, progress notes with photos, completion) and residents' evaluation
/// (one rating per household or representative, shown only as totals).
struct ImplementationController {
    let motions: MotionsController
    var garden: GardenContext { motions.garden }
    var database: AppDatabase { garden.database }

    func addRoutes(to routes: Routes) {
        let committee = routes.only(Roles.committee)
        committee.post("/motions/:number/implementation", use: start)
        committee.post("/motions/:number/complete", use: complete)
        committee.post("/motions/:number/evaluation/close", use: closeEvaluation)
        let staff = routes.only(Roles.staff)
        staff.post("/motions/:number/milestones", use: addMilestone)
        staff.post("/motions/:number/milestones/:milestone/done", use: completeMilestone)
        staff.post("/motions/:number/progress", use: addProgress)
        // Public progress photos; residents rate with their household sign-in
        let open = routes.open()
        open.get("/motions/:number/progress/:note/photo", use: progressPhoto)
        open.post("/motions/:number/ratings", use: rate)
        open.post("/api/v1/motions/:number/ratings", use: rateAPI)
    }

    /// The implementation and evaluation parts of the motion page.
    static func pageData(_ motion: Motion, database: AppDatabase, identity: ResidentIdentity?, committee: Bool, staff: Bool, context: AppRequestContext) throws -> [String: Any] {
        var data: [String: Any] = [:]
        let today = CivilDate.today()
        if motion.state == "passed" && committee {
            data["canStartImplementation"] = true
            data["owners"] = try database.accounts().filter { !$0.disabled && $0.has(anyOf: GardenContext.staff) }.map { ["id": $0.id!, "name": $0.displayName] as [String: Any] }
        }
        if let implementation = try database.implementation(motionID: motion.id!) {
            let milestones = try database.milestones(motionID: motion.id!)
            data["implementation"] = [
                "owner": implementation.owner, "kind": context.locale.text("i_owner_\(implementation.ownerKind.rawValue)"), "startedOn": implementation.startedOn.description,
                "completedOn": implementation.completedOn?.description ?? "", "completion": implementation.completion ?? "", "done": implementation.completedOn != nil,
                "milestones": milestones.map { milestone in
                    var row: [String: Any] = ["id": milestone.id!, "title": milestone.title, "due": milestone.due.description, "doneOn": milestone.doneOn?.description ?? "",
                                              "done": milestone.doneOn != nil, "overdue": milestone.overdue(today: today),
                                              "canComplete": staff && milestone.doneOn == nil && motion.state == "implementing"]
                    if let note = milestone.note { row["note"] = note }
                    return row
                },
                "notes": try database.progressNotes(motionID: motion.id!).map { note in
                    var row: [String: Any] = ["id": note.id!, "at": ReadableTime.text(note.at, context.locale), "author": note.author, "text": note.text]
                    if let digest = note.photoSHA256 { row["photo"] = digest }
                    return row
                },
                "editable": staff && motion.state == "implementing", "canComplete": committee && motion.state == "implementing",
            ] as [String: Any]
        }
        if motion.state == "completed" || motion.state == "evaluated" || motion.state == "archived" {
            let summary = try database.ratingSummary(motionID: motion.id!)
            let rated = try identity.map { try database.hasRated(motionID: motion.id!, identity: $0) } ?? false
            // While the evaluation is open nothing of the ratings is shown (neither totals nor
            // comments): a watcher comparing totals before and after a household rates would
            // learn its rating. They are published when the committee closes the evaluation.
            let open = motion.state == "completed"
            data["ratings"] = [
                "total": summary.total, "satisfied": summary.counts[.satisfied] ?? 0, "basic": summary.counts[.basic] ?? 0, "dissatisfied": summary.counts[.dissatisfied] ?? 0,
                "rate": summary.total == 0 ? "—" : String(format: "%.1f%%", summary.satisfactionRate * 100), "comments": open ? [] : summary.comments,
                "open": open, "showTotals": !open,
                "canRate": motion.state == "completed" && identity != nil && !rated, "rated": rated,
                "canClose": committee && motion.state == "completed", "signIn": identity == nil && motion.state == "completed",
                "choices": Satisfaction.allCases.map { ["value": $0.rawValue, "label": GardenContext.zh(context) ? $0.chinese : context.locale.text("e_\($0.rawValue)")] },
            ] as [String: Any]
        }
        return data
    }

    func act(_ request: Request, context: AppRequestContext, _ body: (Motion, FormFields, Account) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let motion = try motions.motion(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try body(motion, form, account)
            return GardenContext.seeOther("/motions/\(motion.number)")
        } catch let error as CommunityError {
            return try motions.renderMotion(try database.motion(id: motion.id!), error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func start(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form, account in
            let kind: Implementation.OwnerKind = form["ownerKind"] == "member" ? .member : .unit
            _ = try database.startImplementation(motionID: motion.id!, owner: form["owner"] ?? "", ownerKind: kind,
                                                 ownerAccountID: kind == .member ? GardenContext.int64(form["ownerAccount"]) : nil, by: account)
        }
    }

    @Sendable func addMilestone(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form, account in
            guard let due = CivilDate(form["due"] ?? "") else { throw CommunityError.invalid(field: "due", reason: "a date (YYYY-MM-DD)") }
            try database.addMilestone(motionID: motion.id!, title: form["title"] ?? "", due: due, actor: Actor(account))
        }
    }

    @Sendable func completeMilestone(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form, account in
            guard let id = GardenContext.int64(context.parameters.get("milestone")),
                  try database.milestones(motionID: motion.id!).contains(where: { $0.id == id }) else { throw CommunityError.notFound("milestone") }
            try database.completeMilestone(id: id, note: form["note"], actor: Actor(account))
        }
    }

    /// A progress note, optionally with a photo (multipart form).
    @Sendable func addProgress(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let motion = try motions.motion(context)
        let (fields, photo) = try await motions.submission(request, context: context)
        do {
            try database.addProgressNote(motionID: motion.id!, text: fields["text"] ?? "", photo: photo, author: account.displayName, actor: Actor(account))
            return GardenContext.seeOther("/motions/\(motion.number)")
        } catch let error as CommunityError {
            return try motions.renderMotion(motion, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func progressPhoto(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motions.motion(context)
        guard let id = GardenContext.int64(context.parameters.get("note")),
              try database.progressNotes(motionID: motion.id!).contains(where: { $0.id == id }),
              let photo = try database.progressPhoto(noteID: id) else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: photo.mediaType, .cacheControl: "public, max-age=86400", .contentSecurityPolicy: "default-src 'none'"],
                        body: .init(byteBuffer: ByteBuffer(bytes: photo.bytes)))
    }

    @Sendable func complete(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form, account in
            try database.completeImplementation(motionID: motion.id!, completion: form["completion"] ?? "", by: account)
        }
    }

    @Sendable func rate(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motions.motion(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            guard let rating = Satisfaction(rawValue: form["rating"] ?? "") else { throw CommunityError.invalid(field: "rating", reason: "满意, 基本满意 or 不满意") }
            try database.rateMotion(id: motion.id!, identity: identity, rating: rating, comment: form["comment"])
            return GardenContext.seeOther("/motions/\(motion.number)?rated=1")
        } catch let error as CommunityError {
            return try motions.renderMotion(motion, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func closeEvaluation(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, _, account in
            _ = try database.closeEvaluation(motionID: motion.id!, by: account)
        }
    }

    struct RatingRequest: Decodable {
        let rating: String
        let comment: String?
        let resident: Int64?
    }

    struct RatingResponse: Encodable {
        let number: String
        let recorded: Bool
    }

    @Sendable func rateAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motions.motion(context)
        var request = request
        let input = try await request.decodeJSON(RatingRequest.self, context: context, expected: "a JSON object with rating (satisfied, basic, dissatisfied) and comment")
        guard let identity = try garden.identity(request, context: context, residentID: input.resident) else { throw WebError.loginRequired }
        guard let rating = Satisfaction(rawValue: input.rating) else { throw WebError.badRequest(field: "rating", reason: "satisfied, basic or dissatisfied") }
        try database.rateMotion(id: motion.id!, identity: identity, rating: rating, comment: input.comment)
        // No totals while the evaluation is open (they would show what this household chose).
        return try JSONResponse.make(RatingResponse(number: motion.number, recorded: true), status: .created)
    }
}
