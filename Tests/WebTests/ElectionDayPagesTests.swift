import Community
import Elections
import Foundation
import GRDB
import HTTPTypes
import Testing
@testable import Web

/// Issue 22 #1, #2: election day for the committee — what is open, next and late, and turnout
/// against the roll per station and box. Expected figures are counted here from the check-in
/// table and the threshold's arithmetic, not taken from `ElectionDayStatus`.
@Suite("election day: today's tasks and turnout against the roll")
struct ElectionDayPagesTests {
    /// Ballots issued in a round, counted straight from the check-in table.
    func checkIns(_ harness: WebHarness, roundID: Int64) throws -> Int {
        try harness.database.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM checkIn WHERE roundID = ?", arguments: [roundID]) ?? 0 }
    }

    @Test("polling day: the open round's turnout is the check-ins against the frozen roll, the line is more than half, and the next task is counting its open boxes")
    func pollingDay() async throws {
        let (harness, election, round) = try PollingPagesTests().demo()
        let id = election.id!
        let today = CivilDate.today()
        let status = try harness.database.electionDayStatus(electionID: id, today: today)
        let turnout = try #require(status.rounds.first)
        let issued = try checkIns(harness, roundID: round.id!)
        let base = try #require(round.rollSize)
        #expect(turnout.open && turnout.base == base && turnout.issued == issued && turnout.collected == nil)
        #expect(turnout.stations.reduce(0) { $0 + $1.issued } == issued)
        // More than half: the plain arithmetic, not Threshold's.
        #expect(election.rules.turnout == .moreThanHalf && turnout.needed == base / 2 + 1)
        #expect(turnout.reached == (issued * 2 > base))
        let open = turnout.boxes.filter { $0.status != .closed }.count
        #expect(open > 0 && status.tasks == [.closeBoxes(round: round.number, open: open)])

        try await harness.test { browser in
            // Not for the public.
            #expect(try await browser.get("/elections/\(id)/today").status == .seeOther)
            #expect(try await browser.get("/api/v1/elections/\(id)/today").status == .unauthorized)
            try await browser.login("clerk", WebHarness.clerkPassword)
            let page = try await browser.get("/elections/\(id)/today")
            #expect(page.status == .ok && page.body.contains("已发选票") && page.body.contains("<dd>\(issued)</dd>") && page.body.contains("<dd>\(base)</dd>"))
            #expect(page.body.contains("还有\(open)个票箱未关闭") && !page.body.contains("http-equiv=\"refresh\""))
            // The wall screen refreshes itself without JavaScript and has no script.
            let wall = try await browser.get("/elections/\(id)/today?wall=1")
            #expect(wall.body.contains("<meta http-equiv=\"refresh\" content=\"30\">") && wall.body.contains("class=\"wall\"") && !wall.body.contains("<script"))
            // The election dashboard no longer says everything is done while polling is open.
            let dashboard = try await browser.get("/elections/\(id)")
            #expect(!dashboard.body.contains("各项事务均已完成") && dashboard.body.contains("/elections/\(id)/today"))
            let api = try await browser.get("/api/v1/elections/\(id)/today")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            let rounds = try #require(json["rounds"] as? [[String: Any]])
            #expect(rounds.first?["issued"] as? Int == issued && rounds.first?["needed"] as? Int == base / 2 + 1)
            // English throughout.
            browser.setCookie("xy_lang", "en")
            let english = try await browser.get("/elections/\(id)/today")
            #expect(english.body.contains("Ballots issued") && english.body.contains("still open"))
            #expect(english.body.range(of: "ed_|round_kind_", options: .regularExpression) == nil)
        }
    }

    @Test("after the count: collected is the tellers' counts, a box counted short of its ballots issued is flagged, and the 另行选举 the result asks for is next")
    func afterTheCount() async throws {
        let (harness, election) = try ResultPagesTests().election(through: .mainRound)
        let id = election.id!
        let round = try #require(try harness.database.rounds(electionID: id).first)
        let boxes = try harness.database.boxes(roundID: round.id!)
        let collected = boxes.reduce(0) { $0 + ($1.box.kind == .electronic ? $1.logged : ($1.box.handCount ?? 0)) }
        var status = try harness.database.electionDayStatus(electionID: id, today: election.electionDay)
        #expect(status.rounds.first?.collected == collected && status.rounds.first?.flaggedBoxes.isEmpty == true)
        guard case .openNextRound(.runoff, let by)? = status.tasks.first else {
            Issue.record("expected the 另行选举 next, got \(status.tasks)")
            return
        }
        #expect(by == election.electionDay.adding(days: election.rules.runoffWithinDays))
        #expect(status.overdue(today: by).isEmpty && status.overdue(today: by.adding(days: 1)).count == 1)
        // An insider's short count (243 issued, 241 counted): the box is flagged with its difference.
        let box = try #require(boxes.first { $0.box.kind != .electronic && $0.box.handCount != nil })
        try await harness.database.writer.write { db in
            try db.execute(sql: "UPDATE ballotBox SET handCount = handCount - 2 WHERE id = ?", arguments: [box.box.id])
        }
        status = try harness.database.electionDayStatus(electionID: id, today: election.electionDay)
        let flagged = try #require(status.rounds.first?.flaggedBoxes.first)
        #expect(flagged.id == box.box.id && flagged.difference == -2 && flagged.issued == box.issued)
        try await harness.test { browser in
            try await browser.login("wy1", ResultPagesTests.password)
            let page = try await browser.get("/elections/\(id)/today")
            #expect(page.body.contains("<strong class=\"error\">-2</strong>") && page.body.contains("清点数与发票数不符"))
            #expect(page.body.contains("举行另行选举"))
        }
    }

    @Test("certified: the handover is what is left, due ten days after certification")
    func certified() throws {
        let (harness, election) = try ResultPagesTests().election(through: .countersigned)
        let id = election.id!
        let certifiedOn = try #require(try harness.database.certificationDay(electionID: id))
        let status = try harness.database.electionDayStatus(electionID: id, today: certifiedOn)
        #expect(status.tasks == [.handover(by: certifiedOn.adding(days: 10))])
        #expect(status.rounds.allSatisfy { !$0.open && $0.collected != nil })
    }
}
