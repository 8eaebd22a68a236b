import Foundation
import Testing

@Suite("xuanyi backup and xuanyi restore", .serialized)
struct BackupCLITests {
    @Test("a backup taken while the server runs restores with its keys; the audit chain and the election record verify; a tampered backup is refused")
    func backupAndRestore() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("live/xuanyi.sqlite")
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
        let made = try CLI.xuanyi(["backup", "--database", database, "--out", backup])
        load.waitUntilExit()
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("audit chain:") && made.stdout.contains("keys: 3 file(s)"))
        #expect(try CLI.tool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"]).stdout == "200")
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        let again = try CLI.xuanyi(["backup", "--database", database, "--out", backup])
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        server.stop()

        // Restore into a fresh place: checks, keys, audit chain, every certified election's record.
        let restoredPath = workspace.path("restored/xuanyi.sqlite")
        let restored = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("audit chain intact") && restored.stdout.contains("record verifies"))
        #expect(FileManager.default.fileExists(atPath: restoredPath + ".keys"))
        let audit = try CLI.xuanyi(["verify", "--audit", "--database", restoredPath, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any]
        #expect(audit.status == 0 && report?["intact"] as? Bool == true)
        // The restored copy serves like the original.
        #expect(try CLI.xuanyi(["motion", "list", "--database", restoredPath]).stdout.split(separator: "\n").count == 16)
        // An existing database is replaced only on request, and kept.
        let refused = try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath])
        #expect(refused.status != 0 && refused.stderr.contains("--replace"))
        #expect(try CLI.xuanyi(["restore", "--from", backup, "--database", restoredPath, "--replace"]).status == 0)
        let kept = try FileManager.default.contentsOfDirectory(atPath: workspace.path("restored")).filter { $0.contains("before-restore") }
        #expect(!kept.isEmpty)

        // A backup whose audit log was edited is refused, naming the entry; nothing is put in place.
        let tampered = workspace.path("backups/tampered.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: tampered)
        #expect(try CLI.tool("sqlite3", [tampered, "UPDATE auditEntry SET actor = 'someone-else' WHERE seq = 7"]).status == 0)
        let bad = try CLI.xuanyi(["restore", "--from", tampered, "--database", workspace.path("other/xuanyi.sqlite")])
        #expect(bad.status != 0 && bad.stderr.contains("audit chain") && bad.stderr.contains("entry 7"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path("other/xuanyi.sqlite")))
    }
}
