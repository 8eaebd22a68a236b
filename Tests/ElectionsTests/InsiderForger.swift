import Community
import Foundation
import Notary
@testable import Elections

/// Forges a record as the holder of the election key could (issue 19, "the election-key holder
/// controls everything"): after the ballot log or a file was changed, recounts and re-derives
/// `rounds.json`, `tally.json`, `result.json`, the manifest, the statement and the certificates
/// and signs them again with the election key. The committee's countersignatures, which the key
/// holder cannot make, are removed: without count sheets and the definition such a record read
/// as consistent, merely not final. What is left to catch it is what the key holder could not
/// redo alone — the scrutineers' signatures on the count sheets and the signed definition.
enum InsiderForger {
    static func read<T: Decodable>(_ type: T.Type, _ record: URL, _ path: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: record.appendingPathComponent(path)))
    }

    static func write<T: Encodable>(_ value: T, _ record: URL, _ path: String) throws {
        try CanonicalJSON.encode(value).write(to: record.appendingPathComponent(path))
    }

    /// Re-derives and re-signs everything the election key signs. `issuedExtra` adds issued
    /// ballots to boxes (so that appended ballots have check-ins to match).
    static func reseal(_ record: URL, key: Ed25519PrivateKey, issuedExtra: [BoxKey: Int] = [:]) throws {
        let lines = try GeneratedRecord.lines(record)
        let rules = try read(RuleSet.self, record, ElectionRecordFormat.rulesFile)
        let roll = try read(RecordRoll.self, record, ElectionRecordFormat.rollFile)
        let persons = try read([RecordPerson].self, record, ElectionRecordFormat.personsFile)
        let women = Set(persons.filter { $0.gender == "female" }.map(\.person))
        let names = Dictionary(persons.map { ($0.person, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rounds = try read([RecordRound].self, record, ElectionRecordFormat.roundsFile)
        var inputs: [RoundInput] = []
        for index in rounds.indices {
            let number = rounds[index].number
            for b in rounds[index].boxes.indices {
                let box = rounds[index].boxes[b].number
                rounds[index].boxes[b].collected = lines.filter { $0.round == number && $0.box == box }.count
                rounds[index].boxes[b].issued += issuedExtra[BoxKey(round: number, box: box)] ?? 0
            }
            rounds[index].collected = rounds[index].boxes.map(\.collected).reduce(0, +)
            rounds[index].issued = rounds[index].boxes.map(\.issued).reduce(0, +)
            let paper = try read(BallotPaper.self, record, ElectionRecordFormat.paperFile(round: number))
            let count = BallotCount.count(lines.filter { $0.round == number }.map(\.ballot), paper: paper, rules: rules, isWoman: { women.contains($0) })
            inputs.append(RoundInput(number: number, kind: rounds[index].kind, paper: paper, count: count, issued: rounds[index].issued))
        }
        try write(rounds, record, ElectionRecordFormat.roundsFile)
        let outcome = ElectionTally.decide(inputs, rules: rules, rollSize: roll.voters, isWoman: { women.contains($0) })
        try write(zip(inputs, outcome.rounds).map { RecordTally(input: $0, outcome: $1.outcome) }, record, ElectionRecordFormat.tallyFile)
        let result = RecordResult(outcome)
        try write(result, record, ElectionRecordFormat.resultFile)
        try RecordForgeryTests().resum(record)

        let log = try Data(contentsOf: record.appendingPathComponent(ElectionRecordFormat.ballotsFile))
        let (statement, bytes) = try resignStatement(record, key: key) { statement in
            statement.logHead = log.split(separator: 0x0A).last.map { SHA256.hash(Data($0)).hex } ?? SHA256Digest.zero.hex
            statement.ballots = lines.count
            statement.rounds = inputs.map { .init(round: $0.number, kind: $0.kind, issued: $0.issued, collected: $0.count.collected) }
            statement.elected = outcome.elected.map { .init(post: $0.post, person: $0.person, name: names[$0.person] ?? "", votes: $0.votes, round: $0.round) }
            statement.vacant = result.vacant
            statement.acting = outcome.acting
        }
        let certified = CertifiedResult(statement: statement, statementBytes: bytes, signature: Data(), countersignatures: [], required: 1)
        try write(try AppDatabase.signCertificates(certified, signingKey: key), record, ElectionRecordFormat.certificatesFile)
        try? FileManager.default.removeItem(at: record.appendingPathComponent("countersignatures"))
    }

    /// Signs the result statement again over the manifest as it now is (and whatever `change`
    /// sets), as the key holder could after changing files.
    @discardableResult
    static func resignStatement(_ record: URL, key: Ed25519PrivateKey, _ change: (inout ResultStatement) -> Void = { _ in }) throws -> (ResultStatement, Data) {
        var statement = try read(ResultStatement.self, record, ElectionRecordFormat.statementFile)
        statement.manifest = SHA256.hash(try Data(contentsOf: record.appendingPathComponent(ElectionRecordFormat.manifestFile))).hex
        change(&statement)
        let bytes = try CanonicalJSON.encode(statement)
        try bytes.write(to: record.appendingPathComponent(ElectionRecordFormat.statementFile))
        try key.sign(bytes).write(to: record.appendingPathComponent(ElectionRecordFormat.statementSignatureFile))
        return (statement, bytes)
    }

    /// Appends `count` copies of the last paper line's ballot to its box, the chain rebuilt.
    static func appendPaperBallots(_ record: URL, count: Int) throws -> BoxKey {
        var place = BoxKey(round: 0, box: 0)
        try GeneratedRecord.rewrite(record) { lines in
            let last = lines.last { $0.method == "paper" }!
            place = BoxKey(round: last.round, box: last.box)
            for _ in 0..<count {
                var line = last
                line.seq = lines.count + 1
                lines.append(line)
            }
        }
        return place
    }

    /// Signs a changed file again with the election key (a count sheet's `.sig`, `definition.sig`).
    static func resign(_ record: URL, _ path: String, signature: String, key: Ed25519PrivateKey) throws {
        try key.sign(try Data(contentsOf: record.appendingPathComponent(path))).write(to: record.appendingPathComponent(signature))
    }
}
