import Community
import Councils
import Foundation
import Hummingbird

/// The representatives' meeting (居民代表会议) as a body per term (L25): the staff see each
/// term's roster — committee members and residents' representatives by residents' group with
/// the households they answer to — and whether representatives make four fifths of it; the
/// committee opens terms and adds and ends members. The JSON API mirrors the page.
struct AssemblyController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/council/assembly", use: page)
        staff.get("/api/v1/assembly", use: listAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/council/assembly/terms", use: createTerm)
        committee.post("/council/assembly/terms/:term/members", use: addMember)
        committee.post("/council/assembly/members/:member/end", use: endMember)
        committee.post("/api/v1/assembly/terms", use: createTermAPI)
        committee.post("/api/v1/assembly/terms/:term/members", use: addMemberAPI)
    }

    // MARK: Page

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        try render(request: request, context: context)
    }

    func render(error: String? = nil, values: [String: String] = [:], request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = try garden.communityID()
        let today = CivilDate.today()
        let en = !GardenContext.zh(context)
        let terms = try database.assemblyTerms(communityID: communityID)
        var data: [String: Any] = [
            "terms": try terms.map { term in
                let members = try database.assemblyMembers(termID: term.id)
                let composition = try database.assemblyComposition(termID: term.id, on: term.covers(today) ? today : term.startsOn)
                return [
                    "id": term.id, "startsOn": term.startsOn.description, "lastDay": term.endsOn.adding(days: -1).description, "current": term.covers(today),
                    "committeeMembers": composition.committeeMembers, "representatives": composition.representatives, "members": composition.members,
                    "constituted": composition.constituted,
                    "rows": members.map { member in
                        ["id": member.id, "name": member.name, "building": member.building, "seat": en ? member.seat.english : member.seat.chinese,
                         "group": member.seat == .representative ? (member.group.isEmpty ? context.locale.text("as_group_unrecorded") : member.group) : "",
                         "households": member.households.joined(separator: "、"), "since": member.since.description,
                         "until": member.until?.description ?? "", "serving": member.until == nil] as [String: Any]
                    },
                ] as [String: Any]
            },
            "canEdit": garden.isCommittee(context), "today": today.description,
            "defaultEnd": today.adding(months: 12 * RepresentativeAssembly.termYears).description,
            "values": values,
        ]
        if let error { data["error"] = error }
        return try renderer.page("assembly", title: context.locale.text("as_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func createTerm(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let starts = CivilDate(form["startsOn"] ?? "") else { throw CommunityError.invalid(field: "startsOn", reason: "the first day of the term (YYYY-MM-DD)") }
            let ends = (form["endsOn"] ?? "").isEmpty ? nil : try Self.date(form["endsOn"], field: "endsOn")
            try database.createAssemblyTerm(communityID: try garden.communityID(), startsOn: starts, endsOn: ends, actor: Actor(account))
            return GardenContext.seeOther("/council/assembly")
        } catch let error as CommunityError {
            return try render(error: error.description, values: form.values, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func addMember(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            try add(termID: try term(context), seat: form["seat"], idNumber: form["idNumber"], group: form["group"],
                    households: Self.numbers(form["households"] ?? ""), since: form["since"], actor: Actor(account))
            return GardenContext.seeOther("/council/assembly")
        } catch let error as CommunityError {
            return try render(error: error.description, values: form.values, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func endMember(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let id = GardenContext.int64(context.parameters.get("member")) else { throw WebError.notFound }
            let member = try database.assemblyMember(id: id)
            guard try database.assemblyTerms(communityID: try garden.communityID()).contains(where: { $0.id == member.termID }) else { throw WebError.notFound }
            try database.endAssemblyMember(id: id, until: try Self.date(form["until"], field: "until"), actor: Actor(account))
            return GardenContext.seeOther("/council/assembly")
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: API

    struct TermJSON: Encodable {
        let id: Int64
        let startsOn: String
        let endsOn: String
        let current: Bool
        let composition: AssemblyComposition
        let members: [MemberJSON]
    }

    struct MemberJSON: Encodable {
        let id: Int64
        let name: String
        let seat: String
        let group: String?
        let households: [String]
        let since: String
        let until: String?
    }

    func json(_ term: AssemblyTerm) throws -> TermJSON {
        let today = CivilDate.today()
        return TermJSON(id: term.id, startsOn: term.startsOn.description, endsOn: term.endsOn.description, current: term.covers(today),
                        composition: try database.assemblyComposition(termID: term.id, on: term.covers(today) ? today : term.startsOn),
                        members: try database.assemblyMembers(termID: term.id).map {
                            MemberJSON(id: $0.id, name: $0.name, seat: $0.seat.rawValue, group: $0.seat == .representative ? $0.group : nil,
                                       households: $0.households, since: $0.since.description, until: $0.until?.description)
                        })
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try database.assemblyTerms(communityID: try garden.communityID()).map(json))
    }

    struct TermRequest: Decodable {
        let startsOn: String
        let endsOn: String?
    }

    @Sendable func createTermAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        var request = request
        let input = try await request.decodeJSON(TermRequest.self, context: context, expected: "a JSON object with startsOn (and endsOn), dates YYYY-MM-DD")
        let term = try database.createAssemblyTerm(communityID: try garden.communityID(), startsOn: try Self.date(input.startsOn, field: "startsOn"),
                                                   endsOn: try input.endsOn.map { try Self.date($0, field: "endsOn") }, actor: Actor(account))
        return try JSONResponse.make(try json(term), status: .created)
    }

    struct MemberRequest: Decodable {
        let seat: String
        let idNumber: String
        let group: String?
        let households: [String]?
        let since: String?
    }

    @Sendable func addMemberAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let termID = try term(context)
        var request = request
        let input = try await request.decodeJSON(MemberRequest.self, context: context, expected: "a JSON object with seat (representative or committeeMember), idNumber, and for a representative group and households")
        try add(termID: termID, seat: input.seat, idNumber: input.idNumber, group: input.group, households: input.households ?? [], since: input.since, actor: Actor(account))
        guard let term = try database.assemblyTerms(communityID: try garden.communityID()).first(where: { $0.id == termID }) else { throw WebError.notFound }
        return try JSONResponse.make(try json(term), status: .created)
    }

    // MARK: Shared

    /// The term named in the path, of the served community.
    func term(_ context: AppRequestContext) throws -> Int64 {
        guard let id = GardenContext.int64(context.parameters.get("term")),
              try database.assemblyTerms(communityID: try garden.communityID()).contains(where: { $0.id == id }) else { throw WebError.notFound }
        return id
    }

    func add(termID: Int64, seat: String?, idNumber: String?, group: String?, households: [String], since: String?, actor: Actor) throws {
        guard let seat = AssemblySeat(rawValue: seat ?? "") else { throw CommunityError.invalid(field: "seat", reason: "representative or committeeMember") }
        let resident = try database.resident(idNumber: (idNumber ?? "").trimmingCharacters(in: .whitespaces).uppercased(), communityID: try garden.communityID())
        let day = (since ?? "").isEmpty ? CivilDate.today() : try Self.date(since, field: "since")
        switch seat {
        case .representative:
            try database.addAssemblyRepresentative(termID: termID, residentID: resident.id!, group: group ?? "", households: households, since: day, actor: actor)
        case .committeeMember:
            try database.addAssemblyCommitteeMember(termID: termID, residentID: resident.id!, since: day, actor: actor)
        }
    }

    static func date(_ text: String?, field: String) throws -> CivilDate {
        guard let date = CivilDate((text ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: field, reason: "a date (YYYY-MM-DD)") }
        return date
    }

    /// Household numbers from a form field: separated by commas, spaces, 、 or new lines.
    static func numbers(_ text: String) -> [String] {
        text.split(whereSeparator: { ",，、 \n\r\t".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
