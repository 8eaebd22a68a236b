import Community
import Councils
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import Web

/// Collects every log line (message and metadata) in memory.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        log.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

@Suite("no personal data or secrets in the logs")
struct LogPrivacyTests {
    @Test("passwords, access codes, names and ID digits typed into forms or queries never reach the log; requests are still logged")
    func nothingPersonal() async throws {
        let garden = try CouncilPagesTests().garden()
        let captured = CapturedLog()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(log: captured) }
        let router = try await buildRouter(WebConfiguration(database: garden.database, logger: logger, keyStore: garden.harness.keyStore))
        let app = Application(router: router, logger: logger)
        let card = garden.cards[0]
        try await app.test(.router) { client in
            let browser = Browser(client: client)
            _ = try await browser.login("zhuren", CouncilPagesTests.password)
            _ = try await browser.login("zhuren", "wrong-password-secret")
            _ = try await browser.get("/elections/1/roll/lookup?name=%E7%8E%8B%E7%A7%98%E5%AF%86&id4=9876")
            _ = try await browser.get("/motions?q=%E7%A7%81%E5%AF%86%E8%AF%8D")
            _ = try await CouncilPagesTests().signIn(browser, card)
            _ = try await browser.get("/garden/sign-in")
            _ = try await browser.post("/garden/sign-in", form: [("household", "H00002"), ("code", "ZZZZ-ZZZZ-ZZZZ-Z")])
        }
        let text = captured.text
        #expect(text.contains("path=/motions") && text.contains("status=200"))
        for secret in [CouncilPagesTests.password, "wrong-password-secret", card.code, "王秘密", "%E7%8E%8B%E7%A7%98", "9876", "私密词", "%E7%A7%81%E5%AF%86", "ZZZZ-ZZZZ"] {
            #expect(!text.contains(secret), "the log contains \(secret)")
        }
        #expect(!text.contains("xy_session") && !text.contains("xy_household"))
    }
}
