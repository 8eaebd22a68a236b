import Foundation
import Testing

/// `xuanyi election handover` and `xuanyi election annul` on the demo database: the previous
/// term's handover is complete; declaring its result void makes its exported record verify as
/// annulled (exit 4) with `xuanyi verify` and `ballots/check.sh`.
@Suite("xuanyi election handover and annul on the command line", .serialized)
struct HandoverCLITests {
    static let checkScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ballots/check.sh")

    @Test("the demo's previous term shows its completed handover; annul refuses bad input naming the field, then voids the result: verify and check.sh exit 4")
    func handoverAndAnnul() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("demo.sqlite")
        let demo = try CLI.xuanyi(["demo", "--database", database, "--households", "250", "--no-serve"])
        #expect(demo.status == 0 && demo.stdout.contains("/elections/2/handover"), "\(demo.stderr)")

        let shown = try CLI.xuanyi(["election", "handover", "show", "--database", database, "--election", "2"])
        #expect(shown.status == 0 && shown.stdout.contains("[seal]") && shown.stdout.contains("completed") && shown.stdout.contains("outgoing: 周建国 (Director)"),
                "\(shown.stdout)\(shown.stderr)")
        let none = try CLI.xuanyi(["election", "handover", "--database", database, "--election", "1"])
        #expect(none.status == 0 && none.stdout.contains("not certified"))
        let closed = try CLI.xuanyi(["election", "handover", "add-item", "--database", database, "--election", "2", "--category", "seal", "--description", "印章", "--quantity", "1枚"])
        #expect(closed.status != 0 && closed.stderr.contains("already confirmed"))

        let noGround = try CLI.xuanyi(["election", "annul", "--database", database, "--election", "2", "--grounds", "", "--reason", "贿选",
                                       "--authority", "streetOffice", "--reference", "安街发〔2026〕31号"])
        #expect(noGround.status != 0 && noGround.stderr.contains("grounds:"))
        let badGround = try CLI.xuanyi(["election", "annul", "--database", database, "--election", "2", "--grounds", "fraud", "--reason", "贿选",
                                        "--authority", "streetOffice", "--reference", "安街发〔2026〕31号"])
        #expect(badGround.status != 0 && badGround.stderr.contains("--grounds: fraud"))
        let annulled = try CLI.xuanyi(["election", "annul", "--database", database, "--election", "2", "--grounds", "bribery,falseCount",
                                       "--reason", "经查，候选人发放购物卡贿选。", "--authority", "streetOffice", "--reference", "安街发〔2026〕31号"])
        #expect(annulled.status == 0 && annulled.stdout.contains("安和街道办事处"), "\(annulled.stderr)")

        let record = workspace.path("record")
        let exported = try CLI.xuanyi(["export-record", "--database", database, "--election", "2", "--out", record])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(FileManager.default.fileExists(atPath: record + "/annulment.json"))
        let notices = try CLI.xuanyi(["election", "notices", "--database", database, "--election", "2"])
        let fingerprint = try #require(notices.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let verified = try CLI.xuanyi(["verify", record, "--anchor", fingerprint, "--lang", "en"])
        #expect(verified.status == 4 && verified.stdout.contains("VERDICT: ANNULLED") && verified.stdout.contains("安街发〔2026〕31号"), "\(verified.stdout)")
        let checked = try CLI.run(URL(fileURLWithPath: "/bin/bash"), [Self.checkScript.path, record, fingerprint])
        #expect(checked.status == 4 && checked.stdout.contains("VERDICT: ANNULLED"), "\(checked.stdout)")
    }
}
