import Community
import Foundation
import Notary
import Testing
@testable import Elections

/// Annulments forged as an attacker would — an outsider with their own key, someone editing the
/// posted decision, a decision carried over from another election, a genuine notice of another
/// kind passed off as one, and the election-key holder pointing it at another result — each
/// refused by `xuanyi verify` and by `ballots/check.sh`. The genuine annulled record verifies
/// first (exit 4 in both), so each failure is the forgery's.
@Suite("forged annulments are refused by xuanyi verify and check.sh")
struct AnnulmentForgeryTests {
    /// An annulled record, exported beside the fixture's genuine one.
    static func annulledRecord(_ f: RecordFixture) throws -> URL {
        try AnnulmentTests.annul(f)
        let out = f.scratch.appendingPathComponent("annulled-\(UUID().uuidString)")
        _ = try f.database.exportRecord(electionID: f.id, to: out, signingKey: try f.keyStore.load(keyID: f.result.election.keyID))
        return out
    }

    func copy(_ record: URL, in f: RecordFixture) throws -> URL {
        let target = f.scratch.appendingPathComponent("forged-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: record, to: target)
        return target
    }

    /// Rewrites annulment.json's notice and, when `key` is given, signs it again with that key.
    func forge(_ record: URL, key: Ed25519PrivateKey?, _ change: (inout ElectionNotice) -> Void) throws {
        let url = record.appendingPathComponent(ElectionRecordFormat.annulmentFile)
        var notice = try JSONDecoder().decode(ElectionNotice.self, from: Data(contentsOf: url))
        change(&notice)
        let bytes = try CanonicalJSON.encode(notice)
        try bytes.write(to: url)
        if let key { try key.sign(bytes).write(to: record.appendingPathComponent(ElectionRecordFormat.annulmentSignatureFile)) }
    }

    @Test("each forged annulment fails in both checkers, naming annulment.json or its signature")
    func forgeries() throws {
        let f = try RecordFixture(.directRunoff)
        let anchor = try RecordForgeryTests().fingerprint(f.record)
        let genuine = try Self.annulledRecord(f)
        let plain = PlainToolsCheckTests()
        let verified = RecordVerifier(directory: genuine, anchors: [anchor]).verify()
        #expect(verified.verdict == .annulled, "\(verified.failures)")
        let checked = try plain.run(genuine, anchor: anchor)
        #expect(checked.status == 4 && checked.output.contains("VERDICT: ANNULLED") && checked.output.contains("安街发〔2026〕31号"), "\(checked.output)")

        let electionKey = try f.keyStore.load(keyID: f.result.election.keyID)
        let other = try RecordFixture(.household)
        let otherAnnulled = try Self.annulledRecord(other)
        let cases: [(String, (URL) throws -> Void, String)] = [
            ("signed by an outsider's own key", { record in
                try forge(record, key: try Ed25519PrivateKey.generate()) { $0.facts.annulment?.reason = "伪造的决定" }
            }, "annulment"),
            ("the reason edited after signing", { record in
                try forge(record, key: nil) { $0.facts.annulment?.reason = "改过的理由" }
            }, "annulment"),
            ("another election's genuine annulment carried over", { record in
                for file in [ElectionRecordFormat.annulmentFile, ElectionRecordFormat.annulmentSignatureFile] {
                    try FileManager.default.removeItem(at: record.appendingPathComponent(file))
                    try FileManager.default.copyItem(at: otherAnnulled.appendingPathComponent(file), to: record.appendingPathComponent(file))
                }
            }, "annulment"),
            ("the decision without its signature", { record in
                try FileManager.default.removeItem(at: record.appendingPathComponent(ElectionRecordFormat.annulmentSignatureFile))
            }, "annulment"),
            ("a genuine notice of another kind passed off as the annulment", { record in
                for (from, to) in [(ElectionRecordFormat.noticeFile(number: 1), ElectionRecordFormat.annulmentFile),
                                   (ElectionRecordFormat.noticeSignatureFile(number: 1), ElectionRecordFormat.annulmentSignatureFile)] {
                    try FileManager.default.removeItem(at: record.appendingPathComponent(to))
                    try FileManager.default.copyItem(at: record.appendingPathComponent(from), to: record.appendingPathComponent(to))
                }
            }, "annulment"),
            ("signed by the election key but naming another result statement", { record in
                try forge(record, key: electionKey) { $0.facts.statement = String(repeating: "0", count: 64) }
            }, "annulment"),
            ("signed by the election key with an earlier notice's number", { record in
                try forge(record, key: electionKey) { $0.number = 3 }
            }, "annulment"),
        ]
        for (name, make, file) in cases {
            let record = try copy(genuine, in: f)
            try make(record)
            let report = RecordVerifier(directory: record, anchors: [anchor]).verify()
            #expect(report.verdict == .invalid && report.failures.contains { ($0.file ?? "").hasPrefix(file) }, "\(name): \(report.failures)")
            let script = try plain.run(record, anchor: anchor)
            #expect(script.status == 1 && script.output.contains("FAIL  annulment"), "\(name): \(script.output)")
        }
    }

    @Test("a record certified without an annulment still passes both checkers as before (exit 0)")
    func olderRecordsUnchanged() throws {
        let f = try RecordFixture(.directRunoff)
        let anchor = try RecordForgeryTests().fingerprint(f.record)
        #expect(RecordVerifier(directory: f.record, anchors: [anchor]).verify().verdict == .valid)
        let checked = try PlainToolsCheckTests().run(f.record, anchor: anchor)
        #expect(checked.status == 0 && checked.output.hasSuffix("VERDICT: PASS\n"), "\(checked.output)")
    }
}
