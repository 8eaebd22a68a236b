import Community
import Councils
import Foundation
import Hummingbird

/// The residents' affairs supervisory committee (居务监督委员会, L25): public — its members, the
/// meeting that chose each, and their opinions on the disclosure board, the accounts and how
/// decisions are carried out; the election committee records the members chosen (none of the
/// residents' committee nor their close relatives) and declared kinship; staff record opinions.
struct SupervisionController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let anyone = routes.open()
        anyone.get("/supervision", use: page)
        anyone.get("/api/v1/supervision", use: showAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/supervision/members", use: choose)
        committee.post("/supervision/members/:member/end", use: end)
        committee.post("/supervision/relatives", use: declare)
        let staff = routes.only(Roles.staff)
        staff.post("/supervision/opinions", use: record)
        staff.post("/api/v1/supervision/opinions", use: recordAPI)
    }

    static func meetingLabel(_ meeting: Meeting, _ context: AppRequestContext) -> String {
        "\(meeting.date) \(MeetingsController.kindName(meeting.kind, context)) \(meeting.title)"
    }

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        try render(request: request, context: context)
    }

    func render(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = try garden.communityID()
        let en = !GardenContext.zh(context)
        let meetings = try database.meetings(communityID: communityID).filter { $0.kind == .residentsMeeting || $0.kind == .representativesMeeting }
        let labels = Dictionary(uniqueKeysWithValues: meetings.map { ($0.id!, Self.meetingLabel($0, context)) })
        let members = try database.supervisoryMembers(communityID: communityID)
        var data: [String: Any] = [
            "members": members.map { member in
                ["id": member.id, "name": member.name, "post": en ? member.post.english : member.post.chinese, "chosenOn": member.chosenOn.description,
                 "meeting": labels[member.meetingID] ?? "#\(member.meetingID)", "meetingID": member.meetingID,
                 "until": member.until?.description ?? "", "serving": member.until == nil] as [String: Any]
            },
            "opinions": try database.supervisoryOpinions(communityID: communityID).map { opinion in
                ["member": opinion.memberName, "subject": en ? opinion.subject.english : opinion.subject.chinese, "concerns": opinion.concerns,
                 "text": opinion.text, "recordedOn": opinion.recordedOn.description,
                 "meeting": opinion.reportedToMeetingID.flatMap { labels[$0] } ?? ""] as [String: Any]
            },
            "conflicts": try database.supervisoryConflicts(communityID: communityID).map {
                ["member": $0.member.name, "committeeMember": $0.committeeMember, "kinship": en ? $0.kinship.rawValue : $0.kinship.chinese] as [String: Any]
            },
            "isCommittee": garden.isCommittee(context), "isStaff": garden.isStaff(context), "today": CivilDate.today().description,
            "held": meetings.filter { $0.status == .open || $0.status == .closed }.map { ["id": $0.id!, "label": Self.meetingLabel($0, context)] as [String: Any] },
            "reportable": meetings.filter { $0.status != .cancelled }.map { ["id": $0.id!, "label": Self.meetingLabel($0, context)] as [String: Any] },
            "serving": members.filter { $0.until == nil }.map { ["id": $0.id, "name": $0.name] as [String: Any] },
            "subjects": SupervisoryCommittee.Subject.allCases.map { ["value": $0.rawValue, "label": en ? $0.english : $0.chinese] },
            "posts": SupervisoryCommittee.Post.allCases.map { ["value": $0.rawValue, "label": en ? $0.english : $0.chinese] },
            "kinships": Kinship.allCases.filter { $0 != .same }.map { ["value": $0.rawValue, "label": en ? $0.rawValue : $0.chinese] },
        ]
        if let error { data["error"] = error }
        return try renderer.page("supervision", title: context.locale.text("sv_title"), data: data, request: request, context: context, status: status)
    }

    func resident(_ idNumber: String?, field: String) throws -> Resident {
        let text = (idNumber ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        do { return try database.resident(idNumber: text, communityID: try garden.communityID()) } catch CommunityError.notFound {
            throw CommunityError.invalid(field: field, reason: "no resident with ID number \(text) in this community")
        }
    }

    @Sendable func choose(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let post = SupervisoryCommittee.Post(rawValue: form["post"] ?? "") else { throw CommunityError.invalid(field: "post", reason: "chair or member") }
            guard let meetingID = GardenContext.int64(form["meeting"]) else { throw CommunityError.invalid(field: "meeting", reason: "the meeting that chose the member") }
            try database.chooseSupervisoryMember(communityID: try garden.communityID(), residentID: try resident(form["idNumber"], field: "idNumber").id!, post: post,
                                                 meetingID: meetingID, actor: Actor(account))
            return GardenContext.seeOther("/supervision")
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    @Sendable func end(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let id = GardenContext.int64(context.parameters.get("member")),
                  try database.supervisoryMembers(communityID: try garden.communityID()).contains(where: { $0.id == id }) else { throw WebError.notFound }
            try database.endSupervisoryMember(id: id, until: try AssemblyController.date(form["until"], field: "until"), actor: Actor(account))
            return GardenContext.seeOther("/supervision")
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    @Sendable func declare(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let kinship = Kinship(rawValue: form["kinship"] ?? ""), kinship != .same else { throw CommunityError.invalid(field: "kinship", reason: "how the two are related") }
            try database.declareCouncilRelative(communityID: try garden.communityID(), residentID: try resident(form["idNumber"], field: "idNumber").id!,
                                                relativeID: try resident(form["relativeIdNumber"], field: "relativeIdNumber").id!, kinship: kinship, actor: Actor(account))
            return GardenContext.seeOther("/supervision")
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    @Sendable func record(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            try recordOpinion(member: GardenContext.int64(form["member"]), subject: form["subject"], concerns: form["concerns"], text: form["text"],
                              meeting: GardenContext.int64(form["meeting"]), actor: Actor(account))
            return GardenContext.seeOther("/supervision")
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: RequestsController.status(error))
        }
    }

    @discardableResult
    func recordOpinion(member: Int64?, subject: String?, concerns: String?, text: String?, meeting: Int64?, actor: Actor) throws -> SupervisoryOpinion {
        guard let member, try database.supervisoryMembers(communityID: try garden.communityID()).contains(where: { $0.id == member }) else {
            throw CommunityError.invalid(field: "member", reason: "a serving member of the supervisory committee")
        }
        guard let subject = SupervisoryCommittee.Subject(rawValue: subject ?? "") else {
            throw CommunityError.invalid(field: "subject", reason: "disclosure, accounts or implementation")
        }
        return try database.recordSupervisoryOpinion(memberID: member, subject: subject, concerns: concerns ?? "", text: text ?? "", reportedToMeetingID: meeting, actor: actor)
    }

    // MARK: API

    struct SupervisionJSON: Encodable {
        struct Member: Encodable {
            let id: Int64
            let name: String
            let post: String
            let meeting: Int64
            let chosenOn: String
            let until: String?
        }
        struct Opinion: Encodable {
            let id: Int64
            let member: String
            let subject: String
            let concerns: String
            let text: String
            let recordedOn: String
            let meeting: Int64?
        }
        let members: [Member]
        let opinions: [Opinion]
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let communityID = try garden.communityID()
        return try JSONResponse.make(SupervisionJSON(
            members: try database.supervisoryMembers(communityID: communityID).map {
                .init(id: $0.id, name: $0.name, post: $0.post.rawValue, meeting: $0.meetingID, chosenOn: $0.chosenOn.description, until: $0.until?.description)
            },
            opinions: try database.supervisoryOpinions(communityID: communityID).map {
                .init(id: $0.id, member: $0.memberName, subject: $0.subject.rawValue, concerns: $0.concerns, text: $0.text, recordedOn: $0.recordedOn.description,
                      meeting: $0.reportedToMeetingID)
            }))
    }

    struct OpinionRequest: Decodable {
        let member: Int64
        let subject: String
        let concerns: String?
        let text: String
        let meeting: Int64?
    }

    @Sendable func recordAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        var request = request
        let input = try await request.decodeJSON(OpinionRequest.self, context: context, expected: "a JSON object with member, subject (disclosure, accounts or implementation), text, and optionally concerns and meeting")
        let opinion = try recordOpinion(member: input.member, subject: input.subject, concerns: input.concerns, text: input.text, meeting: input.meeting, actor: Actor(account))
        return try JSONResponse.make(SupervisionJSON.Opinion(id: opinion.id, member: opinion.memberName, subject: opinion.subject.rawValue, concerns: opinion.concerns,
                                                             text: opinion.text, recordedOn: opinion.recordedOn.description, meeting: opinion.reportedToMeetingID), status: .created)
    }
}
