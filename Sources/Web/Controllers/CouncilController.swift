import Community
import Councils
import Elections
import Foundation
import Hummingbird
import Notary

/// The committee's side of the discussion garden: the dashboard (must-schedule list, overdue
/// motions, meetings), the settings, the working calendar, the workflow, the standing
/// bodies (representatives, council members) and the household access cards.
struct CouncilController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/council", use: dashboard)
        staff.get("/council/calendar", use: calendar)
        staff.get("/council/workflow", use: workflow)
        staff.get("/council/members", use: members)
        staff.get("/api/v1/council/dashboard", use: dashboardAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/council/settings", use: saveSettings)
        committee.post("/council/calendar", use: setDay)
        committee.post("/council/calendar/confirm", use: confirmYear)
        committee.post("/council/workflow", use: saveWorkflow)
        committee.post("/council/members", use: addMember)
        committee.post("/council/members/:member/end", use: endMember)
        routes.only(Roles.cardIssuers).post("/council/household-cards", use: householdCards)
    }

    // MARK: Dashboard

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderDashboard(request: request, context: context)
    }

    func renderDashboard(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = try garden.communityID()
        let settings = try database.councilSettings(communityID: communityID)
        let workflow = try database.motionWorkflow(communityID: communityID)
        let today = CivilDate.today()
        let counts = try database.motionCountsByState(communityID: communityID)
        func row(_ listing: MotionListing) -> [String: Any] {
            let motion = listing.motion
            return ["number": motion.number, "title": motion.title, "state": GardenContext.stateName(workflow, motion.state, context), "supports": listing.supports,
                    "acceptDue": motion.acceptDue.description, "replyDue": motion.replyDue.description,
                    "acceptOverdue": motion.acceptOverdue(today: today), "replyOverdue": motion.replyOverdue(today: today)]
        }
        if let account = context.account, garden.isCommittee(context) {
            // Meetings whose day passed without opening are cancelled, their motions back to accepted.
            try database.cancelLapsedMeetings(communityID: communityID, actor: Actor(account))
        }
        let upcoming = try database.meetings(communityID: communityID).filter { $0.status != .closed && $0.status != .cancelled }
        var data: [String: Any] = [
            "states": workflow.states.map { ["key": $0.key, "label": GardenContext.zh(context) ? $0.zh : $0.en, "count": counts[$0.key] ?? 0] as [String: Any] },
            "mustSchedule": try database.motionsToSchedule(communityID: communityID).map(row),
            "overdue": try database.motions(communityID: communityID, filter: MotionFilter(overdueOnly: true), today: today).map(row),
            "overdueMilestones": try database.overdueMilestones(communityID: communityID, today: today).map {
                ["number": $0.motionNumber, "motionTitle": $0.motionTitle, "title": $0.milestone.title, "due": $0.milestone.due.description, "owner": $0.owner] as [String: Any]
            },
            "meetings": upcoming.map { ["id": $0.id!, "title": $0.title, "date": $0.date.description, "status": context.locale.text("m_status_\($0.status.rawValue)")] as [String: Any] },
            "settings": [
                "threshold": settings.supportThreshold, "household": settings.supportUnit == .household, "ratingHousehold": settings.ratingUnit == .household, "acceptDays": settings.acceptDays,
                "replyDays": settings.replyDays, "noticeDays": settings.noticeDays, "hearingNoticeDays": settings.hearingNoticeDays,
                "speakingMinutes": settings.speakingMinutes, "meetingsPerYear": settings.meetingsPerYear, "photoKiB": settings.photoMaxBytes / 1024,
                "conveningAdults": settings.conveningAdults.description, "conveningHouseholds": settings.conveningHouseholds.description,
                "conveningRepresentatives": settings.conveningRepresentatives.description, "hearingAdults": settings.hearingAdults.description,
                "hearingHouseholds": settings.hearingHouseholds.description, "requestAnswerDays": settings.requestAnswerDays,
            ] as [String: Any],
            // Residents' requests that reached their share: convene the meeting or hearing by the day shown.
            "requestsToConvene": try database.requestsToConvene(communityID: communityID).map {
                ["id": $0.id, "title": $0.title, "body": RequestsController.bodyName($0.body, context), "signatures": $0.signatures, "required": $0.required,
                 "dueOn": $0.dueOn?.description ?? "", "overdue": $0.overdue(today: today)] as [String: Any]
            },
            "committee": garden.isCommittee(context),
        ]
        let reminder = try database.meetingsPerYearReminder(communityID: communityID, today: today)
        data["meetingsYear"] = ["year": reminder.year, "held": reminder.held, "planned": reminder.planned, "required": reminder.required, "behind": reminder.behind] as [String: Any]
        if let error { data["error"] = error }
        data["mayIssueCards"] = context.account?.has(anyOf: ElectionsController.cardIssuers) ?? false
        return try renderer.page("council", title: context.locale.text("c_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func saveSettings(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            let communityID = try garden.communityID()
            var settings = try database.councilSettings(communityID: communityID)
            func number(_ field: String) throws -> Int {
                guard let value = Int((form[field] ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: field, reason: "a whole number") }
                return value
            }
            settings.supportThreshold = try number("supportThreshold")
            settings.supportUnit = form["supportUnit"] == "resident" ? .resident : .household
            settings.ratingUnit = form["ratingUnit"] == "representative" ? .representative : .household
            settings.acceptDays = try number("acceptDays")
            settings.replyDays = try number("replyDays")
            settings.noticeDays = try number("noticeDays")
            settings.hearingNoticeDays = try number("hearingNoticeDays")
            settings.speakingMinutes = try number("speakingMinutes")
            settings.meetingsPerYear = try number("meetingsPerYear")
            settings.photoMaxBytes = try number("photoKiB") * 1024
            let shares: [(String, WritableKeyPath<CouncilSettings, Share>)] = [
                ("conveningAdults", \.conveningAdults), ("conveningHouseholds", \.conveningHouseholds), ("conveningRepresentatives", \.conveningRepresentatives),
                ("hearingAdults", \.hearingAdults), ("hearingHouseholds", \.hearingHouseholds),
            ]
            for (field, keyPath) in shares where form[field] != nil {
                do { settings[keyPath: keyPath] = try Share(text: form[field] ?? "") } catch CommunityError.invalid(_, let reason) {
                    throw CommunityError.invalid(field: field, reason: reason)
                }
            }
            if form["requestAnswerDays"] != nil { settings.requestAnswerDays = try number("requestAnswerDays") }
            try database.setCouncilSettings(settings, communityID: communityID, actor: Actor(account))
            return GardenContext.seeOther("/council?saved=1")
        } catch let error as CommunityError {
            return try renderDashboard(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func dashboardAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let communityID = try garden.communityID()
        struct Dashboard: Encodable {
            let counts: [String: Int]
            let mustSchedule: [String]
            let overdue: [String]
            let overdueMilestones: [String]
            let settings: CouncilSettings
            let meetingsPerYear: MeetingsPerYearReminder
        }
        return try JSONResponse.make(Dashboard(counts: try database.motionCountsByState(communityID: communityID),
                                               mustSchedule: try database.motionsToSchedule(communityID: communityID).map(\.motion.number),
                                               overdue: try database.motions(communityID: communityID, filter: MotionFilter(overdueOnly: true)).map(\.motion.number),
                                               overdueMilestones: try database.overdueMilestones(communityID: communityID).map { "\($0.motionNumber): \($0.milestone.title) (\($0.milestone.due))" },
                                               settings: try database.councilSettings(communityID: communityID),
                                               meetingsPerYear: try database.meetingsPerYearReminder(communityID: communityID)))
    }

    // MARK: Calendar

    @Sendable func calendar(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderCalendar(request: request, context: context)
    }

    func renderCalendar(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let year = request.uri.queryParameters["year"].flatMap { Int($0) } ?? CivilDate.today().year
        let calendar = try database.workingCalendar(communityID: try garden.communityID())
        var data: [String: Any] = [
            "year": year, "previous": year - 1, "next": year + 1,
            "computed": calendar.isUnconfirmed(year: year) && OfficialHolidays.years.contains(year),
            "noData": !OfficialHolidays.years.contains(year),
            "confirmable": calendar.isUnconfirmed(year: year) && OfficialHolidays.years.contains(year) && garden.isCommittee(context),
            "days": calendar.listed(year: year).map { day in
                ["date": day.date.description, "kind": context.locale.text("c_day_\(day.kind.rawValue)"), "name": day.name,
                 "official": day.official && !day.computed, "computedDay": day.computed,
                 "weekday": context.locale.text("c_weekday_\(WorkingCalendar.weekday(day.date))")] as [String: Any]
            },
            "canEdit": garden.isCommittee(context),
        ]
        if let error { data["error"] = error }
        return try renderer.page("council_calendar", title: context.locale.text("c_calendar"), data: data, request: request, context: context, status: status)
    }

    @Sendable func setDay(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let date = CivilDate(form["date"] ?? "") else { throw CommunityError.invalid(field: "date", reason: "a date (YYYY-MM-DD)") }
            if form["kind"] == "remove" {
                try database.removeCalendarDay(communityID: try garden.communityID(), date: date, actor: Actor(account))
            } else {
                guard let kind = WorkingCalendar.DayKind(rawValue: form["kind"] ?? "") else { throw CommunityError.invalid(field: "kind", reason: "holiday, workday or normal") }
                try database.setCalendarDay(communityID: try garden.communityID(), date: date, kind: kind, name: form["name"] ?? "", actor: Actor(account))
            }
            return GardenContext.seeOther("/council/calendar?year=\(date.year)")
        } catch let error as CommunityError {
            return try renderCalendar(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func confirmYear(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let year = Int((form["year"] ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: "year", reason: "a year") }
            try database.confirmCalendarYear(communityID: try garden.communityID(), year: year, source: form["source"] ?? "", actor: Actor(account))
            return GardenContext.seeOther("/council/calendar?year=\(year)")
        } catch let error as CommunityError {
            return try renderCalendar(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Workflow

    @Sendable func workflow(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderWorkflow(request: request, context: context)
    }

    func renderWorkflow(json: String? = nil, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let workflow = try database.motionWorkflow(communityID: try garden.communityID())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let current = String(decoding: try encoder.encode(workflow), as: UTF8.self)
        var data: [String: Any] = [
            "states": workflow.states.map { ["key": $0.key, "zh": $0.zh, "en": $0.en, "supportsOpen": $0.supportsOpen] as [String: Any] },
            "transitions": workflow.transitions.map { transition in
                ["action": transition.action, "label": GardenContext.zh(context) ? transition.zh : transition.en,
                 "from": transition.from.map { GardenContext.stateName(workflow, $0, context) }.joined(separator: "、"),
                 "to": GardenContext.stateName(workflow, transition.to, context), "by": context.locale.text("c_by_\(transition.by.rawValue)"),
                 "reason": transition.reasonRequired] as [String: Any]
            },
            "json": json ?? current, "canEdit": garden.isCommittee(context),
        ]
        if let error { data["error"] = error }
        return try renderer.page("council_workflow", title: context.locale.text("c_workflow"), data: data, request: request, context: context, status: status)
    }

    @Sendable func saveWorkflow(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        let text = form["workflow"] ?? ""
        do {
            let workflow: MotionWorkflow
            do { workflow = try JSONDecoder().decode(MotionWorkflow.self, from: Data(text.utf8)) } catch {
                throw CommunityError.invalid(field: "workflow", reason: "not a workflow in JSON (states and transitions, as shown): \(error.localizedDescription)")
            }
            try database.setMotionWorkflow(workflow, communityID: try garden.communityID(), actor: Actor(account))
            return GardenContext.seeOther("/council/workflow?saved=1")
        } catch let error as CommunityError {
            return try renderWorkflow(json: text, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Bodies

    @Sendable func members(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderMembers(request: request, context: context)
    }

    func renderMembers(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let communityID = try garden.communityID()
        var data: [String: Any] = [
            "bodies": try CouncilBody.allCases.map { body in
                ["key": body.rawValue, "name": GardenContext.zh(context) ? body.chinese : context.locale.text("c_body_\(body.rawValue)"),
                 "members": try database.bodyMembers(communityID: communityID, body: body).map {
                    ["id": $0.id, "name": $0.name, "building": $0.building, "since": $0.since.description] as [String: Any]
                 }] as [String: Any]
            },
            "canEdit": garden.isCommittee(context), "today": CivilDate.today().description,
        ]
        if let error { data["error"] = error }
        return try renderer.page("council_members", title: context.locale.text("c_members"), data: data, request: request, context: context, status: status)
    }

    @Sendable func addMember(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let body = CouncilBody(rawValue: form["body"] ?? "") else { throw CommunityError.invalid(field: "body", reason: "representatives or council") }
            let communityID = try garden.communityID()
            let resident = try database.resident(idNumber: (form["idNumber"] ?? "").trimmingCharacters(in: .whitespaces).uppercased(), communityID: communityID)
            try database.addBodyMember(communityID: communityID, body: body, residentID: resident.id!, since: CivilDate(form["since"] ?? "") ?? .today(), actor: Actor(account))
            return GardenContext.seeOther("/council/members")
        } catch let error as CommunityError {
            return try renderMembers(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func endMember(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let id = GardenContext.int64(context.parameters.get("member")) else { throw WebError.notFound }
            try database.endBodyMember(id: id, until: CivilDate(form["until"] ?? "") ?? .today(), actor: Actor(account))
            return GardenContext.seeOther("/council/members")
        } catch let error as CommunityError {
            return try renderMembers(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Household cards

    /// Issues access cards (for the listed households, or every household without one) and
    /// shows them once, ready to print: the election committee only, never while polling is open.
    @Sendable func householdCards(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        let numbers = (form["numbers"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "，" })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() }.filter { !$0.isEmpty }
        do {
            try database.refuseCardsWhilePolling(communityID: try garden.communityID())
            let cards = try database.issueHouseholdCodes(communityID: try garden.communityID(), numbers: numbers.isEmpty ? nil : numbers, actor: Actor(account))
            var response = try renderer.page("household_cards", title: context.locale.text("c_cards"), data: [
                "cards": cards.map { ["number": $0.householdNumber, "address": $0.address, "code": $0.code] }, "count": cards.count,
                "community": try garden.community().name,
            ], request: request, context: context)
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let error as CommunityError {
            return try renderDashboard(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }
}
