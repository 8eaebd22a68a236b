import ArgumentParser
import Community
import Foundation
import Web

/// `xuanyi backup --out FILE`: a consistent online backup, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database (and its private keys, sealed under a passphrase, to FILE.keys/) while the server keeps running.",
        discussion: "Uses SQLite's online backup API; the copy is checked (integrity and audit chain) and fsynced before it gets its final name. The private keys are sealed under the passphrase in --key-passphrase-file (keys protected in the key store must open with it). FILE.manifest.json, written last, holds the SHA-256 of the file and of every key file; restore refuses a backup without it.")
    @OptionGroup var options: DatabaseOptions
    @Option(name: .long, help: "The backup file to create (must not exist).") var out: String
    @Option(name: .long, help: "File whose first line is the passphrase that seals the private keys in the backup (and opens protected keys in the key store).")
    var keyPassphraseFile: String?
    @Flag(name: .long, help: "Leave out the private keys.") var withoutKeys = false

    func run() async throws {
        let database = try options.openExisting()
        // Rows whose order on disk would show when voters were checked in or households rated
        // are rewritten in key order first, so the copy cannot show it either (docs/threat-model.md).
        try database.protectAtRest(modules: XuanyiSchema.modules)
        let summary = try database.backup(to: out, keyStore: withoutKeys ? nil : options.keyStore,
                                          keyPassphrase: withoutKeys ? nil : try readPassphrase(file: keyPassphraseFile))
        say("备份 Backup written: \(summary.path) (\(summary.bytes) bytes, SHA-256 \(summary.sha256))")
        say("  audit chain: \(summary.auditEntries) entries, head \(summary.auditHead.prefix(16))…; keys: \(summary.keyFiles) file(s) sealed in \(summary.path).keys/; manifest: \(summary.manifest)")
    }
}

/// `xuanyi restore --from FILE --database PATH`: checks a backup in full, then puts it in place.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup (stop the server first): check everything, then put it in place with its keys.",
        discussion: """
            Before anything is created or moved: the manifest's SHA-256, the sealed keys, SQLite's integrity check, the audit chain, every election's ballot log against its stored head and every certified election's record. Any failure is one line naming the file, the part and the problem. Then the restored database is fsynced and renamed into place; an existing database is replaced only with --replace and kept as <database>.before-restore-<time>. Refused while a server holds the database. Every session ends; the report lists what the backup lacks compared with the replaced database.
            """)
    @OptionGroup var options: DatabaseOptions
    @Option(name: .long, help: "The backup file.") var from: String
    @Flag(name: .long, help: "Replace an existing database (kept under another name).") var replace = false
    @Option(name: .long, help: "File whose first line is the passphrase the backup's keys are sealed under.") var keyPassphraseFile: String?

    func run() async throws {
        let report = try AppDatabase.restore(backup: from, to: options.database, replace: replace,
                                             keyPassphrase: try readPassphrase(file: keyPassphraseFile), modules: XuanyiSchema.modules)
        say("恢复 Restored \(from) to \(options.database): audit chain intact (\(report.audit.entries) entries, head \(report.audit.head.prefix(16))…)")
        for line in report.checked { say("  checked: \(line)") }
        say("  keys: \(report.keyFiles) file(s) written to \(options.keyStore.directory.path)")
        if let kept = report.keptAs { say("  the replaced database is kept as \(kept)") }
        say("  every login, voter and household session from before the restore has ended")
        if report.forgotten.isEmpty {
            say("  nothing recorded after the backup is missing")
        } else {
            say("注意 NOTICE for the election committee — what the restored database lacks, or may lack, of what was recorded after the backup (also in the audit log, entry database.restore):")
            for line in report.forgotten { say("  - \(line)") }
        }
    }
}
