import Foundation
import GRDB
import Testing
@testable import Community
import Notary

/// Published audit heads: a log truncated or re-chained, even together with the database's own
/// heads table, contradicts a head kept outside the server.
@Suite("published audit heads")
struct AuditHeadTests {
    /// A community with its registered key and `count` households (one audit entry each).
    func community(entries count: Int) throws -> (AppDatabase, Ed25519PrivateKey) {
        let (database, community) = try makeDatabaseWithCommunity()
        let key = try Ed25519PrivateKey.generate()
        try database.registerSigningKey(key.publicKey, communityID: community.id!, purpose: "community", actor: .commandLine)
        for index in 0..<count {
            try database.addHousehold(Household(communityID: community.id!, number: "H\(index)", basis: .hukou), actor: .commandLine)
        }
        return (database, key)
    }

    /// Removes entries from `seq` on and writes them back renumbered with a valid chain: what an
    /// insider with the database file would do to hide entries. The chain alone then verifies.
    func rechain(_ database: AppDatabase, removing seq: Int64) throws {
        try database.writer.write { db in
            let later = try AuditEntry.filter(Column("seq") > seq).order(Column("seq")).fetchAll(db)
            try db.execute(sql: "DELETE FROM auditEntry WHERE seq >= ?", arguments: [seq])
            var prev = try String.fetchOne(db, sql: "SELECT hash FROM auditEntry WHERE seq = ?", arguments: [seq - 1]) ?? SHA256Digest.zero.hex
            for (offset, var entry) in later.enumerated() {
                entry.seq = seq + Int64(offset)
                entry.prev = prev
                entry.hash = try entry.computedHash()
                try entry.insert(db)
                prev = entry.hash
            }
        }
    }

    @Test("a published head is the log's head, and its signature verifies with openssl and the community key")
    func publishedHeadVerifies() throws {
        let (database, key) = try community(entries: 4)
        let published = try database.publishAuditHead(reason: "manual", signingKey: key)
        let statement = try published.decoded()
        let chain = try database.verifyAudit()
        #expect(statement.entries == Int64(chain.entries))
        #expect(statement.head == chain.head)
        #expect(statement.format == AuditHeadStatement.format)
        #expect(published.isSigned(by: key.publicKey))
        #expect(!published.isSigned(by: try Ed25519PrivateKey.generate().publicKey))

        // The plain-tools check: the statement's bytes, the signature and the public key.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-head-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(published.statement.utf8).write(to: folder.appendingPathComponent("head.json"))
        try Base64.decode(published.signature)!.write(to: folder.appendingPathComponent("head.sig"))
        let document = try database.auditHeadsDocument()
        try Data(document.communityKey.utf8).write(to: folder.appendingPathComponent("community.pub.pem"))
        #expect(document.communityKeyFingerprint == SHA256.hash(key.publicKey.rawRepresentation).hex)
        #expect(try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", "community.pub.pem", "-rawin", "-in", "head.json", "-sigfile", "head.sig"], in: folder) == 0)
        try Data((published.statement + " ").utf8).write(to: folder.appendingPathComponent("head.json"))
        #expect(try openssl(["pkeyutl", "-verify", "-pubin", "-inkey", "community.pub.pem", "-rawin", "-in", "head.json", "-sigfile", "head.sig"], in: folder) != 0)
    }

    @Test("a log cut off after a published head is caught, by the database's heads and by an outside copy")
    func truncation() throws {
        let (database, key) = try community(entries: 6)
        try database.publishAuditHead(reason: "manual", signingKey: key)
        let saved = try database.auditHeadsDocument().heads.map(\.published)
        let covered = try database.verifyAudit().entries
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditEntry WHERE seq > ?", arguments: [covered - 2]) }
        // The chain that is left is intact in itself: only the head shows what is missing.
        let cut = try database.verifyAudit()
        #expect(cut.problems.map(\.kind) == [.truncated])
        #expect(cut.problems.first?.seq == Int64(covered))
        // Removing the heads table too leaves only the outside copy to tell.
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditHead") }
        #expect(try database.verifyAudit().isIntact)
        let checked = try database.verifyAudit(outsideHeads: saved)
        #expect(checked.problems.map(\.kind) == [.truncated])
        #expect(checked.headsChecked == 1)
    }

    @Test("a log with an entry removed and the chain rebuilt contradicts the published head")
    func rechained() throws {
        let (database, key) = try community(entries: 6)
        try database.publishAuditHead(reason: "manual", signingKey: key)
        let saved = try database.auditHeadsDocument().heads.map(\.published)
        // More entries after the head, then entry 3 removed and everything after re-chained.
        let community = try database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM community")! }
        for index in 0..<3 {
            try database.addHousehold(Household(communityID: community, number: "L\(index)", basis: .hukou), actor: .commandLine)
        }
        try rechain(database, removing: 3)
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditHead") }
        #expect(try database.verifyAudit().isIntact)
        let checked = try database.verifyAudit(outsideHeads: saved)
        #expect(checked.problems.map(\.kind) == [.headContradicted])
        #expect(!checked.isIntact)
    }

    @Test("a head not signed by the community key is reported and not trusted")
    func forgedHead() throws {
        let (database, key) = try community(entries: 3)
        try database.publishAuditHead(reason: "manual", signingKey: key)
        var forged = try database.auditHeadsDocument().heads[0].published
        var statement = try forged.decoded()
        statement.entries = 99
        let other = try Ed25519PrivateKey.generate()
        let bytes = try CanonicalJSON.encode(statement)
        forged.statement = String(decoding: bytes, as: UTF8.self)
        forged.signature = Base64.encode(try other.sign(bytes))
        let checked = try database.verifyAudit(outsideHeads: [forged])
        #expect(checked.problems.map(\.kind) == [.headUnsigned])
        #expect(checked.headsChecked == 1)
        // Only the community's registered key may publish.
        #expect(throws: CommunityError.self) { try database.publishAuditHead(reason: "manual", signingKey: other) }
    }

    @Test("a head is due after a public step at once, otherwise once a day while the log grows")
    func schedule() throws {
        let (database, key) = try community(entries: 2)
        let day = CivilDate(year: 2027, month: 3, day: 1)!
        let steps: Set<String> = ["roll.publish"]
        func due(_ hour: Int, on date: CivilDate = day) throws -> String? {
            try database.reader.read { db in try AuditHeadSchedule.reason(db, publicSteps: steps, now: date.instant(hour: hour)) }
        }
        #expect(try due(9) == "daily")
        try database.publishAuditHeadIfDue(publicSteps: steps, signingKey: key, now: day.instant(hour: 9))
        #expect(try due(10) == nil)                      // nothing new
        let community = try database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM community")! }
        try database.addHousehold(Household(communityID: community, number: "N1", basis: .hukou), actor: .commandLine)
        #expect(try due(11) == nil)                      // grew, but today's head is out
        #expect(try due(1, on: day.adding(days: 1)) == "daily")   // 01:00 China time next day
        try database.writer.write { db in
            _ = try AuditLog.append(db, actor: .commandLine, action: "roll.publish", subject: "election:1", details: ["x": "y"], now: day.instant(hour: 12))
        }
        #expect(try due(12) == "step:roll.publish")
        let published = try #require(try database.publishAuditHeadIfDue(publicSteps: steps, signingKey: key, now: day.instant(hour: 12)))
        #expect(try published.decoded().reason == "step:roll.publish")
        #expect(published.number == 2)
        #expect(try due(13) == nil)
        #expect(try database.verifyAudit().headsChecked == 2)
    }

    func openssl(_ arguments: [String], in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension AuditHeadTests {
    @Test("a head contradicted after a restore says so: the entries were forgotten by the restore, still a problem")
    func restoreExplains() throws {
        let (database, key) = try community(entries: 4)
        let backupPoint = try database.verifyAudit().entries
        let communityID = try database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM community")! }
        try database.addHousehold(Household(communityID: communityID, number: "late", basis: .hukou), actor: .commandLine)
        let published = try database.publishAuditHead(reason: "manual", signingKey: key, now: Date().addingTimeInterval(-60))
        // What a restore of the earlier backup leaves: the log up to the backup, then the restore's entry.
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM auditEntry WHERE seq > ?", arguments: [backupPoint])
            try db.execute(sql: "DELETE FROM auditHead")
            _ = try AuditLog.append(db, actor: .commandLine, action: "database.restore", subject: "database", details: ["backup": "b.sqlite"])
        }
        let checked = try database.verifyAudit(outsideHeads: [published])
        #expect(checked.problems.map(\.kind) == [.headContradicted])
        #expect(checked.problems.first?.message.contains("forgotten by that restore") == true)
        // Without a restore after it, the same contradiction names no restore.
        let (other, otherKey) = try community(entries: 4)
        let head = try other.publishAuditHead(reason: "manual", signingKey: otherKey)
        try rechain(other, removing: 3)
        try other.writer.write { db in try db.execute(sql: "DELETE FROM auditHead") }
        let plain = try other.verifyAudit(outsideHeads: [head])
        #expect(plain.problems.map(\.kind) == [.truncated])
        #expect(plain.problems.first?.message.contains("restore") == false)
    }
}
