import Community
import Councils
import Foundation
import Hummingbird
import Notary

/// Meetings (居民会议, 居民代表会议, 议事园会议): planning and agenda, the notice (printable),
/// the attendance roll with live quorum, clerk and self check-in, votes per item, closing,
/// and minutes from draft through approval to signed publication; public pages for noticed
/// meetings and published minutes; the JSON API.
struct MeetingsController {
    let garden: GardenContext
    var database: AppDatabase { garden.database }
    var renderer: PageRenderer { garden.renderer }

    func addRoutes(to routes: Routes) {
        let committee = routes.only(Roles.committee)
        committee.post("/meetings", use: create)
        committee.post("/meetings/:id/items", use: addItem)
        committee.post("/meetings/:id/items/:item/remove", use: removeItem)
        committee.post("/meetings/:id/publish-notice", use: publishNotice)
        committee.post("/meetings/:id/postpone", use: postpone)
        committee.post("/meetings/:id/items/:item/party-discussion", use: partyDiscussion)
        committee.post("/meetings/:id/cancel", use: cancel)
        committee.post("/meetings/:id/close", use: close)
        committee.post("/meetings/:id/minutes/publish", use: publishMinutes)
        let staff = routes.only(Roles.staff)
        staff.post("/meetings/:id/open", use: open)
        staff.get("/meetings/:id/attendance", use: attendance)
        staff.post("/meetings/:id/attendance/:attendee", use: mark)
        staff.post("/meetings/:id/items/:item/vote", use: vote)
        staff.post("/meetings/:id/items/:item/defer", use: deferItem)
        staff.post("/meetings/:id/minutes", use: draftMinutes)
        staff.post("/meetings/:id/minutes/approve", use: approveMinutes)
        staff.post("/api/v1/meetings/:id/attendance", use: attendanceAPI)
        staff.post("/api/v1/meetings/:id/items/:item/votes", use: voteAPI)
        // Public (drafts only to staff); attendees check themselves in with their household sign-in
        let anyone = routes.open()
        anyone.get("/meetings", use: list)
        anyone.get("/meetings/:id", use: show)
        anyone.get("/meetings/:id/notice", use: notice)
        anyone.get("/meetings/:id/check-in", use: selfCheckInForm)
        anyone.post("/meetings/:id/check-in", use: selfCheckIn)
        anyone.get("/meetings/:id/minutes.json", use: minutesDocument)
        anyone.get("/meetings/:id/minutes.sig", use: minutesSignature)
        anyone.get("/api/v1/meetings", use: listAPI)
        anyone.get("/api/v1/meetings/:id", use: showAPI)
    }

    func meeting(_ context: AppRequestContext, publicOnly: Bool = false) throws -> Meeting {
        guard let id = GardenContext.int64(context.parameters.get("id")) else { throw WebError.notFound }
        let meeting: Meeting
        do { meeting = try database.meeting(id: id) } catch CommunityError.notFound { throw WebError.notFound }
        guard meeting.communityID == (try garden.communityID()) else { throw WebError.notFound }
        // Drafts are the committee's; the public sees meetings once their notice is out.
        if meeting.status == .draft && !garden.isStaff(context) { throw WebError.notFound }
        return meeting
    }

    func item(_ context: AppRequestContext, of meeting: Meeting) throws -> MeetingItem {
        guard let id = GardenContext.int64(context.parameters.get("item")),
              let item = try database.agenda(meetingID: meeting.id!).first(where: { $0.id == id }) else { throw WebError.notFound }
        return item
    }

    static func kindName(_ kind: MeetingKind, _ context: AppRequestContext) -> String { GardenContext.zh(context) ? kind.chinese : kind.english }

    func summary(_ meeting: Meeting, _ context: AppRequestContext) -> [String: Any] {
        ["id": meeting.id!, "title": meeting.title, "kind": Self.kindName(meeting.kind, context), "basis": meeting.basis.chinese,
         "date": meeting.date.description, "time": meeting.time, "venue": meeting.venue, "status": context.locale.text("m_status_\(meeting.status.rawValue)"),
         "noticeOn": meeting.noticeOn?.description ?? "", "entitled": meeting.entitled, "noticeRevision": meeting.noticeRevision,
         "renoticed": meeting.noticeRevision > 1, "cancelled": meeting.status == .cancelled, "cancelReason": meeting.cancelReason ?? "",
         "postponedFrom": meeting.postponedFrom?.description ?? ""].merging(meeting.lateNoticeReason.map { ["late": $0] } ?? [:]) { a, _ in a }
    }

    // MARK: List and plan

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request: request, context: context)
    }

    func renderList(values: [String: String] = [:], error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let staff = garden.isStaff(context)
        if let account = context.account, garden.isCommittee(context) {
            // Meetings whose day passed without opening are cancelled, their motions back to accepted.
            try database.cancelLapsedMeetings(communityID: try garden.communityID(), actor: Actor(account))
        }
        let meetings = try database.meetings(communityID: try garden.communityID()).filter { staff || $0.status != .draft }
        var data: [String: Any] = ["meetings": meetings.map { summary($0, context) }, "staff": staff]
        if garden.isCommittee(context) {
            let defaultDay = CivilDate.today().adding(days: try database.councilSettings(communityID: try garden.communityID()).noticeDays + 1).description
            let accounts = try database.accounts().filter { !$0.disabled && $0.has(anyOf: GardenContext.staff) }
            data["plan"] = [
                "kinds": MeetingKind.allCases.flatMap { kind in kind.bases.map { basis in
                    ["value": "\(kind.rawValue):\(basis.rawValue)", "label": "\(Self.kindName(kind, context))（\(basis.chinese)）",
                     "selected": values["kind"] == "\(kind.rawValue):\(basis.rawValue)"] as [String: Any] } },
                "accounts": accounts.map { ["id": $0.id!, "name": "\($0.displayName) (\($0.username))"] as [String: Any] },
                "titleValue": values["title"] ?? "", "date": values["date"] ?? defaultDay,
                "time": values["time"] ?? "19:00", "venue": values["venue"] ?? "",
            ] as [String: Any]
        }
        if let error { data["error"] = error }
        return try renderer.page("meetings", title: context.locale.text("m_title"), data: data, request: request, context: context, status: status)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            let parts = (form["kind"] ?? "").split(separator: ":").map(String.init)
            guard parts.count == 2, let kind = MeetingKind(rawValue: parts[0]), let basis = AttendanceBasis(rawValue: parts[1]) else {
                throw CommunityError.invalid(field: "kind", reason: "choose the kind of meeting")
            }
            guard let date = CivilDate(form["date"] ?? "") else { throw CommunityError.invalid(field: "date", reason: "a date (YYYY-MM-DD)") }
            guard let chair = GardenContext.int64(form["chair"]), let recorder = GardenContext.int64(form["recorder"]) else {
                throw CommunityError.invalid(field: "chair", reason: "choose the chair and the recorder")
            }
            let meeting = try database.createMeeting(communityID: try garden.communityID(), NewMeeting(
                kind: kind, basis: basis, title: form["title"] ?? "", date: date, time: form["time"] ?? "", venue: form["venue"] ?? "",
                chairAccountID: chair, recorderAccountID: recorder), actor: Actor(account))
            return GardenContext.seeOther("/meetings/\(meeting.id!)")
        } catch let error as CommunityError {
            return try renderList(values: form.values, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Meeting page

    func itemRows(_ meeting: Meeting, _ context: AppRequestContext) throws -> [[String: Any]] {
        try database.agenda(meetingID: meeting.id!).map { item in
            var row: [String: Any] = ["id": item.id!, "meetingID": meeting.id!, "position": item.position, "title": item.title, "passRule": item.passRule.chinese,
                    "decided": item.decision != nil, "decision": item.decision.map { context.locale.text("m_decision_\($0.rawValue)") } ?? "",
                    "passed": item.decision == .passed, "votesFor": item.votesFor ?? 0, "votesAgainst": item.votesAgainst ?? 0, "votesAbstain": item.votesAbstain ?? 0,
                    "counted": item.votesFor != nil, "present": item.present ?? 0, "note": item.decisionNote ?? "",
                    "rollCall": item.method == .rollCall, "important": item.important,
                    "canRecordParty": garden.isCommittee(context) && item.decision == nil && meeting.status != .closed && meeting.status != .cancelled]
            if let motionID = item.motionID { row["motion"] = try database.motion(id: motionID).number }
            if let day = item.partyDiscussedOn {
                row["party"] = ["on": day.description, "summary": item.partyDiscussion ?? ""] as [String: Any]
            }
            return row
        }
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        try renderMeeting(try meeting(context), request: request, context: context)
    }

    func renderMeeting(_ meeting: Meeting, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let staff = garden.isStaff(context), committee = garden.isCommittee(context)
        let quorum = try database.quorum(meetingID: meeting.id!)
        let minutes = try database.minutes(meetingID: meeting.id!)
        var data: [String: Any] = summary(meeting, context)
        data["items"] = try itemRows(meeting, context)
        data["staff"] = staff
        data["committee"] = committee
        data["draft"] = meeting.status == .draft
        data["noticed"] = meeting.status == .noticed
        data["isOpen"] = meeting.status == .open
        data["closed"] = meeting.status == .closed
        data["editableAgenda"] = committee && (meeting.status == .draft || meeting.status == .noticed)
        data["canChange"] = committee && (meeting.status == .draft || meeting.status == .noticed)
        data["quorum"] = ["present": quorum.present, "entitled": quorum.entitled, "needed": quorum.needed, "ok": quorum.hasQuorum] as [String: Any]
        data["passRules"] = PassRule.allCases.map { ["value": $0.rawValue, "label": $0.chinese] }
        data["schedulable"] = try database.motions(communityID: meeting.communityID, filter: MotionFilter(state: "accepted")).map { ["number": $0.motion.number, "title": $0.motion.title] }
            + database.motions(communityID: meeting.communityID, filter: MotionFilter(state: "deferred")).map { ["number": $0.motion.number, "title": $0.motion.title] }
        let chair = try database.account(id: meeting.chairAccountID), recorder = try database.account(id: meeting.recorderAccountID)
        data["chair"] = chair?.displayName ?? ""
        data["recorder"] = recorder?.displayName ?? ""
        if let minutes {
            let published = minutes.publishedAt != nil
            if published || staff {
                data["minutes"] = ["text": minutes.text, "draftedBy": minutes.draftedBy, "draftedAt": minutes.draftedAt,
                                   "chairApproved": minutes.chairApprovedAt ?? "", "recorderApproved": minutes.recorderApprovedAt ?? "",
                                   "published": published, "publishedAt": minutes.publishedAt ?? "", "digest": minutes.digest ?? "", "keyID": minutes.keyID ?? "",
                                   "canApprove": !published && (context.account?.id == meeting.chairAccountID || context.account?.id == meeting.recorderAccountID),
                                   "canPublish": !published && committee && meeting.status == .closed && minutes.chairApprovedAt != nil && minutes.recorderApprovedAt != nil,
                                   "editable": !published && staff] as [String: Any]
            }
        }
        data["canDraft"] = staff && minutes?.publishedAt == nil && (meeting.status == .open || meeting.status == .closed)
        if meeting.status == .open && staff {
            let present = try database.attendees(meetingID: meeting.id!).filter(\.present)
            data["presentAttendees"] = present.map { ["id": $0.id!, "label": $0.label] as [String: Any] }
            data["hasRollCall"] = !present.isEmpty
        }
        if let error { data["error"] = error }
        return try renderer.page("meeting", title: meeting.title, data: data, request: request, context: context, status: status)
    }

    @Sendable func notice(request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try meeting(context)
        guard meeting.status != .draft || garden.isStaff(context) else { throw WebError.notFound }
        var data = summary(meeting, context)
        data["items"] = try itemRows(meeting, context)
        data["community"] = try garden.community().name
        data["quorumRule"] = context.locale.text("m_quorum_\(meeting.kind.rawValue)")
        data["isDraft"] = meeting.status == .draft
        return try renderer.page("meeting_notice", title: "\(context.locale.text("m_notice")) · \(meeting.title)", data: data, request: request, context: context)
    }

    /// Runs an action (its route's role group let the account in): success redirects (PRG), a
    /// refusal re-renders the meeting with the message.
    func act(_ request: Request, context: AppRequestContext, to path: String? = nil,
             _ body: (Meeting, FormFields, Account) throws -> Void) async throws -> Response {
        let account = try context.authorizedAccount()
        let meeting = try meeting(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try body(meeting, form, account)
            return GardenContext.seeOther(path ?? "/meetings/\(meeting.id!)")
        } catch let error as CommunityError {
            return try renderMeeting(try database.meeting(id: meeting.id!), error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func addItem(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            try database.addAgendaItem(meetingID: meeting.id!, title: form["title"], motionNumber: form["motion"],
                                       passRule: PassRule(rawValue: form["passRule"] ?? "") ?? .majorityOfPresent, important: form["important"] == "yes",
                                       lateReason: form["lateReason"], actor: Actor(account))
        }
    }

    @Sendable func removeItem(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            try database.removeAgendaItem(id: try item(context, of: meeting).id!, lateReason: form["lateReason"], actor: Actor(account))
        }
    }

    /// The committee records the community Party organisation's pre-discussion of an item.
    @Sendable func partyDiscussion(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            guard let date = CivilDate(form["date"] ?? "") else { throw CommunityError.invalid(field: "date", reason: "a date (YYYY-MM-DD)") }
            try database.recordPartyPreDiscussion(itemID: try item(context, of: meeting).id!, on: date, summary: form["summary"] ?? "", by: account)
        }
    }

    @Sendable func postpone(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            guard let date = CivilDate(form["date"] ?? "") else { throw CommunityError.invalid(field: "date", reason: "a date (YYYY-MM-DD)") }
            _ = try database.postponeMeeting(id: meeting.id!, to: date, reason: form["reason"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            _ = try database.cancelMeeting(id: meeting.id!, reason: form["reason"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func publishNotice(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            _ = try database.publishNotice(meetingID: meeting.id!, lateReason: form["lateReason"], actor: Actor(account))
        }
    }

    @Sendable func open(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context, to: "/meetings/\(context.parameters.get("id") ?? "")/attendance") { meeting, _, account in
            _ = try database.openMeeting(id: meeting.id!, actor: Actor(account))
        }
    }

    @Sendable func close(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, _, account in
            _ = try database.closeMeeting(id: meeting.id!, actor: Actor(account))
        }
    }

    @Sendable func vote(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            let item = try item(context, of: meeting)
            if form["method"] == "rollCall" {
                var choices: [Int64: String] = [:]
                for (key, value) in form.values where key.hasPrefix("vote_") && !value.isEmpty {
                    if let id = Int64(key.dropFirst(5)) { choices[id] = value }
                }
                try database.recordVote(itemID: item.id!, .rollCall(choices), actor: Actor(account))
            } else {
                func count(_ field: String) throws -> Int {
                    guard let value = Int((form[field] ?? "").trimmingCharacters(in: .whitespaces)) else { throw CommunityError.invalid(field: field, reason: "a whole number") }
                    return value
                }
                try database.recordVote(itemID: item.id!, .counts(for: try count("for"), against: try count("against"), abstain: try count("abstain")), actor: Actor(account))
            }
        }
    }

    @Sendable func deferItem(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            try database.deferItem(itemID: try item(context, of: meeting).id!, reason: form["reason"] ?? "", actor: Actor(account))
        }
    }

    @Sendable func draftMinutes(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, form, account in
            try database.draftMinutes(meetingID: meeting.id!, text: form["text"] ?? "", by: account)
        }
    }

    @Sendable func approveMinutes(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, _, account in
            _ = try database.approveMinutes(meetingID: meeting.id!, by: account)
        }
    }

    @Sendable func publishMinutes(request: Request, context: AppRequestContext) async throws -> Response {
        try await act(request, context: context) { meeting, _, account in
            _ = try database.publishMinutes(meetingID: meeting.id!, signingKey: try garden.signingKey(), actor: Actor(account))
        }
    }

    func published(_ context: AppRequestContext) throws -> MeetingMinutes {
        guard let minutes = try database.minutes(meetingID: try meeting(context).id!), minutes.publishedAt != nil else { throw WebError.notFound }
        return minutes
    }

    /// The signed minutes document, byte for byte.
    @Sendable func minutesDocument(request: Request, context: AppRequestContext) async throws -> Response {
        let minutes = try published(context)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"minutes-\(minutes.meetingID).json\""],
                        body: .init(byteBuffer: ByteBuffer(string: minutes.document ?? "")))
    }

    /// The raw 64-byte Ed25519 signature over minutes.json (for `openssl pkeyutl -verify -rawin`).
    @Sendable func minutesSignature(request: Request, context: AppRequestContext) async throws -> Response {
        let minutes = try published(context)
        guard let signature = minutes.signature.flatMap(Base64.decode) else { throw WebError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"minutes-\(minutes.meetingID).sig\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: signature)))
    }

    // MARK: Attendance

    @Sendable func attendance(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderAttendance(try meeting(context), request: request, context: context)
    }

    func renderAttendance(_ meeting: Meeting, error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let quorum = try database.quorum(meetingID: meeting.id!)
        let attendees = try database.attendees(meetingID: meeting.id!)
        let shown = attendees.filter { query.isEmpty || $0.label.contains(query) || $0.building.contains(query) }
        var data = summary(meeting, context)
        data["isOpen"] = meeting.status == .open
        data["q"] = query
        if meeting.status == .open, let code = meeting.presenceCode { data["presenceCode"] = code }
        data["quorum"] = ["present": quorum.present, "entitled": quorum.entitled, "needed": quorum.needed, "ok": quorum.hasQuorum] as [String: Any]
        data["attendees"] = try shown.prefix(300).map { attendee -> [String: Any] in
            var row: [String: Any] = ["id": attendee.id!, "meetingID": meeting.id!, "label": attendee.label, "building": attendee.building, "present": attendee.present,
                                      "arrivedAt": attendee.arrivedAt ?? "", "leftAt": attendee.leftAt ?? "", "method": attendee.checkInMethod ?? ""]
            // A household's row: the clerk picks which eligible member came.
            if attendee.residentID == nil, let household = attendee.householdID, !attendee.present, meeting.status == .open {
                row["members"] = try database.eligibleMembers(householdID: household, on: meeting.date).map { ["id": $0.id, "name": $0.name] as [String: Any] }
                row["pickMember"] = true
            }
            return row
        }
        if shown.count > 300 { data["more"] = shown.count - 300 }
        if let error { data["error"] = error }
        return try renderer.page("meeting_attendance", title: "\(context.locale.text("m_attendance")) · \(meeting.title)", data: data, request: request, context: context, status: status)
    }

    @Sendable func mark(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let meeting = try meeting(context)
        let form = try await FormFields.read(request, context: context)
        guard let attendee = GardenContext.int64(context.parameters.get("attendee")) else { throw WebError.notFound }
        do {
            if form["action"] == "leave" {
                try database.checkOut(meetingID: meeting.id!, attendeeID: attendee, actor: Actor(account))
            } else {
                try database.checkIn(meetingID: meeting.id!, attendeeID: attendee, attendedBy: GardenContext.int64(form["attendedBy"]), actor: Actor(account))
            }
            let q = (form["q"] ?? "").addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            return GardenContext.seeOther("/meetings/\(meeting.id!)/attendance" + (q.isEmpty ? "" : "?q=\(q)"))
        } catch let error as CommunityError {
            return try renderAttendance(meeting, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func selfCheckInForm(request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try meeting(context)
        return try renderSelfCheckIn(meeting, request: request, context: context)
    }

    func renderSelfCheckIn(_ meeting: Meeting, done: QuorumStatus? = nil, error: String? = nil, request: Request, context: AppRequestContext,
                           status: HTTPResponse.Status = .ok) throws -> Response {
        var data = summary(meeting, context)
        data["isOpen"] = meeting.status == .open
        data["perHousehold"] = meeting.basis.perHousehold
        if let account = context.account, let identity = try database.residentIdentity(account: account) {
            data["household"] = identity.householdNumber
            data["account"] = true
        } else if let session = try garden.householdSession(request) {
            // Only members who may take part (an adult living here with political rights).
            data["household"] = session.householdNumber
            data["members"] = try database.eligibleMembers(householdID: session.householdID, on: meeting.date).map { ["id": $0.id, "name": $0.name] as [String: Any] }
        }
        if let done { data["done"] = ["present": done.present, "entitled": done.entitled] as [String: Any] }
        if let error { data["error"] = error }
        return try renderer.page("meeting_check_in", title: "\(context.locale.text("m_self_check_in")) · \(meeting.title)", data: data, request: request, context: context, status: status)
    }

    @Sendable func selfCheckIn(request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try meeting(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let residentID = GardenContext.int64(form["resident"])
            guard let identity = try garden.identity(request, context: context, residentID: residentID) else {
                throw CommunityError.notAllowed(context.locale.text("g_sign_in_first"))
            }
            let status = try database.selfCheckIn(meetingID: meeting.id!, identity: identity, residentID: residentID, presenceCode: form["presenceCode"] ?? "")
            return try renderSelfCheckIn(meeting, done: status, request: request, context: context)
        } catch let error as CommunityError {
            return try renderSelfCheckIn(meeting, error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: API

    struct ItemJSON: Encodable {
        let id: Int64
        let position: Int
        let title: String
        let motion: String?
        let passRule: String
        let decision: String?
        let method: String?
        let votesFor: Int?
        let votesAgainst: Int?
        let votesAbstain: Int?
        let present: Int?
        let note: String?
        /// An important matter, and the community Party organisation's pre-discussion of it.
        let important: Bool
        let partyDiscussedOn: String?
        let partyDiscussion: String?
    }

    struct MeetingJSON: Encodable {
        let id: Int64
        let kind: String
        let basis: String
        let title: String
        let date: String
        let time: String
        let venue: String
        let status: String
        let noticeOn: String?
        let noticeRevision: Int
        let lateNoticeReason: String?
        let postponedFrom: String?
        let cancelReason: String?
        let entitled: Int
        let present: Int
        let quorumNeeded: Int
        let hasQuorum: Bool
        let items: [ItemJSON]?
        let minutesDigest: String?
    }

    func json(_ meeting: Meeting, withItems: Bool) throws -> MeetingJSON {
        let quorum = try database.quorum(meetingID: meeting.id!)
        let items = withItems ? try database.agenda(meetingID: meeting.id!).map { item in
            ItemJSON(id: item.id!, position: item.position, title: item.title, motion: try item.motionID.map { try database.motion(id: $0).number },
                     passRule: item.passRule.rawValue, decision: item.decision?.rawValue, method: item.method?.rawValue, votesFor: item.votesFor,
                     votesAgainst: item.votesAgainst, votesAbstain: item.votesAbstain, present: item.present, note: item.decisionNote,
                     important: item.important, partyDiscussedOn: item.partyDiscussedOn?.description, partyDiscussion: item.partyDiscussion)
        } : nil
        let minutes = try database.minutes(meetingID: meeting.id!)
        return MeetingJSON(id: meeting.id!, kind: meeting.kind.rawValue, basis: meeting.basis.rawValue, title: meeting.title, date: meeting.date.description,
                           time: meeting.time, venue: meeting.venue, status: meeting.status.rawValue, noticeOn: meeting.noticeOn?.description,
                           noticeRevision: meeting.noticeRevision, lateNoticeReason: meeting.lateNoticeReason,
                           postponedFrom: meeting.postponedFrom?.description, cancelReason: meeting.cancelReason, entitled: meeting.entitled, present: quorum.present, quorumNeeded: quorum.needed,
                           hasQuorum: quorum.hasQuorum, items: items, minutesDigest: minutes?.publishedAt != nil ? minutes?.digest : nil)
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let staff = garden.isStaff(context)
        let meetings = try database.meetings(communityID: try garden.communityID()).filter { staff || $0.status != .draft }
        return try JSONResponse.make(try meetings.map { try json($0, withItems: false) })
    }

    @Sendable func showAPI(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try json(try meeting(context), withItems: true))
    }

    struct AttendanceRequest: Decodable {
        let attendee: Int64
        /// `arrive` (default) or `leave`.
        let action: String?
        /// For a household's row: the member who came (an adult living here with political rights).
        let attendedBy: Int64?
    }

    @Sendable func attendanceAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let meeting = try meeting(context)
        var request = request
        let input = try await request.decodeJSON(AttendanceRequest.self, context: context, expected: "a JSON object with attendee (and action: arrive or leave)")
        switch input.action ?? "arrive" {
        case "arrive": try database.checkIn(meetingID: meeting.id!, attendeeID: input.attendee, attendedBy: input.attendedBy, actor: Actor(account))
        case "leave": try database.checkOut(meetingID: meeting.id!, attendeeID: input.attendee, actor: Actor(account))
        default: throw WebError.badRequest(field: "action", reason: "arrive or leave")
        }
        return try JSONResponse.make(try json(meeting, withItems: false))
    }

    struct VoteRequest: Decodable {
        let votesFor: Int?
        let votesAgainst: Int?
        let votesAbstain: Int?
        /// Roll call: attendee id (as a string) → for, against or abstain.
        let rollCall: [String: String]?
        /// Set instead of votes to defer the item, with the reason.
        let deferReason: String?
    }

    @Sendable func voteAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let meeting = try meeting(context)
        let item = try item(context, of: meeting)
        var request = request
        let input = try await request.decodeJSON(VoteRequest.self, context: context, expected: "a JSON object with votesFor, votesAgainst, votesAbstain, or rollCall, or deferReason")
        if let reason = input.deferReason {
            try database.deferItem(itemID: item.id!, reason: reason, actor: Actor(account))
        } else if let rollCall = input.rollCall {
            var choices: [Int64: String] = [:]
            for (key, value) in rollCall {
                guard let id = Int64(key) else { throw WebError.badRequest(field: "rollCall", reason: "keys are attendee ids") }
                choices[id] = value
            }
            try database.recordVote(itemID: item.id!, .rollCall(choices), actor: Actor(account))
        } else {
            guard let f = input.votesFor, let a = input.votesAgainst, let b = input.votesAbstain else {
                throw WebError.badRequest(field: "votesFor", reason: "votesFor, votesAgainst and votesAbstain together")
            }
            try database.recordVote(itemID: item.id!, .counts(for: f, against: a, abstain: b), actor: Actor(account))
        }
        return try JSONResponse.make(try json(try database.meeting(id: meeting.id!), withItems: true))
    }
}
