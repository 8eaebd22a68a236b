import Community
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

@Suite("CSRF on every state-changing route")
struct CSRFEveryRouteTests {
    /// Every POST route the router holds, so that a new route is covered the day it is added.
    static func postRoutes(_ harness: WebHarness) async throws -> [String] {
        let routes = try await buildRoutes(WebConfiguration(database: harness.database, keyStore: harness.keyStore))
        return routes.router.routes.filter { $0.method == .post }.map { $0.path.description }.sorted()
    }

    @Test("every POST route refuses a request without the anti-forgery token — form or JSON, visitor or signed in — and changes nothing")
    func everyRoute() async throws {
        let harness = try WebHarness()
        let routes = try await Self.postRoutes(harness)
        #expect(routes.count > 80)
        let before = try harness.database.verifyAudit().entries
        try await harness.test { browser in
            for signedIn in [false, true] {
                if signedIn { _ = try await browser.login("admin", WebHarness.adminPassword) } else { _ = try await browser.get("/") }
                for route in routes {
                    let path = route.replacingOccurrences(of: #"(:[a-z]+|\{[a-z]+\})"#, with: "1", options: .regularExpression)
                    let form = try await browser.send(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                      body: ByteBuffer(string: "title=x&username=admin&password=\(WebHarness.adminPassword)"))
                    #expect(form.status == .forbidden, "POST \(path) without a token answered \(form.status)")
                    let json = try await browser.send(path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
                    #expect(json.status == .forbidden, "POST \(path) as JSON without X-CSRF-Token answered \(json.status)")
                }
            }
        }
        // Only the one real login (with its token) wrote to the audit log.
        #expect(try harness.database.verifyAudit().entries <= before + 1)
    }
}
