import Community
import Councils
import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Web

/// Who may reach a route is declared once, where the route is registered: in a role group
/// (`Routes.only`, which puts `RequireRole` in front of the handlers) or in the open group.
/// These tests read the router itself, so a route added tomorrow is covered the day it is added.
@Suite("route access: every route is in a role group or on the public list")
struct RouteAccessTests {
    /// The routes anyone may reach — the public pages, sign-in, and the routes whose users
    /// prove who they are some other way (a voter card, a household card) or whose visibility
    /// depends on the record (a result once certified, a draft meeting only to staff). A route
    /// missing from a role group fails the test unless it is added here, deliberately.
    static let publicRoutes: Set<String> = [
        // API
        "GET /health",
        "GET /api/openapi.json",
        "GET /api/v1/community",
        "GET /api/v1/audit/heads",
        // Audit heads (published to be kept outside the server)
        "GET /audit/heads",
        // Assessments
        "GET /assessments",
        "GET /assessments/:id",
        "POST /assessments/:id/sheet",
        "GET /api/v1/assessments/:id",
        // Auth
        "GET /login",
        "POST /login",
        "POST /logout",
        // Board
        "GET /board",
        "GET /board/report",
        "GET /board/report.csv",
        "GET /api/v1/board/report",
        // The community key (checks receipts, minutes, hearing reports)
        "GET /community-key.pem",
        "GET /api/v1/community/key",
        // The committee's yearly work report (L25)
        "GET /board/work-reports/:year",
        "GET /board/work-reports/:year/report.json",
        "GET /board/work-reports/:year/report.sig",
        // Consultations (民主协商): outside participants, outcome and feedback are public (L25)
        "GET /consultations",
        "GET /consultations/:id",
        "GET /api/v1/consultations",
        "GET /api/v1/consultations/:id",
        // The residents' affairs supervisory committee: members and opinions are public (L25)
        "GET /supervision",
        "GET /api/v1/supervision",
        // Residents' requests to convene a residents' meeting or a hearing (L25)
        "GET /requests",
        "POST /requests",
        "GET /requests/:id",
        "POST /requests/:id/sign",
        "GET /api/v1/requests",
        "POST /api/v1/requests",
        "GET /api/v1/requests/:id",
        "POST /api/v1/requests/:id/signatures",
        // Elections
        "GET /elections/:id/roll",
        "GET /elections/:id/roll/lookup",
        "GET /elections/:id/objections/new",
        "POST /elections/:id/objections",
        "GET /api/v1/elections/:id/roll",
        "GET /api/v1/elections/:id/roll/lookup",
        "POST /api/v1/elections/:id/objections",
        // Hearings
        "GET /hearings",
        "GET /hearings/:id",
        "POST /hearings/:id/register",
        "POST /hearings/:id/participants/:participant/sign-off",
        "GET /hearings/:id/report.json",
        "GET /hearings/:id/report.sig",
        "GET /api/v1/hearings",
        "GET /api/v1/hearings/:id",
        "POST /api/v1/hearings/:id/registrations",
        // Home
        "GET /",
        "GET /lang/:code",
        "GET /text/:size",
        // Implementation
        "GET /motions/:number/progress/:note/photo",
        "POST /motions/:number/ratings",
        "POST /api/v1/motions/:number/ratings",
        // Meetings
        "GET /meetings",
        "GET /meetings/:id",
        "GET /meetings/:id/notice",
        "GET /meetings/:id/check-in",
        "POST /meetings/:id/check-in",
        "GET /meetings/:id/minutes.json",
        "GET /meetings/:id/minutes.sig",
        "GET /api/v1/meetings",
        "GET /api/v1/meetings/:id",
        // Motions
        "GET /motions",
        "GET /motions.csv",
        "GET /motions/new",
        "POST /motions",
        "GET /motions/:number",
        "GET /motions/:number/photo",
        "POST /motions/:number/support",
        "POST /motions/:number/support/withdraw",
        "POST /motions/:number/transition",
        "POST /motions/:number/comments",
        "GET /garden/sign-in",
        "POST /garden/sign-in",
        "POST /garden/sign-out",
        "GET /api/v1/motions",
        "POST /api/v1/motions",
        "GET /api/v1/motions/:number",
        "POST /api/v1/motions/:number/supports",
        "POST /api/v1/motions/:number/transitions",
        "POST /api/v1/motions/:number/comments",
        // Nominations
        "GET /elections/:id/candidates",
        "GET /elections/:id/ballot",
        "GET /api/v1/elections/:id/rules",
        "GET /api/v1/elections/:id/candidates",
        "GET /api/v1/elections/:id/ballot-paper",
        // Notices (选举公告): every notice is a public step's; a box's count only once its round is closed
        "GET /elections/:id/notices",
        "GET /elections/:id/notices/:number",
        "GET /api/v1/elections/:id/notices",
        "GET /api/v1/elections/:id/notices/:number",
        // Recall: the register, the replies and the results are public
        "GET /elections/:id/recalls",
        "GET /elections/:id/recalls/:number",
        "GET /api/v1/elections/:id/recalls",
        "GET /api/v1/elections/:id/recalls/:number",
        // Polling
        "GET /elections/:id/rounds/:rid/result",
        "GET /api/v1/elections/:id/rounds/:rid/result",
        "GET /elections/:id/proxies/list",
        // Results
        "GET /elections/:id/result",
        "GET /elections/:id/record.zip",
        "GET /elections/:id/certificates/:person",
        "GET /certificates/verify",
        "GET /api/v1/elections/:id/result",
        "GET /api/v1/certificates/verify",
        "GET /elections/:id/statistics",
        "GET /elections/:id/statistics.csv",
        "GET /api/v1/elections/:id/statistics",
        // Handover and annulment: public once the result is certified (their steps: the election committee)
        "GET /elections/:id/handover",
        "GET /api/v1/elections/:id/handover",
        "GET /api/v1/elections/:id/annulment",
        // Voting
        "GET /elections/:id/vote",
        "POST /elections/:id/vote/login",
        "POST /elections/:id/vote/review",
        "POST /elections/:id/vote/cast",
        "POST /elections/:id/vote/logout",
        "GET /elections/:id/boxes/:bid/count-sheet",
        "GET /elections/:id/track",
        "GET /elections/:id/track/:code",
        "GET /elections/:id/track/:code/receipt.json",
        "GET /api/v1/elections/:id/track/:code",
        "POST /api/v1/elections/:id/ballots",
    ]

    @Test("every registered route has an access rule, and the open ones are exactly the public list")
    func everyRouteDeclared() async throws {
        let harness = try WebHarness()
        let routes = try await buildRoutes(WebConfiguration(database: harness.database, keyStore: harness.keyStore))
        let registered = Set(routes.router.routes.map { RouteAccess.key($0.method, $0.path.description) })
        let recorded = routes.access.all
        #expect(registered.count > 200)
        for key in registered.sorted() where recorded[key] == nil {
            Issue.record("\(key) is registered outside Routes: it has no role group and is not declared open")
        }
        for key in Set(recorded.keys).subtracting(registered).sorted() {
            Issue.record("\(key) was recorded but is not in the router")
        }
        let open = Set(recorded.filter { $0.value == .open }.keys)
        for key in open.subtracting(Self.publicRoutes).sorted() {
            Issue.record("\(key) is open to everyone but not on the public list: put it in a role group (routes.only) or add it here on purpose")
        }
        for key in Self.publicRoutes.subtracting(open).sorted() {
            Issue.record("\(key) is on the public list but not registered as open")
        }
    }

    @Test("every role-guarded route refuses visitors (sign in: the login page, 401 under /api) and every role not in its group (403), before its handler runs")
    func guardedRoutesRefuse() async throws {
        let garden = try CouncilPagesTests().garden()
        let database = garden.database, communityID = garden.communityID
        let residentID = try database.householdMembers(householdID: try database.household(number: "H00004", communityID: communityID)!.id!)[0].id
        let password = "route-access-password-1"
        for role in Role.allCases {
            try database.createAccount(NewAccount(communityID: communityID, username: "as-\(role.rawValue)", displayName: role.rawValue, password: password,
                                                  roles: [role], residentID: role == .resident ? residentID : nil), actor: .commandLine)
        }
        let routes = try await buildRoutes(WebConfiguration(database: database, keyStore: garden.harness.keyStore))
        let guarded: [(method: String, path: String, roles: Set<Role>)] = routes.access.all.compactMap { key, rule in
            guard case .roles(let roles) = rule else { return nil }
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            return (parts[0], parts[1].replacingOccurrences(of: #":[a-z]+"#, with: "1", options: .regularExpression), roles)
        }.sorted { $0.path < $1.path }
        #expect(guarded.count > 100)
        let before = try database.verifyAudit().entries
        try await garden.harness.test { browser in
            var tried = 0
            for who in [nil] + Role.allCases {
                _ = try await browser.post("/logout", form: [])
                browser.setCookie("xy_session", nil)
                if let who { _ = try await browser.login("as-\(who.rawValue)", password) } else { _ = try await browser.get("/") }
                for route in guarded where who.map({ !route.roles.contains($0) }) ?? true {
                    let page = route.method == "GET" ? try await browser.get(route.path) : try await browser.post(route.path, form: [])
                    tried += 1
                    if who == nil {
                        if route.path.hasPrefix("/api/") {
                            #expect(page.status == .unauthorized, "a visitor got \(page.status) from \(route.method) \(route.path)")
                        } else {
                            #expect(page.status == .seeOther && page.headers[.location]?.hasPrefix("/login?next=") == true,
                                    "a visitor got \(page.status) \(page.headers[.location] ?? "") from \(route.method) \(route.path)")
                        }
                    } else {
                        #expect(page.status == .forbidden, "\(who!.rawValue) got \(page.status) from \(route.method) \(route.path)")
                    }
                }
            }
            #expect(tried > 400)
        }
        // Refused before the handler: nothing reached the audit log but the sign-ins.
        #expect(try database.verifyAudit().entries <= before + 2 * Role.allCases.count)
    }
}
