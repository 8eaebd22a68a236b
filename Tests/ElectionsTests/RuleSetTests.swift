import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

@Suite("rule sets (election-rules.md)")
struct RuleSetTests {
    func field(of error: any Error) -> String? {
        if case .invalid(let field, _)? = error as? CommunityError { return field }
        return nil
    }

    func expectInvalid(_ field: String, _ change: (inout RuleSet) -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        var rules = RuleSet()
        change(&rules)
        do {
            try rules.validate()
            Issue.record("expected \(field) to be refused", sourceLocation: sourceLocation)
        } catch {
            #expect(self.field(of: error) == field, sourceLocation: sourceLocation)
        }
    }

    @Test("the national model: 主任 1 + 副主任 1 + 委员 2 + 妇女委员 1 = 5, valid; turnout by method")
    func defaults() throws {
        let rules = RuleSet()
        try rules.validate()
        #expect(rules.committeeSize == 5)
        #expect(rules.posts == [.director, .deputyDirector, .womenMember, .member])
        #expect(RuleSet.nationalModel(method: .representative).turnout == Threshold(.moreThan, 2, 3))    // L25: 超过三分之二
        for method in ElectionMethod.allCases { try RuleSet.nationalModel(method: method).validate(method: method) }
        #expect(RuleSet.nationalModel(method: .household).turnout == Threshold(.moreThan, 1, 2))
        var noWomenSeat = rules
        noWomenSeat.womenRule = .guaranteeAfterCount
        #expect(noWomenSeat.posts == [.director, .deputyDirector, .member])
        #expect(noWomenSeat.committeeSize == 4)
    }

    @Test("validation names the field: posts 主任 1, 副主任 0–2, members 5–9, odd sizes, margins, thresholds")
    func validation() {
        expectInvalid("directorSeats") { $0.directorSeats = 2 }
        expectInvalid("deputyDirectorSeats") { $0.deputyDirectorSeats = 3 }
        expectInvalid("memberSeats") { $0.memberSeats = 1 }            // 1 + 1 + 1 + 1 = 4
        expectInvalid("memberSeats") { $0.memberSeats = 7 }            // 10
        expectInvalid("memberSeats") { $0.oddCommitteeSize = true; $0.memberSeats = 3 }  // 6, even
        expectInvalid("memberMarginMax") { $0.memberMarginMin = 3; $0.memberMarginMax = 2 }
        expectInvalid("electedThreshold") { $0.electedThreshold = try! JSONDecoder().decode(Threshold.self, from: Data(#"{"comparison":"moreThan","numerator":3,"denominator":2}"#.utf8)) }
        expectInvalid("withdrawalDays") { $0.withdrawalDays = 6 }        // after the list's 5 days
        expectInvalid("allowJointNomination") {
            $0.allowJointNomination = false; $0.allowHouseholdNomination = false; $0.allowGroupNomination = false; $0.allowSelfNomination = false
        }
        var fine = RuleSet()
        fine.deputyDirectorSeats = 0
        fine.memberSeats = 3
        #expect(throws: Never.self) { try fine.validate() }
        #expect(fine.posts == [.director, .womenMember, .member])
    }

    @Test("statutory floors (L25): nothing looser than the law, whatever the edit; stricter is fine; the error names the field, the floor and the source")
    func statutoryFloors() throws {
        func refused(_ field: String, method: ElectionMethod = .direct, _ change: (inout RuleSet) -> Void) {
            var rules = RuleSet.nationalModel(method: method)
            change(&rules)
            do {
                try rules.validate(method: method)
                Issue.record("\(field) looser than the law was accepted")
            } catch let CommunityError.invalid(name, reason) {
                let floor = StatutoryFloors.all.first { $0.field.hasPrefix(field) }
                #expect(name == field && reason.contains("the law requires") && reason.contains(floor?.source ?? "?"), "\(name): \(reason)")
            } catch {
                Issue.record("\(error)")
            }
        }
        refused("votingAge") { $0.votingAge = 16 }
        refused("votingAge") { $0.votingAge = 20 }
        refused("termYears") { $0.termYears = 3 }
        refused("committeeSizeMin") { $0.committeeSizeMin = 3 }
        refused("committeeSizeMin") { $0.committeeSizeMax = 11 }
        refused("turnout") { $0.turnout = Threshold(.atLeast, 1, 2) }
        refused("turnout", method: .representative) { $0.turnout = .atLeastTwoThirds }
        refused("electedThreshold") { $0.electedThreshold = Threshold(.atLeast, 1, 2) }
        refused("runoffThreshold") { $0.runoffThreshold = Threshold(.atLeast, 1, 4) }
        refused("allowUncontested") { $0.allowUncontested = true }
        refused("rollPublicationDays") { $0.rollPublicationDays = 15; $0.nominationCloseDays = 10 }
        refused("candidateListDays") { $0.candidateListDays = 3; $0.withdrawalDays = 2 }
        refused("womenRule") { $0.womenRule = .none; $0.memberSeats = 3 }
        refused("electronicVoting") { $0.electronicVoting = .remote }    // no legal basis recorded
        // Stricter than the law is fine.
        var stricter = RuleSet.nationalModel(method: .representative)
        stricter.turnout = Threshold(.atLeast, 3, 4)
        stricter.rollPublicationDays = 25
        stricter.announcementDays = 40
        stricter.candidateListDays = 7
        try stricter.validate(method: .representative)
        // The same edits through the rules page's text: refused with the field named, nothing changed.
        #expect(throws: CommunityError.self) { try RuleSet().updating(["allowUncontested": "true"], method: .direct) }
        #expect(throws: CommunityError.self) { try RuleSet().updating(["womenRule": "none"], method: .direct) }
        #expect(!WomenRule.allCases.contains(.none))
        #expect(StatutoryFloors.all.count == 16, "11, and the five of recall (§8)")
    }

    @Test("every stored field has an editable RuleField, and each reads back what it writes")
    func fieldsCoverEverything() throws {
        // (`electronicVoting` is stored through its property wrapper, labelled `_electronicVoting`.)
        // (`byElection` is not edited: a by-election's rule set gets it from the term's vacancies, `createByElection`.)
        let stored = Set(Mirror(reflecting: RuleSet()).children.compactMap(\.label).map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 })
            .subtracting(["byElection"])
        let described = Set(RuleSet.fields.map(\.key))
        #expect(stored == described)
        let rules = RuleSet()
        var values: [String: String] = [:]
        for field in RuleSet.fields { values[field.key] = field.value(in: rules) }
        #expect(try rules.updating(values) == rules)
    }

    @Test("updating from text: thresholds as fractions, flags, choices; a bad value or key names it and changes nothing")
    func updating() throws {
        let rules = RuleSet()
        let updated = try rules.updating(["turnout": "≥2/3", "candidateOrder": "nominationVotes", "memberSeats": "4", "memberMarginMax": "2"])
        #expect(updated.turnout == Threshold(.atLeast, 2, 3))
        #expect(updated.candidateOrder == .nominationVotes && updated.memberSeats == 4 && updated.memberMarginMax == 2)
        #expect(try rules.updating(["electedThreshold": ">=2/3"]).electedThreshold == Threshold(.atLeast, 2, 3))
        for (key, value) in [("turnout", "0.5"), ("turnout", ">3/2"), ("memberSeats", "three"), ("womenRule", "sometimes"), ("allowUncontested", "maybe"), ("nonsense", "1")] {
            do {
                _ = try rules.updating([key: value])
                Issue.record("\(key)=\(value) accepted")
            } catch {
                #expect(field(of: error) == key)
            }
        }
        #expect(rules == RuleSet())
    }

    @Test("digest: SHA-256 of the canonical JSON, independent of key order, changed by any field")
    func digest() throws {
        let rules = RuleSet()
        let bytes = try CanonicalJSON.encode(rules)
        #expect(try rules.digest() == SHA256.hash(bytes).hex)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(" ") && !text.contains(".") && text.hasPrefix(#"{"allowGroupNomination":true,"#))
        // Re-read from JSON written with the keys in reverse order: the same rule set, the same digest.
        let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let reordered: String = "{" + object.keys.sorted(by: >).map { key in
            let value = try! JSONSerialization.data(withJSONObject: object[key]!, options: [.fragmentsAllowed])
            return "\"\(key)\": \(String(decoding: value, as: UTF8.self))"
        }.joined(separator: ", ") + "}"
        let reread = try JSONDecoder().decode(RuleSet.self, from: Data(reordered.utf8))
        #expect(try reread.digest() == rules.digest())
        var changed = rules
        changed.proxyListDays = 3
        #expect(try changed.digest() != rules.digest())
    }

    @Test("frozen at roll publication: the digest is stored and audited; edits are refused afterwards")
    func freezing() throws {
        let f = try RollFixture()
        try f.person("甲", born: CivilDate(year: 1970, month: 1, day: 1)!, household: "H1")
        let election = try f.election()
        let edited = try f.database.updateRules(electionID: election.id!, ["memberMarginMax": "2"], actor: .commandLine)
        #expect(edited.rules.memberMarginMax == 2 && edited.rulesDigest == nil)
        #expect(throws: CommunityError.self) { try f.database.updateRules(electionID: election.id!, ["memberSeats": "9"], actor: .commandLine) }
        #expect(try f.database.election(id: election.id!).rules.memberSeats == 2)
        try f.database.buildRoll(electionID: election.id!, actor: .commandLine)
        let published = try f.database.publishRoll(electionID: election.id!, on: CivilDate(year: 2026, month: 11, day: 27)!, actor: .commandLine)
        #expect(published.rulesDigest == (try edited.rules.digest()))
        #expect(try f.database.election(id: election.id!).rulesDigest == published.rulesDigest)
        #expect(throws: CommunityError.notAllowed("the rule set was frozen when the roll was published (digest \(published.rulesDigest!))")) {
            try f.database.updateRules(electionID: election.id!, ["memberMarginMax": "3"], actor: .commandLine)
        }
        let freeze = try f.database.reader.read { db in
            try Row.fetchOne(db, sql: "SELECT action FROM auditEntry WHERE action = 'rules.freeze'")
        }
        #expect(freeze != nil)
    }

    @Test("elections stored with the roll-only rules of elections.v1 get the full rule set, keeping their values")
    func migration() throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        CommunitySchema.registerMigrations(in: &migrator)
        ElectionsSchema.registerMigrations(in: &migrator)
        try migrator.migrate(queue, upTo: "elections.v1")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO community (id, code, name, streetOffice, district, createdAt) VALUES (1, NULL, '桃园社区', '', '', '2026-01-01 00:00:00')")
            try db.execute(sql: """
                INSERT INTO election (id, communityID, title, method, electionDay, rulesJSON, status, keyID, rollBuilt, rollPublishedLate, createdAt)
                VALUES (1, 1, '旧选举', 'representative', '2026-12-20', ?, 'rollPublished', 'k', 1, 0, '2026-01-01 00:00:00')
                """, arguments: [#"{"objectionDays":7,"objectionDecisionDays":3,"representativesPerGroup":[2,4],"residenceMonths":12,"rollPublicationDays":20,"votingAge":18,"workerMonths":6}"#])
        }
        try migrator.migrate(queue)
        let election = try queue.read { db in try #require(try Election.fetchOne(db, key: 1)) }
        #expect(election.rules.objectionDays == 7 && election.rules.representativesPerGroupMax == 4)
        #expect(election.rules.turnout == Threshold(.atLeast, 2, 3))
        #expect(election.rulesDigest == (try election.rules.digest()))
    }
}
