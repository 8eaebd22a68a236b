import Community
import Foundation
import Notary
import Testing
@testable import Elections

/// Forgeries by the election-key holder that only the signed election definition and the
/// scrutineers' count sheets catch (issue 19), each refused by `xuanyi verify` and by
/// `ballots/check.sh`. Every forgery is re-derived and re-signed as the key holder could
/// (`InsiderForger`): without the new checks the verifier would call it consistent.
@Suite("the election definition and count sheets catch what the election-key holder forges")
struct DefinitionForgeryTests {
    let plain = PlainToolsCheckTests()

    func report(_ record: URL, anchor: String) -> VerificationReport { RecordVerifier(directory: record, anchors: [anchor]).verify() }

    func failures(_ record: URL, anchor: String) -> [String] { report(record, anchor: anchor).failures.map { "\($0.file ?? ""): \($0.en)" } }

    @Test("the genuine generated record passes both; re-derived and re-signed by the key holder without a change it is consistent but not final")
    func baseline() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        #expect(report(g.record, anchor: anchor).verdict == .valid, "\(failures(g.record, anchor: anchor))")
        let genuine = try plain.run(g.record, anchor: anchor)
        #expect(genuine.status == 0 && genuine.output.hasSuffix("VERDICT: PASS\n"), "\(genuine.output)")
        let resealed = try g.copy()
        try InsiderForger.reseal(resealed, key: g.key)
        #expect(report(resealed, anchor: anchor).verdict == .notFinal, "\(failures(resealed, anchor: anchor))")
        let plainResealed = try plain.run(resealed, anchor: anchor)
        #expect(plainResealed.status == 2 && plainResealed.output.hasSuffix("VERDICT: NOT FINAL\n"), "\(plainResealed.output)")
    }

    @Test("50 paper ballots appended after the last box's signed head, everything else re-derived and re-signed: the count sheet catches it")
    func ballotsAfterTheHead() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let forged = try g.copy()
        let place = try InsiderForger.appendPaperBallots(forged, count: 50)
        try InsiderForger.reseal(forged, key: g.key, issuedExtra: [place: 50])
        let found = failures(forged, anchor: anchor)
        #expect(found.contains { $0.contains("comes after the head signed at its close") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("countsheets/round-1-box-\(place.box).json") && $0.contains("differs from a recount of the box's ballots") }, "\(found)")
        #expect(found.allSatisfy { $0.contains("count sheet") || $0.contains("after the head") }, "only the count sheet can tell: \(found)")
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("round 1 box \(place.box): a ballot of the box (line 350) comes after the head signed at its close (line 300)"), "\(result.output)")
    }

    @Test("a count sheet whose figures were changed and signed again with the election key: the recount and its scrutineer's signature refuse it")
    func changedFigures() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let forged = try g.copy()
        let path = ElectionRecordFormat.countSheetFile(round: 1, box: 3)
        var sheet = try InsiderForger.read(CountSheet.self, forged, path)
        sheet.blank += 1
        sheet.candidates[0].votes += 5
        try InsiderForger.write(sheet, forged, path)
        try InsiderForger.resign(forged, path, signature: ElectionRecordFormat.countSheetSignatureFile(round: 1, box: 3), key: g.key)
        try InsiderForger.reseal(forged, key: g.key)
        let found = failures(forged, anchor: anchor)
        #expect(found.contains { $0.hasPrefix(path) && $0.contains("differs from a recount") }, "\(found)")
        #expect(found.contains { $0.contains("is not a valid signature by a scrutineer the election definition registers") }, "\(found)")
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("\(path): the signature of member 1 does not verify")
                && result.output.contains("\(path): blank is \(sheet.blank); recounted from the log: \(sheet.blank - 1)")
                && result.output.contains("\(path): votes \(sheet.candidates[0].post.rawValue) \(sheet.candidates[0].person) is \(sheet.candidates[0].votes); recounted from the log: \(sheet.candidates[0].votes - 5)"),
                "\(result.output)")
    }

    @Test("a count sheet with wrong figures that the scrutineer signed too: only the recount of the box's lines refuses it, in both checkers")
    func signedWrongFigures() throws {
        let f = try RecordFixture(.directRunoff)
        let key = try f.keyStore.load(keyID: f.result.election.keyID)
        let anchor = try RecordForgeryTests().fingerprint(f.record)
        let definition = try InsiderForger.read(ElectionDefinition.self, f.record, ElectionRecordFormat.definitionFile)
        let scrutineer = try #require(definition.committee.first { $0.roles.contains("scrutineer") })
        let account = try #require(try f.database.committeeMembers(electionID: f.id).first { $0.member.id == scrutineer.member }).member.accountID
        let memberKey = try f.database.unlockAccountKey(accountID: account, password: ExampleElections.committeePassword)
        let forged = try f.copy()
        let path = ElectionRecordFormat.countSheetFile(round: 1, box: 1)
        var sheet = try InsiderForger.read(CountSheet.self, forged, path)
        sheet.candidates[0].votes += 1
        try InsiderForger.write(sheet, forged, path)
        try InsiderForger.resign(forged, path, signature: ElectionRecordFormat.countSheetSignatureFile(round: 1, box: 1), key: key)
        try InsiderForger.resign(forged, path, signature: ElectionRecordFormat.countSheetMemberSignatureFile(round: 1, box: 1, member: scrutineer.member), key: memberKey)
        try InsiderForger.reseal(forged, key: key)
        let found = failures(forged, anchor: anchor)
        #expect(found.count == 1 && found[0].hasPrefix(path) && found[0].contains("differs from a recount of the box's ballots"), "\(found)")
        let result = try plain.run(forged, anchor: anchor)
        let first = sheet.candidates[0]
        #expect(result.status == 1 && result.output.contains("\(path): votes \(first.post.rawValue) \(first.person) is \(first.votes); recounted from the log: \(first.votes - 1)")
                && !result.output.contains("does not verify"), "\(result.output)")
    }

    @Test("a count sheet without its scrutineer's signature (removed from the manifest too) is refused")
    func missingScrutineer() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let forged = try g.copy()
        let signature = ElectionRecordFormat.countSheetMemberSignatureFile(round: 1, box: 2, member: 1)
        try FileManager.default.removeItem(at: forged.appendingPathComponent(signature))
        var manifest = try InsiderForger.read(RecordManifest.self, forged, ElectionRecordFormat.manifestFile)
        manifest.files.removeAll { $0.path == signature }
        try InsiderForger.write(manifest, forged, ElectionRecordFormat.manifestFile)
        try InsiderForger.reseal(forged, key: g.key)
        let found = failures(forged, anchor: anchor)
        #expect(found == ["countsheets/round-1-box-2.json: round 1, 2号票箱: the count sheet lacks its scrutineers' signatures (at least 1 of the election committee's scrutineers sign with their own keys)"],
                "\(found)")
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("countsheets/round-1-box-2.json: 0 scrutineer signatures, 1 needed"), "\(result.output)")
    }

    @Test("committee keys put back in election.json with countersignatures forged by the key holder's own keys count for nothing")
    func committeeInElectionJSON() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let forged = try g.copy()
        let fake = try Ed25519PrivateKey.generate()
        try RecordForgeryTests().forge(forged, ElectionRecordFormat.electionFile) { object in
            var election = object as! [String: Any]
            election["committee"] = [["member": 1, "name": "委员甲", "roles": ["chair"], "publicKey": fake.publicKey.pemRepresentation]]
            election["signaturesRequired"] = 1
            object = election
        }
        try InsiderForger.reseal(forged, key: g.key)
        let statement = try Data(contentsOf: forged.appendingPathComponent(ElectionRecordFormat.statementFile))
        let countersignature = try CanonicalJSON.encode(Countersignature(format: ElectionRecordFormat.countersignatureFormat, election: 1,
                                                                         statement: SHA256.hash(statement).hex, member: 1, name: "委员甲",
                                                                         at: "2026-12-20T13:00:00Z", key: fake.keyID))
        try FileManager.default.createDirectory(at: forged.appendingPathComponent("countersignatures"), withIntermediateDirectories: true)
        try countersignature.write(to: forged.appendingPathComponent(ElectionRecordFormat.countersignatureFile(member: 1)))
        try fake.sign(countersignature).write(to: forged.appendingPathComponent(ElectionRecordFormat.countersignatureSignatureFile(member: 1)))
        let found = failures(forged, anchor: anchor)
        #expect(found.contains { $0.hasPrefix("election.json") && $0.contains("fields this verifier does not know") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("countersignatures/member-1.json") && $0.contains("registered key") }, "\(found)")
        #expect(!report(forged, anchor: anchor).final)
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("election.json has fields a record does not have: committee,signaturesRequired")
                && result.output.contains("countersignatures/member-1.json: the signature does not verify with member 1's key in the definition"), "\(result.output)")
    }

    @Test("a countersignature by a key the definition does not register, or by someone it does not list, is refused")
    func keyNotInTheDefinition() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let forged = try g.copy()
        let other = try Ed25519PrivateKey.generate()
        let path = ElectionRecordFormat.countersignatureFile(member: 1)
        var countersignature = try InsiderForger.read(Countersignature.self, forged, path)
        countersignature.key = other.keyID
        let bytes = try CanonicalJSON.encode(countersignature)
        try bytes.write(to: forged.appendingPathComponent(path))
        try other.sign(bytes).write(to: forged.appendingPathComponent(ElectionRecordFormat.countersignatureSignatureFile(member: 1)))
        countersignature.member = 7
        let stranger = try CanonicalJSON.encode(countersignature)
        try stranger.write(to: forged.appendingPathComponent(ElectionRecordFormat.countersignatureFile(member: 7)))
        try other.sign(stranger).write(to: forged.appendingPathComponent(ElectionRecordFormat.countersignatureSignatureFile(member: 7)))
        let found = failures(forged, anchor: anchor)
        #expect(found.contains { $0.hasPrefix(path) && $0.contains("registered key") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("countersignatures/member-7.json") }, "\(found)")
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("\(path): the signature does not verify with member 1's key in the definition")
                && result.output.contains("not part of a record: countersignatures/member-7.json"), "\(result.output)")
    }

    @Test("a definition signed by another key fails; a record re-signed throughout with another key fails against the anchor")
    func definitionResigned() throws {
        let g = try GeneratedRecord(ballots: 300, receipts: 0)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let other = try Ed25519PrivateKey.generate()
        let forged = try g.copy()
        try InsiderForger.resign(forged, ElectionRecordFormat.definitionFile, signature: ElectionRecordFormat.definitionSignatureFile, key: other)
        try InsiderForger.reseal(forged, key: g.key)
        let found = failures(forged, anchor: anchor)
        #expect(found == ["definition.sig: definition.json is not signed by this election's key"], "\(found)")
        let result = try plain.run(forged, anchor: anchor)
        #expect(result.status == 1 && result.output.contains("definition.json: the signature does not verify with the election key"), "\(result.output)")

        // Everything the election key signs, signed again by another key (its public key in the record).
        let rekeyed = try g.copy()
        try Data(other.publicKey.pemRepresentation.utf8).write(to: rekeyed.appendingPathComponent(ElectionRecordFormat.electionKeyFile))
        var definition = try InsiderForger.read(ElectionDefinition.self, rekeyed, ElectionRecordFormat.definitionFile)
        definition.key = other.keyID
        try InsiderForger.write(definition, rekeyed, ElectionRecordFormat.definitionFile)
        try InsiderForger.resign(rekeyed, ElectionRecordFormat.definitionFile, signature: ElectionRecordFormat.definitionSignatureFile, key: other)
        for box in 0...10 {
            try InsiderForger.resign(rekeyed, ElectionRecordFormat.countSheetFile(round: 1, box: box),
                                     signature: ElectionRecordFormat.countSheetSignatureFile(round: 1, box: box), key: other)
        }
        var statement = try InsiderForger.read(ResultStatement.self, rekeyed, ElectionRecordFormat.statementFile)
        statement.key = other.keyID
        try InsiderForger.write(statement, rekeyed, ElectionRecordFormat.statementFile)
        try InsiderForger.reseal(rekeyed, key: other)
        #expect(RecordVerifier(directory: rekeyed).verify().passed, "\(RecordVerifier(directory: rekeyed).verify().failures.map(\.en))")
        let against = report(rekeyed, anchor: anchor)
        #expect(against.verdict == .invalid && against.failures.map(\.en).contains { $0.contains("is not the anchor given") })
        let plainAgainst = try plain.run(rekeyed, anchor: anchor)
        #expect(plainAgainst.status == 1 && plainAgainst.output.contains("is not the anchor"), "\(plainAgainst.output)")
    }
}
