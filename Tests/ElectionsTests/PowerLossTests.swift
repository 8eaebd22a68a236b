import Foundation
import GRDB
import Notary
import Testing
@testable import Community
@testable import Elections

/// A small deterministic random number generator (SplitMix64), so a failing run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("power loss: writes not yet synced are dropped or torn (CrashSimulatingVFS)", .serialized)
struct PowerLossTests {
    @Test("simulated power cuts at random moments while ballots are cast with receipts, voters checked in and audit entries written: nothing acknowledged is lost, every database opens with SQLite, the audit chain and the ballot log intact")
    func powerCuts() throws {
        CrashSimulatingVFS.register()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("power-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("live.sqlite").path
        let setup = try AppDatabase.open(path: path, modules: [ElectionsSchema.self])
        let p = try PollingFixture(database: setup)
        let (roundID, boxID, electionID) = (p.round.id!, p.box1.id!, p.id)
        let electronicBox = try #require(try setup.boxes(roundID: roundID).first { $0.box.kind == .electronic }?.box.id)
        let key = try p.key
        let ballot = try p.ballot()
        let entries = try setup.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT number, id FROM rollEntry WHERE electionID = ? AND active ORDER BY number", arguments: [electionID])
                .map { (number: $0["number"] as Int, id: $0["id"] as Int64) }
        }
        try setup.writer.close()

        var generator = SplitMix64(state: 25)
        var remaining = entries
        var receipts: [(token: String, tracking: String)] = []
        var checkedIn: [Int] = []
        var tokens: [Int64: String] = [:]
        var retried: Set<Int64> = []
        var failures: [Int64: Int] = [:]
        var ticks = 0
        var cuts = 0
        var undone = 0
        var kept = 0
        while !remaining.isEmpty {
            let database = try AppDatabase(AppDatabase.durablePool(path: "file:\(path)?vfs=\(CrashSimulatingVFS.name)"),
                                           modules: [ElectionsSchema.self])
            // Sealed ballots are stored under random ids, so the pages a cast writes vary from run
            // to run: the window is short enough that 60 voters always see well over 15 cuts.
            CrashSimulatingVFS.armCrash(afterWrites: Int.random(in: 0...40, using: &generator))
            // Work until the power goes off. A voter whose attempt was cut off tries again when the
            // power is back, as a browser retries: a cast with the same form token (answered
            // with the first receipt if the cut came after the commit), a check-in that may
            // already be there.
            work: while let voter = remaining.first {
                do {
                    if Int.random(in: 0..<3, using: &generator) == 0 {
                        try database.writer.write { db in
                            _ = try AuditLog.append(db, actor: .system, action: "test.tick", subject: "tick", details: ["n": String(ticks)])
                        }
                        ticks += 1
                        continue work
                    }
                    if voter.number % 3 == 0 {
                        do {
                            _ = try database.checkIn(roundID: roundID, boxID: boxID, number: voter.number, accountID: nil, actor: .system)
                        } catch CommunityError.notAllowed(let why) where retried.contains(voter.id) && why.contains("already received a ballot") {
                            // The cut-off attempt had committed.
                        }
                        checkedIn.append(voter.number)
                    } else {
                        let token = try tokens[voter.id] ?? AppDatabase.newFormToken()
                        tokens[voter.id] = token
                        let cast = try database.castElectronicBallot(roundID: roundID, rollEntryID: voter.id, ballot: ballot,
                                                                     formToken: token, signingKey: key)
                        receipts.append((token, cast.tracking))
                    }
                    remaining.removeFirst()
                } catch {
                    retried.insert(voter.id)
                    failures[voter.id, default: 0] += 1
                    if failures[voter.id]! > 30 {
                        Issue.record("roll number \(voter.number) failed 30 times: \(error)")
                        remaining.removeFirst()
                    }
                    break work
                }
            }
            let powerWentOff = CrashSimulatingVFS.isCrashed
            do { try database.writer.close() } catch { Issue.record("closing after the cut: \(error)") }
            let torn = CrashSimulatingVFS.applyCrash(keepProbability: cuts % 2 == 0 ? 0 : 0.5, using: &generator)
            undone += torn.undone
            kept += torn.kept
            if powerWentOff { cuts += 1 }

            // The power is back: the database opens and holds everything acknowledged.
            let reopened = try AppDatabase.open(path: path, modules: [ElectionsSchema.self])
            let integrity = try reopened.reader.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"], "after cut \(cuts): \(integrity)")
            let audit = try reopened.verifyAudit()
            #expect(audit.isIntact, "after cut \(cuts): \(audit.problems.prefix(3))")
            // A write cut off before it was acknowledged may or may not have reached the disk whole.
            #expect(try reopened.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEntry WHERE action = 'test.tick'") ?? 0 } >= ticks)
            // Every receipted ballot is in the sealed box: as many sealed ballots as receipts at
            // least, and each receipt found again by its form token (the code sealed under it).
            let sealed = try reopened.sealedBallotCount(boxID: electronicBox)
            #expect(sealed >= receipts.count, "after cut \(cuts): \(sealed) sealed ballots, \(receipts.count) receipts")
            for (token, tracking) in receipts {
                #expect(try reopened.previousCast(electionID: electionID, formToken: token, signingKey: key)?.tracking == tracking,
                        "receipted ballot \(tracking.prefix(12)) lost after cut \(cuts)")
            }
            let present = Set(try reopened.reader.read { db in
                try Int.fetchAll(db, sql: "SELECT rollEntry.number FROM checkIn JOIN rollEntry ON rollEntry.id = checkIn.rollEntryID WHERE checkIn.roundID = ? AND checkIn.method != 'electronic'", arguments: [roundID])
            })
            #expect(Set(checkedIn).isSubset(of: present), "after cut \(cuts): check-ins lost")
            try reopened.writer.close()
        }
        // At the count the box opens: every receipted ballot is in the log, the chain intact.
        let counted = try AppDatabase.open(path: path, modules: [ElectionsSchema.self])
        let opened = try counted.openSealedBox(boxID: electronicBox, electionID: electionID,
                                               openers: ["c26", "c27", "c28"].map { BoxOpener(username: $0, password: "committee-password") },
                                               signingKey: key, actor: .system)
        #expect(opened.ballots >= receipts.count)
        let log = try counted.reader.read { db in try BallotLogCheck.verify(db, electionID: electionID) }
        #expect(log.lines == opened.ballots)
        for (_, tracking) in receipts {
            #expect(try counted.trackBallot(electionID: electionID, tracking: tracking) != nil, "receipted ballot \(tracking.prefix(12)) not in the opened box")
        }
        #expect(cuts >= 15, "only \(cuts) power cuts")
        #expect(undone > 0 && kept > 0, "no unsynced write was dropped (\(undone)) or kept (\(kept))")
        #expect(receipts.count == 40, "every voter who cast got a receipt, retries included")
        #expect(!retried.isEmpty)
    }
}
