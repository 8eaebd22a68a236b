import Foundation
import Notary
import Testing

/// A demo database, its server-free backup (keys sealed under a passphrase) and helpers to
/// damage copies of it.
struct BackupFixture {
    let workspace: Workspace
    let database: String
    let backup: String
    let passphrase: String

    init(households: Int = 250) throws {
        workspace = try Workspace()
        database = workspace.path("live/xuanyi.sqlite")
        passphrase = workspace.path("backup-passphrase.txt")
        try "a long operator passphrase\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let demo = try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "\(households)"])
        guard demo.status == 0 else { throw CLIFailure(demo.stderr) }
        backup = workspace.path("backups/monday.sqlite")
        let made = try CLI.xuanyi(["backup", "--database", database, "--out", backup, "--key-passphrase-file", passphrase])
        guard made.status == 0 else { throw CLIFailure(made.stderr) }
    }

    /// A copy of the backup with its manifest and sealed keys under another name.
    func copy(named name: String) throws -> String {
        let path = workspace.path("damaged/\(name).sqlite")
        try FileManager.default.createDirectory(atPath: workspace.path("damaged"), withIntermediateDirectories: true)
        for suffix in ["", ".manifest.json", ".keys"] { try FileManager.default.copyItem(atPath: backup + suffix, toPath: path + suffix) }
        return path
    }

    /// Rewrites a backup's manifest to describe the file as it now is — damage that happened
    /// before the digest was taken, which only the checks inside the file can find.
    static func refreshManifest(of path: String) throws {
        let manifestPath = path + ".manifest.json"
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        manifest["bytes"] = data.count
        manifest["sha256"] = SHA256.hash(data).hex
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: manifestPath))
    }

    /// Runs `restore` into a new place; returns the result and whether anything appeared there.
    func restore(_ path: String, into name: String, passphrase: String? = nil) throws -> (result: CLI.Result, created: Bool) {
        let target = workspace.path("\(name)/xuanyi.sqlite")
        var arguments = ["restore", "--from", path, "--database", target]
        arguments += ["--key-passphrase-file", passphrase ?? self.passphrase]
        let result = try CLI.xuanyi(arguments)
        let folder = workspace.path(name)
        let created = try FileManager.default.fileExists(atPath: folder) && !FileManager.default.contentsOfDirectory(atPath: folder).isEmpty
        return (result, created)
    }

    func sql(_ path: String, _ statement: String) throws -> String {
        let result = try CLI.tool("sqlite3", [path, statement])
        guard result.status == 0 else { throw CLIFailure(result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("xuanyi backup and xuanyi restore", .serialized)
struct BackupCLITests {
    @Test("a backup taken while the server runs seals its keys and writes a manifest; restore is refused while a server holds the database, checks everything, and keeps the replaced database")
    func backupAndRestore() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("live/xuanyi.sqlite")
        let passphrase = workspace.path("pw.txt")
        try "a long operator passphrase\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        #expect(try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "250"]).status == 0)
        let port = CLI.freePort()
        let server = try ServerProcess(["serve", "--port", "\(port)", "--database", database], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        // Readers hit the server while the backup runs.
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/bin/sh")
        load.arguments = ["-c", "for i in $(seq 1 40); do curl -s -o /dev/null http://127.0.0.1:\(port)/motions; done"]
        try load.run()
        let backup = workspace.path("backups/monday.sqlite")
        // Keys are never copied in clear: without a passphrase the backup is refused.
        let clear = try CLI.xuanyi(["backup", "--database", database, "--out", backup])
        #expect(clear.status != 0 && clear.stderr.contains("--key-passphrase-file"))
        #expect(!FileManager.default.fileExists(atPath: backup))
        let made = try CLI.xuanyi(["backup", "--database", database, "--out", backup, "--key-passphrase-file", passphrase])
        load.waitUntilExit()
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("audit chain:") && made.stdout.contains("keys: 4 file(s) sealed"))
        #expect(try CLI.tool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"]).stdout == "200")
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: backup + ".manifest.json"))) as? [String: Any])
        #expect(manifest["sha256"] as? String == SHA256.hash(try Data(contentsOf: URL(fileURLWithPath: backup))).hex)
        let sealed = try FileManager.default.contentsOfDirectory(atPath: backup + ".keys")
        // The community key and the election keys of the demo: this term, the previous term and its by-election.
        #expect(sealed.count == 4)
        for file in sealed {
            let text = try String(contentsOfFile: backup + ".keys/" + file, encoding: .utf8)
            #expect(text.contains("BEGIN ENCRYPTED PRIVATE KEY") && !text.contains("BEGIN PRIVATE KEY"))
            // OpenSSL opens it with the passphrase.
            #expect(try CLI.tool("openssl", ["pkey", "-in", backup + ".keys/" + file, "-passin", "file:\(passphrase)", "-noout"]).status == 0)
        }
        let again = try CLI.xuanyi(["backup", "--database", database, "--out", backup, "--key-passphrase-file", passphrase])
        #expect(again.status != 0 && again.stderr.contains("already exists"))

        // No restore under a running server, and no second server.
        let underServer = try CLI.xuanyi(["restore", "--from", backup, "--database", database, "--replace", "--key-passphrase-file", passphrase])
        #expect(underServer.status != 0 && underServer.stderr.contains("in use by xuanyi serve"), "\(underServer.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.path("live")).allSatisfy { !$0.contains("before-restore") })
        let second = try CLI.xuanyi(["serve", "--port", "\(CLI.freePort())", "--database", database])
        #expect(second.status != 0 && second.stderr.contains("in use by xuanyi serve"))
        server.stop()

        // Restore into a fresh place: sealed keys need the passphrase; nothing is created without it.
        let restoredPath = workspace.path("restored/xuanyi.sqlite")
        let locked = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath])
        #expect(locked.status != 0 && locked.stderr.contains("monday.sqlite.keys") && locked.stderr.contains("--key-passphrase-file"))
        #expect(!FileManager.default.fileExists(atPath: restoredPath))
        let restored = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath, "--key-passphrase-file", passphrase])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("audit chain intact") && restored.stdout.contains("as in the manifest"))
        #expect(restored.stdout.contains("ballot log") && restored.stdout.contains("certified record verifies"))
        // Nothing was replaced: the notice says where each election's restored log ends.
        #expect(restored.stdout.contains("NOTICE for the election committee") && restored.stdout.contains("no database was replaced to compare with; the restored ballot log ends at line"))
        // The keys go back as the key store had them (the demo's in clear, mode 0600).
        let keys = try FileManager.default.contentsOfDirectory(atPath: restoredPath + ".keys")
        #expect(keys.count == 4)
        for file in keys {
            #expect(try String(contentsOfFile: restoredPath + ".keys/" + file, encoding: .utf8).contains("BEGIN PRIVATE KEY"))
            #expect((try FileManager.default.attributesOfItem(atPath: restoredPath + ".keys/" + file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
        let audit = try CLI.xuanyi(["verify", "--audit", "--database", restoredPath, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any]
        #expect(audit.status == 0 && report?["intact"] as? Bool == true)
        // The restored copy serves like the original.
        #expect(try CLI.xuanyi(["motion", "list", "--database", restoredPath]).stdout.split(separator: "\n").count == 16)
        // An existing database is replaced only on request, and kept.
        let refused = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath, "--key-passphrase-file", passphrase])
        #expect(refused.status != 0 && refused.stderr.contains("--replace"))
        let replaced = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath, "--replace", "--key-passphrase-file", passphrase])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("kept as") && replaced.stdout.contains("nothing recorded after the backup is missing"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: workspace.path("restored")).filter { $0.contains("before-restore") }
        #expect(!kept.isEmpty)

        // A WAL left behind by a database that is gone is never mixed into a restore.
        let orphan = workspace.path("orphan/xuanyi.sqlite")
        try FileManager.default.createDirectory(atPath: workspace.path("orphan"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: workspace.path("restored/" + (kept.first { $0.hasSuffix("-wal") } ?? kept[0])), toPath: orphan + "-wal")
        let leftover = try CLI.xuanyi(["restore", "--from", backup, "--database", orphan, "--key-passphrase-file", passphrase])
        #expect(leftover.status != 0 && leftover.stderr.contains("xuanyi.sqlite-wal") && leftover.stderr.contains("leftover"), "\(leftover.stderr)")
        #expect(!FileManager.default.fileExists(atPath: orphan))
    }

    @Test("30 backups, each with one bit flipped somewhere: none is restored, each refusal names the file and its SHA-256, nothing is created")
    func bitFlips() throws {
        let fixture = try BackupFixture()
        defer { fixture.workspace.remove() }
        let size = try #require((try FileManager.default.attributesOfItem(atPath: fixture.backup)[.size] as? NSNumber)?.intValue)
        var state: UInt64 = 0x5851_F42D_4C95_7F2D
        for trial in 0..<30 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let offset = Int((state >> 33) % UInt64(size))
            let bit = UInt8(1) << UInt8((state >> 20) % 8)
            let path = try fixture.copy(named: "flip-\(trial)")
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try handle.seek(toOffset: UInt64(offset))
            let byte = try #require(try handle.read(upToCount: 1)?.first)
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: [byte ^ bit])
            try handle.close()
            let (result, created) = try fixture.restore(path, into: "target-\(trial)")
            #expect(result.status != 0, "flip at byte \(offset) was restored")
            #expect(result.stderr.contains("flip-\(trial).sqlite: SHA-256") && result.stderr.contains("nothing was changed"), "\(result.stderr)")
            #expect(!created, "flip at byte \(offset) left files behind")
        }
    }

    @Test("damage inside the file (the manifest rewritten to match) is found by the checks and named: audit chain, an open election's ballot line, its last line, a certified record; a missing manifest or key file, a wrong passphrase")
    func damageInside() throws {
        let fixture = try BackupFixture()
        defer { fixture.workspace.remove() }
        // The demo's seeded past is declared history: no clock step is reported on a fresh demo
        // (a real step is still reported: RestoreSafetyTests.declaredHistory).
        let audit = try CLI.xuanyi(["verify", "--audit", "--database", fixture.database, "--json"])
        let verification = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect(verification["intact"] as? Bool == true && (verification["clockSteps"] as? [Any])?.isEmpty == true, "\(audit.stdout.prefix(600))")
        let open = try fixture.sql(fixture.backup, "SELECT id FROM election WHERE id NOT IN (SELECT electionID FROM resultStatement) AND id IN (SELECT electionID FROM ballotLog) LIMIT 1")
        let certified = try fixture.sql(fixture.backup, "SELECT electionID FROM resultStatement LIMIT 1")
        #expect(!open.isEmpty && !certified.isEmpty)
        let cases: [(name: String, damage: String, expected: [String])] = [
            ("audit", "UPDATE auditEntry SET actor = 'someone-else' WHERE seq = 7", ["audit chain (auditEntry)", "entry 7"]),
            ("ballot-line", "UPDATE ballotLog SET line = replace(line, '\"posts\"', '\"postr\"') WHERE electionID = \(open) AND seq = 3",
             ["ballot log of election \(open) (ballotLog)", "line 3 does not hash to its tracking code"]),
            ("last-line", "DELETE FROM ballotLog WHERE electionID = \(open) AND seq = (SELECT max(seq) FROM ballotLog WHERE electionID = \(open))",
             ["ballot log of election \(open) (ballotLog)", "stored head"]),
            ("statement", "UPDATE resultStatement SET signature = zeroblob(64) WHERE electionID = \(certified)",
             ["certified record of election \(certified)", "does not verify"]),
        ]
        for (name, damage, expected) in cases {
            let path = try fixture.copy(named: name)
            _ = try fixture.sql(path, damage)
            try BackupFixture.refreshManifest(of: path)
            let (result, created) = try fixture.restore(path, into: "target-\(name)")
            #expect(result.status != 0, "\(name) was restored")
            #expect(result.stderr.contains("\(name).sqlite: "), "\(result.stderr)")
            for text in expected { #expect(result.stderr.contains(text), "\(name): \(result.stderr)") }
            #expect(!created, "\(name) left files behind")
        }
        // Without its manifest (a backup interrupted before it was finished).
        let unfinished = try fixture.copy(named: "unfinished")
        try FileManager.default.removeItem(atPath: unfinished + ".manifest.json")
        let noManifest = try fixture.restore(unfinished, into: "target-unfinished")
        #expect(noManifest.result.status != 0 && noManifest.result.stderr.contains("unfinished.sqlite.manifest.json: manifest: missing") && !noManifest.created)
        // Without a key file the manifest lists.
        let keyless = try fixture.copy(named: "keyless")
        let keyFile = try #require(try FileManager.default.contentsOfDirectory(atPath: keyless + ".keys").first)
        try FileManager.default.removeItem(atPath: keyless + ".keys/" + keyFile)
        let noKey = try fixture.restore(keyless, into: "target-keyless")
        #expect(noKey.result.status != 0 && noKey.result.stderr.contains("keyless.sqlite.keys/\(keyFile): key file: missing") && !noKey.created)
        // With the wrong passphrase.
        let wrong = fixture.workspace.path("wrong.txt")
        try "not the passphrase\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let wrongPassphrase = try fixture.restore(fixture.backup, into: "target-wrong", passphrase: wrong)
        #expect(wrongPassphrase.result.status != 0 && wrongPassphrase.result.stderr.contains("does not open with the passphrase") && !wrongPassphrase.created)
    }
}
