import Community
import Councils
import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import Web

/// How much of a body the server reads depends on who sends it, and is decided before the
/// body is read: 1 MiB for anyone, 256 MiB on the import routes only for staff.
@Suite("upload limits follow the session and the role")
struct UploadLimitTests {
    @Test("attack: an account without an import role cannot make the server buffer more than 1 MiB on the import routes, and the API refuses it before reading the body")
    func importNeedsStaff() async throws {
        let garden = try CouncilPagesTests().garden()
        let database = garden.database, communityID = garden.communityID
        let residentID = try database.householdMembers(householdID: try database.household(number: "H00004", communityID: communityID)!.id!)[0].id
        let password = "upload-limit-password-1"
        try database.createAccount(NewAccount(communityID: communityID, username: "teller1", displayName: "teller", password: password, roles: [.teller]),
                                   actor: .commandLine)
        try database.createAccount(NewAccount(communityID: communityID, username: "resident1", displayName: "居民", password: password, roles: [.resident],
                                              residentID: residentID), actor: .commandLine)
        let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 3 << 20)
        let token = HTTPField.Name("X-CSRF-Token")!
        try await garden.harness.test { browser in
            for who in [nil, "teller1", "resident1"] {
                _ = try await browser.post("/logout", form: [])
                browser.setCookie("xy_session", nil)
                if let who { _ = try await browser.login(who, password) }
                _ = try await browser.get("/")   // the page's anti-forgery token: the session's
                // A form: the anti-forgery check reads it, at most 1 MiB for anyone but staff.
                let form = try await browser.send("/residents/import", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: big)
                #expect(form.status == .contentTooLarge, "\(who ?? "visitor"): \(form.status)")
                // The API with the token in a header: refused by the role group, the body never read.
                let api = try await browser.send("/api/v1/residents/import?dryRun=true", method: .post,
                                                 headers: [.contentType: "text/csv", token: browser.currentCSRF()], body: big)
                #expect(api.status == (who == nil ? .unauthorized : .forbidden), "\(who ?? "visitor"): \(api.status)")
            }
            _ = try await browser.post("/logout", form: [])
            browser.setCookie("xy_session", nil)
            try await browser.login("clerk", WebHarness.clerkPassword)
            _ = try await browser.get("/")
            let staff = try await browser.send("/api/v1/residents/import?dryRun=true", method: .post,
                                               headers: [.contentType: "text/csv", token: browser.currentCSRF()], body: big)
            #expect(staff.status != .contentTooLarge && staff.status != .forbidden, "clerk: \(staff.status)")
        }
    }
}
