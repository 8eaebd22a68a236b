import Community
import Foundation
import GRDB
import Notary
import Testing
import ZIPFoundation
@testable import Elections

/// One example election run in memory, its record exported to a temporary directory.
final class RecordFixture {
    let database: AppDatabase
    let keyStore: KeyStore
    let result: ExampleElections.Result
    let scratch: URL
    let record: URL

    init(_ kind: ExampleElections.Kind, rehearsal: Bool = false) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        keyStore = KeyStore(directory: scratch.appendingPathComponent("keys"))
        database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        result = try ExampleElections.run(kind, database: database, keyStore: keyStore, rehearsal: rehearsal)
        record = scratch.appendingPathComponent("record")
        _ = try database.exportRecord(electionID: result.election.id!, to: record, signingKey: try keyStore.load(keyID: result.election.keyID))
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    var id: Int64 { result.election.id! }

    /// A fresh copy of the record to tamper with.
    func copy() throws -> URL {
        let target = scratch.appendingPathComponent("copy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: record, to: target)
        return target
    }

    /// Every file of the record, relative paths, sorted.
    func files() -> [String] {
        let root = record.standardizedFileURL.path
        var paths: [String] = []
        let enumerator = FileManager.default.enumerator(at: record, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            paths.append(String(url.standardizedFileURL.path.dropFirst(root.count + 1)))
        }
        return paths.sorted()
    }
}

@Suite("public election record: export, certify, countersign, verify (verifiability.md)")
struct RecordTests {
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test("the direct example needs a second round (另行选举) for one 委员 seat; the record of both rounds verifies")
    func directRunoff() throws {
        let f = try RecordFixture(.directRunoff)
        let rounds = try f.database.rounds(electionID: f.id)
        #expect(rounds.map(\.kind) == [.main, .runoff])
        let runoffPaper = try rounds[1].paper()
        #expect(runoffPaper.sections.map(\.post) == [.member] && runoffPaper.sections[0].seats == 1 && runoffPaper.sections[0].candidates.count == 2)
        let report = RecordVerifier(directory: f.record).verify()
        #expect(report.passed, "\(report.failures)")
        #expect(report.ballots == 80 && report.final)
        let result = try f.database.electionResult(electionID: f.id)
        #expect(result.outcome.elected.contains { $0.post == .member && $0.round == 2 })
        // Winners hold more than half of the ballots collected in their round (a third in a runoff).
        for member in result.outcome.elected {
            let collected = result.rounds.first { $0.number == member.round }!.count.collected
            #expect(member.round == 1 ? member.votes * 2 > collected : member.votes * 3 >= collected)
        }
    }

    @Test("household and electronic examples verify; receipts prove inclusion, a foreign receipt does not")
    func householdAndElectronic() throws {
        let household = try RecordFixture(.household)
        #expect(household.result.election.method == .household)
        #expect(RecordVerifier(directory: household.record).verify().passed)

        let electronic = try RecordFixture(.electronic)
        #expect(electronic.result.receipts.count == 20 + 12)
        // Receipts are signed at cast, before the ballot has a place in the log: no seq.
        #expect(electronic.result.receipts.allSatisfy { $0.statement.seq == nil && $0.statement.round != nil })
        let receipts = electronic.result.receipts.prefix(3).enumerated().map { (name: "r\($0.offset).json", data: $0.element.jsonRepresentation) }
        let report = RecordVerifier(directory: electronic.record, receipts: Array(receipts)).verify()
        #expect(report.passed, "\(report.failures)")
        #expect(report.checks.filter { $0.en.hasPrefix("receipt ") && $0.ok }.count == 3)
        // A receipt of another election (signed with another key) fails, named.
        let foreign = household.result.receipts.first ?? electronic.result.receipts[0]
        let other = try SignedReceipt.issue(ReceiptStatement(what: "ballot", subject: "election:\(electronic.id)", round: 1, seq: nil,
                                                             tracking: String(repeating: "ab", count: 32), at: foreign.statement.at,
                                                             key: try electronic.keyStore.load(keyID: electronic.result.election.keyID).keyID),
                                            signingKey: try electronic.keyStore.load(keyID: electronic.result.election.keyID))
        let missing = RecordVerifier(directory: electronic.record, receipts: [("missing.json", other.jsonRepresentation)]).verify()
        #expect(!missing.passed && missing.failures.contains { $0.file == "missing.json" && $0.field == "tracking" })
        let impostor = try Ed25519PrivateKey.generate()
        let forged = RecordVerifier(directory: electronic.record, receipts: [("forged.json", try SignedReceipt.issue(
            ReceiptStatement(what: "ballot", subject: "election:\(electronic.id)", round: 1, seq: nil, tracking: electronic.result.receipts[0].statement.tracking,
                             at: "x", key: impostor.keyID), signingKey: impostor).jsonRepresentation)]).verify()
        #expect(!forged.passed && forged.failures.contains { $0.file == "forged.json" })
    }

    @Test("any single changed byte anywhere in a record fails verification, naming where")
    func singleByteChanges() throws {
        let f = try RecordFixture(.directRunoff)
        var generator = SeededGenerator(seed: 7)
        let manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: f.record.appendingPathComponent("manifest.json")))
        let listed = Set(manifest.files.map(\.path))
        for path in f.files() {
            for _ in 0..<3 {
                let copy = try f.copy()
                let url = copy.appendingPathComponent(path)
                var data = try Data(contentsOf: url)
                let offset = Int(generator.next() % UInt64(data.count))
                data[offset] ^= UInt8(1 + generator.next() % 255)
                try data.write(to: url)
                let report = RecordVerifier(directory: copy).verify()
                #expect(!report.passed, "changing byte \(offset) of \(path) went unnoticed")
                if listed.contains(path) {
                    #expect(report.failures.contains { $0.file == path }, "\(path) byte \(offset): \(report.failures.map(\.location))")
                }
                try FileManager.default.removeItem(at: copy)
            }
        }
        // A file added to the record, and one removed, are named too.
        let added = try f.copy()
        try Data("x".utf8).write(to: added.appendingPathComponent("notes.txt"))
        #expect(RecordVerifier(directory: added).verify().failures.contains { $0.file == "notes.txt" })
        for path in ["rounds.json", "statement.json", "statement.sig", "certificates.json", "ballots.jsonl"] {
            let removed = try f.copy()
            try FileManager.default.removeItem(at: removed.appendingPathComponent(path))
            let report = RecordVerifier(directory: removed).verify()
            #expect(!report.passed && report.failures.contains { $0.file == path }, "removing \(path): \(report.failures.map(\.location))")
        }
    }

    @Test("a changed ballot is named by its line and the recount shows its effect")
    func changedBallot() throws {
        let f = try RecordFixture(.directRunoff)
        let copy = try f.copy()
        let url = copy.appendingPathComponent("ballots.jsonl")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.contains("\"approve\"") })
        lines[index] = lines[index].replacingOccurrences(of: "\"approve\"", with: "\"disapprove\"")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let failures = RecordVerifier(directory: copy).verify().failures
        #expect(failures.contains { $0.file == "ballots.jsonl" && $0.line == index + 2 && $0.field == "prev" })
        #expect(failures.contains { $0.file == "tally.json" && ($0.field ?? "").contains("votes") })
    }

    @Test("certifying needs every round closed and nothing pending; countersigning needs a serving member's own password, once")
    func certifyAndCountersign() throws {
        let f = try RecordFixture(.household)
        let key = try f.keyStore.load(keyID: f.result.election.keyID)
        #expect(reason { try f.database.certifyResult(electionID: f.id, signingKey: key, actor: .commandLine) }.contains("already certified"))
        let members = try f.database.committeeMembers(electionID: f.id)
        let certified = try #require(try f.database.certifiedResult(electionID: f.id))
        #expect(certified.required == 2 && certified.countersignatures.count == 2 && certified.isFinal)
        let third = members[2].member.accountID
        #expect(reason { try f.database.countersignResult(electionID: f.id, accountID: third, password: "wrong-password", actor: .commandLine) }
            .contains("wrong username or password"))
        #expect(reason { try f.database.countersignResult(electionID: f.id, accountID: members[0].member.accountID,
                                                          password: ExampleElections.committeePassword, actor: .commandLine) }.contains("already countersigned"))
        let clerk = try #require(try f.database.accounts().first { $0.username == "lr1" })
        #expect(reason { try f.database.countersignResult(electionID: f.id, accountID: clerk.id!, password: ExampleElections.committeePassword,
                                                          actor: .commandLine) }.contains("only a serving member"))
        let after = try f.database.countersignResult(electionID: f.id, accountID: third, password: ExampleElections.committeePassword, actor: .commandLine)
        #expect(after.countersignatures.count == 3)
        // Each countersignature verifies with the member's own key, which the server cannot use without the password.
        for counter in after.countersignatures {
            #expect(try Ed25519PublicKey(pem: counter.publicKeyPEM).isValidSignature(counter.signature, for: counter.bytes))
            #expect(counter.countersignature.statement == after.statementDigest)
        }
        let sealed = try #require(try f.database.accountKey(accountID: third))
        #expect(reason { _ = try SealedSigningKey.open(sealed.sealedPrivateKey, password: "wrong-password") }.contains("wrong passphrase"))
    }

    @Test("a changed password re-seals the same key; an account made before keys gets one at login")
    func accountKeys() throws {
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let account = try database.createAccount(NewAccount(communityID: nil, username: "member1", displayName: "m", password: "first-password-1",
                                                            roles: [.committee]), actor: .commandLine)
        let before = try #require(try database.accountKey(accountID: account.id!))
        try database.changePassword(accountID: account.id!, current: "first-password-1", new: "second-password-2", actor: .commandLine)
        let key = try database.unlockAccountKey(accountID: account.id!, password: "second-password-2")
        #expect(key.publicKey.pemRepresentation == before.publicKeyPEM)
        #expect(reason { _ = try database.unlockAccountKey(accountID: account.id!, password: "first-password-1") }.contains("wrong username or password"))
        try database.writer.write { db in try db.execute(sql: "DELETE FROM accountKey") }
        _ = try database.authenticate(username: "member1", password: "second-password-2")
        #expect(try database.accountKey(accountID: account.id!) != nil)
    }

    @Test("certificates: each elected member's code verifies; a changed code does not")
    func certificates() throws {
        let f = try RecordFixture(.directRunoff)
        let key = try f.keyStore.load(keyID: f.result.election.keyID)
        let certificates = try f.database.certificates(electionID: f.id, signingKey: key)
        #expect(certificates.count == f.result.certified!.statement.elected.count)
        let first = try #require(certificates.first)
        let checked = try #require(try f.database.verifyCertificate(code: first.code))
        #expect(checked.certificate == first && checked.final)
        var altered = Array(first.code)
        altered[altered.count - 3] = altered[altered.count - 3] == "A" ? "B" : "A"
        #expect(try f.database.verifyCertificate(code: String(altered)) == nil)
        let otherPerson = first.code.replacingOccurrences(of: ".\(first.certificate.person).", with: ".\(first.certificate.person + 1).")
        #expect(try f.database.verifyCertificate(code: otherPerson) == nil)
    }

    @Test("property: shuffling the ballots never changes the count or the result")
    func shuffling() throws {
        var generator = SeededGenerator(seed: 11)
        let paper = BallotPaper(election: 1, title: "t", electionDay: "2026-12-20", round: 1, roundKind: "main", sections: [
            .init(post: .director, title: "主任", seats: 1, womenOnly: false, candidates: (1...3).map { .init(position: Int($0), name: "", person: $0) }, writeInLines: 1),
            .init(post: .member, title: "委员", seats: 3, womenOnly: false, candidates: (4...9).map { .init(position: Int($0), name: "", person: $0) }, writeInLines: 3),
        ], marks: Mark.allCases, instructions: [], sealLabel: "")
        for trial in 0..<20 {
            var ballots: [MarkedBallot] = []
            for _ in 0..<(50 + trial * 7) {
                if generator.next() % 20 == 0 { ballots.append(.unmarked(.blank, paper: "p")); continue }
                ballots.append(MarkedBallot(paper: "p", state: .marked, posts: paper.sections.map { section in
                    MarkedBallot.PostMarks(post: section.post, marks: section.candidates.map { _ in [Mark.approve, .abstain, .disapprove][Int(generator.next() % 3)] },
                                           writeIns: generator.next() % 10 == 0 ? [.init(person: Int64(generator.next() % 12 + 1))] : [])
                }))
            }
            let rules = RuleSet()
            let count = BallotCount.count(ballots, paper: paper, rules: rules, isWoman: { _ in false })
            var shuffled = ballots
            shuffled.shuffle(using: &generator)
            #expect(BallotCount.count(shuffled, paper: paper, rules: rules, isWoman: { _ in false }) == count)
            let outcome = RoundTally.decide(count: count, seats: [(.director, 1), (.member, 3)], rules: rules, stage: .main,
                                            issued: ballots.count, rollSize: ballots.count)
            for (post, persons) in outcome.elected {
                for person in persons { #expect(count.votes(person, in: post) * 2 > count.collected) }
            }
        }
    }

    @Test("the example records in ballots/examples verify, and their receipts prove inclusion")
    func committedExamples() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ballots/examples")
        for kind in ExampleElections.Kind.allCases {
            let receipts = (try? FileManager.default.contentsOfDirectory(at: examples.appendingPathComponent("\(kind.rawValue)-receipts"),
                                                                          includingPropertiesForKeys: nil)) ?? []
            let report = RecordVerifier(directory: examples.appendingPathComponent(kind.rawValue),
                                        receipts: try receipts.map { ($0.lastPathComponent, try Data(contentsOf: $0)) }).verify()
            #expect(report.passed, "\(kind.rawValue): \(report.failures.map(\.en))")
            #expect(kind != .electronic || receipts.count == 32)
            let (unzipped, scratch) = try RecordArchive.unzip(examples.appendingPathComponent("\(kind.rawValue).zip"))
            defer { try? FileManager.default.removeItem(at: scratch) }
            #expect(RecordVerifier(directory: unzipped).verify().passed)
        }
    }

    @Test("property: generated records of any size and seed verify, and their recount is what the generator tallied")
    func generated() throws {
        for (size, seed) in [(1, UInt64(1)), (37, 2), (2_000, 3)] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            try SyntheticRecord.write(to: folder, ballots: size, seed: seed)
            let report = RecordVerifier(directory: folder).verify()
            #expect(report.passed && report.ballots == size, "\(size): \(report.failures.map(\.en))")
        }
    }
}

@Suite("official statistics (election-rules.md §9)")
struct StatisticsTests {
    @Test("figures come from the roll, the rounds and the result; a member elected again in a later election counts as re-elected")
    func figures() throws {
        let f = try RecordFixture(.directRunoff)
        let statistics = try f.database.electionStatistics(electionID: f.id)
        #expect(statistics.roll.totalActive == 60 && statistics.rounds.count == 2)
        #expect(statistics.rounds[0].issued == 44 && statistics.rounds[0].collected == 44 && statistics.rounds[0].blank == 1)
        #expect(statistics.rounds[0].valid == 43 && statistics.rounds[1].collected == 36)
        #expect(statistics.members.count == 5 && statistics.members.allSatisfy { !$0.reElected })
        #expect(statistics.members.filter { $0.gender == .female }.count == f.result.certified!.statement.elected.filter { winner in
            (try? f.database.reader.read { db in try Resident.fetchOne(db, key: winner.person)?.gender }) == .female }.count)
        #expect(statistics.members.allSatisfy { $0.education == "大专" })
        let csv = String(decoding: statistics.csv, as: UTF8.self)
        #expect(csv.hasPrefix("\u{FEFF}项目分类,项目,数值\r\n") && csv.contains("\"选民登记\",\"合计\",\"60\""))
        #expect(csv.contains("\"名单变动\",\"\(RollChangeReason.cameOfAge.chinese)\",\"0\"") && csv.contains("\"选举方式\",\"\(ElectionMethod.direct.chinese)\""))
        #expect(!csv.contains("cameOfAge") && !csv.contains(",\"direct\""))
        #expect(statistics.rows.contains { $0.item == "中共党员" })

        // The next term's election three years on elects the same people: they are re-elected there.
        let next = try ExampleElections.conduct(.household, database: f.database, community: try f.database.community(id: f.result.election.communityID),
                                                keyStore: f.keyStore, electionDay: CivilDate(year: 2029, month: 12, day: 16)!, title: "第十三届",
                                                usernamePrefix: "n-", password: "next-term-password", voters: 24)
        let later = try f.database.electionStatistics(electionID: next.election.id!)
        let again = Set(f.result.certified!.statement.elected.map(\.name))
        #expect(later.members.filter(\.reElected).map(\.name).allSatisfy(again.contains))
        #expect(later.members.contains { $0.reElected })
        let first = try f.database.electionStatistics(electionID: f.id)
        #expect(first.members.allSatisfy { !$0.reElected })
    }

    @Test("a rehearsal database's record says so in election.json, under the signed manifest, and xuanyi verify says it is not a real election")
    func rehearsalRecord() throws {
        let f = try RecordFixture(.household)
        let real = RecordVerifier(directory: f.record).verify()
        #expect(real.passed && !real.rehearsal)
        #expect(!String(decoding: try Data(contentsOf: f.record.appendingPathComponent("election.json")), as: UTF8.self).contains("rehearsal"))
        #expect(!real.text(language: "en").contains("rehearsal"))

        // Marking a certified election's community afterwards cannot change what was certified:
        // the record is frozen at certification and stays a real election's record.
        try f.database.writer.write { db in try db.execute(sql: "UPDATE community SET rehearsal = 1") }
        let late = f.scratch.appendingPathComponent("late")
        _ = try f.database.exportRecord(electionID: f.id, to: late, signingKey: try f.keyStore.load(keyID: f.result.election.keyID))
        #expect(try Data(contentsOf: late.appendingPathComponent("election.json")) == Data(contentsOf: f.record.appendingPathComponent("election.json")))
        let reverified = RecordVerifier(directory: late).verify()
        #expect(reverified.passed && !reverified.rehearsal)

        let rehearsed = try RecordFixture(.household, rehearsal: true)
        let practice = rehearsed.record
        let report = RecordVerifier(directory: practice).verify()
        #expect(report.passed, "\(report.failures)")
        #expect(report.rehearsal)
        #expect(report.text(language: "en").contains("NOTE: this record comes from a rehearsal, not a real election"))
        #expect(report.text(language: "zh").contains("演练记录"))
        // The published schema allows the mark (and only as true).
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RecordSchemaTests.ballots
            .appendingPathComponent("schema/election.schema.json"))) as? [String: Any])
        let electionJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: practice.appendingPathComponent("election.json")))
        #expect(SchemaCheck.problems(electionJSON, schema).isEmpty, "\(SchemaCheck.problems(electionJSON, schema))")

        // Dropping the mark breaks the digests the manifest signs.
        let electionFile = practice.appendingPathComponent("election.json")
        let marked = String(decoding: try Data(contentsOf: electionFile), as: UTF8.self)
        #expect(marked.contains("\"rehearsal\":true"))
        try Data(marked.replacingOccurrences(of: ",\"rehearsal\":true", with: "").utf8).write(to: electionFile)
        let stripped = RecordVerifier(directory: practice).verify()
        #expect(!stripped.passed && !stripped.rehearsal)
        // A field the verifier does not know is refused by name, not skipped.
        try Data(marked.replacingOccurrences(of: "\"rehearsal\":true", with: "\"rehearsal\":true,\"sandbox\":true").utf8).write(to: electionFile)
        let unknown = RecordVerifier(directory: practice).verify()
        #expect(unknown.failures.contains { $0.en.contains("fields this verifier does not know") && $0.file == "election.json" })
    }

    @Test("a hostile .zip is refused, naming why: more bytes than the budget, a symbolic link, a path outside its folder, a damaged entry")
    func hostileArchives() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ballots/examples")
        func refusal(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        // A genuine record over a tiny budget: the bytes are counted while inflating.
        #expect(refusal { _ = try RecordArchive.unzip(examples.appendingPathComponent("household.zip"), maxBytes: 1_000) }
            .contains("more than 1000 bytes"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func archive(_ name: String, _ entries: [(path: String, type: Entry.EntryType, bytes: Data)]) throws -> URL {
            let url = folder.appendingPathComponent(name)
            let archive = try Archive(url: url, accessMode: .create)
            for entry in entries {
                try archive.addEntry(with: entry.path, type: entry.type, uncompressedSize: Int64(entry.bytes.count), provider: { position, size in
                    entry.bytes.subdata(in: Int(position)..<Int(position) + size)
                })
            }
            return url
        }
        let manifest = Data(#"{"format":"xuanyi-election-record/1"}"#.utf8)
        let link = try archive("link.zip", [("record/manifest.json", .file, manifest), ("record/ballots.jsonl", .symlink, Data("/etc/passwd".utf8))])
        #expect(refusal { _ = try RecordArchive.unzip(link) }.contains("symbolic link"))
        let escape = try archive("escape.zip", [("record/manifest.json", .file, manifest), ("../../escaped.json", .file, manifest)])
        #expect(refusal { _ = try RecordArchive.unzip(escape) }.contains("outside the archive's folder"))
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.temporaryDirectory.deletingLastPathComponent().appendingPathComponent("escaped.json").path))
        // A byte flipped inside a stored entry: its CRC-32 no longer matches.
        let plain = try archive("plain.zip", [("record/manifest.json", .file, manifest)])
        var bytes = try Data(contentsOf: plain)
        let at = try #require(bytes.range(of: Data("xuanyi-election".utf8))).lowerBound
        bytes[at] ^= 0x20
        try bytes.write(to: plain)
        #expect(refusal { _ = try RecordArchive.unzip(plain) }.contains("CRC-32"))
        // Found by FuzzRecordArchive: a deflate stream that does not end within its entry's
        // compressed bytes (ZIPFoundation's reader read on and looped forever at end of file).
        let fuzzed = examples.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/record-zip/regression-compressed-size-past-end.zip")
        let started = Date()
        let fuzzedRefusal = refusal { _ = try RecordArchive.unzip(fuzzed) }
        #expect(fuzzedRefusal.contains("damaged archive"), "\(fuzzedRefusal)")
        #expect(Date().timeIntervalSince(started) < 5)
        // Not a zip at all, and a zip cut short.
        let text = folder.appendingPathComponent("text.zip")
        try Data("manifest.json".utf8).write(to: text)
        #expect(refusal { _ = try RecordArchive.unzip(text) }.contains("not a .zip file"))
        let cut = folder.appendingPathComponent("cut.zip")
        try Data(try Data(contentsOf: examples.appendingPathComponent("household.zip")).prefix(5_000)).write(to: cut)
        #expect(!refusal { _ = try RecordArchive.unzip(cut) }.isEmpty)
        // The genuine archive still unzips and verifies.
        let (record, scratch) = try RecordArchive.unzip(examples.appendingPathComponent("household.zip"))
        defer { try? FileManager.default.removeItem(at: scratch) }
        #expect(RecordVerifier(directory: record).verify().passed)
    }
}
