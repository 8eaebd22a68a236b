import Community
import Elections
import Foundation
import HTTPTypes
import NIOCore
import Notary
import Testing
@testable import Web

/// The rule set's `electronicVoting` on the web: the voting page and the polling page say the
/// mode (and a remote basis) in Chinese and English; `off` opens no electronic round; `station`
/// takes voter-card sign-ins and ballots only from a polling-station terminal a clerk unlocked
/// and admitted the voter to.
@Suite("electronic voting mode on the web: off, station terminals, remote with its basis")
struct ElectronicVotingPagesTests {
    static let password = "committee-password-1"

    /// The electronic example (`electronicVoting = station`) after its main round, with voter
    /// cards issued for two voters and the pending 另行选举 opened with its electronic box.
    func stationElection() throws -> (WebHarness, Election, PollingRound, [VoterCard], PollingStation) {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let conducted = try ExampleElections.conduct(.electronic, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                     electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届居民委员会换届选举",
                                                     usernamePrefix: "", password: Self.password, voters: nil, through: .mainRound)
        let id = conducted.election.id!
        #expect(conducted.election.rules.electronicVoting == .station)
        let numbers = try harness.database.rollLines(electionID: id, includeRemoved: false).map(\.number).sorted()
        let cards = try harness.database.issueVoterCards(electionID: id, numbers: [numbers[0], numbers[1]],
                                                         hasher: PasswordHasher(logN: 4, blockSize: 8, parallelism: 1), actor: .commandLine)
        let round = try harness.database.openPendingRound(electionID: id, index: 0, electronic: true, actor: .commandLine)
        let station = try #require(try harness.database.stations(electionID: id).first)
        return (harness, try harness.database.election(id: id), round, cards, station)
    }

    @Test("station: a voter's own browser gets no sign-in form and is refused; a clerk unlocks the booth's device (their sign-in on it ends) and admits one voter, who then signs in and casts there; a ballot from elsewhere is refused")
    func stationTerminals() async throws {
        let (harness, election, round, cards, station) = try stationElection()
        let id = election.id!
        let paper = try round.paper()
        let choices = paper.sections.map { ("m.\($0.post.rawValue).1", "approve") }
        try await harness.test { browser in
            // At home.
            let home = try await browser.get("/elections/\(id)/vote")
            #expect(home.status == .ok && home.body.contains("只能在投票站的投票终端上投出") && !home.body.contains("name=\"code\""))
            let refused = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(cards[0].number)), ("code", cards[0].accessCode)])
            #expect(refused.status == .forbidden && refused.body.contains("polling-station terminal"))
            #expect(browser.cookie(VotingController.voterCookie) == nil)
            // The clerk, on the device in the booth, unlocks it as a terminal of the station.
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/elections/\(id)/terminals")
            #expect(page.status == .ok && page.body.contains("将本设备解锁为投票终端"))
            let unlocked = try await browser.post("/elections/\(id)/terminals", form: [("station", String(station.id!)), ("name", "1号终端")])
            #expect(unlocked.status == .seeOther && unlocked.headers[.location] == "/elections/\(id)/vote")
            let terminalToken = try #require(browser.cookie(TerminalController.terminalCookie))
            #expect(!terminalToken.isEmpty)
            // The clerk's sign-in on the terminal is gone: staff pages ask for a login again.
            #expect(try await browser.get("/elections/\(id)/terminals").status != .ok)
            let terminalPage = try await browser.get("/elections/\(id)/vote")
            #expect(terminalPage.body.contains("本设备是投票站终端") && terminalPage.body.contains("1号终端") && terminalPage.body.contains("name=\"code\""))
            // Not admitted yet.
            let early = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(cards[0].number)), ("code", cards[0].accessCode)])
            #expect(early.status == .forbidden && early.body.contains("admits each voter"))
            // The clerk at the desk (their own device) admits one voter.
            let terminalCookies = browser.cookie(TerminalController.terminalCookie)
            browser.setCookie(TerminalController.terminalCookie, nil)
            try await browser.login("clerk", WebHarness.clerkPassword)
            let terminals = try harness.database.terminals(electionID: id)
            let terminal = try #require(terminals.first?.terminal)
            let desk = try await browser.get("/elections/\(id)/terminals")
            #expect(desk.status == .ok && desk.body.contains("1号终端") && desk.body.contains("放行下一位选民"))
            let admitted = try await browser.post("/elections/\(id)/terminals/\(terminal.id!)/admit", form: [])
            #expect(admitted.status == .ok && admitted.body.contains("已放行一位选民"))
            // Back at the terminal: the voter signs in, marks, reviews and casts.
            browser.setCookie(SessionMiddleware.sessionCookie, nil)
            browser.setCookie(TerminalController.terminalCookie, terminalCookies)
            _ = try await browser.get("/elections/\(id)/vote")
            let signedIn = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(cards[0].number)), ("code", cards[0].accessCode)])
            #expect(signedIn.status == .seeOther)
            let review = try await browser.post("/elections/\(id)/vote/review", form: choices)
            #expect(review.status == .ok)
            let token = try #require(review.body.components(separatedBy: "name=\"formToken\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let reviewed = [("round", String(round.id!)), ("paper", round.paperDigest)]
            // The voter's session carried to another device (no terminal cookie): the ballot is refused there.
            browser.setCookie(TerminalController.terminalCookie, nil)
            let elsewhere = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + reviewed + choices)
            #expect(elsewhere.status == .forbidden && elsewhere.body.contains("polling-station terminal"))
            #expect(try harness.database.hasBallot(roundID: round.id!, rollEntryID: try #require(try harness.database.rollEntryID(electionID: id, rollNumber: cards[0].number))) == false)
            // On the terminal it goes through.
            browser.setCookie(TerminalController.terminalCookie, terminalCookies)
            let cast = try await browser.post("/elections/\(id)/vote/cast", form: [("formToken", String(token))] + reviewed + choices)
            #expect(cast.status == .created)
            // The admission was used: the next voter waits for the clerk.
            let next = try await browser.post("/elections/\(id)/vote/login", form: [("number", String(cards[1].number)), ("code", cards[1].accessCode)])
            #expect(next.status == .forbidden)
        }
        #expect(try harness.database.hasBallot(roundID: round.id!, rollEntryID: try #require(try harness.database.rollEntryID(electionID: id, rollNumber: cards[0].number))))
    }

    @Test("off: the polling page says paper only and offers no electronic box; opening the next round with one is refused; the voting page says so in Chinese and English")
    func offPages() async throws {
        let harness = try WebHarness()
        try ExampleElections.seedHouseholds(database: harness.database, communityID: harness.community.id!)
        let conducted = try ExampleElections.conduct(.directRunoff, database: harness.database, community: harness.community, keyStore: harness.keyStore,
                                                     electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届居民委员会换届选举",
                                                     usernamePrefix: "", password: Self.password, voters: 44, through: .mainRound)
        let id = conducted.election.id!
        #expect(conducted.election.rules.electronicVoting == .off)
        try await harness.test { browser in
            let vote = try await browser.get("/elections/\(id)/vote")
            #expect(vote.body.contains("不设电子投票（仅纸质选票）") && vote.body.contains("请到投票站领取纸质选票"))
            // Paper only: the home page offers no electronic voting (issue 22 #12).
            let home = try await browser.get("/")
            #expect(home.body.contains("/elections/\(id)/roll") && !home.body.contains("/elections/\(id)/vote"))
            try await browser.login("wy1", Self.password)
            let polling = try await browser.get("/elections/\(id)/polling")
            #expect(polling.status == .ok && polling.body.contains("electronicVoting = off"))
            #expect(!polling.body.contains("name=\"electronic\""))
            let result = try await browser.get("/elections/\(id)/result")
            #expect(result.status == .ok && result.body.contains("/result/next-round") && !result.body.contains("name=\"electronic\""))
            // A hand-made request with the box asked for is refused by the domain all the same.
            let next = try await browser.post("/elections/\(id)/result/next-round", form: [("pending", "0"), ("electronic", "yes")])
            #expect(next.body.contains("electronicVoting = off") && next.status != .ok && next.status != .seeOther)
            #expect(try harness.database.rounds(electionID: id).count == 1)
            browser.setCookie("xy_lang", "en")
            let english = try await browser.get("/elections/\(id)/vote")
            #expect(english.body.contains("no electronic voting (paper ballots only)") && english.body.contains("vote on paper at a polling station"))
        }
    }

    @Test("the rules page: the committee chooses the mode and types the legal basis; remote without it is refused naming the field, with it saved")
    func rulesPage() async throws {
        let harness = try WebHarness()
        let election = try harness.database.createElection(communityID: harness.community.id!, title: "第十二届居民委员会换届选举", method: .direct,
                                                           electionDay: CivilDate(year: 2026, month: 12, day: 20)!, keyStore: harness.keyStore, actor: .commandLine)
        let id = election.id!
        try await harness.test { browser in
            try await browser.login("admin", WebHarness.adminPassword)
            let page = try await browser.get("/elections/\(id)/rules")
            #expect(page.status == .ok && page.body.contains("name=\"electronicVoting\"") && page.body.contains("<option value=\"remote\"")
                    && page.body.contains("name=\"electronicVotingBasis\" value=\"\" size=\"60\" maxlength=\"500\""))
            let refused = try await browser.post("/elections/\(id)/rules", form: [("electronicVoting", "remote"), ("electronicVotingBasis", "")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("the law requires off or station; remote only with its legal basis"))
            #expect(try harness.database.election(id: id).rules.electronicVoting == .off)
            let basis = "某市居民委员会选举办法第二十条"
            _ = try await browser.get("/elections/\(id)/rules")
            let saved = try await browser.post("/elections/\(id)/rules", form: [("electronicVoting", "remote"), ("electronicVotingBasis", basis)])
            #expect(saved.status == .ok && saved.body.contains(basis))
            let rules = try harness.database.election(id: id).rules
            #expect(rules.electronicVoting == .remote && rules.electronicVotingBasis == basis)
        }
    }

    @Test("remote (the demo): the voting page shows the mode and the recorded legal basis, in Chinese and in English; the rules API carries both")
    func remotePages() async throws {
        let harness = try WebHarness()
        try DemoCommunity.seed(into: harness.database, communityID: harness.community.id!, householdCount: 250)
        let result = try DemoElection.seed(into: harness.database, communityID: harness.community.id!, keyStore: harness.keyStore)
        let id = result.election.id!
        #expect(result.election.rules.electronicVoting == .remote && result.election.rules.electronicVotingBasis == DemoElection.remoteVotingBasis)
        try await harness.test { browser in
            let zh = try await browser.get("/elections/\(id)/vote")
            #expect(zh.body.contains("远程电子投票") && zh.body.contains("远程电子投票的法律依据") && zh.body.contains("演示用虚构依据") && zh.body.contains("name=\"code\""))
            browser.setCookie("xy_lang", "en")
            let en = try await browser.get("/elections/\(id)/vote")
            #expect(en.body.contains("remote electronic voting") && en.body.contains("Legal basis of remote electronic voting") && en.body.contains("Demo only"))
            let api = try await browser.get("/api/v1/elections/\(id)/rules")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            let rules = try #require(object["rules"] as? [String: Any])
            #expect(rules["electronicVoting"] as? String == "remote" && rules["electronicVotingBasis"] as? String == DemoElection.remoteVotingBasis)
        }
    }
}
