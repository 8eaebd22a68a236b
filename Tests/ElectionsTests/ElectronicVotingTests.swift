import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// The rule set's `electronicVoting` (election-rules.md §11): `off` by default, `station` only
/// on polling-station terminals a clerk unlocked and admits each voter to, `remote` only with
/// its legal basis recorded; the record carries the mode and the verifier holds the boxes to it.
@Suite("electronic voting mode: off, station terminals, remote with its legal basis")
struct ElectronicVotingTests {
    static let basis = "某省居民委员会选举办法 第二十条（示例）"

    func field(of error: any Error) -> String? {
        if case .invalid(let field, _)? = error as? CommunityError { return field }
        return nil
    }

    @Test("off by default, and written as no member: rule sets from before the field keep their canonical JSON and digest")
    func offByDefault() throws {
        let rules = RuleSet()
        #expect(rules.electronicVoting == .off && rules.electronicVotingBasis == nil)
        let text = String(decoding: try CanonicalJSON.encode(rules), as: UTF8.self)
        #expect(!text.contains("electronicVoting"))
        // An older rule set's JSON (no member at all) reads as off and hashes the same.
        let reread = try JSONDecoder().decode(RuleSet.self, from: Data(text.utf8))
        #expect(try reread == rules && reread.digest() == rules.digest())
        var station = rules
        station.electronicVoting = .station
        let stationText = String(decoding: try CanonicalJSON.encode(station), as: UTF8.self)
        #expect(stationText.contains(#""electronicVoting":"station""#))
        #expect(try JSONDecoder().decode(RuleSet.self, from: Data(stationText.utf8)).electronicVoting == .station)
        #expect(try station.digest() != rules.digest())
    }

    @Test("remote without its legal basis is refused naming electronicVoting; a basis is recorded only for remote")
    func remoteNeedsBasis() throws {
        let rules = RuleSet()
        do {
            _ = try rules.updating(["electronicVoting": "remote"])
            Issue.record("remote accepted without a basis")
        } catch {
            #expect(field(of: error) == "electronicVoting")
            #expect("\(error)".contains("electronicVotingBasis"))
        }
        do {
            _ = try rules.updating(["electronicVoting": "remote", "electronicVotingBasis": "   "])
            Issue.record("remote accepted with a blank basis")
        } catch {
            #expect(field(of: error) == "electronicVoting")
        }
        let remote = try rules.updating(["electronicVoting": "remote", "electronicVotingBasis": Self.basis])
        #expect(remote.electronicVoting == .remote && remote.electronicVotingBasis == Self.basis && remote.remoteVotingBasis == Self.basis)
        for (mode, basis) in [("station", Self.basis), ("off", Self.basis)] {
            do {
                _ = try rules.updating(["electronicVoting": mode, "electronicVotingBasis": basis])
                Issue.record("a basis accepted with \(mode)")
            } catch {
                #expect(field(of: error) == "electronicVotingBasis")
            }
        }
        do {
            _ = try rules.updating(["electronicVoting": "remote", "electronicVotingBasis": "第一行\n第二行"])
            Issue.record("a basis with a line break accepted")
        } catch {
            #expect(field(of: error) == "electronicVotingBasis")
        }
        do {
            _ = try rules.updating(["electronicVoting": "anywhere"])
            Issue.record("an unknown mode accepted")
        } catch {
            #expect(field(of: error) == "electronicVoting")
        }
        #expect(try rules.updating(["electronicVoting": "station"]).electronicVoting == .station)
        // A committee's edit through the database is refused the same way, and changes nothing.
        let f = try RollFixture()
        let election = try f.election()
        #expect(throws: CommunityError.self) { try f.database.updateRules(electionID: election.id!, ["electronicVoting": "remote"], actor: .commandLine) }
        #expect(try f.database.election(id: election.id!).rules.electronicVoting == .off)
    }

    @Test("off: a round cannot be opened with an electronic box (main round or a later one); paper rounds open")
    func offRefusesElectronicRounds() throws {
        let x = try NominationFixture()
        try x.fullSlate()
        try x.database.publishCandidateList(electionID: x.id, on: NominationFixture.listDay, allowLate: false, actor: .commandLine)
        #expect(throws: CommunityError.notAllowed("electronic voting is off in this election's rule set (electronicVoting = off): paper ballots only")) {
            try x.database.openMainRounds(electionID: x.id, communityName: "桃园社区", electronic: true, signingKey: try x.f.signingKey(for: x.election), actor: .commandLine)
        }
        #expect(try x.database.rounds(electionID: x.id).isEmpty)
        let round = try #require(try x.database.openMainRounds(electionID: x.id, communityName: "桃园社区", electronic: false, signingKey: try x.f.signingKey(for: x.election), actor: .commandLine).first)
        #expect(!round.electronic)
        #expect(try x.database.boxes(roundID: round.id!).allSatisfy { $0.box.kind != .electronic })
        #expect(throws: CommunityError.self) { try x.database.checkCastingPlace(electionID: x.id, place: .elsewhere) }
    }

    @Test("station: a voter card signs in only on an unlocked terminal of the election, after a clerk admitted one voter; from anywhere else it is refused")
    func stationTerminals() throws {
        let p = try PollingFixture(cards: [20, 21])
        let database = p.x.database, id = p.x.id
        let card = p.voterCards[0], other = p.voterCards[1]
        // From a voter's own browser: refused before the code is even checked.
        #expect(throws: CommunityError.self) {
            try database.startVoterSession(electionID: id, number: card.number, code: card.accessCode, place: .elsewhere)
        }
        #expect(try database.castingPlace(electionID: id, terminalToken: nil) == .elsewhere)
        #expect(try database.castingPlace(electionID: id, terminalToken: "made-up") == .elsewhere)
        // A clerk unlocks the device at the central venue as terminal 1.
        let (terminal, token) = try database.unlockTerminal(electionID: id, stationID: p.central.id!, name: "1号终端", accountID: p.clerkA.id, actor: Actor(p.clerkA))
        let place = try database.castingPlace(electionID: id, terminalToken: token)
        #expect(place == .terminal(terminal))
        #expect(throws: CommunityError.duplicate(field: "name", value: "1号终端")) {
            try database.unlockTerminal(electionID: id, stationID: p.central.id!, name: "1号终端", accountID: nil, actor: .commandLine)
        }
        #expect(throws: CommunityError.self) { try database.unlockTerminal(electionID: id, stationID: 999, name: "2号终端", accountID: nil, actor: .commandLine) }
        // Nobody admitted yet: the terminal takes no sign-in.
        #expect(throws: CommunityError.notAllowed("a clerk at the station admits each voter to this terminal: ask the clerk at the desk")) {
            try database.startVoterSession(electionID: id, number: card.number, code: card.accessCode, place: place)
        }
        try database.admitVoter(terminalID: terminal.id!, electionID: id)
        // A wrong code keeps the admission for the voter's next try.
        #expect(try database.startVoterSession(electionID: id, number: card.number, code: other.accessCode, place: place) == nil)
        let session = try #require(try database.startVoterSession(electionID: id, number: card.number, code: card.accessCode, place: place))
        #expect(try database.voterSession(token: session)?.number == card.number)
        // The admission was used up: the next voter needs the clerk again.
        #expect(throws: CommunityError.self) { try database.startVoterSession(electionID: id, number: other.number, code: other.accessCode, place: place) }
        // The voter walks away without casting; the clerk admits the next one: the abandoned
        // session ends, so the next voter cannot cast in the first one's name.
        try database.admitVoter(terminalID: terminal.id!, electionID: id)
        #expect(try database.voterSession(token: session) == nil)
        let second = try #require(try database.startVoterSession(electionID: id, number: other.number, code: other.accessCode, place: place))
        #expect(try database.voterSession(token: second)?.number == other.number)
        #expect(throws: Never.self) { try database.checkCastingPlace(electionID: id, place: place) }
        #expect(throws: CommunityError.self) { try database.checkCastingPlace(electionID: id, place: .elsewhere) }
        // The terminal of another election is not a terminal here.
        var foreign = terminal
        foreign.electionID = id + 1
        #expect(throws: CommunityError.self) { try database.checkCastingPlace(electionID: id, place: .terminal(foreign)) }
        // Locked again: its token no longer makes it a terminal; the audit log names the unlock and the lock.
        try database.lockTerminal(terminalID: terminal.id!, electionID: id, actor: Actor(p.clerkA))
        #expect(try database.castingPlace(electionID: id, terminalToken: token) == .elsewhere)
        #expect(throws: CommunityError.self) { try database.admitVoter(terminalID: terminal.id!, electionID: id) }
        let statuses = try database.terminals(electionID: id)
        #expect(statuses.count == 1 && statuses[0].terminal.locked && statuses[0].stationName == "中心会场")
        let actions = try database.reader.read { db in try String.fetchAll(db, sql: "SELECT action FROM auditEntry WHERE action LIKE 'terminal.%' ORDER BY seq") }
        #expect(actions == ["terminal.unlock", "terminal.lock"])
    }

    @Test("terminals are for station only: under off or remote a clerk cannot unlock one; remote signs in from anywhere")
    func terminalsOnlyForStation() throws {
        var remoteRules = RuleSet.nationalModel(method: .direct)
        remoteRules.electronicVoting = .remote
        remoteRules.electronicVotingBasis = Self.basis
        let p = try PollingFixture(cards: [20], rules: remoteRules)
        #expect(throws: CommunityError.self) {
            try p.x.database.unlockTerminal(electionID: p.x.id, stationID: p.central.id!, name: "1号终端", accountID: nil, actor: .commandLine)
        }
        let card = p.voterCards[0]
        #expect(try p.x.database.startVoterSession(electionID: p.x.id, number: card.number, code: card.accessCode, place: .elsewhere) != nil)
        #expect(try p.x.database.election(id: p.x.id).rules.remoteVotingBasis == Self.basis)
    }

    @Test("the record carries the mode; the verifier states it, and refuses an electronic box under a rule set that says off")
    func recordAndVerifier() throws {
        let f = try RecordFixture(.electronic)
        let rules = try String(decoding: Data(contentsOf: f.record.appendingPathComponent(ElectionRecordFormat.rulesFile)), as: UTF8.self)
        #expect(rules.contains(#""electronicVoting":"station""#))
        let report = RecordVerifier(directory: f.record, receipts: [], anchors: []).verify()
        #expect(report.failures.isEmpty)
        #expect(report.checks.contains { $0.ok && $0.en.hasPrefix("electronic voting: electronic voting at the polling station") })
        // The same record with the mode taken out of its rule set (a forger who also fixes the
        // digests cannot make the electronic box lawful).
        let forged = try f.copy()
        let url = forged.appendingPathComponent(ElectionRecordFormat.rulesFile)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object.removeValue(forKey: "electronicVoting")
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]).write(to: url)
        let failures = RecordVerifier(directory: forged, receipts: [], anchors: []).verify().failures
        #expect(failures.contains { $0.file == ElectionRecordFormat.roundsFile && $0.en.contains("electronicVoting = off, yet round 1 has an electronic box") })
        // A paper-only record states the mode and passes.
        let paper = try RecordFixture(.directRunoff)
        let paperReport = RecordVerifier(directory: paper.record, receipts: [], anchors: []).verify()
        #expect(paperReport.failures.isEmpty)
        #expect(paperReport.checks.contains { $0.ok && $0.en == "electronic voting: no electronic voting (paper ballots only) (0 electronic boxes)" })
    }
}

@Suite("ballots/schema/rules.schema.json: the published schema of rules.json")
struct RulesSchemaTests {
    func schema() throws -> [String: Any] {
        let url = RecordSchemaTests.ballots.appendingPathComponent("schema/rules.schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func object(_ rules: RuleSet) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: CanonicalJSON.encode(rules)) as? [String: Any])
    }

    @Test("it lists every field of RuleSet and accepts what the code writes (off, station, remote with its basis); it refuses remote without a basis, a basis without remote, an unknown member")
    func rulesSchema() throws {
        let schema = try schema()
        let properties = try #require(schema["properties"] as? [String: Any])
        // (`byElection` is no editable field: a by-election's rule set gets it from the term, decision 117.)
        #expect(Set(properties.keys) == Set(RuleSet.fields.map(\.key)).union(["byElection"]))
        var station = RuleSet(), remote = RuleSet(), signatures = RuleSet(), byElection = RuleSet()
        byElection.byElection = ByElectionSeats(term: 1, vacant: [.member: 1], termEnds: CivilDate("2031-12-19")!)
        station.electronicVoting = .station
        remote.electronicVoting = .remote
        remote.electronicVotingBasis = ElectronicVotingTests.basis
        signatures.resultSignaturesRequired = 3
        for rules in [RuleSet(), station, remote, signatures, byElection, RuleSet.nationalModel(method: .representative)] {
            let problems = SchemaCheck.problems(try object(rules), schema)
            #expect(problems.isEmpty, "\(problems)")
        }
        var noBasis = try object(remote)
        noBasis.removeValue(forKey: "electronicVotingBasis")
        #expect(!SchemaCheck.problems(noBasis, schema).isEmpty)
        var basisWithoutRemote = try object(station)
        basisWithoutRemote["electronicVotingBasis"] = ElectronicVotingTests.basis
        #expect(!SchemaCheck.problems(basisWithoutRemote, schema).isEmpty)
        var explicitOff = try object(RuleSet())
        explicitOff["electronicVoting"] = "off"
        #expect(!SchemaCheck.problems(explicitOff, schema).isEmpty)
        var unknown = try object(RuleSet())
        unknown["remoteVoting"] = true
        #expect(!SchemaCheck.problems(unknown, schema).isEmpty)
    }
}
