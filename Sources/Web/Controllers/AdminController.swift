import Community
import Foundation
import Hummingbird
import Notary

/// The administrator's page: audit chain status, recent audit entries, accounts, keys.
struct AdminController {
    let database: AppDatabase
    let renderer: PageRenderer

    func addRoutes(to routes: Routes) {
        let admin = routes.only(Roles.admin)
        admin.get("/admin", use: dashboard)
        admin.post("/admin/accounts", use: createAccount)
        admin.post("/admin/accounts/:aid/reset", use: resetPassword)
    }

    /// Resets an account's password to a new one-time password, shown once: the owner sets their
    /// own at next login and gets a new key (the audit log says so).
    @Sendable func resetPassword(request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorizedAccount()
        guard let id = context.parameters.get("aid").flatMap(Int64.init), let account = try database.account(id: id) else { throw WebError.notFound }
        _ = try await FormFields.read(request, context: context)
        let oneTime = try HumanCode.randomText(symbols: 16)
        try database.resetPassword(accountID: id, oneTimePassword: oneTime, actor: Actor(admin))
        return try render(notice: "\(account.username)：一次性密码 One-time password: \(oneTime)", request: request, context: context)
    }

    /// Creates an account: staff with their roles, or a resident's personal account linked to
    /// the resident by ID number (for the discussion garden).
    @Sendable func createAccount(request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.authorizedAccount()
        let form = try await FormFields.read(request, context: context)
        do {
            guard let role = Role(rawValue: form["role"] ?? "") else { throw CommunityError.invalid(field: "role", reason: "choose a role") }
            guard let community = try database.primaryCommunity() else { throw WebError.notFound }
            var residentID: Int64?
            let idNumber = (form["idNumber"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            if !idNumber.isEmpty { residentID = try database.resident(idNumber: idNumber, communityID: community.id!).id }
            // The password the administrator types is one-time: the owner sets their own at first login.
            try database.createAccount(NewAccount(communityID: community.id, username: form["username"] ?? "", displayName: form["displayName"] ?? "",
                                                  password: form["password"] ?? "", roles: [role], residentID: residentID, oneTimePassword: true),
                                       actor: Actor(admin))
            return Response(status: .seeOther, headers: [.location: "/admin?created=1"])
        } catch let error as CommunityError {
            return try render(error: error.description, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        return try render(request: request, context: context)
    }

    func render(error: String? = nil, notice: String? = nil, request: Request, context: AppRequestContext,
                status: HTTPResponse.Status = .ok) throws -> Response {
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
                ["seq": $0.seq, "at": ReadableTime.text($0.at, context.locale), "actor": $0.actor, "action": $0.action, "subject": $0.subject] as [String: Any]
            },
            "accounts": try database.accounts().map {
                ["id": $0.id!, "username": $0.username, "displayName": $0.displayName, "roles": $0.roleSet.sorted().map(\.rawValue).joined(separator: ", "),
                 "oneTime": $0.mustChangePassword] as [String: Any]
            },
            "keys": keys,
            "roles": Role.allCases.filter { $0 != .admin }.map { ["value": $0.rawValue] },
        ]
        if let error { data["error"] = error }
        if let notice { data["notice"] = notice }
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
