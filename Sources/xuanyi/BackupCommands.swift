import ArgumentParser
import Community
import Elections
import Foundation
import Notary

/// `xuanyi backup --out FILE`: a consistent online backup, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database (and its private keys, to FILE.keys/) while the server keeps running.",
        discussion: "Uses SQLite's online backup API; the copy is checked (integrity and audit chain) before it gets its final name. Keep FILE.keys/ as safe as the server's key directory.")
    @OptionGroup var options: DatabaseOptions
    @Option(name: .long, help: "The backup file to create (must not exist).") var out: String
    @Flag(name: .long, help: "Leave out the private keys.") var withoutKeys = false

    func run() async throws {
        let database = try options.openExisting()
        let summary = try database.backup(to: out, keyStore: withoutKeys ? nil : options.keyStore)
        say("备份 Backup written: \(summary.path) (\(summary.bytes) bytes, SHA-256 \(summary.sha256))")
        say("  audit chain: \(summary.auditEntries) entries, head \(summary.auditHead.prefix(16))…; keys: \(summary.keyFiles) file(s) in \(summary.path).keys/")
    }
}

/// `xuanyi restore --from FILE --database PATH`: checks a backup and puts it in place.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup (stop the server first): check it, put it in place with its keys, and verify the audit chain and every certified election's record.",
        discussion: "An existing database is replaced only with --replace and kept as <database>.before-restore-<time>.")
    @OptionGroup var options: DatabaseOptions
    @Option(name: .long, help: "The backup file.") var from: String
    @Flag(name: .long, help: "Replace an existing database (kept under another name).") var replace = false
    @Option(name: .long, help: "File with the keys' passphrase, if they have one.") var keyPassphraseFile: String?

    func run() async throws {
        let audit = try AppDatabase.restore(backup: from, to: options.database, replace: replace)
        say("恢复 Restored \(from) to \(options.database): audit chain intact (\(audit.entries) entries, head \(audit.head.prefix(16))…)")
        let database = try options.open()
        guard try database.verifyAudit().isIntact else { throw CommandError("the restored database's audit chain does not verify") }
        guard let community = try database.primaryCommunity() else { return }
        let passphrase = try readPassphrase(file: keyPassphraseFile)
        var failures: [String] = []
        for election in try database.elections(communityID: community.id!) where try database.certifiedResult(electionID: election.id!) != nil {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-restore-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let key = try options.keyStore.load(keyID: election.keyID, passphrase: passphrase)
            _ = try database.exportRecord(electionID: election.id!, to: directory, signingKey: key)
            let report = RecordVerifier(directory: directory).verify()
            say("  election \(election.id!) \(election.title): record \(report.passed ? "verifies" : "FAILS") (\(report.ballots) ballots)")
            if !report.passed { failures.append("election \(election.id!): " + report.failures.prefix(3).map(\.en).joined(separator: "; ")) }
        }
        guard failures.isEmpty else { throw CommandError("restored, but records do not verify: " + failures.joined(separator: " | ")) }
    }
}
