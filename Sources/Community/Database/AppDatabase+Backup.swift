import Foundation
import GRDB
import Notary

/// What a backup wrote: the file, its size and SHA-256, and the audit chain it holds.
public struct BackupSummary: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    public let sha256: String
    public let auditEntries: Int
    public let auditHead: String
    /// Private key files copied beside the backup (`<backup>.keys/`).
    public let keyFiles: Int
}

extension AppDatabase {
    /// Makes a consistent online backup with SQLite's backup API while the server keeps
    /// running (readers and the writer are not blocked for longer than each copied page).
    ///
    /// The copy is written to a temporary file beside `path`, checked (`PRAGMA
    /// integrity_check` and the audit chain), then renamed into place, so a crash never
    /// leaves a half-written backup under the final name. An existing file is refused. When
    /// `keyStore` is given, its private key files are copied to `<path>.keys/` (mode 0700,
    /// files 0600): a restore needs them to sign receipts and export records.
    public func backup(to path: String, keyStore: KeyStore? = nil) throws -> BackupSummary {
        let target = URL(fileURLWithPath: path)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw CommunityError.invalid(field: "out", reason: "\(path) already exists; choose a new file name")
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try writer.backup(to: copy)
            // One self-contained file: no WAL beside it.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
        }
        let checked = try Self.check(path: temporary.path)
        try FileManager.default.moveItem(at: temporary, to: target)
        var keyFiles = 0
        if let keyStore, FileManager.default.fileExists(atPath: keyStore.directory.path) {
            keyFiles = try Self.copyKeyFiles(from: keyStore.directory, to: URL(fileURLWithPath: path + ".keys"), replacing: true)
        }
        let data = try Data(contentsOf: target, options: .alwaysMapped)
        return BackupSummary(path: path, bytes: data.count, sha256: SHA256.hash(data).hex, auditEntries: checked.entries, auditHead: checked.head, keyFiles: keyFiles)
    }

    /// Checks a database file without changing it: SQLite's integrity check and the audit
    /// chain. Throws naming the problem.
    public static func check(path: String) throws -> AuditVerification {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        guard integrity == ["ok"] else {
            throw CommunityError.notAllowed("\(path) is damaged: \(integrity.prefix(3).joined(separator: "; "))")
        }
        let verification = try AppDatabase.verifyAudit(reader: queue)
        guard verification.isIntact else {
            throw CommunityError.notAllowed("the audit chain in \(path) is broken: \(verification.problems.prefix(3).map(\.description).joined(separator: "; "))")
        }
        return verification
    }

    /// Puts a backup in place of the database at `databasePath` (and its keys beside it), after
    /// checking the backup. The server must be stopped. An existing database is replaced only
    /// with `replace`; it is kept as `<database>.before-restore-<time>` (with its WAL files)
    /// so nothing is lost by a mistaken restore.
    public static func restore(backup path: String, to databasePath: String, replace: Bool) throws -> AuditVerification {
        let verification = try check(path: path)
        let target = URL(fileURLWithPath: databasePath)
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if fileManager.fileExists(atPath: target.path) {
            guard replace else {
                throw CommunityError.invalid(field: "database", reason: "\(databasePath) exists; stop the server and pass --replace to put the backup in its place (the old file is kept)")
            }
            let stamp = Timestamp.string(from: Date()).replacingOccurrences(of: ":", with: "")
            for suffix in ["", "-wal", "-shm"] where fileManager.fileExists(atPath: target.path + suffix) {
                try fileManager.moveItem(atPath: target.path + suffix, toPath: target.path + ".before-restore-\(stamp)" + suffix)
            }
        }
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).restoring-\(UUID().uuidString)")
        try fileManager.copyItem(atPath: path, toPath: temporary.path)
        try fileManager.moveItem(at: temporary, to: target)
        let keys = URL(fileURLWithPath: path + ".keys")
        if fileManager.fileExists(atPath: keys.path) {
            _ = try copyKeyFiles(from: keys, to: KeyStore.beside(databasePath: databasePath).directory, replacing: false)
        }
        return verification
    }

    /// Copies `*.key.pem` files into `target` (created 0700; files 0600). Existing files are
    /// replaced or, when `replacing` is false, kept. Returns how many were copied.
    static func copyKeyFiles(from source: URL, to target: URL, replacing: Bool) throws -> Int {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var copied = 0
        for file in try fileManager.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".key.pem") {
            let destination = target.appendingPathComponent(file)
            if fileManager.fileExists(atPath: destination.path) {
                guard replacing else { continue }
                try fileManager.removeItem(at: destination)
            }
            try fileManager.copyItem(at: source.appendingPathComponent(file), to: destination)
            try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination.path)
            copied += 1
        }
        return copied
    }
}
