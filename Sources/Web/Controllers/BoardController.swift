import Community
import Councils
import Elections
import Foundation
import Hummingbird
import Notary

/// The disclosure board (居务公开): one public page, no login, for everything a resident may
/// look up — motions and their states, meeting notices and minutes, hearing notices and
/// reports, resolutions and implementation progress, election notices, rolls, candidate lists
/// and results — and the monthly disclosure report (print page, CSV, JSON).
struct BoardController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let open = routes.open()
        open.get("/board", use: board)
        open.get("/board/report", use: report)
        open.get("/board/report.csv", use: reportCSV)
        open.get("/api/v1/board/report", use: reportAPI)
        open.get("/community-key.pem", use: keyPEM)
        open.get("/board/work-reports/:year", use: workReport)
        open.get("/board/work-reports/:year/report.json", use: workReportDocument)
        open.get("/board/work-reports/:year/report.sig", use: workReportSignature)
        routes.only(Roles.committee).post("/board/work-reports", use: publishWorkReport)
        open.get("/api/v1/community/key", use: keyAPI)
    }

    @Sendable func board(request: Request, context: AppRequestContext) async throws -> Response {
        try renderBoard(request: request, context: context)
    }

    func renderBoard(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let community = try garden.community()
        let communityID = community.id!
        let workflow = try database.motionWorkflow(communityID: communityID)
        let today = CivilDate.today()
        let motions = try database.motions(communityID: communityID)
        let meetings = try database.meetings(communityID: communityID).filter { $0.status != .draft }
        let hearings = try database.hearings(communityID: communityID).filter { $0.status != .draft }
        // Resolutions: decided agenda items of meetings, newest meetings first.
        var resolutions: [[String: Any]] = []
        for meeting in meetings where meeting.status == .closed {
            for item in try database.agenda(meetingID: meeting.id!) where item.decision != nil {
                var row: [String: Any] = ["meetingID": meeting.id!, "date": meeting.date.description, "title": item.title,
                                          "decision": context.locale.text("m_decision_\(item.decision!.rawValue)"), "passed": item.decision == .passed]
                if let motionID = item.motionID, let motion = motions.first(where: { $0.motion.id == motionID })?.motion {
                    row["motion"] = motion.number
                    row["state"] = GardenContext.stateName(workflow, motion.state, context)
                }
                resolutions.append(row)
            }
        }
        let implementing = motions.filter { $0.motion.state == "implementing" }
        let progress: [[String: Any]] = try implementing.map { listing in
            let milestones = try database.milestones(motionID: listing.motion.id!)
            return ["number": listing.motion.number, "title": listing.motion.title, "owner": try database.implementation(motionID: listing.motion.id!)?.owner ?? "",
                    "done": milestones.filter { $0.doneOn != nil }.count, "total": milestones.count, "overdue": milestones.contains { $0.overdue(today: today) }]
        }
        // An election is on the board from its first notice (选举公告 第1号, the announcement),
        // before its roll is published.
        let elections: [[String: Any]] = try database.elections(communityID: communityID).compactMap { election in
            let notices = try database.notices(electionID: election.id!).count
            guard election.status.rollIsPublic || notices > 0 else { return nil }
            return ["id": election.id!, "title": election.title, "electionDay": election.electionDay.description, "notices": notices > 0,
                    "roll": try database.rollIsPosted(election), "candidates": election.status == .candidatesPublished,
                    "result": try database.certifiedResult(electionID: election.id!) != nil,
                    "handover": try database.handover(electionID: election.id!)?.completedOn != nil,
                    "annulled": try database.annulment(electionID: election.id!) != nil] as [String: Any]
        }
        let month = today.adding(months: -1)
        return try renderer.page("board", title: context.locale.text("b_title"), data: [
            "community": community.name, "error": error ?? false,
            "motions": motions.prefix(20).map { listing in
                ["number": listing.motion.number, "title": listing.motion.title, "state": GardenContext.stateName(workflow, listing.motion.state, context),
                 "supports": listing.supports, "overdue": listing.motion.overdue(today: today)] as [String: Any]
            },
            "motionCount": motions.count,
            "meetings": meetings.prefix(10).map { meeting in
                var row: [String: Any] = ["id": meeting.id!, "title": meeting.title, "date": meeting.date.description, "kind": MeetingsController.kindName(meeting.kind, context),
                                          "status": context.locale.text("m_status_\(meeting.status.rawValue)")]
                if (try? database.minutes(meetingID: meeting.id!))??.publishedAt != nil { row["minutes"] = true }
                return row
            },
            "hearings": hearings.prefix(10).map { hearing in
                ["id": hearing.id!, "title": hearing.title, "date": hearing.date.description, "status": context.locale.text("h_status_\(hearing.status.rawValue)"),
                 "reported": hearing.status == .reported, "registering": hearing.status == .noticed && today <= hearing.registrationDeadline,
                 "deadline": hearing.registrationDeadline.description] as [String: Any]
            },
            "resolutions": Array(resolutions.prefix(20)), "progress": progress, "elections": elections,
            "lastMonth": String(format: "%04d-%02d", month.year, month.month), "thisMonth": String(format: "%04d-%02d", today.year, today.month),
            "assessments": try database.assessments(communityID: communityID).filter { $0.status == .closed }.map { ["id": $0.id!, "title": $0.title] as [String: Any] },
            "workReports": try database.workReports(communityID: communityID).map { ["year": $0.year, "title": $0.title] as [String: Any] },
            "workReportForm": garden.isCommittee(context) ? [
                "year": today.year,
                "meetings": meetings.filter { ($0.kind == .residentsMeeting || $0.kind == .representativesMeeting) && $0.status != .cancelled }.map {
                    ["id": $0.id!, "label": "\($0.date) \(MeetingsController.kindName($0.kind, context)) \($0.title)"] as [String: Any]
                },
            ] as [String: Any] : false,
            "keys": try database.communityPublicKeys(communityID: communityID).enumerated().map { index, key in
                ["keyID": key.keyID, "fingerprint": key.fingerprint, "current": index == 0] as [String: Any]
            },
        ], request: request, context: context, status: status)
    }

    func month(_ request: Request) throws -> (Int, Int) {
        let text = request.uri.queryParameters["month"].map(String.init) ?? {
            let last = CivilDate.today().adding(months: -1)
            return String(format: "%04d-%02d", last.year, last.month)
        }()
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]) else { throw WebError.badRequest(field: "month", reason: "YYYY-MM") }
        return (parts[0], parts[1])
    }

    @Sendable func report(request: Request, context: AppRequestContext) async throws -> Response {
        let (year, month) = try month(request)
        let report = try database.disclosureReport(communityID: try garden.communityID(), year: year, month: month)
        let previous = CivilDate(year: year, month: month, day: 1)!.adding(months: -1), next = CivilDate(year: year, month: month, day: 1)!.adding(months: 1)
        return try renderer.page("board_report", title: "\(context.locale.text("b_report")) \(report.month)", data: [
            "community": try garden.community().name, "month": report.month, "rows": report.rows.map { ["label": $0.0, "value": $0.1] },
            "previous": String(format: "%04d-%02d", previous.year, previous.month), "next": String(format: "%04d-%02d", next.year, next.month),
        ], request: request, context: context)
    }

    @Sendable func reportCSV(request: Request, context: AppRequestContext) async throws -> Response {
        let (year, month) = try month(request)
        let report = try database.disclosureReport(communityID: try garden.communityID(), year: year, month: month)
        return GardenContext.csv(report.csv, fileName: "disclosure-\(report.month).csv")
    }

    func workReport(_ context: AppRequestContext) throws -> WorkReport {
        guard let year = context.parameters.get("year").flatMap({ Int($0) }),
              let report = try database.workReports(communityID: try garden.communityID()).first(where: { $0.year == year }) else { throw WebError.notFound }
        return report
    }

    /// The committee's yearly work report (L25), public on the board.
    @Sendable func workReport(request: Request, context: AppRequestContext) async throws -> Response {
        let report = try workReport(context)
        var data: [String: Any] = ["year": report.year, "titleText": report.title, "text": report.text, "publishedAt": report.publishedAt,
                                   "digest": report.digest, "keyID": report.keyID, "community": try garden.community().name]
        if let meetingID = report.meetingID, let meeting = try? database.meeting(id: meetingID) {
            data["meeting"] = ["id": meetingID, "label": "\(meeting.date) \(MeetingsController.kindName(meeting.kind, context))"] as [String: Any]
        }
        return try renderer.page("work_report", title: "\(report.year) \(report.title)", data: data, request: request, context: context)
    }

    /// The signed work report document, byte for byte.
    @Sendable func workReportDocument(request: Request, context: AppRequestContext) async throws -> Response {
        let report = try workReport(context)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"work-report-\(report.year).json\""],
                        body: .init(byteBuffer: ByteBuffer(string: report.document)))
    }

    /// The raw 64-byte Ed25519 signature over report.json.
    @Sendable func workReportSignature(request: Request, context: AppRequestContext) async throws -> Response {
        let report = try workReport(context)
        guard let signature = Base64.decode(report.signature) else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"work-report-\(report.year).sig\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: signature)))
    }

    /// The committee publishes the year's work report.
    @Sendable func publishWorkReport(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let year = Int((form["year"] ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: "year", reason: "a year") }
            let report = try database.publishWorkReport(communityID: try garden.communityID(), year: year, title: form["title"] ?? "", text: form["text"] ?? "",
                                                        meetingID: GardenContext.int64(form["meeting"]), signingKey: try garden.signingKey(), actor: Actor(account))
            return GardenContext.seeOther("/board/work-reports/\(report.year)")
        } catch let error as CommunityError {
            return try renderBoard(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    /// The community's current public key (PEM), which checks receipts, minutes and hearing reports.
    @Sendable func keyPEM(request: Request, context: AppRequestContext) async throws -> Response {
        guard let key = try database.communityPublicKeys(communityID: try garden.communityID()).first else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentDisposition: "attachment; filename=\"community-key.pem\""],
                        body: .init(byteBuffer: ByteBuffer(string: key.publicKeyPEM)))
    }

    struct KeysJSON: Encodable {
        let community: String
        /// The key signing now.
        let current: String?
        /// Every community key, newest first.
        let keys: [CommunityPublicKey]
    }

    /// The community's public keys with their fingerprints.
    @Sendable func keyAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let community = try garden.community()
        let keys = try database.communityPublicKeys(communityID: community.id!)
        return try JSONResponse.make(KeysJSON(community: community.code ?? "", current: keys.first?.keyID, keys: keys))
    }

    @Sendable func reportAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (year, month) = try month(request)
        return try JSONResponse.make(try database.disclosureReport(communityID: try garden.communityID(), year: year, month: month))
    }
}
