import Foundation
import GRDB
import Notary
import Testing
@testable import Community

@Suite("what keeps a restore safe: the server's lock, declared history in the audit log", .serialized)
struct RestoreSafetyTests {
    @Test("a database lock is exclusive, names its holder, and is free again once released; without the file there is nothing to lock")
    func lock() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("x.sqlite").path
        #expect(try DatabaseLock.acquire(database: database, purpose: "xuanyi restore", createFile: false) == nil)
        #expect(!FileManager.default.fileExists(atPath: DatabaseLock.path(forDatabase: database)))
        let server = try DatabaseLock.acquire(database: database, purpose: "xuanyi serve")
        #expect((try FileManager.default.attributesOfItem(atPath: server.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        do {
            _ = try DatabaseLock.acquire(database: database, purpose: "xuanyi restore")
            Issue.record("a second holder got the lock")
        } catch {
            #expect("\(error)".contains("in use by xuanyi serve (pid \(getpid()))"))
        }
        server.release()
        let restore = try #require(try DatabaseLock.acquire(database: database, purpose: "xuanyi restore", createFile: false))
        restore.release()
    }

    @Test("entries declared as history are not a clock step while their times lie in the declared range; a real step still is, inside or after the span")
    func declaredHistory() throws {
        let (database, _) = try makeDatabaseWithCommunity()
        let now = Date()
        func tick(_ label: String, _ at: Date) throws {
            try database.writer.write { db in _ = try AuditLog.append(db, actor: .commandLine, action: "test.tick", subject: label, details: [String: String](), now: at) }
        }
        try database.recordingHistory(from: now.addingTimeInterval(-3 * 365 * 86_400), to: now.addingTimeInterval(86_400), reason: "seeded") {
            try tick("three years ago", now.addingTimeInterval(-3 * 365 * 86_400 + 60))
            try tick("last month", now.addingTimeInterval(-30 * 86_400))
            try tick("two years ago", now.addingTimeInterval(-2 * 365 * 86_400))
            try tick("this evening", now.addingTimeInterval(3_600))
        }
        #expect(try database.verifyAudit().clockSteps.isEmpty)
        // After the span, a clock that goes back is reported again.
        try tick("after", now.addingTimeInterval(-7_200))
        var result = try database.verifyAudit()
        #expect(result.isIntact)
        #expect(result.clockSteps.count == 1)
        #expect(result.clockSteps.first?.seconds ?? 0 >= 7_100)
        // Inside a span, an entry outside its declared range is reported too.
        try database.recordingHistory(from: now.addingTimeInterval(-86_400), to: now, reason: "seeded") {
            try tick("outside the range", now.addingTimeInterval(-10 * 86_400))
        }
        result = try database.verifyAudit()
        #expect(result.clockSteps.count == 2)
    }

    @Test("a database file's writer syncs every commit (synchronous = FULL), although GRDB's pool sets NORMAL when it turns WAL on")
    func writerSyncsEveryCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try AppDatabase.open(path: folder.appendingPathComponent("x.sqlite").path)
        #expect(try database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try database.writer.write { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try database.writer.close()
    }
}
