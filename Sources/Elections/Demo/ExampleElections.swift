import Community
import Foundation
import GRDB
import Notary

/// Small complete elections, run from the first resident to the countersigned result through
/// the same functions the web pages and the CLI call: the example records in
/// `ballots/examples/` are made by `xuanyi record-examples`, which runs these, and the tests run
/// them too. Thirty households of two; election day 2026-12-20.
public enum ExampleElections {
    /// Which example.
    public enum Kind: String, CaseIterable, Sendable {
        /// Direct election on paper; one 委员 seat unfilled in the main round goes to a second
        /// round (另行选举), which fills it.
        case directRunoff = "direct-runoff"
        /// Household representatives vote (户代表选举), decided in one round.
        case household
        /// Direct election with electronic ballots beside a paper box in both rounds (the main
        /// round leaves a 委员 seat to a second round, as in `directRunoff`); receipts kept.
        case electronic
    }

    /// How far `conduct` goes.
    public enum Stage: Sendable {
        /// The main round held and closed; later rounds still pending.
        case mainRound
        /// Every round the result asks for held; not yet certified.
        case allRounds
        /// Certified and countersigned by as many members as needed.
        case countersigned
    }

    /// What was made.
    public struct Result: Sendable {
        public let election: Election
        /// The certified result (stage `countersigned`).
        public let certified: CertifiedResult?
        /// Receipts of electronic ballots (the electronic example), as their JSON files.
        public let receipts: [SignedReceipt]
    }

    static let electionDay = CivilDate(year: 2026, month: 12, day: 20)!
    static let surnames = ["乙", "丁", "万", "王", "石", "刘", "李", "欧阳", "赵", "高", "黄", "程", "路", "熊", "潘"]
    /// The committee's password in the examples (they are public; nothing here is secret).
    public static let committeePassword = "committee-password"

    /// Runs the example in `database` (an empty one) with keys in `keyStore`; `rehearsal` runs it
    /// in a rehearsal (演练) community.
    public static func run(_ kind: Kind, database: AppDatabase, keyStore: KeyStore, rehearsal: Bool = false) throws -> Result {
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区",
                                                     rehearsal: rehearsal, actor: .system)
        try seedHouseholds(database: database, communityID: community.id!)
        return try conduct(kind, database: database, community: community, keyStore: keyStore, electionDay: electionDay,
                           title: "桃园社区第十二届居民委员会换届选举", usernamePrefix: "", password: committeePassword, voters: kind == .household ? 24 : 44)
    }

    /// Every serving scrutineer (监票人) of the election committee whom the election definition
    /// registers signs a closed box's count sheet with `password` (the examples' and the demo's
    /// committee members share one password).
    static func signCountSheet(database: AppDatabase, boxID: Int64, electionID: Int64, password: String, now: Date = AppClock.now()) throws {
        let registered = Set((try database.electionDefinition(electionID: electionID)?.definition.committee ?? [])
            .filter { $0.publicKey != nil && $0.roles.contains(CommitteeRole.scrutineer.rawValue) }.map(\.member))
        for entry in try database.committeeMembers(electionID: electionID) where entry.member.active && registered.contains(entry.member.id!) {
            try database.countersignCountSheet(boxID: boxID, electionID: electionID, accountID: entry.member.accountID, password: password, now: now, actor: .system)
        }
    }

    /// Thirty households of two, every third headed by the woman.
    public static func seedHouseholds(database: AppDatabase, communityID: Int64) throws {
        var generator = SeededGenerator(seed: 2026)
        for k in 1...30 {
            let address = try database.writer.write { db in
                try AppDatabase.address(db, communityID: communityID, building: "1号楼", unit: "1单元", room: String(100 + k))
            }
            let household = try database.addHousehold(Household(communityID: communityID, number: "H\(k)", addressID: address.id, basis: .hukou), actor: .system)
            // Every third household is headed by the woman (household representatives include women).
            for (index, male) in [true, false].enumerated() {
                let head = (k % 3 == 0) != male
                let born = CivilDate(year: 1960 + k + 2 * index, month: 3 + 2 * index, day: 1)!
                let name = "\(surnames[(k - 1 + 7 * index) % 15])\(male ? (k <= 15 ? "明" : "华") : (k <= 15 ? "芳" : "丽"))"
                try database.addResident(Resident(
                    communityID: communityID, name: name, gender: male ? .male : .female,
                    idNumber: try DemoCommunity.makeID(region: "110101", birth: born, gender: male ? .male : .female, using: &generator),
                    householdID: household.id, relationToHead: head ? "户主" : "配偶", residenceAddressID: address.id, politicalRights: .held,
                    hukouHere: true, livesHere: true), actor: .system)
            }
        }
    }

    /// Holds a whole election in `community` through every step on its legal date before
    /// `electionDay`: announcement, roll, committee (with `usernamePrefix` on its accounts),
    /// nominations and the list, polling with `voters` ballots (default: half the roll and 30;
    /// most cast electronically in the electronic example), later rounds as the result asks,
    /// certification and countersignatures (the committee's and clerks' accounts get `password`).
    /// With `byElectionOf`, the election is that term's by-election (补选) for its vacant seats,
    /// its candidates taken from further down the roll and each seat won in the main round.
    public static func conduct(_ kind: Kind, database: AppDatabase, community: Community, keyStore: KeyStore, electionDay: CivilDate,
                               title: String, usernamePrefix: String, password: String, voters: Int?,
                               through stage: Stage = .countersigned, byElectionOf term: Int64? = nil) throws -> Result {
        let communityID = community.id!
        let method: ElectionMethod = kind == .household ? .household : .direct
        // The electronic example's ballots are cast on polling-station terminals (electronicVoting = station).
        var preset = RuleSet.nationalModel(method: method)
        if kind == .electronic { preset.electronicVoting = .station }
        var election = try term.map { try database.createByElection(termElectionID: $0, title: title, electionDay: electionDay, keyStore: keyStore, actor: .system) }
            ?? database.createElection(communityID: communityID, title: title, method: method,
                                       electionDay: electionDay, rules: preset, keyStore: keyStore, actor: .system)
        let id = election.id!
        let key = try keyStore.load(keyID: election.keyID)
        try database.announceElection(electionID: id, on: electionDay.adding(days: -32), actor: .system)
        try database.buildRoll(electionID: id, actor: .system)
        election = try database.publishRoll(electionID: id, on: electionDay.adding(days: -23), actor: .system)
        let numbers = try database.rollLines(electionID: id, includeRemoved: false).map(\.number).sorted()
        let voters = voters ?? numbers.count / 2 + 30
        func person(_ index: Int) throws -> Int64 { try database.residentID(electionID: id, rollNumber: numbers[index])! }

        // The election committee: three members with their own accounts (and keys).
        let listDay = electionDay.adding(days: -8)
        for (offset, index) in (numbers.count - 3..<numbers.count).enumerated() {
            let username = "\(usernamePrefix)wy\(offset + 1)"
            try database.createAccount(NewAccount(communityID: communityID, username: username, displayName: "选委会成员\(offset + 1)",
                                                  password: password, roles: [.committee], residentID: try person(index)), actor: .system)
            try database.addCommitteeMember(electionID: id, username: username, residentID: try person(index), roles: offset == 0 ? [.chair] : offset == 1 ? [.member, .scrutineer] : [.member],
                                            on: electionDay.adding(days: -22), actor: .system)
        }

        // Nominations: one more candidate than seats for every post.
        let filing = electionDay.adding(days: -22).instant(hour: 10)
        let rules = election.rules
        var slate: [(Post, Int)] = []
        var next = term == nil ? 0 : 12
        let women = try database.reader.read { db in
            Set(try Resident.filter(Column("communityID") == communityID).fetchAll(db).filter { $0.gender == .female }.compactMap(\.id))
        }
        for post in rules.posts {
            var taken = 0
            while taken < rules.seats(for: post) + 1 {
                defer { next += 1 }
                let isWoman = women.contains(try person(next))
                if post == .womenMember && !isWoman { continue }
                slate.append((post, next))
                taken += 1
            }
        }
        let nominators = rules.jointNominators
        for (index, (post, candidate)) in slate.enumerated() {
            let from = (index * nominators) % max(1, numbers.count - nominators)
            _ = try database.fileNomination(electionID: id, NewNomination(post: post, kind: .joint, nominee: numbers[candidate],
                                                                      nominators: Array(numbers[from..<(from + nominators)])),
                                        signingKey: key, now: filing, actor: .system)
            let nominee = try database.nominees(electionID: id).first { $0.nominee.residentID == (try? person(candidate)) && $0.nominee.post == post }!.nominee
            try database.respondToNomination(nomineeID: nominee.id!, accept: true, education: "大专", occupation: "社区志愿者", statement: "为居民服务",
                                             on: electionDay.adding(days: -21), actor: .system)
        }
        try database.publishCandidateList(electionID: id, on: listDay, allowLate: false, actor: .system)

        // Polling day.
        let clerks = try ["\(usernamePrefix)lr1", "\(usernamePrefix)lr2"].map { username in
            try database.createAccount(NewAccount(communityID: communityID, username: username, displayName: "录入员", password: password,
                                                  roles: [.clerk]), actor: .system)
        }
        let station = try database.addStation(electionID: id, name: "社区服务中心", kind: .central, actor: .system)
        var receipts: [SignedReceipt] = []
        var at = electionDay.instant(hour: 8)
        func tick() -> Date { at = at.addingTimeInterval(53); return at }

        /// Holds a round: `voters` vote, the first `electronic` of them electronically; `choose`
        /// gives voter i's approvals per post (persons by slate index).
        func hold(_ round: PollingRound, voters: Int, electronic: Int = 0, choose: (Int, Post) -> [Int64]) throws {
            let paper = try round.paper()
            let box = try database.addBox(roundID: round.id!, stationID: station.id!, name: "1号票箱", kind: .fixed, actor: .system)
            func ballot(_ voter: Int) -> MarkedBallot {
                if voter == voters - 1 { return .unmarked(.blank, paper: round.paperDigest) }
                return MarkedBallot(paper: round.paperDigest, state: .marked, posts: paper.sections.map { section in
                    let chosen = choose(voter, section.post)
                    return MarkedBallot.PostMarks(post: section.post, marks: section.candidates.map { chosen.contains($0.person) ? .approve : .abstain })
                })
            }
            for voter in 0..<voters where voter < electronic {
                let entry = try database.rollEntryID(electionID: id, rollNumber: numbers[voter])!
                let cast = try database.castElectronicBallot(roundID: round.id!, rollEntryID: entry, ballot: ballot(voter),
                                                             formToken: try SecureRandom.token(byteCount: 24), signingKey: key, now: tick())
                receipts.append(cast.receipt)
            }
            for voter in electronic..<voters {
                try database.checkIn(roundID: round.id!, boxID: box.id!, number: numbers[voter], accountID: nil, now: tick(), actor: .system)
            }
            // Two tellers count the papers independently.
            for teller in clerks.prefix(2) {
                try database.enterHandCount(boxID: box.id!, electionID: id, count: voters - electronic, accountID: teller.id!, now: tick(), actor: .system)
            }
            for (position, voter) in (electronic..<voters).enumerated() {
                for (pass, clerk) in [(EntryPass.first, clerks[0]), (.second, clerks[1])] {
                    try database.enterPaper(boxID: box.id!, electionID: id, position: position + 1, pass: pass, ballot: ballot(voter),
                                            accountID: clerk.id!, now: tick(), actor: .system)
                }
            }
            let boxes = try database.reader.read { db in try BallotBox.filter(Column("roundID") == round.id!).fetchAll(db) }
            for box in boxes {
                if box.kind == .electronic && electronic > 0 {
                    // The sealed box is opened at the count by as many committee members as the round asks.
                    let openers = try database.committeeMembers(electionID: id).prefix(round.boxThreshold ?? 1).map {
                        BoxOpener(username: $0.username, password: password)
                    }
                    try database.openSealedBox(boxID: box.id!, electionID: id, openers: Array(openers), signingKey: key, now: tick(), actor: .system)
                } else {
                    try database.closeBox(boxID: box.id!, electionID: id, signingKey: key, now: tick(), actor: .system)
                }
                try Self.signCountSheet(database: database, boxID: box.id!, electionID: id, password: password, now: tick())
            }
            try database.closeRound(roundID: round.id!, electionID: id, actor: .system)
        }

        let candidates = Dictionary(grouping: slate, by: \.0).mapValues { try! $0.map { try person($0.1) } }
        let main = try database.openMainRounds(electionID: id, communityName: community.name, electronic: kind == .electronic, signingKey: key,
                                            now: tick(), actor: .system).first!
        // The first candidate of each post wins clearly; the second 委员 seat, where the runoff
        // example wants it, is won by nobody: its best gets fewer than half.
        try hold(main, voters: voters, electronic: kind == .electronic ? voters - 24 : 0) { voter, post in
            let list = candidates[post] ?? []
            guard !list.isEmpty else { return [] }
            let seats = rules.seats(for: post)
            if post == .member && kind != .household && term == nil {
                // 委员, 2 seats, of 44 voters: [0] 30 votes, [1] 18, [2] 16 → one elected, one to a second round.
                var chosen: [Int64] = []
                if voter * 44 < voters * 30 { chosen.append(list[0]) }
                if voter * 44 < voters * 18 { chosen.append(list[1]) }
                if voter * 44 >= voters * 18 && voter * 44 < voters * 34 && chosen.count < seats { chosen.append(list[2]) }
                return chosen
            }
            // Everyone approves the first `seats` listed; a few approve the spare one instead.
            return voter % 7 == 6 ? Array(list.suffix(seats)) : Array(list.prefix(seats))
        }
        var result = try database.electionResult(electionID: id)
        while !result.outcome.pending.isEmpty && stage != .mainRound {
            let pending = result.outcome.pending[0]
            let round = try database.openPendingRound(electionID: id, index: 0, electronic: kind == .electronic, actor: .system)
            let persons: [Int64]
            switch pending.next {
            case .runoff(_, let pool, _), .tieBreak(_, let pool, _), .womenOnly(let pool, _): persons = pool
            case .repeatRound: persons = []
            }
            try hold(round, voters: voters - 8, electronic: kind == .electronic ? voters - 8 - 24 : 0) { voter, _ in
                guard !persons.isEmpty else { return [] }
                return [persons[voter * 8 < (voters - 8) * 5 || persons.count == 1 ? 0 : 1]]
            }
            result = try database.electionResult(electionID: id)
        }
        guard stage == .countersigned else { return Result(election: try database.election(id: id), certified: nil, receipts: receipts) }
        try database.certifyResult(electionID: id, signingKey: key, now: electionDay.instant(hour: 20), actor: .system)
        var certified = try database.certifiedResult(electionID: id)!
        let members = try database.committeeMembers(electionID: id)
        for member in members.prefix(certified.required) {
            certified = try database.countersignResult(electionID: id, accountID: member.member.accountID, password: password,
                                                       now: electionDay.instant(hour: 21), actor: .system)
        }
        return Result(election: try database.election(id: id), certified: certified, receipts: receipts)
    }

    /// Runs every example in a fresh in-memory database and writes each record into
    /// `directory/<kind>/` (with its `.zip`), and the electronic example's receipts into
    /// `directory/<kind>-receipts/`.
    public static func writeAll(to directory: URL) throws -> [Kind: RecordManifest] {
        var written: [Kind: RecordManifest] = [:]
        for kind in Kind.allCases {
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("example-keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: keys) }
            let keyStore = KeyStore(directory: keys)
            let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self], passwordHasher: .fastForTests)
            let result = try run(kind, database: database, keyStore: keyStore)
            let target = directory.appendingPathComponent(kind.rawValue)
            try? FileManager.default.removeItem(at: target)
            written[kind] = try database.exportRecord(electionID: result.election.id!, to: target, signingKey: try keyStore.load(keyID: result.election.keyID))
            try RecordArchive.zip(target, to: directory.appendingPathComponent(kind.rawValue + ".zip"))
            if !result.receipts.isEmpty {
                let folder = directory.appendingPathComponent(kind.rawValue + "-receipts")
                try? FileManager.default.removeItem(at: folder)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for receipt in result.receipts {
                    // Named by the receipt code's first 16 hex digits: a ballot receipt names no place in the log.
                    try receipt.jsonRepresentation.write(to: folder.appendingPathComponent("receipt-\(receipt.statement.tracking.prefix(16)).json"))
                }
            }
        }
        return written
    }
}
