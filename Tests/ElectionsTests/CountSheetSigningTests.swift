import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// The election definition signed when polling opens, and count sheets signed by the election
/// key at closing and then by the committee's scrutineers with their own keys (issue 19).
@Suite("the election definition and the scrutineers' signatures on count sheets")
struct CountSheetSigningTests {
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    func accountID(_ p: PollingFixture, _ username: String) throws -> Int64 {
        try #require(try p.database.reader.read { db in try Account.filter(Column("username") == username).fetchOne(db) }?.id)
    }

    @Test("polling opens with the definition signed by the election key: each member's own key, signaturesRequired from the rules; fixed from then on")
    func definitionSignedAtOpening() throws {
        let p = try PollingFixture()
        let signed = try #require(try p.database.electionDefinition(electionID: p.id))
        let definition = signed.definition
        #expect(try p.key.publicKey.isValidSignature(signed.signature, for: signed.bytes))
        let encoded = try CanonicalJSON.encode(definition)
        let keyID = try p.key.keyID
        #expect(signed.bytes == encoded && definition.key == keyID && definition.version == 1)
        #expect(definition.committee.count == 4 && definition.signaturesRequired == 3)
        for member in definition.committee {
            let username = try p.database.committeeMembers(electionID: p.id).first { $0.member.id == member.member }!.username
            let registered = try p.database.accountKey(accountID: try accountID(p, username))?.publicKeyPEM
            #expect(member.publicKey == registered)
        }
        #expect(definition.committee.contains { $0.roles.contains("scrutineer") })
        // Signing again with nothing changed gives the same definition; after a change it is refused.
        let again = try p.database.signElectionDefinition(electionID: p.id, signingKey: try p.key, actor: .commandLine)
        #expect(again.bytes == signed.bytes)
        let last = try #require(try p.database.committeeMembers(electionID: p.id).last?.member.id)
        try p.database.stepDown(memberID: last, reason: "迁出", on: NominationFixture.listDay, actor: .commandLine)
        #expect(reason { try p.database.signElectionDefinition(electionID: p.id, signingKey: try p.key, actor: .commandLine) }
            .contains("polling has opened: the election definition and the committee's keys are fixed"))
        let inForce = try p.database.electionDefinition(electionID: p.id)
        #expect(inForce?.bytes == signed.bytes)
    }

    @Test("polling does not open while too few members have keys, or no scrutineer has one, naming them (one rule for the definition and the sealed box)")
    func openingNeedsKeys() throws {
        for (dropped, expected) in [(["c27", "c28"], "without a key: c27, c28"), (["c27"], "needs a scrutineer (监票人) of the election committee with their own key")] {
            let x = try NominationFixture()
            try x.fullSlate()
            try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
            try x.database.writer.write { db in
                try db.execute(sql: "DELETE FROM accountKey WHERE accountID IN (SELECT id FROM account WHERE username IN (\(dropped.map { "'\($0)'" }.joined(separator: ","))))")
            }
            #expect(reason { _ = try x.database.openMainRounds(electionID: x.id, communityName: "桃园社区", electronic: false,
                                                              signingKey: try x.f.signingKey(for: x.election), actor: .commandLine) }.contains(expected), "\(dropped)")
            let definition = try x.database.electionDefinition(electionID: x.id)
            #expect(try x.database.rounds(electionID: x.id).isEmpty && definition == nil)
        }
    }

    @Test("a closed box's count sheet is signed by a scrutineer with their own key: not by another member, not twice, not before closing")
    func scrutineerSigns() throws {
        let p = try PollingFixture()
        try p.checkIn(20, box: p.box2)
        try p.handCount(p.box2, 1)
        #expect(reason { try p.database.countersignCountSheet(boxID: p.box2.id!, electionID: p.id, accountID: try accountID(p, "c27"), password: "committee-password",
                                                             actor: .commandLine) }.contains("is not closed yet"))
        for pass in [EntryPass.first, .second] {
            _ = try p.database.enterPaper(boxID: p.box2.id!, electionID: p.id, position: 1, pass: pass, ballot: try p.ballot(),
                                          accountID: (pass == .first ? p.clerkA : p.clerkB).id!, actor: .commandLine)
        }
        let (sheet, _) = try p.database.closeBox(boxID: p.box2.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        let box = try p.database.box(id: p.box2.id!, electionID: p.id).box
        let bytes = Data(try #require(box.countSheetJSON).utf8)
        #expect(try p.key.publicKey.isValidSignature(try #require(box.countSheetSignature), for: bytes))
        #expect(sheet.ballots == 1 && sheet.valid == 1 && sheet.issued == 1)

        #expect(reason { try p.database.countersignCountSheet(boxID: p.box2.id!, electionID: p.id, accountID: try accountID(p, "c26"), password: "committee-password",
                                                             actor: .commandLine) }.contains("scrutineers (监票人)"))
        #expect(throws: CommunityError.authenticationFailed) {
            try p.database.countersignCountSheet(boxID: p.box2.id!, electionID: p.id, accountID: try accountID(p, "c27"), password: "guess", actor: .commandLine)
        }
        let signatures = try p.database.countersignCountSheet(boxID: p.box2.id!, electionID: p.id, accountID: try accountID(p, "c27"),
                                                              password: "committee-password", actor: .commandLine)
        let pem = try #require(try p.database.accountKey(accountID: try accountID(p, "c27"))?.publicKeyPEM)
        let key = try Ed25519PublicKey(pem: pem)
        #expect(signatures.count == 1 && key.isValidSignature(signatures[0].signature, for: bytes))
        #expect(reason { try p.database.countersignCountSheet(boxID: p.box2.id!, electionID: p.id, accountID: try accountID(p, "c27"), password: "committee-password",
                                                             actor: .commandLine) }.contains("already signed"))
        // A key made after polling opened is not the one the definition registers.
        try p.database.resetPassword(accountID: try accountID(p, "c27"), oneTimePassword: "one-time-password-1", actor: .commandLine)
        try p.database.changePassword(accountID: try accountID(p, "c27"), current: "one-time-password-1", new: "committee-password-2", actor: .commandLine)
        let (other, _) = try { () throws -> (CountSheet, SignedReceipt) in
            try p.handCount(p.box1, 0)
            return try p.database.closeBox(boxID: p.box1.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        }()
        #expect(other.ballots == 0)
        #expect(reason { try p.database.countersignCountSheet(boxID: p.box1.id!, electionID: p.id, accountID: try accountID(p, "c27"), password: "committee-password-2",
                                                             actor: .commandLine) }.contains("not the one the election definition registers"))
    }

    @Test("a box whose count sheet lacks its scrutineer's signature blocks certification, naming the box")
    func certificationNeedsScrutineers() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sheets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keyStore = KeyStore(directory: scratch.appendingPathComponent("keys"))
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                                  electionDay: ExampleElections.electionDay, title: "第十二届居民委员会换届选举", usernamePrefix: "",
                                                  password: "committee-password-1", voters: 44, through: .allRounds)
        let id = result.election.id!
        let name = try database.reader.read { db -> String in
            let box = try #require(try BallotBox.fetchOne(db, sql: """
                SELECT ballotBox.* FROM ballotBox JOIN pollingRound ON pollingRound.id = ballotBox.roundID
                WHERE pollingRound.electionID = ? AND pollingRound.number = 2 ORDER BY ballotBox.number LIMIT 1
                """, arguments: [id]))
            return box.name
        }
        try database.writer.write { db in
            try db.execute(sql: """
                DELETE FROM countSheetSignature WHERE boxID IN (SELECT ballotBox.id FROM ballotBox JOIN pollingRound ON pollingRound.id = ballotBox.roundID
                WHERE pollingRound.electionID = ? AND pollingRound.number = 2)
                """, arguments: [id])
        }
        let key = try keyStore.load(keyID: result.election.keyID)
        #expect(reason { _ = try database.certifyResult(electionID: id, signingKey: key, actor: .commandLine) }
            .contains("the count sheet of round 2, \(name) (box 1) lacks its scrutineer signature"))
        #expect(try database.certifiedResult(electionID: id) == nil)
    }
}
