import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// Runs the `openssl` command line in `folder`; returns its exit status.
func runOpenSSL(_ arguments: [String], in folder: URL, output: URL? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    process.currentDirectoryURL = folder
    process.standardOutput = output.map { FileManager.default.createFile(atPath: $0.path, contents: nil); return try? FileHandle(forWritingTo: $0) } ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Numbered election notices (选举公告 第N号, election-rules.md §10): one per public step,
/// numbered gaplessly in step order, each signed with the election key (checked here with the
/// openssl command line), the announcement carrying the election key's fingerprint and the
/// committee's notice the members' own key fingerprints; and the election archive (选举档案).
@Suite("election notices and the election archive")
struct NoticeTests {
    func checkWithOpenSSL(_ signed: SignedNotice, bytes: Data? = nil, in folder: URL) throws -> Int32 {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (bytes ?? signed.bytes).write(to: folder.appendingPathComponent("notice.json"))
        try signed.signature.write(to: folder.appendingPathComponent("notice.sig"))
        try Data(signed.publicKeyPEM.utf8).write(to: folder.appendingPathComponent("election.pub.pem"))
        return try runOpenSSL(["pkeyutl", "-verify", "-pubin", "-inkey", "election.pub.pem", "-rawin", "-in", "notice.json", "-sigfile", "notice.sig"], in: folder)
    }

    @Test("a whole election (with a second round): notices 1…N without a gap, in the order of the steps, each verified by openssl with the election key")
    func wholeElection() throws {
        let f = try RecordFixture(.directRunoff)
        defer { _ = f }
        let notices = try f.database.notices(electionID: f.id)
        #expect(notices.map(\.notice.number) == Array(1...notices.count))
        let kinds = notices.map(\.notice.kind)
        // Step order: announcement, roll, committee (one per member joining), candidates, polling,
        // the main round's box count, the second round, its box count, the result.
        #expect(kinds == [.announcement, .roll, .committee, .committee, .committee, .candidates, .polling, .boxCount, .nextRound, .boxCount, .result])
        #expect(notices.allSatisfy { $0.notice.election == f.id && $0.notice.title == "选举公告 第\($0.notice.number)号" })
        #expect(notices.allSatisfy { $0.notice.issuer == "桃园社区居民委员会选举委员会" })
        let folder = f.scratch.appendingPathComponent("openssl")
        for signed in notices {
            #expect(signed.verify())
            #expect(try checkWithOpenSSL(signed, in: folder.appendingPathComponent("\(signed.notice.number)")) == 0, "notice \(signed.notice.number)")
        }
        // The result notice names the winners of the certified statement.
        let result = try #require(notices.last)
        let certified = try #require(f.result.certified)
        #expect(result.notice.facts.statement == certified.statementDigest)
        #expect(result.notice.facts.elected?.map(\.name) == certified.statement.elected.map(\.name))
        #expect(result.notice.text.contains { $0.contains(certified.statementDigest) })
        // Each box's count is the stored count sheet's.
        let counts = notices.filter { $0.notice.kind == .boxCount }
        #expect(counts.map { $0.notice.facts.box?.round } == [1, 2])
        #expect(counts.allSatisfy { $0.notice.facts.box?.sheet != nil && $0.notice.facts.box?.sheetSHA256?.count == 64 })
        // The text prints the sheet's figures: every candidate's votes in the box, by name.
        for count in counts {
            let stored = try f.database.reader.read { db in
                try String.fetchOne(db, sql: """
                    SELECT b.countSheetJSON FROM ballotBox b JOIN pollingRound r ON r.id = b.roundID WHERE r.electionID = ? AND r.number = ? AND b.number = ?
                    """, arguments: [f.id, count.notice.facts.box?.round, count.notice.facts.box?.number])
            }
            let sheet = try JSONDecoder().decode(CountSheet.self, from: Data(try #require(stored).utf8))
            #expect(count.notice.facts.box?.sheetSHA256 == SHA256.hash(Data(try #require(stored).utf8)).hex)
            #expect(count.notice.text.contains { $0.contains("有效\(sheet.valid)张") })
            for candidate in sheet.candidates {
                let name = try #require(count.notice.facts.box?.names?.first { $0.person == candidate.person }?.name)
                #expect(count.notice.text.contains { $0.hasPrefix(candidate.post.chinese + "：") && $0.contains("\(name)\(candidate.votes)票") }, "\(name)")
            }
        }
    }

    @Test("a changed byte fails: openssl refuses it, and so do SignedNotice.verify and NoticeDocument.verify")
    func tampered() throws {
        let f = try RecordFixture(.household)
        let announcement = try #require(try f.database.notice(electionID: f.id, number: 1))
        var text = String(decoding: announcement.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "2026-12-20", with: "2026-12-21")
        let forged = Data(text.utf8)
        #expect(forged != announcement.bytes)
        let folder = f.scratch.appendingPathComponent("tampered")
        #expect(try checkWithOpenSSL(announcement, bytes: forged, in: folder) != 0)
        var tampered = announcement
        tampered.bytes = forged
        tampered.notice = try JSONDecoder().decode(ElectionNotice.self, from: forged)
        #expect(!tampered.verify())
        var document = NoticeDocument(announcement)
        try document.verify(anchor: announcement.keyFingerprint)
        document.payload = text
        #expect(throws: NoticeDocument.Failure.self) { try document.verify(anchor: announcement.keyFingerprint) }
        // A readable field that differs from the signed payload fails too.
        var relabelled = NoticeDocument(announcement)
        relabelled.text[0] = "选举日改期"
        #expect(throws: NoticeDocument.Failure.self) { try relabelled.verify() }
        // Another key as the anchor fails.
        #expect(throws: NoticeDocument.Failure.self) { try NoticeDocument(announcement).verify(anchor: String(repeating: "0", count: 64)) }
    }

    @Test("the announcement prints the election key's fingerprint (as openssl computes it); the committee notice each member's own key fingerprint")
    func fingerprints() throws {
        let f = try RecordFixture(.directRunoff)
        let notices = try f.database.notices(electionID: f.id)
        let announcement = try #require(notices.first)
        let fingerprint = try #require(try f.database.electionKeyFingerprint(electionID: f.id))
        #expect(announcement.notice.facts.electionKeyFingerprint == fingerprint)
        #expect(announcement.notice.text.contains { $0.contains(fingerprint) })
        // openssl: SHA-256 of the raw 32-byte key (the DER's last 32 bytes).
        let folder = f.scratch.appendingPathComponent("fingerprint")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(announcement.publicKeyPEM.utf8).write(to: folder.appendingPathComponent("election.pub.pem"))
        #expect(try runOpenSSL(["pkey", "-pubin", "-in", "election.pub.pem", "-outform", "DER", "-out", "election.der"], in: folder) == 0)
        let der = try Data(contentsOf: folder.appendingPathComponent("election.der"))
        #expect(SHA256.hash(der.suffix(32)).hex == fingerprint)

        let committee = try #require(notices.last { $0.notice.kind == .committee })
        let members = try f.database.committeeMembers(electionID: f.id).filter(\.member.active)
        #expect(committee.notice.facts.members?.map(\.name) == members.map(\.name))
        for (listed, member) in zip(committee.notice.facts.members ?? [], members) {
            let key = try #require(try f.database.accountKey(accountID: member.member.accountID))
            let expected = try Ed25519PublicKey(pem: key.publicKeyPEM).fingerprint
            #expect(listed.key == expected, "\(member.name)")
            #expect(committee.notice.text.contains { $0.contains(member.name) && $0.contains(expected) })
        }
    }

    @Test("a correction is a new notice naming the one it corrects; a stored notice cannot be changed")
    func correction() throws {
        let f = try RecordFixture(.household)
        let before = try f.database.notices(electionID: f.id).count
        let correction = try f.database.issueCorrection(electionID: f.id, corrects: 2, text: "选民人数以名单为准。", actor: .system)
        #expect(correction.notice.number == before + 1)
        #expect(correction.notice.corrects == 2 && correction.notice.kind == .correction)
        #expect(correction.notice.text[0].contains("第2号"))
        #expect(throws: CommunityError.self) { try f.database.issueCorrection(electionID: f.id, corrects: 99, text: "x", actor: .system) }
        #expect(throws: (any Error).self) {
            try f.database.writer.write { db in try db.execute(sql: "UPDATE electionNotice SET issuedOn = '2020-01-01' WHERE number = 1") }
        }
        #expect(try f.database.notice(electionID: f.id, number: 1)?.verify() == true)
    }

    @Test("a restored copy is checked: a notice removed or changed is refused, naming the notices; an intact copy passes")
    func restoreChecksNotices() throws {
        let f = try RecordFixture(.household)
        let keys = [f.result.election.keyID: try f.keyStore.load(keyID: f.result.election.keyID)]
        let intact = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        try f.database.writer.backup(to: intact.writer)
        let report = try ElectionsSchema.checkRestored(intact, file: "backup.sqlite", keys: keys)
        #expect(report.contains { $0.contains("notice(s), numbered without a gap, each signature valid") })
        let damages = [
            ("DELETE FROM electionNotice WHERE number = 2", "notice No. 2 is missing"),
            ("DROP TRIGGER electionNoticeAppendOnly; UPDATE electionNotice SET payloadJSON = replace(payloadJSON, '2026-12-20', '2026-12-27') WHERE number = 1",
             "notice No. 1 does not match its signature"),
        ]
        for (damage, expected) in damages {
            let copy = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
            try f.database.writer.backup(to: copy.writer)
            try copy.writer.write { db in try db.execute(sql: damage) }
            var message = ""
            do { _ = try ElectionsSchema.checkRestored(copy, file: "backup.sqlite", keys: keys) } catch { message = "\(error)" }
            #expect(message.contains("election notices of election \(f.id)") && message.contains(expected), "\(damage): \(message)")
        }
    }

    @Test("no election key at hand: the step is refused and nothing changes (no public step without its signed notice)")
    func keyMissing() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("notice-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keys = KeyStore(directory: scratch)
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        let election = try database.createElection(communityID: community.id!, title: "第十二届", method: .direct,
                                                   electionDay: CivilDate(year: 2027, month: 3, day: 1)!, keyStore: keys, actor: .system)
        try FileManager.default.removeItem(at: keys.privateKeyURL(keyID: election.keyID))
        #expect(throws: CommunityError.self) { try database.announceElection(electionID: election.id!, on: CivilDate(year: 2027, month: 1, day: 20)!, actor: .system) }
        #expect(try database.election(id: election.id!).announcedOn == nil)
        #expect(try database.notices(electionID: election.id!).isEmpty)
    }

    @Test("the archive: every notice (JSON, signature, page), roll, nominations, count sheets, tally steps, result, statistics and the record; index.json lists each file's SHA-256 and is signed")
    func archive() throws {
        let f = try RecordFixture(.directRunoff)
        let key = try f.keyStore.load(keyID: f.result.election.keyID)
        let directory = f.scratch.appendingPathComponent("archive")
        let index = try f.database.writeElectionArchive(electionID: f.id, to: directory, signingKey: key)
        #expect(index.certified && index.notes.isEmpty)
        let paths = Set(index.files.map(\.path))
        let notices = try f.database.notices(electionID: f.id)
        for n in notices.map(\.notice.number) {
            for suffix in ["json", "sig", "html"] { #expect(paths.contains(ElectionArchive.noticeFile(n, suffix))) }
        }
        for path in ["roll/roll.csv", "roll/changes.csv", "roll/objections.csv", "nominations/nominees.csv", "nominations/nominations.csv",
                     "nominations/candidates.csv", "count-sheets/round-1-box-1.json", "count-sheets/round-2-box-1.json", "tally/steps.json",
                     "statistics/statistics.csv", "result/statement.json", "result/statement.sig", "election-key.pub.pem",
                     "record/xuanyi-record-election-\(f.id).zip"] {
            #expect(paths.contains(path), "\(path)")
        }
        for file in index.files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file.path))
            #expect(SHA256.hash(data).hex == file.sha256 && data.count == file.bytes, "\(file.path)")
        }
        // The notice files are the signed bytes; the index is signed with the election key (openssl).
        #expect(try Data(contentsOf: directory.appendingPathComponent(ElectionArchive.noticeFile(1, "json"))) == notices[0].bytes)
        #expect(try runOpenSSL(["pkeyutl", "-verify", "-pubin", "-inkey", "election-key.pub.pem", "-rawin", "-in", "index.json", "-sigfile", "index.json.sig"], in: directory) == 0)
        #expect(try runOpenSSL(["pkeyutl", "-verify", "-pubin", "-inkey", "election-key.pub.pem", "-rawin", "-in", ElectionArchive.noticeFile(3, "json"),
                                "-sigfile", ElectionArchive.noticeFile(3, "sig")], in: directory) == 0)
        // A changed file no longer matches the index.
        let roll = directory.appendingPathComponent("roll/roll.csv")
        try (try Data(contentsOf: roll) + Data("x".utf8)).write(to: roll)
        #expect(SHA256.hash(try Data(contentsOf: roll)).hex != index.files.first { $0.path == "roll/roll.csv" }?.sha256)
        let page = try String(contentsOf: directory.appendingPathComponent(ElectionArchive.noticeFile(1, "html")), encoding: .utf8)
        #expect(page.contains("选举公告 第1号") && page.contains(notices[0].keyFingerprint) && page.contains("@page { size: A4"))
    }

    @Test("before certification the archive says so and holds no result or record")
    func archiveBeforeCertification() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let keys = KeyStore(directory: scratch.appendingPathComponent("keys"))
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let result = try ExampleElections.conduct(.household, database: database, community: community, keyStore: keys,
                                                  electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届", usernamePrefix: "a",
                                                  password: "committee-password", voters: 24, through: .allRounds)
        let index = try database.writeElectionArchive(electionID: result.election.id!, to: scratch.appendingPathComponent("archive"),
                                                      signingKey: try keys.load(keyID: result.election.keyID))
        #expect(!index.certified)
        #expect(index.notes.contains { $0.contains("尚未确认") })
        #expect(!index.files.contains { $0.path.hasPrefix("record/") || $0.path.hasPrefix("result/") })
        #expect(index.files.contains { $0.path == "count-sheets/round-1-box-1.json" })
        #expect(try database.notices(electionID: result.election.id!).contains { $0.notice.kind == .result } == false)
    }
}
