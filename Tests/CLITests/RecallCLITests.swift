import Community
import Elections
import Foundation
import Notary
import Testing
import Web

/// `xuanyi election recall …` (election-rules.md §8) on a certified example election: the
/// committee, a proposal, signatures by roll number, the member's reply, the vote, two tellers'
/// counts of a box, the result and the by-election's refusals.
@Suite("xuanyi election recall", .serialized)
struct RecallCLITests {
    @Test("a recall from the proposal to the result, and the by-election it leaves due")
    func recallFromTheCommandLine() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = workspace.path("x.sqlite")
        let store = try AppDatabase.open(path: path, modules: XuanyiSchema.modules)
        let result = try ExampleElections.run(.directRunoff, database: store, keyStore: KeyStore.beside(databasePath: path))
        let id = String(result.election.id!)
        let member = try #require(result.certified?.statement.elected.last)
        let roll = try store.rollLines(electionID: result.election.id!, includeRemoved: false).map(\.number).sorted()
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let outcome = try CLI.xuanyi(["election", "recall"] + arguments + ["--election", id, "--database", path])
            return (outcome.status, outcome.stdout, outcome.stderr)
        }
        let committee = try run(["committee"])
        #expect(committee.status == 0 && committee.stdout.contains("\(member.person)\t\(member.name)") && committee.stdout.contains("term ends 2031-12-19"))
        let short = try run(["propose", "--member", String(member.person), "--reasons", "不好", "--proposer", "张三", "--on", "2027-03-01"])
        #expect(short.status == 1 && short.stderr.contains("reasons"), "\(short.stderr)")
        let filed = try run(["propose", "--member", String(member.person), "--reasons", "长期不履行职责，多次无故缺席居民委员会会议。", "--proposer", "张三", "--on", "2027-03-01"])
        let proposal = try #require(try store.recallProposal(electionID: result.election.id!, number: 1))
        #expect(filed.status == 0 && filed.stdout.contains("signatures 0 of \(roll.count) (\(proposal.needed) needed)"), "\(filed.stdout)\(filed.stderr)")
        let twice = try run(["sign", "--number", "1", "--roll", "\(roll[0]),\(roll[0])", "--on", "2027-03-02"])
        #expect(twice.status == 1 && twice.stderr.contains("listed twice"))
        let signed = try run(["sign", "--number", "1", "--roll", roll.prefix(proposal.needed).map(String.init).joined(separator: ","), "--on", "2027-03-05"])
        #expect(signed.status == 0 && signed.stdout.contains("vote due by 2027-04-04"), "\(signed.stdout)\(signed.stderr)")
        #expect(try run(["reply", "--number", "1", "--member", String(member.person), "--text", "本人因病请假。", "--on", "2027-03-06"]).status == 0)
        let late = try run(["open-vote", "--number", "1", "--held-on", "2027-04-05", "--on", "2027-03-06"])
        #expect(late.status == 1 && late.stderr.contains("heldOn"))
        #expect(try run(["open-vote", "--number", "1", "--held-on", "2027-03-20", "--on", "2027-03-06"]).status == 0)
        let voters = roll.count / 2 + 2, approve = voters / 2 + 1
        let line = "\(member.person)=\(approve),\(voters - approve),0"
        for teller in ["王秀英", "陈志强"] {
            let counted = try run(["count", "--number", "1", "--box", "1", "--box-name", "第一投票站", "--teller", teller,
                                   "--issued", String(voters), "--collected", String(voters), "--line", line])
            #expect(counted.status == 0, "\(counted.stderr)")
        }
        let closed = try run(["close", "--number", "1", "--on", "2027-03-20"])
        #expect(closed.status == 0 && closed.stdout.contains("罢免 recalled"), "\(closed.stdout)\(closed.stderr)")
        let after = try run(["committee"])
        #expect(after.stdout.contains("recalled 2027-03-20: \(member.name)") && after.stdout.contains("a by-election may be held"))
        let outside = try run(["by-election", "--day", "2032-01-10", "--title", "补选"])
        #expect(outside.status == 1 && outside.stderr.contains("electionDay"), "\(outside.stderr)")
        let notices = try CLI.xuanyi(["election", "notices", "--election", id, "--database", path])
        #expect(notices.stdout.contains("罢免要求") && notices.stdout.contains("罢免表决安排") && notices.stdout.contains("罢免表决结果"))
    }
}
