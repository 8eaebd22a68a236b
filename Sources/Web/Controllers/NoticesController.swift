import Community
import Elections
import Foundation
import Hummingbird
import NIOCore
import Notary

/// Election notices (选举公告 第N号): the public list and each notice as a printable A4
/// document (Chinese: the signed text; English: the same facts rendered in English), their
/// JSON with the signed canonical payload and its signature, and the election archive
/// (选举档案) for the election committee to download.
struct NoticesController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    func addRoutes(to routes: Routes) {
        // Public: every notice is a public step's (a box's count only once its round is closed).
        let open = routes.open()
        open.get("/elections/:id/notices", use: listPage)
        open.get("/elections/:id/notices/:number", use: noticePage)
        open.get("/api/v1/elections/:id/notices", use: listAPI)
        open.get("/api/v1/elections/:id/notices/:number", use: noticeAPI)
        let committee = routes.only(Roles.committee)
        committee.get("/elections/:id/archive.zip", use: archive)
        committee.get("/api/v1/elections/:id/archive", use: archive)
        committee.post("/elections/:id/notices/corrections", use: correct)
    }

    func notice(_ context: AppRequestContext) throws -> (Election, SignedNotice) {
        let election = try elections.election(context)
        guard let number = context.parameters.get("number", as: Int.self),
              let notice = try database.notice(electionID: election.id!, number: number) else { throw WebError.notFound }
        return (election, notice)
    }

    static func language(_ context: AppRequestContext) -> NoticeText.Language { context.locale == .zhHans ? .zh : .en }

    // MARK: Pages

    @Sendable func listPage(request: Request, context: AppRequestContext) async throws -> Response {
        try renderList(request, context)
    }

    func renderList(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let election = try elections.election(context)
        let language = Self.language(context)
        let notices = try database.notices(electionID: election.id!)
        return try renderer.page("notices", title: context.locale.text("n_list_title"), data: [
            "electionID": election.id!, "electionTitle": election.title,
            "fingerprint": try database.electionKeyFingerprint(electionID: election.id!) ?? "",
            "notices": notices.map { signed -> [String: Any] in
                ["number": signed.notice.number, "title": NoticeText.title(number: signed.notice.number, language: language),
                 "subject": NoticeText.subject(signed.notice, language: language), "issuedOn": signed.notice.issuedOn,
                 "corrects": signed.notice.corrects.map { String(format: context.locale.text("n_corrects"), String($0)) } ?? ""]
            },
            "isCommittee": context.account?.has(anyOf: Roles.committee) ?? false,
            "error": error ?? "",
        ], request: request, context: context, status: status)
    }

    /// The election committee issues a correction of an earlier notice (a new notice; the
    /// corrected one stays as it was).
    @Sendable func correct(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let election = try elections.election(context)
        let form = try await FormFields.read(request, context: context)
        do {
            guard let number = Int(form["corrects"] ?? "") else { throw CommunityError.invalid(field: "corrects", reason: "the number of the notice corrected") }
            let signed = try database.issueCorrection(electionID: election.id!, corrects: number, text: form["text"] ?? "", actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/elections/\(election.id!)/notices/\(signed.notice.number)"])
        } catch let error as CommunityError {
            return try renderList(request, context, error: error.description, status: .unprocessableContent)
        }
    }

    @Sendable func noticePage(request: Request, context: AppRequestContext) async throws -> Response {
        let (election, signed) = try notice(context)
        let notice = signed.notice
        let language = Self.language(context)
        let body = language == .zh ? notice.text
            : NoticeText.body(kind: notice.kind, facts: notice.facts, community: notice.community, corrects: notice.corrects, language: .en)
        let title = NoticeText.title(number: notice.number, language: language)
        return try renderer.page("notice", title: title, data: [
            "electionID": election.id!, "number": notice.number, "heading": title,
            "issuer": NoticeText.issuer(community: notice.community, language: language),
            "subject": NoticeText.subject(notice, language: language), "paragraphs": body,
            "date": NoticeText.date(notice.issuedOn, language: language),
            "corrects": notice.corrects.map { String(format: context.locale.text("n_corrects"), String($0)) } ?? "",
            "fingerprint": signed.keyFingerprint, "sha256": signed.sha256, "signature": Base64.encode(signed.signature),
            "audit": notice.audit.map { "\($0.entries) · \($0.head)" } ?? "",
        ], request: request, context: context)
    }

    // MARK: API

    /// A notice in a list.
    struct Summary: Encodable {
        let number: Int
        let kind: String
        let issuedOn: String
        let title: String
        let subject: String
        let corrects: Int?
        let sha256: String
        let url: String
    }

    struct List: Encodable {
        let election: Int64
        let keyID: String
        let keyFingerprint: String
        let publicKey: String
        let notices: [Summary]
    }

    static func summary(_ signed: SignedNotice) -> Summary {
        let n = signed.notice
        return Summary(number: n.number, kind: n.kind.rawValue, issuedOn: n.issuedOn, title: n.title, subject: n.subject, corrects: n.corrects,
                       sha256: signed.sha256, url: "/elections/\(n.election)/notices/\(n.number)")
    }

    @Sendable func listAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let key = try database.signingKeys(communityID: election.communityID, purpose: "election:\(election.id!)").first { $0.keyID == election.keyID }
        return try JSONResponse.make(List(election: election.id!, keyID: election.keyID,
                                          keyFingerprint: try database.electionKeyFingerprint(electionID: election.id!) ?? "",
                                          publicKey: key?.publicKeyPEM ?? "", notices: try database.notices(electionID: election.id!).map(Self.summary)))
    }

    @Sendable func noticeAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let (_, signed) = try notice(context)
        return try JSONResponse.make(NoticeDocument(signed))
    }

    // MARK: Archive

    @Sendable func archive(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let name = "xuanyi-archive-election-\(election.id!)"
        let zip = scratch.appendingPathComponent(name + ".zip")
        try database.writeElectionArchiveZip(electionID: election.id!, to: zip, signingKey: try elections.signingKey(for: election))
        let data = try Data(contentsOf: zip)
        return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name).zip\"",
                                               .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
