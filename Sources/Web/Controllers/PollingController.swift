import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Polling day for the committee and clerks: rounds, stations and boxes, paper accounting,
/// check-in (proxies, assisted marking, mobile boxes), proxies and their public list, box
/// closing with the tellers' count, double entry of paper ballots, signed count sheets.
struct PollingController {
    /// The elections controller: finding an election, its summary, its signing key.
    let elections: ElectionsController
    /// Signing a count sheet checks a scrutineer's password: throttled like a login, per account
    /// and per address (one throttle per application).
    let countSheetThrottle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 30)
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/elections/:id/polling", use: pollingPage)
        staff.post("/elections/:id/rounds/:rid/papers", use: recordPapers)
        staff.get("/elections/:id/rounds/:rid/check-in", use: checkInPage)
        staff.post("/elections/:id/rounds/:rid/check-in", use: checkIn)
        staff.post("/elections/:id/rounds/:rid/check-in/proxy", use: checkInProxy)
        staff.get("/elections/:id/proxies", use: proxiesPage)
        staff.post("/elections/:id/proxies", use: fileProxy)
        staff.get("/elections/:id/boxes/:bid", use: boxPage)
        staff.post("/elections/:id/boxes/:bid/hand-count", use: handCount)
        staff.post("/elections/:id/boxes/:bid/entries", use: enterPaper)
        staff.get("/api/v1/elections/:id/rounds", use: roundsAPI)
        staff.post("/api/v1/elections/:id/check-ins", use: checkInAPI)
        staff.post("/api/v1/elections/:id/boxes/:bid/entries", use: entryAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/elections/:id/polling/open", use: openRounds)
        committee.post("/elections/:id/stations", use: addStation)
        committee.post("/elections/:id/rounds/:rid/boxes", use: addBox)
        committee.post("/elections/:id/rounds/:rid/close", use: closeRound)
        committee.post("/elections/:id/proxies/publish", use: publishProxies)
        committee.post("/elections/:id/proxies/:pid/revoke", use: revokeProxy)
        committee.post("/elections/:id/boxes/:bid/hand-count/correct", use: correctHandCount)
        committee.post("/elections/:id/boxes/:bid/decide", use: decidePaper)
        committee.post("/elections/:id/boxes/:bid/close", use: closeBox)
        committee.post("/elections/:id/boxes/:bid/open", use: openSealedBox)
        committee.post("/api/v1/elections/:id/boxes/:bid/open", use: openSealedBoxAPI)
        committee.post("/elections/:id/boxes/:bid/count-sheet/sign", use: signCountSheet)
        committee.post("/api/v1/elections/:id/boxes/:bid/count-sheet/signatures", use: signCountSheetAPI)
        // Public: a closed round's count (409 to everyone while it is open), the proxy list
        let open = routes.open()
        open.get("/elections/:id/rounds/:rid/result", use: resultPage)
        open.get("/api/v1/elections/:id/rounds/:rid/result", use: resultAPI)
        open.get("/elections/:id/proxies/list", use: publicProxies)
    }

    static func today() -> CivilDate { CivilDate.today() }
    var staff: Set<Role> { ElectionsController.staff }
    var committee: Set<Role> { ElectionsController.committee }

    func round(_ context: AppRequestContext, _ election: Election) throws -> PollingRound {
        guard let id = context.parameters.get("rid").flatMap(Int64.init) else { throw WebError.notFound }
        return try database.round(id: id, electionID: election.id!)
    }

    func box(_ context: AppRequestContext, _ election: Election) throws -> (box: BallotBox, round: PollingRound) {
        guard let id = context.parameters.get("bid").flatMap(Int64.init) else { throw WebError.notFound }
        return try database.box(id: id, electionID: election.id!)
    }

    // MARK: Polling overview

    @Sendable func pollingPage(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderPolling(try elections.election(context), request: request, context: context)
    }

    func renderPolling(_ election: Election, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                       status: HTTPResponse.Status = .ok) throws -> Response {
        let id = election.id!
        let stations = try database.stations(electionID: id)
        let rounds = try database.rounds(electionID: id).map { round -> [String: Any] in
            let counts = try database.checkInCounts(roundID: round.id!)
            let accounts = try database.paperAccounts(roundID: round.id!)
            return [
                "id": round.id!, "number": round.number, "kind": round.kind.chinese, "open": round.status == .open, "electronic": round.electronic,
                "digest": round.paperDigest,
                "issued": counts.values.reduce(0, +),
                "methods": CheckInMethod.allCases.map { ["label": $0.chinese, "count": counts[$0] ?? 0] as [String: Any] },
                "boxes": try database.boxes(roundID: round.id!).map { status -> [String: Any] in
                    ["id": status.box.id!, "number": status.box.number, "name": status.box.name, "kind": status.box.kind.chinese,
                     "station": status.stationName, "status": context.locale.text("box_\(status.box.status.rawValue)"),
                     "issued": status.issued, "logged": status.logged, "handCount": status.box.handCount.map(String.init) ?? "—",
                     "scrutineers": status.scrutineers.isEmpty ? false : status.scrutineers.joined(separator: "、")]
                },
                "accounts": accounts.map { item -> [String: Any] in
                    ["station": item.station.name, "received": item.account.received, "issued": item.account.issued, "spoiled": item.account.spoiled,
                     "returned": item.account.returned, "unaccounted": item.account.unaccounted, "short": item.account.unaccounted < 0]
                },
            ]
        }
        var data: [String: Any] = [
            "election": elections.summary(election), "rounds": rounds, "noRounds": rounds.isEmpty,
            "canOpen": rounds.isEmpty && election.status == .candidatesPublished,
            "stations": stations.map { ["id": $0.id!, "name": $0.name, "kind": $0.kind.chinese] as [String: Any] },
            "hasStations": !stations.isEmpty,
            "stationKinds": PollingStation.Kind.allCases.map { ["value": $0.rawValue, "label": $0.chinese] },
            "movements": PaperMovement.allCases.map { ["value": $0.rawValue, "label": $0.chinese] },
            "scrutineersNeeded": election.rules.mobileBoxScrutineers,
            "voting": TerminalController.notice(election, place: nil, locale: context.locale),
        ]
        data["proxyListPublished"] = election.proxyListPublishedOn?.description
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("polling", title: "\(election.title) · \(context.locale.text("polling_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    func act(_ request: Request, _ context: AppRequestContext,
             _ action: (Election, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            return try renderPolling(try database.election(id: election.id!), notice: try action(election, account, form), request: request, context: context)
        } catch let error as CommunityError {
            return try renderPolling(try database.election(id: election.id!), error: error.description, request: request, context: context,
                                     status: .unprocessableContent)
        }
    }

    @Sendable func openRounds(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let rounds = try database.openMainRounds(electionID: election.id!, communityName: try database.servedCommunity().name,
                                                     electronic: form["electronic"] == "yes", signingKey: try elections.signingKey(for: election),
                                                     actor: Actor(account))
            return context.locale.text("done_polling_open", ["count": rounds.count])
        }
    }

    @Sendable func addStation(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let kind = PollingStation.Kind(rawValue: form["kind"] ?? "") else { throw CommunityError.invalid(field: "kind", reason: "central or branch") }
            let station = try database.addStation(electionID: election.id!, name: form["name"] ?? "", kind: kind, actor: Actor(account))
            return "\(station.kind.chinese): \(station.name)"
        }
    }

    @Sendable func addBox(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let round = try round(context, election)
            guard let kind = BallotBox.Kind(rawValue: form["kind"] ?? ""), let stationID = Int64(form["station"] ?? "") else {
                throw CommunityError.invalid(field: "kind", reason: "choose the station and the kind of box")
            }
            let numbers = (form["scrutineers"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0.isWhitespace }).map(String.init)
            let scrutineers = try numbers.map { try database.resident(idNumber: $0, communityID: election.communityID).id! }
            let box = try database.addBox(roundID: round.id!, stationID: stationID, name: form["name"] ?? "", kind: kind,
                                          scrutineers: scrutineers, actor: Actor(account))
            return context.locale.text("done_box_added", ["number": box.number, "name": box.name])
        }
    }

    @Sendable func recordPapers(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let round = try round(context, election)
            guard let movement = PaperMovement(rawValue: form["kind"] ?? ""), let stationID = Int64(form["station"] ?? "") else {
                throw CommunityError.invalid(field: "kind", reason: "choose the station and what happened")
            }
            guard let count = Int((form["count"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "count", reason: "a number of papers")
            }
            try database.recordPapers(roundID: round.id!, stationID: stationID, movement, count: count, note: form["note"], actor: Actor(account))
            return "\(movement.chinese): \(count)"
        }
    }

    @Sendable func closeRound(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            try Confirmation.require(form, context.locale)
            let round = try round(context, election)
            try database.closeRound(roundID: round.id!, electionID: election.id!, actor: Actor(account))
            return context.locale.text("done_round_closed", ["round": round.number])
        }
    }

    // MARK: Result of a round

    /// A round's result: public once the round is closed; before, nobody sees it (409), staff
    /// included (`AppDatabase.countedRound`).
    func result(_ context: AppRequestContext) throws -> (Election, RoundResult) {
        let election = try elections.election(context)
        let round = try round(context, election)
        return (election, try database.countedRound(roundID: round.id!, electionID: election.id!))
    }

    @Sendable func resultPage(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, result) = try result(context)
        let english = context.locale != .zhHans
        let name: (Int64) -> String = { result.names[$0] ?? "#\($0)" }
        let elected = Set(result.outcome.elected.values.flatMap { $0 })
        let data: [String: Any] = [
            "election": elections.summary(election), "round": result.round.number, "kind": result.round.kind.chinese,
            "provisional": result.provisional, "issued": result.issued, "collected": result.count.collected, "rollSize": result.rollSize,
            "invalid": result.count.invalid, "blank": result.count.blank, "voided": result.count.voided, "valid": result.outcome.valid,
            "final": result.outcome.isFinal,
            "posts": result.paper.sections.map { section -> [String: Any] in
                let votes = (result.count.votes[section.post] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                return ["title": english ? section.post.english : section.title, "seats": section.seats,
                        "voidPosts": result.count.voidPosts[section.post] ?? 0,
                        "lines": votes.map { ["name": name($0.key), "votes": $0.value, "elected": elected.contains($0.key)] as [String: Any] }]
            },
            "steps": result.outcome.steps.map { english ? $0.english(name) : $0.chinese(name) },
        ]
        return try renderer.page("round_result", title: "\(election.title) · \(context.locale.text("result_title"))", data: data, request: request, context: context)
    }

    struct ResultDocument: Encodable {
        let round: Int
        let kind: String
        let provisional: Bool
        let valid: Bool
        let issued: Int
        let collected: Int
        let rollSize: Int
        let invalid: Int
        let blank: Int
        let voided: Int
        let votes: [String: [String: Int]]
        let elected: [String: [Int64]]
        let steps: [TallyStep]
        let next: [String]
    }

    @Sendable func resultAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (_, result) = try result(context)
        return try JSONResponse.make(ResultDocument(
            round: result.round.number, kind: result.round.kind.rawValue, provisional: result.provisional, valid: result.outcome.valid,
            issued: result.issued, collected: result.count.collected, rollSize: result.rollSize, invalid: result.count.invalid, blank: result.count.blank,
            voided: result.count.voided,
            votes: Dictionary(uniqueKeysWithValues: result.count.votes.map { post, votes in (post.rawValue, Dictionary(uniqueKeysWithValues: votes.map { (String($0.key), $0.value) })) }),
            elected: Dictionary(uniqueKeysWithValues: result.outcome.elected.map { ($0.key.rawValue, $0.value) }),
            steps: result.outcome.steps,
            next: result.outcome.next.map { next in
                switch next {
                case .tieBreak(let post, let persons, let seats): return "tieBreak \(post.rawValue) \(seats) among \(persons.map(String.init).joined(separator: ","))"
                case .runoff(let post, let persons, let seats): return "runoff \(post.rawValue) \(seats) among \(persons.map(String.init).joined(separator: ","))"
                case .womenOnly(_, let seats): return "womenOnly member \(seats)"
                case .repeatRound: return "repeatRound"
                }
            }))
    }

    // MARK: Check-in

    @Sendable func checkInPage(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        return try renderCheckIn(election, try round(context, election), query: request.uri.queryParameters.get("q") ?? "",
                                 boxID: request.uri.queryParameters.get("box").flatMap { Int64($0) }, request: request, context: context)
    }

    func renderCheckIn(_ election: Election, _ round: PollingRound, query: String, boxID: Int64?, notice: String? = nil, error: String? = nil,
                       request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let boxes = try database.boxes(roundID: round.id!).filter { $0.box.kind != .electronic && $0.box.status == .open }
        let chosen = boxID ?? boxes.first?.box.id
        let found = try database.findVoters(electionID: election.id!, roundID: round.id!, query: query).map { item -> [String: Any] in
            var line: [String: Any] = ["number": item.line.number, "name": item.line.name, "maskedID": item.line.maskedID,
                                       "place": [item.line.building, item.line.unit, item.line.room].filter { !$0.isEmpty }.joined(separator: " ")]
            if let at = item.alreadyAt { line["alreadyAt"] = at }
            return line
        }
        var data: [String: Any] = [
            "election": elections.summary(election), "round": ["id": round.id!, "number": round.number, "kind": round.kind.chinese],
            "boxes": boxes.map { ["id": $0.box.id!, "name": "\($0.box.number) \($0.box.name) (\($0.box.kind.chinese))", "selected": $0.box.id == chosen] as [String: Any] },
            "query": query, "found": found, "searched": !query.isEmpty,
        ]
        data["box"] = chosen
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("check_in", title: "\(election.title) · \(context.locale.text("checkin_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    func checkInAction(_ request: Request, _ context: AppRequestContext, _ action: (Election, PollingRound, Account, FormFields, Int64) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let round = try round(context, election)
        let form = try await FormFields.read(request, context: context)
        let boxID = Int64(form["box"] ?? "")
        do {
            guard let boxID else { throw CommunityError.invalid(field: "box", reason: "choose the box") }
            let notice = try action(election, round, account, form, boxID)
            return try renderCheckIn(election, round, query: "", boxID: boxID, notice: notice, request: request, context: context)
        } catch let error as CommunityError {
            return try renderCheckIn(election, round, query: form["q"] ?? "", boxID: boxID, error: error.description, request: request, context: context,
                                     status: .unprocessableContent)
        }
    }

    @Sendable func checkIn(request: Request, context: AppRequestContext) async throws -> Response {
        try await checkInAction(request, context) { election, round, account, form, boxID in
            guard let number = Int((form["number"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "number", reason: "the voter's roll number")
            }
            var helper: Int64?
            if let idNumber = form["assistedBy"]?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
                helper = try database.resident(idNumber: idNumber, communityID: election.communityID).id
            }
            try database.checkIn(roundID: round.id!, boxID: boxID, number: number, assistedBy: helper, accountID: account.id, actor: Actor(account))
            return context.locale.text(helper == nil ? "done_ballot_issued" : "done_ballot_issued_assisted", ["number": number])
        }
    }

    @Sendable func checkInProxy(request: Request, context: AppRequestContext) async throws -> Response {
        try await checkInAction(request, context) { _, round, account, form, boxID in
            guard let holder = Int((form["holder"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "holder", reason: "the proxy holder's roll number")
            }
            let issues = try database.checkInProxies(roundID: round.id!, boxID: boxID, holderNumber: holder, accountID: account.id, actor: Actor(account))
            return issues.map { "\($0.principalNumber) \($0.principalName): \($0.refused ?? "已发票 ballot issued")" }.joined(separator: "\n")
        }
    }

    // MARK: Proxies

    @Sendable func proxiesPage(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderProxies(try elections.election(context), request: request, context: context)
    }

    func renderProxies(_ election: Election, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                       status: HTTPResponse.Status = .ok) throws -> Response {
        let rules = election.rules
        var data: [String: Any] = [
            "election": elections.summary(election),
            "proxies": try database.proxies(electionID: election.id!).map { line -> [String: Any] in
                ["id": line.proxy.id!, "principal": "\(line.principalNumber) \(line.principalName)", "holder": "\(line.holderNumber) \(line.holderName)",
                 "document": line.proxy.document, "signedOn": line.proxy.signedOn.description, "filedOn": line.proxy.filedOn.description]
            },
            "filingDeadline": election.electionDay.adding(days: -rules.proxyFilingDays).description,
            "listDeadline": election.electionDay.adding(days: -rules.proxyListDays).description,
            "maxPrincipals": rules.maxPrincipalsPerProxy, "holderRule": context.locale.text("proxy_holder_\(rules.proxyHolder.rawValue)"),
            "open": election.proxyListPublishedOn == nil, "today": Self.today().description,
        ]
        if let published = election.proxyListPublishedOn { data["proxyListPublishedOn"] = published.description }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("proxies", title: "\(election.title) · \(context.locale.text("proxies_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    func proxyAction(_ request: Request, _ context: AppRequestContext, _ action: (Election, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            return try renderProxies(try database.election(id: election.id!), notice: try action(election, account, form), request: request, context: context)
        } catch let error as CommunityError {
            return try renderProxies(try database.election(id: election.id!), error: error.description, request: request, context: context,
                                     status: .unprocessableContent)
        }
    }

    @Sendable func fileProxy(request: Request, context: AppRequestContext) async throws -> Response {
        try await proxyAction(request, context) { election, account, form in
            guard let principal = Int((form["principal"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "principal", reason: "the principal's roll number")
            }
            guard let holder = Int((form["holder"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "holder", reason: "the holder's roll number")
            }
            guard let signedOn = CivilDate(form["signedOn"] ?? "") else { throw CommunityError.invalid(field: "signedOn", reason: "a date (YYYY-MM-DD)") }
            try database.fileProxy(electionID: election.id!, principal: principal, holder: holder, document: form["document"] ?? "",
                                   signedOn: signedOn, on: Self.today(), actor: Actor(account))
            return context.locale.text("done_proxy", ["principal": principal, "holder": holder])
        }
    }

    @Sendable func publishProxies(request: Request, context: AppRequestContext) async throws -> Response {
        try await proxyAction(request, context) { election, account, _ in
            let published = try database.publishProxyList(electionID: election.id!, on: Self.today(), actor: Actor(account))
            return context.locale.text("done_proxies_published", ["date": published.proxyListPublishedOn!])
        }
    }

    @Sendable func revokeProxy(request: Request, context: AppRequestContext) async throws -> Response {
        try await proxyAction(request, context) { election, account, _ in
            guard let id = context.parameters.get("pid").flatMap(Int64.init),
                  try database.proxies(electionID: election.id!).contains(where: { $0.proxy.id == id }) else { throw CommunityError.notFound("proxy") }
            try database.revokeProxy(id: id, actor: Actor(account))
            return context.locale.text("done_proxy_revoked")
        }
    }

    /// The public list of principals and holders (published at least `proxyListDays` before).
    @Sendable func publicProxies(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        guard let published = election.proxyListPublishedOn else { throw WebError.notFound }
        let data: [String: Any] = [
            "election": elections.summary(election), "publishedOn": published.description,
            "proxies": try database.proxies(electionID: election.id!).filter { $0.proxy.filedOn <= published }.map {
                ["principal": "\($0.principalNumber) \($0.principalName)", "holder": "\($0.holderNumber) \($0.holderName)"] as [String: Any]
            },
        ]
        return try renderer.page("proxies_public", title: "\(election.title) · \(context.locale.text("proxies_title"))", data: data,
                                 request: request, context: context)
    }

    // MARK: Boxes: hand count, double entry, count sheet

    @Sendable func boxPage(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let (box, round) = try box(context, election)
        let pass = EntryPass(rawValue: request.uri.queryParameters.get("pass") ?? "A") ?? .first
        let position = request.uri.queryParameters.get("position").flatMap { Int($0) }
        return try renderBox(election, box, round, pass: pass, position: position, request: request, context: context)
    }

    func renderBox(_ election: Election, _ box: BallotBox, _ round: PollingRound, pass: EntryPass, position: Int? = nil, notice: String? = nil,
                   error: String? = nil, form: FormFields? = nil, request: Request, context: AppRequestContext,
                   status: HTTPResponse.Status = .ok) throws -> Response {
        let paper = try round.paper()
        let entries = try database.paperEntries(boxID: box.id!)
        let names = Dictionary(paper.sections.flatMap { $0.candidates.map { ($0.person, $0.name) } }, uniquingKeysWith: { a, _ in a })
        let mismatches = entries.filter(\.mismatch)
        let handCounts = try database.handCounts(boxID: box.id!)
        let issued = try database.boxes(roundID: round.id!).first { $0.box.id == box.id }?.issued ?? 0
        let isCommittee = context.account?.has(anyOf: committee) ?? false
        // The next paper for this pass: the asked one, else the first this pass has not entered.
        let next: Int? = position ?? entries.first { entry in
            guard entry.agreedSeq == nil else { return false }
            switch pass {
            case .first: return !entry.first
            case .second: return !entry.second
            case .third: return entry.mismatch && !entry.disputed
            }
        }?.position
        var data: [String: Any] = [
            "election": elections.summary(election),
            "box": ["id": box.id!, "number": box.number, "name": box.name, "kind": box.kind.chinese, "handCount": box.handCount ?? 0,
                    "status": context.locale.text("box_\(box.status.rawValue)"), "open": box.status == .open, "counting": box.status == .counting,
                    "closed": box.status == .closed, "electronic": box.kind == .electronic,
                    "counted": box.handCount != nil, "awaitingCount": box.kind != .electronic && box.handCount == nil && box.status != .closed, "countSheet": box.countSheet ?? "",
                    "countSheetJSON": box.countSheetJSON ?? ""] as [String: Any],
            "round": ["number": round.number, "kind": round.kind.chinese, "digest": round.paperDigest, "closed": round.status == .closed],
            "pass": pass.rawValue, "passes": EntryPass.allCases.map { ["value": $0.rawValue, "selected": $0 == pass] },
            "agreed": entries.filter { $0.agreedSeq != nil }.count, "total": entries.count,
            "entries": entries.map { entry -> [String: Any] in
                ["position": entry.position, "first": entry.first, "second": entry.second, "mismatch": entry.mismatch,
                 "agreed": entry.agreedSeq != nil, "seq": entry.agreedSeq ?? 0]
            },
            "mismatches": try mismatches.map { entry -> [String: Any] in
                let readings = try database.paperReadings(boxID: box.id!, position: entry.position)
                var item: [String: Any] = ["position": entry.position, "disputed": entry.disputed,
                                           "a": readings[.first].map { BallotForm.summary($0, paper: paper, names: names) } ?? [],
                                           "b": readings[.second].map { BallotForm.summary($0, paper: paper, names: names) } ?? [],
                                           "c": readings[.third].map { BallotForm.summary($0, paper: paper, names: names) } ?? []]
                if entry.disputed && isCommittee && box.status == .counting {
                    item["mayDecide"] = true
                    item["decide"] = BallotForm.sections(paper)
                }
                return item
            },
            "hasHandCounts": !handCounts.isEmpty,
            "handCounts": handCounts.map { ["count": $0.count, "correction": $0.kind == .correction, "reason": $0.reason ?? ""] as [String: Any] },
            "issued": issued, "countDiffers": box.handCount.map { $0 != issued } ?? false,
            "mayCorrect": isCommittee && box.status == .counting,
            "states": MarkedBallot.State.allCases.map { ["value": $0.rawValue, "label": $0.chinese, "selected": form?["state"] == $0.rawValue] as [String: Any] },
        ]
        if var boxData = data["box"] as? [String: Any], let sealed = try sealedBoxData(box, round, election: election, isCommittee: isCommittee) {
            boxData["sealedBox"] = sealed
            data["box"] = boxData
        }
        if var boxData = data["box"] as? [String: Any], let sheet = try countSheetData(box, isCommittee: isCommittee, locale: context.locale) {
            boxData["sheetSignatures"] = sheet
            data["box"] = boxData
        }
        if box.status == .counting, let next {
            data["next"] = next
            // After a refused entry the paper comes back as the clerk typed it.
            data["sections"] = form.map { BallotForm.sections(paper, keeping: $0) } ?? BallotForm.sections(paper)
        }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("box", title: "\(election.title) · \(box.name)", data: data, request: request, context: context, status: status)
    }

    func boxAction(_ request: Request, _ context: AppRequestContext,
                   _ action: (Election, BallotBox, PollingRound, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let (box, round) = try box(context, election)
        let form = try await FormFields.read(request, context: context)
        let pass = EntryPass(rawValue: form["pass"] ?? "A") ?? .first
        do {
            let notice = try action(election, box, round, account, form)
            let (updated, _) = try database.box(id: box.id!, electionID: election.id!)
            return try renderBox(election, updated, round, pass: pass, notice: notice, request: request, context: context)
        } catch let error as CommunityError {
            return try renderBox(election, box, round, pass: pass, position: Int(form["position"] ?? ""), error: error.description,
                                 form: form, request: request, context: context, status: .unprocessableContent)
        }
    }

    /// Two tellers (staff accounts) count a box's papers, each entering their own count.
    @Sendable func handCount(request: Request, context: AppRequestContext) async throws -> Response {
        try await boxAction(request, context) { election, box, _, account, form in
            guard let count = Int((form["handCount"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "handCount", reason: "the number of papers the tellers counted")
            }
            switch try database.enterHandCount(boxID: box.id!, electionID: election.id!, count: count, accountID: account.id!, actor: Actor(account)) {
            case .waiting:
                return context.locale.text("done_count_first", ["count": count])
            case .agreed(let count, let issued):
                return context.locale.text(issued == count ? "done_count_agreed" : "done_count_agreed_differs", ["count": count, "issued": issued])
            case .differ(let first, let second):
                return context.locale.text("done_count_differ", ["first": first, "second": second])
            }
        }
    }

    @Sendable func correctHandCount(request: Request, context: AppRequestContext) async throws -> Response {
        try await boxAction(request, context) { election, box, _, account, form in
            guard let count = Int((form["handCount"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "handCount", reason: "the number of papers")
            }
            try database.correctHandCount(boxID: box.id!, electionID: election.id!, count: count, reason: form["reason"] ?? "", accountID: account.id!,
                                          actor: Actor(account))
            return context.locale.text("done_count_set", ["count": count])
        }
    }

    @Sendable func decidePaper(request: Request, context: AppRequestContext) async throws -> Response {
        try await boxAction(request, context) { election, box, round, account, form in
            guard let position = Int(form["position"] ?? "") else { throw CommunityError.invalid(field: "position", reason: "which paper") }
            let ballot = try readPaper(form, round: round, electionID: election.id!)
            let (seq, _) = try database.decidePaper(boxID: box.id!, electionID: election.id!, position: position, ballot: ballot, reason: form["reason"] ?? "",
                                                    accountID: account.id!, actor: Actor(account))
            return context.locale.text("done_paper_decided", ["position": position, "seq": seq])
        }
    }

    /// Reads a paper from the entry form: write-ins are roll numbers (0 or "void": a write-in
    /// that names nobody on the roll).
    func readPaper(_ form: FormFields, round: PollingRound, electionID: Int64) throws -> MarkedBallot {
        try BallotForm.read(form, paper: try round.paper(), digest: round.paperDigest, entry: true) { text, post in
            if text == "0" || text.lowercased() == "void" || text == "作废" { return nil }
            guard let number = Int(text) else {
                throw CommunityError.invalid(field: "w.\(post.rawValue)", reason: "a write-in is the person's roll number, or 0 when nobody on the roll can be identified")
            }
            guard let person = try database.residentID(electionID: electionID, rollNumber: number) else {
                throw CommunityError.invalid(field: "w.\(post.rawValue)", reason: "roll number \(number) is not on the roll")
            }
            return person
        }
    }

    @Sendable func enterPaper(request: Request, context: AppRequestContext) async throws -> Response {
        try await boxAction(request, context) { election, box, round, account, form in
            guard let position = Int(form["position"] ?? ""), let pass = EntryPass(rawValue: form["pass"] ?? "") else {
                throw CommunityError.invalid(field: "position", reason: "which paper and which pass")
            }
            let ballot = try readPaper(form, round: round, electionID: election.id!)
            switch try database.enterPaper(boxID: box.id!, electionID: election.id!, position: position, pass: pass, ballot: ballot,
                                           accountID: account.id!, actor: Actor(account)) {
            case .waiting: return context.locale.text("done_paper_waiting", ["position": position, "pass": pass.rawValue])
            case .agreed(let seq, _): return context.locale.text("done_paper_agreed", ["position": position, "seq": seq])
            case .mismatch: return context.locale.text("done_paper_mismatch", ["position": position])
            case .disputed: return context.locale.text("done_paper_disputed", ["position": position])
            }
        }
    }

    @Sendable func closeBox(request: Request, context: AppRequestContext) async throws -> Response {
        try await boxAction(request, context) { election, box, _, account, form in
            try Confirmation.require(form, context.locale)
            let (sheet, receipt) = try database.closeBox(boxID: box.id!, electionID: election.id!, signingKey: try elections.signingKey(for: election),
                                                         actor: Actor(account))
            return context.locale.text("done_box_closed", ["ballots": sheet.ballots]) + "\n\(receipt.compactText)"
        }
    }

    // MARK: API

    struct RoundDocument: Encodable {
        struct Box: Encodable {
            let number: Int
            let name: String
            let kind: String
            let station: String
            let status: String
            let issued: Int
            let logged: Int
            /// Electronic ballots still sealed in the box.
            let sealed: Int
            let handCount: Int?
            let countSheet: String?
        }
        struct Station: Encodable {
            let station: String
            let received: Int
            let issued: Int
            let spoiled: Int
            let returned: Int
            let unaccounted: Int
        }
        let id: Int64
        let number: Int
        let kind: String
        let status: String
        let electronic: Bool
        let paperDigest: String
        let checkIns: [String: Int]
        let boxes: [Box]
        let papers: [Station]
    }

    @Sendable func roundsAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        return try JSONResponse.make(try database.rounds(electionID: election.id!).map { round in
            RoundDocument(
                id: round.id!, number: round.number, kind: round.kind.rawValue, status: round.status.rawValue, electronic: round.electronic,
                paperDigest: round.paperDigest,
                checkIns: Dictionary(uniqueKeysWithValues: try database.checkInCounts(roundID: round.id!).map { ($0.key.rawValue, $0.value) }),
                boxes: try database.boxes(roundID: round.id!).map {
                    .init(number: $0.box.number, name: $0.box.name, kind: $0.box.kind.rawValue, station: $0.stationName, status: $0.box.status.rawValue,
                          issued: $0.issued, logged: $0.logged, sealed: $0.sealed, handCount: $0.box.handCount, countSheet: $0.box.countSheet)
                },
                papers: try database.paperAccounts(roundID: round.id!).map {
                    .init(station: $0.station.name, received: $0.account.received, issued: $0.account.issued, spoiled: $0.account.spoiled,
                          returned: $0.account.returned, unaccounted: $0.account.unaccounted)
                })
        })
    }

    struct CheckInRequest: Decodable {
        let round: Int64
        let box: Int64
        /// A voter's roll number, or a proxy holder's with `proxy: true`.
        let number: Int
        let proxy: Bool?
        let assistedBy: String?
    }

    struct CheckInResponse: Encodable {
        let issued: [Int]
        let refused: [String: String]
    }

    @Sendable func checkInAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        var request = request
        let input = try await request.decodeJSON(CheckInRequest.self, context: context, expected: "a JSON object with round, box and number")
        _ = try database.round(id: input.round, electionID: election.id!)
        if input.proxy == true {
            let issues = try database.checkInProxies(roundID: input.round, boxID: input.box, holderNumber: input.number, accountID: account.id, actor: Actor(account))
            return try JSONResponse.make(CheckInResponse(issued: issues.filter { $0.refused == nil }.map(\.principalNumber),
                                                         refused: Dictionary(uniqueKeysWithValues: issues.compactMap { issue in issue.refused.map { (String(issue.principalNumber), $0) } })),
                                         status: .created)
        }
        var helper: Int64?
        if let idNumber = input.assistedBy?.nilIfEmpty { helper = try database.resident(idNumber: idNumber, communityID: election.communityID).id }
        try database.checkIn(roundID: input.round, boxID: input.box, number: input.number, assistedBy: helper, accountID: account.id, actor: Actor(account))
        return try JSONResponse.make(CheckInResponse(issued: [input.number], refused: [:]), status: .created)
    }

    struct EntryRequest: Decodable {
        let position: Int
        let pass: String
        let ballot: MarkedBallot
    }

    struct EntryResponse: Encodable {
        let outcome: String
        let seq: Int?
        let tracking: String?
    }

    @Sendable func entryAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let (box, _) = try box(context, election)
        var request = request
        let input = try await request.decodeJSON(EntryRequest.self, context: context, expected: "a JSON object with position, pass (A, B or C) and ballot")
        guard let pass = EntryPass(rawValue: input.pass) else { throw WebError.badRequest(field: "pass", reason: "A, B or C") }
        let outcome = try database.enterPaper(boxID: box.id!, electionID: election.id!, position: input.position, pass: pass, ballot: input.ballot,
                                              accountID: account.id!, actor: Actor(account))
        switch outcome {
        case .waiting: return try JSONResponse.make(EntryResponse(outcome: "waiting", seq: nil, tracking: nil), status: .created)
        case .mismatch: return try JSONResponse.make(EntryResponse(outcome: "mismatch", seq: nil, tracking: nil), status: .created)
        case .disputed: return try JSONResponse.make(EntryResponse(outcome: "disputed", seq: nil, tracking: nil), status: .created)
        case .agreed(let seq, let tracking): return try JSONResponse.make(EntryResponse(outcome: "agreed", seq: seq, tracking: tracking), status: .created)
        }
    }
}
