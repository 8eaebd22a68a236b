import Community
import Elections
import Foundation
import Hummingbird

/// The handover (工作移交) after a certified election: a public page with the checklist, the two
/// committees' signatures, the deadline (overdue flagged) and the notice; the election
/// committee opens it, adds lines, records the signatures and confirms it (pages and JSON API).
struct HandoverController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        // Public: the handover of a certified result is a public matter (居务公开).
        let open = routes.open()
        open.get("/elections/:id/handover", use: page)
        open.get("/api/v1/elections/:id/handover", use: documentAPI)
        // The election committee presides (its members' accounts record every step).
        let committee = routes.only(Roles.cardIssuers)
        committee.post("/elections/:id/handover", use: openChecklist)
        committee.post("/elections/:id/handover/items", use: addItem)
        committee.post("/elections/:id/handover/signatures", use: sign)
        committee.post("/elections/:id/handover/confirm", use: confirm)
        committee.post("/api/v1/elections/:id/handover", use: openAPI)
        committee.post("/api/v1/elections/:id/handover/items", use: addItemAPI)
        committee.post("/api/v1/elections/:id/handover/signatures", use: signAPI)
        committee.post("/api/v1/elections/:id/handover/confirm", use: confirmAPI)
    }

    /// A certified election of this community (the handover follows the certified result).
    func certifiedElection(_ context: AppRequestContext) throws -> (Election, CivilDate) {
        let election = try elections.election(context)
        guard let certifiedOn = try database.certificationDay(electionID: election.id!) else { throw WebError.notFound }
        return (election, certifiedOn)
    }

    /// A refused step as a domain error in the reader's language (the page shows it; the API
    /// answers it as a problem naming the field).
    static func error(_ refusal: StepRefusal, _ locale: AppLocale) -> CommunityError {
        let text = locale == .zhHans ? refusal.chinese : refusal.english
        return refusal.field.map { .invalid(field: $0, reason: text) } ?? .notAllowed(text)
    }

    static func day(_ text: String?, field: String) throws -> CivilDate {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .today() }
        guard let day = CivilDate(text) else { throw CommunityError.invalid(field: field, reason: "a date (YYYY-MM-DD)") }
        return day
    }

    // MARK: Page

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, context)
    }

    func render(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let (election, certifiedOn) = try certifiedElection(context)
        let id = election.id!
        let zh = context.locale == .zhHans
        let today = CivilDate.today()
        let handover = try database.handover(electionID: id)
        let annulment = try database.annulment(electionID: id)
        let isCommittee = context.account?.has(anyOf: Roles.cardIssuers) ?? false
        let deadline = try database.handoverDeadline(electionID: id) ?? certifiedOn
        func post(_ post: Post) -> String { zh ? post.chinese : post.english }
        func recorder(_ name: String) -> String { name == AppDatabase.commandLineRecorder ? context.locale.text("ho_cli") : name }
        var data: [String: Any] = [
            "electionID": id, "electionTitle": election.title, "certifiedOn": certifiedOn.description, "deadline": deadline.description,
            "days": String(format: context.locale.text("ho_days"), String(election.rules.handoverDays)), "opened": handover != nil,
            "overdue": handover.map { $0.isOverdue(today: today) } ?? (today > deadline),
        ]
        if let annulment { data["annulled"] = ["decidedOn": annulment.decidedOn.description, "notice": annulment.noticeNumber] as [String: Any] }
        if let handover {
            data["openedOn"] = handover.openedOn.description
            data["items"] = handover.items.map { item -> [String: Any] in
                ["seq": item.seq, "category": zh ? item.category.chinese : item.category.english, "description": item.description,
                 "quantity": item.quantity, "remarks": item.remarks]
            }
            data["missing"] = handover.missingCategories.map { zh ? $0.chinese : $0.english }.joined(separator: zh ? "、" : ", ")
            for (key, signOff) in [("outgoing", handover.outgoing), ("incoming", handover.incoming)] {
                if let signOff {
                    data[key] = ["name": signOff.name, "post": post(signOff.post), "signedOn": signOff.signedOn.description,
                                 "recordedBy": recorder(signOff.recordedBy)] as [String: Any]
                }
            }
            if let completed = handover.completedOn {
                data["completed"] = ["on": completed.description, "late": handover.completedLate, "presidedBy": handover.presidedBy ?? "",
                                     "notice": handover.noticeNumber ?? 0] as [String: Any]
            }
        }
        if isCommittee, annulment == nil, handover?.completedOn == nil {
            var forms: [String: Any] = ["today": today.description]
            if let handover {
                if !handover.isSigned {
                    forms["addItem"] = ["categories": HandoverCategory.allCases.map { ["value": $0.rawValue, "label": zh ? $0.chinese : $0.english] }]
                }
                if handover.missingCategories.isEmpty {
                    if handover.outgoing == nil {
                        let members = try database.outgoingMembers(electionID: id)
                        forms["signOutgoing"] = [
                            "members": members.map { ["person": $0.person, "label": "\($0.name)（\(post($0.post))）"] as [String: Any] },
                            "byName": members.isEmpty, "hasMembers": !members.isEmpty,
                            "posts": Post.allCases.map { ["value": $0.rawValue, "label": post($0)] },
                        ] as [String: Any]
                    }
                    if handover.incoming == nil, let certified = try database.certifiedResult(electionID: id) {
                        let directors = certified.statement.elected.filter { $0.post == .director }
                        forms["signIncoming"] = ["persons": (directors.isEmpty ? certified.statement.elected : directors).map {
                            ["person": $0.person, "label": "\($0.name)（\(post($0.post))）"] as [String: Any]
                        }]
                    }
                }
                if handover.outgoing != nil && handover.incoming != nil {
                    let mine = context.account?.id
                    forms["confirm"] = ["members": try database.committeeMembers(electionID: id).filter(\.member.active).map {
                        ["member": $0.member.id!, "name": $0.name, "selected": $0.member.accountID == mine] as [String: Any]
                    }]
                }
            } else {
                forms["open"] = true
            }
            data["forms"] = forms
        }
        if let error { data["error"] = error }
        return try renderer.page("handover", title: "\(election.title) · \(context.locale.text("ho_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    /// Runs a committee step from a form; a refused step shows the page again with the reason.
    func act(_ request: Request, _ context: AppRequestContext, _ step: (Election, Account, FormFields) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let (election, _) = try certifiedElection(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try step(election, account, form)
            return Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/handover"])
        } catch let refusal as StepRefusal {
            return try render(request, context, error: Self.error(refusal, context.locale).description, status: .unprocessableContent)
        } catch let error as CommunityError {
            return try render(request, context, error: error.description, status: .unprocessableContent)
        }
    }

    @Sendable func openChecklist(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            try database.openHandover(electionID: election.id!, on: try Self.day(form["on"], field: "on"), actor: Actor(account))
        }
    }

    @Sendable func addItem(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let category = HandoverCategory(rawValue: form["category"] ?? "") else {
                throw CommunityError.invalid(field: "category", reason: HandoverCategory.allCases.map(\.rawValue).joined(separator: " | "))
            }
            try database.addHandoverItem(electionID: election.id!, category: category, description: form["description"] ?? "",
                                         quantity: form["quantity"] ?? "", remarks: form["remarks"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func sign(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let side = HandoverSide(rawValue: form["side"] ?? "") else { throw CommunityError.invalid(field: "side", reason: "outgoing or incoming") }
            try database.signHandover(electionID: election.id!, side: side, person: form["person"].flatMap { Int64($0) }, name: form["name"],
                                      post: form["post"].flatMap(Post.init(rawValue:)), on: try Self.day(form["on"], field: "on"), actor: Actor(account))
        }
    }

    @Sendable func confirm(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            try database.confirmHandover(electionID: election.id!, presidingMember: form["member"].flatMap { Int64($0) },
                                         on: try Self.day(form["on"], field: "on"), actor: Actor(account))
        }
    }

    // MARK: API

    /// The handover as published for programs.
    struct Document: Encodable {
        struct SignOff: Encodable {
            let name: String
            let post: String
            let person: Int64?
            let signedOn: String
            let recordedBy: String
        }
        let election: Int64
        /// notOpened | open | completed
        let status: String
        let certifiedOn: String
        let deadline: String
        let overdue: Bool
        let annulled: Bool
        let openedOn: String?
        let items: [HandoverItem]
        let missingCategories: [String]
        let outgoing: SignOff?
        let incoming: SignOff?
        let completedOn: String?
        let late: Bool
        let presidedBy: String?
        let notice: Int?
    }

    func document(_ election: Election, _ certifiedOn: CivilDate) throws -> Document {
        let handover = try database.handover(electionID: election.id!)
        let deadline = try database.handoverDeadline(electionID: election.id!) ?? certifiedOn
        func signOff(_ s: HandoverSignOff?) -> Document.SignOff? {
            s.map { .init(name: $0.name, post: $0.post.rawValue, person: $0.person, signedOn: $0.signedOn.description, recordedBy: $0.recordedBy) }
        }
        return Document(
            election: election.id!, status: handover == nil ? "notOpened" : handover?.completedOn == nil ? "open" : "completed",
            certifiedOn: certifiedOn.description, deadline: deadline.description,
            overdue: handover.map { $0.isOverdue(today: .today()) } ?? (CivilDate.today() > deadline),
            annulled: try database.annulment(electionID: election.id!) != nil, openedOn: handover?.openedOn.description,
            items: handover?.items ?? [], missingCategories: (handover?.missingCategories ?? HandoverCategory.required).map(\.rawValue),
            outgoing: signOff(handover?.outgoing), incoming: signOff(handover?.incoming), completedOn: handover?.completedOn?.description,
            late: handover?.completedLate ?? false, presidedBy: handover?.presidedBy, notice: handover?.noticeNumber)
    }

    @Sendable func documentAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, certifiedOn) = try certifiedElection(context)
        return try JSONResponse.make(try document(election, certifiedOn))
    }

    /// Runs a committee step from a JSON body; answers the handover document.
    func actAPI<Body: Decodable>(_ request: Request, _ context: AppRequestContext, _ body: Body.Type, expected: String,
                                 _ step: (Election, Account, Body) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let (election, certifiedOn) = try certifiedElection(context)
        var request = request
        let input = try await request.decodeJSON(Body.self, context: context, expected: expected)
        do {
            try step(election, account, input)
        } catch let refusal as StepRefusal {
            throw Self.error(refusal, context.locale)
        }
        return try JSONResponse.make(try document(election, certifiedOn))
    }

    struct OpenBody: Decodable { let on: String? }
    struct ItemBody: Decodable {
        let category: String
        let description: String
        let quantity: String
        let remarks: String?
    }
    struct SignBody: Decodable {
        let side: String
        let person: Int64?
        let name: String?
        let post: String?
        let on: String?
    }
    struct ConfirmBody: Decodable {
        let presidingMember: Int64?
        let on: String?
    }

    @Sendable func openAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try await actAPI(request, context, OpenBody.self, expected: "a JSON object {on?: YYYY-MM-DD}") { election, account, body in
            try database.openHandover(electionID: election.id!, on: try Self.day(body.on, field: "on"), actor: Actor(account))
        }
    }

    @Sendable func addItemAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try await actAPI(request, context, ItemBody.self, expected: "a JSON object {category, description, quantity, remarks?}") { election, account, body in
            guard let category = HandoverCategory(rawValue: body.category) else {
                throw CommunityError.invalid(field: "category", reason: HandoverCategory.allCases.map(\.rawValue).joined(separator: " | "))
            }
            try database.addHandoverItem(electionID: election.id!, category: category, description: body.description, quantity: body.quantity,
                                         remarks: body.remarks ?? "", actor: Actor(account))
        }
    }

    @Sendable func signAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try await actAPI(request, context, SignBody.self, expected: "a JSON object {side: outgoing|incoming, person?, name?, post?, on?}") { election, account, body in
            guard let side = HandoverSide(rawValue: body.side) else { throw CommunityError.invalid(field: "side", reason: "outgoing or incoming") }
            let post = try body.post.map { text -> Post in
                guard let post = Post(rawValue: text) else { throw CommunityError.invalid(field: "post", reason: Post.allCases.map(\.rawValue).joined(separator: " | ")) }
                return post
            }
            try database.signHandover(electionID: election.id!, side: side, person: body.person, name: body.name, post: post,
                                      on: try Self.day(body.on, field: "on"), actor: Actor(account))
        }
    }

    @Sendable func confirmAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try await actAPI(request, context, ConfirmBody.self, expected: "a JSON object {presidingMember?, on?}") { election, account, body in
            try database.confirmHandover(electionID: election.id!, presidingMember: body.presidingMember, on: try Self.day(body.on, field: "on"),
                                         actor: Actor(account))
        }
    }
}
