import Community
import Elections
import Foundation
import Hummingbird
import NIOCore
import Notary

/// The election's result: the announcement (公告) with every round and decision, the rounds
/// still to hold (opened from here), certifying with the election key, committee members'
/// countersignatures with their own keys, certificates of election with a public verify page,
/// and the public election record for download.
struct ResultsController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }
    /// Countersigning checks a password: throttled like a login, per account and per address.
    let countersignThrottle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 30)

    func addRoutes(to routes: Routes) {
        let committee = routes.only(Roles.committee)
        committee.post("/elections/:id/result/next-round", use: openNextRound)
        committee.post("/elections/:id/result/certify", use: certify)
        committee.get("/elections/:id/result/countersign", use: countersignPage)
        committee.post("/elections/:id/result/countersign", use: countersign)
        // Public once certified (before, staff only: `visibleResult`); the record and
        // certificates once certified; verifying a certificate always
        let open = routes.open()
        open.get("/elections/:id/result", use: resultPage)
        open.get("/elections/:id/record.zip", use: recordArchive)
        open.get("/elections/:id/certificates/:person", use: certificatePage)
        open.get("/certificates/verify", use: verifyCertificatePage)
        open.get("/api/v1/elections/:id/result", use: resultAPI)
        open.get("/api/v1/certificates/verify", use: verifyCertificateAPI)
        open.get("/elections/:id/statistics", use: statisticsPage)
        open.get("/elections/:id/statistics.csv", use: statisticsCSV)
        open.get("/api/v1/elections/:id/statistics", use: statisticsAPI)
    }

    /// The result is public once certified; before, the committee and clerks see it.
    func visibleResult(_ context: AppRequestContext) throws -> (Election, ElectionResult, CertifiedResult?) {
        let election = try elections.election(context)
        let certified = try database.certifiedResult(electionID: election.id!)
        if certified == nil { try context.requireWhileUnpublished(anyOf: Roles.staff) }
        return (election, try database.electionResult(electionID: election.id!, certified: certified), certified)
    }

    // MARK: Page

    @Sendable func resultPage(request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, context)
    }

    func render(_ request: Request, _ context: AppRequestContext, notice: String? = nil, error: String? = nil,
                status: HTTPResponse.Status = .ok) throws -> Response {
        let (election, result, certified) = try visibleResult(context)
        let english = context.locale != .zhHans
        let name = result.name
        let isCommittee = context.account?.has(anyOf: ElectionsController.committee) ?? false
        var data: [String: Any] = [
            "election": elections.summary(election),
            "electionID": election.id!,
            "rounds": result.rounds.enumerated().map { index, input -> [String: Any] in
                let outcome = result.outcome.rounds[index].outcome
                return ["number": input.number, "kind": english ? input.kind.rawValue : input.kind.chinese, "issued": input.issued,
                        "collected": input.count.collected, "invalid": input.count.invalid, "blank": input.count.blank, "electionID": election.id!,
                        "standings": input.standings.map { ["post": english ? $0.post.english : $0.post.chinese, "name": name($0.person), "votes": $0.votes] as [String: Any] },
                        "steps": outcome.steps.map { english ? $0.english(name) : $0.chinese(name) }]
            },
            "elected": result.outcome.elected.map { member -> [String: Any] in
                ["post": english ? member.post.english : member.post.chinese, "name": name(member.person), "votes": member.votes,
                 "round": member.round, "person": member.person]
            },
            "vacant": result.outcome.vacant.sorted { $0.key < $1.key }.map { ["post": english ? $0.key.english : $0.key.chinese, "seats": $0.value] as [String: Any] },
            "resultFinal": result.outcome.isFinal && result.openRound == nil,
            "canAct": isCommittee && certified == nil,
        ]
        if let acting = result.outcome.acting { data["acting"] = name(acting) }
        data["keyFingerprint"] = try database.electionKeyFingerprint(electionID: election.id!)
        // A later round gets an electronic box only where the rule set allows electronic voting.
        data["electronicAllowed"] = election.rules.electronicVoting != .off
        data["warnings"] = result.warnings.map { english ? $0.english(name) : $0.chinese(name) }
        if let open = result.openRound { data["openRound"] = open }
        if certified == nil, result.openRound == nil {
            data["pending"] = result.outcome.pending.enumerated().map { index, pending -> [String: Any] in
                ["index": index, "kind": english ? pending.kind.rawValue : pending.kind.chinese, "from": pending.from,
                 "what": Self.describe(pending.next, name: name, english: english)]
            }
        }
        if let certified {
            data["certified"] = [
                "statementDigest": certified.statementDigest, "manifest": certified.statement.manifest, "logHead": certified.statement.logHead,
                "at": ReadableTime.text(certified.statement.at, context.locale), "signed": certified.countersignatures.count, "required": certified.required,
                "isFinal": certified.isFinal,
            ] as [String: Any]
            if !certified.countersignatures.isEmpty {
                data["signers"] = certified.countersignatures.map(\.countersignature.name).joined(separator: "、")
            }
            let mine = try context.account.flatMap { account in
                try database.committeeMembers(electionID: election.id!).first { $0.member.accountID == account.id && $0.member.active }?.member
            }
            if let mine, !certified.countersignatures.contains(where: { $0.countersignature.member == mine.id }) { data["mayCountersign"] = true }
            // An annulled result says so first; the election committee may record an annulment.
            let electionCommittee = context.account?.has(anyOf: Roles.cardIssuers) ?? false
            if let annulment = try database.annulment(electionID: election.id!) {
                data["annulment"] = AnnulmentController.pageData(annulment, election: election, english: english, mayCreate: electionCommittee)
            } else if electionCommittee {
                data["mayAnnul"] = true
            }
        }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("election_result", title: "\(election.title) · \(context.locale.text("res_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    static func describe(_ next: RoundOutcome.Next, name: (Int64) -> String, english: Bool) -> String {
        let join = english ? ", " : "、"
        switch next {
        case .tieBreak(let post, let persons, let seats), .runoff(let post, let persons, let seats):
            return english ? "\(post.english), \(seats) seat(s): \(persons.map(name).joined(separator: join))"
                           : "\(post.chinese) \(seats) 名：\(persons.map(name).joined(separator: join))"
        case .womenOnly(let persons, let seats):
            return english ? "Member (women only), \(seats) seat(s): \(persons.map(name).joined(separator: join))"
                           : "妇女委员 \(seats) 名：\(persons.map(name).joined(separator: join))"
        case .repeatRound: return english ? "the void round is held again" : "本轮无效，重新投票"
        }
    }

    /// Runs a committee action (the route's role group let the account in) and shows the page with its notice or error.
    func act(_ request: Request, _ context: AppRequestContext, _ action: (Election, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            return try render(request, context, notice: try action(election, account, form))
        } catch let error as CommunityError {
            return try render(request, context, error: error.description, status: .unprocessableContent)
        }
    }

    @Sendable func openNextRound(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let round = try database.openPendingRound(electionID: election.id!, index: Int(form["pending"] ?? "") ?? -1,
                                                      electronic: form["electronic"] == "yes", actor: Actor(account))
            return context.locale.text("done_next_round", ["round": round.number, "kind": ElectionDayController.roundKind(round.kind, context.locale)])
        }
    }

    @Sendable func certify(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            try Confirmation.require(form, context.locale)
            let certified = try database.certifyResult(electionID: election.id!, signingKey: try elections.signingKey(for: election), actor: Actor(account))
            return context.locale.text("done_certified", ["required": certified.required])
        }
    }

    // MARK: Countersigning

    @Sendable func countersignPage(request: Request, context: AppRequestContext) async throws -> Response {
        try renderCountersign(request, context)
    }

    func renderCountersign(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let election = try elections.election(context)
        guard let certified = try database.certifiedResult(electionID: election.id!) else { throw HTTPError(.notFound, message: "the result is not certified yet") }
        var data: [String: Any] = [
            "election": elections.summary(election), "electionID": election.id!,
            "statementDigest": certified.statementDigest, "statementJSON": String(decoding: certified.statementBytes, as: UTF8.self),
            "winners": certified.statement.elected.map { ["post": $0.post.chinese, "name": $0.name, "votes": $0.votes, "round": $0.round] as [String: Any] },
            "rounds": certified.statement.rounds.map { ["round": $0.round, "kind": $0.kind.chinese, "issued": $0.issued, "collected": $0.collected] as [String: Any] },
            "ballots": certified.statement.ballots, "logHead": certified.statement.logHead, "manifest": certified.statement.manifest,
        ]
        if let error { data["error"] = error }
        return try renderer.page("countersign", title: "\(election.title) · \(context.locale.text("res_countersign"))", data: data,
                                 request: request, context: context, status: status)
    }

    @Sendable func countersign(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        let throttleKey = "countersign:\(account.id!)"
        try await countersignThrottle.requireAllowed(username: throttleKey, address: context.clientAddress)
        do {
            let (store, electionID, accountID, password) = (database, election.id!, account.id!, form["password"] ?? "")
            let certified = try await PasswordWork.shared.run {
                try store.countersignResult(electionID: electionID, accountID: accountID, password: password, actor: Actor(account))
            }
            await countersignThrottle.recordSuccess(username: throttleKey)
            return try render(request, context, notice: "已会签（\(certified.countersignatures.count)/\(certified.required)） Countersigned (\(certified.countersignatures.count) of \(certified.required))")
        } catch let error as CommunityError {
            if error == .authenticationFailed { await countersignThrottle.recordFailure(username: throttleKey, address: context.clientAddress) }
            return try renderCountersign(request, context, error: error.description, status: .unprocessableContent)
        }
    }

    // MARK: Record

    @Sendable func recordArchive(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        guard try database.certifiedResult(electionID: election.id!) != nil else {
            throw HTTPError(.notFound, message: "the record is published once the result is certified")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let name = "xuanyi-record-election-\(election.id!)"
        let directory = scratch.appendingPathComponent(name)
        _ = try database.exportRecord(electionID: election.id!, to: directory, signingKey: try elections.signingKey(for: election))
        let zip = scratch.appendingPathComponent(name + ".zip")
        try RecordArchive.zip(directory, to: zip)
        let data = try Data(contentsOf: zip)
        return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name).zip\"",
                                               .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Certificates

    @Sendable func certificatePage(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        guard let person = context.parameters.get("person", as: Int64.self),
              let certificate = try database.certificates(electionID: election.id!, signingKey: try elections.signingKey(for: election))
                .first(where: { $0.certificate.person == person }) else { throw HTTPError(.notFound) }
        let c = certificate.certificate
        var data: [String: Any] = [
            "election": elections.summary(election), "name": c.name, "post": c.post.chinese, "postEnglish": c.post.english, "votes": c.votes,
            "round": c.round, "code": certificate.code, "statement": c.statement, "certificateTitle": c.title,
            "final": try database.certifiedResult(electionID: election.id!)?.isFinal ?? false,
            "termEnds": c.termEnds ?? "",
        ]
        if let annulment = try database.annulment(electionID: election.id!) { data["void"] = ["notice": annulment.noticeNumber] }
        return try renderer.page("certificate", title: "\(c.name) · \(context.locale.text("res_certificate"))", data: data, request: request, context: context)
    }

    func checkCertificate(_ request: Request) throws -> (code: String, found: (certificate: SignedCertificate, final: Bool)?) {
        let code = (request.uri.queryParameters.get("code") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !code.isEmpty, code.count <= 200 else { return (code, nil) }
        return (code, try database.verifyCertificate(code: code))
    }

    @Sendable func verifyCertificatePage(request: Request, context: AppRequestContext) async throws -> Response {
        let (code, found) = try checkCertificate(request)
        var data: [String: Any] = ["code": code, "checked": !code.isEmpty]
        if let found {
            data["valid"] = ["name": found.certificate.certificate.name, "post": found.certificate.certificate.post.chinese,
                             "title": found.certificate.certificate.title, "votes": found.certificate.certificate.votes,
                             "final": found.final, "election": found.certificate.certificate.election,
                             "void": try database.annulment(electionID: found.certificate.certificate.election) != nil] as [String: Any]
        }
        return try renderer.page("certificate_verify", title: context.locale.text("res_verify_title"), data: data, request: request, context: context)
    }

    struct CertificateCheck: Encodable {
        let code: String
        let valid: Bool
        let final: Bool
        let certificate: Certificate?
        /// The certificate's election result was declared void: the certificate is cancelled.
        let annulled: Bool
    }

    @Sendable func verifyCertificateAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (code, found) = try checkCertificate(request)
        let annulled = try found.map { try database.annulment(electionID: $0.certificate.certificate.election) != nil } ?? false
        return try JSONResponse.make(CertificateCheck(code: code, valid: found != nil, final: found?.final ?? false, certificate: found?.certificate.certificate,
                                                      annulled: annulled))
    }

    // MARK: API

    struct ResultDocument: Encodable {
        struct Counter: Encodable {
            let member: Int64
            let name: String
            let key: String
            let at: String
        }
        /// A closed round: its figures, every person's votes (listed candidates with 0
        /// included) and every decision, as in the record's tally.json.
        struct Round: Encodable {
            let number: Int
            let kind: String
            let issued: Int
            let collected: Int
            let invalid: Int
            let blank: Int
            let votes: [PersonVotes]
            let steps: [TallyStep]
        }
        let election: Int64
        let final: Bool
        let openRound: Int?
        let rounds: [Round]
        /// What the election committee must act on (close relatives elected together, no
        /// ethnic-minority member where one is expected), in zh and en.
        let warnings: [Warning]
        struct Warning: Encodable {
            let kind: String
            let persons: [Int64]
            let zh: String
            let en: String
        }
        let elected: [ElectedMember]
        let names: [String: String]
        let vacant: [String: Int]
        let acting: Int64?
        let pending: [String]
        let certified: Bool
        let statement: String?
        let statementDigest: String?
        let countersignatures: [Counter]
        let countersignaturesRequired: Int?
        let record: String?
        /// The annulment of the certified result (null while it stands).
        let annulment: AnnulmentController.Document?
    }

    @Sendable func resultAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, result, certified) = try visibleResult(context)
        let persons = Set(result.outcome.elected.map(\.person)).union(result.rounds.flatMap { $0.standings.map(\.person) })
        let rounds = zip(result.rounds, result.outcome.rounds).map { input, decided in
            ResultDocument.Round(number: input.number, kind: input.kind.rawValue, issued: input.issued, collected: input.count.collected,
                                 invalid: input.count.invalid, blank: input.count.blank, votes: input.standings, steps: decided.outcome.steps)
        }
        return try JSONResponse.make(ResultDocument(
            election: election.id!, final: (certified?.isFinal ?? false), openRound: result.openRound, rounds: rounds,
            warnings: result.warnings.map { .init(kind: $0.kind.rawValue, persons: $0.persons, zh: $0.chinese(result.name), en: $0.english(result.name)) },
            elected: result.outcome.elected,
            names: Dictionary(uniqueKeysWithValues: persons.map { (String($0), result.name($0)) }),
            vacant: Dictionary(uniqueKeysWithValues: result.outcome.vacant.map { ($0.key.rawValue, $0.value) }), acting: result.outcome.acting,
            pending: result.outcome.pending.map { "\($0.kind.rawValue): " + Self.describe($0.next, name: result.name, english: true) },
            certified: certified != nil, statement: certified.map { String(decoding: $0.statementBytes, as: UTF8.self) },
            statementDigest: certified?.statementDigest,
            countersignatures: certified?.countersignatures.map {
                ResultDocument.Counter(member: $0.countersignature.member, name: $0.countersignature.name, key: $0.countersignature.key, at: $0.countersignature.at)
            } ?? [],
            countersignaturesRequired: certified?.required, record: certified.map { _ in "/elections/\(election.id!)/record.zip" },
            annulment: try database.annulment(electionID: election.id!).map { AnnulmentController.Document(election: election, annulment: $0) }))
    }

    // MARK: Statistics (§9)

    func statistics(_ context: AppRequestContext) throws -> (Election, ElectionStatistics) {
        let (election, _, _) = try visibleResult(context)
        return (election, try database.electionStatistics(electionID: election.id!))
    }

    @Sendable func statisticsPage(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, statistics) = try statistics(context)
        var sections: [[String: Any]] = []
        for row in statistics.rows {
            if sections.last?["section"] as? String != row.section { sections.append(["section": row.section, "rows": [[String: Any]]()]) }
            var rows = sections[sections.count - 1]["rows"] as! [[String: Any]]
            rows.append(["item": row.item, "value": row.value])
            sections[sections.count - 1]["rows"] = rows
        }
        let data: [String: Any] = ["election": elections.summary(election), "electionID": election.id!, "sections": sections,
                                   "members": statistics.members.map { ["post": $0.post.chinese, "name": $0.name, "gender": $0.gender.chinese, "age": $0.age,
                                                                         "education": $0.education ?? "未登记", "ethnicity": $0.ethnicity,
                                                                         "reElected": $0.reElected ? "连任" : "新当选"] as [String: Any] }]
        return try renderer.page("statistics", title: "\(election.title) · \(context.locale.text("stats_title"))", data: data, request: request, context: context)
    }

    @Sendable func statisticsCSV(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, statistics) = try statistics(context)
        return CSVResponse.make(statistics.csv, fileName: "statistics-election-\(election.id!).csv")
    }

    struct StatisticsDocument: Encodable {
        struct Row: Encodable {
            let section: String
            let item: String
            let value: String
        }
        let election: Int64
        let rows: [Row]
    }

    @Sendable func statisticsAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, statistics) = try statistics(context)
        return try JSONResponse.make(StatisticsDocument(election: election.id!, rows: statistics.rows.map { .init(section: $0.section, item: $0.item, value: $0.value) }))
    }
}
