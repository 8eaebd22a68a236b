import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

@Suite("rule presets (L25 default, provinces as data) and the rules page's citations")
struct RulePresetTests {
    @Test("every shipped preset file loads and passes the field checks and the statutory floors for every method")
    func everyShippedPresetValidates() throws {
        let files = RulePreset.shippedFiles
        #expect(files.map(\.lastPathComponent).contains("GS25.json"))
        for file in files {
            let preset = try RulePreset.load(try Data(contentsOf: file), name: file.lastPathComponent)
            #expect(file.lastPathComponent == "\(preset.id).json")
            for method in ElectionMethod.allCases {
                let rules = try preset.rules(method: method)
                try rules.validate(method: method)
                try StatutoryFloors.check(rules, method: method)
                for (key, value) in preset.values {
                    #expect(RuleSet.fields.first { $0.key == key }?.value(in: rules) == value, "\(preset.id) \(key)")
                }
            }
        }
        // Every file is among the shipped presets, after the national model (the default).
        #expect(RulePreset.shipped.first?.id == "L25")
        #expect(RulePreset.shipped.count == files.count + 1)
    }

    @Test("L25, the national model, is the default: RuleSet() for every method")
    func nationalIsDefault() throws {
        for method in ElectionMethod.allCases {
            #expect(try RulePreset.national.rules(method: method) == RuleSet.nationalModel(method: method))
        }
        #expect(try RulePreset.named("l25") == .national)
    }

    @Test("GS25: 5 to 9 members, category c after 6 months on application, workers after 6 months; only what the sources give, the rest marked or the national model's")
    func gansu() throws {
        let preset = try RulePreset.named("GS25")
        let rules = try preset.rules(method: .direct)
        #expect(rules.residenceMonths == 6 && rules.workerMonths == 6 && rules.residentApproval == .none)
        #expect(rules.committeeSizeMin == 5 && rules.committeeSizeMax == 9)
        #expect(preset.citations["residenceMonths"]?.hasPrefix("GS25 Art. 16") == true)
        #expect(preset.unchecked.contains("candidateListDays"))
        #expect(!preset.unchecked.contains("residenceMonths"))
    }

    @Test("a preset file that would be looser than the law, names an unknown field or sets a value without its citation is refused, naming the file and the field")
    func badPresetsRefused() throws {
        func json(_ values: [String: String], citations: [String: String]? = nil, unchecked: [String] = []) throws -> Data {
            try JSONSerialization.data(withJSONObject: [
                "id": "XX26", "name": "测试", "english": "Test", "source": "测试", "sourceEnglish": "test", "note": "", "noteEnglish": "",
                "values": values, "citations": citations ?? values.mapValues { _ in "XX26 Art. 1" }, "unchecked": unchecked,
            ] as [String: Any])
        }
        func field(_ data: Data) -> String? {
            do { _ = try RulePreset.load(data, name: "XX26.json"); return nil } catch CommunityError.invalid(let field, _) { return field } catch { return "?" }
        }
        #expect(field(try json(["residenceMonths": "9"])) == nil)
        #expect(field(try json(["votingAge": "16"])) == "XX26.json: votingAge")
        #expect(field(try json(["rollPublicationDays": "15"])) == "XX26.json: rollPublicationDays")
        #expect(field(try json(["womenRule": "none", "memberSeats": "3"])) == "XX26.json: womenRule")
        #expect(field(try json(["turnout": ">1/3"])) == "XX26.json: turnout")
        #expect(field(try json(["residenceYears": "1"])) == "XX26.json: values.residenceYears")
        #expect(field(try json(["residenceMonths": "9"], citations: [:])) == "XX26.json: citations.residenceMonths")
        #expect(field(try json(["residenceMonths": "9"], unchecked: ["workerMonths"])) == "XX26.json: unchecked.workerMonths")
        #expect(field(Data("{}".utf8)) == "XX26.json")
        #expect(throws: CommunityError.self) { try RulePreset.named("ZZ99") }
    }

    @Test("loading a preset into an election sets every field (--set edits before are replaced), is audited with the preset's id, and is refused once the rules are frozen")
    func applyToElection() throws {
        let f = try RollFixture()
        let election = try f.election()
        _ = try f.database.updateRules(electionID: election.id!, ["residenceMonths": "12", "residentApproval": "meeting"], actor: .commandLine)
        let loaded = try f.database.applyRulePreset(electionID: election.id!, presetID: "GS25", actor: .commandLine)
        #expect(loaded.rules == (try RulePreset.named("GS25").rules(method: .direct)))
        let entry = try f.database.reader.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM auditEntry WHERE action = 'rules.update' ORDER BY seq DESC LIMIT 1")
        }
        #expect(entry?.contains(#""preset":"GS25""#) == true)
        let js = try f.database.applyRulePreset(electionID: election.id!, presetID: "JS20", actor: .commandLine)
        #expect(js.rules.residenceMonths == 12 && js.rules.residentApproval == .meeting)
    }

    @Test("residentApproval = none is written as no member: rule sets frozen before the field keep their canonical JSON and digest; meeting is written")
    func residentApprovalAbsentWhenNone() throws {
        let rules = RuleSet()
        let text = String(decoding: try CanonicalJSON.encode(rules), as: UTF8.self)
        #expect(!text.contains("residentApproval"))
        let reread = try JSONDecoder().decode(RuleSet.self, from: Data(text.utf8))
        #expect(reread == rules && reread.residentApproval == .none)
        #expect(try reread.digest() == rules.digest())
        var meeting = rules
        meeting.residentApproval = .meeting
        let meetingText = String(decoding: try CanonicalJSON.encode(meeting), as: UTF8.self)
        #expect(meetingText.contains(#""residentApproval":"meeting""#))
        #expect(try JSONDecoder().decode(RuleSet.self, from: Data(meetingText.utf8)).residentApproval == .meeting)
        #expect(try meeting.digest() != rules.digest())
        #expect(throws: CommunityError.self) { try rules.updating(["residentApproval": "vote"]) }
    }

    @Test("ballots/schema/rules.schema.json accepts residentApproval = meeting and refuses an explicit none, which is never written")
    func residentApprovalSchema() throws {
        let url = RecordSchemaTests.ballots.appendingPathComponent("schema/rules.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var meeting = RuleSet()
        meeting.residentApproval = .meeting
        let object = try #require(try JSONSerialization.jsonObject(with: CanonicalJSON.encode(meeting)) as? [String: Any])
        #expect(SchemaCheck.problems(object, schema).isEmpty)
        var explicitNone = try #require(try JSONSerialization.jsonObject(with: CanonicalJSON.encode(RuleSet())) as? [String: Any])
        explicitNone["residentApproval"] = "none"
        #expect(!SchemaCheck.problems(explicitNone, schema).isEmpty)
    }

    @Test("citations: no field cites a 2018 text (L18/V18) without its superseded mark, and every mark names a real field and its 2018 article")
    func supersededCitations() {
        let keys = Set(RuleSet.fields.map(\.key))
        for field in RuleSet.fields where field.source.contains("L18") || field.source.contains("V18") {
            #expect(field.superseded != nil, "\(field.key) cites \(field.source) without the superseded mark")
        }
        for (key, citation) in RuleField.superseded2018 {
            #expect(keys.contains(key), "\(key)")
            #expect(citation.hasPrefix("L18 Art.") || citation.hasPrefix("V18 Art."), "\(key): \(citation)")
        }
        let byKey = Dictionary(uniqueKeysWithValues: RuleSet.fields.map { ($0.key, $0) })
        #expect(byKey["residenceMonths"]?.source.hasPrefix("GS25 Art. 16") == true)
        #expect(byKey["votingAge"]?.source.hasPrefix("L25") == true && byKey["votingAge"]?.superseded == "L18 Art. 8")
        #expect(byKey["rollPublicationDays"]?.source.hasPrefix("L25") == true)
        #expect(byKey["residentApproval"]?.superseded == nil)
    }
}
