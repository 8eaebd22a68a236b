import Foundation
import ZIPFoundation

/// The record as one `.zip` file (the same files as the directory, under one folder named
/// after it), for download and filing.
public enum RecordArchive {
    /// Zips `directory` into `archive` (replacing it).
    public static func zip(_ directory: URL, to archive: URL) throws {
        try? FileManager.default.removeItem(at: archive)
        try FileManager.default.zipItem(at: directory, to: archive, shouldKeepParent: true, compressionMethod: .deflate)
    }

    /// Unzips a record into a fresh temporary directory and returns the record's folder in it
    /// (the one folder holding `manifest.json`). The caller removes `scratch` when done.
    public static func unzip(_ archive: URL) throws -> (record: URL, scratch: URL) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try FileManager.default.unzipItem(at: archive, to: scratch)
        if FileManager.default.fileExists(atPath: scratch.appendingPathComponent(ElectionRecordFormat.manifestFile).path) { return (scratch, scratch) }
        let folders = try FileManager.default.contentsOfDirectory(at: scratch, includingPropertiesForKeys: nil)
        let record = folders.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(ElectionRecordFormat.manifestFile).path) }
        return (record ?? scratch, scratch)
    }
}
