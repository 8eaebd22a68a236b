import Community
import Foundation
import Testing

@Suite("rehearsal databases: xuanyi init --rehearsal and serve --rehearsal-date", .serialized)
struct RehearsalCLITests {
    @Test("a rehearsal database serves as if today were the chosen date, says so on every page, logs the shift and never moves back; a real database refuses the date")
    func rehearsalClock() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let practice = workspace.path("practice.sqlite")
        let made = try CLI.xuanyi(["init", "--database", practice, "--community", "演练社区", "--rehearsal"])
        #expect(made.status == 0 && made.stdout.contains("rehearsal"), "\(made.stderr)")
        let target = CivilDate.today().adding(days: 45)

        let port = CLI.freePort()
        let server = try ServerProcess(["serve", "--port", "\(port)", "--database", practice, "--rehearsal-date", target.description], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        for path in ["/", "/board", "/login"] {
            let page = try CLI.tool("curl", ["-s", "http://127.0.0.1:\(port)\(path)"]).stdout
            #expect(page.contains("rehearsal-banner") && page.contains("演练") && page.contains(target.description), "\(path)")
        }
        let english = try CLI.tool("curl", ["-s", "-H", "Accept-Language: en", "http://127.0.0.1:\(port)/"]).stdout
        #expect(english.contains("This is a practice database"))
        // Programs see it too: the community API says rehearsal and gives the moved date.
        let api = try JSONSerialization.jsonObject(with: Data(try CLI.tool("curl", ["-s", "http://127.0.0.1:\(port)/api/v1/community"]).stdout.utf8)) as? [String: Any]
        #expect(api?["rehearsal"] as? Bool == true && api?["today"] as? String == target.description)
        #expect(server.stop() == 0)

        let audit = try CLI.tool("sqlite3", [practice, "SELECT details FROM auditEntry WHERE action = 'clock.rehearsal'"]).stdout
        #expect(audit.contains("\"date\":\"\(target)\""))
        let stamp = try CLI.tool("sqlite3", [practice, "SELECT substr(at, 1, 10) FROM auditEntry WHERE action = 'clock.rehearsal'"]).stdout
        #expect(stamp.trimmingCharacters(in: .whitespacesAndNewlines) >= target.adding(days: -1).description)

        // Later runs go on from the rehearsal date, not back to the real one: the server without
        // the option, and a command-line write.
        let resumedPort = CLI.freePort()
        let resumed = try ServerProcess(["serve", "--port", "\(resumedPort)", "--database", practice], port: resumedPort)
        try resumed.waitUntilReady()
        #expect(try CLI.tool("curl", ["-s", "http://127.0.0.1:\(resumedPort)/"]).stdout.contains(target.description))
        #expect(resumed.stop() == 0)
        try Data("clerk-password-123\n".utf8).write(to: workspace.url.appendingPathComponent("pw.txt"))
        let account = try CLI.xuanyi(["account", "create", "--username", "lu1", "--display-name", "录入员", "--role", "clerk",
                                      "--password-file", workspace.path("pw.txt"), "--database", practice])
        #expect(account.status == 0, "\(account.stderr)")
        let accountStamp = try CLI.tool("sqlite3", [practice, "SELECT substr(at, 1, 10) FROM auditEntry WHERE action = 'account.create' ORDER BY seq DESC LIMIT 1"]).stdout
        #expect(accountStamp.trimmingCharacters(in: .whitespacesAndNewlines) >= target.adding(days: -1).description, "\(accountStamp)")

        let back = try CLI.xuanyi(["serve", "--port", "0", "--database", practice, "--rehearsal-date", target.adding(days: -1).description])
        #expect(back.status != 0 && back.stderr.contains("only moves forward"))
        let garbled = try CLI.xuanyi(["serve", "--port", "0", "--database", practice, "--rehearsal-date", "2027-02-30"])
        #expect(garbled.status != 0 && garbled.stderr.contains("--rehearsal-date"))

        let real = workspace.path("real.sqlite")
        #expect(try CLI.xuanyi(["init", "--database", real, "--community", "桃园社区"]).status == 0)
        let refused = try CLI.xuanyi(["serve", "--port", "0", "--database", real, "--rehearsal-date", target.description])
        #expect(refused.status != 0 && refused.stderr.contains("rehearsal-date") && refused.stderr.contains("real community"))
        // Setting the flag by hand does not make a real database a rehearsal: the audit log's creation entry disagrees.
        #expect(try CLI.tool("sqlite3", [real, "UPDATE community SET rehearsal = 1"]).status == 0)
        let edited = try CLI.xuanyi(["serve", "--port", "0", "--database", real, "--rehearsal-date", target.description])
        #expect(edited.status != 0 && edited.stderr.contains("the database was edited"))
        #expect(try CLI.tool("sqlite3", [real, "UPDATE community SET rehearsal = 0"]).status == 0)
        // A real database's pages carry no banner.
        let realPort = CLI.freePort()
        let realServer = try ServerProcess(["serve", "--port", "\(realPort)", "--database", real], port: realPort)
        defer { realServer.stop() }
        try realServer.waitUntilReady()
        #expect(!(try CLI.tool("curl", ["-s", "http://127.0.0.1:\(realPort)/"]).stdout.contains("rehearsal-banner")))
    }
}
