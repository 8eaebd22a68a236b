import Foundation
import Testing
@testable import Elections

/// A record folder from anyone is read without following links and without bound-less reads
/// (found by the directory fuzz target, `Fuzz/Sources/FuzzRecordDirectory`: a ballot log
/// linked to `/dev/zero` made `xuanyi verify` read until it ran out of memory).
@Suite("hostile record folders: links, devices and endless lines are refused, not read")
struct HostileRecordFolderTests {
    func failures(_ directory: URL) -> [String] {
        RecordVerifier(directory: directory).verify().failures.map { "\($0.file ?? ""): \($0.en)" }
    }

    @Test("a ballot log linked to /dev/zero is refused at once, and the link is named")
    func ballotLogLinkedToDevZero() throws {
        let fixture = try RecordFixture(.household)
        let record = try fixture.copy()
        defer { withExtendedLifetime(fixture) {} }
        let log = record.appendingPathComponent(ElectionRecordFormat.ballotsFile)
        try FileManager.default.removeItem(at: log)
        try FileManager.default.createSymbolicLink(atPath: log.path, withDestinationPath: "/dev/zero")
        let found = failures(record)
        #expect(found.contains { $0.hasPrefix("ballots.jsonl") && $0.contains("symbolic link") })
        #expect(found.contains { $0.contains("ballot log ballots.jsonl is missing") })
    }

    @Test("a file reached through a linked folder is not read, even when the link points at the genuine files")
    func linkedFolder() throws {
        let fixture = try RecordFixture(.household)
        let record = try fixture.copy()
        defer { withExtendedLifetime(fixture) {} }
        let keys = record.appendingPathComponent("keys")
        let elsewhere = record.deletingLastPathComponent().appendingPathComponent("keys-elsewhere-\(UUID().uuidString)")
        try FileManager.default.moveItem(at: keys, to: elsewhere)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try FileManager.default.createSymbolicLink(at: keys, withDestinationURL: elsewhere)
        let found = failures(record)
        #expect(found.contains { $0.hasPrefix("keys") && $0.contains("symbolic link") })
        #expect(found.contains { $0.contains("keys/election.pub.pem") })
        // The same files as a real folder verify (the fixture is genuine).
        try FileManager.default.removeItem(at: keys)
        try FileManager.default.moveItem(at: elsewhere, to: keys)
        #expect(failures(record).isEmpty)
    }

    @Test("a ballot-log line without end is refused once it passes the line bound, naming the line")
    func endlessLine() throws {
        let fixture = try RecordFixture(.household)
        let record = try fixture.copy()
        defer { withExtendedLifetime(fixture) {} }
        let log = record.appendingPathComponent(ElectionRecordFormat.ballotsFile)
        var data = try Data(contentsOf: log)
        data.append(Data(repeating: UInt8(ascii: "a"), count: RecordFiles.maxLineBytes + 1))
        try data.write(to: log)
        let lines = try String(decoding: Data(contentsOf: log), as: UTF8.self).split(separator: "\n").count
        #expect(failures(record).contains { $0.hasPrefix("ballots.jsonl") && $0.contains("line \(lines) is longer than") })
    }

    @Test("the verifier reads only regular files through real folders")
    func regularFileRule() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("record-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("keys"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("abc".utf8).write(to: root.appendingPathComponent("keys/a.pem"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("b").path, withDestinationPath: "keys/a.pem")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("zero").path, withDestinationPath: "/dev/zero")
        #expect(RecordFiles.regularFileSize("keys/a.pem", in: root) == 3)
        #expect(RecordFiles.regularFileSize("b", in: root) == nil)
        #expect(RecordFiles.regularFileSize("zero", in: root) == nil)
        #expect(RecordFiles.regularFileSize("keys", in: root) == nil)
        #expect(RecordFiles.regularFileSize("keys/../keys/a.pem", in: root) == nil)
        #expect(RecordFiles.regularFileSize("missing", in: root) == nil)
    }
}
