import Community
import Elections
import Foundation
import Notary
import Testing
import Web

@Suite("xuanyi command line", .serialized)
struct CLITests {
    /// The admin password printed by init/demo.
    func adminPassword(in output: String) -> String? {
        output.split(separator: "\n").first { $0.contains("admin password:") }?
            .components(separatedBy: "admin password:").last?.trimmingCharacters(in: .whitespaces)
    }

    @Test("every command answers --help")
    func help() throws {
        for command in [[], ["init"], ["serve"], ["demo"], ["verify"]] {
            let result = try CLI.xuanyi(command + ["--help"])
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("USAGE"), "\(command)")
        }
    }

    @Test("init creates the database, a 0600 community key that openssl reads, and a working admin password")
    func initialise() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("data/x.sqlite")
        let result = try CLI.xuanyi(["init", "--community", "桃园社区", "--code", "110101001001", "--database", database])
        #expect(result.status == 0, "\(result.stderr)")
        let password = try #require(adminPassword(in: result.stdout))
        #expect(password.count == 19)

        let appDatabase = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        let account = try appDatabase.authenticate(username: "admin", password: password)
        #expect(account.roleSet == [.admin] && account.mustChangePassword)
        let community = try #require(try appDatabase.primaryCommunity())
        #expect(community.name == "桃园社区")
        let registered = try #require(try appDatabase.signingKeys(communityID: community.id!, purpose: "community").first)

        let keyFile = KeyStore.beside(databasePath: database).privateKeyURL(keyID: registered.keyID)
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let publicFromOpenSSL = try CLI.tool("openssl", ["pkey", "-in", keyFile.path, "-pubout"])
        #expect(publicFromOpenSSL.stdout == registered.publicKeyPEM)
        // No private key material in the database file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(bytes.range(of: Data("PRIVATE KEY".utf8)) == nil)

        let again = try CLI.xuanyi(["init", "--community", "别的社区", "--database", database])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already initialised"))
        #expect(again.stderr.split(separator: "\n").count == 1)
    }

    @Test("init with an encrypted key: the key file needs the passphrase")
    func encryptedKey() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try "社区口令 passphrase\n".write(toFile: workspace.path("pass.txt"), atomically: true, encoding: .utf8)
        let database = workspace.path("x.sqlite")
        let result = try CLI.xuanyi(["init", "--community", "桃园社区", "--database", database, "--key-passphrase-file", workspace.path("pass.txt")])
        #expect(result.status == 0, "\(result.stderr)")
        let store = KeyStore.beside(databasePath: database)
        let appDatabase = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        let keyID = try #require(try appDatabase.signingKeys(communityID: 1, purpose: "community").first?.keyID)
        #expect(try String(contentsOf: store.privateKeyURL(keyID: keyID), encoding: .utf8).contains("ENCRYPTED PRIVATE KEY"))
        #expect(try store.load(keyID: keyID, passphrase: "社区口令 passphrase").keyID == keyID)
        #expect(throws: NotaryError.wrongPassphrase) { try store.load(keyID: keyID, passphrase: "wrong") }
    }

    @Test("verify --audit passes on an untouched database and names the edited entry after tampering")
    func verifyAudit() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "5"]).status == 0)
        let clean = try CLI.xuanyi(["verify", "--audit", "--database", database])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("PASS"))

        let tamper = try CLI.tool("sqlite3", [database, "UPDATE auditEntry SET actor = 'mallory' WHERE seq = 7;"])
        #expect(tamper.status == 0, "\(tamper.stderr)")
        let broken = try CLI.xuanyi(["verify", "--audit", "--database", database])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("entry 7"))
        #expect(broken.stdout.contains("FAIL"))
        let json = try CLI.xuanyi(["verify", "--audit", "--json", "--database", database])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["intact"] as? Bool == false)
    }

    @Test("clear one-line errors: nothing to verify, missing database")
    func errors() throws {
        let nothing = try CLI.xuanyi(["verify"])
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("--audit"))
        let missing = try CLI.xuanyi(["verify", "--audit", "--database", "/nonexistent/x.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("xuanyi init"))
        #expect(!missing.stderr.contains("Usage"))
    }

    @Test("demo serves a community a newcomer can log in to as admin, and cleans up when stopped")
    func demoLogin() throws {
        let port = CLI.freePort()
        let server = try ServerProcess(["demo", "--port", "\(port)", "--households", "30", "--admin-password", "demo-password-42"], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        let base = "http://127.0.0.1:\(port)"
        let workspace = try Workspace()
        defer { workspace.remove() }
        let jar = workspace.path("cookies.txt")

        let home = try CLI.tool("curl", ["-s", "-c", jar, "-b", jar, "\(base)/"])
        #expect(home.stdout.contains("桃园社区"))
        let form = try CLI.tool("curl", ["-s", "-c", jar, "-b", jar, "\(base)/login"])
        let token = try #require(form.stdout.components(separatedBy: #"name="_csrf" value=""#).dropFirst().first?.prefix { $0 != "\"" })
        let login = try CLI.tool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-c", jar, "-b", jar,
                                          "--data-urlencode", "_csrf=\(token)", "--data-urlencode", "username=admin",
                                          "--data-urlencode", "password=demo-password-42", "--data-urlencode", "next=/admin", "\(base)/login"])
        #expect(login.stdout == "303 \(base)/admin")
        let admin = try CLI.tool("curl", ["-s", "-b", jar, "\(base)/admin"])
        #expect(admin.stdout.contains("审计链完整"))
        let api = try CLI.tool("curl", ["-s", "\(base)/api/v1/community"])
        #expect(api.stdout.contains("\"households\":30"))

        #expect(server.stop() == 0)
        let output = server.standardOutput()
        let databaseLine = try #require(output.split(separator: "\n").first { $0.contains("database:") })
        let path = String(databaseLine.components(separatedBy: "database:")[1].trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        #expect(!FileManager.default.fileExists(atPath: path), "the throw-away demo database was left behind")
    }

    @Test("serve runs an initialised database and stops cleanly on SIGTERM")
    func serve() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["init", "--community", "梨园社区", "--database", database]).status == 0)
        let port = CLI.freePort()
        let server = try ServerProcess(["serve", "--database", database, "--port", "\(port)"], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        let home = try CLI.tool("curl", ["-s", "http://127.0.0.1:\(port)/"])
        #expect(home.stdout.contains("梨园社区"))
        #expect(server.stop() == 0)
    }

    @Test("residents import: dry run, import, and a bad file that changes nothing and exits 1")
    func residentsImport() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["init", "--community", "桃园社区", "--database", database]).status == 0)
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/samples/residents.csv").path

        let dry = try CLI.xuanyi(["residents", "import", sample, "--dry-run", "--database", database])
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("Dry run"))
        #expect(try AppDatabase.open(path: database, modules: XuanyiSchema.modules).peopleCounts(communityID: 1).residents == 0)

        let real = try CLI.xuanyi(["residents", "import", sample, "--database", database])
        #expect(real.status == 0)
        #expect(real.stdout.contains("4 households, 6 residents"))
        #expect(try AppDatabase.open(path: database, modules: XuanyiSchema.modules).peopleCounts(communityID: 1) == (households: 4, residents: 6))

        // The same file again: every ID is already registered; nothing changes.
        let again = try CLI.xuanyi(["residents", "import", sample, "--database", database])
        #expect(again.status == 1)
        #expect(again.stdout.contains("Nothing was imported"))
        #expect(again.stdout.contains("line 2, 公民身份号码"))
        #expect(try AppDatabase.open(path: database, modules: XuanyiSchema.modules).peopleCounts(communityID: 1) == (households: 4, residents: 6))
    }

    @Test("election list, roll build, publish and CSV export from the command line")
    func rollCommands() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "20"]).status == 0)
        let list = try CLI.xuanyi(["election", "list", "--database", database])
        #expect(list.status == 0)
        #expect(list.stdout.contains("published") && list.stdout.contains("voters"))
        // The demo's roll is published: rebuilding is refused with the reason.
        let rebuild = try CLI.xuanyi(["roll", "build", "--election", "1", "--database", database])
        #expect(rebuild.status == 1)
        #expect(rebuild.stderr.contains("published"))
        let csvPath = workspace.path("roll.csv")
        let export = try CLI.xuanyi(["roll", "export", "--election", "1", "--out", csvPath, "--database", database])
        #expect(export.status == 0, "\(export.stderr)")
        let csv = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        let voters = try AppDatabase.open(path: database, modules: XuanyiSchema.modules).rollCounts(electionID: 1).totalActive
        #expect(lines.count == voters + 1)
        #expect(lines.dropFirst().allSatisfy { $0.contains("********") })
        #expect(try CLI.xuanyi(["roll", "export", "--election", "9", "--database", database]).status != 0)
    }

    @Test("election rules, timeline, candidates and ballot: the frozen rules' digest is sha256sum of the --json output")
    func electionSetupCommands() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "150"]).status == 0)
        let rules = try CLI.xuanyi(["election", "rules", "--election", "1", "--database", database])
        #expect(rules.status == 0 && rules.stdout.contains("memberMarginMax = 3"))
        let digest = try #require(rules.stdout.components(separatedBy: "frozen; SHA-256 ").dropFirst().first?.prefix(64))
        let json = try CLI.xuanyi(["election", "rules", "--election", "1", "--json", "--database", database])
        let canonical = json.stdout.trimmingCharacters(in: .newlines)
        let sum = try CLI.tool("sha256sum", [], stdin: canonical)
        #expect(sum.stdout.hasPrefix(String(digest)))
        let refused = try CLI.xuanyi(["election", "rules", "--election", "1", "--set", "memberSeats=3", "--database", database])
        #expect(refused.status == 1 && refused.stderr.contains("frozen"))
        let timeline = try CLI.xuanyi(["election", "timeline", "--election", "1", "--database", database])
        #expect(timeline.status == 0 && timeline.stdout.contains("公布正式候选人名单") && timeline.stdout.contains("done"))
        let candidates = try CLI.xuanyi(["election", "candidates", "--election", "1", "--database", database])
        #expect(candidates.status == 0)
        let listed = try AppDatabase.open(path: database, modules: XuanyiSchema.modules).candidateList(electionID: 1)
        #expect(!listed.isEmpty && listed.allSatisfy { candidates.stdout.contains($0.name) })
        let ballot = try CLI.xuanyi(["election", "ballot", "--election", "1", "--json", "--database", database])
        let paper = try JSONSerialization.jsonObject(with: Data(ballot.stdout.utf8)) as? [String: Any]
        #expect((paper?["sections"] as? [[String: Any]])?.count == 4)
        let text = try CLI.xuanyi(["election", "ballot", "--election", "1", "--database", database])
        #expect(text.stdout.contains("另选他人") && text.stdout.contains("三格中选择一格"))
    }

    @Test("a ballot whose receipt was shown survives kill -9 of the server: every tracking code is in the log after restart")
    func crashSafety() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        let demo = try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "250"])
        #expect(demo.status == 0)
        // The demo's voter cards, issued before polling opened ("vote at … with voter cards 512 ABCD-…, …").
        let cardList = demo.stdout.components(separatedBy: "with voter cards ").dropFirst().first?.split(separator: "\n").first ?? ""
        let cards = cardList.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ") }.filter { $0.count == 2 }
        let numbers = cards.compactMap { Int($0[0]) }
        let codes = Dictionary(uniqueKeysWithValues: cards.compactMap { card in Int(card[0]).map { ($0, String(card[1])) } })
        let appDatabase = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        let round = try #require(try appDatabase.rounds(electionID: 1).first)
        let paper = try round.paper()
        // While polling is open nobody re-issues them (a new code would let its issuer vote in the voter's name).
        let reissue = try CLI.xuanyi(["roll", "cards", "--election", "1", "--numbers", numbers.map(String.init).joined(separator: ","),
                                      "--out", workspace.path("codes.csv"), "--database", database])
        #expect(reissue.status != 0 && reissue.stderr.contains("Polling is open"))
        let port = CLI.freePort()
        let server = try ServerProcess(["serve", "--port", "\(port)", "--database", database], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        let base = "http://127.0.0.1:\(port)/elections/1"
        var receipts: [String] = []
        var lastReceipt: SignedReceipt?
        for number in numbers {
            let jar = workspace.path("voter-\(number).txt")
            let page = try CLI.tool("curl", ["-s", "-c", jar, "-b", jar, "\(base)/vote"])
            let token = try #require(page.stdout.components(separatedBy: #"name="_csrf" value=""#).dropFirst().first?.prefix { $0 != "\"" })
            _ = try CLI.tool("curl", ["-s", "-o", "/dev/null", "-c", jar, "-b", jar, "--data-urlencode", "_csrf=\(token)", "--data-urlencode", "number=\(number)",
                                      "--data-urlencode", "code=\(codes[number]!)", "\(base)/vote/login"])
            var marks: [String] = []
            for section in paper.sections { marks += ["--data-urlencode", "m.\(section.post.rawValue).1=approve"] }
            let cast = try CLI.tool("curl", ["-s", "-c", jar, "-b", jar, "--data-urlencode", "_csrf=\(token)", "--data-urlencode", "formToken=\(String(format: "crashtesttoken%018d", number))",
                                             "--data-urlencode", "round=\(round.id!)", "--data-urlencode", "paper=\(round.paperDigest)"]
                                    + marks + ["\(base)/vote/cast"])
            let compact = try #require(cast.stdout.components(separatedBy: "<pre class=\"wrap\">").dropFirst().first?.prefix { $0 != "<" }, "no receipt for \(number)")
            let receipt = try SignedReceipt(compactText: String(compact))
            receipts.append(receipt.statement.tracking)
            lastReceipt = receipt
        }
        // Kill the server the moment the last receipt arrived: no clean shutdown, no checkpoint.
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        // The ballots are sealed until the count: three committee members (the demo gives them the
        // admin password) open the box with `xuanyi election open-box`; every receipted ballot is in it.
        let adminPassword = try #require(demo.stdout.components(separatedBy: "admin password: ").dropFirst().first?.split(separator: "\n").first)
        try Data("\(adminPassword)\n".utf8).write(to: URL(fileURLWithPath: workspace.path("committee-password")))
        let wrong = workspace.path("wrong-password")
        try Data("not-the-password\n".utf8).write(to: URL(fileURLWithPath: wrong))
        let refused = try CLI.xuanyi(["election", "open-box", "--election", "1", "--round", "1", "--database", database,
                                      "--member", "xwh1=\(workspace.path("committee-password"))", "--member", "xwh2=\(wrong)", "--member", "xwh3=\(workspace.path("committee-password"))"])
        #expect(refused.status != 0 && refused.stderr.contains("is wrong"), "\(refused.stderr)")
        let opened = try CLI.xuanyi(["election", "open-box", "--election", "1", "--round", "1", "--database", database]
                                    + ["xwh1", "xwh2", "xwh3"].flatMap { ["--member", "\($0)=\(workspace.path("committee-password"))"] })
        #expect(opened.status == 0 && opened.stdout.contains("entered the log in a random order"), "\(opened.stderr)")
        // The opened box's count sheet: the committee's scrutineer (xwh2) signs it with their own
        // password; the chair, who is no scrutineer, and a wrong password sign nothing.
        let sign = ["election", "sign-count-sheet", "--election", "1", "--round", "1", "--box", "0", "--database", database]
        let byChair = try CLI.xuanyi(sign + ["--member", "xwh1=\(workspace.path("committee-password"))"])
        #expect(byChair.status != 0 && byChair.stderr.contains("scrutineers (监票人)"), "\(byChair.stderr)")
        let wrongSheet = try CLI.xuanyi(sign + ["--member", "xwh2=\(wrong)"])
        #expect(wrongSheet.status != 0, "\(wrongSheet.stdout)")
        let signedSheet = try CLI.xuanyi(sign + ["--member", "xwh2=\(workspace.path("committee-password"))"])
        #expect(signedSheet.status == 0 && signedSheet.stdout.contains("xuanyi-count-sheet/1") && signedSheet.stdout.contains("signed by"), "\(signedSheet.stderr)")
        let reopened = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        for tracking in receipts {
            #expect(try reopened.trackBallot(electionID: 1, tracking: tracking) != nil, "ballot \(tracking) lost")
        }
        #expect(receipts.count == numbers.count && numbers.count == 3)
        #expect(try reopened.verifyBallotLog(electionID: 1) == nil)
        // The receipt checks with the openssl command line and the election's published key.
        let receipt = try #require(lastReceipt)
        let key = try #require(try reopened.signingKeys(communityID: 1, purpose: "election:1").first)
        try Data(key.publicKeyPEM.utf8).write(to: URL(fileURLWithPath: workspace.path("election.pub.pem")))
        try receipt.statementBytes.write(to: URL(fileURLWithPath: workspace.path("statement.json")))
        try receipt.signature.write(to: URL(fileURLWithPath: workspace.path("statement.sig")))
        let verified = try CLI.tool("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", workspace.path("election.pub.pem"), "-rawin",
                                                "-in", workspace.path("statement.json"), "-sigfile", workspace.path("statement.sig")])
        #expect(verified.stdout.contains("Signature Verified Successfully"), "\(verified.stderr)")
    }

    @Test("attack: a slowly sent request head does not hold a connection — the server closes it after its idle timeout")
    func slowHeaders() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["init", "--community", "桃园社区", "--database", database]).status == 0)
        let port = CLI.freePort()
        let server = try ServerProcess(["serve", "--port", "\(port)", "--database", database, "--idle-timeout", "2"], port: port)
        defer { server.stop() }
        try server.waitUntilReady()
        // Half a request head, then silence: the answer is the connection closing (0 bytes) within a few seconds.
        let probe = try CLI.tool("python3", ["-c", """
            import socket, time
            s = socket.create_connection(("127.0.0.1", \(port)))
            s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ")
            s.settimeout(20)
            start = time.time()
            data = s.recv(100)
            print(len(data), round(time.time() - start))
            """])
        let fields = probe.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(fields.count == 2 && fields[0] == 0 && fields[1] <= 6, "\(probe.stdout) \(probe.stderr)")
    }
}
