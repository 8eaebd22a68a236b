import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Elections and the voter roll: the committee's pages (set up, build, change, publish,
/// decide, print cards) and the public ones (masked roll, self-lookup, objections).
struct ElectionsController {
    let database: AppDatabase
    let renderer: PageRenderer
    let keys: KeyStore?
    let keyPassphrase: String?
    /// Anonymous objections: five per client address per hour (`RateLimit`).
    let objectionLimit = RateLimit(limit: 5, window: 60 * 60)
    static let committee = Roles.committee
    static let staff = Roles.staff
    /// Who may issue or re-issue voter cards and household cards (before polling only): the
    /// election committee — not clerks, not the administrator, whose accounts could otherwise
    /// make a card for someone else's name.
    static let cardIssuers = Roles.cardIssuers

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/elections", use: list)
        staff.get("/elections/:id", use: dashboard)
        staff.post("/elections/:id/roll/changes", use: change)
        staff.get("/elections/:id/roll/changes", use: changeReport)
        // The masked roll as a file is for staff (issue 22 #12); the public reads the posted page.
        staff.get("/elections/:id/roll.csv", use: rollCSV)
        staff.post("/elections/:id/applications", use: fileApplication)
        staff.post("/elections/:id/representatives", use: designateRepresentative)
        let committee = routes.only(Roles.committee)
        committee.post("/elections", use: create)
        committee.post("/elections/:id/announce", use: announce)
        committee.post("/elections/:id/roll/build", use: build)
        committee.post("/elections/:id/roll/publish", use: publish)
        committee.post("/elections/:id/election-day", use: moveDay)
        committee.post("/elections/:id/applications/:aid", use: decideApplication)
        // A community worker (d) is confirmed by the residents' election committee alone.
        routes.only(Roles.cardIssuers).post("/elections/:id/applications/:aid/confirm", use: confirmWorker)
        committee.post("/elections/:id/objections/:oid", use: decideObjection)
        committee.post("/elections/:id/groups", use: createGroup)
        committee.post("/elections/:id/groups/representatives", use: setGroupRepresentatives)
        routes.only(Roles.cardIssuers).post("/elections/:id/cards", use: cards)
        // Public: the published roll, and objections anyone may file (rate-limited when anonymous)
        let open = routes.open()
        open.get("/elections/:id/roll", use: publicRoll)
        open.get("/elections/:id/roll/lookup", use: lookup)
        open.get("/elections/:id/objections/new", use: objectionForm)
        open.post("/elections/:id/objections", use: fileObjection)
        open.get("/api/v1/elections/:id/roll", use: rollAPI)
        open.get("/api/v1/elections/:id/roll/lookup", use: lookupAPI)
        open.post("/api/v1/elections/:id/objections", use: objectionAPI)
        // The steps sign their election notices with the election key from the server's key store.
        if let keys { database.electionKeyring.use(keys, passphrase: keyPassphrase) }
        NoticesController(elections: self).addRoutes(to: routes)
        HandoverController(elections: self).addRoutes(to: routes)
        AnnulmentController(elections: self).addRoutes(to: routes)
        RecallController(elections: self).addRoutes(to: routes)
    }

    func community() throws -> Community { try database.servedCommunity() }

    func election(_ context: AppRequestContext) throws -> Election {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw WebError.notFound }
        let election = try database.election(id: id)
        guard election.communityID == (try community().id) else { throw WebError.notFound }
        return election
    }

    /// An election whose roll is public; others are not shown to the public at all.
    /// An election whose roll the public may read now (`rollIsPosted`): published and not yet
    /// certified. Staff read it at any time after publication.
    func publishedElection(_ context: AppRequestContext) throws -> Election {
        let election = try election(context)
        guard election.status.rollIsPublic else { throw WebError.notFound }
        if !(context.account?.has(anyOf: Roles.staff) ?? false), !(try database.rollIsPosted(election)) {
            throw WebError.gone(key: "roll_posting_over")
        }
        return election
    }

    static func today() -> CivilDate { CivilDate.today() }

    // MARK: Committee

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let elections = try database.elections(communityID: try community().id!).map(summary)
        return try renderer.page("elections", title: context.locale.text("elections_title"),
                                 data: ["elections": elections, "defaultDay": Self.today().adding(days: 40).description, "presets": presetChoices(context)],
                                 request: request, context: context)
    }

    /// The shipped rule presets for the new-election form: L25 (the default) first.
    func presetChoices(_ context: AppRequestContext, selected: String? = nil) -> [[String: Any]] {
        RulePreset.shipped.map { preset in
            ["id": preset.id, "name": context.locale == .zhHans ? preset.name : preset.english, "selected": preset.id == (selected ?? RulePreset.national.id)]
        }
    }

    func summary(_ election: Election) -> [String: Any] {
        ["id": election.id!, "title": election.title, "method": election.method.chinese, "electionDay": election.electionDay.description,
         "published": election.status.rollIsPublic, "publishedOn": election.rollPublishedOn?.description ?? ""]
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        guard let keys else { throw WebSetupError("no key store configured: elections cannot get a signing key") }
        do {
            guard let day = CivilDate(form["electionDay"] ?? "") else { throw CommunityError.invalid(field: "electionDay", reason: "a date (YYYY-MM-DD)") }
            guard let method = ElectionMethod(rawValue: form["method"] ?? "") else { throw CommunityError.invalid(field: "method", reason: "direct, household or representative") }
            // The rule set starts from the preset chosen (L25, the national model, by default).
            let rules = try RulePreset.named(form["preset"]?.nilIfEmpty ?? RulePreset.national.id).rules(method: method)
            let election = try database.createElection(communityID: try community().id!, title: form["title"] ?? "", method: method, electionDay: day, rules: rules,
                                                       keyStore: keys, keyPassphrase: keyPassphrase, actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)"])
        } catch let error as CommunityError {
            let elections = try database.elections(communityID: try community().id!).map(summary)
            return try renderer.page("elections", title: context.locale.text("elections_title"),
                                     data: ["elections": elections, "error": error.description, "title": form["title"] ?? "", "defaultDay": form["electionDay"] ?? "",
                                            "presets": presetChoices(context, selected: form["preset"])],
                                     request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderDashboard(try election(context), request: request, context: context)
    }

    func renderDashboard(_ election: Election, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                         status: HTTPResponse.Status = .ok) throws -> Response {
        let today = Self.today()
        let counts = try database.rollCounts(electionID: election.id!)
        var byCategory: [[String: Any]] = []
        for category in RegistrationCategory.allCases {
            if let count = counts.active[category], count > 0 { byCategory.append(["category": category.rawValue, "label": context.locale == .zhHans ? category.chinese : category.english, "count": count]) }
        }
        let applications: [[String: Any]] = try database.rollApplicationsWithNames(electionID: election.id!).map { item in
            let application = item.application
            let en = context.locale != .zhHans
            let pending = application.status == .pending
            return ["id": application.id!, "name": item.name, "category": application.category.rawValue,
                    "categoryLabel": en ? application.category.english : application.category.chinese,
                    "status": context.locale.text("application_status_\(application.status.rawValue)"), "pending": pending,
                    "decidedBy": application.decidedBy ?? "", "decidedOn": application.decidedOn?.description ?? "",
                    "basis": application.basis.map { en ? $0.english : $0.chinese } ?? "",
                    "reference": application.decisionReference ?? "", "recordedBy": application.recordedBy ?? "", "reason": application.reason ?? "",
                    "statement": application.statementNotRegisteredElsewhere,
                    "meetingDecision": pending && application.category == .c, "committeeConfirmation": pending && application.category == .d,
                    "canConfirm": pending && application.category == .d && (context.account?.has(anyOf: Self.cardIssuers) ?? false)]
        }
        let rules = election.rules
        let objections: [[String: Any]] = try database.objections(electionID: election.id!).map { objection in
            ["id": objection.id!, "seq": objection.seq, "filedOn": objection.filedOn.description, "filer": objection.filerName,
             "kind": objection.kind.chinese, "subject": objection.subject, "statement": objection.statement, "status": objection.status.rawValue,
             "pending": objection.status == .pending, "due": objection.decisionDue(rules: rules).description,
             "overdue": objection.status == .pending && objection.decisionDue(rules: rules) < today, "decision": objection.decision ?? ""]
        }
        var data: [String: Any] = [
            "election": summary(election), "rollBuilt": election.rollBuilt, "preparing": election.status == .preparing,
            "entries": counts.totalActive, "removed": counts.removed, "byCategory": byCategory,
            "deadline": election.rollPublicationDeadline.description, "late": election.rollPublishedLate,
            "pastDeadline": today > election.rollPublicationDeadline && election.status == .preparing,
            "earliestDay": today.adding(days: rules.rollPublicationDays).description,
            "objectionDeadline": election.objectionDeadline?.description ?? "", "applications": applications, "objections": objections,
            "residentApproval": context.locale != .zhHans ? rules.residentApproval.english : rules.residentApproval.chinese,
            "applicationCategories": [RegistrationCategory.b, .c, .d].map { ["value": $0.rawValue, "label": context.locale != .zhHans ? $0.english : $0.chinese] },
            "reasons": RollChangeReason.allCases.filter { $0 != .objectionUpheld }.map { ["value": $0.rawValue, "label": $0.chinese, "adds": $0.adds] },
            "rules": ["votingAge": rules.votingAge, "residenceMonths": rules.residenceMonths, "workerMonths": rules.workerMonths,
                      "rollPublicationDays": rules.rollPublicationDays, "objectionDays": rules.objectionDays, "objectionDecisionDays": rules.objectionDecisionDays],
        ]
        let overdue = objections.filter { $0["overdue"] as? Bool == true }.count
        if overdue > 0 { data["overdueCount"] = overdue }
        let timeline = ElectionTimeline(election: election)
        let english = context.locale != .zhHans
        data["timeline"] = timeline.steps.map { step -> [String: Any] in
            var item: [String: Any] = ["title": english ? step.english : step.chinese, "date": step.date.description,
                                       "action": step.kind == .action, "late": step.isLate(today: today), "next": step.key == timeline.nextAction?.key]
            item["doneOn"] = step.doneOn?.description
            return item
        }
        if let next = timeline.nextAction {
            data["nextAction"] = ["title": english ? next.english : next.chinese, "date": next.date.description,
                                  "days": today.days(until: next.date), "overdue": next.date < today] as [String: Any]
        }
        // After the timeline's own steps, election day's: polling, counting, later rounds, certifying, handover.
        if timeline.nextAction == nil {
            let day = try database.electionDayStatus(electionID: election.id!, today: today)
            if let task = day.tasks.first {
                data["dayTask"] = ["text": ElectionDayController.taskText(task, context.locale), "overdue": day.overdue(today: today).contains(task),
                                   "electionID": election.id!] as [String: Any]
            }
        }
        data["lateSteps"] = timeline.late(today: today).map { english ? $0.english : $0.chinese }.joined(separator: "、").nilIfEmpty
        data["announced"] = election.announcedOn?.description
        data["mayIssueCards"] = context.account?.has(anyOf: Self.cardIssuers) ?? false
        data["rulesDigest"] = election.rulesDigest
        data["keyFingerprint"] = try database.electionKeyFingerprint(electionID: election.id!)
        data["candidatesPublished"] = election.status == .candidatesPublished
        data["householdMethod"] = election.method == .household
        data["representativeMethod"] = election.method == .representative
        data["groups"] = try database.residentsGroups(communityID: election.communityID, electionID: election.id!).map {
            ["name": $0.group.name, "representatives": $0.representatives.joined(separator: "、")] as [String: Any]
        }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("election", title: election.title, data: data, request: request, context: context, status: status)
    }

    /// Runs an action (its route's role group let the account in) and shows the dashboard with
    /// its outcome or its error.
    func act(_ request: Request, _ context: AppRequestContext,
             _ action: (Election, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let notice = try action(election, account, form)
            return try renderDashboard(try database.election(id: election.id!), notice: notice, request: request, context: context)
        } catch let error as CommunityError {
            return try renderDashboard(try database.election(id: election.id!), error: error.description, request: request, context: context, status: .unprocessableContent)
        } catch let error as NotaryError {
            return try renderDashboard(try database.election(id: election.id!), error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func announce(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, _ in
            let announced = try database.announceElection(electionID: election.id!, on: Self.today(), actor: Actor(account))
            return context.locale.text("done_announced", ["date": announced.announcedOn!])
        }
    }

    @Sendable func build(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, _ in
            let summary = try database.buildRoll(electionID: election.id!, actor: Actor(account))
            let left = summary.ineligible.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.chinese) \($0.value)" }.joined(separator: "；")
            return (["选民名单已生成 Roll built: \(summary.entries)"] + (left.isEmpty ? [] : ["未列入 Not listed: \(left)"]) + summary.warnings).joined(separator: "\n")
        }
    }

    @Sendable func publish(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let published = try database.publishRoll(electionID: election.id!, on: Self.today(), actor: Actor(account))
            return context.locale.text("done_roll_published", ["date": published.rollPublishedOn!])
        }
    }

    /// Moves election day (before the roll is published): the way out of a roll that can no
    /// longer be published 20 days ahead. The roll must then be built again.
    @Sendable func moveDay(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let day = CivilDate(form["electionDay"] ?? "") else { throw CommunityError.invalid(field: "electionDay", reason: "a date YYYY-MM-DD") }
            let moved = try database.moveElectionDay(electionID: election.id!, to: day, today: Self.today(), reason: form["reason"] ?? "", actor: Actor(account))
            return context.locale.text("done_day_moved", ["date": moved.electionDay])
        }
    }

    @Sendable func change(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let reason = RollChangeReason(rawValue: form["reason"] ?? "") else { throw CommunityError.invalid(field: "reason", reason: "choose a reason") }
            let resident = try database.resident(idNumber: form["idNumber"] ?? "", communityID: election.communityID)
            try database.changeRoll(electionID: election.id!, residentID: resident.id!, reason: reason, on: Self.today(), note: form["note"]?.nilIfEmpty, actor: Actor(account))
            return "\(reason.adds ? "已增加 Added" : "已减少 Removed"): \(resident.name) (\(reason.chinese))"
        }
    }

    @Sendable func fileApplication(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let category = RegistrationCategory(rawValue: form["category"] ?? ""), category != .a else {
                throw CommunityError.invalid(field: "category", reason: "b, c or d")
            }
            let resident = try database.resident(idNumber: form["idNumber"] ?? "", communityID: election.communityID)
            try database.fileRollApplication(RollApplication(electionID: election.id!, residentID: resident.id!, category: category, appliedOn: Self.today(),
                                                             statementNotRegisteredElsewhere: form["statement"] == "yes"), actor: Actor(account))
            return context.locale.text("done_application", ["name": resident.name, "category": category.rawValue])
        }
    }

    @Sendable func decideApplication(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { _, account, form in
            guard let id = context.parameters.get("aid").flatMap(Int64.init) else { throw CommunityError.notFound("application") }
            try database.decideRollApplication(id: id, approved: form["decision"] == "approve", decidedBy: form["decidedBy"] ?? "",
                                               reference: form["reference"] ?? "", on: Self.today(), reason: form["reason"]?.nilIfEmpty, actor: Actor(account))
            return context.locale.text("application_decided")
        }
    }

    /// The residents' election committee confirms (or refuses) a community worker's (d) application.
    @Sendable func confirmWorker(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { _, account, form in
            guard let id = context.parameters.get("aid").flatMap(Int64.init) else { throw CommunityError.notFound("application") }
            let confirmed = form["decision"] == "confirm"
            try database.confirmCommunityWorker(applicationID: id, confirmed: confirmed, reference: form["reference"] ?? "", on: Self.today(),
                                                reason: form["reason"]?.nilIfEmpty, actor: Actor(account))
            return context.locale.text(confirmed ? "worker_confirmed" : "worker_refused")
        }
    }

    @Sendable func decideObjection(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let id = context.parameters.get("oid").flatMap(Int64.init) else { throw CommunityError.notFound("objection") }
            let upheld = form["decision"] == "uphold"
            var residentID: Int64?
            if upheld, let idNumber = form["idNumber"]?.nilIfEmpty {
                residentID = try database.resident(idNumber: idNumber, communityID: election.communityID).id
            }
            try database.decideObjection(id: id, upheld: upheld, reason: form["reason"] ?? "", residentID: residentID, on: Self.today(),
                                         decidedBy: "选举委员会 (\(account.displayName))", actor: Actor(account))
            return upheld ? "异议成立 Objection upheld" : "异议不成立 Objection dismissed"
        }
    }

    @Sendable func designateRepresentative(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let household = try database.household(number: form["household"] ?? "", communityID: election.communityID) else {
                throw CommunityError.notFound("household \(form["household"] ?? "")")
            }
            let resident = try database.resident(idNumber: form["idNumber"] ?? "", communityID: election.communityID)
            try database.designateHouseholdRepresentative(electionID: election.id!, householdID: household.id!, residentID: resident.id!, actor: Actor(account))
            return context.locale.text("done_representative", ["household": household.number, "name": resident.name])
        }
    }

    @Sendable func createGroup(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let group = try database.createResidentsGroup(communityID: election.communityID, name: form["name"] ?? "", actor: Actor(account))
            return context.locale.text("done_group", ["name": group.name])
        }
    }

    @Sendable func setGroupRepresentatives(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let group = try database.residentsGroup(communityID: election.communityID, name: form["group"] ?? "")
            let numbers = (form["idNumbers"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0.isWhitespace }).map(String.init)
            let residents = try numbers.map { try database.resident(idNumber: $0, communityID: election.communityID) }
            try database.setGroupRepresentatives(electionID: election.id!, groupID: group.id!, residentIDs: residents.map { $0.id! }, actor: Actor(account))
            return "\(group.name): \(residents.map(\.name).joined(separator: "、"))"
        }
    }

    @Sendable func changeReport(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try election(context)
        let changes: [[String: Any]] = try database.rollChanges(electionID: election.id!).map { item in
            ["on": item.change.changedOn.description, "number": item.line.number, "name": item.line.name, "maskedID": item.line.maskedID,
             "reason": item.change.reason.chinese, "adds": item.change.reason.adds && item.line.active, "note": item.change.note ?? ""]
        }
        return try renderer.page("roll_changes", title: context.locale.text("roll_changes_title"), data: ["election": summary(election), "changes": changes],
                                 request: request, context: context)
    }

    @Sendable func cards(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try election(context)
        let form = try await FormFields.read(request, context: context)
        let numbers = (form["numbers"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Int($0) }
        do {
            let cards = try database.issueVoterCards(electionID: election.id!, numbers: numbers.isEmpty ? nil : numbers, actor: Actor(account))
            let data: [String: Any] = [
                "election": summary(election), "householdMethod": election.method == .household,
                "cards": cards.map { ["number": $0.number, "name": $0.name, "code": $0.accessCode, "householdNumber": $0.householdNumber,
                                      "address": [$0.building, $0.unit, $0.room].filter { !$0.isEmpty }.joined(separator: " ")] as [String: Any] },
            ]
            return try renderer.page("voter_cards", title: context.locale.text("cards_title"), data: data, request: request, context: context)
        } catch let error as CommunityError {
            return try renderDashboard(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Public

    func groupedRoll(_ election: Election, locale: AppLocale) throws -> [[String: Any]] {
        let lines = try database.rollLines(electionID: election.id!)
        var groups: [(key: String, lines: [RollLine])] = []
        for line in lines {
            let key = [line.building, line.unit].filter { !$0.isEmpty }.joined(separator: " ")
            if groups.last?.key == key { groups[groups.count - 1].lines.append(line) } else { groups.append((key, [line])) }
        }
        return groups.map { group in
            ["place": group.key.isEmpty ? "—" : group.key, "lines": group.lines.map { line in
                ["number": line.number, "name": line.name, "gender": locale == .zhHans ? line.gender.chinese : (line.gender == .male ? "M" : "F"),
                 "maskedID": line.maskedID, "room": line.room, "category": line.category.rawValue,
                 "registration": line.registration.map { locale == .zhHans ? $0.chinese : $0.english } ?? "",
                 "active": line.active, "removed": line.removedReason.flatMap(RollChangeReason.init(rawValue:))?.chinese ?? ""] as [String: Any]
            }] as [String: Any]
        }
    }

    @Sendable func publicRoll(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        let community = try community()
        let groups = try groupedRoll(election, locale: context.locale)
        let counts = try database.rollCounts(electionID: election.id!)
        let data: [String: Any] = [
            "election": summary(election), "community": community.name, "groups": groups,
            "count": counts.totalActive,
            "byCategory": RegistrationCategory.allCases.map { category -> [String: Any] in
                ["category": category.rawValue, "label": context.locale == .zhHans ? category.chinese : category.english, "count": counts.active[category] ?? 0]
            },
            "objectionDeadline": election.objectionDeadline?.description ?? "",
            "objectionsOpen": (election.objectionDeadline.map { Self.today() <= $0 }) ?? false,
        ]
        return try renderer.page("roll_public", title: "\(election.title) · \(context.locale.text("roll_title"))", data: data, request: request, context: context)
    }

    /// The published roll as a CSV file, masked like the page.
    @Sendable func rollCSV(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        let data = RollCSV.render(try database.rollLines(electionID: election.id!))
        return CSVResponse.make(data, fileName: "roll-\(election.id!).csv")
    }

    @Sendable func lookup(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        var data: [String: Any] = ["election": summary(election)]
        let name = request.uri.queryParameters.get("name") ?? ""
        let last4 = request.uri.queryParameters.get("last4") ?? ""
        data["name"] = name
        data["last4"] = last4
        if !name.isEmpty || !last4.isEmpty {
            do {
                let found = try database.lookUpRoll(electionID: election.id!, name: name, idLast4: last4)
                data["searched"] = true
                data["found"] = found.map { ["number": $0.number, "name": $0.name, "maskedID": $0.maskedID, "active": $0.active,
                                             "category": $0.category.rawValue,
                                             "registration": $0.registration.map { context.locale == .zhHans ? $0.chinese : $0.english } ?? "",
                                             "place": [$0.building, $0.unit, $0.room].filter { !$0.isEmpty }.joined(separator: " ")] as [String: Any] }
            } catch let error as CommunityError {
                data["error"] = error.description
            }
        }
        return try renderer.page("roll_lookup", title: context.locale.text("lookup_title"), data: data, request: request, context: context)
    }

    @Sendable func objectionForm(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        return try renderer.page("objection_new", title: context.locale.text("objection_title"),
                                 data: ["election": summary(election), "kinds": Objection.Kind.allCases.map { ["value": $0.rawValue, "label": $0.chinese] },
                                        "deadline": election.objectionDeadline?.description ?? ""], request: request, context: context)
    }

    func signingKey(for election: Election) throws -> Ed25519PrivateKey {
        guard let keys else { throw WebSetupError("no key store configured: receipts cannot be signed") }
        return try SigningKeyCache.shared.key(keys.privateKeyURL(keyID: election.keyID).path) {
            try keys.load(keyID: election.keyID, passphrase: keyPassphrase)
        }
    }

    @Sendable func fileObjection(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        if context.account == nil { try await objectionLimit.admit(context.clientAddress) }
        let form = try await FormFields.read(request, context: context)
        do {
            guard let kind = Objection.Kind(rawValue: form["kind"] ?? "") else { throw CommunityError.invalid(field: "kind", reason: "choose what the objection is about") }
            let (objection, receipt) = try database.fileObjection(
                electionID: election.id!, NewObjection(filerName: form["filerName"] ?? "", filerContact: form["filerContact"], kind: kind,
                                                      subject: form["subject"] ?? "", statement: form["statement"] ?? ""),
                signingKey: try signingKey(for: election), actor: context.account.map(Actor.init) ?? .anonymous)
            let data: [String: Any] = [
                "election": summary(election), "seq": objection.seq, "tracking": objection.tracking, "filedAt": ReadableTime.text(objection.filedAt, context.locale),
                "compact": receipt.compactText, "keyID": receipt.statement.key,
                "due": objection.decisionDue(rules: election.rules).description,
                "receiptJSON": String(decoding: receipt.jsonRepresentation, as: UTF8.self),
            ]
            return try renderer.page("objection_receipt", title: context.locale.text("receipt_title"), data: data, request: request, context: context, status: .created)
        } catch let error as CommunityError {
            var data: [String: Any] = ["election": summary(election), "error": error.description,
                                       "kinds": Objection.Kind.allCases.map { ["value": $0.rawValue, "label": $0.chinese, "selected": $0.rawValue == form["kind"]] },
                                       "deadline": election.objectionDeadline?.description ?? ""]
            for key in ["filerName", "filerContact", "subject", "statement"] { data[key] = form[key] ?? "" }
            return try renderer.page("objection_new", title: context.locale.text("objection_title"), data: data, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: API

    struct PublicLine: Encodable {
        let number: Int
        let name: String
        let gender: String
        let maskedID: String
        let building: String
        let unit: String
        let room: String
        let active: Bool
        let removedReason: String?
        /// Registration category a–d (election-rules.md §3).
        let category: String
        /// How a b, c or d voter came onto the roll; absent for a.
        let registration: PublicRegistration?
        init(_ line: RollLine) {
            number = line.number; name = line.name; gender = line.gender.rawValue; maskedID = line.maskedID
            building = line.building; unit = line.unit; room = line.room; active = line.active; removedReason = line.removedReason
            category = line.category.rawValue; registration = line.registration.map(PublicRegistration.init)
        }
    }

    /// The registration basis of a roll line in the API.
    struct PublicRegistration: Encodable {
        /// statement (b) | onApplication (c, residentApproval = none) | residentsMeeting (c, meeting) | electionCommittee (d).
        let approval: String
        let decidedBy: String?
        let decidedOn: String?
        let reference: String?
        let statementNotRegisteredElsewhere: Bool
        init(_ registration: RollRegistration) {
            approval = registration.approval.rawValue; decidedBy = registration.decidedBy; decidedOn = registration.decidedOn?.description
            reference = registration.reference; statementNotRegisteredElsewhere = registration.statementNotRegisteredElsewhere
        }
    }

    struct PublicRoll: Encodable {
        let election: Int64
        let title: String
        let electionDay: String
        let publishedOn: String
        let entries: [PublicLine]
    }

    @Sendable func rollAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        return try JSONResponse.make(PublicRoll(election: election.id!, title: election.title, electionDay: election.electionDay.description,
                                                publishedOn: election.rollPublishedOn?.description ?? "",
                                                entries: try database.rollLines(electionID: election.id!).map(PublicLine.init)))
    }

    @Sendable func lookupAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        let found = try database.lookUpRoll(electionID: election.id!, name: request.uri.queryParameters.get("name") ?? "",
                                            idLast4: request.uri.queryParameters.get("last4") ?? "")
        return try JSONResponse.make(found.map(PublicLine.init))
    }

    struct ObjectionRequest: Decodable {
        let filerName: String
        let filerContact: String?
        let kind: String
        let subject: String
        let statement: String
    }

    @Sendable func objectionAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try publishedElection(context)
        if context.account == nil { try await objectionLimit.admit(context.clientAddress) }
        var request = request
        let input = try await request.decodeJSON(ObjectionRequest.self, context: context, expected: "a JSON object with filerName, kind, subject, statement")
        guard let kind = Objection.Kind(rawValue: input.kind) else {
            throw WebError.badRequest(field: "kind", reason: Objection.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let (objection, receipt) = try database.fileObjection(
            electionID: election.id!, NewObjection(filerName: input.filerName, filerContact: input.filerContact, kind: kind, subject: input.subject, statement: input.statement),
            signingKey: try signingKey(for: election), actor: context.account.map(Actor.init) ?? .anonymous)
        return try JSONResponse.make(ReceiptResponse(seq: objection.seq, receipt), status: .created)
    }
}
