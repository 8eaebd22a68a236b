import Community
import Foundation
import HTTPTypes
import Testing
@testable import Web

@Suite("login, sessions, CSRF, roles")
struct AuthTests {
    @Test("admin logs in, gets an HttpOnly SameSite session cookie and sees the admin page")
    func adminLogin() async throws {
        try await WebHarness().test { browser in
            let response = try await browser.login("admin", WebHarness.adminPassword, next: "/admin")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin")
            let cookie = response.setCookies.first { $0.hasPrefix("xy_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let admin = try await browser.get("/admin")
            #expect(admin.status == .ok)
            #expect(admin.body.contains("审计链完整"))
            #expect(admin.body.contains("管理员 (admin)"))
        }
    }

    @Test("a wrong password is refused without saying whether the user exists")
    func wrongPassword() async throws {
        try await WebHarness().test { browser in
            let wrong = try await browser.login("admin", "not-the-password")
            let unknown = try await browser.login("ghost", "not-the-password")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.body.contains("用户名或密码错误"))
            #expect(unknown.body.contains("用户名或密码错误"))
            #expect(browser.cookie("xy_session") == nil)
        }
    }

    @Test("a form without the CSRF token, or with another visitor's, is refused")
    func csrf() async throws {
        try await WebHarness().test { browser in
            _ = try await browser.get("/login")
            let missing = try await browser.post("/login", form: [("username", "admin"), ("password", WebHarness.adminPassword)], csrf: false)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("表单已过期"))
            let forged = try await browser.post("/login", form: [("username", "admin"), ("password", WebHarness.adminPassword), ("_csrf", "A" + String(repeating: "b", count: 42))], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(browser.cookie("xy_session") == nil)
        }
    }

    @Test("after login the CSRF token is the session's; logout needs it and ends the session")
    func logout() async throws {
        try await WebHarness().test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let home = try await browser.get("/")
            let token = try #require(Browser.hiddenCSRF(in: home.body))
            let session = try #require(browser.cookie("xy_session"))
            let refused = try await browser.post("/logout", form: [], csrf: false)
            #expect(refused.status == .forbidden)
            let done = try await browser.post("/logout", form: [("_csrf", token)], csrf: false)
            #expect(done.status == .seeOther)
            #expect(browser.cookie("xy_session") == nil)
            // The old token no longer opens the admin page.
            browser.setCookie("xy_session", session)
            let admin = try await browser.get("/admin")
            #expect(admin.status == .seeOther)
        }
    }

    @Test("every login issues a fresh session token (no fixation)")
    func freshToken() async throws {
        try await WebHarness().test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let first = browser.cookie("xy_session")
            try await browser.login("admin", WebHarness.adminPassword)
            let second = browser.cookie("xy_session")
            #expect(first != nil && second != nil && first != second)
        }
    }

    @Test("after five failures the account waits (progressively), even with the right password")
    func throttle() async throws {
        try await WebHarness().test { browser in
            // Wrong passwords until one is not even checked: three are free, then a wait (2 s,
            // doubling) follows every further failure, so a refusal comes however slowly the
            // machine answers.
            var statuses: [HTTPResponse.Status] = []
            var lastFailure = Date()
            var refusal: Browser.Page?
            for _ in 0..<10 where refusal == nil {
                // Timed from sending: the server records the failure after that, however late the
                // loaded test task sees the answer.
                let sent = Date()
                let answer = try await browser.login("admin", "wrong-password")
                statuses.append(answer.status)
                if answer.status == .tooManyRequests { refusal = answer } else { lastFailure = sent }
            }
            #expect(statuses.prefix(3).allSatisfy { $0 != .tooManyRequests }, "\(statuses)")
            let blocked = try #require(refusal, "no refusal after \(statuses)")
            #expect(blocked.headers[.retryAfter] != nil)
            #expect(blocked.body.contains("登录失败次数过多"))
            // Even the right password waits — while the wait lasts (on a machine so loaded that
            // two seconds passed since the last checked failure, it is rightly checked).
            let right = try await browser.login("admin", WebHarness.adminPassword)
            let elapsed = Date().timeIntervalSince(lastFailure)
            #expect(right.status == .tooManyRequests || elapsed >= 1.9, "\(right.status) only \(elapsed) s after the last checked failure")
            // Another account is not affected.
            let clerk = try await browser.login("clerk", WebHarness.clerkPassword)
            #expect(clerk.status == .seeOther)
        }
    }

    @Test("the admin page: visitors are sent to login, a clerk is forbidden")
    func roles() async throws {
        try await WebHarness().test { browser in
            let anonymous = try await browser.get("/admin")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login?next=/admin")
            try await browser.login("clerk", WebHarness.clerkPassword)
            let clerk = try await browser.get("/admin")
            #expect(clerk.status == .forbidden)
            #expect(clerk.body.contains("没有权限"))
            let api = try await browser.get("/api/v1/audit/verification")
            #expect(api.status == .forbidden)
        }
    }

    @Test("login never redirects off the site")
    func loginNextIsLocal() async throws {
        try await WebHarness().test { browser in
            let response = try await browser.login("admin", WebHarness.adminPassword, next: "//evil.example/")
            #expect(response.headers[.location] == "/")
        }
    }
}

@Suite("login throttle")
struct LoginThrottleTests {
    @Test("attack: no hard lockout — each failure past the free ones doubles the wait, up to a cap; failures are forgotten; success clears the name")
    func progressive() async {
        let throttle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 100, baseDelay: 2, maxDelay: 60, memory: 600)
        var now = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<3 { await throttle.recordFailure(username: "Admin", address: "1.2.3.4", now: now) }
        #expect(await throttle.retryAfter(username: "admin", address: "5.6.7.8", now: now) == 2)
        now += 2
        #expect(await throttle.retryAfter(username: "admin", address: "5.6.7.8", now: now) == nil)
        var waits: [TimeInterval] = []
        for _ in 0..<6 {
            await throttle.recordFailure(username: "admin", address: "1.2.3.4", now: now)
            let wait = await throttle.retryAfter(username: "admin", address: "5.6.7.8", now: now) ?? 0
            waits.append(wait)
            now += wait
        }
        #expect(waits == [4, 8, 16, 32, 60, 60])
        // Long quiet: forgotten.
        #expect(await throttle.retryAfter(username: "admin", address: "5.6.7.8", now: now + 601) == nil)
        await throttle.recordFailure(username: "admin", address: "1.2.3.4", now: now)
        await throttle.recordSuccess(username: "ADMIN")
        #expect(await throttle.retryAfter(username: "admin", address: "9.9.9.9", now: now) == nil)
    }

    @Test("one address guessing many usernames is slowed by address; another address is not")
    func perAddress() async {
        let throttle = LoginThrottle(freeFailures: 5, freeFailuresPerAddress: 4)
        let now = Date()
        for index in 0..<4 { await throttle.recordFailure(username: "user\(index)", address: "10.0.0.1", now: now) }
        #expect(await throttle.retryAfter(username: "someone-new", address: "10.0.0.1", now: now) != nil)
        #expect(await throttle.retryAfter(username: "someone-new", address: "10.0.0.2", now: now) == nil)
    }
}
