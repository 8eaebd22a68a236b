import Community
import Foundation
import ZIPFoundation

/// The record as one `.zip` file (the same files as the directory, under one folder named
/// after it), for download and filing.
public enum RecordArchive {
    /// Most bytes a record may unzip to: far above a million-ballot record (~0.5 GB), far below
    /// what a zip bomb would write to an auditor's disk.
    public static let maxUnzippedBytes: Int64 = 4 << 30
    /// Most entries a record's zip may hold (a record has a few dozen files).
    public static let maxEntries = 10_000

    /// Zips `directory` into `archive` (replacing it).
    public static func zip(_ directory: URL, to archive: URL) throws {
        try? FileManager.default.removeItem(at: archive)
        try FileManager.default.zipItem(at: directory, to: archive, shouldKeepParent: true, compressionMethod: .deflate)
    }

    /// Unzips a record into a fresh temporary directory and returns the record's folder in it
    /// (the one folder holding `manifest.json`). The caller removes `scratch` when done.
    ///
    /// The archive may come from anyone, so `ZipReader` reads it without trusting what it
    /// declares: every structure inside the file, only stored or deflated files and folders (no
    /// symbolic links), every path inside the scratch folder, each file's size and CRC-32
    /// checked, at most `maxEntries` entries and `maxBytes` bytes written in all — counted while
    /// inflating. On any refusal nothing is left behind.
    public static func unzip(_ archiveURL: URL, maxBytes: Int64 = maxUnzippedBytes) throws -> (record: URL, scratch: URL) {
        let reader = try ZipReader(archiveURL, maxEntries: maxEntries)
        defer { reader.close() }
        try checkLayout(reader.entries.map { ($0.path, $0.isDirectory) })
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("xuanyi-record-\(UUID().uuidString)")
        try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        do {
            let root = scratch.standardizedFileURL.path + "/"
            var written: Int64 = 0
            for entry in reader.entries {
                let target = scratch.appendingPathComponent(entry.path).standardizedFileURL
                guard target.path.hasPrefix(root) else { throw refusal("entry \(entry.path) points outside the archive's folder") }
                if entry.isDirectory {
                    try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
                } else {
                    try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try reader.extract(entry, to: target, written: &written, budget: maxBytes)
                }
            }
        } catch {
            try? fileManager.removeItem(at: scratch)
            throw error
        }
        if fileManager.fileExists(atPath: scratch.appendingPathComponent(ElectionRecordFormat.manifestFile).path) { return (scratch, scratch) }
        let folders = try fileManager.contentsOfDirectory(at: scratch, includingPropertiesForKeys: nil)
        let record = folders.first { fileManager.fileExists(atPath: $0.appendingPathComponent(ElectionRecordFormat.manifestFile).path) }
        return (record ?? scratch, scratch)
    }

    /// One record per archive, each file once: every entry path plain (no `.`, `..` or empty
    /// component, no backslash, not absolute), no path twice (a second `result.json` could be
    /// read instead of the first), and either the record at the archive's root or everything
    /// under one folder — never files beside that folder or two record folders.
    static func checkLayout(_ entries: [(path: String, isDirectory: Bool)]) throws {
        var seen: Set<String> = []
        var tops: Set<String> = []
        var rootManifest = false
        for (raw, isDirectory) in entries {
            let path = isDirectory && raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\") else { throw refusal("entry \(raw) is not a plain relative path") }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.contains("..") else { throw refusal("entry \(raw) points outside the archive's folder (a .. component)") }
            guard parts.allSatisfy({ !$0.isEmpty && $0 != "." }) else { throw refusal("entry \(raw) has an empty or . component") }
            guard seen.insert(path).inserted else { throw refusal("entry \(path) appears twice") }
            tops.insert(String(parts[0]))
            if path == ElectionRecordFormat.manifestFile { rootManifest = true }
        }
        if !rootManifest && tops.count > 1 {
            throw refusal("the archive holds \(tops.count) entries at its root (\(tops.sorted().prefix(4).joined(separator: ", "))): a record is one folder")
        }
    }

    static func refusal(_ reason: String) -> CommunityError { .invalid(field: "record", reason: reason) }
}
