import Community
import Elections
import Foundation
import Hummingbird

/// The annulment of a certified result (L25: obtained by violence, threats, bribery, forged
/// ballots or false counts, it is void): the election committee records the decision — the
/// street office's or its own — on a form or through the API; the result page, certificates,
/// board and API show it, and the exported record carries it.
struct AnnulmentController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        routes.open().get("/api/v1/elections/:id/annulment", use: documentAPI)
        let committee = routes.only(Roles.cardIssuers)
        committee.get("/elections/:id/annulment/new", use: form)
        committee.post("/elections/:id/annulment", use: annul)
        committee.post("/api/v1/elections/:id/annulment", use: annulAPI)
    }

    /// The annulment as published for programs (also inside the result document).
    struct Document: Encodable {
        let election: Int64
        let annulled: Bool
        let grounds: [String]?
        let reason: String?
        let authority: String?
        let decidedBy: String?
        let reference: String?
        let decidedOn: String?
        let notice: Int?
        let noticeURL: String?
        /// The seats to be elected again (all of the election's).
        let seatsToElectAgain: [String: Int]?

        init(election: Election, annulment: Annulment?) {
            self.election = election.id!
            annulled = annulment != nil
            grounds = annulment?.grounds.map(\.rawValue)
            reason = annulment?.reason
            authority = annulment?.authority.rawValue
            decidedBy = annulment?.decidedBy
            reference = annulment?.reference
            decidedOn = annulment?.decidedOn.description
            notice = annulment?.noticeNumber
            noticeURL = annulment.map { "/elections/\(election.id!)/notices/\($0.noticeNumber)" }
            seatsToElectAgain = annulment.map { _ in Dictionary(uniqueKeysWithValues: election.rules.posts.map { ($0.rawValue, election.rules.seats(for: $0)) }) }
        }
    }

    /// What the result page shows of an annulment (its language's names; `mayCreate`: a link to
    /// create the new election).
    static func pageData(_ annulment: Annulment, election: Election, english: Bool, mayCreate: Bool) -> [String: Any] {
        [
            "decidedBy": annulment.decidedBy, "decidedOn": annulment.decidedOn.description, "reference": annulment.reference,
            "grounds": annulment.grounds.map { english ? $0.english : $0.chinese }.joined(separator: english ? ", " : "、"),
            "reason": annulment.reason, "notice": annulment.noticeNumber, "mayCreate": mayCreate,
            "seats": election.rules.posts.map { english ? "\($0.english) \(election.rules.seats(for: $0))" : "\($0.chinese)\(election.rules.seats(for: $0))名" }
                .joined(separator: english ? ", " : "、"),
        ]
    }

    /// A certified election of this community.
    func certifiedElection(_ context: AppRequestContext) throws -> Election {
        let election = try elections.election(context)
        guard try database.certifiedResult(electionID: election.id!) != nil else { throw WebError.notFound }
        return election
    }

    @Sendable func documentAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try certifiedElection(context)
        return try JSONResponse.make(Document(election: election, annulment: try database.annulment(electionID: election.id!)))
    }

    @Sendable func form(request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, context, form: nil)
    }

    func render(_ request: Request, _ context: AppRequestContext, form: FormFields?, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let election = try certifiedElection(context)
        let zh = context.locale == .zhHans
        let community = try elections.community()
        let chosen = Set(AnnulmentGround.allCases.filter { form?["ground_\($0.rawValue)"] != nil }.map(\.rawValue))
        var data: [String: Any] = [
            "electionID": election.id!, "electionTitle": election.title, "today": CivilDate.today().description,
            "grounds": AnnulmentGround.allCases.map { ["value": $0.rawValue, "label": zh ? $0.chinese : $0.english, "checked": chosen.contains($0.rawValue)] as [String: Any] },
            "authorities": AnnulmentAuthority.allCases.map { authority -> [String: Any] in
                let name = authority == .streetOffice ? community.streetOffice : NoticeText.issuer(community: community.name, language: zh ? .zh : .en)
                return ["value": authority.rawValue, "label": "\(zh ? authority.chinese : authority.english)：\(name)",
                        "checked": (form?["authority"] ?? AnnulmentAuthority.streetOffice.rawValue) == authority.rawValue]
            },
            "reason": form?["reason"] ?? "", "reference": form?["reference"] ?? "",
        ]
        if let annulment = try database.annulment(electionID: election.id!) {
            data["annulled"] = ["decidedOn": annulment.decidedOn.description, "notice": annulment.noticeNumber] as [String: Any]
        }
        if let error { data["error"] = error }
        return try renderer.page("annulment", title: "\(election.title) · \(context.locale.text("an_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    @Sendable func annul(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try certifiedElection(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let grounds = AnnulmentGround.allCases.filter { form["ground_\($0.rawValue)"] != nil }
            guard let authority = AnnulmentAuthority(rawValue: form["authority"] ?? "") else {
                throw CommunityError.invalid(field: "authority", reason: "streetOffice or electionCommittee")
            }
            try database.annulResult(electionID: election.id!, grounds: grounds, reason: form["reason"] ?? "", authority: authority,
                                     reference: form["reference"] ?? "", decidedOn: try HandoverController.day(form["decidedOn"], field: "decidedOn"),
                                     actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/result"])
        } catch let refusal as StepRefusal {
            return try render(request, context, form: form, error: HandoverController.error(refusal, context.locale).description, status: .unprocessableContent)
        } catch let error as CommunityError {
            return try render(request, context, form: form, error: error.description, status: .unprocessableContent)
        }
    }

    struct AnnulBody: Decodable {
        let grounds: [String]
        let reason: String
        let authority: String
        let reference: String
        let decidedOn: String?
    }

    @Sendable func annulAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try certifiedElection(context)
        var request = request
        let body = try await request.decodeJSON(AnnulBody.self, context: context,
                                                expected: "a JSON object {grounds: [violence|threats|bribery|forgedBallots|falseCount], reason, authority: streetOffice|electionCommittee, reference, decidedOn?}")
        var grounds: [AnnulmentGround] = []
        for text in body.grounds {
            guard let ground = AnnulmentGround(rawValue: text) else {
                throw CommunityError.invalid(field: "grounds", reason: "\(text) is not one of \(AnnulmentGround.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            grounds.append(ground)
        }
        guard let authority = AnnulmentAuthority(rawValue: body.authority) else { throw CommunityError.invalid(field: "authority", reason: "streetOffice or electionCommittee") }
        do {
            let (annulment, _) = try database.annulResult(electionID: election.id!, grounds: grounds, reason: body.reason, authority: authority,
                                                          reference: body.reference, decidedOn: try HandoverController.day(body.decidedOn, field: "decidedOn"),
                                                          actor: Actor(account))
            return try JSONResponse.make(Document(election: election, annulment: annulment), status: .created)
        } catch let refusal as StepRefusal {
            throw HandoverController.error(refusal, context.locale)
        }
    }
}
