import Community
import Councils
import Foundation
import Hummingbird
import Notary

/// The motion register (议事园): the public list with filters and CSV, submission (resident
/// account, household access code, or a clerk on a household's behalf) with a signed
/// receipt, the motion page with its history, co-signing, comments, the committee's
/// transitions and reply; household sign-in; and the JSON API.
struct MotionsController {
    let garden: GardenContext
    let throttle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 50)
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let committee = routes.only(Roles.committee)
        committee.post("/motions/:number/comments/:comment/hide", use: hideComment)
        committee.post("/motions/:number/reply", use: reply)
        // Public; residents act with their household sign-in, staff for a submitter, and the
        // workflow's committee steps are the domain's to allow (`MotionMover`)
        let open = routes.open()
        open.get("/motions", use: list)
        open.get("/motions.csv", use: csv)
        open.get("/motions/new", use: newForm)
        open.post("/motions", use: submit)
        open.get("/motions/:number", use: show)
        open.get("/motions/:number/photo", use: photo)
        open.post("/motions/:number/support", use: support)
        open.post("/motions/:number/support/withdraw", use: withdrawSupport)
        open.post("/motions/:number/transition", use: transition)
        open.post("/motions/:number/comments", use: comment)
        open.get("/garden/sign-in", use: signInForm)
        open.post("/garden/sign-in", use: signIn)
        open.post("/garden/sign-out", use: signOut)
        open.get("/api/v1/motions", use: listAPI)
        open.post("/api/v1/motions", use: submitAPI)
        open.get("/api/v1/motions/:number", use: showAPI)
        open.post("/api/v1/motions/:number/supports", use: supportAPI)
        open.post("/api/v1/motions/:number/transitions", use: transitionAPI)
        open.post("/api/v1/motions/:number/comments", use: commentAPI)
    }

    func motion(_ context: AppRequestContext) throws -> Motion {
        guard let number = context.parameters.get("number") else { throw WebError.notFound }
        do { return try database.motion(number: number, communityID: try garden.communityID()) } catch CommunityError.notFound { throw WebError.notFound }
    }

    // MARK: List

    func filter(_ request: Request) -> MotionFilter {
        let query = request.uri.queryParameters
        return MotionFilter(state: query["state"].map(String.init), category: query["category"].map(String.init), building: query["building"].map(String.init),
                            overdueOnly: query["overdue"] == "1", text: query["q"].map(String.init))
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let communityID = try garden.communityID()
        let settings = try database.councilSettings(communityID: communityID)
        let workflow = try database.motionWorkflow(communityID: communityID)
        let filter = filter(request)
        let today = CivilDate.today()
        let rows: [[String: Any]] = try database.motions(communityID: communityID, filter: filter, today: today).map { listing in
            let motion = listing.motion
            return ["number": motion.number, "title": motion.title, "category": GardenContext.categoryName(settings, motion.category, context),
                    "building": motion.building, "state": GardenContext.stateName(workflow, motion.state, context), "submittedOn": motion.submittedOn.description,
                    "supports": listing.supports, "acceptOverdue": motion.acceptOverdue(today: today), "replyOverdue": motion.replyOverdue(today: today),
                    "mustSchedule": CosignThreshold.mustSchedule(motion, supports: listing.supports, settings: settings, workflow: workflow)]
        }
        let query = request.uri.query ?? ""
        return try renderer.page("motions", title: context.locale.text("g_motions_title"), data: [
            "motions": rows, "count": rows.count, "q": filter.text ?? "", "building": filter.building ?? "", "overdue": filter.overdueOnly,
            "states": workflow.states.map { ["key": $0.key, "label": GardenContext.zh(context) ? $0.zh : $0.en, "selected": $0.key == filter.state] as [String: Any] },
            "categories": settings.categories.map { ["key": $0.key, "label": GardenContext.zh(context) ? $0.zh : $0.en, "selected": $0.key == filter.category] as [String: Any] },
            "csvURL": "/motions.csv" + (query.isEmpty ? "" : "?\(query)"), "threshold": settings.supportThreshold,
            "signedIn": try garden.identity(request, context: context) != nil || garden.isStaff(context),
        ], request: request, context: context)
    }

    @Sendable func csv(request: Request, context: AppRequestContext) async throws -> Response {
        GardenContext.csv(try database.motionsCSV(communityID: try garden.communityID(), filter: filter(request)), fileName: "motions-\(CivilDate.today()).csv")
    }

    // MARK: Submit

    func formData(_ context: AppRequestContext, _ request: Request, values: [String: String] = [:], error: String? = nil) throws -> [String: Any] {
        let communityID = try garden.communityID()
        let settings = try database.councilSettings(communityID: communityID)
        var data: [String: Any] = [
            "categories": settings.categories.map { ["key": $0.key, "label": GardenContext.zh(context) ? $0.zh : $0.en, "selected": $0.key == values["category"]] as [String: Any] },
            "titleValue": values["title"] ?? "", "description": values["description"] ?? "", "buildingValue": values["building"] ?? "",
            "unit": values["unit"] ?? "", "grid": values["grid"] ?? "", "householdValue": values["household"] ?? "",
            "photoKiB": settings.photoMaxBytes / 1024, "staff": garden.isStaff(context),
        ]
        if let identity = try garden.identity(request, context: context) {
            data["identity"] = ["label": identity.publicLabel, "household": identity.householdNumber] as [String: Any]
            if identity.residentID == nil {
                data["members"] = try database.householdMembers(householdID: identity.householdID).map { ["id": $0.id, "name": $0.name] as [String: Any] }
                data["hasMembers"] = true
            }
        }
        if let error { data["error"] = error }
        return data
    }

    @Sendable func newForm(request: Request, context: AppRequestContext) async throws -> Response {
        try renderer.page("motion_new", title: context.locale.text("g_new_title"), data: try formData(context, request), request: request, context: context)
    }

    /// The fields and photo of a submission form (multipart with a photo, or urlencoded).
    func submission(_ request: Request, context: AppRequestContext) async throws -> ([String: String], Data?) {
        if let multipart = context.multipartForm {
            let photo = multipart.files.first { $0.fieldName == "photo" && !$0.data.isEmpty }?.data
            return (multipart.fields, photo)
        }
        return (try await FormFields.read(request, context: context).values, nil)
    }

    func submitter(_ fields: [String: String], request: Request, context: AppRequestContext) throws -> MotionSubmitter {
        if let account = context.account, account.has(anyOf: GardenContext.staff), let household = fields["household"]?.trimmingCharacters(in: .whitespaces), !household.isEmpty {
            return .onBehalf(householdNumber: household, residentID: nil, channel: fields["channel"] ?? "paper", clerk: account)
        }
        guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(fields["resident"])) else {
            if garden.isStaff(context) { throw CommunityError.invalid(field: "household", reason: "the number of the household on whose behalf the motion is entered") }
            throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
        }
        return .resident(identity)
    }

    @Sendable func submit(request: Request, context: AppRequestContext) async throws -> Response {
        let (fields, photo) = try await submission(request, context: context)
        do {
            let (motion, receipt) = try database.submitMotion(
                communityID: try garden.communityID(),
                NewMotion(title: fields["title"] ?? "", description: fields["description"] ?? "", category: fields["category"] ?? "",
                          building: fields["building"] ?? "", unit: fields["unit"] ?? "", grid: fields["grid"] ?? "", photo: photo),
                by: try submitter(fields, request: request, context: context), signingKey: try garden.signingKey())
            return try renderer.page("motion_receipt", title: context.locale.text("g_receipt_title"), data: [
                "number": motion.number, "title": motion.title, "submittedAt": ReadableTime.text(motion.submittedAt, context.locale), "tracking": receipt.statement.tracking,
                "keyID": receipt.statement.key, "acceptDue": motion.acceptDue.description, "replyDue": motion.replyDue.description,
                "fingerprint": try database.communityPublicKeys(communityID: motion.communityID).first { $0.keyID == receipt.statement.key }?.fingerprint ?? "",
                "deadlinesComputed": !(try database.workingCalendar(communityID: motion.communityID).unconfirmedYears([motion.acceptDue, motion.replyDue]).isEmpty),
                "compact": receipt.compactText, "receiptJSON": String(decoding: receipt.jsonRepresentation, as: UTF8.self),
            ], request: request, context: context, status: .created)
        } catch let error as CommunityError {
            return try renderer.page("motion_new", title: context.locale.text("g_new_title"), data: try formData(context, request, values: fields, error: error.description),
                                     request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Motion page

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderMotion(try motion(context), request: request, context: context)
    }

    func renderMotion(_ motion: Motion, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                      status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = motion.communityID
        let settings = try database.councilSettings(communityID: communityID)
        let workflow = try database.motionWorkflow(communityID: communityID)
        let staff = garden.isStaff(context), committee = garden.isCommittee(context)
        let identity = try garden.identity(request, context: context)
        let today = CivilDate.today()
        let supports = try database.supportCount(motionID: motion.id!)
        let open = workflow.state(motion.state)?.supportsOpen == true
        let isSubmitter = identity?.householdID == motion.householdID && identity != nil
        let mergedInto = try motion.mergedIntoID.map { try database.motion(id: $0).number }
        let history: [[String: Any]] = try database.motionHistory(motionID: motion.id!).map { event in
            ["at": ReadableTime.text(event.at, context.locale), "actor": event.actor, "action": workflow.transitions.first { $0.action == event.action }.map { GardenContext.zh(context) ? $0.zh : $0.en }
                ?? context.locale.text("g_event_\(event.action)"),
             "to": event.toState.map { GardenContext.stateName(workflow, $0, context) } ?? "", "reason": event.reason ?? ""]
        }
        let comments: [[String: Any]] = try database.comments(motionID: motion.id!, includeInternal: staff).map { comment in
            ["id": comment.id!, "author": comment.author, "at": ReadableTime.text(comment.createdAt, context.locale), "body": comment.body, "internal": comment.internal,
             "hidden": comment.hiddenAt != nil, "hiddenReason": comment.hiddenReason ?? "", "hiddenBy": comment.hiddenBy ?? "",
             "showBody": comment.hiddenAt == nil || staff, "canHide": committee && comment.hiddenAt == nil]
        }
        // The transitions this visitor may take from here.
        let thresholdReached = CosignThreshold.reached(motion, supports: supports, settings: settings)
        let calendar = try database.workingCalendar(communityID: communityID)
        let moves = try database.availableMoves(motionID: motion.id!, by: .committee) + database.availableMoves(motionID: motion.id!, by: .submitter)
        let actions: [[String: Any]] = moves.compactMap { transition in
            let allowed = (transition.by == .committee && committee) || (transition.by == .submitter && (isSubmitter || staff))
            guard allowed else { return nil }
            return ["action": transition.action, "label": GardenContext.zh(context) ? transition.zh : transition.en, "reasonRequired": transition.reasonRequired,
                    "needsTarget": transition.action == "refer" || transition.action == "merge", "targetHint": context.locale.text("g_target_\(transition.action)")]
        }
        var data: [String: Any] = [
            "number": motion.number, "titleText": motion.title, "description": motion.description,
            "category": GardenContext.categoryName(settings, motion.category, context),
            "submitter": motion.submitterLabel, "channel": context.locale.text("g_channel_\(motion.channel)"), "submittedAt": ReadableTime.text(motion.submittedAt, context.locale),
            "state": GardenContext.stateName(workflow, motion.state, context), "stateSince": motion.stateSince,
            "acceptDue": motion.acceptDue.description, "replyDue": motion.replyDue.description, "acceptOverdue": motion.acceptOverdue(today: today),
            "replyOverdue": motion.replyOverdue(today: today), "repliedOn": motion.repliedOn?.description ?? "", "tracking": motion.tracking,
            "supports": supports, "threshold": settings.supportThreshold,
            "mustSchedule": CosignThreshold.mustSchedule(motion, supports: supports, settings: settings, workflow: workflow),
            "thresholdReached": thresholdReached, "deadlinesComputed": !calendar.unconfirmedYears([motion.acceptDue, motion.replyDue]).isEmpty,
            "supportsOpen": open, "history": history, "comments": comments, "actions": actions, "hasActions": !actions.isEmpty, "staff": staff, "committee": committee,
            "canSupport": open && identity != nil && !isSubmitter, "supported": try identity.map { try database.supports(motionID: motion.id!, identity: $0) } ?? false,
            "canComment": identity != nil || staff, "signedIn": identity != nil, "identity": identity?.publicLabel ?? "",
            "unitHousehold": settings.supportUnit == .household,
        ]
        data.merge(try ImplementationController.pageData(motion, database: database, identity: identity, committee: committee, staff: staff, context: context)) { a, _ in a }
        // Mustache treats "" as true: optional facts are set only when present.
        let location = [motion.building, motion.unit, motion.grid].filter { !$0.isEmpty }.joined(separator: " · ")
        if !location.isEmpty { data["location"] = location }
        if let reply = motion.reply { data["reply"] = reply }
        if let referredTo = motion.referredTo { data["referredTo"] = referredTo }
        if let mergedInto { data["mergedInto"] = mergedInto }
        if let photo = motion.photoSHA256 { data["photo"] = photo }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("motion", title: "\(motion.number) \(motion.title)", data: data, request: request, context: context, status: status)
    }

    @Sendable func photo(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motion(context)
        guard let photo = try database.motionPhoto(motionID: motion.id!) else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: photo.mediaType, .cacheControl: "public, max-age=86400", .contentSecurityPolicy: "default-src 'none'"],
                        body: .init(byteBuffer: ByteBuffer(bytes: photo.bytes)))
    }

    /// Runs an action on the motion page: success redirects back (PRG), a refusal re-renders with the message.
    func act(_ request: Request, context: AppRequestContext, _ body: (Motion, FormFields) throws -> String) async throws -> Response {
        let motion = try motion(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let flash = try body(motion, form)
            return GardenContext.seeOther("/motions/\(motion.number)?done=\(flash)")
        } catch let error as CommunityError {
            var status = HTTPResponse.Status.unprocessableContent
            if case .notAllowed = error { status = .conflict }
            return try renderMotion(try database.motion(number: motion.number, communityID: motion.communityID), error: error.description,
                                    request: request, context: context, status: status)
        }
    }

    func requireIdentity(_ request: Request, context: AppRequestContext, form: FormFields? = nil) throws -> ResidentIdentity {
        guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form?["resident"])) else {
            throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
        }
        return identity
    }

    @Sendable func support(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form in
            try database.supportMotion(id: motion.id!, as: try requireIdentity(request, context: context, form: form))
            return "support"
        }
    }

    @Sendable func withdrawSupport(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form in
            try database.withdrawSupport(id: motion.id!, as: try requireIdentity(request, context: context, form: form))
            return "withdrawn"
        }
    }

    /// Who takes the step: staff (for the committee, or recording the submitter's request), or
    /// the submitting household. A step the current state does not allow is left to the domain
    /// to refuse with the state's name (409), whoever asks; only a visitor with no identity at
    /// all is asked to sign in (401), and a household that is not the submitter is told so (403).
    func mover(_ request: Request, context: AppRequestContext, action: String, workflow: MotionWorkflow, motion: Motion) throws -> MotionMover {
        let transition = workflow.transition(action, from: motion.state)
        if let account = context.account, account.has(anyOf: GardenContext.staff) {
            return transition?.by == .submitter ? .clerkForSubmitter(account) : .committee(account)
        }
        if let identity = try garden.identity(request, context: context) {
            if identity.householdID == motion.householdID { return .submitter(identity) }
            throw WebError.forbidden
        }
        if let account = context.account { return .committee(account) }
        throw WebError.loginRequired
    }

    @Sendable func transition(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form in
            let action = form["action"] ?? ""
            let workflow = try database.motionWorkflow(communityID: motion.communityID)
            _ = try database.moveMotion(id: motion.id!, action: action, reason: form["reason"], target: form["target"],
                                        by: try mover(request, context: context, action: action, workflow: workflow, motion: motion))
            return "moved"
        }
    }

    @Sendable func comment(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { motion, form in
            let staff = garden.isStaff(context)
            if let account = context.account, staff {
                try database.addComment(motionID: motion.id!, body: form["body"] ?? "", internal: form["internal"] == "yes", author: "居委会·\(account.displayName)",
                                        actor: Actor(account), staff: true)
            } else {
                let identity = try requireIdentity(request, context: context, form: form)
                try database.addComment(motionID: motion.id!, body: form["body"] ?? "", internal: false, author: identity.publicLabel, actor: identity.actor, staff: false)
            }
            return "comment"
        }
    }

    @Sendable func hideComment(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        return try await act(request, context: context) { motion, form in
            guard let id = GardenContext.int64(context.parameters.get("comment")),
                  try database.comments(motionID: motion.id!, includeInternal: true).contains(where: { $0.id == id }) else { throw CommunityError.notFound("comment") }
            try database.hideComment(id: id, reason: form["reason"] ?? "", by: account)
            return "hidden"
        }
    }

    @Sendable func reply(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        return try await act(request, context: context) { motion, form in
            try database.replyToMotion(id: motion.id!, text: form["reply"] ?? "", actor: Actor(account), by: account)
            return "reply"
        }
    }

    // MARK: Household sign-in

    @Sendable func signInForm(request: Request, context: AppRequestContext) async throws -> Response {
        var data: [String: Any] = ["back": safeBack(request.uri.queryParameters["back"].map(String.init))]
        if let session = try garden.householdSession(request) { data["session"] = ["household": session.householdNumber] }
        return try renderer.page("garden_sign_in", title: context.locale.text("g_sign_in_title"), data: data, request: request, context: context)
    }

    func safeBack(_ back: String?) -> String { HomeController.sameSitePath(back, fallback: "/motions") }

    @Sendable func signIn(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        let number = (form["household"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let back = safeBack(form["back"])
        let throttleKey = "household:\(number)"
        try await throttle.requireAllowed(username: throttleKey, address: context.clientAddress)
        func failed(_ message: String) throws -> Response {
            try renderer.page("garden_sign_in", title: context.locale.text("g_sign_in_title"), data: ["back": back, "household": number, "error": message],
                              request: request, context: context, status: .unauthorized)
        }
        let householdID: Int64?
        do {
            let (store, communityID, code) = (self.database, try garden.communityID(), form["code"] ?? "")
            householdID = try await PasswordWork.shared.run { try store.verifyHouseholdCode(communityID: communityID, number: number, code: code) }
        } catch let error as CommunityError {
            return try failed(error.description)
        }
        guard let householdID else {
            await throttle.recordFailure(username: throttleKey, address: context.clientAddress)
            return try failed(context.locale.text("g_sign_in_failed"))
        }
        await throttle.recordSuccess(username: throttleKey)
        let token = try database.startHouseholdSession(householdID: householdID)
        var response = GardenContext.seeOther(back)
        response.setCookie(Cookie(name: GardenContext.householdCookie, value: token, maxAge: 2 * 3600, path: "/", secure: garden.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func signOut(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[GardenContext.householdCookie]?.value { try database.endHouseholdSession(token: token) }
        var response = GardenContext.seeOther("/motions")
        response.setCookie(Cookie(name: GardenContext.householdCookie, value: "", maxAge: 0, path: "/", secure: garden.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: API

    struct MotionJSON: Encodable {
        let number: String
        let title: String
        let description: String
        let category: String
        let building: String
        let unit: String
        let grid: String
        let submitter: String
        let channel: String
        let submittedAt: String
        let state: String
        let stateName: String
        let supports: Int
        let acceptDue: String
        let replyDue: String
        let overdue: Bool
        let reply: String?
        let repliedOn: String?
        let referredTo: String?
        let tracking: String
        let photoSHA256: String?
        let history: [EventJSON]?
    }

    struct EventJSON: Encodable {
        let at: String
        let actor: String
        let action: String
        let from: String?
        let to: String?
        let reason: String?
    }

    func json(_ motion: Motion, supports: Int, workflow: MotionWorkflow, history: [MotionEvent]?) -> MotionJSON {
        MotionJSON(number: motion.number, title: motion.title, description: motion.description, category: motion.category, building: motion.building,
                   unit: motion.unit, grid: motion.grid, submitter: motion.submitterLabel, channel: motion.channel, submittedAt: motion.submittedAt,
                   state: motion.state, stateName: workflow.state(motion.state)?.zh ?? motion.state, supports: supports, acceptDue: motion.acceptDue.description,
                   replyDue: motion.replyDue.description, overdue: motion.overdue(today: .today()), reply: motion.reply, repliedOn: motion.repliedOn?.description,
                   referredTo: motion.referredTo, tracking: motion.tracking, photoSHA256: motion.photoSHA256,
                   history: history?.map { EventJSON(at: $0.at, actor: $0.actor, action: $0.action, from: $0.fromState, to: $0.toState, reason: $0.reason) })
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let communityID = try garden.communityID()
        let workflow = try database.motionWorkflow(communityID: communityID)
        let listings = try database.motions(communityID: communityID, filter: filter(request))
        return try JSONResponse.make(listings.map { json($0.motion, supports: $0.supports, workflow: workflow, history: nil) })
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motion(context)
        let workflow = try database.motionWorkflow(communityID: motion.communityID)
        return try JSONResponse.make(json(motion, supports: try database.supportCount(motionID: motion.id!), workflow: workflow,
                                          history: try database.motionHistory(motionID: motion.id!)))
    }

    struct SubmitRequest: Decodable {
        let title: String
        let description: String
        let category: String
        let building: String?
        let unit: String?
        let grid: String?
        /// Base64 JPEG or PNG.
        let photo: String?
        /// Staff only: the household on whose behalf, and how it came in (paper, phone, api).
        let household: String?
        let channel: String?
        let resident: Int64?
    }

    struct SubmitResponse: Encodable {
        let number: String
        let acceptDue: String
        let replyDue: String
        let tracking: String
        let receipt: String
        let statement: ReceiptStatement
        let signature: String
    }

    @Sendable func submitAPI(request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try await request.decodeJSON(SubmitRequest.self, context: context, expected: "a JSON object with title, description, category (and building, unit, grid, photo)")
        var photo: Data?
        if let text = input.photo {
            guard let data = Base64.decode(text) else { throw WebError.badRequest(field: "photo", reason: "base64 of a JPEG or PNG") }
            photo = data
        }
        var fields: [String: String] = [:]
        fields["household"] = input.household
        fields["channel"] = input.channel ?? "api"
        fields["resident"] = input.resident.map(String.init)
        let (motion, receipt) = try database.submitMotion(
            communityID: try garden.communityID(),
            NewMotion(title: input.title, description: input.description, category: input.category, building: input.building ?? "", unit: input.unit ?? "",
                      grid: input.grid ?? "", photo: photo),
            by: try submitter(fields, request: request, context: context), signingKey: try garden.signingKey())
        return try JSONResponse.make(SubmitResponse(number: motion.number, acceptDue: motion.acceptDue.description, replyDue: motion.replyDue.description,
                                                    tracking: receipt.statement.tracking, receipt: receipt.compactText, statement: receipt.statement,
                                                    signature: Base64.encode(receipt.signature)), status: .created)
    }

    struct SupportRequest: Decodable {
        /// `support` (default) or `withdraw`.
        let action: String?
        let resident: Int64?
    }

    struct SupportResponse: Encodable {
        let number: String
        let supports: Int
        let threshold: Int
    }

    @Sendable func supportAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motion(context)
        var request = request
        let input = try await request.decodeJSON(SupportRequest.self, context: context, expected: "a JSON object, optionally with action (support or withdraw) and resident")
        guard let identity = try garden.identity(request, context: context, residentID: input.resident) else { throw WebError.loginRequired }
        let count: Int
        switch input.action ?? "support" {
        case "support": count = try database.supportMotion(id: motion.id!, as: identity)
        case "withdraw": count = try database.withdrawSupport(id: motion.id!, as: identity)
        default: throw WebError.badRequest(field: "action", reason: "support or withdraw")
        }
        return try JSONResponse.make(SupportResponse(number: motion.number, supports: count,
                                                     threshold: try database.councilSettings(communityID: motion.communityID).supportThreshold))
    }

    struct TransitionRequest: Decodable {
        let action: String
        let reason: String?
        let target: String?
    }

    @Sendable func transitionAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motion(context)
        var request = request
        let input = try await request.decodeJSON(TransitionRequest.self, context: context, expected: "a JSON object with action (and reason, target)")
        let workflow = try database.motionWorkflow(communityID: motion.communityID)
        let moved = try database.moveMotion(id: motion.id!, action: input.action, reason: input.reason, target: input.target,
                                            by: try mover(request, context: context, action: input.action, workflow: workflow, motion: motion))
        return try JSONResponse.make(json(moved, supports: try database.supportCount(motionID: moved.id!), workflow: workflow,
                                          history: try database.motionHistory(motionID: moved.id!)))
    }

    struct CommentRequest: Decodable {
        let body: String
        let `internal`: Bool?
    }

    struct CommentResponse: Encodable {
        let id: Int64
        let author: String
        let `internal`: Bool
        let createdAt: String
    }

    @Sendable func commentAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let motion = try motion(context)
        var request = request
        let input = try await request.decodeJSON(CommentRequest.self, context: context, expected: "a JSON object with body (and internal)")
        let comment: MotionComment
        if let account = context.account, garden.isStaff(context) {
            comment = try database.addComment(motionID: motion.id!, body: input.body, internal: input.internal ?? false, author: "居委会·\(account.displayName)",
                                              actor: Actor(account), staff: true)
        } else {
            guard let identity = try garden.identity(request, context: context) else { throw WebError.loginRequired }
            comment = try database.addComment(motionID: motion.id!, body: input.body, internal: input.internal ?? false, author: identity.publicLabel,
                                              actor: identity.actor, staff: false)
        }
        return try JSONResponse.make(CommentResponse(id: comment.id!, author: comment.author, internal: comment.internal, createdAt: comment.createdAt), status: .created)
    }
}
