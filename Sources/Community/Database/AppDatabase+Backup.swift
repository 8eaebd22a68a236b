import Foundation
import GRDB
import Notary

/// What a backup wrote: the file, its size and SHA-256, the audit chain it holds, its sealed
/// keys and its manifest.
public struct BackupSummary: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    public let sha256: String
    public let auditEntries: Int
    public let auditHead: String
    /// Private key files sealed beside the backup (`<backup>.keys/`).
    public let keyFiles: Int
    /// `<backup>.manifest.json`.
    public let manifest: String
}

extension AppDatabase {
    /// Makes a consistent online backup with SQLite's backup API while the server keeps
    /// running (readers and the writer are not blocked for longer than each copied page).
    ///
    /// The copy is written to a temporary file beside `path` (mode 0600), checked (`PRAGMA
    /// integrity_check` and the audit chain), fsynced, then renamed into place. When `keyStore`
    /// is given, its private keys are sealed under `keyPassphrase` (PKCS#8, AES-256, through
    /// OpenSSL) into `<path>.keys/` — never copied in clear; keys already passphrase-protected
    /// in the store must open with the same passphrase. Last, `<path>.manifest.json` records the
    /// file's SHA-256 and every key file's: a backup interrupted before its manifest is durable
    /// is refused by `restore`. Existing files are refused.
    public func backup(to path: String, keyStore: KeyStore? = nil, keyPassphrase: String? = nil, now: Date = AppClock.now()) throws -> BackupSummary {
        let target = URL(fileURLWithPath: path)
        let manifestPath = BackupManifest.path(forBackup: path)
        let keysPath = BackupManifest.keysDirectory(forBackup: path)
        for existing in [path, manifestPath, keysPath] where FileManager.default.fileExists(atPath: existing) {
            throw CommunityError.invalid(field: "out", reason: "\(existing) already exists; choose a new file name")
        }
        let keyFiles = try keyStore.map { try Self.keyFiles(in: $0.directory) } ?? []
        if !keyFiles.isEmpty && keyPassphrase == nil {
            throw CommunityError.invalid(field: "key-passphrase-file",
                                         reason: "the backup would hold \(keyFiles.count) private key(s): give a passphrase to seal them (--key-passphrase-file), or leave them out (--without-keys)")
        }
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // Created 0600 before SQLite writes to it: a backup holds the whole register.
        try DurableFiles.writeNew(Data(), to: temporary)
        do {
            let copy = try DatabaseQueue(path: temporary)
            try writer.backup(to: copy)
            // One self-contained file: no WAL beside it.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
        }
        let checked = try Self.check(path: temporary)
        try DurableFiles.sync(file: temporary)
        try DurableFiles.rename(temporary, to: path)

        var sealed: [BackupManifest.Key] = []
        if let keyPassphrase, !keyFiles.isEmpty, let keyStore {
            sealed = try Self.sealKeys(keyFiles, from: keyStore.directory.path, to: keysPath, passphrase: keyPassphrase)
        }
        let digest = try SHA256.hash(fileAt: target)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let manifest = BackupManifest(format: BackupManifest.currentFormat, database: target.lastPathComponent, bytes: bytes, sha256: digest.hex,
                                      createdAt: Timestamp.string(from: now), auditEntries: checked.entries, auditHead: checked.head, keys: sealed)
        let manifestTemporary = folder.appendingPathComponent(".\(target.lastPathComponent).manifest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: manifestTemporary) }
        try DurableFiles.writeNew(try manifest.encoded(), to: manifestTemporary)
        try DurableFiles.rename(manifestTemporary, to: manifestPath)
        return BackupSummary(path: path, bytes: bytes, sha256: digest.hex, auditEntries: checked.entries, auditHead: checked.head,
                             keyFiles: sealed.count, manifest: manifestPath)
    }

    /// Checks a database file without changing it: SQLite's integrity check and the audit
    /// chain. Throws naming the file and the problem.
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

    /// The `*.key.pem` files of a key store, sorted.
    static func keyFiles(in directory: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".key.pem") }.sorted()
    }

    /// Seals each key file under `passphrase` into `destination` (created 0700; files 0600,
    /// fsynced). A key the store keeps passphrase-protected must open with the same passphrase.
    static func sealKeys(_ files: [String], from source: String, to destination: String, passphrase: String) throws -> [BackupManifest.Key] {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var sealed: [BackupManifest.Key] = []
        for file in files {
            let path = source + "/" + file
            guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw CommunityError.notAllowed("\(path): cannot read the key file")
            }
            let inStore = text.contains("BEGIN ENCRYPTED PRIVATE KEY")
            let key: Ed25519PrivateKey
            do {
                key = try Ed25519PrivateKey(pem: text, passphrase: passphrase)
            } catch NotaryError.wrongPassphrase {
                throw CommunityError.notAllowed("\(path): the key does not open with the passphrase given; the backup seals every key under the key store's own passphrase")
            } catch {
                throw CommunityError.notAllowed("\(path): not a readable private key (\(error))")
            }
            guard file == "\(key.keyID).key.pem" else { throw CommunityError.notAllowed("\(path): the file holds key \(key.keyID)") }
            let bytes = Data(try key.pemRepresentation(passphrase: passphrase).utf8)
            try DurableFiles.writeNew(bytes, to: destination + "/" + file)
            sealed.append(BackupManifest.Key(file: file, keyID: key.keyID, sha256: SHA256.hash(bytes).hex, sealedInStore: inStore))
        }
        try DurableFiles.sync(directory: destination)
        try DurableFiles.sync(directory: URL(fileURLWithPath: destination).deletingLastPathComponent().path)
        return sealed
    }
}
