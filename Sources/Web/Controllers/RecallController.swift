import Community
import Elections
import Foundation
import Hummingbird

/// Recall (罢免) of members of a term's certified committee: the public register of proposals
/// with their reasons, signatures against the threshold, the members' replies and results; the
/// term's committee as it stands with its vacancies and by-election due date; and the election
/// committee's forms — filing, signatures by roll number, replies, arranging the vote, each
/// teller's count of each box, and counting the vote. The rules are `RecallRule`,
/// `RecallTally` and `ByElectionRule`; this controller only asks them.
struct RecallController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        // Public: the register is published (reasons, signature counts, replies, results); a
        // vote's box counts only once the vote is counted.
        let open = routes.open()
        open.get("/elections/:id/recalls", use: listPage)
        open.get("/elections/:id/recalls/:number", use: proposalPage)
        open.get("/api/v1/elections/:id/recalls", use: listAPI)
        open.get("/api/v1/elections/:id/recalls/:number", use: proposalAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/elections/:id/recalls", use: propose)
        committee.post("/elections/:id/recalls/:number/signatures", use: sign)
        committee.post("/elections/:id/recalls/:number/reply", use: reply)
        committee.post("/elections/:id/recalls/:number/vote", use: openVote)
        committee.post("/elections/:id/recalls/:number/counts", use: count)
        committee.post("/elections/:id/recalls/:number/close", use: close)
    }

    func proposal(_ context: AppRequestContext) throws -> (Election, RecallProposal) {
        let election = try elections.election(context)
        guard let number = context.parameters.get("number", as: Int.self),
              let proposal = try database.recallProposal(electionID: election.id!, number: number) else { throw WebError.notFound }
        return (election, proposal)
    }

    static func isCommittee(_ context: AppRequestContext) -> Bool { context.account?.has(anyOf: Roles.committee) ?? false }

    // MARK: Pages

    func committeeData(_ committee: TermCommittee, _ context: AppRequestContext) -> [String: Any] {
        let english = context.locale != .zhHans
        let need = committee.byElection
        return [
            "termEnds": committee.termEnds.description, "seats": committee.seats, "serving": committee.members.count,
            "members": committee.members.map { ["person": $0.person, "name": $0.name, "post": english ? $0.post.english : $0.post.chinese] },
            "recalled": committee.recalled.map { ["name": $0.name, "post": english ? $0.post.english : $0.post.chinese, "on": $0.on.description, "proposal": $0.proposal] },
            "vacant": committee.vacant.sorted { $0.key.rawValue < $1.key.rawValue }.map { ["post": english ? $0.key.english : $0.key.chinese, "seats": $0.value] },
            "byElectionRequired": need.required,
            "byElectionWarning": need.required
                ? String(format: context.locale.text("rc_by_election_required"), String(need.remaining), need.dueBy?.description ?? "")
                : need.vacancies > 0 ? String(format: context.locale.text("rc_by_election_may"), String(need.vacancies), committee.termEnds.description) : "",
        ]
    }

    func proposalSummary(_ p: RecallProposal, _ context: AppRequestContext) -> [String: Any] {
        let english = context.locale != .zhHans
        return ["number": p.number, "filedOn": p.filedOn.description, "status": english ? p.status.english : p.status.chinese,
                "members": p.targets.map(\.name).joined(separator: english ? ", " : "、"), "signatures": p.signatures, "needed": p.needed,
                "percent": min(100, p.needed == 0 ? 100 : p.signatures * 100 / p.needed)]
    }

    @Sendable func listPage(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request, context)
    }

    func renderList(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let election = try elections.election(context)
        var data: [String: Any] = ["electionID": election.id!, "electionTitle": election.title, "error": error ?? "",
                                   "isCommittee": Self.isCommittee(context)]
        if try database.certifiedResult(electionID: election.id!) != nil {
            let committee = try database.termCommittee(electionID: election.id!)
            data["certified"] = true
            data.merge(committeeData(committee, context)) { $1 }
            data["proposals"] = try database.recallProposals(electionID: election.id!).map { proposalSummary($0, context) }
            let rule = RecallRule(rules: election.rules)
            let signatories = RecallSignatories(method: election.method)
            data["rule"] = String(format: context.locale.text("rc_rule"), context.locale == .zhHans ? signatories.chinese : signatories.english,
                                  rule.proposalThreshold(signatories).description, String(election.rules.recallWithinDays),
                                  election.rules.recallTurnout.description, election.rules.recallApproval.description)
        }
        return try renderer.page("recalls", title: context.locale.text("rc_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func proposalPage(request: Request, context: AppRequestContext) async throws -> Response {
        try renderProposal(request, context)
    }

    func renderProposal(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let (election, p) = try proposal(context)
        let english = context.locale != .zhHans
        let isCommittee = Self.isCommittee(context)
        var data = proposalSummary(p, context)
        data["electionID"] = election.id!
        data["electionTitle"] = election.title
        data["reasons"] = p.reasons
        data["proposer"] = p.proposer
        data["base"] = p.base
        data["signatories"] = english ? p.signatories.english : p.signatories.chinese
        data["reachedOn"] = p.reachedOn?.description ?? ""
        data["voteDeadline"] = p.voteDeadline?.description ?? ""
        data["heldOn"] = p.heldOn?.description ?? ""
        data["targets"] = p.targets.map { t -> [String: Any] in
            let line = p.outcome?.members.first { $0.member == t.person }
            var row: [String: Any] = ["person": t.person, "name": t.name, "post": english ? t.post.english : t.post.chinese,
                                      "reply": t.reply ?? "", "repliedOn": t.repliedOn?.description ?? ""]
            if let line {
                row["approve"] = line.approve
                row["reject"] = line.reject
                row["abstain"] = line.abstain
                row["needed"] = line.needed
                row["outcome"] = context.locale.text(line.recalled ? "rc_recalled" : "rc_not_recalled")
            }
            return row
        }
        if let outcome = p.outcome {
            data["decided"] = true
            data["decidedOn"] = p.decidedOn?.description ?? ""
            data["rollSize"] = outcome.rollSize
            data["voted"] = outcome.voted
            data["issued"] = outcome.issued
            data["invalid"] = outcome.invalid
            data["turnoutNeeded"] = outcome.turnoutNeeded
            data["voidReason"] = outcome.void ? context.locale.text("rc_void_papers") : outcome.turnoutMet ? "" : context.locale.text("rc_void_turnout")
        }
        // Box counts: the committee sees them while entering; everyone once the vote is counted.
        if isCommittee || p.status == .decided, p.status == .voting || p.status == .decided {
            let boxes = try database.recallBoxes(electionID: election.id!, number: p.number)
            data["hasBoxes"] = !boxes.isEmpty
            data["boxes"] = boxes.map { box -> [String: Any] in
                ["number": box.number, "name": box.name, "agreed": box.agreed != nil,
                 "tellers": box.entries.map(\.teller).joined(separator: ", "),
                 "figures": box.agreed.map { "\($0.issued) / \($0.collected) / \($0.invalid)" } ?? ""]
            }
        }
        data["isCommittee"] = isCommittee
        data["collecting"] = p.status == .collecting || p.status == .submitted
        data["submitted"] = p.status == .submitted
        data["voting"] = p.status == .voting
        data["open"] = p.status != .decided
        data["error"] = error ?? ""
        data["today"] = CivilDate.today().description
        return try renderer.page("recall", title: String(format: context.locale.text("rc_proposal_title"), String(p.number)), data: data,
                                 request: request, context: context, status: status)
    }

    // MARK: Committee's forms

    /// Runs a committee step; a domain error re-renders the page with it (422 or 409).
    func step(_ request: Request, _ context: AppRequestContext, onList: Bool = false,
              _ body: (Election, [String: String], Actor) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let location = try body(election, form.values, Actor(account))
            return Response(status: .seeOther, headers: [.location: location])
        } catch let error as CommunityError {
            let status: HTTPResponse.Status
            if case .notAllowed = error { status = .conflict } else if case .notFound = error { status = .notFound } else { status = .unprocessableContent }
            return onList ? try renderList(request, context, error: error.description, status: status)
                : try renderProposal(request, context, error: error.description, status: status)
        }
    }

    static func date(_ form: [String: String], _ field: String) throws -> CivilDate {
        let text = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty, field == "on" { return .today() }
        guard let date = CivilDate(text) else { throw CommunityError.invalid(field: field, reason: "a date YYYY-MM-DD") }
        return date
    }

    static func integer(_ form: [String: String], _ field: String) throws -> Int {
        guard let value = Int((form[field] ?? "").trimmingCharacters(in: .whitespaces)) else {
            throw CommunityError.invalid(field: field, reason: "a whole number")
        }
        return value
    }

    func number(_ context: AppRequestContext) throws -> Int {
        guard let number = context.parameters.get("number", as: Int.self) else { throw WebError.notFound }
        return number
    }

    @Sendable func propose(request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context, onList: true) { election, form, actor in
            let members = form.keys.filter { $0.hasPrefix("member-") }.compactMap { Int64($0.dropFirst("member-".count)) }.sorted()
            let p = try database.proposeRecall(electionID: election.id!, members: members, reasons: form["reasons"] ?? "", proposer: form["proposer"] ?? "",
                                               on: try Self.date(form, "on"), actor: actor)
            return "/elections/\(election.id!)/recalls/\(p.number)"
        }
    }

    @Sendable func sign(request: Request, context: AppRequestContext) async throws -> Response {
        let number = try number(context)
        return try await step(request, context) { election, form, actor in
            var numbers: [Int] = []
            for part in (form["roll"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0.isWhitespace }) {
                guard let n = Int(part) else { throw CommunityError.invalid(field: "roll", reason: "roll numbers separated by commas, not \(part)") }
                numbers.append(n)
            }
            try database.addRecallSignatures(electionID: election.id!, number: number, rollNumbers: numbers, on: try Self.date(form, "on"), actor: actor)
            return "/elections/\(election.id!)/recalls/\(number)"
        }
    }

    @Sendable func reply(request: Request, context: AppRequestContext) async throws -> Response {
        let number = try number(context)
        return try await step(request, context) { election, form, actor in
            guard let member = Int64(form["member"] ?? "") else { throw CommunityError.invalid(field: "member", reason: "the member replying") }
            try database.recordRecallReply(electionID: election.id!, number: number, member: member, text: form["reply"] ?? "",
                                           on: try Self.date(form, "on"), actor: actor)
            return "/elections/\(election.id!)/recalls/\(number)"
        }
    }

    @Sendable func openVote(request: Request, context: AppRequestContext) async throws -> Response {
        let number = try number(context)
        return try await step(request, context) { election, form, actor in
            try database.openRecallVote(electionID: election.id!, number: number, heldOn: try Self.date(form, "heldOn"), on: .today(), actor: actor)
            return "/elections/\(election.id!)/recalls/\(number)"
        }
    }

    /// A teller's count of a box: the teller is the signed-in account, so a box counts when two
    /// accounts entered the same figures.
    @Sendable func count(request: Request, context: AppRequestContext) async throws -> Response {
        let number = try number(context)
        let account = try context.authorizedAccount()
        return try await step(request, context) { election, form, actor in
            guard let proposal = try database.recallProposal(electionID: election.id!, number: number) else { throw WebError.notFound }
            let marks = try proposal.targets.map { t in
                RecallMarks(member: t.person, approve: try Self.integer(form, "approve-\(t.person)"), reject: try Self.integer(form, "reject-\(t.person)"),
                            abstain: try Self.integer(form, "abstain-\(t.person)"))
            }
            let count = RecallCount(issued: try Self.integer(form, "issued"), collected: try Self.integer(form, "collected"),
                                    invalid: try Self.integer(form, "invalid"), marks: marks)
            try database.enterRecallCount(electionID: election.id!, number: number, box: try Self.integer(form, "box"), boxName: form["boxName"] ?? "",
                                          teller: account.username, count: count, actor: actor)
            return "/elections/\(election.id!)/recalls/\(number)"
        }
    }

    @Sendable func close(request: Request, context: AppRequestContext) async throws -> Response {
        let number = try number(context)
        return try await step(request, context) { election, form, actor in
            try database.closeRecallVote(electionID: election.id!, number: number, on: .today(), actor: actor)
            return "/elections/\(election.id!)/recalls/\(number)"
        }
    }

    // MARK: API

    struct CommitteeDocument: Encodable {
        struct Member: Encodable { let person: Int64; let name: String; let post: String }
        struct Recalled: Encodable { let person: Int64; let name: String; let post: String; let proposal: Int; let on: String }
        struct Vacancy: Encodable { let post: String; let seats: Int }
        let termEnds: String
        let seats: Int
        let members: [Member]
        let recalled: [Recalled]
        let vacant: [Vacancy]
        let byElectionRequired: Bool
        let byElectionDueBy: String?
    }

    struct ProposalDocument: Encodable {
        struct Target: Encodable {
            let person: Int64
            let name: String
            let post: String
            let reply: String?
            let repliedOn: String?
        }
        struct Outcome: Encodable {
            struct Line: Encodable { let person: Int64; let approve: Int; let reject: Int; let abstain: Int; let needed: Int; let recalled: Bool }
            let rollSize: Int
            let issued: Int
            let voted: Int
            let invalid: Int
            let turnoutNeeded: Int
            let turnoutMet: Bool
            let void: Bool
            let members: [Line]
        }
        let number: Int
        let status: String
        let signatories: String
        let reasons: String
        let proposer: String
        let filedOn: String
        let base: Int
        let needed: Int
        let signatures: Int
        let reachedOn: String?
        let voteDeadline: String?
        let heldOn: String?
        let decidedOn: String?
        let members: [Target]
        let outcome: Outcome?
        let url: String

        init(_ p: RecallProposal) {
            number = p.number
            status = p.status.rawValue
            signatories = p.signatories.rawValue
            reasons = p.reasons
            proposer = p.proposer
            filedOn = p.filedOn.description
            base = p.base
            needed = p.needed
            signatures = p.signatures
            reachedOn = p.reachedOn?.description
            voteDeadline = p.voteDeadline?.description
            heldOn = p.heldOn?.description
            decidedOn = p.decidedOn?.description
            members = p.targets.map { Target(person: $0.person, name: $0.name, post: $0.post.rawValue, reply: $0.reply, repliedOn: $0.repliedOn?.description) }
            outcome = p.outcome.map { o in
                Outcome(rollSize: o.rollSize, issued: o.issued, voted: o.voted, invalid: o.invalid, turnoutNeeded: o.turnoutNeeded, turnoutMet: o.turnoutMet,
                        void: o.void, members: o.members.map { .init(person: $0.member, approve: $0.approve, reject: $0.reject, abstain: $0.abstain,
                                                                     needed: $0.needed, recalled: $0.recalled) })
            }
            url = "/elections/\(p.election)/recalls/\(p.number)"
        }
    }

    struct ListDocument: Encodable {
        let election: Int64
        let committee: CommitteeDocument
        let proposals: [ProposalDocument]
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let committee = try database.termCommittee(electionID: election.id!)
        let document = CommitteeDocument(
            termEnds: committee.termEnds.description, seats: committee.seats,
            members: committee.members.map { .init(person: $0.person, name: $0.name, post: $0.post.rawValue) },
            recalled: committee.recalled.map { .init(person: $0.person, name: $0.name, post: $0.post.rawValue, proposal: $0.proposal, on: $0.on.description) },
            vacant: committee.vacant.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(post: $0.key.rawValue, seats: $0.value) },
            byElectionRequired: committee.byElection.required, byElectionDueBy: committee.byElection.dueBy?.description)
        return try JSONResponse.make(ListDocument(election: election.id!, committee: document,
                                                  proposals: try database.recallProposals(electionID: election.id!).map(ProposalDocument.init)))
    }

    @Sendable func proposalAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (_, p) = try proposal(context)
        return try JSONResponse.make(ProposalDocument(p))
    }
}
