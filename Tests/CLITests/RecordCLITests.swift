import Foundation
import Testing

@Suite("xuanyi export-record and xuanyi verify on the command line", .serialized)
struct RecordCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ballots/examples")

    /// The election key's fingerprint as 选举公告 第1号 prints it, computed with plain openssl
    /// (the raw key is the last 32 bytes of the SPKI DER).
    static func fingerprint(_ record: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl pkey -pubin -in '\(record)/keys/election.pub.pem' -outform DER | tail -c 32 | sha256sum | cut -c1-64"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("verify passes an anchored example record and its receipt (exit 0), says what to compare without an anchor (exit 3), and fails a changed copy or a wrong anchor naming the file (exit 1)")
    func verify() throws {
        let record = Self.examples.appendingPathComponent("electronic").path
        // Receipts are named by their receipt code (a ballot receipt names no line): take the first.
        let receipts = try FileManager.default.contentsOfDirectory(atPath: Self.examples.appendingPathComponent("electronic-receipts").path).sorted()
        let receipt = Self.examples.appendingPathComponent("electronic-receipts/\(try #require(receipts.first))").path
        #expect(receipts.count == 32 && receipts.allSatisfy { $0.hasPrefix("receipt-") && $0.count == "receipt-".count + 16 + ".json".count })
        let anchor = try Self.fingerprint(record)
        #expect(anchor.count == 64)
        let passed = try CLI.xuanyi(["verify", record, "--receipt", receipt, "--anchor", anchor, "--lang", "en"])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.split(separator: "\n").last?.hasPrefix("VERDICT: PASS") == true)
        #expect(passed.stdout.contains("receipt \(receipt): ballot is line") && passed.stdout.contains("receipt code \(receipts[0].dropFirst(8).prefix(16))"))
        let keyFile = try CLI.xuanyi(["verify", record, "--anchor", record + "/keys/election.pub.pem", "--lang", "en"])
        #expect(keyFile.status == 0)
        let unanchored = try CLI.xuanyi(["verify", Self.examples.appendingPathComponent("household.zip").path])
        #expect(unanchored.status == 3 && unanchored.stdout.split(separator: "\n").last?.hasPrefix("结论：记录自身一致，但尚未与公告核对") == true)
        #expect(!unanchored.stdout.contains("结论：通过"))
        let wrong = try CLI.xuanyi(["verify", record, "--anchor", String(repeating: "ab", count: 32), "--lang", "en"])
        #expect(wrong.status == 1 && wrong.stdout.contains("is not the anchor given"))

        let workspace = try Workspace()
        defer { workspace.remove() }
        let copy = workspace.url.appendingPathComponent("changed")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: record), to: copy)
        let result = copy.appendingPathComponent("result.json")
        try String(contentsOf: result, encoding: .utf8).replacingOccurrences(of: "\"round\":2", with: "\"round\":1").write(to: result, atomically: true, encoding: .utf8)
        let failed = try CLI.xuanyi(["verify", copy.path, "--lang", "en", "--json"])
        #expect(failed.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any]
        #expect(report?["verdict"] as? String == "invalid" && report?["checksVerdict"] as? String == "fail")
        #expect(report?["rehearsal"] as? Bool == false)
        let failures = (report?["checks"] as? [[String: Any]] ?? []).filter { $0["ok"] as? Bool == false }
        #expect(failures.contains { $0["file"] as? String == "result.json" })
    }

    @Test("a generated record with signed receipts (record-examples --generated --receipts): verify finds each receipt's ballot by its receipt code; a receipt naming a line (format 1) is refused")
    func generatedReceipts() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let out = workspace.path("generated")
        let made = try CLI.xuanyi(["record-examples", "--generated", "400", "--receipts", "3", "--out", out])
        #expect(made.status == 0, "\(made.stderr)")
        let receipts = try FileManager.default.contentsOfDirectory(atPath: out + "-receipts").sorted().map { out + "-receipts/" + $0 }
        #expect(receipts.count == 3)
        let anchor = try Self.fingerprint(out)
        let passed = try CLI.xuanyi(["verify", out, "--anchor", anchor, "--lang", "en"] + receipts.flatMap { ["--receipt", $0] })
        #expect(passed.status == 0, "\(passed.stdout)")
        for receipt in receipts { #expect(passed.stdout.contains("✓ receipt \(receipt): ballot is line")) }
        let zh = try CLI.xuanyi(["verify", out, "--anchor", anchor, "--receipt", receipts[0]])
        #expect(zh.status == 0 && zh.stdout.contains("在日志第") && zh.stdout.contains("回执码"))
        // The same receipt with a seq added is not a receipt of this format (its signature breaks too).
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: receipts[0]))) as! [String: Any]
        var statement = json["statement"] as! [String: Any]
        statement["seq"] = 1
        json["statement"] = statement
        let old = workspace.path("old.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: old))
        let refused = try CLI.xuanyi(["verify", out, "--anchor", anchor, "--receipt", old, "--lang", "en"])
        #expect(refused.status == 1 && refused.stdout.contains("✗ receipt \(old)"), "\(refused.stdout)")
    }

    @Test("export-record writes a directory and a .zip that verify; an uncertified election is refused with the reason")
    func export() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("demo.sqlite")
        let demo = try CLI.xuanyi(["demo", "--database", database, "--households", "250", "--no-serve"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let out = workspace.path("record")
        let exported = try CLI.xuanyi(["export-record", "--database", database, "--election", "2", "--out", out])
        #expect(exported.status == 0, "\(exported.stderr)")
        let verified = try CLI.xuanyi(["verify", out + ".zip", "--anchor", try Self.fingerprint(out)])
        #expect(verified.status == 0 && verified.stdout.contains("结论：通过"), "\(verified.stdout)")
        let refused = try CLI.xuanyi(["export-record", "--database", database, "--election", "1", "--out", workspace.path("open")])
        #expect(refused.status != 0 && refused.stderr.contains("certify the result before exporting the record"))
        let statistics = try CLI.xuanyi(["election", "statistics", "--database", database, "--election", "2", "--csv"])
        #expect(statistics.status == 0 && statistics.stdout.contains("\"当选成员\",\"合计\",\"5\""))
    }
}
