import Community
import Elections
import Foundation
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

/// A closed box's count sheet signed by the committee's scrutineer on the box page and through
/// the API (issue 19); the demo's scrutineer (xwh2) signed the boxes the demo counted.
@Suite("count sheets on the web: the scrutineer signs on the box page or through the API")
struct CountSheetPagesTests {
    let pages = PollingPagesTests()

    @Test("the demo's counted boxes carry xwh2's signature; the opened electronic box asks for one, a member who is not a scrutineer and a wrong password sign nothing, the scrutineer signs once")
    func signOnTheBoxPage() async throws {
        let (harness, election, round) = try pages.demo()
        let id = election.id!
        let counted = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.status == .closed })
        #expect(try harness.database.countSheetSignatures(boxID: counted.box.id!).map(\.name).count == 1)
        try pages.openElectronicBox(harness, election, round)
        let electronic = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .electronic }?.box)
        try await harness.test { browser in
            try await browser.login("xwh1", PollingPagesTests.committeePassword)
            let signedPage = try await browser.get("/elections/\(id)/boxes/\(counted.box.id!)")
            #expect(signedPage.status == .ok && !signedPage.body.contains("id=\"count-sheet-unsigned\"") && signedPage.body.contains("xuanyi-count-sheet/1"))
            let page = try await browser.get("/elections/\(id)/boxes/\(electronic.id!)")
            #expect(page.body.contains("id=\"count-sheet-unsigned\"") && page.body.contains("id=\"sign-count-sheet\""))
            let chair = try await browser.post("/elections/\(id)/boxes/\(electronic.id!)/count-sheet/sign", form: [("password", PollingPagesTests.committeePassword)])
            #expect(chair.status == .unprocessableContent && chair.body.contains("scrutineers (监票人)") && chair.body.contains("id=\"count-sheet-unsigned\""))

            try await browser.login("xwh2", PollingPagesTests.committeePassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(electronic.id!)")
            let wrong = try await browser.post("/elections/\(id)/boxes/\(electronic.id!)/count-sheet/sign", form: [("password", "not-the-password")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("id=\"count-sheet-unsigned\""))
            let signed = try await browser.post("/elections/\(id)/boxes/\(electronic.id!)/count-sheet/sign", form: [("password", PollingPagesTests.committeePassword)])
            #expect(signed.status == .ok && signed.body.contains("Count sheet signed by the scrutineer") && !signed.body.contains("id=\"count-sheet-unsigned\""))
            let twice = try await browser.post("/elections/\(id)/boxes/\(electronic.id!)/count-sheet/sign", form: [("password", PollingPagesTests.committeePassword)])
            #expect(twice.status == .unprocessableContent && twice.body.contains("already signed"))
        }
        let signatures = try harness.database.countSheetSignatures(boxID: electronic.id!)
        let box = try harness.database.box(id: electronic.id!, electionID: id).box
        let key = try Ed25519PublicKey(pem: try #require(signatures.first?.publicKeyPEM))
        let sheet = Data(try #require(box.countSheetJSON).utf8)
        #expect(signatures.count == 1 && key.isValidSignature(signatures[0].signature, for: sheet))
    }

    @Test("the API signs with the scrutineer's password and answers the sheet and its signatures; wrong passwords are throttled per account")
    func signThroughTheAPI() async throws {
        let (harness, election, round) = try pages.demo()
        let id = election.id!
        try pages.openElectronicBox(harness, election, round)
        let electronic = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .electronic }?.box)
        let path = "/api/v1/elections/\(id)/boxes/\(electronic.id!)/count-sheet/signatures"
        let signedEarly = EarlyAnswer()
        try await harness.test { browser in
            try await browser.login("xwh2", PollingPagesTests.committeePassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(electronic.id!)")
            func post(_ password: String) async throws -> Browser.Page {
                let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
                let body = try JSONSerialization.data(withJSONObject: ["password": password])
                return try await browser.send(path, method: .post, headers: headers, body: .init(bytes: body))
            }
            let missing = try await browser.send(path, method: .post, headers: [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()],
                                                 body: .init(string: "{}"))
            #expect(missing.status == .badRequest)
            // When the last wrong password was sent: the server records the failure after that
            // (its check may take long under load), so the wait it imposes ends after this + 2 s.
            var lastFailure = Date()
            for _ in 0..<3 {
                let sent = Date()
                #expect(try await post("guess").status == .unauthorized)
                lastFailure = sent
            }
            // Past the free failures even the right password waits — while the wait lasts: on a
            // loaded machine it may be over before the next request arrives, and then the right
            // password is rightly checked (and signs).
            let right = try await post(PollingPagesTests.committeePassword)
            let elapsed = Date().timeIntervalSince(lastFailure)
            #expect(right.status == .tooManyRequests || (right.status == .ok && elapsed >= 1.9), "\(right.status) only \(elapsed) s after the last wrong password was sent")
            if right.status == .ok { signedEarly.page = right }
        }
        // A fresh application (its own throttle): the right password signs.
        try await harness.test { browser in
            try await browser.login("xwh2", PollingPagesTests.committeePassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(electronic.id!)")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()]
            let answer: Browser.Page
            if let early = signedEarly.page {
                answer = early
            } else {
                answer = try await browser.send(path, method: .post, headers: headers,
                                                body: .init(bytes: try JSONSerialization.data(withJSONObject: ["password": PollingPagesTests.committeePassword])))
            }
            #expect(answer.status == .ok, "\(answer.body)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            let signatures = try #require(document["signatures"] as? [[String: Any]])
            #expect(signatures.count == 1 && document["needed"] as? Int == 1)
            let sheet = try #require(document["countSheet"] as? String)
            let stored = try harness.database.box(id: electronic.id!, electionID: id).box.countSheetJSON
            #expect(sheet == stored)
            let pem = try #require(try harness.database.countSheetSignatures(boxID: electronic.id!).first?.publicKeyPEM)
            let base64 = try #require(signatures.first?["signature"] as? String)
            let signature = try #require(Data(base64Encoded: base64))
            let key = try Ed25519PublicKey(pem: pem)
            #expect(key.isValidSignature(signature, for: Data(sheet.utf8)))
        }
    }
}

/// The answer of a signature made before the second application, if the throttle's wait had
/// already passed (a slow machine).
final class EarlyAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Browser.Page?
    var page: Browser.Page? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
