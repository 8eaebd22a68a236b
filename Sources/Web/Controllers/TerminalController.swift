import Community
import Elections
import Foundation
import Hummingbird

/// Polling-station terminals for `electronicVoting = station` (`VotingTerminal`): a clerk
/// unlocks the device in the booth as a terminal (the device keeps the terminal token in a
/// cookie and the clerk's own sign-in on it ends), then admits one voter at a time from the
/// desk; the voter signs in with the voter card on the terminal. The rule itself is the
/// domain's (`RuleSet.checkElectronicVoting`, `AppDatabase.startVoterSession(…place:)`).
struct TerminalController {
    /// The cookie that makes a device a terminal.
    static let terminalCookie = "xy_terminal"
    /// How long a terminal cookie lasts on the device: one polling day.
    static let terminalLifetime = 24 * 60 * 60
    let elections: ElectionsController
    let secureCookies: Bool
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/elections/:id/terminals", use: terminalsPage)
        staff.post("/elections/:id/terminals", use: unlock)
        staff.post("/elections/:id/terminals/:tid/admit", use: admit)
        staff.post("/elections/:id/terminals/:tid/lock", use: lock)
    }

    /// Where a request comes from, as the domain decides it: the terminal whose cookie the
    /// device presents, or elsewhere.
    static func place(_ request: Request, electionID: Int64, database: AppDatabase) throws -> CastingPlace {
        try database.castingPlace(electionID: electionID, terminalToken: request.cookies[terminalCookie]?.value)
    }

    /// What the voting page and the polling page say about the mode: the mode, the remote
    /// basis, the note for voters, and whether this device is a terminal.
    static func notice(_ election: Election, place: CastingPlace?, locale: AppLocale) -> [String: Any] {
        let rules = election.rules
        var data: [String: Any] = ["mode": locale == .zhHans ? rules.electronicVoting.chinese : rules.electronicVoting.english,
                                   "key": rules.electronicVoting.rawValue]
        switch rules.electronicVoting {
        case .off: data["note"] = locale.text("ev_off_note"); data["off"] = true
        case .station: data["note"] = locale.text("ev_station_note"); data["station"] = true
        case .remote: data["note"] = locale.text("ev_remote_note")
        }
        if let basis = rules.remoteVotingBasis { data["basis"] = basis }
        if case .terminal(let terminal)? = place { data["terminal"] = terminal.name }
        return data
    }

    func terminalID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("tid").flatMap(Int64.init) else { throw WebError.notFound }
        return id
    }

    @Sendable func terminalsPage(request: Request, context: AppRequestContext) async throws -> Response {
        try render(try elections.election(context), request: request, context: context)
    }

    func render(_ election: Election, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                status: HTTPResponse.Status = .ok) throws -> Response {
        let id = election.id!
        let terminals = try database.terminals(electionID: id).map { item -> [String: Any] in
            let state = item.terminal.locked ? "ev_terminal_locked" : item.terminal.admitted ? "ev_terminal_admitted" : "ev_terminal_ready"
            return ["id": item.terminal.id!, "name": item.terminal.name, "station": item.stationName, "unlockedOn": item.terminal.unlockedOn,
                    "state": context.locale.text(state), "usable": !item.terminal.locked]
        }
        var data: [String: Any] = [
            "election": elections.summary(election), "terminals": terminals, "none": terminals.isEmpty,
            "voting": Self.notice(election, place: try Self.place(request, electionID: id, database: database), locale: context.locale),
            "isStation": election.rules.electronicVoting == .station,
            "stations": try database.stations(electionID: id).map { ["id": $0.id!, "name": $0.name] as [String: Any] },
        ]
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("terminals", title: "\(election.title) · \(context.locale.text("ev_terminals_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    /// Unlocks the device the clerk stands at: the terminal cookie is set, and the clerk's own
    /// sign-in on this device ends (a voter in the booth must not find a staff session), so the
    /// device goes straight to the voting page.
    @Sendable func unlock(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        let token: String
        do {
            guard let stationID = Int64(form["station"] ?? "") else { throw CommunityError.invalid(field: "station", reason: "choose the polling station") }
            token = try database.unlockTerminal(electionID: election.id!, stationID: stationID, name: form["name"] ?? "", accountID: account.id,
                                                actor: Actor(account)).token
        } catch let error as CommunityError {
            return try render(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
        if let session = request.cookies[SessionMiddleware.sessionCookie]?.value { try database.endSession(token: session) }
        var response = Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/vote"])
        response.setCookie(Cookie(name: Self.terminalCookie, value: token, maxAge: Self.terminalLifetime, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func admit(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.authorizedAccount()
        let election = try elections.election(context)
        do {
            try database.admitVoter(terminalID: try terminalID(context), electionID: election.id!)
            return try render(election, notice: context.locale.text("ev_terminal_admitted_notice"), request: request, context: context)
        } catch let error as CommunityError {
            return try render(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func lock(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        do {
            try database.lockTerminal(terminalID: try terminalID(context), electionID: election.id!, actor: Actor(account))
            return try render(election, notice: context.locale.text("ev_terminal_locked_notice"), request: request, context: context)
        } catch let error as CommunityError {
            return try render(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }
}

extension VotingController {
    /// Why an electronic ballot (or a voter-card sign-in) may not come from this request's
    /// device under the election's `electronicVoting`, or nil when it may: the domain decides.
    func placeRefusal(_ request: Request, _ election: Election) throws -> String? {
        do {
            // The election is already read: its rule set decides, without reading it again on every cast.
            try election.rules.checkElectronicVoting(place: try TerminalController.place(request, electionID: election.id!, database: database),
                                                     electionID: election.id!)
            return nil
        } catch CommunityError.notAllowed(let why) {
            return why
        }
    }
}
