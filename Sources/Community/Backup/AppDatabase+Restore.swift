import Foundation
import GRDB
import Notary

/// What a restore did and found.
public struct RestoreReport: Sendable, Equatable {
    /// The restored audit chain (intact).
    public let audit: AuditVerification
    /// What was verified, one line each (the digest, the keys, every election's ballot log and record …).
    public let checked: [String]
    /// Key files written into the database's key store.
    public let keyFiles: Int
    /// Where the replaced database was kept, if there was one.
    public let keptAs: String?
    /// What the restored database lacks compared with the one it replaced (per election …), or
    /// why that cannot be known.
    public let forgotten: [String]
}

/// The audit entry a restore appends to the restored database.
struct RestoreDetails: Encodable {
    var backup: String
    var sha256: String
    var backupTakenAt: String
    var backupAuditHead: String
    var replaced: String?
    var forgotten: [String]
}

extension AppDatabase {
    /// Puts a backup in place of the database at `database` (and its keys into the key store
    /// beside it), after checking everything first; throws a `RestoreFailure` naming the file,
    /// the part and the problem, having created, moved and changed nothing.
    ///
    /// In order: the lock (no server may hold the database), the target (an existing database
    /// only with `replace`; a leftover `-wal`, `-shm` or `-journal` without its database is
    /// refused), the manifest, the sealed key files (digest, passphrase, key id, the public key
    /// registered in the backup), a copy of the backup beside the target whose bytes must have
    /// the manifest's SHA-256, SQLite's integrity check, the migrations, the audit chain, and
    /// each `RestoreModule`'s checks (ballot logs, certified records). Then the copy ends every
    /// session, records the restore in its audit log, is fsynced, and only then takes the
    /// target's name (the replaced database and its WAL files kept as
    /// `<database>.before-restore-<time>`); the folder is fsynced.
    public static func restore(backup: String, to database: String, replace: Bool, keyPassphrase: String?,
                               modules: [any SchemaModule.Type], now: Date = AppClock.now()) throws -> RestoreReport {
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: database)
        let folder = target.deletingLastPathComponent()
        guard fileManager.fileExists(atPath: backup) else {
            throw RestoreFailure(file: backup, part: "backup", problem: "no such file")
        }
        // 1. Nobody else may have the database, and nothing may be mixed into it. A server
        //    holds the lock for its lifetime; the lock file is only created when the database
        //    exists (a failed restore into a new place leaves nothing behind).
        let exists = fileManager.fileExists(atPath: database)
        let lock: DatabaseLock?
        do {
            lock = try DatabaseLock.acquire(database: database, purpose: "xuanyi restore", createFile: exists)
        } catch let error as CommunityError {
            throw RestoreFailure(file: database, part: "lock", problem: error.description)
        }
        defer { lock?.release() }
        if exists && !replace {
            throw RestoreFailure(file: database, part: "database", problem: "exists; stop the server and pass --replace to put the backup in its place (the old file is kept)")
        }
        if !exists {
            for suffix in ["-wal", "-shm", "-journal"] where fileManager.fileExists(atPath: database + suffix) {
                throw RestoreFailure(file: database + suffix, part: "leftover \(suffix.dropFirst()) file",
                                     problem: "left behind by a database that is no longer there; SQLite would mix it into the restored file. Move it out of the way (it may hold the lost database's last transactions)")
            }
        }
        // 2. The manifest and the keys.
        let manifest = try BackupManifest.read(forBackup: backup)
        let keyStore = KeyStore.beside(databasePath: database)
        var keys = try openBackupKeys(manifest, backup: backup, passphrase: keyPassphrase)
        try checkKeyStore(keyStore, against: keys, passphrase: keyPassphrase)
        for file in try keyFiles(in: keyStore.directory) {
            let keyID = String(file.dropLast(".key.pem".count))
            if keys[keyID] == nil, let key = try? keyStore.load(keyID: keyID, passphrase: keyPassphrase) { keys[keyID] = (key, nil) }
        }
        // 3. The copy, beside the target, whose bytes must be the ones the manifest describes.
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).restoring-\(UUID().uuidString)").path
        let createdFolder = !fileManager.fileExists(atPath: folder.path)
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        var placed = false
        defer {
            if !placed {
                for suffix in ["", "-journal", "-wal", "-shm"] { try? fileManager.removeItem(atPath: temporary + suffix) }
                if createdFolder, (try? fileManager.contentsOfDirectory(atPath: folder.path))?.isEmpty == true { try? fileManager.removeItem(at: folder) }
            }
        }
        let copied = try DurableFiles.copy(backup, to: temporary)
        guard copied.bytes == manifest.bytes, copied.sha256.hex == manifest.sha256 else {
            throw RestoreFailure(file: backup, part: "SHA-256",
                                 problem: "the file (\(copied.bytes) bytes, \(copied.sha256.hex.prefix(16))…) is not the one the manifest describes (\(manifest.bytes) bytes, \(manifest.sha256.prefix(16))…): it changed after the backup")
        }
        var checked = ["\(backup): \(copied.bytes) bytes, SHA-256 \(copied.sha256.hex.prefix(16))… as in the manifest"]
        if !manifest.keys.isEmpty {
            checked.append("\(BackupManifest.keysDirectory(forBackup: backup)): \(manifest.keys.count) sealed key(s) open with the passphrase and match the keys registered in the backup")
        }
        // 4. Inside the copy.
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: temporary, configuration: configuration())
        } catch {
            throw RestoreFailure(file: backup, part: "SQLite", problem: sqliteReason(error))
        }
        var open = true
        defer { if open { try? queue.close() } }
        let integrity: [String]
        do {
            integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        } catch {
            throw RestoreFailure(file: backup, part: "SQLite integrity", problem: sqliteReason(error))
        }
        guard integrity == ["ok"] else {
            throw RestoreFailure(file: backup, part: "SQLite integrity", problem: integrity.prefix(3).joined(separator: "; "))
        }
        let copy: AppDatabase
        do {
            copy = try AppDatabase(queue, modules: modules)
        } catch {
            throw RestoreFailure(file: backup, part: "schema", problem: "cannot be brought up to date: \(sqliteReason(error))")
        }
        let audit: AuditVerification
        do {
            audit = try AppDatabase.verifyAudit(reader: queue)
        } catch {
            throw RestoreFailure(file: backup, part: "audit chain (auditEntry)", problem: "unreadable: \(sqliteReason(error))")
        }
        guard audit.isIntact else {
            throw RestoreFailure(file: backup, part: "audit chain (auditEntry)", problem: audit.problems.prefix(3).map(\.description).joined(separator: "; "))
        }
        guard audit.entries == manifest.auditEntries, audit.head == manifest.auditHead else {
            throw RestoreFailure(file: backup, part: "audit chain (auditEntry)",
                                 problem: "\(audit.entries) entries, head \(audit.head.prefix(16))…, but the manifest says \(manifest.auditEntries), \(manifest.auditHead.prefix(16))…")
        }
        checked.append("audit chain: \(audit.entries) entries intact, head \(audit.head.prefix(16))… as in the manifest")
        try checkRegisteredKeys(keys.filter { $0.value.file != nil }, in: queue, backup: backup)
        let restoreModules = modules.compactMap { $0 as? any RestoreModule.Type }
        let privateKeys = keys.mapValues(\.key)
        for module in restoreModules {
            checked += try module.checkRestored(copy, file: backup, keys: privateKeys)
        }
        // 5. What the restore forgets, from the database it replaces (when it can be read).
        var replaced: AppDatabase?
        var forgotten: [String] = []
        if exists {
            var readonly = configuration()
            readonly.readonly = true
            do {
                replaced = AppDatabase(unmigrated: try DatabaseQueue(path: database, configuration: readonly))
            } catch {
                forgotten.append("\(database) cannot be read (\(sqliteReason(error))): what it held after the backup cannot be listed; compare voters' receipts with the restored ballot logs")
            }
        }
        for module in restoreModules {
            forgotten += try module.forgotten(copy: copy, replaced: replaced)
        }
        try replaced?.writer.close()
        replaced = nil
        // 6. The copy's own changes: no session or form from before the restore stays valid.
        do {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM session")
                for module in restoreModules { try module.prepareRestored(db, forgotten: forgotten) }
                try AuditLog.append(db, actor: .commandLine, action: "database.restore", subject: "database",
                                    details: RestoreDetails(backup: URL(fileURLWithPath: backup).lastPathComponent, sha256: manifest.sha256,
                                                            backupTakenAt: manifest.createdAt, backupAuditHead: manifest.auditHead,
                                                            replaced: exists ? target.lastPathComponent : nil, forgotten: forgotten), now: now)
            }
            try queue.close()
            open = false
        } catch {
            throw RestoreFailure(file: temporary, part: "restored copy", problem: "cannot be written: \(sqliteReason(error))")
        }
        try DurableFiles.sync(file: temporary)
        // 7. In place: the keys, then the old database aside, then the new one under its name.
        let written = try writeKeys(keys, manifest: manifest, into: keyStore, passphrase: keyPassphrase)
        var keptAs: String?
        if exists {
            let stamp = Timestamp.string(from: now).replacingOccurrences(of: ":", with: "")
            let kept = database + ".before-restore-\(stamp)"
            for suffix in ["", "-wal", "-shm", "-journal"] where fileManager.fileExists(atPath: database + suffix) {
                try DurableFiles.rename(database + suffix, to: kept + suffix)
            }
            keptAs = kept
        }
        if exists {
            try DurableFiles.rename(temporary, to: database)
        } else {
            // Never over a file that appeared meanwhile: link fails if the name is taken.
            guard link(temporary, database) == 0 else {
                throw RestoreFailure(file: database, part: "database", problem: "cannot be created: \(String(cString: strerror(errno)))")
            }
            unlink(temporary)
            try DurableFiles.sync(directory: folder.path)
        }
        placed = true
        return RestoreReport(audit: audit, checked: checked, keyFiles: written, keptAs: keptAs, forgotten: forgotten)
    }

    /// SQLite's or a decoder's error in a few words.
    static func sqliteReason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.message ?? "error") (SQLite code \(error.resultCode.rawValue))"
        }
        if error is DecodingError { return "a stored value cannot be read (\(BackupManifest.reason(error)))" }
        return "\(error)"
    }

    /// Opens every sealed key of the backup: its file present with the manifest's digest, the
    /// passphrase opens it, and it holds the key its name says.
    private static func openBackupKeys(_ manifest: BackupManifest, backup: String, passphrase: String?) throws -> [String: (key: Ed25519PrivateKey, file: Data?)] {
        var keys: [String: (key: Ed25519PrivateKey, file: Data?)] = [:]
        guard !manifest.keys.isEmpty else { return keys }
        let directory = BackupManifest.keysDirectory(forBackup: backup)
        guard let passphrase else {
            throw RestoreFailure(file: directory, part: "sealed keys", problem: "\(manifest.keys.count) key(s) are sealed under the backup's passphrase: give it with --key-passphrase-file")
        }
        for entry in manifest.keys {
            let path = directory + "/" + entry.file
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw RestoreFailure(file: path, part: "key file", problem: "missing (the manifest lists it)")
            }
            guard SHA256.hash(bytes).hex == entry.sha256 else {
                throw RestoreFailure(file: path, part: "key file", problem: "SHA-256 is not the manifest's: the file changed after the backup")
            }
            let key: Ed25519PrivateKey
            do {
                key = try Ed25519PrivateKey(pem: String(decoding: bytes, as: UTF8.self), passphrase: passphrase)
            } catch NotaryError.wrongPassphrase {
                throw RestoreFailure(file: path, part: "key file", problem: "does not open with the passphrase given")
            } catch {
                throw RestoreFailure(file: path, part: "key file", problem: "not a readable private key")
            }
            guard key.keyID == entry.keyID else {
                throw RestoreFailure(file: path, part: "key file", problem: "holds key \(key.keyID), not \(entry.keyID)")
            }
            keys[key.keyID] = (key, bytes)
        }
        return keys
    }

    /// Keys already in the target's key store must be the same keys as the backup's.
    private static func checkKeyStore(_ store: KeyStore, against keys: [String: (key: Ed25519PrivateKey, file: Data?)], passphrase: String?) throws {
        for (keyID, entry) in keys where FileManager.default.fileExists(atPath: store.privateKeyURL(keyID: keyID).path) {
            let path = store.privateKeyURL(keyID: keyID).path
            guard let existing = try? store.load(keyID: keyID, passphrase: passphrase) else {
                throw RestoreFailure(file: path, part: "key store", problem: "a key file of that name exists and cannot be read with the passphrase given")
            }
            guard existing.publicKey == entry.key.publicKey else {
                throw RestoreFailure(file: path, part: "key store", problem: "holds a different key than the backup's \(keyID)")
            }
        }
    }

    /// Every sealed key must be the private half of a public key registered in the backup.
    private static func checkRegisteredKeys(_ keys: [String: (key: Ed25519PrivateKey, file: Data?)], in queue: DatabaseQueue, backup: String) throws {
        for (keyID, entry) in keys.sorted(by: { $0.key < $1.key }) {
            let pem = try queue.read { db in try String.fetchOne(db, sql: "SELECT publicKeyPEM FROM signingKey WHERE keyID = ?", arguments: [keyID]) }
            guard let pem else {
                throw RestoreFailure(file: BackupManifest.keysDirectory(forBackup: backup) + "/\(keyID).key.pem", part: "signingKey",
                                     problem: "no public key \(keyID) is registered in the backup")
            }
            guard (try? Ed25519PublicKey(pem: pem)) == entry.key.publicKey else {
                throw RestoreFailure(file: backup, part: "signingKey", problem: "the public key registered as \(keyID) is not the sealed key's")
            }
        }
    }

    /// Writes the backup's keys into the store (folder 0700, files 0600, fsynced): sealed under
    /// the passphrase when the store had them so, else in clear as the store had them. Keys
    /// already there (the same, checked before) are left alone.
    private static func writeKeys(_ keys: [String: (key: Ed25519PrivateKey, file: Data?)], manifest: BackupManifest, into store: KeyStore,
                                  passphrase: String?) throws -> Int {
        guard !manifest.keys.isEmpty else { return 0 }
        try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var written = 0
        for entry in manifest.keys {
            let path = store.privateKeyURL(keyID: entry.keyID).path
            guard !FileManager.default.fileExists(atPath: path), let key = keys[entry.keyID]?.key else { continue }
            let pem = try key.pemRepresentation(passphrase: entry.sealedInStore ? passphrase : nil)
            try DurableFiles.writeNew(Data(pem.utf8), to: path)
            written += 1
        }
        try DurableFiles.sync(directory: store.directory.path)
        return written
    }
}

extension AppDatabase {
    /// Wraps a database without migrating it (to read one that is about to be replaced).
    init(unmigrated writer: any DatabaseWriter) {
        self.writer = writer
        self.passwordHasher = .standard
    }
}
