import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// The nomination fixture taken to polling day: the list published (candidates are roll
/// numbers 1, 2, 3, 4, 5, 7, 9, 11, 13), a central venue and a branch station, the main round
/// open with electronic voting, box 1 at the centre and box 2 at the branch.
final class PollingFixture {
    let x: NominationFixture
    let round: PollingRound
    let central: PollingStation
    let branch: PollingStation
    let box1: BallotBox
    let box2: BallotBox
    let clerkA: Account
    let clerkB: Account
    let clerkC: Account

    /// Voter cards issued before polling opened (for `cards`), with their access codes.
    let voterCards: [VoterCard]

    /// The fixture's rule set: the national model with electronic voting at polling-station
    /// terminals (the domain's casting calls stand for the terminals).
    static var stationRules: RuleSet {
        var rules = RuleSet.nationalModel(method: .direct)
        rules.electronicVoting = .station
        return rules
    }

    init(proxies: [(principal: Int, holder: Int)] = [], publishProxies: Bool = true, cards: [Int] = [], rules: RuleSet = PollingFixture.stationRules,
         database: AppDatabase? = nil) throws {
        x = try NominationFixture(rules: rules, database: database)
        try x.fullSlate()
        try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        voterCards = cards.isEmpty ? [] : try x.database.issueVoterCards(electionID: x.id, numbers: cards, hasher: PasswordHasher(logN: 4, blockSize: 8, parallelism: 1),
                                                                        actor: .commandLine)
        for (principal, holder) in proxies {
            try x.database.fileProxy(electionID: x.id, principal: principal, holder: holder, document: "委托书\(principal)",
                                     signedOn: NominationFixture.listDay, on: NominationFixture.listDay, actor: .commandLine)
        }
        if publishProxies { try x.database.publishProxyList(electionID: x.id, on: CivilDate(year: 2026, month: 12, day: 17)!, actor: .commandLine) }
        round = try #require(try x.database.openMainRounds(electionID: x.id, communityName: "桃园社区", electronic: true, signingKey: try x.f.signingKey(for: x.election), actor: .commandLine).first)
        central = try x.database.addStation(electionID: x.id, name: "中心会场", kind: .central, actor: .commandLine)
        branch = try x.database.addStation(electionID: x.id, name: "分会场", kind: .branch, actor: .commandLine)
        box1 = try x.database.addBox(roundID: round.id!, stationID: central.id!, name: "1号票箱", kind: .fixed, actor: .commandLine)
        box2 = try x.database.addBox(roundID: round.id!, stationID: branch.id!, name: "2号票箱", kind: .fixed, actor: .commandLine)
        let (database, community) = (x.database, x.f.community.id!)
        let clerks = try ["clerkA", "clerkB", "clerkC"].map { name in
            try database.createAccount(NewAccount(communityID: community, username: name, displayName: name, password: "clerk-password-1",
                                                  roles: [.clerk]), actor: .commandLine)
        }
        (clerkA, clerkB, clerkC) = (clerks[0], clerks[1], clerks[2])
    }

    var database: AppDatabase { x.database }
    var id: Int64 { x.id }
    var key: Ed25519PrivateKey { get throws { try x.f.signingKey(for: x.election) } }

    func paper() throws -> BallotPaper { try round.paper() }

    /// A ballot approving the first candidate of every post.
    func ballot(approving position: Int = 0) throws -> MarkedBallot {
        MarkedBallot(paper: round.paperDigest, state: .marked, posts: try paper().sections.map { section in
            var marks = Array(repeating: Mark.abstain, count: section.candidates.count)
            marks[position % marks.count] = .approve
            return MarkedBallot.PostMarks(post: section.post, marks: marks)
        })
    }

    /// Three of the four committee members (c26, c27, c28) open the round's sealed electronic box.
    @discardableResult
    func openElectronicBox() throws -> OpenedBox {
        let box = try #require(try database.boxes(roundID: round.id!).first { $0.box.kind == .electronic }?.box)
        return try database.openSealedBox(boxID: box.id!, electionID: id, openers: ["c26", "c27", "c28"].map { BoxOpener(username: $0, password: "committee-password") },
                                          signingKey: try key, actor: .commandLine)
    }

    /// Two tellers (clerks A and B) count `box`'s papers alike.
    func handCount(_ box: BallotBox, _ count: Int) throws {
        for clerk in [clerkA, clerkB] {
            try database.enterHandCount(boxID: box.id!, electionID: id, count: count, accountID: clerk.id!, actor: .commandLine)
        }
    }

    func checkIn(_ number: Int, box: BallotBox? = nil) throws {
        try database.checkIn(roundID: round.id!, boxID: (box ?? box1).id!, number: number, accountID: clerkA.id, actor: .commandLine)
    }
}

@Suite("polling day (election-rules.md §5–§6, verifiability.md §3–§4)")
struct PollingTests {
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test("one ballot per voter per round: a second check-in anywhere is refused, with where the first was")
    func oneBallot() throws {
        let p = try PollingFixture()
        try p.checkIn(20)
        #expect(reason { try p.checkIn(20, box: p.box2) }.contains("roll number 20 already received a ballot in this round (1号票箱, 本人领票)"))
        #expect(reason { try p.checkIn(99) }.contains("roll number 99 is not on the roll"))
        #expect(try p.database.checkInCounts(roundID: p.round.id!) == [.inPerson: 1])
        let found = try p.database.findVoters(electionID: p.id, roundID: p.round.id!, query: "20")
        #expect(found.first?.alreadyAt == "1号票箱")
    }

    @Test("two stations checking in the same voter at the same moment: exactly one ballot is issued (on-disk WAL database, as served)")
    func concurrentCheckIn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("polling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let p = try PollingFixture(database: try AppDatabase.open(path: directory.appendingPathComponent("x.sqlite").path, modules: [ElectionsSchema.self]))
        let database = p.database, round = p.round.id!, boxes = [p.box1.id!, p.box2.id!]
        for number in 20...29 {
            let results = await withTaskGroup(of: Bool.self) { group in
                for attempt in 0..<8 {
                    group.addTask {
                        (try? database.checkIn(roundID: round, boxID: boxes[attempt % 2], number: number, accountID: nil, actor: .commandLine)) != nil
                    }
                }
                var successes = 0
                for await success in group where success { successes += 1 }
                return successes
            }
            #expect(results == 1, "roll number \(number)")
        }
        #expect(try p.database.checkInCounts(roundID: p.round.id!)[.inPerson] == 10)
    }

    @Test("a candidate may not mark a ballot for a voter (代写); anyone else may, and it is recorded")
    func assisted() throws {
        let p = try PollingFixture()
        let candidate = try p.x.resident(number: 1)
        #expect(reason { try p.database.checkIn(roundID: p.round.id!, boxID: p.box1.id!, number: 20, assistedBy: candidate.id, accountID: nil, actor: .commandLine) }
            .contains("is a candidate and may not mark a ballot"))
        let helper = try p.x.resident(number: 30)
        let checkIn = try p.database.checkIn(roundID: p.round.id!, boxID: p.box1.id!, number: 20, assistedBy: helper.id, accountID: nil, actor: .commandLine)
        #expect(checkIn.assistedByID == helper.id)
    }

    @Test("a mobile box needs mobileBoxScrutineers named scrutineers, none a candidate or a candidate's spouse")
    func mobileBox() throws {
        let p = try PollingFixture()
        let three = try [40, 42, 44].map { try p.x.resident(number: $0).id! }
        #expect(reason { _ = try p.database.addBox(roundID: p.round.id!, stationID: p.central.id!, name: "流动", kind: .mobile,
                                                   scrutineers: Array(three.prefix(2)), actor: .commandLine) }.contains("at least 3 named scrutineers (2 given)"))
        let spouseOfCandidate = try p.x.resident(number: 6).id!   // wife of 5 (a 副主任 candidate)
        #expect(reason { _ = try p.database.addBox(roundID: p.round.id!, stationID: p.central.id!, name: "流动", kind: .mobile,
                                                   scrutineers: Array(three.prefix(2)) + [spouseOfCandidate], actor: .commandLine) }.contains("配偶 of nominee"))
        let mobile = try p.database.addBox(roundID: p.round.id!, stationID: p.central.id!, name: "流动", kind: .mobile, scrutineers: three, actor: .commandLine)
        try p.checkIn(21, box: mobile)
        #expect(try p.database.checkInCounts(roundID: p.round.id!) == [.mobile: 1])
        #expect(try p.database.boxes(roundID: p.round.id!).first { $0.box.id == mobile.id }?.scrutineers.count == 3)
    }

    @Test("proxies: filed in time, one holder for at most three, no re-delegation, no candidate holder; the holder's check-in issues one ballot per valid principal")
    func proxies() throws {
        let p = try PollingFixture(proxies: [(20, 30), (22, 30), (24, 30)], publishProxies: false)
        let day = NominationFixture.listDay
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 26, holder: 30, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("already holds 3 proxies"))
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 30, holder: 32, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("holds proxies and cannot pass their vote on"))
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 32, holder: 20, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("has given their own proxy and cannot hold one"))
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 32, holder: 1, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("is a candidate and may not hold a proxy"))
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 20, holder: 34, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("already has a proxy"))
        let late = CivilDate(year: 2026, month: 12, day: 16)!
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 32, holder: 34, document: "d", signedOn: late, on: late, actor: .commandLine) }
            .contains("proxies are filed by 2026-12-15"))
        // Not yet published: the proxies are void at the polls.
        let unpublished = try p.database.checkInProxies(roundID: p.round.id!, boxID: p.box1.id!, holderNumber: 30, accountID: nil, actor: .commandLine)
        #expect(unpublished.allSatisfy { $0.refused?.contains("void") == true })
        #expect(reason { try p.database.publishProxyList(electionID: p.id, on: CivilDate(year: 2026, month: 12, day: 19)!, actor: .commandLine) }
            .contains("had to be published by 2026-12-18"))
        try p.database.publishProxyList(electionID: p.id, on: CivilDate(year: 2026, month: 12, day: 18)!, actor: .commandLine)
        #expect(reason { try p.database.fileProxy(electionID: p.id, principal: 32, holder: 34, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("the proxy list was published"))
        // Principal 22 came in person; the holder gets ballots for 20 and 24 only.
        try p.checkIn(22, box: p.box2)
        let issues = try p.database.checkInProxies(roundID: p.round.id!, boxID: p.box1.id!, holderNumber: 30, accountID: nil, actor: .commandLine)
        #expect(issues.filter { $0.refused == nil }.map(\.principalNumber) == [20, 24])
        #expect(issues.first { $0.principalNumber == 22 }?.refused?.contains("already received") == true)
        #expect(try p.database.checkInCounts(roundID: p.round.id!) == [.inPerson: 1, .proxy: 2])
    }

    @Test("a proxy holder must be a close relative when the rule set says so")
    func closeRelativeHolder() throws {
        var rules = RuleSet()
        rules.proxyHolder = .closeRelative
        let x = try NominationFixture(rules: rules)
        let day = NominationFixture.today
        #expect(reason { try x.database.fileProxy(electionID: x.id, principal: 20, holder: 30, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("requires a close relative"))
        try x.database.fileProxy(electionID: x.id, principal: 20, holder: 19, document: "d", signedOn: day, on: day, actor: .commandLine)  // her husband
    }

    @Test("paper accounting per station: received, issued, spoiled and replaced, returned")
    func paperAccounting() throws {
        let p = try PollingFixture()
        try p.database.recordPapers(roundID: p.round.id!, stationID: p.central.id!, .received, count: 50, actor: .commandLine)
        for number in 20...29 { try p.checkIn(number) }
        try p.database.recordPapers(roundID: p.round.id!, stationID: p.central.id!, .spoiled, count: 1, actor: .commandLine)
        try p.database.recordPapers(roundID: p.round.id!, stationID: p.central.id!, .returned, count: 30, actor: .commandLine)
        let account = try #require(try p.database.paperAccounts(roundID: p.round.id!).first { $0.station.id == p.central.id }?.account)
        #expect(account == PaperAccount(received: 50, issued: 10, spoiled: 1, returned: 30))
        #expect(account.unaccounted == 9)
    }

    @Test("double entry: agreeing passes go into the log; differing ones wait for a third look by someone else; the same clerk cannot do both")
    func doubleEntry() throws {
        let p = try PollingFixture()
        for number in 20...23 { try p.checkIn(number) }
        #expect(reason { try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .first, ballot: try p.ballot(),
                                                   accountID: p.clerkA.id!, actor: .commandLine) }.contains("hand count"))
        try p.handCount(p.box1, 3)
        #expect(reason { try p.checkIn(24) }.contains("closed for counting"))
        func enter(_ position: Int, _ pass: EntryPass, _ ballot: MarkedBallot, by clerk: Account) throws -> EntryOutcome {
            try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: position, pass: pass, ballot: ballot, accountID: clerk.id!, actor: .commandLine)
        }
        #expect(try enter(1, .first, try p.ballot(), by: p.clerkA) == .waiting)
        #expect(reason { _ = try enter(1, .second, try p.ballot(), by: p.clerkA) }.contains("same clerk cannot enter both passes"))
        guard case .agreed(let seq, let tracking) = try enter(1, .second, try p.ballot(), by: p.clerkB) else { Issue.record("not agreed"); return }
        #expect(seq == 1 && tracking.count == 64)
        #expect(try enter(2, .first, try p.ballot(approving: 0), by: p.clerkA) == .waiting)
        #expect(try enter(2, .second, try p.ballot(approving: 1), by: p.clerkB) == .mismatch)
        #expect(reason { _ = try enter(2, .third, try p.ballot(), by: p.clerkA) }.contains("entered neither pass"))
        #expect(try p.database.paperEntries(boxID: p.box1.id!).map(\.mismatch) == [false, true, false])
        // Closing now: 1 of 3 agreed, 1 awaiting a third look.
        #expect(reason { try p.database.closeBox(boxID: p.box1.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine) }
            .contains("1 papers agreed of 3 counted (difference 2, 1 awaiting a third look); the box stays open"))
        guard case .agreed = try enter(2, .third, try p.ballot(approving: 1), by: p.clerkC) else { Issue.record("third look did not settle"); return }
        let blank = MarkedBallot.unmarked(.blank, paper: p.round.paperDigest)
        _ = try enter(3, .first, blank, by: p.clerkA)
        _ = try enter(3, .second, blank, by: p.clerkB)
        let (sheet, receipt) = try p.database.closeBox(boxID: p.box1.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        #expect(sheet.handCount == 3 && sheet.issued == 4 && sheet.ballots == 3 && sheet.blank == 1 && sheet.valid == 3 && sheet.invalid == 0)
        let lastTracking = try p.database.ballotLog(electionID: p.id).last?.tracking
        #expect(sheet.format == CountSheet.format && sheet.kind == "fixed" && sheet.head.seq == 3 && sheet.head.tracking == lastTracking)
        // Each candidate's votes in the box (paper 1 approves the first of each post, paper 2 the
        // second, paper 3 is blank), every listed candidate named, 0 votes included.
        let paper = try p.paper()
        #expect(sheet.candidates.count == paper.sections.map(\.candidates.count).reduce(0, +) && sheet.writeIns.isEmpty)
        for section in paper.sections {
            let votes = Dictionary(uniqueKeysWithValues: sheet.candidates.filter { $0.post == section.post }.map { ($0.person, $0.votes) })
            #expect(votes[section.candidates[0].person] == 1 && votes[section.candidates[1 % section.candidates.count].person] == (section.candidates.count > 1 ? 1 : 2))
        }
        let sheetDigest = try CanonicalJSON.digest(sheet).hex
        #expect(receipt.statement.what == "count-sheet" && receipt.statement.tracking == sheetDigest)
        let registered = try #require(try p.database.signingKeys(communityID: p.x.f.community.id!, purpose: "election:\(p.id)").first)
        try receipt.verify(with: try Ed25519PublicKey(pem: registered.publicKeyPEM))
        #expect(try p.database.verifyBallotLog(electionID: p.id) == nil)
        let lines = try p.database.ballotLog(electionID: p.id).map { try JSONDecoder().decode(BallotLine.self, from: Data($0.line.utf8)) }
        #expect(lines.map(\.ballot) == [try p.ballot(), try p.ballot(approving: 1), blank])
        let firstTracking = try p.database.ballotLog(electionID: p.id)[0].tracking
        #expect(lines.map(\.method) == ["paper", "paper", "paper"] && lines[1].prev == firstTracking)
    }

    @Test("a ballot must fit the paper: one mark per candidate, write-ins within the lines and on the roll")
    func ballotValidation() throws {
        let p = try PollingFixture()
        try p.checkIn(20)
        try p.handCount(p.box1, 1)
        var short = try p.ballot()
        short.posts[0].marks.removeLast()
        var tooManyWriteIns = try p.ballot()
        tooManyWriteIns.posts[0].writeIns = [.init(person: nil), .init(person: nil)]
        var notOnRoll = try p.ballot()
        notOnRoll.posts[3].writeIns = [.init(person: 999_999)]
        var otherPaper = try p.ballot()
        otherPaper.paper = String(repeating: "0", count: 64)
        for (ballot, expected) in [(short, "director: 2 marks"), (tooManyWriteIns, "at most 1 write-ins"), (notOnRoll, "not on the roll"), (otherPaper, "not marked on this round's ballot paper")] {
            #expect(reason { try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .first, ballot: ballot, accountID: p.clerkA.id!,
                                                       actor: .commandLine) }.contains(expected), "\(expected)")
        }
        var writeIn = try p.ballot()
        writeIn.posts[3].writeIns = [.init(person: try p.x.resident(number: 40).id!), .init(person: nil)]
        #expect(try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .first, ballot: writeIn, accountID: p.clerkA.id!,
                                          actor: .commandLine) == .waiting)
    }

    @Test("electronic casting: one transaction marks the voter and logs the ballot; the receipt verifies; a retry returns the same receipt; no second ballot, no paper after")
    func electronic() throws {
        let p = try PollingFixture()
        let entry = try #require(try p.database.rollEntryID(electionID: p.id, rollNumber: 40))
        let token = try AppDatabase.newFormToken()
        #expect(reason { _ = try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(), formToken: "short",
                                                                 signingKey: try p.key) }.contains("form token"))
        let cast = try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(), formToken: token, signingKey: try p.key)
        let registered = try #require(try p.database.signingKeys(communityID: p.x.f.community.id!, purpose: "election:\(p.id)").first)
        try cast.receipt.verify(with: try Ed25519PublicKey(pem: registered.publicKeyPEM))
        #expect(cast.receipt.statement.what == "ballot" && cast.receipt.statement.round == 1 && cast.receipt.statement.tracking == cast.tracking)
        let retry = try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(), formToken: token, signingKey: try p.key)
        #expect(retry == cast)
        #expect(reason { _ = try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(approving: 1),
                                                                 formToken: try AppDatabase.newFormToken(), signingKey: try p.key) }.contains("already received a ballot"))
        #expect(reason { try p.checkIn(40) }.contains("already received a ballot in this round (电子投票, 电子投票)"))
        // Sealed in the electronic box: not in the log, not found by its code, until the committee opens the box.
        #expect(try p.database.ballotLog(electionID: p.id).isEmpty)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking) == nil)
        try p.openElectronicBox()
        #expect(try p.database.ballotLog(electionID: p.id).count == 1)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking) != nil)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: String(repeating: "a", count: 64)) == nil)
        // A person types the short code from the receipt: any prefix of 16+ digits, spaces, hyphens and capitals allowed.
        let found = try #require(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking))
        let short = TrackingCode.short(cast.tracking)
        #expect(short.count == 19 && short.split(separator: " ").map(\.count) == [4, 4, 4, 4] && cast.tracking.hasPrefix(short.replacingOccurrences(of: " ", with: "")))
        #expect(try p.database.trackBallot(electionID: p.id, tracking: short)?.seq == found.seq)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: short.uppercased().replacingOccurrences(of: " ", with: "-"))?.seq == found.seq)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: String(cast.tracking.prefix(40)))?.seq == found.seq)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: String(cast.tracking.prefix(15))) == nil, "15 digits are too few to look up")
        #expect(TrackingCode.normalized("0123 4567 89ab cdeg") == nil && TrackingCode.normalized("０１２３４５６７８９ａｂｃｄｅｆ") == nil)
        // A prefix two ballots share finds neither: plant a line whose code shares the first 16 digits.
        let twin = String(cast.tracking.prefix(16)) + String(cast.tracking.dropFirst(16).map { $0 == "0" ? "1" : "0" })
        try p.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO ballotLog (electionID, seq, roundID, boxID, line, tracking, recordedAt)
                SELECT electionID, seq + 1000, roundID, boxID, line, ?, recordedAt FROM ballotLog WHERE electionID = ? AND seq = ?
                """, arguments: [twin, p.id, found.seq])
        }
        #expect(try p.database.trackBallot(electionID: p.id, tracking: short) == nil)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking)?.seq == found.seq)
        #expect(try p.database.trackBallot(electionID: p.id, tracking: twin)?.seq == found.seq + 1000)
        try p.database.writer.write { db in try db.execute(sql: "DELETE FROM ballotLog WHERE electionID = ? AND seq = ?", arguments: [p.id, found.seq + 1000]) }
        // The check-in keeps the date only.
        let at = try p.database.reader.read { db in try String.fetchOne(db, sql: "SELECT at FROM checkIn WHERE rollEntryID = ?", arguments: [entry]) }
        #expect(at?.count == 10)
    }

    @Test("no table links a voter to a ballot: voter-bearing tables carry no ballot, the ballot tables carry no voter")
    func secrecy() throws {
        let p = try PollingFixture()
        let tables = try p.database.reader.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'") }
        let voterColumns: Set<String> = ["rollEntryID", "residentID", "principalEntryID", "holderEntryID", "accountID", "assistedByID", "issuedBy"]
        let ballotColumns: Set<String> = ["line", "tracking", "content", "seq"]
        for table in tables {
            let columns = Set(try p.database.reader.read { db in try db.columns(in: table).map(\.name) })
            if table == "ballotLog" || table == "electronicCast" || table == "paperBallot" {
                #expect(columns.isDisjoint(with: voterColumns), "\(table) carries a voter column")
            }
            if table == "checkIn" || table == "voterSession" {
                #expect(columns.isDisjoint(with: ballotColumns), "\(table) carries a ballot column")
            }
        }
        // checkIn keeps no insertion order that could be matched against the log.
        let sql = try p.database.reader.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'checkIn'") }
        #expect(sql?.contains("WITHOUT ROWID") == true)
    }

    @Test("voter sessions: the access code from the voter card logs in; a wrong code does not")
    func voterSessions() throws {
        let p = try PollingFixture(cards: [40])
        let card = try #require(p.voterCards.first)
        #expect(try p.database.startVoterSession(electionID: p.id, number: 40, code: card.accessCode.replacingOccurrences(of: "-", with: "")) != nil)
        let token = try #require(try p.database.startVoterSession(electionID: p.id, number: 40, code: card.accessCode))
        #expect(try p.database.voterSession(token: token)?.number == 40)
        #expect(try p.database.startVoterSession(electionID: p.id, number: 41, code: card.accessCode) == nil)
        try p.database.endVoterSession(token: token)
        #expect(try p.database.voterSession(token: token) == nil)
    }

    @Test("group commit: forty concurrent casts all commit, each once, with receipts; a refused cast in the same batch leaves the others alone")
    func groupCommit() async throws {
        let p = try PollingFixture()
        let caster = BallotCaster(database: p.database, maxBatch: 8)
        let key = try p.key
        let round = p.round.id!
        let ballot = try p.ballot()
        try p.checkIn(40)   // 40 already has a paper ballot: its cast is refused
        let entries = try (20...60).map { try #require(try p.database.rollEntryID(electionID: p.id, rollNumber: $0)) }
        let results = await withTaskGroup(of: (Int64, Result<CastBallot, any Error>).self) { group in
            for entry in entries {
                group.addTask {
                    do {
                        return (entry, .success(try await caster.cast(roundID: round, rollEntryID: entry, ballot: ballot,
                                                                       formToken: String(format: "groupcommittoken%016lld", entry), signingKey: key)))
                    } catch {
                        return (entry, .failure(error))
                    }
                }
            }
            var all: [(Int64, Result<CastBallot, any Error>)] = []
            for await result in group { all.append(result) }
            return all
        }
        let refused = results.filter { if case .failure = $0.1 { return true } else { return false } }
        #expect(refused.count == 1)
        let casts = results.compactMap { try? $0.1.get() }
        #expect(casts.count == 40 && Set(casts.map(\.tracking)).count == 40)
        try p.openElectronicBox()
        let registered = try #require(try p.database.signingKeys(communityID: p.x.f.community.id!, purpose: "election:\(p.id)").first)
        var seqs: Set<Int> = []
        for cast in casts {
            try cast.receipt.verify(with: try Ed25519PublicKey(pem: registered.publicKeyPEM))
            seqs.insert(try #require(try p.database.trackBallot(electionID: p.id, tracking: cast.tracking)).seq)
        }
        #expect(seqs.count == 40)
        #expect(try p.database.ballotLog(electionID: p.id).count == 40)
        #expect(try p.database.verifyBallotLog(electionID: p.id) == nil)
        #expect(try p.database.checkInCounts(roundID: p.round.id!) == [.inPerson: 1, .electronic: 40])
        // Grouped: 41 casts took fewer transactions than casts, none larger than maxBatch.
        let batches = await caster.batches
        #expect(batches >= 6 && batches < 41, "\(batches) transactions")
    }

    @Test("the tellers' agreed hand count is not entered again; a round closes only when every box is closed, and then takes no more ballots")
    func closing() throws {
        let p = try PollingFixture()
        try p.checkIn(20)
        try p.handCount(p.box1, 1)
        #expect(reason { _ = try p.database.enterHandCount(boxID: p.box1.id!, electionID: p.id, count: 0, accountID: p.clerkC.id!, actor: .commandLine) }
            .contains("committee corrects"))
        #expect(reason { try p.database.closeRound(roundID: p.round.id!, electionID: p.id, actor: .commandLine) }.contains("close every box first"))
        _ = try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .first, ballot: try p.ballot(), accountID: p.clerkA.id!, actor: .commandLine)
        _ = try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .second, ballot: try p.ballot(), accountID: p.clerkB.id!, actor: .commandLine)
        try p.handCount(p.box2, 0)
        for box in try p.database.boxes(roundID: p.round.id!) {
            try p.database.closeBox(boxID: box.box.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        }
        let closedBox = try p.database.box(id: p.box1.id!, electionID: p.id).box
        let sheet = try JSONDecoder().decode(CountSheet.self, from: Data(try #require(closedBox.countSheetJSON).utf8))
        let signed = try SignedReceipt(compactText: try #require(closedBox.countSheet)).statement.tracking
        let digest = try CanonicalJSON.digest(sheet).hex
        #expect(sheet.handCount == 1 && sheet.issued == 1 && signed == digest)
        try p.database.closeRound(roundID: p.round.id!, electionID: p.id, actor: .commandLine)
        #expect(reason { try p.checkIn(21, box: p.box2) }.contains("round 1 is closed"))
        let entry = try #require(try p.database.rollEntryID(electionID: p.id, rollNumber: 22))
        #expect(reason { _ = try p.database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(),
                                                                 formToken: try AppDatabase.newFormToken(), signingKey: try p.key) }.contains("round 1 is closed"))
    }

    @Test("a nominee still standing may not hold a proxy, even before the candidate list is published")
    func nomineeHolder() throws {
        let x = try NominationFixture()
        try x.stand(30, .member, from: 41)
        let day = NominationFixture.today
        #expect(reason { try x.database.fileProxy(electionID: x.id, principal: 20, holder: 30, document: "d", signedOn: day, on: day, actor: .commandLine) }
            .contains("is a candidate and may not hold a proxy"))
    }

    @Test("casting ends the voter's session in the same transaction; a retry by form token alone finds the receipt")
    func sessionEnds() throws {
        let p = try PollingFixture(cards: [40])
        let code = try #require(p.voterCards.first?.accessCode)
        let session = try #require(try p.database.startVoterSession(electionID: p.id, number: 40, code: code))
        let state = try #require(try p.database.castingState(electionID: p.id, token: session))
        let token = try AppDatabase.newFormToken()
        let cast = try p.database.castElectronicBallot(roundID: try #require(state.round?.id), rollEntryID: state.voter.rollEntryID, ballot: try p.ballot(),
                                                       formToken: token, signingKey: try p.key, sessionToken: session)
        #expect(try p.database.voterSession(token: session) == nil)
        #expect(try p.database.previousCast(electionID: p.id, formToken: token, signingKey: try p.key) == cast)
        #expect(try p.database.previousCast(electionID: p.id, formToken: try AppDatabase.newFormToken(), signingKey: try p.key) == nil)
        let stored = try p.database.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM voterSession") }
        #expect(stored == 0)
    }

    @Test("attack: a clerk re-issues a voter's card during polling to vote in their name — refused, the voter's own card still works; the audit names the roll numbers")
    func noCardsDuringPolling() throws {
        let p = try PollingFixture(cards: [40, 41])
        let hasher = PasswordHasher(logN: 4, blockSize: 8, parallelism: 1)
        #expect(reason { _ = try p.database.issueVoterCards(electionID: p.id, numbers: [40], hasher: hasher, actor: .commandLine) }.contains("Polling is open"))
        #expect(reason { _ = try p.database.issueVoterCards(electionID: p.id, hasher: hasher, actor: .commandLine) }.contains("Polling is open"))
        #expect(reason { try p.database.refuseCardsWhilePolling(communityID: p.x.f.community.id!) }.contains("Polling is open"))
        #expect(try p.database.startVoterSession(electionID: p.id, number: 40, code: p.voterCards[0].accessCode) != nil)
        let audit = try p.database.reader.read { db in try String.fetchAll(db, sql: "SELECT details FROM auditEntry WHERE action = 'roll.cards'") }
        #expect(audit.count == 1 && audit[0].contains(#""numbers":"40-41""#))
        // Between rounds (none open) the committee may replace a lost card again.
        for status in try p.database.boxes(roundID: p.round.id!) {
            if status.box.kind != .electronic { try p.handCount(try p.database.box(id: status.box.id!, electionID: p.id).box, 0) }
            _ = try p.database.closeBox(boxID: status.box.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        }
        try p.database.closeRound(roundID: p.round.id!, electionID: p.id, actor: .commandLine)
        #expect(try p.database.issueVoterCards(electionID: p.id, numbers: [41], hasher: hasher, actor: .commandLine).map(\.number) == [41])
    }

    @Test("attack: the roll is frozen once polling opens — no voter added, removed (even one who has voted) or restored; the round's turnout base stays")
    func rollFrozen() throws {
        let p = try PollingFixture()
        try p.checkIn(40)
        let base = try #require(try p.database.round(id: p.round.id!, electionID: p.id).rollSize)
        #expect(base == (try p.database.rollCounts(electionID: p.id).totalActive))
        let person = try #require(try p.database.residentID(electionID: p.id, rollNumber: 40))
        let day = p.x.election.electionDay
        #expect(reason { _ = try p.database.changeRoll(electionID: p.id, residentID: person, reason: .died, on: day, note: nil, actor: .commandLine) }
            .contains("frozen"))
        #expect(try p.database.rollCounts(electionID: p.id).totalActive == base)
        #expect(try p.database.round(id: p.round.id!, electionID: p.id).rollSize == base)
    }

    @Test("attack: a third look that agrees with neither pass is not counted — the committee decides, with its reason; every entry and decision is in the audit chain")
    func thirdLookMustAgree() throws {
        let p = try PollingFixture()
        for number in 20...21 { try p.checkIn(number) }
        try p.handCount(p.box1, 1)
        func enter(_ pass: EntryPass, _ ballot: MarkedBallot, by clerk: Account) throws -> EntryOutcome {
            try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: pass, ballot: ballot, accountID: clerk.id!, actor: .commandLine)
        }
        #expect(try enter(.first, try p.ballot(approving: 0), by: p.clerkA) == .waiting)
        #expect(try enter(.second, try p.ballot(approving: 1), by: p.clerkB) == .mismatch)
        #expect(try enter(.third, try p.ballot(approving: 2), by: p.clerkC) == .disputed)
        #expect(try p.database.ballotLog(electionID: p.id).isEmpty)
        #expect(try p.database.paperEntries(boxID: p.box1.id!).map(\.disputed) == [true])
        #expect(reason { _ = try enter(.third, try p.ballot(approving: 0), by: p.clerkC) }.contains("already has pass C"))
        let members = try p.database.createAccount(NewAccount(communityID: p.x.f.community.id, username: "weiyuan", displayName: "委员",
                                                              password: "committee-pass-12", roles: [.committee]), actor: .commandLine)
        #expect(reason { _ = try p.database.decidePaper(boxID: p.box1.id!, electionID: p.id, position: 1, ballot: try p.ballot(approving: 1), reason: " ",
                                                        accountID: members.id!, actor: .commandLine) }.contains("reason"))
        let (seq, _) = try p.database.decidePaper(boxID: p.box1.id!, electionID: p.id, position: 1, ballot: try p.ballot(approving: 1),
                                                  reason: "选票上第二位候选人处有明显勾选", accountID: members.id!, actor: .commandLine)
        #expect(seq == 1)
        let audit = try p.database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT action, details FROM auditEntry WHERE action LIKE 'paper.%' ORDER BY seq").map { ($0["action"] as String, $0["details"] as String) }
        }
        #expect(audit.map(\.0) == ["paper.entry", "paper.entry", "paper.entry", "paper.decision"])
        #expect(audit[2].1.contains("disputed") && audit[3].1.contains("选票上第二位候选人处有明显勾选"))
        // Nothing in them names a voter.
        #expect(audit.allSatisfy { !$0.1.contains("rollEntry") && !$0.1.contains("number\":") })
    }

    @Test("attack: one clerk types a hand count of 1 for a box with 91 ballots issued — a second teller counts; differing counts wait for the committee; a count unlike the ballots issued is flagged; the committee corrects with a reason")
    func handCountByTwoTellers() throws {
        let p = try PollingFixture()
        for number in 20...24 { try p.checkIn(number) }
        func count(_ n: Int, by clerk: Account) throws -> HandCountOutcome {
            try p.database.enterHandCount(boxID: p.box1.id!, electionID: p.id, count: n, accountID: clerk.id!, actor: .commandLine)
        }
        #expect(try count(1, by: p.clerkA) == .waiting)
        #expect(reason { try p.checkIn(25) }.contains("closed for counting"))
        #expect(reason { _ = try count(1, by: p.clerkA) }.contains("second teller"))
        #expect(reason { _ = try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: 1, pass: .first, ballot: try p.ballot(),
                                                       accountID: p.clerkA.id!, actor: .commandLine) }.contains("hand count"))
        #expect(try count(5, by: p.clerkB) == .differ(first: 1, second: 5))
        #expect(reason { _ = try count(5, by: p.clerkC) }.contains("committee decides"))
        #expect(reason { try p.database.correctHandCount(boxID: p.box1.id!, electionID: p.id, count: 5, reason: "", accountID: p.clerkC.id!, actor: .commandLine) }
            .contains("reason"))
        try p.database.correctHandCount(boxID: p.box1.id!, electionID: p.id, count: 4, reason: "两次清点不一致，委员会重点为4张", accountID: p.clerkC.id!, actor: .commandLine)
        #expect(try p.database.box(id: p.box1.id!, electionID: p.id).box.handCount == 4)
        for position in 1...2 {
            for clerk in [p.clerkA, p.clerkB] {
                _ = try p.database.enterPaper(boxID: p.box1.id!, electionID: p.id, position: position, pass: clerk == p.clerkA ? .first : .second,
                                              ballot: try p.ballot(), accountID: clerk.id!, actor: .commandLine)
            }
        }
        #expect(reason { try p.database.correctHandCount(boxID: p.box1.id!, electionID: p.id, count: 1, reason: "再数", accountID: p.clerkC.id!, actor: .commandLine) }
            .contains("already entered"))
        try p.database.correctHandCount(boxID: p.box1.id!, electionID: p.id, count: 2, reason: "复点为2张", accountID: p.clerkC.id!, actor: .commandLine)
        try p.database.closeBox(boxID: p.box1.id!, electionID: p.id, signingKey: try p.key, actor: .commandLine)
        #expect(reason { try p.database.correctHandCount(boxID: p.box1.id!, electionID: p.id, count: 3, reason: "x", accountID: p.clerkC.id!, actor: .commandLine) }
            .contains("closed"))
        let audit = try p.database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT action || ' ' || details FROM auditEntry WHERE action LIKE 'box.handCount%' ORDER BY seq")
        }
        #expect(audit.count == 4 && audit[1].hasPrefix("box.handCount.differ") && audit[2].contains("两次清点不一致") && audit[2].contains(#""differsFromIssued":"yes""#))
        #expect(try p.database.handCounts(boxID: p.box1.id!).map(\.count) == [1, 5, 4, 2])
    }
}
