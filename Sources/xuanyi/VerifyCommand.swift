import ArgumentParser
import Community
import Elections
import Foundation

/// `xuanyi verify RECORD [--receipt FILE]… [--json] [--lang zh|en]`: verifies a public election
/// record (a directory or its `.zip`) without the database; `xuanyi verify --audit` checks the
/// hash-chained audit log of a database.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a public election record (directory or .zip), or with --audit a database's audit log.",
        discussion: """
            Exit status: 0 every check passed, the result is final and the election key matches --anchor; \
            1 a check failed (or the key is not the anchor); 2 every check passed but the result is not final \
            (not enough countersignatures); 3 every check passed and the result is final, but no --anchor was given, \
            so nothing ties the record to the published election; 4 every check passed and the record carries a valid \
            annulment (annulment.json, signed by the election key): the result is void. The record format is specified in ballots/README.md.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Argument(help: "The election record: a directory or a .zip made by `xuanyi export-record`.")
    var record: String?

    @Option(name: .long, help: "A ballot receipt (receipt.json or its xyr1. text) to check for inclusion; repeat for several.")
    var receipt: [String] = []

    @Option(name: .long, help: "The election key as published on 选举公告 第1号: its fingerprint (SHA-256 of the raw key, hex; at least 16 characters) or a PEM key file.")
    var anchor: [String] = []

    @Flag(name: .long, help: "Verify the hash-chained audit log of the database instead.")
    var audit = false

    @Option(name: .long, help: "With --audit: a saved copy of the published audit heads (/api/v1/audit/heads or `xuanyi audit heads --json`) to check the log against, besides the heads the database holds.")
    var heads: [String] = []

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Option(name: .long, help: "Language of the report: zh or en.")
    var lang: String = "zh"

    func validate() throws {
        guard audit != (record != nil) else { throw ValidationError("give a record to verify, or --audit") }
        guard audit || heads.isEmpty else { throw ValidationError("--heads goes with --audit") }
        guard lang == "zh" || lang == "en" else { throw ValidationError("--lang is zh or en") }
    }

    func run() async throws {
        if audit { return try verifyAudit() }
        let path = URL(fileURLWithPath: record!)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else { throw CommandError("no record at \(path.path)") }
        var directory = path
        var scratch: URL?
        if !isDirectory.boolValue {
            do { (directory, scratch) = try RecordArchive.unzip(path) } catch { throw CommandError("\(path.path): not a directory or a readable .zip (\(error))") }
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let receipts = try receipt.map { file -> (name: String, data: Data) in
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read receipt \(file)") }
            return (file, data)
        }
        let anchors = try anchor.map { value -> String in
            if FileManager.default.fileExists(atPath: value) {
                guard let data = FileManager.default.contents(atPath: value) else { throw CommandError("cannot read anchor key file \(value)") }
                return String(decoding: data, as: UTF8.self)
            }
            return value
        }
        var report = RecordVerifier(directory: directory, receipts: receipts, anchors: anchors).verify()
        report.record = path.path
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(JSONForm(report: report)))
            say("")
        } else {
            FileHandle.standardOutput.write(Data(report.text(language: lang).utf8))
        }
        let code = report.verdict.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    struct JSONForm: Encodable {
        let report: VerificationReport
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(report.record, forKey: .record)
            try container.encode(report.format, forKey: .format)
            try container.encode(report.ballots, forKey: .ballots)
            try container.encode(report.final, forKey: .final)
            try container.encode(report.rehearsal, forKey: .rehearsal)
            try container.encode(report.checks, forKey: .checks)
            try container.encodeIfPresent(report.anchored, forKey: .anchored)
            try container.encodeIfPresent(report.electionKeyFingerprint, forKey: .electionKeyFingerprint)
            try container.encode(report.passed ? "pass" : "fail", forKey: .checksVerdict)
            try container.encode(report.verdict.rawValue, forKey: .verdict)
        }
        enum Key: String, CodingKey { case record, format, ballots, final, rehearsal, checks, anchored, electionKeyFingerprint, checksVerdict, verdict }
    }

    func verifyAudit() throws {
        let outside = try heads.flatMap { file -> [PublishedAuditHead] in
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read heads file \(file)") }
            return try AuditHeadsDocument.read(data, file: file).heads.map(\.published)
        }
        let result = try options.openExisting().verifyAudit(outsideHeads: outside)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("审计日志 Audit log: \(result.entries) entries, head \(result.head); checked against \(result.headsChecked) published head(s)")
            for problem in result.problems { print("  ✗ \(problem)") }
            for step in result.clockSteps { print("  ! \(step)") }
            print(result.isIntact ? "通过 PASS: the audit chain is intact." : "未通过 FAIL: \(result.problems.count) problem(s) in the audit chain.")
        }
        if !result.isIntact { throw ExitCode(1) }
    }
}
