import Foundation
import HTTPTypes
import Testing
@testable import Web

@Suite("large text for elderly residents")
struct LargeTextTests {
    @Test("the switch sets a cookie, the layout scales, it only sends back to this site, and it switches off again")
    func largeText() async throws {
        try await WebHarness().test { browser in
            let normal = try await browser.get("/")
            #expect(!normal.body.contains("class=\"large-text\"") && normal.body.contains("/text/large?back=/"))
            let switched = try await browser.get("/text/large?back=/motions")
            #expect(switched.status == .seeOther && switched.headers[.location] == "/motions")
            let large = try await browser.get("/motions")
            #expect(large.body.contains("<html lang=\"zh-Hans\" class=\"large-text\">") && large.body.contains("/text/normal?back=/motions"))
            #expect(try await browser.get("/text/large?back=//evil.example/").headers[.location] == "/")
            #expect(try await browser.get("/text/huge").status == .badRequest)
            _ = try await browser.get("/text/normal?back=/")
            #expect(!(try await browser.get("/").body.contains("large-text\"")))
        }
    }
}
