import Community
import Councils
import Elections
import Foundation
import GRDB
import HTTPTypes
import Testing
@testable import Web

@Suite("JSON API and OpenAPI document")
struct APITests {
    @Test("health answers ok with the database")
    func health() async throws {
        try await WebHarness().test { browser in
            let page = try await browser.get("/health")
            #expect(page.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: String]
            #expect(json == ["status": "ok", "database": "ok"])
        }
    }

    @Test("the community endpoint returns the community and its counts")
    func community() async throws {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 10)
        let counts = try harness.database.peopleCounts(communityID: harness.community.id!)
        try await harness.test { browser in
            let page = try await browser.get("/api/v1/community")
            let json = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            #expect(json?["name"] as? String == "桃园社区")
            #expect(json?["code"] as? String == "110101001001")
            #expect(json?["households"] as? Int == 10)
            #expect(json?["residents"] as? Int == counts.residents)
            #expect(json?["rehearsal"] as? Bool == false)
            #expect(json?["today"] as? String == CivilDate.today().description)
        }
    }

    @Test("audit verification for an admin reports an intact chain, and a tampered one")
    func auditVerification() async throws {
        let harness = try WebHarness()
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let intact = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/audit/verification").body.utf8)) as? [String: Any]
            #expect(intact?["intact"] as? Bool == true)
            #expect((intact?["clockSteps"] as? [Any])?.isEmpty == true)
            #expect(!(try await browser.get("/admin").body.contains("服务器时钟曾被调回")))
            // An entry recorded an hour before the one before it: reported, the chain still intact.
            try await harness.database.writer.write { db in
                _ = try AuditLog.append(db, actor: .commandLine, action: "test.late", subject: "t:1", details: ["n": "1"], now: AppClock.now().addingTimeInterval(3_600))
                _ = try AuditLog.append(db, actor: .commandLine, action: "test.early", subject: "t:2", details: ["n": "2"], now: AppClock.now())
            }
            let stepped = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/audit/verification").body.utf8)) as? [String: Any]
            #expect(stepped?["intact"] as? Bool == true)
            #expect((stepped?["clockSteps"] as? [[String: Any]])?.count == 1)
            #expect(try await browser.get("/admin").body.contains("服务器时钟曾被调回"))
            try await harness.database.writer.write { db in try db.execute(sql: "UPDATE auditEntry SET subject = 'x' WHERE seq = 2") }
            let broken = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/audit/verification").body.utf8)) as? [String: Any]
            #expect(broken?["intact"] as? Bool == false)
            let problems = broken?["problems"] as? [[String: Any]]
            #expect(problems?.first?["seq"] as? Int == 2)
            let page = try await browser.get("/admin")
            #expect(page.body.contains("审计链被篡改"))
            #expect(page.body.contains("entry 2"))
        }
    }

    @Test("every path in the OpenAPI document is served; every API route is documented")
    func openAPIMatchesRoutes() async throws {
        try await WebHarness().test { browser in
            let page = try await browser.get("/api/openapi.json")
            #expect(page.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            for (path, operations) in paths where !path.contains("{") {
                for method in (operations as? [String: Any] ?? [:]).keys {
                    let response = try await browser.send(path, method: HTTPRequest.Method(method.uppercased())!, headers: [:], body: nil)
                    #expect(response.status != .notFound && response.status != .methodNotAllowed, "\(method) \(path) is documented but not served")
                }
            }
            #expect(Set(paths.keys) == ["/health", "/api/v1/community", "/api/v1/community/key", "/api/v1/audit/verification", "/api/v1/audit/heads", "/api/v1/residents/import",
                                        "/api/v1/elections/{id}/roll", "/api/v1/elections/{id}/roll/lookup", "/api/v1/elections/{id}/objections",
                                        "/api/v1/elections/{id}/rules", "/api/v1/elections/{id}/timeline", "/api/v1/elections/{id}/nominations",
                                        "/api/v1/elections/{id}/candidates", "/api/v1/elections/{id}/ballot-paper", "/api/v1/elections/{id}/rounds", "/api/v1/elections/{id}/today",
                                        "/api/v1/elections/{id}/check-ins", "/api/v1/elections/{id}/boxes/{box}/entries", "/api/v1/elections/{id}/boxes/{box}/open",
                                        "/api/v1/elections/{id}/boxes/{box}/count-sheet/signatures", "/api/v1/elections/{id}/track/{code}",
                                        "/api/v1/elections/{id}/notices", "/api/v1/elections/{id}/notices/{number}", "/api/v1/elections/{id}/recalls", "/api/v1/elections/{id}/recalls/{number}", "/api/v1/elections/{id}/archive",
                                        "/api/v1/elections/{id}/ballots", "/api/v1/elections/{id}/rounds/{round}/result",
                                        "/api/v1/elections/{id}/result", "/api/v1/certificates/verify", "/api/v1/elections/{id}/statistics",
                                        "/api/v1/elections/{id}/handover", "/api/v1/elections/{id}/handover/items", "/api/v1/elections/{id}/handover/signatures",
                                        "/api/v1/elections/{id}/handover/confirm", "/api/v1/elections/{id}/annulment",
                                        "/api/v1/motions", "/api/v1/motions/{number}", "/api/v1/motions/{number}/supports", "/api/v1/motions/{number}/transitions",
                                        "/api/v1/motions/{number}/comments", "/api/v1/meetings", "/api/v1/meetings/{id}", "/api/v1/meetings/{id}/attendance",
                                        "/api/v1/meetings/{id}/items/{item}/votes", "/api/v1/council/dashboard", "/api/v1/hearings", "/api/v1/hearings/{id}",
                                        "/api/v1/hearings/{id}/registrations", "/api/v1/motions/{number}/ratings", "/api/v1/assessments/{id}", "/api/v1/board/report",
                                        "/api/v1/assembly", "/api/v1/assembly/terms", "/api/v1/assembly/terms/{term}/members",
                                        "/api/v1/requests", "/api/v1/requests/{id}", "/api/v1/requests/{id}/signatures", "/api/v1/requests/{id}/convened",
                                        "/api/v1/supervision", "/api/v1/supervision/opinions",
                                        "/api/v1/consultations", "/api/v1/consultations/{id}"])
        }
    }

    @Test("the document's enumerations name every value the domain writes: notice kinds, attendance bases (schemathesis found new ones missing)")
    func enumerationsFollowTheDomain() async throws {
        try await WebHarness().test { browser in
            let page = try await browser.get("/api/openapi.json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            func values(_ schema: String, _ property: String) -> Set<String> {
                let properties = (schemas[schema] as? [String: Any])?["properties"] as? [String: Any]
                return Set(((properties?[property] as? [String: Any])?["enum"] as? [String]) ?? [])
            }
            #expect(values("NoticeSummary", "kind") == Set(NoticeKind.allCases.map(\.rawValue)))
            #expect(values("NoticeDocument", "kind") == Set(NoticeKind.allCases.map(\.rawValue)))
            #expect(values("Meeting", "basis") == Set(AttendanceBasis.allCases.map(\.rawValue)))
        }
    }
}
