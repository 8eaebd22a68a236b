import Community
import Foundation
import Notary
import Testing
@testable import Elections

/// A generated record (`SyntheticRecord`: an electronic box beside ten paper boxes) with signed
/// receipts for some of its electronic ballots, and the election key, to forge with.
final class GeneratedRecord {
    let scratch: URL
    let record: URL
    let receiptsFolder: URL
    let key: Ed25519PrivateKey

    init(ballots: Int = 300, receipts: Int = 6, seed: UInt64 = 5) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sealed-record-\(UUID().uuidString)")
        record = scratch.appendingPathComponent("record")
        receiptsFolder = scratch.appendingPathComponent("receipts")
        key = try Ed25519PrivateKey.generate()
        try SyntheticRecord.write(to: record, ballots: ballots, seed: seed, receipts: receipts, receiptsDirectory: receiptsFolder, electionKey: key)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// The receipts as files, sorted by name.
    func receiptFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: receiptsFolder, includingPropertiesForKeys: nil).sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func receipts() throws -> [(name: String, data: Data)] {
        try receiptFiles().map { ($0.lastPathComponent, try Data(contentsOf: $0)) }
    }

    func copy() throws -> URL {
        let target = scratch.appendingPathComponent("copy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: record, to: target)
        return target
    }

    static func lines(_ record: URL) throws -> [BallotLine] {
        try String(decoding: Data(contentsOf: record.appendingPathComponent(ElectionRecordFormat.ballotsFile)), as: UTF8.self)
            .split(separator: "\n").map { try JSONDecoder().decode(BallotLine.self, from: Data($0.utf8)) }
    }

    /// Changes lines of the log and writes it again canonically with every `prev` recomputed,
    /// as whoever opened the box could: the chain holds, so only the content checks (and the
    /// signed statement) can catch the change.
    static func rewrite(_ record: URL, _ change: (inout [BallotLine]) throws -> Void) throws {
        var lines = try Self.lines(record)
        try change(&lines)
        var previous = SHA256Digest.zero.hex
        var log = Data()
        for var line in lines {
            line.prev = previous
            let bytes = try CanonicalJSON.encode(line)
            previous = SHA256.hash(bytes).hex
            log.append(bytes)
            log.append(0x0A)
        }
        try log.write(to: record.appendingPathComponent(ElectionRecordFormat.ballotsFile))
    }

    /// A ballot receipt signed with the election key.
    func receipt(code: String, round: Int = 1, seq: Int? = nil) throws -> Data {
        try SignedReceipt.issue(ReceiptStatement(what: "ballot", subject: "election:1", round: round, seq: seq, tracking: code,
                                                 at: "2026-12-20T08:00:00Z", key: key.keyID), signingKey: key).jsonRepresentation
    }
}

@Suite("record format 2: electronic lines carry their nonce, receipts bind to the ballot's content (the sealed box)")
struct SealedBoxRecordTests {
    func failures(_ record: URL, receipts: [(name: String, data: Data)] = []) -> [VerificationCheck] {
        RecordVerifier(directory: record, receipts: receipts).verify().failures
    }

    @Test("a generated record with electronic and paper lines verifies with its receipts; each receipt's code is its line without prev and seq")
    func genuine() throws {
        let g = try GeneratedRecord()
        let receipts = try g.receipts()
        #expect(receipts.count == 6)
        let report = RecordVerifier(directory: g.record, receipts: receipts).verify()
        #expect(report.passed, "\(report.failures.map(\.en))")
        let found = report.checks.filter { $0.ok && $0.en.hasPrefix("receipt ") }
        #expect(found.count == 6 && found.allSatisfy { $0.en.contains("round 1") && $0.zh.contains("第 1 轮") })
        let lines = try GeneratedRecord.lines(g.record)
        #expect(lines.filter { $0.method == "electronic" }.count == 90 && lines.allSatisfy { ($0.method == "electronic") == ($0.nonce != nil) })
        // The receipt code, recomputed as the README says: the line without prev and seq.
        for (_, data) in receipts {
            let code = try SignedReceipt(json: data).statement.tracking
            #expect(lines.contains { line in
                guard let sealed = line.sealedContent else { return false }
                var object = (try? JSONSerialization.jsonObject(with: CanonicalJSON.encode(line)) as? [String: Any]) ?? [:]
                object["prev"] = nil
                object["seq"] = nil
                let stripped = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                return (try? sealed.receiptCode()) == code && SHA256.hash(stripped).hex == code
            })
        }
    }

    @Test("a changed nonce or changed marks break the receipt, even with the chain rebuilt; a receipt of another ballot is not found")
    func changedContent() throws {
        let g = try GeneratedRecord()
        let receipts = try g.receipts()
        let first = try SignedReceipt(json: receipts[0].data).statement.tracking
        let index = try #require(try GeneratedRecord.lines(g.record).firstIndex { (try $0.sealedContent?.receiptCode()) == first })

        let nonce = try g.copy()
        try GeneratedRecord.rewrite(nonce) { lines in lines[index].nonce = String(repeating: "0", count: 32) }
        let nonceFailures = failures(nonce, receipts: receipts)
        #expect(nonceFailures.contains { $0.file == receipts[0].name && $0.field == "tracking" }, "\(nonceFailures.map(\.en))")
        #expect(!nonceFailures.contains { $0.file == receipts[1].name })

        let marks = try g.copy()
        try GeneratedRecord.rewrite(marks) { lines in
            var ballot = lines[index].ballot
            if ballot.state == .marked {
                ballot.posts[0].marks[0] = ballot.posts[0].marks[0] == .approve ? .disapprove : .approve
            } else {
                ballot = MarkedBallot.unmarked(ballot.state == .blank ? .unreadable : .blank, paper: ballot.paper)
            }
            lines[index].ballot = ballot
        }
        #expect(failures(marks, receipts: receipts).contains { $0.file == receipts[0].name && $0.field == "tracking" })

        // Signed with the right key and naming the right round, but the code of no ballot.
        let missing = failures(g.record, receipts: [("missing.json", try g.receipt(code: String(repeating: "ab", count: 32)))])
        #expect(missing.count == 1 && missing[0].file == "missing.json" && missing[0].field == "tracking" && missing[0].en.contains("not in the log"))
        // The right code with another round.
        let round = failures(g.record, receipts: [("round.json", try g.receipt(code: first, round: 2))])
        #expect(round.count == 1 && round[0].field == "round")
    }

    @Test("a ballot receipt carrying a seq (record format 1) is refused as not of this format; so is one signed by another key")
    func receiptsOfFormatOne() throws {
        let g = try GeneratedRecord()
        let code = try SignedReceipt(json: try g.receipts()[0].data).statement.tracking
        let line = try #require(try GeneratedRecord.lines(g.record).first { (try $0.sealedContent?.receiptCode()) == code })
        let withSeq = failures(g.record, receipts: [("old.json", try g.receipt(code: code, seq: line.seq))])
        #expect(withSeq.count == 1 && withSeq[0].file == "old.json" && withSeq[0].field == "seq" && withSeq[0].en.contains("not a ballot receipt of \(ElectionRecordFormat.version)"))
        #expect(withSeq[0].zh.contains("seq"))
        let impostor = try Ed25519PrivateKey.generate()
        let forged = try SignedReceipt.issue(ReceiptStatement(what: "ballot", subject: "election:1", round: 1, seq: nil, tracking: code,
                                                              at: "2026-12-20T08:00:00Z", key: impostor.keyID), signingKey: impostor)
        #expect(failures(g.record, receipts: [("forged.json", forged.jsonRepresentation)]).contains { $0.file == "forged.json" && $0.field == "signature" })
    }

    @Test("a paper line with a nonce, an electronic line without one, an electronic ballot in a paper box and one entered twice are refused at their line")
    func nonceRules() throws {
        let g = try GeneratedRecord()
        let lines = try GeneratedRecord.lines(g.record)
        let paper = try #require(lines.firstIndex { $0.method == "paper" })
        let electronic = try #require(lines.firstIndex { $0.method == "electronic" })
        let cases: [(String, Int, String, (inout [BallotLine]) -> Void)] = [
            ("paper with a nonce", paper, "nonce", { $0[paper].nonce = String(repeating: "1", count: 32) }),
            ("electronic without a nonce", electronic, "nonce", { $0[electronic].nonce = nil }),
            ("uppercase nonce", electronic, "nonce", { $0[electronic].nonce = String(repeating: "A", count: 32) }),
            ("short nonce", electronic, "nonce", { $0[electronic].nonce = "abc" }),
            ("unknown method", paper, "method", { $0[paper].method = "postal" }),
            ("electronic ballot in a paper box", paper, "method", { lines in
                lines[paper].method = "electronic"
                lines[paper].nonce = String(repeating: "2", count: 32)
            }),
            ("paper ballot in the electronic box", electronic, "method", { lines in
                lines[electronic].method = "paper"
                lines[electronic].nonce = nil
            }),
            ("an electronic ballot entered twice", electronic + 1, "nonce", { lines in
                lines[electronic + 1].ballot = lines[electronic].ballot
                lines[electronic + 1].nonce = lines[electronic].nonce
            }),
        ]
        for (name, index, field, change) in cases {
            let copy = try g.copy()
            try GeneratedRecord.rewrite(copy, change)
            let log = failures(copy).filter { $0.file == ElectionRecordFormat.ballotsFile && $0.line != nil }
            #expect(log.count == 1 && log[0].line == index + 1 && log[0].field == field, "\(name): \(log.map { "\($0.location) \($0.en)" })")
        }
    }

    @Test("a record of format 1 or 2, or of any other format, is refused before anything else is read")
    func otherFormats() throws {
        let g = try GeneratedRecord()
        for format in ["xuanyi-election-record/1", "xuanyi-election-record/2", "xuanyi-election-record/4", ""] {
            let copy = try g.copy()
            let url = copy.appendingPathComponent(ElectionRecordFormat.manifestFile)
            var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: url))
            manifest.format = format
            try CanonicalJSON.encode(manifest).write(to: url)
            let report = RecordVerifier(directory: copy).verify()
            #expect(report.checks.count == 1 && report.failures.first?.field == "format" && report.verdict == .invalid, "\(format)")
            #expect(report.failures.first?.en.contains("reads \(ElectionRecordFormat.version) only") == true)
        }
    }

    @Test("the fast parser accepts exactly the lines the general decoder finds canonical and right in method and nonce, and cuts out the sealed content")
    func parserAgreesWithDecoder() throws {
        let g = try GeneratedRecord(ballots: 60, receipts: 0)
        let lines = try GeneratedRecord.lines(g.record)
        let electronic = try #require(lines.first { $0.method == "electronic" && $0.ballot.state == .marked })
        let paper = try #require(lines.first { $0.method == "paper" && $0.ballot.state == .marked })
        func encoded(_ line: BallotLine) -> [UInt8] { Array((try? CanonicalJSON.encode(line)) ?? Data()) }
        var samples: [[UInt8]] = [encoded(electronic), encoded(paper)]
        var withNonce = paper; withNonce.nonce = String(repeating: "3", count: 32); samples.append(encoded(withNonce))
        var without = electronic; without.nonce = nil; samples.append(encoded(without))
        var upper = electronic; upper.nonce = electronic.nonce!.uppercased(); samples.append(encoded(upper))
        var postal = paper; postal.method = "postal"; samples.append(encoded(postal))
        // The nonce after prev: every member present, but not in canonical order.
        let text = String(decoding: encoded(electronic), as: UTF8.self)
        let member = ",\"nonce\":\"\(electronic.nonce!)\""
        samples.append(Array(text.replacingOccurrences(of: member, with: "").replacingOccurrences(of: ",\"round\":", with: member + ",\"round\":").utf8))
        // And single-byte changes of the electronic line.
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<400 {
            var bytes = encoded(electronic)
            let at = Int(generator.next() % UInt64(bytes.count))
            bytes[at] = [UInt8(ascii: "0"), UInt8(ascii: "a"), UInt8(ascii: "F"), UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: " ")][Int(generator.next() % 6)]
            samples.append(bytes)
        }
        var accepted = 0
        for bytes in samples {
            var packed: [UInt8] = []
            let parsed = bytes.withUnsafeBytes { BallotLineParser.parse($0, ballot: &packed) }
            let decoded = try? JSONDecoder().decode(BallotLine.self, from: Data(bytes))
            // (The parser also wants the digests in lowercase, which the decoder leaves to the verifier's later checks.)
            func lowercaseDigest(_ text: String) -> Bool { text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } }
            let sound = decoded.map { $0.methodProblem == nil && (try? CanonicalJSON.encode($0)) == Data(bytes) && lowercaseDigest($0.prev)
                && lowercaseDigest($0.ballot.paper) } ?? false
            #expect((parsed != nil) == sound, "\(String(decoding: bytes, as: UTF8.self))")
            guard let parsed, let decoded else { continue }
            accepted += 1
            #expect(parsed.isElectronic == (decoded.method == "electronic"))
            if let sealed = decoded.sealedContent {
                var content: [UInt8] = []
                bytes.withUnsafeBytes { parsed.sealedContent(of: $0, into: &content) }
                #expect(Data(content) == (try sealed.canonicalBytes()))
            }
        }
        #expect(accepted >= 2 && accepted < samples.count)
    }
}
