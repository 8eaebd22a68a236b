import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// The sealed electronic box, tried as insiders would: what the database holds while polling is
/// open, who can open the box, what a stuffed box or a forged share does, and what the voter's
/// receipt proves once the box is opened.
@Suite("sealed electronic box")
struct SealedBallotBoxTests {
    /// The committee's password in `NominationFixture` (four members c26…c29, threshold 3).
    static let password = "committee-password"

    func openers(_ usernames: [String], password: String = SealedBallotBoxTests.password) -> [BoxOpener] {
        usernames.map { BoxOpener(username: $0, password: password) }
    }

    func electronicBox(_ p: PollingFixture) throws -> BallotBox {
        try #require(try p.database.boxes(roundID: p.round.id!).first { $0.box.kind == .electronic }?.box)
    }

    /// Casts for roll numbers `numbers`, each approving candidate `number % 3` of every post.
    func cast(_ p: PollingFixture, _ numbers: [Int]) throws -> [(number: Int, cast: CastBallot, token: String)] {
        try numbers.map { number in
            let entry = try #require(try p.database.rollEntryID(electionID: p.id, rollNumber: number))
            let token = try AppDatabase.newFormToken()
            return (number, try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(approving: number % 3),
                                                                formToken: token, signingKey: try p.key), token)
        }
    }

    @Test("the round's key is split among the committee: three of four members, each share sealed to the member's own key")
    func roundKey() throws {
        let p = try PollingFixture()
        #expect(p.round.boxThreshold == 3)
        let publicKey = try #require(p.round.boxPublicKey)
        #expect(try X25519PublicKey(hex: publicKey).rawRepresentation.count == 32)
        #expect(try p.database.boxKeyHolders(roundID: p.round.id!).count == 4)
        // Nothing in the database is the private key: the shares are sealed, and any two of
        // them, opened with their members' keys, give something else.
        let shares = try p.database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT account.username, boxKeyShare.sealedShare FROM boxKeyShare JOIN account ON account.id = boxKeyShare.accountID ORDER BY account.id")
        }
        var opened: [SecretSharing.Share] = []
        for row in shares {
            let account = try #require(try p.database.reader.read { db in try Account.filter(Column("username") == (row["username"] as String)).fetchOne(db) })
            let key = try p.database.unlockBoxKey(accountID: account.id!, password: Self.password)
            let share = try #require(SealedBox.open(row["sealedShare"], with: key, context: AppDatabase.shareContext(election: p.id, round: p.round.number)))
            opened.append(try #require(SecretSharing.Share(bytes: share)))
        }
        let two = try X25519PrivateKey(rawRepresentation: try SecretSharing.combine(Array(opened.prefix(2))))
        let three = try X25519PrivateKey(rawRepresentation: try SecretSharing.combine(Array(opened.suffix(3))))
        #expect(two.publicKey.hex != publicKey)
        #expect(three.publicKey.hex == publicKey)
    }

    @Test("while polling is open the database holds no ballot, no receipt code and no marks in clear; a retry gets the very same receipt")
    func nothingInClear() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sealed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.sqlite").path
        let database = try AppDatabase.open(path: path, modules: [ElectionsSchema.self], passwordHasher: .fastForTests)
        let p = try PollingFixture(database: database)
        let casts = try cast(p, [20, 21, 22, 23, 24])
        // No line in the log, the box counts its sealed ballots only.
        let box = try electronicBox(p)
        #expect(try p.database.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ballotLog WHERE boxID = ?", arguments: [box.id]) } == 0)
        #expect(try p.database.sealedBallotCount(boxID: box.id!) == 5)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: casts[0].cast.tracking) == nil)
        // The receipt states no place in the log, and a retry by form token gives it again.
        #expect(casts.allSatisfy { $0.cast.receipt.statement.seq == nil && $0.cast.receipt.statement.what == "ballot" })
        let retry = try #require(try p.database.previousCast(electionID: p.id, formToken: casts[1].token, signingKey: try p.key))
        #expect(retry == casts[1].cast && retry.receipt.signature == casts[1].cast.receipt.signature)
        // The files (database and write-ahead log) hold no receipt code (hex or raw) and no
        // ballot's marks as they are written in the log.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        let marks = try CanonicalJSON.encode(try p.ballot(approving: 20 % 3))
        for file in files {
            for (_, cast, _) in casts {
                #expect(file.range(of: Data(cast.tracking.utf8)) == nil)
                #expect(file.range(of: try #require(Hex.decode(cast.tracking))) == nil)
            }
            #expect(file.range(of: marks) == nil)
        }
    }

    @Test("k members open the box: the ballots enter the log in a random order with their nonces, every receipt is found, the key is gone")
    func opening() throws {
        let p = try PollingFixture()
        let casts = try cast(p, Array(20...59))
        let box = try electronicBox(p)
        // Two members are not enough; a wrong password names its member; nobody is named twice.
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27"]), signingKey: try p.key, actor: .commandLine) }
            .contains("3 members of the election committee open the box together; 2 came"))
        #expect(throws: BoxOpeningError.wrongPassword(username: "c28", name: try p.x.resident(number: 2 * 28 - 1).name)) {
            try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27"]) + openers(["c28"], password: "guess"),
                                         signingKey: try p.key, actor: .commandLine)
        }
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c26", "c27"]), signingKey: try p.key, actor: .commandLine) }
            .contains("named twice"))
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27", "clerkA"]), signingKey: try p.key, actor: .commandLine) }
            .contains("not an active member"))
        #expect(try p.database.sealedBallotCount(boxID: box.id!) == 40)

        let opened = try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c28", "c29"]), signingKey: try p.key, actor: .commandLine)
        #expect(opened.ballots == 40 && opened.openers.count == 3 && opened.sheet.handCount == 40 && opened.sheet.issued == 40)
        #expect(try p.database.sealedBallotCount(boxID: box.id!) == 0)
        #expect(try p.database.boxKeyHolders(roundID: p.round.id!).isEmpty)
        #expect(try p.database.box(id: box.id!, electionID: p.id).box.status == .closed)
        #expect(try p.database.verifyBallotLog(electionID: p.id) == nil)

        // Every receipt's code is the SHA-256 of an electronic line without prev and seq.
        let log = try p.database.ballotLog(electionID: p.id)
        var positions: [Int] = []
        for (_, cast, _) in casts {
            let entry = try #require(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking))
            let line = try JSONDecoder().decode(BallotLine.self, from: Data(entry.line.utf8))
            let content = try #require(line.sealedContent)
            #expect(try content.receiptCode() == cast.tracking && SealedBallot.isNonce(content.nonce))
            try cast.receipt.verify(with: try p.key.publicKey)
            positions.append(entry.seq)
        }
        #expect(Set(positions).count == 40 && log.count == 40)
        // Not the order they were cast in (nor its reverse): a random permutation of 40.
        #expect(positions != positions.sorted() && positions != positions.sorted(by: >))
        // Opening twice is refused; the round closes and counts them.
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27", "c28"]), signingKey: try p.key, actor: .commandLine) }
            .contains("already"))
        let audit = try p.database.reader.read { db in try String.fetchAll(db, sql: "SELECT details FROM auditEntry WHERE action = 'box.open'") }
        #expect(audit.count == 1 && audit[0].contains(#""ballots":"40""#))
    }

    @Test("the cast order leaves no trace in the opened log: over many openings each cast position lands anywhere")
    func orderIsRandom() throws {
        // Ten openings of a box of four: cast i lands at each log position; identity each time
        // would happen with probability (1/24)^10.
        var identity = 0
        for _ in 0..<10 {
            let p = try PollingFixture()
            let casts = try cast(p, [20, 21, 22, 23])
            try p.database.openSealedBox(boxID: try electronicBox(p).id!, electionID: p.id, openers: openers(["c26", "c27", "c28"]), signingKey: try p.key,
                                         actor: .commandLine)
            let seqs = try casts.map { try #require(try p.database.trackBallot(electionID: p.id, tracking: $0.cast.tracking)).seq }
            if seqs == seqs.sorted() { identity += 1 }
        }
        #expect(identity < 4)
    }

    @Test("attack: a ballot slipped into the box with database access (sealed to the public key) — the box does not balance and is not opened")
    func stuffedBox() throws {
        let p = try PollingFixture()
        _ = try cast(p, [20, 21])
        let box = try electronicBox(p)
        let content = try SealedBallot(election: p.id, round: p.round.number, box: 0, ballot: try p.ballot())
        let forged = try SealedBox.seal(try content.canonicalBytes(), to: try X25519PublicKey(hex: try #require(p.round.boxPublicKey)),
                                        context: AppDatabase.ballotContext(election: p.id, round: p.round.number, box: 0))
        try p.database.writer.write { db in
            try db.execute(sql: "INSERT INTO sealedBallot (id, boxID, sealed) VALUES (?, ?, ?)", arguments: [try SecureRandom.bytes(16), box.id, forged])
        }
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27", "c28"]), signingKey: try p.key, actor: .commandLine) }
            .contains("holds 3 ballots but 2 electronic ballots were issued"))
        // A ballot replaced by garbage does not open: refused, nothing logged.
        try p.database.writer.write { db in
            try db.execute(sql: "DELETE FROM sealedBallot WHERE sealed = ?", arguments: [forged])
            try db.execute(sql: "UPDATE sealedBallot SET sealed = ? WHERE id IN (SELECT id FROM sealedBallot LIMIT 1)", arguments: [Data(repeating: 7, count: 120)])
        }
        #expect(reason { try p.database.openSealedBox(boxID: box.id!, electionID: p.id, openers: openers(["c26", "c27", "c28"]), signingKey: try p.key, actor: .commandLine) }
            .contains("does not open as a ballot of this box"))
        #expect(try p.database.ballotLog(electionID: p.id).isEmpty)
    }

    @Test("a box holding ballots is not closed without opening it; an empty one closes as before")
    func closeNeedsOpening() throws {
        let p = try PollingFixture()
        let box = try electronicBox(p)
        _ = try cast(p, [20])
        #expect(reason { _ = try p.database.closeBox(boxID: box.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine) }
            .contains("1 sealed ballots"))
        let empty = try PollingFixture()
        let (sheet, _) = try empty.database.closeBox(boxID: try electronicBox(empty).id!, electionID: empty.id, signingKey: try empty.key, actor: .commandLine)
        let holders = try empty.database.boxKeyHolders(roundID: empty.round.id!)
        #expect(sheet.handCount == 0 && holders.isEmpty)
    }

    @Test("electronic polling does not open while fewer committee members than the threshold have keys; a member reset after opening cannot open their share")
    func keysRequired() throws {
        let x = try NominationFixture(rules: PollingFixture.stationRules)
        try x.fullSlate()
        try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        try x.database.writer.write { db in
            try db.execute(sql: "DELETE FROM accountKey WHERE accountID IN (SELECT id FROM account WHERE username IN ('c27', 'c28'))")
        }
        #expect(reason { _ = try x.database.openMainRounds(electionID: x.id, communityName: "桃园社区", electronic: true, signingKey: try x.f.signingKey(for: x.election), actor: .commandLine) }
            .contains("without a key: c27, c28"))

        let p = try PollingFixture()
        _ = try cast(p, [20, 21])
        let c29 = try #require(try p.database.reader.read { db in try Account.filter(Column("username") == "c29").fetchOne(db) })
        try p.database.resetPassword(accountID: c29.id!, oneTimePassword: "one-time-password", actor: .commandLine)
        try p.database.changePassword(accountID: c29.id!, current: "one-time-password", new: Self.password, actor: .commandLine)
        #expect(reason { try p.database.openSealedBox(boxID: try electronicBox(p).id!, electionID: p.id, openers: openers(["c26", "c27", "c29"]), signingKey: try p.key,
                                                      actor: .commandLine) }.contains("does not open with their key"))
        #expect(try p.database.openSealedBox(boxID: try electronicBox(p).id!, electionID: p.id, openers: openers(["c26", "c27", "c28"]), signingKey: try p.key,
                                             actor: .commandLine).ballots == 2)
    }

    /// The reason a refused call gives.
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }
}
