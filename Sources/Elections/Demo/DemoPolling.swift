import Community
import Foundation
import GRDB
import Notary

/// Polling day in the demo: the central venue and a branch station, proxies filed and their
/// list published, the main round open with electronic voting, a fixed box at each station
/// and a mobile box carried by three scrutineers; voters checked in (some by proxy, one with
/// a helper), electronic ballots cast with receipts (enough for more than half of the roll to
/// have voted), and the central and mobile boxes counted,
/// entered twice by two clerks (with a disagreement settled by a third look) and closed with
/// signed count sheets, which the committee's scrutineer (xwh2) signs with their own key when
/// the committee's password is known. The branch box and electronic voting stay open to try.
enum DemoPolling {
    struct Result: Sendable {
        let checkIns: Int
        let electronic: Int
        let paperEntered: Int
        /// Voter cards issued before polling opened, for trying electronic voting.
        var voterCards: [VoterCard] = []
    }

    static func seed(into database: AppDatabase, election: Election, communityName: String, keyStore: KeyStore,
                     committeePassword: String? = nil) throws -> Result {
        let electionID = election.id!
        let day = election.electionDay
        let key = try keyStore.load(keyID: election.keyID)
        let numbers = try database.rollLines(electionID: electionID, includeRemoved: false).map(\.number)
        let candidates = Set(try database.candidateList(electionID: electionID).map(\.residentID))
        var voters: [Int] = []
        for number in numbers {
            if let person = try database.residentID(electionID: electionID, rollNumber: number), !candidates.contains(person) { voters.append(number) }
        }
        guard voters.count >= 420 else { return Result(checkIns: 0, electronic: 0, paperEntered: 0) }
        // Enough electronic ballots that, with the 253 papers counted, more than half of the roll
        // has voted: the round's (provisional) result is then a real one.
        // The last three voters keep their ballots: their voter cards are printed by the demo.
        let electronicCount = max(0, min(voters.count - 423, max(40, numbers.count / 2 + 1 - 253 + 20)))

        // Clerks who enter the papers (two passes and a third look). With the committee's demo
        // password, so that two-clerk entry can be tried by signing in as lr1 and lr2 (issue 22 #14).
        let clerkPassword = try committeePassword ?? SecureRandom.token(byteCount: 18)
        let clerks = try ["lr1", "lr2", "lr3"].map { username in
            try database.createAccount(NewAccount(communityID: election.communityID, username: username, displayName: "录入员\(username.suffix(1))",
                                                  password: clerkPassword, roles: [.clerk]), actor: .system)
        }

        // Proxies, filed in time and published.
        let proxyPairs = [(voters[400], voters[401]), (voters[402], voters[401]), (voters[403], voters[404])]
        for (principal, holder) in proxyPairs {
            try database.fileProxy(electionID: electionID, principal: principal, holder: holder, document: "委托书第\(principal)号",
                                   signedOn: day.adding(days: -9), on: day.adding(days: -8), actor: .system)
        }
        try database.publishProxyList(electionID: electionID, on: day.adding(days: -3), actor: .system)

        // Voter cards for three voters to try electronic voting with: issued before polling
        // opens, as they must be (no card is issued or re-issued while a round is open).
        let voterCards = try database.issueVoterCards(electionID: electionID, numbers: Array(voters.suffix(3)), actor: .system)

        // Stations, the round, boxes, papers.
        let central = try database.addStation(electionID: electionID, name: "社区服务中心大厅", kind: .central, actor: .system)
        let branch = try database.addStation(electionID: electionID, name: "3号楼活动室", kind: .branch, actor: .system)
        guard let round = try database.openMainRounds(electionID: electionID, communityName: communityName, electronic: true, signingKey: key, actor: .system).first else {
            return Result(checkIns: 0, electronic: 0, paperEntered: 0)
        }
        // Three scrutineers for the mobile box from the voters after 405 who may hold a polling
        // role (no nominee's spouse or lineal relative), whoever the roll's numbering puts there.
        var scrutineers: [Int64] = []
        for number in voters[405...] where scrutineers.count < 3 {
            let person = try database.residentID(electionID: electionID, rollNumber: number)!
            let allowed = try database.reader.read { db -> Bool in
                guard let resident = try Resident.fetchOne(db, key: person) else { return false }
                do { try AppDatabase.refusePollingConflict(db, electionID: electionID, resident: resident); return true } catch { return false }
            }
            if allowed { scrutineers.append(person) }
        }
        let box1 = try database.addBox(roundID: round.id!, stationID: central.id!, name: "中心会场1号票箱", kind: .fixed, actor: .system)
        let box2 = try database.addBox(roundID: round.id!, stationID: branch.id!, name: "分会场票箱", kind: .fixed, actor: .system)
        let mobile = try database.addBox(roundID: round.id!, stationID: central.id!, name: "流动票箱", kind: .mobile, scrutineers: scrutineers, actor: .system)
        try database.recordPapers(roundID: round.id!, stationID: central.id!, .received, count: 320, actor: .system)
        try database.recordPapers(roundID: round.id!, stationID: branch.id!, .received, count: 150, actor: .system)
        try database.recordPapers(roundID: round.id!, stationID: central.id!, .spoiled, count: 2, note: "选民写错换票", actor: .system)

        // Check-in: 240 at the centre (one with a helper), 12 by the mobile box, 90 at the branch, the proxy holders' principals.
        var at = day.instant(hour: 8)
        func tick() -> Date { at = at.addingTimeInterval(37); return at }
        for (index, number) in voters[0..<240].enumerated() {
            try database.checkIn(roundID: round.id!, boxID: box1.id!, number: number, assistedBy: index == 7 ? scrutineers[0] : nil,
                                 accountID: nil, now: tick(), actor: .system)
        }
        for number in voters[240..<252] { try database.checkIn(roundID: round.id!, boxID: mobile.id!, number: number, accountID: nil, now: tick(), actor: .system) }
        for number in voters[252..<342] { try database.checkIn(roundID: round.id!, boxID: box2.id!, number: number, accountID: nil, now: tick(), actor: .system) }
        try database.checkIn(roundID: round.id!, boxID: box1.id!, number: voters[401], accountID: nil, now: tick(), actor: .system)
        _ = try database.checkInProxies(roundID: round.id!, boxID: box1.id!, holderNumber: voters[401], accountID: nil, now: tick(), actor: .system)

        // Electronic ballots with receipts.
        let paper = try round.paper()
        var generator = SeededGenerator(seed: 20261126)
        for number in voters[420..<(420 + electronicCount)] {
            guard let entry = try database.rollEntryID(electionID: electionID, rollNumber: number) else { continue }
            _ = try database.castElectronicBallot(roundID: round.id!, rollEntryID: entry, ballot: randomBallot(paper, digest: round.paperDigest, using: &generator),
                                                  formToken: try SecureRandom.token(byteCount: 24), signingKey: key, now: tick())
        }

        // Count the central box (two papers were taken away: 243 issued, 241 in the box) and the mobile box.
        var entered = 0
        for (box, count) in [(box1, 241), (mobile, 12)] {
            // Two tellers count the papers independently.
            for teller in clerks.prefix(2) {
                try database.enterHandCount(boxID: box.id!, electionID: electionID, count: count, accountID: teller.id!, actor: .system)
            }
            for position in 1...count {
                let ballot = randomBallot(paper, digest: round.paperDigest, using: &generator)
                try database.enterPaper(boxID: box.id!, electionID: electionID, position: position, pass: .first, ballot: ballot,
                                        accountID: clerks[0].id!, actor: .system)
                if position == 5 && box.id == box1.id {
                    // The second clerk misreads paper 5; the third look settles it.
                    let misread = MarkedBallot.unmarked(ballot.state == .blank ? .notOfficial : .blank, paper: round.paperDigest)
                    try database.enterPaper(boxID: box.id!, electionID: electionID, position: position, pass: .second, ballot: misread,
                                            accountID: clerks[1].id!, actor: .system)
                    try database.enterPaper(boxID: box.id!, electionID: electionID, position: position, pass: .third, ballot: ballot,
                                            accountID: clerks[2].id!, actor: .system)
                } else {
                    try database.enterPaper(boxID: box.id!, electionID: electionID, position: position, pass: .second, ballot: ballot,
                                            accountID: clerks[1].id!, actor: .system)
                }
                entered += 1
            }
            try database.closeBox(boxID: box.id!, electionID: electionID, signingKey: key, actor: .system)
            if let committeePassword {
                try ExampleElections.signCountSheet(database: database, boxID: box.id!, electionID: electionID, password: committeePassword)
            }
        }
        try database.recordPapers(roundID: round.id!, stationID: central.id!, .returned, count: 320 - 255 - 2, actor: .system)
        let counts = try database.checkInCounts(roundID: round.id!)
        return Result(checkIns: counts.values.reduce(0, +), electronic: counts[.electronic] ?? 0, paperEntered: entered, voterCards: voterCards)
    }

    /// A plausible ballot: each candidate approved with a chance that falls along the list (in
    /// the demo the first on the list is the favourite), usually no more than the seats, some
    /// disapprovals, the odd over-marked post, blank or invalid paper, now and then a void write-in.
    static func randomBallot(_ paper: BallotPaper, digest: String, using generator: inout SeededGenerator) -> MarkedBallot {
        let roll = Int.random(in: 0..<100, using: &generator)
        if roll < 2 { return .unmarked(.blank, paper: digest) }
        if roll < 3 { return .unmarked(.notOfficial, paper: digest) }
        let chances = [66, 34, 58, 30, 24, 20, 16, 12]   // percent, by place on the list
        let posts = paper.sections.map { section -> MarkedBallot.PostMarks in
            var marks = Array(repeating: Mark.abstain, count: section.candidates.count)
            for index in marks.indices {
                let draw = Int.random(in: 0..<100, using: &generator)
                if draw < chances[min(index, chances.count - 1)] { marks[index] = .approve } else if draw > 90 { marks[index] = .disapprove }
            }
            // Most voters keep to the seats (dropping their later choices); a few over-mark.
            if Int.random(in: 0..<100, using: &generator) >= 3 {
                var approved = 0
                for index in marks.indices where marks[index] == .approve {
                    approved += 1
                    if approved > section.seats { marks[index] = .abstain }
                }
            }
            let writeIn = Int.random(in: 0..<40, using: &generator) == 0 && section.writeInLines > 0
            return MarkedBallot.PostMarks(post: section.post, marks: marks, writeIns: writeIn ? [MarkedBallot.WriteIn(person: nil)] : [])
        }
        return MarkedBallot(paper: digest, state: .marked, posts: posts)
    }
}
