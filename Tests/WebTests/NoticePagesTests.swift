import Community
import Elections
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Notary
import Testing
@testable import Web

/// Election notices on the web: the public list, each notice as a printable A4 document in
/// one language, the JSON with the signed payload a program checks, and the committee's
/// archive download.
@Suite("election notice pages, API and the archive download")
struct NoticePagesTests {
    static let password = "committee-password-1"

    func election(through stage: ExampleElections.Stage) throws -> (WebHarness, Election) {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let result = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                  electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届居民委员会换届选举",
                                                  usernamePrefix: "", password: Self.password, voters: 44, through: stage)
        return (harness, result.election)
    }

    /// Han characters left on a page once the people's and the community's names are taken out.
    static func hanOutsideNames(_ html: String, names: [String]) -> String {
        var text = html
        for name in names.sorted(by: { $0.count > $1.count }) { text = text.replacingOccurrences(of: name, with: "") }
        return String(text.unicodeScalars.filter { (0x3000...0x9FFF).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) }.map(Character.init))
    }

    @Test("the public list and each notice page: Chinese (the signed text) and English, each in one language; the foot carries the key fingerprint, SHA-256 and signature")
    func pages() async throws {
        let (harness, election) = try election(through: .countersigned)
        let id = election.id!
        let notices = try harness.database.notices(electionID: id)
        // The language switch ("中文") is the one Chinese word an English page has besides names.
        var names = ["桃园社区", election.title, "社区服务中心", "1号票箱", "中文"]
        for notice in notices {
            names += notice.notice.facts.members?.map(\.name) ?? []
            names += notice.notice.facts.candidates?.map(\.name) ?? []
            names += notice.notice.facts.rounds?.flatMap { $0.candidates.map(\.name) } ?? []
            names += notice.notice.facts.elected?.map(\.name) ?? []
            names += notice.notice.facts.stations?.map(\.name) ?? []
            names += notice.notice.facts.box?.names?.map(\.name) ?? []
        }
        let allNames = names
        try await harness.test { browser in
            let names = allNames
            let list = try await browser.get("/elections/\(id)/notices")
            #expect(list.status == .ok)
            for notice in notices { #expect(list.body.contains("/elections/\(id)/notices/\(notice.notice.number)\"")) }
            #expect(!list.body.contains("archive.zip"))
            let announcement = try await browser.get("/elections/\(id)/notices/1")
            #expect(announcement.status == .ok && announcement.body.contains("选举公告 第1号") && announcement.body.contains("桃园社区居民委员会选举委员会"))
            #expect(announcement.body.contains(notices[0].keyFingerprint) && announcement.body.contains(notices[0].sha256))
            #expect(announcement.body.contains("official-notice") && !announcement.body.contains("Election notice"))
            #expect(try await browser.get("/elections/\(id)/notices/\(notices.count + 1)").status == .notFound)

            _ = try await browser.get("/lang/en?back=%2F")
            for notice in notices {
                let page = try await browser.get("/elections/\(id)/notices/\(notice.notice.number)")
                #expect(page.status == .ok && page.body.contains("Election notice No. \(notice.notice.number)"))
                #expect(Self.hanOutsideNames(page.body, names: names) == "", "notice \(notice.notice.number): \(Self.hanOutsideNames(page.body, names: names))")
            }
            let english = try await browser.get("/elections/\(id)/notices")
            #expect(english.body.contains("Election notices") && Self.hanOutsideNames(english.body, names: names) == "")
        }
    }

    @Test("the board lists an election from its announcement (notice No. 1), before its roll is published, without a roll link")
    func boardBeforeRoll() async throws {
        let harness = try WebHarness()
        let day = CivilDate.today().adding(days: 60)
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "第十二届居民委员会换届选举", method: .direct,
                                                           electionDay: day, keyStore: harness.keyStore, actor: .system)
        let quiet = try harness.database.createElection(communityID: harness.community.id!, title: "尚未公告的选举", method: .direct,
                                                        electionDay: day, keyStore: harness.keyStore, actor: .system)
        _ = try harness.database.announceElection(electionID: election.id!, on: .today(), actor: .system)
        try await harness.test { browser in
            let board = try await browser.get("/board")
            #expect(board.body.contains("/elections/\(election.id!)/notices"))
            #expect(!board.body.contains("/elections/\(election.id!)/roll"))
            #expect(!board.body.contains("尚未公告的选举") && !board.body.contains("/elections/\(quiet.id!)/"))
            let list = try await browser.get("/elections/\(election.id!)/notices")
            #expect(list.status == .ok && list.body.contains("选举公告"))
        }
    }

    @Test("the API: the list and each notice with its signed canonical payload and signature, which check with the election key")
    func api() async throws {
        let (harness, election) = try election(through: .countersigned)
        let id = election.id!
        let fingerprint = try #require(try harness.database.electionKeyFingerprint(electionID: id))
        try await harness.test { browser in
            let list = try await browser.get("/api/v1/elections/\(id)/notices")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])
            #expect(object["keyFingerprint"] as? String == fingerprint)
            let summaries = try #require(object["notices"] as? [[String: Any]])
            #expect(summaries.compactMap { $0["number"] as? Int } == Array(1...summaries.count))
            #expect(Set(object.keys) == ["election", "keyID", "keyFingerprint", "publicKey", "notices"])
            for summary in summaries {
                let number = try #require(summary["number"] as? Int)
                let page = try await browser.get("/api/v1/elections/\(id)/notices/\(number)")
                let document = try JSONDecoder().decode(NoticeDocument.self, from: Data(page.body.utf8))
                let notice = try document.verify(anchor: fingerprint)
                #expect(notice.number == number && summary["sha256"] as? String == document.sha256)
            }
            #expect(try await browser.get("/api/v1/elections/\(id)/notices/0").status == .notFound)
        }
    }

    @Test("the archive: the election committee downloads it (zip with a signed index); visitors and clerks cannot")
    func archive() async throws {
        let (harness, election) = try election(through: .countersigned)
        let id = election.id!
        try await harness.test { browser in
            #expect(try await browser.get("/elections/\(id)/archive.zip").status != .ok)
            #expect(try await browser.get("/api/v1/elections/\(id)/archive").status == .unauthorized)
            _ = try await browser.login("clerk", WebHarness.clerkPassword)
            #expect(try await browser.get("/elections/\(id)/archive.zip").status == .forbidden)
            _ = try await browser.post("/logout", form: [])
            _ = try await browser.login("wy1", Self.password)
            let list = try await browser.get("/elections/\(id)/notices")
            #expect(list.body.contains("/elections/\(id)/archive.zip"))
            // A correction from the page: a new notice naming the corrected one; a number that is no notice is refused, naming the field.
            let count = try harness.database.notices(electionID: id).count
            let refused = try await browser.post("/elections/\(id)/notices/corrections", form: [("corrects", "99"), ("text", "更正")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("corrects"))
            let corrected = try await browser.post("/elections/\(id)/notices/corrections", form: [("corrects", "2"), ("text", "选民人数以名单为准。")])
            #expect(corrected.status == .seeOther && corrected.headers[.location] == "/elections/\(id)/notices/\(count + 1)")
            let correction = try #require(try harness.database.notice(electionID: id, number: count + 1))
            #expect(correction.notice.corrects == 2 && correction.verify())
            let session = ["xy_session", "xy_csrf"].compactMap { name in browser.cookie(name).map { "\(name)=\($0)" } }.joined(separator: "; ")
            let zip = try await browser.client.execute(uri: "/elections/\(id)/archive.zip", method: .get, headers: [.cookie: session], body: nil)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip", "\(zip.status) \(String(buffer: zip.body).prefix(600))")
            let bytes = Data(zip.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("web-archive-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            try bytes.write(to: scratch.appendingPathComponent("a.zip"))
            let (_, unzipped) = try RecordArchive.unzip(scratch.appendingPathComponent("a.zip"))
            defer { try? FileManager.default.removeItem(at: unzipped) }
            let folder = unzipped.appendingPathComponent("xuanyi-archive-election-\(id)")
            let index = try JSONDecoder().decode(ElectionArchive.Index.self, from: Data(contentsOf: folder.appendingPathComponent("index.json")))
            #expect(index.certified && index.files.contains { $0.path == "record/xuanyi-record-election-\(id).zip" })
            for file in index.files { #expect(SHA256.hash(try Data(contentsOf: folder.appendingPathComponent(file.path))).hex == file.sha256) }
            let key = try Ed25519PublicKey(pem: String(contentsOf: folder.appendingPathComponent("election-key.pub.pem"), encoding: .utf8))
            #expect(key.isValidSignature(try Data(contentsOf: folder.appendingPathComponent("index.json.sig")),
                                         for: try Data(contentsOf: folder.appendingPathComponent("index.json"))))
        }
    }

    @Test("while a round is open no count of it is public: box counts are issued when the round closes")
    func openRound() async throws {
        let (harness, election) = try election(through: .mainRound)
        let id = election.id!
        let round = try harness.database.openPendingRound(electionID: id, index: 0, electronic: false, actor: .system)
        try await harness.test { browser in
            let list = try await browser.get("/api/v1/elections/\(id)/notices")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])
            let summaries = try #require(object["notices"] as? [[String: Any]])
            #expect(summaries.last?["kind"] as? String == "nextRound")
            #expect(summaries.filter { $0["kind"] as? String == "boxCount" }.count == 1)
            for summary in summaries {
                let page = try await browser.get("/api/v1/elections/\(id)/notices/\(summary["number"] as? Int ?? 0)")
                #expect(!page.body.contains("第\(round.number)轮1号票箱"))
            }
        }
    }
}
