import Community
import Foundation
import Hummingbird
import Notary

/// Published audit heads (审计日志链头): the public list (`/audit/heads`, printable, for the
/// notice board) and its JSON (`/api/v1/audit/heads`), which anyone may keep and later give to
/// `xuanyi verify --audit --heads` to show the log was not truncated or re-chained since.
struct AuditHeadsController {
    let database: AppDatabase
    let renderer: PageRenderer

    func addRoutes(to routes: Routes) {
        let open = routes.open()
        open.get("/audit/heads", use: page)
        open.get("/api/v1/audit/heads", use: api)
    }

    @Sendable func api(request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try database.auditHeadsDocument())
    }

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        let document = try database.auditHeadsDocument()
        let zh = context.locale == .zhHans
        return try renderer.page("audit_heads", title: context.locale.text("ah_title"), data: [
            "fingerprint": document.communityKeyFingerprint,
            "heads": document.heads.reversed().map { head -> [String: Any] in
                ["number": head.number, "at": ReadableTime.text(head.at, context.locale), "entries": head.entries, "head": head.head, "signature": head.signature,
                 "reason": Self.reasonText(head.reason, zh: zh)]
            },
        ], request: request, context: context)
    }

    /// Why a head was published, in the page's language.
    static func reasonText(_ reason: String, zh: Bool) -> String {
        if reason == "daily" { return zh ? "每日" : "daily" }
        if reason == "manual" { return zh ? "手动" : "by hand" }
        if reason.hasPrefix("step:") {
            let action = reason.dropFirst(5)
            return zh ? "公开步骤（\(action)）" : "public step (\(action))"
        }
        return reason
    }
}
