import Community
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

@Suite("CSRF on every state-changing route")
struct CSRFEveryRouteTests {
    /// Every `router.post("…")` in the Web controllers, read from the source so that a new
    /// route is covered the day it is added.
    static func postRoutes() throws -> [String] {
        let controllers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Web/Controllers")
        var routes: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: controllers.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: controllers.appendingPathComponent(file), encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"router\.post\("([^"]+)""#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                routes.append(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return routes.sorted()
    }

    @Test("every POST route refuses a request without the anti-forgery token — form or JSON, visitor or signed in — and changes nothing")
    func everyRoute() async throws {
        let routes = try Self.postRoutes()
        #expect(routes.count > 80)
        let harness = try WebHarness()
        let before = try harness.database.verifyAudit().entries
        try await harness.test { browser in
            for signedIn in [false, true] {
                if signedIn { _ = try await browser.login("admin", WebHarness.adminPassword) } else { _ = try await browser.get("/") }
                for route in routes {
                    let path = route.replacingOccurrences(of: #":[a-z]+"#, with: "1", options: .regularExpression)
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
