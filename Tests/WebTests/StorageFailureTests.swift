import Community
import Councils
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import Web

@Suite("a full disk or a read-only database: a clear 503, nothing half-saved, nothing acknowledged lost")
struct StorageFailureTests {
    @Test("read-only: SQLite's refusal is recognised and answered 503 with the reason, in both languages")
    func readOnly() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("readonly-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: file) }
        try await DatabaseQueue(path: file.path).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        var configuration = Configuration()
        configuration.readonly = true
        let readonly = try DatabaseQueue(path: file.path, configuration: configuration)
        var caught: (any Error)?
        do { try await readonly.writeWithoutTransaction { db in try db.execute(sql: "INSERT INTO t VALUES (1)") } } catch { caught = error }
        let error = try #require(caught)
        #expect(StorageFailure(error) == .readOnly)
        let middleware = ErrorPageMiddleware(renderer: try await PageRenderer.load())
        let (status, zh, _) = middleware.describe(error, locale: .zhHans, requestID: "r1")
        let (_, en, _) = middleware.describe(error, locale: .en, requestID: "r1")
        #expect(status == .serviceUnavailable && zh.contains("只读") && en.contains("read-only") && !zh.contains("r1"))
        #expect(StorageFailure(CommunityError.notAllowed("x")) == nil)
    }

    @Test("disk full: the write fails whole, the answer says the disk is full, and a retry after space frees succeeds")
    func diskFull() async throws {
        let garden = try CouncilPagesTests().garden()
        let photo = TestImages.jpeg(scanBytes: 1_500_000)   // needs new pages
        try await garden.harness.test { browser in
            _ = try await CouncilPagesTests().signIn(browser, garden.cards[0])
            _ = try await browser.get("/motions/new")
            try await garden.database.writer.writeWithoutTransaction { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
                _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
            }
            let full = try await browser.upload("/motions", fields: [("_csrf", browser.currentCSRF()), ("title", "大照片"), ("description", "x"), ("category", "facilities")],
                                                fileField: "photo", fileName: "big.jpg", file: photo)
            #expect(full.status == .serviceUnavailable && full.body.contains("磁盘已满"))
            #expect(try garden.database.motions(communityID: garden.communityID).isEmpty)
            try await garden.database.writer.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823") }
            _ = try await browser.get("/motions/new")
            let retried = try await browser.upload("/motions", fields: [("_csrf", browser.currentCSRF()), ("title", "大照片"), ("description", "x"), ("category", "facilities")],
                                                   fileField: "photo", fileName: "big.jpg", file: photo)
            #expect(retried.status == .created)
        }
        #expect(try garden.database.motions(communityID: garden.communityID).count == 1)
        #expect(try garden.database.verifyAudit().isIntact)
    }
}
