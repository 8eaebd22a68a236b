import ArgumentParser
import Community
import Councils
import Elections
import Foundation
import Notary
import Web

/// `xuanyi demo`: a throw-away community with sample residents, served at once.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a throw-away demo community with sample data and serve it."
    )

    @Option(name: .long, help: "Keep the demo in this database file instead of a temporary one.")
    var database: String?

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port: Int = 8080

    @Option(name: .long, help: "Admin password for the demo (default: a random one, printed).")
    var adminPassword: String?

    @Option(name: .long, help: "How many sample households to generate (about 2.5 residents each).")
    var households: Int = 1_200

    @Flag(name: .long, help: "Only create the demo data, do not serve it.")
    var noServe = false

    func run() async throws {
        let logger = bootstrapLogging()
        let temporary = database == nil
        let path = database ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("xuanyi-demo-\(UUID().uuidString)").appendingPathComponent("demo.sqlite").path
        defer {
            if temporary && !noServe { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        }
        let appDatabase = try AppDatabase.open(path: path, modules: XuanyiSchema.modules)
        let setup = try CommunitySetup.initialize(
            database: appDatabase, keyStore: KeyStore.beside(databasePath: path), name: "桃园社区", code: "110101001001",
            streetOffice: "安和街道办事处", district: "和平区", adminPassword: adminPassword)
        // The demo's past (an election three years ago, nominations, motions, meetings and
        // hearings of the past weeks) is recorded now with the times it describes; the audit log
        // declares that span, so its times are not reported as a clock that went back.
        let seeded = try appDatabase.recordingHistory(from: Date().addingTimeInterval(-40 * 31 * 86_400), to: Date().addingTimeInterval(2 * 86_400),
                                                      reason: "demo data recorded with the times it describes") {
            let (householdCount, residentCount) = try DemoCommunity.seed(into: appDatabase, communityID: setup.community.id!, householdCount: households)
            let election = try DemoElection.seed(into: appDatabase, communityID: setup.community.id!, keyStore: KeyStore.beside(databasePath: path),
                                                 committeePassword: setup.adminPassword)
            // The previous term's election, held three years ago and complete: result certified and
            // countersigned, certificates, the public record.
            let previous = election.candidates > 0 ? try ExampleElections.conduct(
                .electronic, database: appDatabase, community: setup.community, keyStore: KeyStore.beside(databasePath: path),
                electionDay: CivilDate.today().adding(months: -36), title: "\(setup.community.name)第十一届居民委员会换届选举", usernamePrefix: "t11-",
                password: try SecureRandom.token(byteCount: 18), voters: nil) : nil
            // Its handover (工作移交), completed within the 10 days and announced.
            if let previous { try DemoHandover.seed(into: appDatabase, electionID: previous.election.id!) }
            // A recall in that term (proposal, signatures, the member's reply, the vote, the result) and the by-election after it.
            if let previous {
                try DemoRecall.seed(into: appDatabase, electionID: previous.election.id!, community: setup.community, keyStore: KeyStore.beside(databasePath: path),
                                    usernamePrefix: "t11b-", password: try SecureRandom.token(byteCount: 18))
            }
            // The discussion garden: motions in every state, a held meeting with signed minutes, a noticed one.
            let garden = householdCount >= 220 ? try DemoCouncil.seed(
                into: appDatabase, communityID: setup.community.id!, signingKey: try KeyStore.beside(databasePath: path).load(keyID: setup.communityKeyID),
                password: setup.adminPassword) : nil
            return (householdCount, residentCount, election, previous, garden)
        }
        let (householdCount, residentCount, election, previous, garden) = seeded
        // Nothing on disk in the order it was written, the write-ahead log empty (AtRest).
        try appDatabase.protectAtRest(modules: XuanyiSchema.modules)
        // The seeded steps are public steps: the first signed audit head is published now.
        try appDatabase.publishAuditHeadIfDue(publicSteps: XuanyiSchema.publicStepActions, keyStore: KeyStore.beside(databasePath: path), passphrase: nil)
        say("""
        示范社区 Demo community: \(setup.community.name) — \(householdCount) households, \(residentCount) residents
          election:       \(election.election.title), \(election.election.electionDay); roll of \(election.summary.entries) voters published (/elections/\(election.election.id!)/roll)
          candidates:     \(election.candidates > 0 ? "\(election.candidates) on the published list (/elections/\(election.election.id!)/candidates, ballot paper /elections/\(election.election.id!)/ballot)" : "none: too few households for the nominations demo (use at least 150)")
          polling:        \(election.checkIns) ballots issued (\(election.electronicBallots) electronic), \(election.paperBallots) paper ballots entered twice; /elections/\(election.election.id!)/polling, vote at /elections/\(election.election.id!)/vote with voter cards \(election.voterCards.map { "\($0.number) \($0.accessCode)" }.joined(separator: ", "))
          sealed box:     \(election.boxThreshold > 0 ? "electronic ballots are sealed until \(election.boxThreshold) election committee members open the box together at the count (accounts xwh1…xwh4 with the admin password, on the electronic box's page under /elections/\(election.election.id!)/polling, or xuanyi election open-box)" : "none")
          e-voting:       electronicVoting = \(election.election.rules.electronicVoting.rawValue), so that you can vote from this browser; its legal basis is invented and says so (no source authorises remote voting; a real election starts with off)
          previous term:  \(previous.map { "\($0.election.title), \($0.election.electionDay): result certified and countersigned (\($0.certified?.countersignatures.count ?? 0)/\($0.certified?.required ?? 0)); /elections/\($0.election.id!)/result, record /elections/\($0.election.id!)/record.zip, handover completed /elections/\($0.election.id!)/handover" } ?? "not seeded (too few households)")
          garden:         \(garden.map { "\($0.motions) motions in \($0.states) states (/motions, committee desk /council); meeting held with signed minutes /meetings/\($0.heldMeetingID), next meeting noticed /meetings/\($0.upcomingMeetingID); accounts \($0.chairUsername) (chair) and \($0.recorderUsername) (recorder) with the admin password; hearings in every phase /hearings (report of /hearings/\($0.hearingIDs[0])); notice board /board, monthly report /board/report; assessments /assessments; household cards: \($0.householdCards.map { "\($0.householdNumber) \($0.code)" }.joined(separator: ", ")) (sign in at /garden/sign-in)" } ?? "not seeded (use at least 220 households)")
          audit heads:    signed daily and after each public step: /audit/heads (JSON /api/v1/audit/heads)
          database:       \(path)\(temporary ? " (deleted when the server stops)" : "")
          admin username: \(setup.adminUsername)
          admin password: \(setup.adminPassword)
          accounts:       every account below signs in with the admin password (a demo only; in a real community each person sets their own):
                          \(setup.adminUsername) administrator · xwh1–xwh4 election committee (open the sealed box together, sign count sheets, certify, countersign)
                          lr1–lr3 clerks (check-in, paper entry: lr1 pass A, lr2 pass B, lr3 the third look) · zhuren council chair · jilu recorder
          tour:           1. /elections/\(election.election.id!) (timeline) → /elections/\(election.election.id!)/today (election day, turnout)  2. sign in as lr1 at /login, check a voter in on /elections/\(election.election.id!)/polling
                          3. vote at /elections/\(election.election.id!)/vote with a voter card above, keep the receipt, type its short code at /elections/\(election.election.id!)/track
                          4. the previous term: \(previous.map { "/elections/\($0.election.id!)/result (each box's printed count sheet from the polling page), /elections/\($0.election.id!)/handover, /elections/\($0.election.id!)/recalls" } ?? "not seeded")
                          5. the garden: /board, then /garden/sign-in with a household card above and /motions/new
        """)
        if let previous, let recall = try appDatabase.recallProposals(electionID: previous.election.id!).last {
            let committee = try appDatabase.termCommittee(electionID: previous.election.id!)
            let byElections = try appDatabase.byElections(termElectionID: previous.election.id!).map { "/elections/\($0.id!)/result" }.joined(separator: ", ")
            say("  recall:         proposal No. \(recall.number) against \(recall.targets.map(\.name).joined(separator: "、")): \(recall.signatures)/\(recall.needed) signatures, reply, vote on \(recall.heldOn?.description ?? "") — \(recall.outcome?.recalled.isEmpty == false ? "recalled" : "not recalled") (/elections/\(previous.election.id!)/recalls/\(recall.number)); by-election \(byElections); \(committee.members.count) of \(committee.seats) serving now")
        }
        guard !noServe else { return }
        say("  open:           http://\(host):\(port)/   (Ctrl-C to stop)")
        // Held while serving: no restore can replace the database under the server.
        let lock = try DatabaseLock.acquire(database: path, purpose: "xuanyi demo")
        defer { lock.release() }
        try await serve(WebConfiguration(host: host, port: port, database: appDatabase, logger: logger, keyStore: KeyStore.beside(databasePath: path)))
    }
}
