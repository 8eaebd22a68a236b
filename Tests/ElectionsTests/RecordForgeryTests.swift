import Community
import Foundation
import GRDB
import Notary
import Testing
import ZIPFoundation
@testable import Elections

/// Records forged as an outsider (or the election-key holder) would, each refused by the
/// verifier and named (issue 19). The genuine record of each fixture verifies first, so a
/// failure here is the forgery's.
@Suite("forged election records are refused: anchors, strict files and fields, what the rules imply")
struct RecordForgeryTests {
    /// The failures of verifying `directory`, as "file: message" lines.
    func failures(_ directory: URL, anchors: [String] = [], receipts: [(name: String, data: Data)] = []) -> [String] {
        RecordVerifier(directory: directory, receipts: receipts, anchors: anchors).verify().failures.map { "\($0.file ?? ""): \($0.en)" }
    }

    func write(_ url: URL, _ text: String) throws { try Data(text.utf8).write(to: url) }

    /// Rewrites a JSON file of the record, then brings the manifest and SHA256SUMS up to date
    /// (as a forger would), so that only the deeper checks can catch it.
    func forge(_ record: URL, _ path: String, _ change: (inout Any) -> Void) throws {
        let url = record.appendingPathComponent(path)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        change(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]).write(to: url)
        try resum(record)
    }

    func resum(_ record: URL) throws {
        let manifestURL = record.appendingPathComponent(ElectionRecordFormat.manifestFile)
        var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: manifestURL))
        for index in manifest.files.indices {
            let data = try Data(contentsOf: record.appendingPathComponent(manifest.files[index].path))
            manifest.files[index].bytes = data.count
            manifest.files[index].sha256 = SHA256.hash(data).hex
        }
        try CanonicalJSON.encode(manifest).write(to: manifestURL)
        try manifest.sums.write(to: record.appendingPathComponent(ElectionRecordFormat.sumsFile))
    }

    func fingerprint(_ record: URL) throws -> String {
        let key = try Ed25519PublicKey(pem: String(decoding: Data(contentsOf: record.appendingPathComponent(ElectionRecordFormat.electionKeyFile)), as: UTF8.self))
        return SHA256.hash(key.rawRepresentation).hex
    }

    @Test("without an anchor the verdict never reads as a bare pass; another election's keys (a re-signed forgery) fail against the published anchor")
    func anchors() throws {
        let genuine = try RecordFixture(.directRunoff)
        let published = try fingerprint(genuine.record)
        let unanchored = RecordVerifier(directory: genuine.record).verify()
        #expect(unanchored.passed && unanchored.verdict == .unanchored && unanchored.verdict.exitCode == 3)
        #expect(unanchored.text(language: "en").contains("VERDICT: UNANCHORED") && unanchored.text(language: "en").contains(published))
        #expect(!unanchored.text(language: "zh").contains("结论：通过"))
        let anchored = RecordVerifier(directory: genuine.record, anchors: [published]).verify()
        #expect(anchored.verdict == .valid && anchored.verdict.exitCode == 0)
        #expect(RecordVerifier(directory: genuine.record, anchors: [String(published.prefix(16))]).verify().verdict == .valid)
        #expect(RecordVerifier(directory: genuine.record, anchors: [String(published.prefix(8))]).verify().verdict == .invalid)
        // The same election held again with new keys, every signature made afresh: it is
        // internally sound, and only the anchor tells it is not the published one.
        let forged = try RecordFixture(.directRunoff)
        #expect(RecordVerifier(directory: forged.record).verify().passed)
        let report = RecordVerifier(directory: forged.record, anchors: [published]).verify()
        #expect(report.verdict == .invalid && report.failures.contains { $0.en.contains("is not the anchor given") })
    }

    /// Rewrites `definition.json` and signs it again with the election key, as its holder could.
    func forgeDefinition(_ f: RecordFixture, _ record: URL, _ change: @escaping ([String: Any]) -> [String: Any]) throws {
        try forge(record, ElectionRecordFormat.definitionFile) { object in object = change(object as! [String: Any]) }
        let key = try f.keyStore.load(keyID: f.result.election.keyID)
        try key.sign(try Data(contentsOf: record.appendingPathComponent(ElectionRecordFormat.definitionFile)))
            .write(to: record.appendingPathComponent(ElectionRecordFormat.definitionSignatureFile))
    }

    @Test("signaturesRequired comes from the rules and the definition's committee, even in a definition the election key signed again; one key counts once")
    func countersignatureRules() throws {
        let f = try RecordFixture(.directRunoff)
        let zero = try f.copy()
        try forgeDefinition(f, zero) { definition in
            var definition = definition
            definition["signaturesRequired"] = 0
            return definition
        }
        #expect(failures(zero).contains { $0.contains("signaturesRequired") || $0.contains("countersignatures; the rule set") })
        let shared = try f.copy()
        try forgeDefinition(f, shared) { definition in
            var definition = definition
            var committee = definition["committee"] as! [[String: Any]]
            committee[1]["publicKey"] = committee[0]["publicKey"]
            definition["committee"] = committee
            return definition
        }
        #expect(failures(shared).contains { $0.contains("two members (or a member and the election) sharing one key") })
    }

    @Test("stray files, symbolic links and unexpected folders in a directory record are refused")
    func strayFiles() throws {
        let f = try RecordFixture(.directRunoff)
        for (name, make) in [
            ("countersignatures/member-9.sig", { (record: URL) in try self.write(record.appendingPathComponent("countersignatures/member-9.sig"), "x") }),
            ("result.json.orig", { (record: URL) in try self.write(record.appendingPathComponent("result.json.orig"), "{}") }),
            ("notes", { (record: URL) in try FileManager.default.createDirectory(at: record.appendingPathComponent("notes"), withIntermediateDirectories: true) }),
            ("papers/link.json", { (record: URL) in
                try FileManager.default.createSymbolicLink(at: record.appendingPathComponent("papers/link.json"), withDestinationURL: record.appendingPathComponent("result.json"))
            }),
        ] as [(String, (URL) throws -> Void)] {
            let copy = try f.copy()
            try make(copy)
            #expect(failures(copy).contains { $0.hasPrefix(name) }, "\(name) must be refused")
        }
    }

    @Test("fields the verifier does not know are refused in every file and in receipts, even with the manifest brought up to date")
    func unknownFields() throws {
        let f = try RecordFixture(.directRunoff)
        for path in [ElectionRecordFormat.rollFile, ElectionRecordFormat.candidatesFile, ElectionRecordFormat.personsFile, ElectionRecordFormat.roundsFile] {
            let copy = try f.copy()
            try forge(copy, path) { object in
                if var dictionary = object as? [String: Any] {
                    dictionary["note"] = "x"
                    object = dictionary
                } else if var array = object as? [[String: Any]] {
                    array[0]["note"] = "x"
                    object = array
                }
            }
            #expect(failures(copy).contains { $0.hasPrefix(path) && $0.contains("fields this verifier does not know") }, "\(path)")
        }
        let electronic = try RecordFixture(.electronic)
        let receipt = try #require(electronic.result.receipts.first)
        var json = try JSONSerialization.jsonObject(with: receipt.jsonRepresentation) as! [String: Any]
        var statement = json["statement"] as! [String: Any]
        statement["valid"] = true
        json["statement"] = statement
        let forged = try JSONSerialization.data(withJSONObject: json)
        #expect(failures(electronic.record, receipts: [("forged.json", forged)]).contains { $0.hasPrefix("forged.json") && $0.contains("does not know") })
        #expect(failures(electronic.record, receipts: [("genuine.json", receipt.jsonRepresentation)]).isEmpty)
    }

    @Test("what the rules imply: candidates as on the papers, one certificate per winner, manifest paths inside the record")
    func impliedByTheRules() throws {
        let f = try RecordFixture(.directRunoff)
        let candidates = try f.copy()
        try forge(candidates, ElectionRecordFormat.candidatesFile) { object in
            var list = object as! [[String: Any]]
            list.removeLast()
            object = list
        }
        #expect(failures(candidates).contains { $0.contains("differs from the candidates on the main round's papers") })
        // A duplicated certificate (validly signed) in place of another winner's.
        let duplicate = try f.copy()
        let url = duplicate.appendingPathComponent(ElectionRecordFormat.certificatesFile)
        var certificates = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [Any]
        certificates[1] = certificates[0]
        try JSONSerialization.data(withJSONObject: certificates, options: [.sortedKeys, .withoutEscapingSlashes]).write(to: url)
        #expect(failures(duplicate).contains { $0.contains("exactly one for each") })
        let outside = try f.copy()
        let manifestURL = outside.appendingPathComponent(ElectionRecordFormat.manifestFile)
        var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: manifestURL))
        manifest.files[0].path = "../" + manifest.files[0].path
        try CanonicalJSON.encode(manifest).write(to: manifestURL)
        #expect(failures(outside).contains { $0.contains("is not a file inside the record") })
    }

    @Test("a .zip with a second result.json, a ./ path, files beside the record folder or two record folders is refused")
    func hostileLayouts() throws {
        let f = try RecordFixture(.directRunoff)
        func refused(_ entries: [(String, Bool)]) -> Bool {
            (try? RecordArchive.checkLayout(entries.map { (path: $0.0, isDirectory: $0.1) })) == nil
        }
        let genuine = [("record/", true), ("record/manifest.json", false), ("record/result.json", false), ("record/papers/", true), ("record/papers/round-1.json", false)]
        #expect(!refused(genuine))
        #expect(refused(genuine + [("record/result.json", false)]))
        #expect(refused(genuine + [("record/./result.json", false)]))
        #expect(refused(genuine + [("README.txt", false)]))
        #expect(refused(genuine + [("other/", true), ("other/manifest.json", false)]))
        #expect(refused([("record/../manifest.json", false)]))
        // And a real archive with a duplicate entry, written with ZIPFoundation.
        let zip = f.scratch.appendingPathComponent("twice.zip")
        try RecordArchive.zip(f.record, to: zip)
        let archive = try Archive(url: zip, accessMode: .update)
        let forged = Data(#"{"final":true}"#.utf8)
        try archive.addEntry(with: "record/result.json", type: .file, uncompressedSize: Int64(forged.count), provider: { position, size in
            forged.subdata(in: Int(position)..<Int(position) + size)
        })
        #expect(throws: (any Error).self) { _ = try RecordArchive.unzip(zip) }
    }
}

/// `ballots/check.sh` (bash, coreutils, openssl, jq) passes a genuine record and refuses the
/// same forgeries `xuanyi verify` refuses.
@Suite("the plain-tools check (ballots/check.sh) passes genuine records and refuses forgeries")
struct PlainToolsCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ballots/check.sh")

    func run(_ record: URL, anchor: String, receipts: [URL] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path, record.path, anchor] + receipts.map(\.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("genuine records pass with their anchor and receipts; each forgery fails naming what is wrong")
    func forgeries() throws {
        let tests = RecordForgeryTests()
        let f = try RecordFixture(.electronic)
        let anchor = try tests.fingerprint(f.record)
        let receipt = f.scratch.appendingPathComponent("receipt.json")
        try #require(f.result.receipts.first).jsonRepresentation.write(to: receipt)
        let genuine = try run(f.record, anchor: anchor, receipts: [receipt])
        #expect(genuine.status == 0 && genuine.output.hasSuffix("VERDICT: PASS\n"), "\(genuine.output)")

        // Another election's record, internally sound, against the published anchor.
        let other = try RecordFixture(.electronic)
        let foreign = try run(other.record, anchor: anchor)
        #expect(foreign.status == 1 && foreign.output.contains("is not the anchor"))

        // A forged tally.json with SHA256SUMS regenerated: the unsound old procedure passed it.
        let tally = try f.copy()
        let tallyURL = tally.appendingPathComponent(ElectionRecordFormat.tallyFile)
        try Data(String(decoding: Data(contentsOf: tallyURL), as: UTF8.self).replacingOccurrences(of: "\"collected\":", with: "\"collected\": ").utf8).write(to: tallyURL)
        let sums = try String(decoding: Data(contentsOf: tally.appendingPathComponent(ElectionRecordFormat.sumsFile)), as: UTF8.self)
            .split(separator: "\n").map { line -> String in
                line.hasSuffix("  tally.json") ? (SHA256.hash((try? Data(contentsOf: tallyURL)) ?? Data()).hex + "  tally.json") : String(line)
            }.joined(separator: "\n") + "\n"
        try Data(sums.utf8).write(to: tally.appendingPathComponent(ElectionRecordFormat.sumsFile))
        let forgedTally = try run(tally, anchor: anchor)
        #expect(forgedTally.status == 1 && forgedTally.output.contains("files differ from the manifest"))

        let cases: [(String, (URL) throws -> Void, String)] = [
            ("signaturesRequired 0 in a definition signed again", { record in
                try tests.forgeDefinition(f, record) { definition in
                    var definition = definition
                    definition["signaturesRequired"] = 0
                    return definition
                }
            }, "countersignatures; the rules and the committee require"),
            ("a stray signature", { record in try tests.write(record.appendingPathComponent("countersignatures/member-9.sig"), "x") }, "not part of a record"),
            ("a symbolic link", { record in
                try FileManager.default.createSymbolicLink(at: record.appendingPathComponent("papers/link.json"), withDestinationURL: record.appendingPathComponent("result.json"))
            }, "is a symbolic link"),
            ("a ballot log linked to /dev/zero (refused before anything is read, so nothing hangs)", { record in
                let log = record.appendingPathComponent(ElectionRecordFormat.ballotsFile)
                try FileManager.default.removeItem(at: log)
                try FileManager.default.createSymbolicLink(atPath: log.path, withDestinationPath: "/dev/zero")
            }, "ballots.jsonl is a symbolic link (not followed)"),
            ("a duplicated certificate", { record in
                let url = record.appendingPathComponent(ElectionRecordFormat.certificatesFile)
                var certificates = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [Any]
                certificates[1] = certificates[0]
                try JSONSerialization.data(withJSONObject: certificates).write(to: url)
            }, "not exactly one certificate per winner"),
            ("a ballot appended after the last one", { record in
                let log = record.appendingPathComponent(ElectionRecordFormat.ballotsFile)
                var text = try String(decoding: Data(contentsOf: log), as: UTF8.self)
                let last = text.split(separator: "\n").last.map(String.init) ?? ""
                text += last.replacingOccurrences(of: "\"seq\":", with: "\"seq\":9") + "\n"
                try Data(text.utf8).write(to: log)
                try tests.resum(record)
            }, "manifest.json is not the one the statement signs"),
        ]
        for (name, forge, expected) in cases {
            let copy = try f.copy()
            try forge(copy)
            let result = try run(copy, anchor: anchor)
            #expect(result.status == 1 && result.output.contains(expected), "\(name): \(result.output)")
        }
    }
}

extension PlainToolsCheckTests {
    @Test("the record carries the notices issued before certification; a notice removed, changed or re-signed by another key is refused by both checkers")
    func notices() throws {
        let tests = RecordForgeryTests()
        let f = try RecordFixture(.household)
        let anchor = try tests.fingerprint(f.record)
        let carried = f.files().filter { $0.hasPrefix("notices/") && $0.hasSuffix(".json") }.count
        let issued = try f.database.notices(electionID: f.id)
        // Every notice but the result's own (it names the signed statement, so it comes after).
        #expect(carried > 0 && carried == issued.count - 1)
        let genuine = try run(f.record, anchor: anchor)
        #expect(genuine.status == 0 && genuine.output.contains("notices No. 1 to \(carried)"), "\(genuine.output)")
        #expect(tests.failures(f.record, anchors: [anchor]).isEmpty)

        func relist(_ record: URL) throws {
            // The forger brings the manifest up to date and re-signs the statement over it.
            try tests.resum(record)
            try InsiderForger.resignStatement(record, key: try f.keyStore.load(keyID: f.result.election.keyID))
        }
        let cases: [(String, (URL) throws -> Void, String, String)] = [
            ("notice 2 removed", { record in
                for name in ["notice-2.json", "notice-2.sig"] { try FileManager.default.removeItem(at: record.appendingPathComponent("notices/\(name)")) }
                let url = record.appendingPathComponent(ElectionRecordFormat.manifestFile)
                var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: url))
                manifest.files.removeAll { $0.path.hasPrefix("notices/notice-2.") }
                try CanonicalJSON.encode(manifest).write(to: url)
                try relist(record)
            }, "notice No. 2 is missing", "notice No. 2 is missing"),
            ("notice 1 changed", { record in
                let url = record.appendingPathComponent("notices/notice-1.json")
                try Data(String(decoding: Data(contentsOf: url), as: UTF8.self).replacingOccurrences(of: "2026年", with: "2027年").utf8).write(to: url)
                try relist(record)
            }, "notice No. 1 is not signed by this election's key", "notices/notice-1.json: the signature does not verify"),
            ("notice 1 re-signed by another key", { record in
                let url = record.appendingPathComponent("notices/notice-1.json")
                try Ed25519PrivateKey.generate().sign(Data(contentsOf: url)).write(to: record.appendingPathComponent("notices/notice-1.sig"))
                try relist(record)
            }, "notice No. 1 is not signed by this election's key", "notices/notice-1.json: the signature does not verify"),
        ]
        for (name, forge, verifyMessage, scriptMessage) in cases {
            let copy = try f.copy()
            try forge(copy)
            #expect(tests.failures(copy, anchors: [anchor]).contains { $0.contains(verifyMessage) }, "\(name): \(tests.failures(copy, anchors: [anchor]))")
            let script = try run(copy, anchor: anchor)
            #expect(script.status == 1 && script.output.contains(scriptMessage), "\(name): \(script.output)")
        }
    }

    @Test("check.sh agrees with xuanyi verify on receipts (found by their receipt code) and on the nonce rules of record format 2")
    func receiptsAndNonces() throws {
        let g = try GeneratedRecord(ballots: 200, receipts: 4)
        let anchor = try RecordForgeryTests().fingerprint(g.record)
        let files = try g.receiptFiles()
        func verifier(_ record: URL, _ receipts: [URL]) -> VerificationReport {
            RecordVerifier(directory: record, receipts: receipts.map { ($0.lastPathComponent, (try? Data(contentsOf: $0)) ?? Data()) }, anchors: [anchor]).verify()
        }
        let genuine = try run(g.record, anchor: anchor, receipts: files)
        #expect(genuine.status == 0 && genuine.output.hasSuffix("VERDICT: PASS\n"), "\(genuine.output)")
        #expect(genuine.output.components(separatedBy: "of the log (round 1), receipt code").count == files.count + 1)
        #expect(verifier(g.record, files).verdict == .valid)

        // Receipts the election key signed, but of no ballot in the log, or naming a line (format 1).
        let code = try SignedReceipt(json: Data(contentsOf: files[0])).statement.tracking
        let missing = g.scratch.appendingPathComponent("missing.json")
        try g.receipt(code: String(repeating: "cd", count: 32)).write(to: missing)
        let withSeq = g.scratch.appendingPathComponent("with-seq.json")
        try g.receipt(code: code, seq: 1).write(to: withSeq)
        for (receipt, expected) in [(missing, "is not in the log"), (withSeq, "carries a seq")] {
            let plain = try run(g.record, anchor: anchor, receipts: [receipt])
            #expect(plain.status == 1 && plain.output.contains("\(receipt.path)") && plain.output.contains(expected), "\(plain.output)")
            let report = verifier(g.record, [receipt])
            #expect(report.verdict == .invalid && report.failures.count == 1 && report.failures[0].file == receipt.lastPathComponent)
        }

        // The receipted ballot's nonce changed, the chain rebuilt: both find the receipt's ballot gone.
        let index = try #require(try GeneratedRecord.lines(g.record).firstIndex { (try $0.sealedContent?.receiptCode()) == code })
        let changed = try g.copy()
        try GeneratedRecord.rewrite(changed) { lines in lines[index].nonce = String(repeating: "e", count: 32) }
        let plain = try run(changed, anchor: anchor, receipts: [files[0]])
        #expect(plain.status == 1 && plain.output.contains("\(files[0].path): receipt code \(code.prefix(16))… is not in the log"), "\(plain.output)")
        #expect(verifier(changed, [files[0]]).failures.contains { $0.file == files[0].lastPathComponent && $0.field == "tracking" })

        // A paper line with a nonce, an electronic ballot entered twice, a record of format 1.
        let lines = try GeneratedRecord.lines(g.record)
        let paper = try #require(lines.firstIndex { $0.method == "paper" })
        let nonce = try g.copy()
        try GeneratedRecord.rewrite(nonce) { lines in lines[paper].nonce = String(repeating: "1", count: 32) }
        let paperNonce = try run(nonce, anchor: anchor)
        #expect(paperNonce.status == 1 && paperNonce.output.contains("line \(paper + 1): a paper ballot with a nonce"), "\(paperNonce.output)")
        #expect(verifier(nonce, []).failures.contains { $0.line == paper + 1 && $0.field == "nonce" })
        let electronic = try #require(lines.firstIndex { $0.method == "electronic" })
        for (expected, change) in [
            ("line \(electronic + 1): an electronic ballot without its nonce", { (lines: inout [BallotLine]) in lines[electronic].nonce = nil }),
            ("line \(electronic + 1): the nonce is not 32 lowercase hex digits", { (lines: inout [BallotLine]) in lines[electronic].nonce = String(repeating: "A", count: 32) }),
            ("line \(paper + 1): an electronic ballot outside the electronic box", { (lines: inout [BallotLine]) in
                lines[paper].method = "electronic"
                lines[paper].nonce = String(repeating: "2", count: 32)
            }),
            ("line \(electronic + 1): a paper ballot in the electronic box", { (lines: inout [BallotLine]) in
                lines[electronic].method = "paper"
                lines[electronic].nonce = nil
            }),
            ("line \(paper + 1): method is postal", { (lines: inout [BallotLine]) in lines[paper].method = "postal" }),
        ] as [(String, (inout [BallotLine]) -> Void)] {
            let copy = try g.copy()
            try GeneratedRecord.rewrite(copy, change)
            let result = try run(copy, anchor: anchor)
            #expect(result.status == 1 && result.output.contains(expected), "\(expected): \(result.output)")
            #expect(!verifier(copy, []).failures.filter { $0.file == ElectionRecordFormat.ballotsFile && $0.line != nil }.isEmpty, "\(expected)")
        }
        let twice = try g.copy()
        try GeneratedRecord.rewrite(twice) { lines in
            lines[1].ballot = lines[0].ballot
            lines[1].nonce = lines[0].nonce
        }
        let entered = try run(twice, anchor: anchor)
        #expect(entered.status == 1 && entered.output.contains("an electronic ballot entered twice (nonce \(lines[0].nonce!))"), "\(entered.output)")
        #expect(verifier(twice, []).failures.contains { $0.line == 2 && $0.field == "nonce" })
        let old = try g.copy()
        let manifestURL = old.appendingPathComponent(ElectionRecordFormat.manifestFile)
        var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: manifestURL))
        manifest.format = "xuanyi-election-record/1"
        try CanonicalJSON.encode(manifest).write(to: manifestURL)
        let formatOne = try run(old, anchor: anchor)
        #expect(formatOne.status == 1 && formatOne.output.contains("record format xuanyi-election-record/1; this script checks xuanyi-election-record/3 only"))
        #expect(verifier(old, []).failures.map(\.field) == ["format"])
    }
}

@Suite("a certified record is frozen: served as certified, whatever is corrected later")
struct FrozenRecordTests {
    @Test("correcting a winner's name after certification changes no byte of the record, and the record still exports and verifies")
    func frozen() throws {
        let f = try RecordFixture(.directRunoff)
        let before = try f.files().map { ($0, try Data(contentsOf: f.record.appendingPathComponent($0))) }
        let certified = try #require(try f.database.certifiedResult(electionID: f.id))
        let winner = try #require(certified.statement.elected.first)
        let resident = try f.database.resident(id: winner.person, communityID: f.result.election.communityID)
        try f.database.correctResident(id: winner.person, communityID: f.result.election.communityID, ResidentCorrection(
            name: resident.name + "更", ethnicity: resident.ethnicity, phone: resident.phone, relationToHead: resident.relationToHead,
            hukouHere: resident.hukouHere, livesHere: resident.livesHere, livingSince: resident.livingSince, workingSince: resident.workingSince,
            politicalRights: resident.politicalRights), actor: .commandLine)
        #expect(try f.database.resident(id: winner.person, communityID: f.result.election.communityID).name == resident.name + "更")
        let again = f.scratch.appendingPathComponent("again")
        _ = try f.database.exportRecord(electionID: f.id, to: again, signingKey: try f.keyStore.load(keyID: f.result.election.keyID))
        for (path, data) in before {
            #expect((try? Data(contentsOf: again.appendingPathComponent(path))) == data, "\(path) changed")
        }
        #expect(RecordVerifier(directory: again).verify().passed)
    }
}

@Suite("the committee's keys are fixed in the election definition")
struct CertificationKeyTests {
    @Test("certifying needs enough serving members whose keys the definition registers: members who stepped down after polling opened, or keys made later, do not count")
    func membersWithoutKeys() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("certify-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keyStore = KeyStore(directory: scratch.appendingPathComponent("keys"))
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: keyStore,
                                                  electionDay: ExampleElections.electionDay, title: "第十二届居民委员会换届选举", usernamePrefix: "",
                                                  password: "committee-password-1", voters: 44, through: .allRounds)
        let id = result.election.id!
        // Two of the three members step down after polling: one registered key is left, two are needed.
        for member in try database.committeeMembers(electionID: id).filter({ $0.member.active }).prefix(2) {
            try database.stepDown(memberID: member.member.id!, reason: "迁出本社区", on: ExampleElections.electionDay, actor: .commandLine)
        }
        let key = try keyStore.load(keyID: result.election.keyID)
        do {
            _ = try database.certifyResult(electionID: id, signingKey: key, actor: .commandLine)
            Issue.record("certified with too few members holding a registered key")
        } catch let error as CommunityError {
            #expect(error.description.contains("only 1 serving members of the election committee hold a key the election definition registers, and 2 must countersign"), "\(error)")
        }
        #expect(try database.certifiedResult(electionID: id) == nil)
    }
}
