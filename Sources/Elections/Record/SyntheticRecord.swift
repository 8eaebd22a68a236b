import Community
import Foundation
import Notary

/// A generated election record of any size, for the verifier's benchmark and tests: one round,
/// three posts (主任 1 of 3, 副主任 1 of 3, 委员 3 of 6 — a dozen candidates), the electronic
/// box (box 0: three ballots in ten, each with its nonce, first in the log as when the sealed
/// box is opened before the paper ballots are entered) and ten paper boxes, ballots with some
/// write-ins (valid and void), over-marked posts, unreadable parts and blank papers; tallied,
/// signed with a fresh election key; the election definition registers a one-member committee
/// (chair and scrutineer), who signs every box's count sheet and countersigns, exactly as an
/// exported record. Deterministic for a seed except for the keys. Never used for a real
/// election.
public enum SyntheticRecord {
    /// The share of electronic ballots, in tenths.
    static let electronicTenths = 3

    /// Writes the record into `directory` and returns its manifest. With `receipts`, also writes
    /// signed ballot receipts for that many electronic ballots (spread over the log) into
    /// `receiptsDirectory`, named `receipt-<first 16 hex digits of the receipt code>.json`. The
    /// election key is fresh unless one is given (tests sign receipts of their own with it).
    @discardableResult
    public static func write(to directory: URL, ballots count: Int, seed: UInt64 = 2026, receipts: Int = 0,
                             receiptsDirectory: URL? = nil, electionKey givenKey: Ed25519PrivateKey? = nil) throws -> RecordManifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: seed)
        var rules = RuleSet()
        rules.electronicVoting = .station    // the electronic box holds ballots cast on the stations' terminals
        let electionKey = try givenKey ?? Ed25519PrivateKey.generate()
        let memberKey = try Ed25519PrivateKey.generate()
        let electionID: Int64 = 1
        let names = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"]
        var persons: [RecordPerson] = (1...12).map { RecordPerson(person: Int64($0), name: names[$0 - 1] + "某", gender: $0 % 3 == 0 ? "female" : "male") }
        persons += (101...110).map { RecordPerson(person: Int64($0), name: "居民\($0)", gender: $0 % 2 == 0 ? "female" : "male") }
        func entries(_ ids: ClosedRange<Int64>) -> [BallotPaper.Entry] {
            ids.enumerated().map { BallotPaper.Entry(position: $0.offset + 1, name: names[Int($0.element) - 1] + "某", person: $0.element) }
        }
        let sections = [
            BallotPaper.Section(post: .director, title: "主任", seats: 1, womenOnly: false, candidates: entries(1...3), writeInLines: 1),
            BallotPaper.Section(post: .deputyDirector, title: "副主任", seats: 1, womenOnly: false, candidates: entries(4...6), writeInLines: 1),
            BallotPaper.Section(post: .member, title: "委员", seats: 3, womenOnly: false, candidates: entries(7...12), writeInLines: 3),
        ]
        let paper = BallotPaper(election: electionID, title: "基准社区居民委员会成员选举选票", electionDay: "2026-12-20", round: 1, roundKind: "main",
                                sections: sections, marks: Mark.allCases, instructions: BallotPaper.instructions(rules: rules, sections: sections),
                                sealLabel: "选举委员会（盖章）")
        let paperBytes = try CanonicalJSON.encode(paper)
        let paperDigest = SHA256.hash(paperBytes).hex
        let rulesBytes = try CanonicalJSON.encode(rules)
        let election = RecordElection(
            id: electionID, community: .init(code: "", name: "基准社区", streetOffice: "", district: ""), title: "基准社区居民委员会换届选举（生成数据）",
            method: "direct", electionDay: "2026-12-20", posts: sections.map { .init(post: $0.post, seats: $0.seats) },
            rulesDigest: SHA256.hash(rulesBytes).hex, announcedOn: nil, rollPublishedOn: nil, candidateListPublishedOn: nil)
        let definition = ElectionDefinition(
            format: ElectionDefinition.format, election: electionID, community: election.community, title: election.title, method: election.method,
            electionDay: election.electionDay, posts: election.posts, rulesDigest: election.rulesDigest,
            committee: [.init(member: 1, name: "委员甲", roles: ["chair", "scrutineer"], publicKey: memberKey.publicKey.pemRepresentation)],
            signaturesRequired: 1, version: 1, at: "2026-12-20T07:30:00Z", key: electionKey.keyID)
        let definitionBytes = try CanonicalJSON.encode(definition)
        let writer = RecordWriter(directory: directory)
        /// When the round opened: every ballot receipt of the round states it (never a ballot's own time).
        let openedAt = "2026-12-20T08:00:00Z"
        try writer.write(ElectionRecordFormat.electionFile, try CanonicalJSON.encode(election))
        try writer.write(ElectionRecordFormat.rulesFile, rulesBytes)
        try writer.write(ElectionRecordFormat.definitionFile, definitionBytes)
        try writer.write(ElectionRecordFormat.definitionSignatureFile, try electionKey.sign(definitionBytes))
        let rollSize = count + count / 2
        try writer.write(ElectionRecordFormat.rollFile, try CanonicalJSON.encode(RecordRoll(method: "direct", voters: rollSize, lines: rollSize,
                                                                                           csvSHA256: SHA256.hash(Data("generated".utf8)).hex)))
        try writer.write(ElectionRecordFormat.candidatesFile, try CanonicalJSON.encode(sections.flatMap { section in
            section.candidates.map { RecordCandidate(post: section.post, position: $0.position, person: $0.person, name: $0.name) }
        }))
        try writer.write(ElectionRecordFormat.personsFile, try CanonicalJSON.encode(persons))
        try writer.write(ElectionRecordFormat.paperFile(round: 1), paperBytes)

        // Ballots: each candidate approved with its own likelihood (the first of each post the favourite).
        let women = Set(persons.filter { $0.gender == "female" }.map(\.person))
        var tally = BallotCount()
        let layout = PaperLayout(paper)
        tally.prepare(layout)
        var scratch: [UInt8] = []
        let boxes = 10
        var perBox = [Int](repeating: 0, count: boxes + 1)
        var boxCounts = [BallotCount](repeating: tally, count: boxes + 1)
        /// Each box's last line (its count sheet's head: the boxes close one after another).
        var boxHeads = [CountSheet.Head](repeating: .init(seq: 0, tracking: SHA256Digest.zero.hex), count: boxes + 1)
        var head = SHA256Digest.zero.hex
        let electronic = count * electronicTenths / 10
        let receiptEvery = receipts > 0 ? max(1, electronic / receipts) : 0
        var receiptStatements: [ReceiptStatement] = []
        try writer.stream(ElectionRecordFormat.ballotsFile) { append in
            var chunk = Data()
            for seq in 1...max(count, 1) where count > 0 {
                let roll = generator.next() % 1000
                let ballot: MarkedBallot
                if roll < 5 {
                    ballot = .unmarked(.blank, paper: paperDigest)
                } else {
                    ballot = MarkedBallot(paper: paperDigest, state: .marked, posts: sections.map { section in
                        var marks: [Mark] = section.candidates.enumerated().map { index, _ in
                            let chance = UInt64(section.seats == 1 ? [620, 260, 90][index] : [700, 640, 560, 300, 200, 120][index])
                            let draw = generator.next() % 1000
                            return draw < chance ? .approve : draw < chance + 100 ? .disapprove : .abstain
                        }
                        var approved = marks.filter { $0 == .approve }.count
                        // Mostly within the seats; 1 % over-mark (void post).
                        while approved > section.seats && generator.next() % 100 != 0, let index = marks.lastIndex(of: .approve) {
                            marks[index] = .abstain
                            approved -= 1
                        }
                        var writeIns: [MarkedBallot.WriteIn] = []
                        let extra = generator.next() % 1000
                        if approved < section.seats && extra < 12 { writeIns.append(.init(person: Int64(101 + generator.next() % 10))) }
                        if approved < section.seats && extra >= 12 && extra < 14 { writeIns.append(.init(person: nil)) }
                        return MarkedBallot.PostMarks(post: section.post, marks: marks, writeIns: writeIns, unreadable: extra == 999 ? true : nil)
                    })
                }
                let box: Int
                let line: Data
                if seq <= electronic {
                    box = 0
                    let nonce = Hex.encode(withUnsafeBytes(of: (generator.next().bigEndian, generator.next().bigEndian)) { Data($0) })
                    let sealed = SealedBallot(election: electionID, round: 1, box: 0, ballot: ballot, nonce: nonce)
                    line = try CanonicalJSON.encode(sealed.line(seq: seq, prev: head))
                    if receiptEvery > 0, receiptStatements.count < receipts, (seq - 1) % receiptEvery == 0 {
                        receiptStatements.append(ReceiptStatement(what: "ballot", subject: "election:\(electionID)", round: 1, seq: nil,
                                                                  tracking: try sealed.receiptCode(), at: openedAt, key: electionKey.keyID))
                    }
                } else {
                    box = 1 + (seq - 1 - electronic) * boxes / (count - electronic)
                    line = try CanonicalJSON.encode(BallotLine(election: electionID, round: 1, box: box, seq: seq, method: "paper", ballot: ballot, prev: head))
                }
                head = SHA256.hash(line).hex
                tally.collected += 1
                tally.add(ballot, layout: layout, scratch: &scratch, rules: rules, isWoman: { women.contains($0) })
                perBox[box] += 1
                boxCounts[box].collected += 1
                boxCounts[box].add(ballot, layout: layout, scratch: &scratch, rules: rules, isWoman: { women.contains($0) })
                boxHeads[box] = .init(seq: seq, tracking: head)
                chunk.append(line)
                chunk.append(0x0A)
                if chunk.count >= 1 << 20 { try append(chunk); chunk.removeAll(keepingCapacity: true) }
            }
            try append(chunk)
        }
        let rounds = [RecordRound(number: 1, kind: .main, paper: paperDigest, issued: count + boxes, collected: count,
                                  boxes: [RecordRound.Box(number: 0, name: BallotBox.Kind.electronic.chinese, kind: BallotBox.Kind.electronic.rawValue,
                                                          issued: perBox[0], collected: perBox[0])]
                                      + (1...boxes).map { RecordRound.Box(number: $0, name: "\($0)号票箱", kind: BallotBox.Kind.fixed.rawValue, issued: perBox[$0] + 1,
                                                                          collected: perBox[$0]) })]
        try writer.write(ElectionRecordFormat.roundsFile, try CanonicalJSON.encode(rounds))
        for box in rounds[0].boxes {
            let sheet = CountSheet(election: electionID, round: 1, box: box.number, name: box.name, kind: box.kind, issued: box.issued, handCount: box.collected,
                                   count: boxCounts[box.number], paper: paper, head: boxHeads[box.number], scrutineers: [], at: "2026-12-20T11:00:00Z")
            let bytes = try CanonicalJSON.encode(sheet)
            try writer.write(sheet.path, bytes)
            try writer.write(ElectionRecordFormat.countSheetSignatureFile(round: 1, box: box.number), try electionKey.sign(bytes))
            try writer.write(ElectionRecordFormat.countSheetMemberSignatureFile(round: 1, box: box.number, member: 1), try memberKey.sign(bytes))
        }
        let input = RoundInput(number: 1, kind: .main, paper: paper, count: tally, issued: count + boxes)
        let outcome = ElectionTally.decide([input], rules: rules, rollSize: rollSize, isWoman: { women.contains($0) })
        try writer.write(ElectionRecordFormat.tallyFile, try CanonicalJSON.encode([RecordTally(input: input, outcome: outcome.rounds[0].outcome)]))
        let result = RecordResult(outcome)
        try writer.write(ElectionRecordFormat.resultFile, try CanonicalJSON.encode(result))
        try writer.write(ElectionRecordFormat.electionKeyFile, Data(electionKey.publicKey.pemRepresentation.utf8))
        let manifest = RecordManifest(format: ElectionRecordFormat.version, election: electionID, files: writer.files)
        let manifestBytes = try CanonicalJSON.encode(manifest)
        try writer.write(ElectionRecordFormat.manifestFile, manifestBytes, listed: false)
        try writer.write(ElectionRecordFormat.sumsFile, manifest.sums, listed: false)

        let name = Dictionary(persons.map { ($0.person, $0.name) }, uniquingKeysWith: { a, _ in a })
        let statement = ResultStatement(
            format: ElectionRecordFormat.statementFormat, election: electionID, community: election.community.name, title: election.title,
            manifest: SHA256.hash(manifestBytes).hex, logHead: head, ballots: count, rulesDigest: election.rulesDigest,
            rounds: [.init(round: 1, kind: .main, issued: input.issued, collected: count)],
            elected: outcome.elected.map { .init(post: $0.post, person: $0.person, name: name[$0.person] ?? "", votes: $0.votes, round: $0.round) },
            vacant: result.vacant, acting: outcome.acting, at: "2026-12-20T12:00:00Z", key: electionKey.keyID)
        let statementBytes = try CanonicalJSON.encode(statement)
        try writer.write(ElectionRecordFormat.statementFile, statementBytes, listed: false)
        try writer.write(ElectionRecordFormat.statementSignatureFile, try electionKey.sign(statementBytes), listed: false)
        let statementDigest = SHA256.hash(statementBytes).hex
        let countersignature = try CanonicalJSON.encode(Countersignature(format: ElectionRecordFormat.countersignatureFormat, election: electionID,
                                                                         statement: statementDigest, member: 1, name: "委员甲",
                                                                         at: "2026-12-20T13:00:00Z", key: memberKey.keyID))
        try writer.write(ElectionRecordFormat.countersignatureFile(member: 1), countersignature, listed: false)
        try writer.write(ElectionRecordFormat.countersignatureSignatureFile(member: 1), try memberKey.sign(countersignature), listed: false)
        let certified = CertifiedResult(statement: statement, statementBytes: statementBytes, signature: Data(), countersignatures: [], required: 1)
        try writer.write(ElectionRecordFormat.certificatesFile, try CanonicalJSON.encode(try AppDatabase.signCertificates(certified, signingKey: electionKey)),
                         listed: false)
        if let receiptsDirectory, !receiptStatements.isEmpty {
            try FileManager.default.createDirectory(at: receiptsDirectory, withIntermediateDirectories: true)
            for statement in receiptStatements {
                try SignedReceipt.issue(statement, signingKey: electionKey).jsonRepresentation
                    .write(to: receiptsDirectory.appendingPathComponent("receipt-\(statement.tracking.prefix(16)).json"))
            }
        }
        return manifest
    }
}
