import Community
import Elections
import Foundation
import GRDB
import Testing
import Notary
import Web

@Suite("CLI: rule presets (election rules --from) and registration applications (roll apply, decide, confirm-worker)")
struct RegistrationCLITests {
    /// A database with the sample residents, one adult turned into a community worker, an
    /// election 60 days ahead and an election-committee account whose password is in a file.
    func setUp(_ workspace: Workspace) throws -> (database: String, election: String, worker: Resident, passwordFile: String) {
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["init", "--community", "桃园社区", "--database", database]).status == 0)
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/samples/residents.csv").path
        #expect(try CLI.xuanyi(["residents", "import", sample, "--database", database]).status == 0)
        let store = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        let worker = try store.writer.write { db -> Resident in
            let resident = try #require(try Resident.fetchOne(db, sql: "SELECT * FROM resident WHERE birthDate < '1990-01-01' ORDER BY id LIMIT 1"))
            try db.execute(sql: "UPDATE resident SET hukouHere = 0, livesHere = 0, workingSince = '2025-01-01' WHERE id = ?", arguments: [resident.id])
            return resident
        }
        let election = try store.createElection(communityID: try #require(try store.primaryCommunity()).id!, title: "登记测试", method: .direct,
                                                electionDay: CivilDate.today().adding(days: 60), keyStore: KeyStore.beside(databasePath: database), actor: .commandLine)
        try store.createAccount(NewAccount(communityID: 1, username: "weiyuan", displayName: "委员甲", password: "committee-pass-12", roles: [.committee]),
                                actor: .commandLine)
        let passwordFile = workspace.path("pw.txt")
        try "committee-pass-12\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        return (database, String(election.id!), worker, passwordFile)
    }

    @Test("election rules --presets lists L25, GS25 with its citations and unchecked marks; --from GS25 loads the preset, --set applies after it, an unknown preset is refused naming the ones there are")
    func presetsFromTheCommandLine() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (database, election, _, _) = try setUp(workspace)
        let listed = try CLI.xuanyi(["election", "rules", "--presets"])
        #expect(listed.status == 0 && listed.stdout.contains("L25\t") && listed.stdout.contains("GS25\t"))
        #expect(listed.stdout.contains("residenceMonths = 6\tGS25 Art. 16") && listed.stdout.contains("[未核实 unchecked]"))
        let loaded = try CLI.xuanyi(["election", "rules", "--election", election, "--from", "GS25", "--database", database])
        #expect(loaded.status == 0 && loaded.stdout.contains("preset GS25 loaded") && loaded.stdout.contains("residenceMonths = 6"), "\(loaded.stderr)")
        #expect(loaded.stdout.contains("2018年条文 L18 Art. 8 已被2025年修订取代"))
        let edited = try CLI.xuanyi(["election", "rules", "--election", election, "--from", "js20", "--set", "residenceMonths=18", "--database", database])
        #expect(edited.status == 0 && edited.stdout.contains("residenceMonths = 18") && edited.stdout.contains("residentApproval = meeting"), "\(edited.stderr)")
        let json = try CLI.xuanyi(["election", "rules", "--election", election, "--json", "--database", database])
        #expect(json.stdout.contains(#""residentApproval":"meeting""#))
        let unknown = try CLI.xuanyi(["election", "rules", "--election", election, "--from", "ZZ99", "--database", database])
        #expect(unknown.status == 1 && unknown.stderr.contains("GS25"))
        let looser = try CLI.xuanyi(["election", "rules", "--election", election, "--from", "GS25", "--set", "votingAge=16", "--database", database])
        #expect(looser.status == 1 && looser.stderr.contains("votingAge"))
    }

    @Test("roll apply files a community worker's application; confirm-worker needs a committee member's own password and a reference; the confirmation is listed and the worker is on the built roll")
    func workerConfirmedFromTheCommandLine() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (database, election, worker, passwordFile) = try setUp(workspace)
        let applied = try CLI.xuanyi(["roll", "apply", "--election", election, "--id-number", worker.idNumber.value, "--category", "d", "--statement", "--database", database])
        #expect(applied.status == 0 && applied.stdout.contains("pending"), "\(applied.stderr)")
        let before = try CLI.xuanyi(["roll", "build", "--election", election, "--database", database])
        #expect(before.stdout.contains("d 0"))
        let wrongFile = workspace.path("wrong.txt")
        try "not-the-password\n".write(toFile: wrongFile, atomically: true, encoding: .utf8)
        let wrong = try CLI.xuanyi(["roll", "confirm-worker", "--election", election, "--application", "1", "--member", "weiyuan=\(wrongFile)",
                                    "--reference", "纪要1", "--database", database])
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong username or password"))
        let confirmed = try CLI.xuanyi(["roll", "confirm-worker", "--election", election, "--application", "1", "--member", "weiyuan=\(passwordFile)",
                                        "--reference", "选委会纪要1", "--database", database])
        #expect(confirmed.status == 0 && confirmed.stdout.contains("confirmed"), "\(confirmed.stderr)")
        let list = try CLI.xuanyi(["roll", "applications", "--election", election, "--database", database])
        #expect(list.stdout.contains("居民选举委员会确认") && list.stdout.contains("ref 选委会纪要1") && list.stdout.contains("委员甲 (weiyuan)"))
        let after = try CLI.xuanyi(["roll", "build", "--election", election, "--database", database])
        #expect(after.stdout.contains("d 1"))
        let audit = try AppDatabase.open(path: database, modules: XuanyiSchema.modules).reader.read { db in
            try String.fetchOne(db, sql: "SELECT actor FROM auditEntry WHERE action = 'roll.worker.confirm'")
        }
        #expect(audit?.contains("weiyuan") == true)
    }
}
