import Community
import Councils
import Foundation
import Hummingbird

/// The yearly assessment (测评打分) of the committee's members by the residents'
/// representatives: the committee opens it with the members, representatives hand in one
/// score sheet each, and the results — averages and grade counts only — appear once closed.
struct AssessmentsController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        // Residents score with their household sign-in (`GardenContext.identity`).
        let anyone = routes.open()
        anyone.get("/assessments", use: list)
        anyone.get("/assessments/:id", use: show)
        anyone.post("/assessments/:id/sheet", use: submitSheet)
        anyone.get("/api/v1/assessments/:id", use: showAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/assessments", use: open)
        committee.post("/assessments/:id/close", use: close)
    }

    func assessment(_ context: AppRequestContext) throws -> Assessment {
        guard let id = GardenContext.int64(context.parameters.get("id")) else { throw WebError.notFound }
        let assessment: Assessment
        do { assessment = try database.assessment(id: id) } catch CommunityError.notFound { throw WebError.notFound }
        guard assessment.communityID == (try garden.communityID()) else { throw WebError.notFound }
        return assessment
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request: request, context: context)
    }

    func renderList(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        var data: [String: Any] = [
            "assessments": try database.assessments(communityID: try garden.communityID()).map {
                ["id": $0.id!, "year": $0.year, "title": $0.title, "closed": $0.status == .closed] as [String: Any]
            },
            "committee": garden.isCommittee(context), "year": CivilDate.today().year,
        ]
        if let error { data["error"] = error }
        return try renderer.page("assessments", title: context.locale.text("a_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func open(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let year = Int(form["year"] ?? "") else { throw CommunityError.invalid(field: "year", reason: "a year") }
            let subjects = (form["subjects"] ?? "").split(whereSeparator: \.isNewline).compactMap { line -> (name: String, post: String)? in
                let parts = line.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
                guard !parts.isEmpty, !parts[0].isEmpty else { return nil }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
            let assessment = try database.openAssessment(communityID: try garden.communityID(), year: year, title: form["title"] ?? "", subjects: subjects, actor: Actor(account))
            return GardenContext.seeOther("/assessments/\(assessment.id!)")
        } catch let error as CommunityError {
            return try renderList(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderAssessment(try assessment(context), request: request, context: context)
    }

    func renderAssessment(_ assessment: Assessment, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        var data: [String: Any] = ["id": assessment.id!, "year": assessment.year, "title": assessment.title, "closed": assessment.status == .closed,
                                   "sheets": try database.assessmentSheetCount(assessmentID: assessment.id!), "committee": garden.isCommittee(context)]
        let subjects = try database.assessmentSubjects(assessmentID: assessment.id!)
        if assessment.status == .closed {
            data["results"] = try database.assessmentResults(assessmentID: assessment.id!).map { result in
                ["name": result.subject.name, "post": result.subject.post, "sheets": result.sheets, "average": String(format: "%.1f", result.averageScore),
                 "grades": AssessmentGrade.allCases.map { ["label": $0.chinese, "count": result.grades[$0] ?? 0] as [String: Any] }] as [String: Any]
            }
        } else if let identity = try garden.identity(request, context: context) {
            // Representatives of the signed-in household (or the account's resident) may fill a sheet.
            let representatives = Set(try database.servingRepresentatives(communityID: assessment.communityID).map(\.residentID))
            let members: [(id: Int64, name: String)]
            if let residentID = identity.residentID { members = [(residentID, "")] } else { members = try database.householdMembers(householdID: identity.householdID) }
            let eligible = members.filter { representatives.contains($0.id) }
            let pending = try eligible.filter { try !database.hasScored(assessmentID: assessment.id!, residentID: $0.id) }
            if !pending.isEmpty {
                data["sheet"] = [
                    "representatives": pending.map { ["id": $0.id, "name": $0.name.isEmpty ? identity.publicLabel : $0.name] as [String: Any] },
                    "subjects": subjects.map { ["id": $0.id!, "name": $0.name, "post": $0.post] as [String: Any] },
                    "grades": AssessmentGrade.allCases.map { ["value": $0.rawValue, "label": $0.chinese] },
                ] as [String: Any]
            } else if !eligible.isEmpty {
                data["handedIn"] = true
            } else {
                data["notRepresentative"] = true
            }
        } else {
            data["signIn"] = true
        }
        data["subjects"] = subjects.map { ["name": $0.name, "post": $0.post] }
        if let error { data["error"] = error }
        return try renderer.page("assessment", title: assessment.title, data: data, request: request, context: context, status: status)
    }

    @Sendable func submitSheet(request: Request, context: AppRequestContext) async throws -> Response {
        let assessment = try assessment(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let identity = try garden.identity(request, context: context, residentID: GardenContext.int64(form["resident"])) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            var scores: [Int64: (score: Int, grade: AssessmentGrade)] = [:]
            for subject in try database.assessmentSubjects(assessmentID: assessment.id!) {
                guard let score = Int((form["score_\(subject.id!)"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    throw CommunityError.invalid(field: "score_\(subject.id!)", reason: "a score 0–100 for \(subject.name)")
                }
                guard let grade = AssessmentGrade(rawValue: form["grade_\(subject.id!)"] ?? "") else {
                    throw CommunityError.invalid(field: "grade_\(subject.id!)", reason: "a grade for \(subject.name)")
                }
                scores[subject.id!] = (score, grade)
            }
            try database.submitScoreSheet(assessmentID: assessment.id!, identity: identity, scores: scores)
            return GardenContext.seeOther("/assessments/\(assessment.id!)?handedIn=1")
        } catch let error as CommunityError {
            return try renderAssessment(assessment, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func close(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let assessment = try assessment(context)
        _ = try await FormFields.read(request, context: context)
        do {
            try database.closeAssessment(id: assessment.id!, actor: Actor(account))
            return GardenContext.seeOther("/assessments/\(assessment.id!)")
        } catch let error as CommunityError {
            return try renderAssessment(assessment, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    struct ResultJSON: Encodable {
        let name: String
        let post: String
        let sheets: Int
        let averageScore: Double
        let grades: [String: Int]
    }

    struct AssessmentJSON: Encodable {
        let id: Int64
        let year: Int
        let title: String
        let status: String
        let sheets: Int
        let results: [ResultJSON]?
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let assessment = try assessment(context)
        let results = assessment.status == .closed ? try database.assessmentResults(assessmentID: assessment.id!).map { result in
            ResultJSON(name: result.subject.name, post: result.subject.post, sheets: result.sheets, averageScore: (result.averageScore * 10).rounded() / 10,
                       grades: Dictionary(uniqueKeysWithValues: result.grades.map { ($0.key.rawValue, $0.value) }))
        } : nil
        return try JSONResponse.make(AssessmentJSON(id: assessment.id!, year: assessment.year, title: assessment.title, status: assessment.status.rawValue,
                                                    sheets: try database.assessmentSheetCount(assessmentID: assessment.id!), results: results))
    }
}
