import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

@Suite("polling pages: check-in, proxies, box entry, electronic voting, tracking")
struct PollingPagesTests {
    /// The demo (250 households) on polling day: the round open, two boxes closed, the branch box and electronic voting open.
    func demo() throws -> (WebHarness, Election, PollingRound) {
        let (harness, election, round, _) = try demoWithCards()
        return (harness, election, round)
    }

    /// The demo with the voter cards it issued before polling opened (no card is issued during polling).
    func demoWithCards() throws -> (WebHarness, Election, PollingRound, [VoterCard]) {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 250)
        let result = try DemoElection.seed(into: harness.database, communityID: harness.community.id!, keyStore: harness.keyStore,
                                           committeePassword: Self.committeePassword)
        #expect(result.checkIns > 0 && result.paperBallots > 0 && result.voterCards.count == 3)
        let round = try #require(try harness.database.rounds(electionID: result.election.id!).first)
        return (harness, result.election, round, result.voterCards)
    }

    /// The demo committee's password in these tests (xwh1…).
    static let committeePassword = "committee-password-1"

    /// As many active committee members as the round asks open its sealed electronic box.
    @discardableResult
    func openElectronicBox(_ harness: WebHarness, _ election: Election, _ round: PollingRound) throws -> OpenedBox {
        let box = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .electronic }?.box)
        let members = try harness.database.committeeMembers(electionID: election.id!).filter(\.member.active).prefix(round.boxThreshold ?? 1)
        return try harness.database.openSealedBox(boxID: box.id!, electionID: election.id!,
                                                  openers: members.map { BoxOpener(username: $0.username, password: Self.committeePassword) },
                                                  signingKey: try harness.keyStore.load(keyID: election.keyID), actor: .commandLine)
    }

    /// A voter on the roll who has no ballot yet in `round`.
    func voterWithoutBallot(_ harness: WebHarness, _ election: Election, _ round: PollingRound) throws -> Int {
        let candidates = Set(try harness.database.candidateList(electionID: election.id!).map(\.residentID))
        for line in try harness.database.rollLines(electionID: election.id!, includeRemoved: false).reversed() {
            let entry = try #require(try harness.database.rollEntryID(electionID: election.id!, rollNumber: line.number))
            let person = try #require(try harness.database.residentID(electionID: election.id!, rollNumber: line.number))
            if try !harness.database.hasBallot(roundID: round.id!, rollEntryID: entry), !candidates.contains(person) { return line.number }
        }
        throw CommunityError.notFound("a voter without a ballot")
    }

    @Test("the demo's clerks sign in with the demo password, so two-clerk entry can be tried (issue 22 #14)")
    func demoClerksSignIn() async throws {
        let (harness, election, _) = try demo()
        try await harness.test { browser in
            for clerk in ["lr1", "lr2", "lr3"] {
                let login = try await browser.login(clerk, Self.committeePassword)
                #expect(login.status == .seeOther, "\(clerk)")
                #expect(try await browser.get("/elections/\(election.id!)/polling").status == .ok, "\(clerk)")
                _ = try await browser.post("/logout", form: [])
            }
        }
    }

    @Test("a clerk checks a voter in at the open branch box; a second check-in is refused; the polling page shows the counts")
    func checkIn() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let number = try voterWithoutBallot(harness, election, round)
        let branch = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .fixed && $0.box.status == .open })
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/elections/\(id)/rounds/\(round.id!)/check-in?box=\(branch.box.id!)&q=\(number)")
            #expect(page.status == .ok && page.body.contains("发票") && page.body.contains("name=\"q\" value=\"\(number)\""))
            // A refused check-in keeps the search and its result (issue 22 #5).
            let refused = try await browser.post("/elections/\(id)/rounds/\(round.id!)/check-in",
                                                 form: [("box", String(branch.box.id!)), ("number", String(number)), ("assistedBy", "not-an-id"), ("q", String(number))])
            #expect(refused.status == .unprocessableContent && refused.body.contains("id=\"ci-q\" name=\"q\" value=\"\(number)\"")
                    && refused.body.contains("name=\"number\" value=\"\(number)\""))
            let issued = try await browser.post("/elections/\(id)/rounds/\(round.id!)/check-in", form: [("box", String(branch.box.id!)), ("number", String(number))])
            #expect(issued.status == .ok && issued.body.contains("已发票：\(number)号") && !issued.body.contains("Ballot issued"))
            let again = try await browser.post("/elections/\(id)/rounds/\(round.id!)/check-in", form: [("box", String(branch.box.id!)), ("number", String(number))])
            #expect(again.status == .unprocessableContent && again.body.contains("already received a ballot in this round"))
            let polling = try await browser.get("/elections/\(id)/polling")
            #expect(polling.status == .ok && polling.body.contains("\(branch.box.name)</a>") && polling.body.contains("<td>\(branch.issued + 1)</td>"))
            // The JSON API: the same voter again is a conflict.
            let api = try await browser.send("/api/v1/elections/\(id)/check-ins", method: .post,
                                             headers: [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: browser.currentCSRF()],
                                             body: ByteBuffer(string: #"{"round":\#(round.id!),"box":\#(branch.box.id!),"number":\#(number)}"#))
            #expect(api.status == .conflict)
            let rounds = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/rounds").body.utf8)) as? [[String: Any]]
            #expect((rounds?.first?["boxes"] as? [[String: Any]])?.count == 4)
            // The public proxy list.
            let proxies = try await browser.get("/elections/\(id)/proxies/list")
            #expect(proxies.status == .ok && proxies.body.contains("委托投票名单"))
        }
    }

    @Test("paper entry through the box page: hand count, pass A and pass B agree, the box closes with a signed count sheet")
    func boxEntry() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let branch = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .fixed && $0.box.status == .open })
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "clerk2", displayName: "文员二", password: WebHarness.clerkPassword,
                                                      roles: [.clerk]), actor: .commandLine)
        let paper = try round.paper()
        let marks = paper.sections.map { ("m.\($0.post.rawValue).1", "approve") }
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)")
            let counted = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/hand-count", form: [("handCount", "1")])
            #expect(counted.status == .ok && counted.body.contains("第一位计票人清点：1张，等待第二位计票人独立清点"))
            // The same clerk cannot count twice; a second teller's equal count opens the entry.
            let again = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/hand-count", form: [("handCount", "1")])
            #expect(again.status == .unprocessableContent && again.body.contains("second teller"))
            try await browser.login("clerk2", WebHarness.clerkPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)")
            let agreed = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/hand-count", form: [("handCount", "1")])
            #expect(agreed.status == .ok && agreed.body.contains("两位计票人清点一致：1张") && agreed.body.contains("录入第 1"))
            #expect(agreed.body.contains("与发出选票\(branch.issued)张不符") == (branch.issued != 1))
            try await browser.login("clerk", WebHarness.clerkPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)")
            let first = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries", form: [("pass", "A"), ("position", "1"), ("state", "marked")] + marks)
            #expect(first.status == .ok && first.body.contains("等待另一遍录入"))
            let badWriteIn = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries",
                                                    form: [("pass", "B"), ("position", "1"), ("state", "marked"), ("w.member.1", "张三")] + marks)
            #expect(badWriteIn.status == .unprocessableContent && badWriteIn.body.contains("roll number"))
            // The refused paper comes back as typed (issue 22 #5): marks, the write-in, the paper's state.
            #expect(badWriteIn.body.contains("value=\"张三\"") && badWriteIn.body.contains("<option value=\"marked\" selected>"))
            for (field, _) in marks { #expect(badWriteIn.body.contains("name=\"\(field)\" value=\"approve\" checked"), "\(field)") }
            let closedByClerk = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/close", form: [("confirm", "yes")])
            #expect(closedByClerk.status == .forbidden)
            try await browser.login("clerk2", WebHarness.clerkPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)?pass=B")
            let second = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries", form: [("pass", "B"), ("position", "1"), ("state", "marked")] + marks)
            #expect(second.status == .ok && second.body.contains("第1张两遍录入一致"))
            try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)")
            // Irreversible: without the confirmation box ticked nothing happens (issue 22 #11).
            let unconfirmed = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/close", form: [])
            #expect(unconfirmed.status == .unprocessableContent && unconfirmed.body.contains("此步骤不能撤销"))
            #expect(try harness.database.box(id: branch.box.id!, electionID: id).box.status != .closed)
            let closed = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/close", form: [("confirm", "yes")])
            #expect(closed.status == .ok && closed.body.contains("计票结果已签署：1张选票") && !closed.body.contains("Count sheet signed") && closed.body.contains("xyr1."))
        }
        #expect(try harness.database.verifyBallotLog(electionID: id) == nil)
    }

    @Test("a voter logs in with the voter card, marks, confirms and casts; the receipt verifies and the public tracking page finds the ballot; a retry gives the same receipt")
    func electronicVoting() async throws {
        let (harness, election, round, cards) = try demoWithCards()
        let id = election.id!
        let card = try #require(cards.first)
        let number = card.number
        let paper = try round.paper()
        let key = try #require(try harness.database.signingKeys(communityID: harness.community.id!, purpose: "election:\(id)").first)
        try await harness.test { browser in
            // An electronic round is open: the home page offers voting (and only then, issue 22 #12).
            #expect(try await browser.get("/").body.contains("/elections/\(id)/vote"))
            let login = try await browser.get("/elections/\(id)/vote")
            #expect(login.status == .ok && login.body.contains("name=\"code\""))
            let wrong = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(number)), ("code", "0000-0000-0000-0")])
            #expect(wrong.status == .unauthorized)
            let ok = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(number)), ("code", card.accessCode)])
            #expect(ok.status == .seeOther)
            let ballot = try await browser.get("/elections/\(id)/vote")
            #expect(ballot.status == .ok && paper.sections.allSatisfy { section in section.candidates.allSatisfy { ballot.body.contains($0.name) } })
            let choices = paper.sections.map { ("m.\($0.post.rawValue).1", "approve") }
            let review = try await browser.post("/elections/\(id)/vote/review", form: choices)
            #expect(review.status == .ok && review.body.contains("请核对您的选票"))
            // Going back to change the marks keeps them (issue 22 #5): each first candidate still 同意, a write-in as typed.
            let back = try await browser.post("/elections/\(id)/vote/review", form: choices + [("edit", "yes"), ("w.member.1", "查无此人")])
            for section in paper.sections {
                #expect(back.body.contains("name=\"m.\(section.post.rawValue).1\" value=\"approve\" checked"), "\(section.post)")
                #expect(!back.body.contains("name=\"m.\(section.post.rawValue).1\" value=\"abstain\" checked"), "\(section.post)")
            }
            if paper.sections.contains(where: { $0.post == .member && $0.writeInLines > 0 }) { #expect(back.body.contains("value=\"查无此人\"")) }
            // A refused ballot comes back as marked too.
            let refused = try await browser.post("/elections/\(id)/vote/review", form: choices + [("m.member.2", "maybe")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("name=\"m.\(paper.sections[0].post.rawValue).1\" value=\"approve\" checked"))
            let token = try #require(review.body.components(separatedBy: "name=\"formToken\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let reviewed = [("round", String(round.id!)), ("paper", round.paperDigest)]
            let wrongRound = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token)), ("round", "999"), ("paper", round.paperDigest)] + choices)
            #expect(wrongRound.status == .conflict)
            let cast = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + reviewed + choices)
            #expect(cast.status == .created && cast.body.contains("您的选票已加密投入电子票箱") && cast.body.contains("向他人证明"))
            let compact = try #require(cast.body.components(separatedBy: "<pre class=\"wrap\">").dropFirst().first?.prefix { $0 != "<" })
            let receipt = try SignedReceipt(compactText: String(compact))
            try receipt.verify(with: try Ed25519PublicKey(pem: key.publicKeyPEM))
            #expect(receipt.statement.what == "ballot" && receipt.statement.round == 1)
            // The receipt's time reads in Beijing time, the signed statement keeps UTC (issue 22 #7).
            let beijing = ReadableTimeTests.shanghai(try #require(Timestamp.date(from: receipt.statement.at)))
            #expect(cast.body.contains("\(beijing.year!)年\(beijing.month!)月\(beijing.day!)日 \(String(format: "%02d:%02d", beijing.hour!, beijing.minute!))（北京时间）"))
            #expect(receipt.statement.at.hasSuffix("Z"))
            // The session ended with the cast: a retried submission is answered from the form token alone.
            let retry = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + choices)
            #expect(retry.status == .created && retry.body.contains(String(compact)))
            // Sealed until the count: the tracking page says so; the receipt file comes from the receipt page itself.
            let sealed = try await browser.get("/elections/\(id)/track/\(receipt.statement.tracking)")
            #expect(sealed.status == .notFound && sealed.body.contains("尚未开启") && !sealed.body.contains("class=\"error\""))
            let encoded = try #require(cast.body.components(separatedBy: "href=\"data:application/json;base64,").dropFirst().first?.prefix { $0 != "\"" })
            let file = try #require(Data(base64Encoded: String(encoded)))
            #expect(try SignedReceipt(json: file).statement == receipt.statement)
            try openElectronicBox(harness, election, round)
            let tracked = try await browser.get("/elections/\(id)/track/\(receipt.statement.tracking)")
            #expect(tracked.status == .ok && tracked.body.contains("已计入"))
            let download = try await browser.get("/elections/\(id)/track/\(receipt.statement.tracking)/receipt.json")
            #expect(try SignedReceipt(json: Data(download.body.utf8)).statement == receipt.statement)
            let unknown = try await browser.get("/elections/\(id)/track/\(String(repeating: "0", count: 64))")
            #expect(unknown.status == .notFound)
            // The receipt prints the short code; typed on the tracking page it leads to the ballot (issue 22 #9).
            let short = TrackingCode.short(receipt.statement.tracking)
            #expect(cast.body.contains("<code class=\"tracking\">\(short)</code>"))
            let form = try await browser.get("/elections/\(id)/track")
            #expect(form.status == .ok && form.body.contains("name=\"code\"") && form.body.contains("怎样核实"))
            let typed = try await browser.get("/elections/\(id)/track?code=\(short.uppercased().replacingOccurrences(of: " ", with: "-"))")
            #expect(typed.status == .seeOther && typed.headers[.location] == "/elections/\(id)/track/\(short.replacingOccurrences(of: " ", with: ""))")
            let byShort = try await browser.get("/elections/\(id)/track/\(short.replacingOccurrences(of: " ", with: ""))")
            #expect(byShort.status == .ok && byShort.body.contains("已计入"))
            let malformed = try await browser.get("/elections/\(id)/track?code=12ab")
            #expect(malformed.status == .unprocessableContent && malformed.body.contains("查询码应为16至64位") && malformed.body.contains("value=\"12ab\""))
            // Done: the session is over (the login form again); logging in again shows the ballot is already cast.
            let after = try await browser.get("/elections/\(id)/vote")
            #expect(after.body.contains("name=\"code\""))
            _ = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(number)), ("code", card.accessCode)])
            let again = try await browser.get("/elections/\(id)/vote")
            #expect(again.body.contains("已领取或投出选票"))
        }
        let line = try #require(try harness.database.ballotLog(electionID: id).last)
        #expect(try JSONDecoder().decode(BallotLine.self, from: Data(line.line.utf8)).method == "electronic")
    }

    @Test("the ballot API: a voter session from the card login casts JSON, gets the signed receipt; a retry by form token gets it again; no session, no cast")
    func ballotAPI() async throws {
        let (harness, election, round, cards) = try demoWithCards()
        let id = election.id!
        let card = try #require(cards.first)
        let number = card.number
        let paper = try round.paper()
        let ballot = MarkedBallot(paper: round.paperDigest, state: .marked, posts: paper.sections.map { section in
            MarkedBallot.PostMarks(post: section.post, marks: section.candidates.indices.map { $0 == 0 ? .approve : .abstain })
        })
        let formToken = try AppDatabase.newFormToken()
        struct Submission: Encodable { let round: Int64; let paper: String; let formToken: String; let ballot: MarkedBallot }
        let body = String(decoding: try JSONEncoder().encode(Submission(round: round.id!, paper: round.paperDigest, formToken: formToken, ballot: ballot)), as: UTF8.self)
        let key = try #require(try harness.database.signingKeys(communityID: harness.community.id!, purpose: "election:\(id)").first)
        try await harness.test { browser in
            var castCode: String?
            _ = try await browser.get("/elections/\(id)/vote")
            let csrf = try #require(browser.cookie("xy_csrf"))
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: csrf]
            let anonymous = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(anonymous.status == .unauthorized)
            _ = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(number)), ("code", card.accessCode)])
            let cast = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(cast.status == .created)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(cast.body.utf8)) as? [String: Any])
            let receipt = try SignedReceipt(compactText: try #require(json["receipt"] as? String))
            try receipt.verify(with: try Ed25519PublicKey(pem: key.publicKeyPEM))
            #expect(receipt.statement.what == "ballot" && json["tracking"] as? String == receipt.statement.tracking && json["seq"] == nil)
            castCode = receipt.statement.tracking
            let retry = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(retry.status == .ok && retry.body.contains(receipt.compactText))
            let other = String(decoding: try JSONEncoder().encode(Submission(round: round.id!, paper: round.paperDigest, formToken: try AppDatabase.newFormToken(),
                                                                             ballot: ballot)), as: UTF8.self)
            let second = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: other))
            #expect(second.status == .unauthorized)   // the session ended with the cast
            // Opened at the count, the ballot the receipt names is the one sent.
            try openElectronicBox(harness, election, round)
            let code = try #require(castCode)
            let line = try #require(try harness.database.trackBallot(electionID: id, tracking: code))
            #expect(try JSONDecoder().decode(BallotLine.self, from: Data(line.line.utf8)).ballot == ballot)
        }
    }

    @Test("attack: while a round is open no role reads its count — round result page and API are refused, and the election result, its API and the statistics do not move when one voter casts")
    func openRoundIsSealed() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        try harness.database.createAccount(NewAccount(communityID: harness.community.id, username: "weiyuan", displayName: "委员", password: "committee-pass-12",
                                                      roles: [.committee]), actor: .commandLine)
        let number = try voterWithoutBallot(harness, election, round)
        let entry = try #require(try harness.database.rollEntryID(electionID: id, rollNumber: number))
        let key = try harness.keyStore.load(keyID: election.keyID)
        let paper = try round.paper()
        // A ballot nobody else in the demo casts: every first candidate disapproved.
        let ballot = MarkedBallot(paper: round.paperDigest, state: .marked, posts: paper.sections.map { section in
            MarkedBallot.PostMarks(post: section.post, marks: section.candidates.indices.map { $0 == 0 ? .disapprove : .abstain })
        })
        let watched = ["/elections/\(id)/result", "/api/v1/elections/\(id)/result", "/elections/\(id)/statistics", "/elections/\(id)/statistics.csv",
                       "/api/v1/elections/\(id)/statistics"]
        try await harness.test { browser in
            for (user, password) in [(nil, nil), ("clerk", WebHarness.clerkPassword), ("weiyuan", "committee-pass-12"), ("admin", WebHarness.adminPassword)] as [(String?, String?)] {
                if let user, let password {
                    _ = try await browser.get("/")
                    _ = try await browser.post("/logout", form: [])
                    try await browser.login(user, password)
                }
                for uri in ["/elections/\(id)/rounds/\(round.id!)/result", "/api/v1/elections/\(id)/rounds/\(round.id!)/result"] {
                    let page = try await browser.get(uri)
                    #expect(page.status == .conflict, "\(user ?? "anonymous") read \(uri): \(page.status)")
                    #expect(page.body.contains("still open") && !page.body.contains("collected"))
                }
            }
            // Logged in as the administrator: the election's result and statistics before and after one cast.
            var before: [String: String] = [:]
            for uri in watched { before[uri] = try await browser.get(uri).body }
            _ = try harness.database.castElectronicBallot(roundID: round.id!, rollEntryID: entry, ballot: ballot, formToken: try AppDatabase.newFormToken(),
                                                          signingKey: key)
            for uri in watched {
                let after = try await browser.get(uri).body
                #expect(after.replacingOccurrences(of: #"name="_csrf" value="[^"]*""#, with: "", options: .regularExpression)
                        == before[uri]!.replacingOccurrences(of: #"name="_csrf" value="[^"]*""#, with: "", options: .regularExpression),
                        "\(uri) changed when one voter cast")
            }
            // The committee cannot get it from the command-line path either.
            #expect(throws: CommunityError.self) { try harness.database.countedRound(roundID: round.id!, electionID: id) }
        }
    }

    @Test("a round's result is public once the round is closed, counted from the log with the tally's steps")
    func closedRoundResult() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let key = try harness.keyStore.load(keyID: election.keyID)
        try openElectronicBox(harness, election, round)
        for status in try harness.database.boxes(roundID: round.id!) where status.box.status != .closed {
            if status.box.kind != .electronic {
                for teller in try harness.database.accounts().filter({ ["admin", "clerk"].contains($0.username) }) {
                    try harness.database.enterHandCount(boxID: status.box.id!, electionID: id, count: 0, accountID: teller.id!, actor: .commandLine)
                }
            }
            _ = try harness.database.closeBox(boxID: status.box.id!, electionID: id, signingKey: key, actor: .commandLine)
        }
        try harness.database.closeRound(roundID: round.id!, electionID: id, actor: .commandLine)
        let result = try harness.database.countedRound(roundID: round.id!, electionID: id)
        let logged = try harness.database.ballotLog(electionID: id).count
        #expect(!result.provisional && result.count.collected == logged)
        try await harness.test { browser in
            let page = try await browser.get("/elections/\(id)/rounds/\(round.id!)/result")
            #expect(page.status == .ok && page.body.contains("收回选票") && !page.body.contains("临时计票结果"))
            let top = try #require(result.count.votes[.director]?.max { $0.value < $1.value })
            #expect(page.body.contains("<td>\(try #require(result.names[top.key]))</td><td>\(top.value)</td>"))
            let api = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/rounds/\(round.id!)/result").body.utf8)) as? [String: Any]
            #expect(api?["collected"] as? Int == result.count.collected && api?["provisional"] as? Bool == false)
        }
    }
}
