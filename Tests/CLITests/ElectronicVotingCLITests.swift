import Community
import Elections
import Foundation
import Notary
import Testing
import Web

/// `xuanyi election rules` and the rule set's `electronicVoting` (election-rules.md §11).
@Suite("xuanyi election rules: electronicVoting", .serialized)
struct ElectronicVotingCLITests {
    @Test("the demo records remote voting with its (invented) legal basis; --set electronicVoting=remote is refused without a basis, naming the field, and recorded with one")
    func electronicVotingRules() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("x.sqlite")
        #expect(try CLI.xuanyi(["demo", "--no-serve", "--database", database, "--households", "150"]).status == 0)
        let shown = try CLI.xuanyi(["election", "rules", "--election", "1", "--database", database])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("electronicVoting = remote"))
        #expect(shown.stdout.contains("electronicVotingBasis = \(DemoElection.remoteVotingBasis)"))
        // A new election, its rule set still editable: paper only until the committee says otherwise.
        let store = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        let election = try store.createElection(communityID: try #require(try store.primaryCommunity()).id!, title: "电子投票方式测试", method: .direct,
                                                electionDay: CivilDate.today().adding(days: 60), keyStore: KeyStore.beside(databasePath: database),
                                                actor: .commandLine)
        let id = String(election.id!)
        let fresh = try CLI.xuanyi(["election", "rules", "--election", id, "--database", database])
        #expect(fresh.stdout.contains("electronicVoting = off"))
        let refused = try CLI.xuanyi(["election", "rules", "--election", id, "--set", "electronicVoting=remote", "--database", database])
        #expect(refused.status == 1 && refused.stderr.contains("electronicVoting") && refused.stderr.contains("electronicVotingBasis"), "\(refused.stderr)")
        let basis = "某市居民委员会选举办法第二十条"
        let remote = try CLI.xuanyi(["election", "rules", "--election", id, "--set", "electronicVoting=remote", "--set", "electronicVotingBasis=\(basis)",
                                     "--json", "--database", database])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout.contains(#""electronicVoting":"remote""#) && remote.stdout.contains(#""electronicVotingBasis":"\#(basis)""#))
        let station = try CLI.xuanyi(["election", "rules", "--election", id, "--set", "electronicVoting=station", "--set", "electronicVotingBasis=",
                                      "--json", "--database", database])
        #expect(station.status == 0, "\(station.stderr)")
        #expect(station.stdout.contains(#""electronicVoting":"station""#) && !station.stdout.contains("electronicVotingBasis"))
    }
}
