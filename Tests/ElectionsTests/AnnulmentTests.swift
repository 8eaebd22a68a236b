import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

/// A result obtained by violence, threats, bribery, forged ballots or false counts is void
/// (L25): the annulment is recorded with its grounds, reason, deciding body and document, issued
/// as a signed election notice, and travels with the public record (`annulment.json`), which
/// then verifies as annulled (exit 4).
@Suite("annulment of an unlawfully obtained result: the decision, its notice, the record verifies as annulled")
struct AnnulmentTests {
    static let day = CivilDate(year: 2026, month: 12, day: 24)!

    func refusal(_ body: () throws -> Void) -> StepRefusal? {
        do { try body(); return nil } catch let refusal as StepRefusal { return refusal } catch { return StepRefusal("\(error)", "\(error)") }
    }

    /// Annuls the fixture's result as the street office decided it.
    @discardableResult
    static func annul(_ f: RecordFixture) throws -> (Annulment, SignedNotice) {
        try f.database.annulResult(electionID: f.id, grounds: [.bribery, .falseCount], reason: "经查，候选人以发放购物卡方式贿选，并虚报第1号票箱票数。",
                                   authority: .streetOffice, reference: "安街发〔2026〕31号", decidedOn: day, today: day, actor: .commandLine)
    }

    @Test("an annulment names at least one ground of the law, a reason and the decision's reference; only of a certified result; once")
    func inputRules() throws {
        let f = try RecordFixture(.directRunoff)
        let grounds = refusal { try f.database.annulResult(electionID: f.id, grounds: [], reason: "x", authority: .streetOffice, reference: "安街发〔2026〕31号", decidedOn: Self.day, today: Self.day, actor: .commandLine) }
        #expect(grounds?.field == "grounds" && grounds?.chinese.contains("伪造选票") == true)
        #expect(refusal { try f.database.annulResult(electionID: f.id, grounds: [.violence], reason: "  ", authority: .streetOffice, reference: "安街发〔2026〕31号", decidedOn: Self.day, today: Self.day, actor: .commandLine) }?.field == "reason")
        #expect(refusal { try f.database.annulResult(electionID: f.id, grounds: [.violence], reason: "暴力干扰投票", authority: .streetOffice, reference: "", decidedOn: Self.day, today: Self.day, actor: .commandLine) }?.field == "reference")
        #expect(refusal { try f.database.annulResult(electionID: f.id, grounds: [.violence], reason: "暴力干扰投票", authority: .streetOffice, reference: "安街发〔2026〕31号", decidedOn: Self.day.adding(days: 1), today: Self.day, actor: .commandLine) }?.field == "decidedOn")
        #expect(refusal { try f.database.annulResult(electionID: f.id, grounds: [.violence], reason: "暴力干扰投票", authority: .streetOffice, reference: "安街发〔2026〕31号", decidedOn: CivilDate(year: 2026, month: 12, day: 19)!, today: Self.day, actor: .commandLine) }?.field == "decidedOn")
        try Self.annul(f)
        let again = refusal { try f.database.annulResult(electionID: f.id, grounds: [.violence], reason: "再次", authority: .electionCommittee, reference: "选委会决定第2号", decidedOn: Self.day, today: Self.day, actor: .commandLine) }
        #expect(again?.english.contains("declared void") == true)
        // Final: the table refuses a change.
        #expect(throws: (any Error).self) { try f.database.writer.write { db in try db.execute(sql: "UPDATE resultAnnulment SET reason = 'x'") } }
    }

    @Test("an uncertified election has no result to annul")
    func onlyCertified() throws {
        let database = try AppDatabase.inMemory(modules: [ElectionsSchema.self])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("annul-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .system)
        try ExampleElections.seedHouseholds(database: database, communityID: community.id!)
        let held = try ExampleElections.conduct(.directRunoff, database: database, community: community, keyStore: KeyStore(directory: scratch),
                                                electionDay: CivilDate(year: 2026, month: 12, day: 20)!, title: "第十二届", usernamePrefix: "",
                                                password: "pw-1234567890", voters: 44, through: .allRounds)
        let refused = refusal { try database.annulResult(electionID: held.election.id!, grounds: [.violence], reason: "暴力", authority: .streetOffice, reference: "安街发〔2026〕1号", decidedOn: Self.day, today: Self.day, actor: .commandLine) }
        #expect(refused?.english.contains("not certified") == true)
    }

    @Test("the annulment is a numbered notice signed with the election key naming the deciding body, the void winners and the seats to elect again; the handover is refused after it")
    func notice() throws {
        let f = try RecordFixture(.directRunoff)
        try f.database.openHandover(electionID: f.id, on: Self.day, today: Self.day, actor: .commandLine)
        let last = try f.database.notices(electionID: f.id).count
        let (annulment, notice) = try Self.annul(f)
        #expect(annulment.decidedBy == "安和街道" && annulment.authority == .streetOffice && annulment.grounds == [.bribery, .falseCount])
        #expect(annulment.noticeNumber == last + 1 && notice.verify() && notice.notice.kind == .annulment)
        let certified = try #require(f.result.certified)
        #expect(notice.notice.facts.statement == certified.statementDigest)
        #expect(notice.notice.text[0].contains("安和街道") && notice.notice.text[0].contains("贿赂、虚报选举票数") && notice.notice.text[0].contains("安街发〔2026〕31号"))
        #expect(notice.notice.text.contains { line in certified.statement.elected.allSatisfy { line.contains($0.name) } && line.contains("当选证书作废") })
        #expect(notice.notice.text.contains { $0.contains("重新选举") })
        #expect(try f.database.annulmentNotice(electionID: f.id) == notice)
        // The committee's own decision names the committee.
        let refused = refusal { try f.database.addHandoverItem(electionID: f.id, category: .seal, description: "印章", quantity: "1枚", actor: .commandLine) }
        #expect(refused?.english.contains("declared void") == true)
    }

    @Test("the exported record carries the annulment beside the frozen files; xuanyi verify says ANNULLED (exit 4) and names the decision; the frozen files are unchanged")
    func recordVerifiesAsAnnulled() throws {
        let f = try RecordFixture(.directRunoff)
        let before = f.files()
        try Self.annul(f)
        let out = f.scratch.appendingPathComponent("annulled")
        _ = try f.database.exportRecord(electionID: f.id, to: out, signingKey: try f.keyStore.load(keyID: f.result.election.keyID))
        for path in before {
            #expect(try Data(contentsOf: out.appendingPathComponent(path)) == Data(contentsOf: f.record.appendingPathComponent(path)), "\(path)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("annulment.json").path))
        let fingerprint = try #require(try f.database.electionKeyFingerprint(electionID: f.id))
        let report = RecordVerifier(directory: out, anchors: [fingerprint]).verify()
        #expect(report.passed, "\(report.failures)")
        #expect(report.verdict == .annulled && report.verdict.exitCode == 4)
        #expect(report.annulment?.reference == "安街发〔2026〕31号" && report.annulment?.grounds == [.bribery, .falseCount])
        #expect(report.text(language: "en").contains("VERDICT: ANNULLED") && report.text(language: "zh").contains("结论：选举结果无效"))
        // The record without the annulment still verifies as it did (older records keep verifying).
        #expect(RecordVerifier(directory: f.record, anchors: [fingerprint]).verify().verdict == .valid)
    }
}
