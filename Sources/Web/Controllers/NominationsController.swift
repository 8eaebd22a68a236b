import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Election setup after the roll: the rule set, the election committee, nominations,
/// primaries, the candidate list and the ballot paper — the committee's pages, the public
/// candidate list and ballot specimen, and their JSON API.
struct NominationsController {
    /// The elections controller: finding an election, its summary, its signing key.
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/elections/:id/rules", use: rulesPage)
        staff.get("/elections/:id/nominations", use: nominationsPage)
        staff.post("/elections/:id/nominations", use: fileNomination)
        staff.post("/elections/:id/nominees/:nid/respond", use: respond)
        staff.post("/elections/:id/nominees/:nid/withdraw", use: withdraw)
        staff.get("/api/v1/elections/:id/timeline", use: timelineAPI)
        staff.post("/api/v1/elections/:id/nominations", use: nominationAPI)
        let committee = routes.only(Roles.committee)
        committee.post("/elections/:id/rules", use: saveRules)
        committee.post("/elections/:id/rules/preset", use: loadPreset)
        committee.post("/elections/:id/committee", use: addMember)
        committee.post("/elections/:id/committee/:mid/step-down", use: stepDown)
        committee.post("/elections/:id/relatives", use: declareRelative)
        committee.post("/elections/:id/primaries", use: recordPrimary)
        committee.post("/elections/:id/candidates/publish", use: publishCandidates)
        // Public once published: the candidate list and ballot paper; the rules once frozen
        // (before, staff only: `requireWhileUnpublished`)
        let open = routes.open()
        open.get("/elections/:id/candidates", use: publicCandidates)
        open.get("/elections/:id/ballot", use: ballotPage)
        open.get("/api/v1/elections/:id/rules", use: rulesAPI)
        open.get("/api/v1/elections/:id/candidates", use: candidatesAPI)
        open.get("/api/v1/elections/:id/ballot-paper", use: ballotPaperAPI)
    }

    static func today() -> CivilDate { CivilDate.today() }

    // MARK: Rule set

    @Sendable func rulesPage(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderRules(try elections.election(context), request: request, context: context)
    }

    func renderRules(_ election: Election, notice: String? = nil, error: String? = nil, values: [String: String] = [:],
                     request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let english = context.locale != .zhHans
        let sections: [[String: Any]] = RuleField.Section.allCases.map { section in
            ["title": context.locale.text("rules_section_\(section.rawValue)"),
             "fields": RuleSet.fields.filter { $0.section == section }.map { field -> [String: Any] in
                 let value = values[field.key] ?? field.value(in: election.rules)
                 var item: [String: Any] = ["key": field.key, "label": english ? field.english : field.label, "source": field.source, "value": value,
                                            "superseded": field.superseded ?? ""]
                 switch field.kind {
                 case .flag: item["flag"] = true; item["checked"] = value == "true"
                 case .choice(let options): item["options"] = options.map { ["value": $0, "selected": $0 == value] }
                 case .text: item["text"] = true; item["wide"] = true    // a citation: a long line
                 default: item["text"] = true
                 }
                 return item
             }]
        }
        let presets: [[String: Any]] = RulePreset.shipped.map { preset in
            ["id": preset.id, "name": english ? preset.english : preset.name, "source": english ? preset.sourceEnglish : preset.source,
             "note": english ? preset.noteEnglish : preset.note,
             "values": preset.values.keys.sorted().map { key -> [String: Any] in
                 ["key": key, "value": preset.values[key] ?? "", "citation": preset.citations[key] ?? "", "unchecked": preset.unchecked.contains(key)]
             }]
        }
        var data: [String: Any] = ["election": elections.summary(election), "sections": sections, "editable": election.status == .preparing,
                                   "committeeSize": election.rules.committeeSize, "presets": presets]
        data["digest"] = election.rulesDigest
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("election_rules", title: "\(election.title) · \(context.locale.text("rules_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    @Sendable func saveRules(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        var values: [String: String] = [:]
        for field in RuleSet.fields {
            // A flag's checkbox comes before a hidden "false" of the same name: the first value wins.
            if let value = form[field.key] { values[field.key] = value }
        }
        do {
            let updated = try database.updateRules(electionID: election.id!, values, actor: Actor(account))
            return try renderRules(updated, notice: context.locale.text("rules_saved"), request: request, context: context)
        } catch let error as CommunityError {
            return try renderRules(election, error: error.description, values: values, request: request, context: context, status: .unprocessableContent)
        }
    }

    /// Loads a shipped preset (L25, GS25 …) into the rule set while it is editable.
    @Sendable func loadPreset(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let updated = try database.applyRulePreset(electionID: election.id!, presetID: form["preset"] ?? "", actor: Actor(account))
            return try renderRules(updated, notice: context.locale.text("rules_preset_loaded") + " " + (form["preset"] ?? ""), request: request, context: context)
        } catch let error as CommunityError {
            return try renderRules(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Nominations page

    @Sendable func nominationsPage(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderNominations(try elections.election(context), request: request, context: context)
    }

    func renderNominations(_ election: Election, notice: String? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                           status: HTTPResponse.Status = .ok) throws -> Response {
        let id = election.id!
        let en = context.locale != .zhHans
        func post(_ post: Post) -> String { en ? post.english : post.chinese }
        let rules = election.rules
        let nominees = try database.nominees(electionID: id)
        let names = Dictionary(uniqueKeysWithValues: nominees.map { ($0.nominee.id!, $0.name) })
        let members = try database.committeeMembers(electionID: id).map { item -> [String: Any] in
            ["id": item.member.id!, "name": item.name, "username": item.username, "active": item.member.active,
             "roles": item.member.roleList.map { en ? $0.rawValue : $0.chinese }.joined(separator: en ? ", " : "、"), "leftOn": item.member.leftOn?.description ?? "",
             "leftReason": item.member.leftReason ?? ""]
        }
        let conflicts = try database.committeeConflicts(electionID: id).map { conflict -> [String: Any] in
            ["memberID": conflict.member.id!, "member": conflict.memberName, "nominee": conflict.nomineeName, "post": post(conflict.post),
             "kinship": en ? conflict.kinship.rawValue : conflict.kinship.chinese, "self": conflict.kinship == .same, "polling": conflict.pollingRoleBarred]
        }
        let slates = try database.candidateSlates(electionID: id).map { slate -> [String: Any] in
            var item: [String: Any] = ["post": post(slate.post), "postKey": slate.post.rawValue, "seats": slate.seats,
                                       "margin": "\(slate.margin.lowerBound)–\(slate.margin.upperBound)", "uncontested": slate.uncontested]
            switch slate.state {
            case .ready(let ids):
                item["ready"] = true
                item["list"] = ids.compactMap { names[$0] }.joined(separator: "、")
            case .tooFew(let have, let need):
                item["tooFew"] = "\(have) / \(need)"
            case .primaryNeeded(let count, let places):
                item["primary"] = true
                item["primaryText"] = "\(count) → \(places)"
                item["standing"] = nominees.filter { $0.nominee.post == slate.post && $0.nominee.status == .accepted }
                    .map { ["id": $0.nominee.id!, "name": $0.name] as [String: Any] }
            case .primaryTie(let tied, let open):
                item["primary"] = true
                item["tie"] = true
                item["primaryText"] = "\(tied.compactMap { names[$0] }.joined(separator: "、")) → \(open)"
                item["standing"] = tied.map { ["id": $0, "name": names[$0] ?? ""] as [String: Any] }
            }
            let rounds = try database.primaryRounds(electionID: id, post: slate.post)
            item["rounds"] = rounds.map { round -> [String: Any] in
                ["round": round.round.round, "heldOn": round.round.heldOn.description, "participants": round.round.participants,
                 "rollSize": round.round.rollSize,
                 "votes": round.votes.sorted { $0.votes > $1.votes }.map { "\(names[$0.nominee] ?? "?") \($0.votes)" }.joined(separator: "，")]
            }
            return item
        }
        let open = election.status == .rollPublished
        var data: [String: Any] = [
            "election": elections.summary(election), "members": members, "conflicts": conflicts, "slates": slates,
            "hasConflicts": !conflicts.isEmpty, "open": open, "listPublished": election.status == .candidatesPublished,
            "preparing": election.status == .preparing,
            "nominees": nominees.map { line -> [String: Any] in
                ["id": line.nominee.id!, "name": line.name, "post": post(line.nominee.post), "rollNumber": line.rollNumber ?? 0,
                 "gender": en ? (line.gender == .male ? "M" : "F") : line.gender.chinese, "age": line.age, "votes": line.nominationVotes, "nominations": line.nominations,
                 "status": context.locale.text("nominee_\(line.nominee.status.rawValue)"),
                 "awaiting": line.nominee.status == .awaiting && open, "standing": line.nominee.status == .accepted || line.nominee.status == .awaiting,
                 "education": line.nominee.education ?? "", "occupation": line.nominee.occupation ?? ""]
            },
            "posts": rules.posts.map { ["value": $0.rawValue, "label": post($0)] },
            "kinds": NominationKind.allCases.filter { kind in
                switch kind {
                case .joint: return rules.allowJointNomination
                case .household: return rules.allowHouseholdNomination
                case .group: return rules.allowGroupNomination
                case .selfNomination: return rules.allowSelfNomination
                }
            }.map { ["value": $0.rawValue, "label": en ? $0.rawValue : $0.chinese] },
            "roles": CommitteeRole.allCases.map { ["value": $0.rawValue, "label": en ? $0.rawValue : $0.chinese] },
            "kinships": Kinship.allCases.filter { $0 != .same }.map { ["value": $0.rawValue, "label": en ? $0.rawValue : $0.chinese] },
            "rules": ["jointNominators": rules.jointNominators, "jointHouseholdNominators": rules.jointHouseholdNominators,
                      "minimum": rules.electionCommitteeMinimum],
            "listDeadline": election.electionDay.adding(days: -rules.candidateListDays).description,
            "nominationsClose": election.electionDay.adding(days: -rules.nominationCloseDays).description,
            "today": Self.today().description,
        ]
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return try renderer.page("nominations", title: "\(election.title) · \(context.locale.text("nominations_title"))", data: data,
                                 request: request, context: context, status: status)
    }

    /// Runs an action (its route's role group let the account in) and shows the nominations
    /// page with its outcome or its error.
    func act(_ request: Request, _ context: AppRequestContext,
             _ action: (Election, Account, FormFields) throws -> String) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let notice = try action(election, account, form)
            return try renderNominations(try database.election(id: election.id!), notice: notice, request: request, context: context)
        } catch let error as CommunityError {
            return try renderNominations(try database.election(id: election.id!), error: error.description, request: request, context: context,
                                         status: .unprocessableContent)
        } catch let error as NotaryError {
            return try renderNominations(try database.election(id: election.id!), error: error.description, request: request, context: context,
                                         status: .unprocessableContent)
        }
    }

    func resident(_ form: FormFields, _ key: String, _ election: Election) throws -> Resident {
        let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw CommunityError.invalid(field: key, reason: "enter an ID number") }
        return try database.resident(idNumber: text, communityID: election.communityID)
    }

    @Sendable func addMember(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let person = try resident(form, "idNumber", election)
            let roles = CommitteeRole.allCases.filter { form["role.\($0.rawValue)"] == "yes" }
            guard !roles.isEmpty else { throw CommunityError.invalid(field: "roles", reason: "tick at least one role") }
            try database.addCommitteeMember(electionID: election.id!, username: form["username"] ?? "", residentID: person.id!, roles: roles,
                                            on: Self.today(), actor: Actor(account))
            return context.locale.text("done_member_added", ["name": person.name])
        }
    }

    @Sendable func stepDown(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let memberID = context.parameters.get("mid").flatMap(Int64.init),
                  try database.committeeMembers(electionID: election.id!).contains(where: { $0.member.id == memberID }) else {
                throw CommunityError.notFound("committee member")
            }
            try database.stepDown(memberID: memberID, reason: form["reason"] ?? "", on: Self.today(), actor: Actor(account))
            return context.locale.text("done_stepped_down")
        }
    }

    @Sendable func declareRelative(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let person = try resident(form, "idNumber", election)
            let relative = try resident(form, "relativeIDNumber", election)
            guard let kinship = Kinship(rawValue: form["kinship"] ?? ""), kinship != .same else {
                throw CommunityError.invalid(field: "kinship", reason: "choose the relation")
            }
            try database.declareRelative(electionID: election.id!, residentID: person.id!, relativeID: relative.id!, kinship: kinship, actor: Actor(account))
            return context.locale.text("done_relation", ["name": person.name, "relative": relative.name, "kinship": context.locale == .zhHans ? kinship.chinese : kinship.rawValue])
        }
    }

    /// Reads roll numbers: `12 15 17`, `12,15`, or ranges such as `20-29`.
    static func rollNumbers(_ text: String, field: String) throws -> [Int] {
        var numbers: [Int] = []
        for token in text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isWhitespace }) {
            let parts = token.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high, high - low < 500 {
                numbers += Array(low...high)
            } else if parts.count == 1, let number = Int(token) {
                numbers.append(number)
            } else {
                throw CommunityError.invalid(field: field, reason: "\"\(token)\" is not a roll number or a range like 20-29")
            }
        }
        return numbers
    }

    func signingKey(for election: Election) throws -> Ed25519PrivateKey { try elections.signingKey(for: election) }

    @Sendable func fileNomination(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let post = Post(rawValue: form["post"] ?? "") else { throw CommunityError.invalid(field: "post", reason: "choose a post") }
            guard let kind = NominationKind(rawValue: form["kind"] ?? "") else { throw CommunityError.invalid(field: "kind", reason: "choose how") }
            guard let nominee = Int((form["nominee"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "nominee", reason: "the nominee's roll number")
            }
            let nominators = try Self.rollNumbers(form["nominators"] ?? "", field: "nominators")
            let (nomination, receipt) = try database.fileNomination(
                electionID: election.id!, NewNomination(post: post, kind: kind, nominee: nominee, nominators: nominators,
                                                        groupName: form["group"]?.nilIfEmpty, filerName: form["filerName"]?.nilIfEmpty),
                signingKey: try signingKey(for: election), actor: Actor(account))
            let data: [String: Any] = [
                "election": elections.summary(election), "seq": nomination.seq, "tracking": nomination.tracking, "filedAt": ReadableTime.text(nomination.filedAt, context.locale),
                "post": post.chinese, "kind": kind.chinese, "filer": nomination.filerName, "compact": receipt.compactText,
                "keyID": receipt.statement.key, "receiptJSON": String(decoding: receipt.jsonRepresentation, as: UTF8.self),
            ]
            return try renderer.page("nomination_receipt", title: context.locale.text("nomination_receipt_title"), data: data, request: request,
                                     context: context, status: .created)
        } catch let error as CommunityError {
            return try renderNominations(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        } catch let error as NotaryError {
            return try renderNominations(election, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    func nomineeID(_ context: AppRequestContext, election: Election) throws -> Int64 {
        guard let id = context.parameters.get("nid").flatMap(Int64.init),
              try database.nominees(electionID: election.id!).contains(where: { $0.nominee.id == id }) else {
            throw CommunityError.notFound("nominee")
        }
        return id
    }

    @Sendable func respond(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let id = try nomineeID(context, election: election)
            let accept = form["decision"] == "accept"
            try database.respondToNomination(nomineeID: id, accept: accept, education: form["education"], occupation: form["occupation"],
                                             statement: form["statement"], on: Self.today(), actor: Actor(account))
            return accept ? "已接受提名 Accepted" : "已拒绝提名 Declined"
        }
    }

    @Sendable func withdraw(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            try database.withdrawNominee(nomineeID: try nomineeID(context, election: election), note: form["note"] ?? "", on: Self.today(), actor: Actor(account))
        }
    }

    @Sendable func recordPrimary(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            guard let post = Post(rawValue: form["post"] ?? "") else { throw CommunityError.invalid(field: "post", reason: "choose a post") }
            guard let heldOn = CivilDate(form["heldOn"] ?? "") else { throw CommunityError.invalid(field: "heldOn", reason: "a date (YYYY-MM-DD)") }
            guard let participants = Int((form["participants"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw CommunityError.invalid(field: "participants", reason: "how many voters took part")
            }
            var votes: [Int64: Int] = [:]
            for (key, value) in form.values where key.hasPrefix("votes.") {
                guard let id = Int64(key.dropFirst(6)), let count = Int(value.trimmingCharacters(in: .whitespaces)) else {
                    throw CommunityError.invalid(field: key, reason: "a whole number of votes")
                }
                votes[id] = count
            }
            let round = try database.recordPrimary(electionID: election.id!, post: post, heldOn: heldOn, participants: participants, votes: votes,
                                                   actor: Actor(account))
            return context.locale.text("done_primary", ["post": context.locale == .zhHans ? post.chinese : post.english, "round": round.round])
        }
    }

    @Sendable func publishCandidates(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context) { election, account, form in
            let lines = try database.publishCandidateList(electionID: election.id!, on: Self.today(), allowLate: form["allowLate"] == "yes", actor: Actor(account))
            return context.locale.text("done_candidates", ["count": lines.count])
        }
    }

    // MARK: Public

    func publishedList(_ context: AppRequestContext) throws -> (Election, [CandidateLine]) {
        let election = try elections.election(context)
        guard election.status == .candidatesPublished else { throw WebError.notFound }
        return (election, try database.candidateList(electionID: election.id!, includeWithdrawn: true))
    }

    @Sendable func publicCandidates(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, lines) = try publishedList(context)
        let english = context.locale != .zhHans
        let rules = election.rules
        let posts: [[String: Any]] = rules.posts.map { post in
            ["post": english ? post.english : post.chinese, "seats": rules.seats(for: post),
             "candidates": lines.filter { $0.post == post }.map { line -> [String: Any] in
                 ["position": line.position, "name": line.name, "gender": english ? (line.gender == .male ? "M" : "F") : line.gender.chinese,
                  "age": line.age, "education": line.education, "occupation": line.occupation, "statement": line.statement,
                  "votes": line.votes, "active": line.active, "toppedUp": line.toppedUp, "withdrawnOn": line.withdrawnOn?.description ?? ""]
             }]
        }
        let data: [String: Any] = [
            "election": elections.summary(election), "community": try database.servedCommunity().name, "posts": posts,
            "publishedOn": election.candidateListPublishedOn?.description ?? "", "late": election.candidateListLate,
            "order": context.locale.text("order_\(rules.candidateOrder.rawValue)"), "byVotes": rules.candidateOrder == .nominationVotes,
            "keyFingerprint": try database.electionKeyFingerprint(electionID: election.id!) ?? "",
        ]
        return try renderer.page("candidates_public", title: "\(election.title) · \(context.locale.text("candidates_title"))", data: data,
                                 request: request, context: context)
    }

    /// The papers to print or serve: `?round=N` the paper round N was opened with (a 另行选举,
    /// revote or women-only round included); `?pending=K` the paper of the K-th round the
    /// result still asks for, before it opens (staff: it shows the closed rounds' outcome);
    /// otherwise the main round's paper(s) from the published candidate list.
    func papers(_ request: Request, _ context: AppRequestContext) throws -> (Election, [BallotPaper]) {
        let query = request.uri.queryParameters
        if let text = query.get("round") {
            let election = try elections.election(context)
            guard let number = Int(text) else { throw WebError.badRequest(field: "round", reason: "not a round number") }
            guard let round = try database.rounds(electionID: election.id!).first(where: { $0.number == number }) else { throw WebError.notFound }
            return (election, [try round.paper()])
        }
        if let text = query.get("pending") {
            try context.requireWhileUnpublished(anyOf: Roles.staff)
            let election = try elections.election(context)
            guard let index = Int(text) else { throw WebError.badRequest(field: "pending", reason: "not a pending round's index") }
            do {
                return (election, [try database.pendingPaper(electionID: election.id!, index: index)])
            } catch CommunityError.invalid {
                throw WebError.notFound
            }
        }
        let (election, lines) = try publishedList(context)
        return (election, BallotPaper.mainRound(election: election, communityName: try database.servedCommunity().name, candidates: lines))
    }

    @Sendable func ballotPage(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, papers) = try self.papers(request, context)
        let rounds = try database.rounds(electionID: election.id!)
        let data: [String: Any] = [
            "rounds": rounds.map { ["number": $0.number, "kind": context.locale == .zhHans ? $0.kind.chinese : $0.kind.rawValue] as [String: Any] },
            "hasRounds": !rounds.isEmpty,
            "election": elections.summary(election),
            "papers": try papers.map { paper -> [String: Any] in
                ["title": paper.title, "electionDay": CivilDate(paper.electionDay).map { ReadableTime.day($0, .zhHans) } ?? paper.electionDay, "seal": paper.sealLabel, "digest": try paper.digest(),
                 "instructions": paper.instructions.enumerated().map { ["n": $0.offset + 1, "text": $0.element] },
                 "sections": paper.sections.map { section -> [String: Any] in
                     ["title": section.title, "seats": section.seats, "womenOnly": section.womenOnly,
                      "candidates": section.candidates.map { ["name": $0.name] },
                      "writeIns": (0..<section.writeInLines).map { ["n": $0 + 1] }]
                 }]
            },
        ]
        return try renderer.page("ballot_paper", title: "\(election.title) · \(context.locale.text("ballot_title"))", data: data,
                                 request: request, context: context)
    }

    // MARK: API

    struct RulesDocument: Encodable {
        let election: Int64
        let frozen: Bool
        let digest: String?
        let rules: RuleSet
    }

    @Sendable func rulesAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        if !election.rulesFrozen { try context.requireWhileUnpublished(anyOf: Roles.staff) }
        return try JSONResponse.make(RulesDocument(election: election.id!, frozen: election.rulesFrozen, digest: election.rulesDigest, rules: election.rules))
    }

    struct TimelineStep: Encodable {
        let key: String
        let title: String
        let kind: String
        let date: String
        let doneOn: String?
        let late: Bool
    }

    @Sendable func timelineAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let today = Self.today()
        return try JSONResponse.make(ElectionTimeline(election: election).steps.map { step in
            TimelineStep(key: step.key, title: step.chinese, kind: "\(step.kind)", date: step.date.description,
                         doneOn: step.doneOn?.description, late: step.isLate(today: today))
        })
    }

    struct NominationRequest: Decodable {
        let post: String
        let kind: String
        let nominee: Int
        let nominators: [Int]?
        let group: String?
        let filerName: String?
    }

    @Sendable func nominationAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        var request = request
        let input = try await request.decodeJSON(NominationRequest.self, context: context, expected: "a JSON object with post, kind, nominee and nominators")
        guard let post = Post(rawValue: input.post) else { throw WebError.badRequest(field: "post", reason: Post.allCases.map(\.rawValue).joined(separator: ", ")) }
        guard let kind = NominationKind(rawValue: input.kind) else {
            throw WebError.badRequest(field: "kind", reason: NominationKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let (nomination, receipt) = try database.fileNomination(
            electionID: election.id!, NewNomination(post: post, kind: kind, nominee: input.nominee, nominators: input.nominators ?? [],
                                                    groupName: input.group, filerName: input.filerName),
            signingKey: try signingKey(for: election), actor: Actor(account))
        return try JSONResponse.make(ReceiptResponse(seq: nomination.seq, receipt), status: .created)
    }

    struct CandidateListDocument: Encodable {
        let election: Int64
        let publishedOn: String
        let order: String
        let candidates: [CandidateLine]
    }

    @Sendable func candidatesAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, lines) = try publishedList(context)
        return try JSONResponse.make(CandidateListDocument(election: election.id!, publishedOn: election.candidateListPublishedOn?.description ?? "",
                                                           order: election.rules.candidateOrder.rawValue, candidates: lines))
    }

    struct PaperDocument: Encodable {
        let digest: String
        let paper: BallotPaper
    }

    @Sendable func ballotPaperAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (_, papers) = try self.papers(request, context)
        return try JSONResponse.make(try papers.map { PaperDocument(digest: try $0.digest(), paper: $0) })
    }
}
