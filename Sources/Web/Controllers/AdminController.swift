import Community
import Foundation
import Hummingbird

/// The administrator's page: audit chain status, recent audit entries, accounts, keys.
struct AdminController {
    let database: AppDatabase
    let renderer: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/admin", use: dashboard)
        router.post("/admin/accounts", use: createAccount)
    }

    /// Creates an account: staff with their roles, or a resident's personal account linked to
    /// the resident by ID number (for the discussion garden).
    @Sendable func createAccount(request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.require(anyOf: [.admin])
        let form = try await FormFields.read(request, context: context)
        do {
            guard let role = Role(rawValue: form["role"] ?? "") else { throw CommunityError.invalid(field: "role", reason: "choose a role") }
            guard let community = try database.primaryCommunity() else { throw WebError.notFound }
            var residentID: Int64?
            let idNumber = (form["idNumber"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            if !idNumber.isEmpty { residentID = try database.resident(idNumber: idNumber, communityID: community.id!).id }
            try database.createAccount(NewAccount(communityID: community.id, username: form["username"] ?? "", displayName: form["displayName"] ?? "",
                                                  password: form["password"] ?? "", roles: [role], residentID: residentID), actor: Actor(admin))
            return Response(status: .seeOther, headers: [.location: "/admin?created=1"])
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [.admin])
        return try render(request: request, context: context)
    }

    func render(error: String? = nil, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        let verification = try database.verifyAudit()
        let locale = context.locale
        let auditStatus = verification.isIntact
            ? locale.text("audit_ok").replacingFirst("%@", with: String(verification.entries)).replacingFirst("%@", with: String(verification.head.prefix(16)) + "…")
            : locale.text("audit_broken")
        var keys: [[String: Any]] = []
        if let community = try database.primaryCommunity(), let id = community.id {
            keys = try database.signingKeys(communityID: id, purpose: "community").map { ["keyID": $0.keyID, "purpose": $0.purpose] }
        }
        var data: [String: Any] = [
            "auditIntact": verification.isIntact,
            "auditStatus": auditStatus,
            "auditProblems": verification.problems.map(\.description),
            "clockSteps": verification.clockSteps.map(\.description),
            "hasClockSteps": !verification.clockSteps.isEmpty,
            "entries": try database.recentAuditEntries(limit: 30).map {
                ["seq": $0.seq, "at": $0.at, "actor": $0.actor, "action": $0.action, "subject": $0.subject] as [String: Any]
            },
            "accounts": try database.accounts().map {
                ["username": $0.username, "displayName": $0.displayName, "roles": $0.roleSet.sorted().map(\.rawValue).joined(separator: ", ")] as [String: Any]
            },
            "keys": keys,
            "roles": Role.allCases.filter { $0 != .admin }.map { ["value": $0.rawValue] },
        ]
        if let error { data["error"] = error }
        return try renderer.page("admin", title: locale.text("admin_title"), data: data, request: request, context: context, status: status)
    }
}

extension String {
    /// Replaces the first occurrence only (for positional `%@` in translated strings).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
