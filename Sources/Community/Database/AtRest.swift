import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Secrecy at rest (docs/decisions.md): what a person with read access to the files — the
/// database, its write-ahead log and shared memory, backups, key files — could learn.
///
/// - Files are the owner's only: a process that opens a Xuanyi database creates every file with
///   mode 0600 and directory with 0700 (umask 077), whatever umask it was started with; the
///   database file itself is made 0600 before SQLite opens it, and SQLite gives its `-wal` and
///   `-shm` files the database file's mode.
/// - `secure_delete`: deleted rows are overwritten with zeros, not left in free pages.
/// - Truncating checkpoints (`truncateLog`): the write-ahead log, which lists changes in the
///   order they were made, is copied into the database and cut to nothing.
/// - `scrubInsertionOrder`: tables whose physical cell order would list rows in the order they
///   were written (who voted, in cast order) are rewritten in key order.
public enum AtRest {
    /// Makes files created from now on by this process the owner's only.
    public static func restrictNewFiles() {
        umask(0o077)
    }

    /// Creates `path` empty with mode 0600 if it does not exist, and sets an existing file to
    /// 0600 (with its `-wal` and `-shm` files); a directory it creates is 0700.
    static func prepareDatabaseFile(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let fileManager = FileManager.default
        let directory = url.deletingLastPathComponent()
        if !fileManager.fileExists(atPath: directory.path) {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !fileManager.fileExists(atPath: path) {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
        for suffix in ["", "-wal", "-shm"] where fileManager.fileExists(atPath: path + suffix) {
            try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
    }
}

extension AppDatabase {
    /// Copies the write-ahead log into the database and truncates it to zero bytes, so the log
    /// no longer holds recent changes in the order they were made. Waits for readers briefly;
    /// a busy database is tried again at the next call.
    public func truncateLog() throws {
        guard writer is DatabasePool else { return }
        try writer.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Rewrites `tables` in key order inside one transaction, so that the order of their cells
    /// on disk (which SQLite lays out in the order rows were inserted, WITHOUT ROWID or not)
    /// says nothing about when each row was written. With `secure_delete` the old cells are
    /// zeroed. `tables` are the schema's own names (`SchemaModule.insertionOrderSensitiveTables`).
    public func scrubInsertionOrder(tables: [String]) throws {
        try writer.write { db in
            for table in tables {
                guard try db.tableExists(table) else { continue }
                let key = try db.primaryKey(table).columns.map { "\"\($0)\"" }.joined(separator: ", ")
                try db.execute(sql: "CREATE TEMP TABLE xuanyiScrub AS SELECT * FROM \"\(table)\"")
                try db.execute(sql: "DELETE FROM \"\(table)\"")
                try db.execute(sql: "INSERT INTO \"\(table)\" SELECT * FROM temp.xuanyiScrub ORDER BY \(key)")
                try db.execute(sql: "DROP TABLE temp.xuanyiScrub")
            }
        }
    }

    /// The periodic at-rest step of a running server (and of any command that wrote): every
    /// module's order-sensitive tables rewritten in key order, then the log truncated.
    public func protectAtRest(modules: [any SchemaModule.Type]) throws {
        try scrubInsertionOrder(tables: modules.flatMap { $0.insertionOrderSensitiveTables })
        try truncateLog()
    }
}

extension SchemaModule {
    /// Tables whose rows must not be ordered on disk by when they were written (none by default).
    public static var insertionOrderSensitiveTables: [String] { [] }
}
