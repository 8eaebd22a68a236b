import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Electronic voting for voters (roll number + voter-card access code), the receipt, and the
/// public inclusion check behind a receipt's tracking code. Works without JavaScript.
struct VotingController {
    static let voterCookie = "xy_voter"
    /// The elections controller: finding an election, its summary, its signing key.
    let elections: ElectionsController
    let secureCookies: Bool
    let throttle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 50)
    /// Group commit for casts (one per application).
    let caster: BallotCaster
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    init(elections: ElectionsController, secureCookies: Bool) {
        self.elections = elections
        self.secureCookies = secureCookies
        caster = BallotCaster(database: elections.database)
    }

    func addRoutes(to routes: Routes) {
        // Voters sign in with their voter card (their own session); tracking is public.
        let open = routes.open()
        open.get("/elections/:id/vote", use: votePage)
        open.post("/elections/:id/vote/login", use: login)
        open.post("/elections/:id/vote/review", use: review)
        open.post("/elections/:id/vote/cast", use: cast)
        open.post("/elections/:id/vote/logout", use: logout)
        open.get("/elections/:id/track", use: trackForm)
        open.get("/elections/:id/track/:code", use: track)
        open.get("/elections/:id/track/:code/receipt.json", use: receiptDownload)
        open.get("/api/v1/elections/:id/track/:code", use: trackAPI)
        open.post("/api/v1/elections/:id/ballots", use: castAPI)
    }

    /// The open round with electronic voting in which this voter has no ballot yet.
    func openRound(_ election: Election, voter: VoterSession?) throws -> PollingRound? {
        for round in try database.rounds(electionID: election.id!) where round.status == .open && round.electronic {
            if let voter, try database.hasBallot(roundID: round.id!, rollEntryID: voter.rollEntryID) { continue }
            return round
        }
        return nil
    }

    func voter(_ request: Request, _ election: Election) throws -> VoterSession? {
        guard let token = request.cookies[Self.voterCookie]?.value, let session = try database.voterSession(token: token),
              session.electionID == election.id else { return nil }
        return session
    }

    func page(_ template: String, _ election: Election, _ data: [String: Any], request: Request, context: AppRequestContext,
              status: HTTPResponse.Status = .ok) throws -> Response {
        var data = data
        data["election"] = elections.summary(election)
        data["voting"] = TerminalController.notice(election, place: try? TerminalController.place(request, electionID: election.id!, database: database),
                                                   locale: context.locale)
        var response = try renderer.page(template, title: "\(election.title) · \(context.locale.text("vote_title"))", data: data,
                                         request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func votePage(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        guard let voter = try voter(request, election) else {
            return try page("vote_login", election, ["open": try openRound(election, voter: nil) != nil, "elsewhere": try placeRefusal(request, election) != nil],
                            request: request, context: context)
        }
        guard let round = try openRound(election, voter: voter) else {
            return try page("vote_login", election, ["voter": voter.name, "nothing": true], request: request, context: context)
        }
        return try ballotPage(election, round, voter: voter, request: request, context: context)
    }

    /// The ballot to mark; `keeping` fills in what the voter marked before (after an error, or
    /// when they go back from the confirmation to change it).
    func ballotPage(_ election: Election, _ round: PollingRound, voter: VoterSession, keeping form: FormFields? = nil,
                    error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let paper = try round.paper()
        var data: [String: Any] = ["voter": voter.name, "number": voter.number, "round": round.number, "roundKind": round.kind.chinese,
                                   "paperTitle": paper.title, "sections": form.map { BallotForm.sections(paper, keeping: $0) } ?? BallotForm.sections(paper),
                                   "instructions": paper.instructions]
        if let error { data["error"] = error }
        return try page("vote_ballot", election, data, request: request, context: context, status: status)
    }

    @Sendable func login(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        let number = Int((form["number"] ?? "").trimmingCharacters(in: .whitespaces))
        // Throttled per voter (the parsed roll number, so "042" and " 42" are the same voter) and per address.
        let key = "e\(election.id!):\(number.map(String.init) ?? "?")"
        if await throttle.retryAfter(username: key, address: context.clientAddress) != nil {
            return try page("vote_login", election, ["error": context.locale.text("vote_throttled"), "open": true], request: request, context: context,
                            status: .tooManyRequests)
        }
        var token: String?
        if let number {
            // Where the sign-in comes from: under electronicVoting = station only an admitted terminal (the domain's rule).
            let (store, electionID, code) = (self.database, election.id!, form["code"] ?? "")
            let place = try TerminalController.place(request, electionID: electionID, database: database)
            do { token = try await PasswordWork.shared.run { try store.startVoterSession(electionID: electionID, number: number, code: code, place: place) } } catch is NotaryError {
                token = nil   // a mistyped code fails its check character
            } catch let error as CommunityError {
                if case .notAllowed(let why) = error {
                    return try page("vote_login", election, ["error": why, "open": true, "elsewhere": try placeRefusal(request, election) != nil],
                                    request: request, context: context, status: .forbidden)
                }
                if case .notFound = error { token = nil } else { throw error }
            }
        }
        guard let token else {
            await throttle.recordFailure(username: key, address: context.clientAddress)
            return try page("vote_login", election, ["error": context.locale.text("vote_login_failed"), "open": true], request: request, context: context,
                            status: .unauthorized)
        }
        await throttle.recordSuccess(username: key)
        var response = Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/vote"])
        response.setCookie(Cookie(name: Self.voterCookie, value: token, maxAge: Int(AppDatabase.voterSessionLifetime), path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    /// Reads the voter's marks; a write-in is a name, resolved when exactly one voter on the roll has it.
    /// Reads the voter's marks; also returns the names of the write-ins it resolved (person → name).
    func readBallot(_ form: FormFields, _ round: PollingRound, _ election: Election) throws -> (MarkedBallot, [Int64: String]) {
        var resolved: [Int64: String] = [:]
        let ballot = try BallotForm.read(form, paper: try round.paper(), digest: round.paperDigest, entry: false) { text, post in
            guard text.count <= 50 else { throw CommunityError.invalid(field: "w.\(post.rawValue)", reason: "a name, at most 50 characters") }
            let matches = try database.residentIDs(electionID: election.id!, name: text)
            guard matches.count == 1 else { return nil }
            resolved[matches[0]] = text
            return matches[0]
        }
        return (ballot, resolved)
    }

    func sessionAndRound(_ request: Request, _ election: Election) throws -> (VoterSession, PollingRound) {
        guard let voter = try voter(request, election) else { throw CommunityError.notAllowed("your voting session has ended; log in again with your voter card") }
        guard let round = try openRound(election, voter: voter) else { throw CommunityError.notAllowed("you already have a ballot in this round, or voting is closed") }
        return (voter, round)
    }

    @Sendable func review(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        let voter: VoterSession, round: PollingRound
        do { (voter, round) = try sessionAndRound(request, election) } catch let error as CommunityError {
            return try page("vote_login", election, ["error": error.description, "open": true], request: request, context: context, status: .unauthorized)
        }
        // Back from the confirmation: the ballot again, as marked.
        if form["edit"] == "yes" { return try ballotPage(election, round, voter: voter, keeping: form, request: request, context: context) }
        do {
            let (ballot, writeInNames) = try readBallot(form, round, election)
            let paper = try round.paper()
            let names = Dictionary(paper.sections.flatMap { $0.candidates.map { ($0.person, $0.name) } }, uniquingKeysWith: { a, _ in a })
                .merging(writeInNames) { listed, _ in listed }
            // The counting code's own verdict on this ballot (one rule, one place).
            let check = try database.checkBallot(ballot, paper: paper, electionID: election.id!)
            let approvals = paper.sections.filter { check.voidPosts.contains($0.post) }.map(\.title)
            var data: [String: Any] = [
                "voter": voter.name, "round": round.number, "roundID": round.id!, "paper": round.paperDigest,
                "summary": BallotForm.summary(ballot, paper: paper, names: names),
                "formToken": try AppDatabase.newFormToken(),
                "fields": form.values.filter { $0.key.hasPrefix("m.") || $0.key.hasPrefix("w.") }.sorted { $0.key < $1.key }
                    .map { ["name": $0.key, "value": $0.value] },
            ]
            if !approvals.isEmpty { data["overvoted"] = approvals.joined(separator: "、") }
            if check.voidBallot { data["voidBallot"] = true }
            if ballot.posts.contains(where: { $0.writeIns.contains { $0.person == nil } }) { data["voidWriteIn"] = true }
            return try page("vote_review", election, data, request: request, context: context)
        } catch let error as CommunityError {
            return try ballotPage(election, round, voter: voter, keeping: form, error: error.description, request: request, context: context,
                                  status: .unprocessableContent)
        }
    }

    @Sendable func cast(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        let formToken = form["formToken"] ?? ""
        let key = try elections.signingKey(for: election)
        // A retried submission whose answer was lost: the cast went through and ended the
        // session; the form token, known only to this browser, finds the receipt.
        if let previous = try database.previousCast(electionID: election.id!, formToken: formToken, signingKey: key) {
            return try receiptPage(election, previous.receipt, request: request, context: context)
        }
        guard let token = request.cookies[Self.voterCookie]?.value, let state = try database.castingState(electionID: election.id!, token: token) else {
            return try page("vote_login", election, ["error": context.locale.text("vote_session_ended"), "open": true], request: request, context: context,
                            status: .unauthorized)
        }
        // The ballot is cast in the round whose paper the voter reviewed, or not at all.
        guard let round = state.round, form["round"] == String(round.id!), form["paper"] == round.paperDigest else {
            return try page("vote_login", election, ["error": context.locale.text("vote_round_changed"), "open": true], request: request, context: context,
                            status: .conflict)
        }
        let (ballot, _) = try readBallot(form, round, election)
        if let refused = try placeRefusal(request, election) {
            return try page("vote_login", election, ["error": refused, "open": true, "elsewhere": true], request: request, context: context, status: .forbidden)
        }
        let cast = try await caster.cast(round: round, rollEntryID: state.voter.rollEntryID, ballot: ballot, formToken: formToken,
                                         signingKey: key, sessionToken: token)
        return try receiptPage(election, cast.receipt, request: request, context: context)
    }

    /// The receipt page; the voter's session ended with the cast, so its cookie goes too.
    func receiptPage(_ election: Election, _ receipt: SignedReceipt, request: Request, context: AppRequestContext) throws -> Response {
        var response = try page("vote_receipt", election, receiptData(election, receipt, locale: context.locale), request: request, context: context, status: .created)
        response.setCookie(Cookie(name: Self.voterCookie, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    func receiptData(_ election: Election, _ receipt: SignedReceipt, locale: AppLocale) -> [String: Any] {
        ["round": receipt.statement.round ?? 0, "tracking": receipt.statement.tracking, "at": ReadableTime.text(receipt.statement.at, locale),
         "trackingShort": TrackingCode.short(receipt.statement.tracking),
         "keyID": receipt.statement.key, "compact": receipt.compactText,
         "receiptJSON": String(decoding: receipt.jsonRepresentation, as: UTF8.self),
         "trackURL": "/elections/\(election.id!)/track/\(receipt.statement.tracking)",
         // The ballot is sealed until the count, so the receipt file is handed over from the page itself.
         "receiptFile": "receipt-\(receipt.statement.tracking.prefix(12)).json",
         // Base64 has no character HTML escapes: the template writes it unescaped ({{{ }}}).
         "receiptBase64": receipt.jsonRepresentation.base64EncodedString()]
    }

    @Sendable func logout(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        if let token = request.cookies[Self.voterCookie]?.value { try database.endVoterSession(token: token) }
        var response = Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/vote"])
        response.setCookie(Cookie(name: Self.voterCookie, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: API

    /// An electronic ballot as a program sends it (a polling-station tablet, a voter's app):
    /// the round and paper it was marked on, a form token of 24 random bytes (URL-safe base64,
    /// chosen by the client: it finds the receipt again after a lost answer), and the marks.
    struct BallotSubmission: Decodable {
        let round: Int64
        let paper: String
        let formToken: String
        let ballot: MarkedBallot
    }

    /// `POST /api/v1/elections/:id/ballots` with the voter's session cookie (from the voter-card
    /// login) and the CSRF header: the same cast as the web form, answered with the receipt.
    @Sendable func castAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        var request = request
        let input = try await request.decodeJSON(BallotSubmission.self, context: context, expected: "a JSON object with round, paper, formToken and ballot")
        guard AppDatabase.isFormToken(input.formToken) else { throw WebError.badRequest(field: "formToken", reason: "24 random bytes as URL-safe base64 (32 characters)") }
        let key = try elections.signingKey(for: election)
        if let previous = try database.previousCast(electionID: election.id!, formToken: input.formToken, signingKey: key) {
            return try JSONResponse.make(ReceiptResponse(seq: nil, previous.receipt), status: .ok)
        }
        guard let token = request.cookies[Self.voterCookie]?.value, let state = try database.castingState(electionID: election.id!, token: token) else {
            throw WebError.loginRequired
        }
        guard let round = state.round, round.id == input.round, round.paperDigest == input.paper else {
            throw CommunityError.notAllowed("round \(input.round) with this paper is not open for this voter's ballot")
        }
        if let refused = try placeRefusal(request, election) { throw CommunityError.notAllowed(refused) }
        let cast = try await caster.cast(round: round, rollEntryID: state.voter.rollEntryID, ballot: input.ballot, formToken: input.formToken,
                                         signingKey: key, sessionToken: token)
        var response = try JSONResponse.make(ReceiptResponse(seq: nil, cast.receipt), status: .created)
        response.setCookie(Cookie(name: Self.voterCookie, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: Tracking

    func tracked(_ context: AppRequestContext) throws -> (Election, BallotLogEntry?, String) {
        let election = try elections.election(context)
        let code = (context.parameters.get("code") ?? "").lowercased()
        return (election, try database.trackBallot(electionID: election.id!, tracking: code), code)
    }

    /// The page to type a tracking code on (`?code=` from its own form): a code in the right form
    /// goes on to its result page; anything else is shown again with what is wrong.
    @Sendable func trackForm(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        var data: [String: Any] = ["election": elections.summary(election)]
        if let typed = request.uri.queryParameters.get("code") {
            if let code = TrackingCode.normalized(typed) {
                return Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/track/\(code)"])
            }
            data["typed"] = typed
            data["error"] = context.locale.text("track_code_invalid")
        }
        return try renderer.page("track", title: context.locale.text("track_title"), data: data, request: request, context: context,
                                 status: data["error"] == nil ? .ok : .unprocessableContent)
    }

    @Sendable func track(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, entry, code) = try tracked(context)
        var data: [String: Any] = ["election": elections.summary(election), "code": code, "asked": true, "typed": code]
        if entry == nil, try database.hasSealedBallots(electionID: election.id!) { data["sealed"] = true }
        if let entry {
            let line = try JSONDecoder().decode(BallotLine.self, from: Data(entry.line.utf8))
            // Round and box only: neither the ballot's place in the log nor any time.
            data["found"] = ["round": line.round, "box": line.box, "method": line.method, "electronic": line.method == "electronic"] as [String: Any]
        }
        return try renderer.page("track", title: context.locale.text("track_title"), data: data, request: request, context: context,
                                 status: entry == nil ? .notFound : .ok)
    }

    @Sendable func receiptDownload(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, entry, code) = try tracked(context)
        guard let entry else { throw WebError.notFound }
        let line = try JSONDecoder().decode(BallotLine.self, from: Data(entry.line.utf8))
        guard let sealed = line.sealedContent else { throw WebError.notFound }
        let receipt = try AppDatabase.ballotReceipt(election: election.id!, round: line.round, tracking: try sealed.receiptCode(), at: entry.recordedAt,
                                                    signingKey: try elections.signingKey(for: election))
        return Response(status: .ok, headers: [.contentType: "application/json", .contentDisposition: "attachment; filename=\"receipt-\(code.prefix(12)).json\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: receipt.jsonRepresentation)))
    }

    /// Whether a tracking code is in the log, with its round and box only: nothing of when the
    /// ballot was cast or where in the log it stands.
    struct TrackDocument: Encodable {
        let included: Bool
        let round: Int?
        let box: Int?
        let method: String?
    }

    @Sendable func trackAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (_, entry, _) = try tracked(context)
        guard let entry else { return try JSONResponse.make(TrackDocument(included: false, round: nil, box: nil, method: nil), status: .notFound) }
        let line = try JSONDecoder().decode(BallotLine.self, from: Data(entry.line.utf8))
        return try JSONResponse.make(TrackDocument(included: true, round: line.round, box: line.box, method: line.method))
    }
}
