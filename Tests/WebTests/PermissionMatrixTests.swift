import Community
import Councils
import Elections
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Notary
import Testing
@testable import Web

/// The permission matrix: for every protected route, which roles may use it. Each row is
/// tried as every role — visitor, resident (personal account), teller, clerk, committee
/// member, administrator — and the roles not listed must be refused (sent to the login
/// page, 401, 403, or 404 for things the public must not even see). Domain refusals (409,
/// 422) count as refused too, but only for rows marked `stateChecked`, where the test also
/// checks that nothing changed.
@Suite("permission matrix: role × route")
struct PermissionMatrixTests {
    enum Who: String, CaseIterable { case visitor, resident, teller, clerk, committee, admin }
    static let staff: Set<Who> = [.clerk, .committee, .admin]
    static let committee: Set<Who> = [.committee, .admin]

    struct Row {
        let method: HTTPRequest.Method
        let path: String
        let allowed: Set<Who>
        var form: [(String, String)] = []
    }

    static let password = "matrix-password-1"

    @Test("every protected route refuses the roles that must not use it, and lets the others in")
    func matrix() async throws {
        let garden = try CouncilPagesTests().garden()
        let database = garden.database, communityID = garden.communityID
        let resident = try database.residentIdentity(household: HouseholdSession(householdID: try database.household(number: "H00004", communityID: communityID)!.id!,
                                                                                 householdNumber: "H00004", expiresAt: .distantFuture))
        let residentID = try database.householdMembers(householdID: resident.householdID)[0].id
        for (name, role) in [("teller1", Role.teller), ("committee1", Role.committee), ("admin1", Role.admin), ("clerk1", Role.clerk)] {
            try database.createAccount(NewAccount(communityID: communityID, username: name, displayName: name, password: Self.password, roles: [role]), actor: .commandLine)
        }
        try database.createAccount(NewAccount(communityID: communityID, username: "resident1", displayName: "居民", password: Self.password, roles: [.resident],
                                              residentID: residentID), actor: .commandLine)
        let election = try database.createElection(communityID: communityID, title: "换届选举", method: .direct, electionDay: CivilDate.today().adding(days: 60),
                                                   keyStore: garden.harness.keyStore, actor: .commandLine)
        let chair = try #require(try database.accounts().first { $0.username == "zhuren" })
        let clerk = try #require(try database.accounts().first { $0.username == "clerk" })
        let (motion, _) = try database.submitMotion(communityID: communityID, NewMotion(title: "路灯", description: "坏了", category: "safety"),
                                                    by: .resident(resident), signingKey: garden.key)
        let comment = try database.addComment(motionID: motion.id!, body: "评论", internal: false, author: "x", actor: .commandLine, staff: false)
        let meeting = try database.createMeeting(communityID: communityID, NewMeeting(kind: .councilMeeting, title: "草拟会议", date: CivilDate.today().adding(days: 30),
                                                                                   time: "19:00", venue: "会议室", chairAccountID: chair.id!, recorderAccountID: clerk.id!), actor: .commandLine)
        let hearing = try database.createHearing(communityID: communityID, NewHearing(
            title: "草拟听证", matter: "x", proposer: "x", plan: "x", date: CivilDate.today().adding(days: 30), time: "14:00", venue: "x",
            registrationDeadline: CivilDate.today().adding(days: 20), capacity: 4, observerSeats: 0, chairAccountID: chair.id!, recorderAccountID: clerk.id!), actor: .commandLine)
        let e = election.id!, m = motion.number
        let rows: [Row] = [
            Row(method: .get, path: "/residents", allowed: Self.staff),
            Row(method: .get, path: "/residents/import", allowed: Self.staff),
            Row(method: .get, path: "/households/new", allowed: Self.staff),
            Row(method: .get, path: "/elections", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)/nominations", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)/polling", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)/rules", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)/proxies", allowed: Self.staff),
            Row(method: .get, path: "/elections/\(e)/roll/changes", allowed: Self.staff),
            Row(method: .get, path: "/api/v1/elections/\(e)/timeline", allowed: Self.staff),
            Row(method: .get, path: "/api/v1/elections/\(e)/rounds", allowed: Self.staff),
            Row(method: .post, path: "/elections", allowed: Self.committee, form: [("title", ""), ("electionDay", "x"), ("method", "direct")]),
            Row(method: .post, path: "/elections/\(e)/roll/build", allowed: Self.committee),
            Row(method: .get, path: "/admin", allowed: [.admin]),
            Row(method: .post, path: "/admin/accounts", allowed: [.admin], form: [("username", ""), ("role", "x")]),
            Row(method: .post, path: "/admin/accounts/\(clerk.id!)/reset", allowed: [.admin]),
            Row(method: .get, path: "/account/password", allowed: [.resident, .teller, .clerk, .committee, .admin]),
            Row(method: .get, path: "/api/v1/audit/verification", allowed: [.admin]),
            Row(method: .get, path: "/council", allowed: Self.staff),
            Row(method: .get, path: "/council/calendar", allowed: Self.staff),
            Row(method: .get, path: "/council/workflow", allowed: Self.staff),
            Row(method: .get, path: "/council/members", allowed: Self.staff),
            Row(method: .get, path: "/api/v1/council/dashboard", allowed: Self.staff),
            Row(method: .post, path: "/council/settings", allowed: Self.committee, form: [("supportThreshold", "x")]),
            Row(method: .post, path: "/council/calendar", allowed: Self.committee, form: [("date", "x")]),
            Row(method: .post, path: "/council/workflow", allowed: Self.committee, form: [("workflow", "{}")]),
            Row(method: .post, path: "/council/members", allowed: Self.committee, form: [("body", "x")]),
            // Cards are the election committee's alone: a clerk's or the administrator's card would let them vote in someone's name.
            Row(method: .post, path: "/council/household-cards", allowed: [.committee], form: [("numbers", "NOPE")]),
            Row(method: .post, path: "/elections/\(e)/cards", allowed: [.committee], form: [("numbers", "1")]),
            Row(method: .post, path: "/meetings", allowed: Self.committee, form: [("kind", "x")]),
            Row(method: .get, path: "/meetings/\(meeting.id!)", allowed: Self.staff),   // a draft: the public gets 404
            Row(method: .get, path: "/meetings/\(meeting.id!)/attendance", allowed: Self.staff),
            Row(method: .post, path: "/meetings/\(meeting.id!)/items", allowed: Self.committee, form: [("title", "")]),
            Row(method: .post, path: "/meetings/\(meeting.id!)/publish-notice", allowed: Self.committee),
            Row(method: .post, path: "/hearings", allowed: Self.committee, form: [("date", "x")]),
            Row(method: .get, path: "/hearings/\(hearing.id!)", allowed: Self.staff),   // a draft
            Row(method: .post, path: "/hearings/\(hearing.id!)/publish-notice", allowed: Self.committee, form: [("lateReason", "")]),
            Row(method: .post, path: "/assessments", allowed: Self.committee, form: [("year", "x")]),
            Row(method: .post, path: "/motions/\(m)/reply", allowed: Self.committee, form: [("reply", "")]),
            Row(method: .post, path: "/motions/\(m)/comments/\(comment.id!)/hide", allowed: Self.committee, form: [("reason", "")]),
            Row(method: .post, path: "/motions/\(m)/implementation", allowed: Self.committee, form: [("ownerKind", "unit"), ("owner", "")]),
            Row(method: .post, path: "/motions/\(m)/milestones", allowed: Self.staff, form: [("title", "")]),
            Row(method: .post, path: "/motions/\(m)/evaluation/close", allowed: Self.committee),
        ]
        try await garden.harness.test { browser in
            for who in Who.allCases {
                _ = try await browser.post("/logout", form: [])
                browser.setCookie("xy_session", nil)
                switch who {
                case .visitor: _ = try await browser.get("/")
                case .resident: _ = try await browser.login("resident1", Self.password)
                case .teller: _ = try await browser.login("teller1", Self.password)
                case .clerk: _ = try await browser.login("clerk1", Self.password)
                case .committee: _ = try await browser.login("committee1", Self.password)
                case .admin: _ = try await browser.login("admin1", Self.password)
                }
                for row in rows {
                    _ = try await browser.get("/")
                    let page = row.method == .get ? try await browser.get(row.path) : try await browser.post(row.path, form: row.form)
                    let toLogin = page.status == .seeOther && page.headers[.location]?.hasPrefix("/login") == true
                    let refused = toLogin || [.unauthorized, .forbidden, .notFound].contains(page.status)
                    if row.allowed.contains(who) {
                        #expect(!refused, "\(who) should be able to use \(row.method) \(row.path), got \(page.status)")
                    } else {
                        #expect(refused, "\(who) must not use \(row.method) \(row.path), got \(page.status)")
                    }
                }
            }
        }
        // Nothing the refused roles tried changed the state.
        #expect(try database.motion(id: motion.id!).reply == nil)
        #expect(try database.meeting(id: meeting.id!).status == .draft)
    }

    @Test("public pages show personal data only masked: no ID number, no phone, no room of a submitter")
    func publicPagesMasked() async throws {
        let harness = try WebHarness()
        let database = harness.database, communityID = harness.community.id!
        _ = try DemoCommunity.seed(into: database, communityID: communityID, householdCount: 230)
        let key = try harness.keyStore.generate()
        try database.registerSigningKey(key.publicKey, communityID: communityID, purpose: "community", actor: .commandLine)
        _ = try DemoCouncil.seed(into: database, communityID: communityID, signingKey: key, password: "demo-password-9")
        let secrets = try await database.reader.read { db in
            (try String.fetchAll(db, sql: "SELECT idNumber FROM resident"), try String.fetchAll(db, sql: "SELECT phone FROM resident WHERE phone IS NOT NULL"))
        }
        try await harness.test { browser in
            var paths = ["/", "/board", "/motions", "/motions.csv", "/meetings", "/hearings", "/assessments", "/api/v1/motions", "/api/v1/meetings", "/api/v1/hearings",
                         "/board/report", "/board/report.csv"]
            paths += try database.motions(communityID: communityID).map { "/motions/\($0.motion.number)" }
            paths += try database.meetings(communityID: communityID).flatMap { ["/meetings/\($0.id!)", "/meetings/\($0.id!)/notice", "/api/v1/meetings/\($0.id!)"] }
            paths += try database.hearings(communityID: communityID).flatMap { ["/hearings/\($0.id!)", "/api/v1/hearings/\($0.id!)"] }
            var checked = 0
            for path in paths {
                let page = try await browser.get(path)
                guard page.status == .ok else { continue }
                checked += 1
                for id in secrets.0 where page.body.contains(id) { Issue.record("\(path) shows an ID number") }
                for phone in secrets.1 where page.body.contains(phone) { Issue.record("\(path) shows a phone number") }
                // Residents appear as "building + surname某" on the garden's public pages.
                #expect(!page.body.contains("H00001 ") || path.hasPrefix("/meetings"), "\(path) shows a household number")
            }
            #expect(checked > 30)
        }
    }
}
