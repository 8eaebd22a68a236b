import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// A polling fixture in a database file, so it can be backed up and restored.
struct RestoreFixture {
    let folder: URL
    let path: String
    let polling: PollingFixture

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString)")
        path = folder.appendingPathComponent("live.sqlite").path
        polling = try PollingFixture(database: try AppDatabase.open(path: path, modules: [ElectionsSchema.self]))
    }

    /// Casts for `number`; the receipt and the form token that finds it again.
    func cast(_ number: Int) throws -> (cast: CastBallot, token: String) {
        let entry = try #require(try polling.database.rollEntryID(electionID: polling.id, rollNumber: number))
        let token = try AppDatabase.newFormToken()
        return (try polling.database.castElectronicBallot(roundID: polling.round.id!, rollEntryID: entry, ballot: try polling.ballot(),
                                                          formToken: token, signingKey: try polling.key), token)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("restoring an election's database: what an earlier backup lacks is said, nothing from before stays valid", .serialized)
struct RestoreTests {
    func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test("a restore to an earlier point lists per election the ballots and check-ins recorded since, ends voter sessions, records itself in the audit log, and keeps the replaced database")
    func forgottenInterval() throws {
        let x = try RestoreFixture()
        defer { x.remove() }
        let p = x.polling
        for number in [40, 41, 42] { _ = try x.cast(number) }
        try p.checkIn(20)
        let backup = x.folder.appendingPathComponent("backup.sqlite").path
        _ = try p.database.backup(to: backup)
        // After the backup: two receipted ballots, a paper check-in, and a voter logged in.
        let late = try x.cast(43)
        _ = try x.cast(44)
        try p.checkIn(21)
        // (A session row as `startVoterSession` writes it: the token's hash, the voter, the expiry.)
        let session = try AppDatabase.newFormToken()
        let voter = try #require(try p.database.rollEntryID(electionID: p.id, rollNumber: 45))
        try p.database.writer.write { db in
            try db.execute(sql: "INSERT INTO voterSession (tokenHash, electionID, rollEntryID, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [SHA256.hash(Data(session.utf8)).hex, p.id, voter, Date().addingTimeInterval(1_800)])
        }
        #expect(try p.database.voterSession(token: session)?.number == 45)
        try p.database.writer.close()

        let report = try AppDatabase.restore(backup: backup, to: x.path, replace: true, keyPassphrase: nil, modules: [ElectionsSchema.self])
        let lines = report.forgotten.joined(separator: "\n")
        // The electronic ballots are sealed until the count: two receipted after the backup.
        #expect(lines.contains("election \(p.id): the replaced database had 2 sealed electronic ballot(s) (receipts issued) and 3 check-in(s) that the backup lacks"), "\(lines)")
        #expect(lines.contains("roll numbers checked in since the backup: 21, 43, 44"), "\(lines)")
        #expect(report.checked.contains { $0.contains("election \(p.id)") })
        let kept = try #require(report.keptAs)
        #expect(FileManager.default.fileExists(atPath: kept))

        let restored = try AppDatabase.open(path: x.path, modules: [ElectionsSchema.self])
        defer { try? restored.writer.close() }
        let electronicBox = try #require(try restored.boxes(roundID: p.round.id!).first { $0.box.kind == .electronic }?.box.id)
        #expect(try restored.sealedBallotCount(boxID: electronicBox) == 3)
        #expect(try restored.previousCast(electionID: p.id, formToken: late.token, signingKey: try p.key) == nil)
        // No voter session from before the restore is valid.
        #expect(try restored.voterSession(token: session) == nil)
        let entry = try #require(try restored.reader.read { db in try AuditEntry.order(Column("seq").desc).fetchOne(db) })
        #expect(entry.action == "database.restore" && entry.details.contains("2 sealed electronic ballot(s)"))
        #expect(try restored.verifyAudit().isIntact)
        // The replaced database is untouched: its five ballots are still there.
        let old = try AppDatabase.open(path: kept, modules: [ElectionsSchema.self])
        #expect(try old.sealedBallotCount(boxID: electronicBox) == 5)
        try old.writer.close()
    }

    @Test("the ballot log is checked line by line against its stored head: a changed line, a removed last line, a head that does not match are each refused, naming the election")
    func ballotLogChecks() throws {
        let x = try RestoreFixture()
        defer { x.remove() }
        let p = x.polling
        for number in [40, 41, 42] { _ = try x.cast(number) }
        try p.openElectronicBox()
        let good = try p.database.reader.read { db in try BallotLogCheck.verify(db, electionID: p.id) }
        #expect(good.lines == 3)
        let damages = [
            ("UPDATE ballotLog SET line = replace(line, '\"posts\"', '\"postr\"') WHERE seq = 2", "line 2 does not hash to its tracking code"),
            ("DELETE FROM ballotLog WHERE seq = 3", "the log ends at line 2"),
            ("UPDATE ballotLogHead SET seq = 4", "its stored head (ballotLogHead) is line 4"),
            ("DELETE FROM ballotLog WHERE seq = 2", "line 2 is missing"),
        ]
        for (damage, expected) in damages {
            let copy = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
            try p.database.writer.backup(to: copy.writer)
            try copy.writer.write { db in try db.execute(sql: damage) }
            let message = failure { _ = try copy.reader.read { db in try BallotLogCheck.verify(db, electionID: p.id) } }
            #expect(message.contains(expected), "\(damage): \(message)")
            let restoreMessage = failure { _ = try ElectionsSchema.checkRestored(copy, file: "backup.sqlite", keys: [:]) }
            #expect(restoreMessage.hasPrefix("backup.sqlite: ballot log of election \(p.id) (ballotLog): ") && restoreMessage.contains(expected), "\(restoreMessage)")
        }
        try p.database.writer.close()
    }
}
