import Community
import Foundation
import Hummingbird

/// The administrator's page: audit chain status, recent audit entries, accounts, keys.
struct AdminController {
    let database: AppDatabase
    let renderer: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/admin", use: dashboard)
    }

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [.admin])
        let verification = try database.verifyAudit()
        let locale = context.locale
        let status = verification.isIntact
            ? locale.text("audit_ok").replacingFirst("%@", with: String(verification.entries)).replacingFirst("%@", with: String(verification.head.prefix(16)) + "…")
            : locale.text("audit_broken")
        var keys: [[String: Any]] = []
        if let community = try database.primaryCommunity(), let id = community.id {
            keys = try database.signingKeys(communityID: id, purpose: "community").map { ["keyID": $0.keyID, "purpose": $0.purpose] }
        }
        let data: [String: Any] = [
            "auditIntact": verification.isIntact,
            "auditStatus": status,
            "auditProblems": verification.problems.map(\.description),
            "entries": try database.recentAuditEntries(limit: 30).map {
                ["seq": $0.seq, "at": $0.at, "actor": $0.actor, "action": $0.action, "subject": $0.subject] as [String: Any]
            },
            "accounts": try database.accounts().map {
                ["username": $0.username, "displayName": $0.displayName, "roles": $0.roleSet.sorted().map(\.rawValue).joined(separator: ", ")] as [String: Any]
            },
            "keys": keys,
        ]
        return try renderer.page("admin", title: locale.text("admin_title"), data: data, request: request, context: context)
    }
}

extension String {
    /// Replaces the first occurrence only (for positional `%@` in translated strings).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
