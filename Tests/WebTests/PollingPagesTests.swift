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
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 250)
        let result = try DemoElection.seed(into: harness.database, communityID: harness.community.id!, keyStore: harness.keyStore)
        #expect(result.checkIns > 0 && result.paperBallots > 0)
        let round = try #require(try harness.database.rounds(electionID: result.election.id!).first)
        return (harness, result.election, round)
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

    @Test("a clerk checks a voter in at the open branch box; a second check-in is refused; the polling page shows the counts")
    func checkIn() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let number = try voterWithoutBallot(harness, election, round)
        let branch = try #require(try harness.database.boxes(roundID: round.id!).first { $0.box.kind == .fixed && $0.box.status == .open })
        try await harness.test { browser in
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/elections/\(id)/rounds/\(round.id!)/check-in?box=\(branch.box.id!)&q=\(number)")
            #expect(page.status == .ok && page.body.contains("发票"))
            let issued = try await browser.post("/elections/\(id)/rounds/\(round.id!)/check-in", form: [("box", String(branch.box.id!)), ("number", String(number))])
            #expect(issued.status == .ok && issued.body.contains("已发票 Ballot issued: \(number)"))
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
            #expect(counted.status == .ok && counted.body.contains("录入第 1"))
            let first = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries", form: [("pass", "A"), ("position", "1"), ("state", "marked")] + marks)
            #expect(first.status == .ok && first.body.contains("waiting for the other pass"))
            let badWriteIn = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries",
                                                    form: [("pass", "B"), ("position", "1"), ("state", "marked"), ("w.member.1", "张三")] + marks)
            #expect(badWriteIn.status == .unprocessableContent && badWriteIn.body.contains("roll number"))
            let closedByClerk = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/close", form: [])
            #expect(closedByClerk.status == .forbidden)
            try await browser.login("clerk2", WebHarness.clerkPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)?pass=B")
            let second = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/entries", form: [("pass", "B"), ("position", "1"), ("state", "marked")] + marks)
            #expect(second.status == .ok && second.body.contains("Paper 1 agreed"))
            try await browser.login("admin", WebHarness.adminPassword)
            _ = try await browser.get("/elections/\(id)/boxes/\(branch.box.id!)")
            let closed = try await browser.post("/elections/\(id)/boxes/\(branch.box.id!)/close", form: [])
            #expect(closed.status == .ok && closed.body.contains("Count sheet signed: 1 ballots") && closed.body.contains("xyr1."))
        }
        #expect(try harness.database.verifyBallotLog(electionID: id) == nil)
    }

    @Test("a voter logs in with the voter card, marks, confirms and casts; the receipt verifies and the public tracking page finds the ballot; a retry gives the same receipt")
    func electronicVoting() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let number = try voterWithoutBallot(harness, election, round)
        let card = try #require(try harness.database.issueVoterCards(electionID: id, numbers: [number], hasher: PasswordHasher(logN: 4, blockSize: 8, parallelism: 1),
                                                                     actor: .commandLine).first)
        let paper = try round.paper()
        let key = try #require(try harness.database.signingKeys(communityID: harness.community.id!, purpose: "election:\(id)").first)
        try await harness.test { browser in
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
            let token = try #require(review.body.components(separatedBy: "name=\"formToken\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let reviewed = [("round", String(round.id!)), ("paper", round.paperDigest)]
            let wrongRound = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token)), ("round", "999"), ("paper", round.paperDigest)] + choices)
            #expect(wrongRound.status == .conflict)
            let cast = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + reviewed + choices)
            #expect(cast.status == .created && cast.body.contains("您的选票已记录"))
            let compact = try #require(cast.body.components(separatedBy: "<pre class=\"wrap\">").dropFirst().first?.prefix { $0 != "<" })
            let receipt = try SignedReceipt(compactText: String(compact))
            try receipt.verify(with: try Ed25519PublicKey(pem: key.publicKeyPEM))
            #expect(receipt.statement.what == "ballot" && receipt.statement.round == 1)
            // The session ended with the cast: a retried submission is answered from the form token alone.
            let retry = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + choices)
            #expect(retry.status == .created && retry.body.contains(String(compact)))
            let tracked = try await browser.get("/elections/\(id)/track/\(receipt.statement.tracking)")
            #expect(tracked.status == .ok && tracked.body.contains("已计入"))
            let download = try await browser.get("/elections/\(id)/track/\(receipt.statement.tracking)/receipt.json")
            #expect(try SignedReceipt(json: Data(download.body.utf8)).statement == receipt.statement)
            let unknown = try await browser.get("/elections/\(id)/track/\(String(repeating: "0", count: 64))")
            #expect(unknown.status == .notFound)
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
        let (harness, election, round) = try demo()
        let id = election.id!
        let number = try voterWithoutBallot(harness, election, round)
        let card = try #require(try harness.database.issueVoterCards(electionID: id, numbers: [number], hasher: PasswordHasher(logN: 4, blockSize: 8, parallelism: 1),
                                                                     actor: .commandLine).first)
        let paper = try round.paper()
        let ballot = MarkedBallot(paper: round.paperDigest, state: .marked, posts: paper.sections.map { section in
            MarkedBallot.PostMarks(post: section.post, marks: section.candidates.indices.map { $0 == 0 ? .approve : .abstain })
        })
        let formToken = try AppDatabase.newFormToken()
        struct Submission: Encodable { let round: Int64; let paper: String; let formToken: String; let ballot: MarkedBallot }
        let body = String(decoding: try JSONEncoder().encode(Submission(round: round.id!, paper: round.paperDigest, formToken: formToken, ballot: ballot)), as: UTF8.self)
        let key = try #require(try harness.database.signingKeys(communityID: harness.community.id!, purpose: "election:\(id)").first)
        try await harness.test { browser in
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
            #expect(receipt.statement.what == "ballot" && json["tracking"] as? String == receipt.statement.tracking)
            let retry = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(retry.status == .ok && retry.body.contains(receipt.compactText))
            let other = String(decoding: try JSONEncoder().encode(Submission(round: round.id!, paper: round.paperDigest, formToken: try AppDatabase.newFormToken(),
                                                                             ballot: ballot)), as: UTF8.self)
            let second = try await browser.send("/api/v1/elections/\(id)/ballots", method: .post, headers: headers, body: ByteBuffer(string: other))
            #expect(second.status == .unauthorized)   // the session ended with the cast
        }
        #expect(try harness.database.ballotLog(electionID: id).last.map { try JSONDecoder().decode(BallotLine.self, from: Data($0.line.utf8)).ballot } == ballot)
    }

    @Test("a round's result: provisional for the committee while open, counted from the log with the tally's steps; not public until closed")
    func roundResult() async throws {
        let (harness, election, round) = try demo()
        let id = election.id!
        let result = try harness.database.tallyRound(roundID: round.id!, electionID: id)
        let logged = try harness.database.ballotLog(electionID: id).count
        #expect(result.provisional && result.count.collected == logged)
        try await harness.test { browser in
            let anonymous = try await browser.get("/api/v1/elections/\(id)/rounds/\(round.id!)/result")
            #expect(anonymous.status == .unauthorized)
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/elections/\(id)/rounds/\(round.id!)/result")
            #expect(page.status == .ok && page.body.contains("临时计票结果") && page.body.contains("收回选票"))
            let top = try #require(result.count.votes[.director]?.max { $0.value < $1.value })
            #expect(page.body.contains("<td>\(try #require(result.names[top.key]))</td><td>\(top.value)</td>"))
            let api = try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/v1/elections/\(id)/rounds/\(round.id!)/result").body.utf8)) as? [String: Any]
            #expect(api?["collected"] as? Int == result.count.collected && api?["provisional"] as? Bool == true)
        }
    }
}
