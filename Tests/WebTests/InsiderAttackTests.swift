import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

/// Findings of the insider review, each tried as the attacker did.
@Suite("insider attacks: cards, redirects, bodies, throttles, CSV, tracking")
struct InsiderAttackTests {
    static let committeePassword = "committee-pass-12"

    func demoWithCommittee() throws -> (WebHarness, Election, PollingRound) {
        let (harness, election, round) = try PollingPagesTests().demo()
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "weiyuan", displayName: "委员", password: Self.committeePassword,
                                                      roles: [.committee]), actor: .commandLine)
        return (harness, election, round)
    }

    @Test("attack: a clerk (or the administrator) re-issues a voter card or a household card during polling to vote in someone's name — refused; the committee is refused too while polling is open")
    func cardsDuringPolling() async throws {
        let (harness, election, round) = try demoWithCommittee()
        let id = election.id!
        let number = try PollingPagesTests().voterWithoutBallot(harness, election, round)
        let before = try await harness.database.reader.read { db in try String.fetchAll(db, sql: "SELECT codeHash FROM voterCredential ORDER BY rollEntryID") }
        try await harness.test { browser in
            for (user, password) in [("clerk", WebHarness.clerkPassword), ("admin", WebHarness.adminPassword)] {
                _ = try await browser.post("/logout", form: [])
                try await browser.login(user, password)
                _ = try await browser.get("/elections/\(id)")
                let card = try await browser.post("/elections/\(id)/cards", form: [("numbers", String(number))])
                #expect(card.status == .forbidden && !card.body.contains("voter-card"), "\(user) got \(card.status)")
                let household = try await browser.post("/council/household-cards", form: [("numbers", "H00001")])
                #expect(household.status == .forbidden, "\(user) got \(household.status)")
            }
            _ = try await browser.post("/logout", form: [])
            try await browser.login("weiyuan", Self.committeePassword)
            _ = try await browser.get("/elections/\(id)")
            let card = try await browser.post("/elections/\(id)/cards", form: [("numbers", String(number))])
            #expect(card.status == .unprocessableContent && card.body.contains("Polling is open") && !card.body.contains("<section class=\"voter-card\">"))
            _ = try await browser.get("/council")
            let household = try await browser.post("/council/household-cards", form: [("numbers", "H00001")])
            #expect(household.status == .unprocessableContent && household.body.contains("Polling is open"))
        }
        let after = try await harness.database.reader.read { db in try String.fetchAll(db, sql: "SELECT codeHash FROM voterCredential ORDER BY rollEntryID") }
        #expect(before == after)
    }

    @Test("attack: redirect targets with tab, CR/LF, backslash, encoded slashes or a scheme never leave the site")
    func redirects() async throws {
        let hostile = ["//evil.example/", "/\t/evil.example", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "https://evil.example/",
                       "/\r\nSet-Cookie: x=1", "/\n/evil.example", " //evil.example", "/\u{0B}/evil.example", "/\u{200B}/evil.example", "javascript:alert(1)"]
        for target in hostile {
            #expect(RedirectTarget.sameOriginPath(target) == "/", "\(target.debugDescription) was accepted")
        }
        #expect(RedirectTarget.sameOriginPath("/motions/2026-0003?x=1") == "/motions/2026-0003?x=1")
        try await WebHarness().test { browser in
            for target in ["/\t/evil.example", "/\\evil.example"] {
                let response = try await browser.login("admin", WebHarness.adminPassword, next: target)
                #expect(response.headers[.location] == "/", "login followed \(target.debugDescription)")
                let language = try await browser.get("/lang/en?back=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                #expect(language.headers[.location] == "/", "language switch followed \(target.debugDescription)")
            }
        }
    }

    @Test("attack: anonymous requests cannot make the server buffer large bodies — the import and photo routes take more than 1 MiB only once signed in")
    func largeBodiesNeedAuthentication() async throws {
        let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 3 << 20)
        try await WebHarness().test { browser in
            _ = try await browser.get("/")
            let csrf = browser.currentCSRF()
            for path in ["/residents/import", "/api/v1/residents/import", "/motions", "/api/v1/motions"] {
                // No CSRF header: the anti-forgery check reads the form body, at most 1 MiB for a visitor.
                _ = csrf
                let response = try await browser.send(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: big)
                #expect(response.status == .contentTooLarge, "\(path): \(response.status)")
            }
            try await browser.login("clerk", WebHarness.clerkPassword)
            let staff = try await browser.send("/api/v1/residents/import?dryRun=true", method: .post,
                                               headers: [.contentType: "text/csv", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()], body: big)
            #expect(staff.status != .contentTooLarge)
        }
    }

    @Test("attack: a flood of anonymous objections is cut off after five an hour from one address")
    func objectionFlood() async throws {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 20)
        let fresh = try harness.database.createElection(communityID: harness.community.id!, title: "补选", method: .direct,
                                                        electionDay: CivilDate.today().adding(days: 30), keyStore: harness.keyStore, actor: .commandLine)
        try harness.database.buildRoll(electionID: fresh.id!, actor: .commandLine)
        let election = try harness.database.publishRoll(electionID: fresh.id!, on: .today(), actor: .commandLine)
        try await harness.test { browser in
            _ = try await browser.get("/elections/\(election.id!)/objections/new")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let body = ByteBuffer(string: #"{"filerName":"王五","kind":"wrongDetails","subject":"王五","statement":"姓名有误"}"#)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<7 { statuses.append(try await browser.send("/api/v1/elections/\(election.id!)/objections", method: .post, headers: headers, body: body).status) }
            #expect(statuses.prefix(5).allSatisfy { $0 == .created } && statuses.suffix(2).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
        }
        #expect(try harness.database.objections(electionID: election.id!).count == 5)
    }

    @Test("attack: countersigning is not an unthrottled password oracle")
    func countersignThrottled() async throws {
        let (harness, election) = try ResultPagesTests().election(through: .allRounds)
        let id = election.id!
        try await harness.test { browser in
            _ = try await browser.login("wy1", ResultPagesTests.password)
            _ = try await browser.get("/elections/\(id)/result")
            #expect(try await browser.post("/elections/\(id)/result/certify", form: [("confirm", "yes")]).status == .ok)
            var statuses: [HTTPResponse.Status] = []
            var lastFailure = Date()
            for guess in 0..<8 where statuses.last != .tooManyRequests {
                _ = try await browser.get("/elections/\(id)/result/countersign")
                let sent = Date()    // the server records the failure after this, however late the answer is seen
                statuses.append(try await browser.post("/elections/\(id)/result/countersign", form: [("password", "guess-\(guess)")]).status)
                if statuses.last == .unprocessableContent { lastFailure = sent }
            }
            // Three free guesses, then a wait (2 s, doubling) before the next one is even checked.
            #expect(statuses.prefix(3).allSatisfy { $0 == .unprocessableContent } && statuses.last == .tooManyRequests, "\(statuses)")
            // Even the right password waits now — while the wait lasts: on a machine so loaded
            // that two seconds passed since the last checked guess, the wait is over and the
            // password is rightly checked.
            let right = try await browser.post("/elections/\(id)/result/countersign", form: [("password", ResultPagesTests.password)]).status
            let elapsed = Date().timeIntervalSince(lastFailure)
            #expect(right == .tooManyRequests || elapsed >= 1.9, "\(right) only \(elapsed) s after the last wrong guess")
        }
    }

    @Test("attack: the public tracking page and API say round and box only — no cast time, no place in the log")
    func trackingWithoutTime() async throws {
        let (harness, election, round) = try PollingPagesTests().demo()
        let id = election.id!
        try PollingPagesTests().openElectronicBox(harness, election, round)
        let entry = try #require(try harness.database.ballotLog(electionID: id).last { $0.line.contains("\"electronic\"") })
        try await harness.test { browser in
            let api = try await browser.get("/api/v1/elections/\(id)/track/\(entry.tracking)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            #expect(Set(json.keys) == ["included", "round", "box", "method"])
            let page = try await browser.get("/elections/\(id)/track/\(entry.tracking)")
            #expect(page.status == .ok && !page.body.contains(entry.recordedAt) && !page.body.contains(">\(entry.seq)<"))
        }
        // Every electronic ballot of the round carries the same time (the round's opening).
        let times = Set(try harness.database.ballotLog(electionID: id).map(\.recordedAt))
        #expect(times.count == 1)
    }

    @Test("attack: a cell that starts like a formula (= + - @ tab CR) is never a formula in any CSV")
    func csvFormulas() {
        for hostile in ["=HYPERLINK(\"http://evil\")", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"] {
            let field = CSVField.escape(hostile)
            let unquoted = field.hasPrefix("\"") ? String(field.dropFirst()) : field
            #expect(unquoted.hasPrefix("'"), "\(hostile.debugDescription) → \(field.debugDescription)")
        }
        #expect(CSVField.escape("张三") == "张三" && CSVField.escape("a,b") == "\"a,b\"")
        #expect(CSVField.line(["=cmd", "@x", "+1"]) == #""'=cmd","'@x","'+1""#)
    }

    @Test("attack: sixteen failed logins at once run their scrypt on their own threads, at most a few at a time, and the overflow is refused")
    func passwordWorkBounded() async throws {
        let work = PasswordWork(concurrency: 2, queueLimit: 8)
        let peak = Peak()
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    do {
                        try await work.run { peak.enter(); Thread.sleep(forTimeInterval: 0.05); peak.leave() }
                        return true
                    } catch {
                        #expect(error as? WebError == .busy)
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(peak.maximum <= 2)
        #expect(results.filter { $0 }.count >= 8 && results.contains(false))
    }

    final class Peak: @unchecked Sendable {
        private let lock = NSLock()
        private var current = 0
        private(set) var maximum = 0
        func enter() { lock.withLock { current += 1; maximum = max(maximum, current) } }
        func leave() { lock.withLock { current -= 1 } }
    }

    @Test("behind a trusted proxy the client is the forwarded address; from anyone else the header is ignored")
    func trustedProxy() {
        #expect(ClientAddressMiddleware.client(forwardedFor: ["203.0.113.7, 10.0.0.2"], trusted: ["10.0.0.2", "10.0.0.1"]) == "203.0.113.7")
        #expect(ClientAddressMiddleware.client(forwardedFor: ["1.1.1.1", "203.0.113.7"], trusted: ["10.0.0.1"]) == "203.0.113.7")
        #expect(ClientAddressMiddleware.client(forwardedFor: ["<script>"], trusted: ["10.0.0.1"]) == nil)
    }
}

@Suite("own passwords: the administrator's password is one-time, keys are the owner's")
struct OwnPasswordTests {
    @Test("attack: the administrator creates an account and keeps its password — it opens only the page where the owner sets their own; the key is made under the owner's password; a reset makes a new key and says so")
    func oneTimePasswords() async throws {
        let harness = try WebHarness()
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get("/admin")
            let created = try await browser.post("/admin/accounts", form: [("username", "weiyuan"), ("displayName", "委员"), ("password", "admin-knows-this-1"),
                                                                          ("role", "committee"), ("idNumber", "")])
            #expect(created.status == .seeOther)
            let account = try #require(try harness.database.accounts().first { $0.username == "weiyuan" })
            let noKey = try harness.database.accountKey(accountID: account.id!) == nil
            #expect(account.mustChangePassword && noKey)
            // The administrator signs in with the password they chose: nothing but the password page.
            _ = try await browser.post("/logout", form: [])
            let login = try await browser.login("weiyuan", "admin-knows-this-1")
            #expect(login.status == .seeOther)
            for path in ["/elections", "/council", "/admin"] {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther && page.headers[.location] == "/account/password", "\(path): \(page.status)")
            }
            #expect(try await browser.get("/api/v1/council/dashboard").status == .forbidden)
            #expect(throws: CommunityError.self) { try harness.database.unlockAccountKey(accountID: account.id!, password: "admin-knows-this-1") }
            let form = try await browser.get("/account/password")
            #expect(form.status == .ok && form.body.contains("name=\"current\""))
            let mismatch = try await browser.post("/account/password", form: [("current", "admin-knows-this-1"), ("password", "my-own-secret-1"), ("confirm", "other-secret-1")])
            #expect(mismatch.status == .unprocessableContent)
            let set = try await browser.post("/account/password", form: [("current", "admin-knows-this-1"), ("password", "my-own-secret-1"), ("confirm", "my-own-secret-1")])
            #expect(set.status == .seeOther)
            #expect(try await browser.login("weiyuan", "admin-knows-this-1").status == .unauthorized)
            #expect(try await browser.login("weiyuan", "my-own-secret-1").status == .seeOther)
            #expect(try await browser.get("/elections").status == .ok)
        }
        let account = try #require(try harness.database.accounts().first { $0.username == "weiyuan" })
        let key = try #require(try harness.database.accountKey(accountID: account.id!))
        #expect(!account.mustChangePassword)
        #expect(try harness.database.unlockAccountKey(accountID: account.id!, password: "my-own-secret-1").publicKey.pemRepresentation == key.publicKeyPEM)
        // A change by the owner re-seals the same key under the new password.
        try harness.database.changePassword(accountID: account.id!, current: "my-own-secret-1", new: "my-newer-secret-2", actor: .commandLine)
        #expect(try harness.database.unlockAccountKey(accountID: account.id!, password: "my-newer-secret-2").publicKey.pemRepresentation == key.publicKeyPEM)
        #expect(throws: CommunityError.self) { try harness.database.unlockAccountKey(accountID: account.id!, password: "my-own-secret-1") }
        // The administrator resets it: the old key is gone, a new one comes with the owner's next password; the audit log says so.
        try harness.database.resetPassword(accountID: account.id!, oneTimePassword: "one-time-reset-9", actor: .commandLine)
        #expect(try harness.database.accountKey(accountID: account.id!) == nil)
        #expect(throws: CommunityError.self) { try harness.database.unlockAccountKey(accountID: account.id!, password: "one-time-reset-9") }
        try harness.database.changePassword(accountID: account.id!, current: "one-time-reset-9", new: "after-reset-own-3", actor: .commandLine)
        let renewed = try #require(try harness.database.accountKey(accountID: account.id!))
        #expect(renewed.publicKeyPEM != key.publicKeyPEM)
        let audit = try await harness.database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT action || ' ' || details FROM auditEntry WHERE subject = ? ORDER BY seq", arguments: ["account:\(account.id!)"])
        }
        let (oldKeyID, newKeyID) = (try key.publicKey().keyID, try renewed.publicKey().keyID)
        #expect(audit.contains { $0.hasPrefix("account.reset") && $0.contains(oldKeyID) && $0.contains("newKey") })
        #expect(audit.last?.hasPrefix("account.password") == true && audit.last?.contains(newKeyID) == true)
    }
}
