import Foundation
import Testing

/// The L25 bodies and steps on the command line, on the demo: the representatives' meeting per
/// term, residents' requests to convene, the supervisory committee, postponing and cancelling
/// a meeting.
@Suite("xuanyi assembly, request, supervision and meeting on the command line", .serialized)
struct DeliberationBodiesCLITests {
    @Test("the demo's bodies from the CLI, with the refusals named")
    func bodies() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("demo.sqlite")
        let demo = try CLI.xuanyi(["demo", "--database", database, "--households", "250", "--no-serve", "--admin-password", "demo-password-1"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let db = ["--database", database]
        // The representatives' meeting: 25 representatives of five groups and 5 committee members.
        let assembly = try CLI.xuanyi(["assembly", "list"] + db)
        #expect(assembly.status == 0 && assembly.stdout.contains("25 representatives + 5 committee members (at least four fifths representatives)"))
        #expect(assembly.stdout.contains("第五居民小组, households "))
        let overlapping = try CLI.xuanyi(["assembly", "term", "--starts", "2027-01-01"] + db)
        #expect(overlapping.status != 0 && overlapping.stderr.contains("overlaps"))
        let early = try CLI.xuanyi(["assembly", "end", "1", "--until", "2000-01-01"] + db)
        #expect(early.status != 0 && early.stderr.contains("after the member started"))
        // Residents' requests: the representatives' one is on the desk with its deadline.
        let due = try CLI.xuanyi(["request", "list", "--due"] + db)
        #expect(due.status == 0 && due.stdout.contains("召开年度居民会议") && due.stdout.contains("convene by ") && !due.stdout.contains("物业费调价听证"))
        let notReached = try CLI.xuanyi(["request", "convened", "2", "--hearing", "1", "--as", "zhuren"] + db)
        #expect(notReached.status != 0 && notReached.stderr.contains("has not reached its share"))
        let wrongMeeting = try CLI.xuanyi(["request", "convened", "1", "--meeting", "1", "--as", "zhuren"] + db)
        #expect(wrongMeeting.status != 0 && wrongMeeting.stderr.contains("meeting"))
        // Settings: the shares, written as fractions.
        #expect(try CLI.xuanyi(["council", "settings", "--set", "conveningAdults=1/4"] + db).stdout.contains("conveningAdults 1/4"))
        let float = try CLI.xuanyi(["council", "settings", "--set", "conveningAdults=0.25"] + db)
        #expect(float.status != 0 && float.stderr.contains("a fraction like 1/5"))
        // The supervisory committee: three members, opinions, a residents' committee member refused.
        let supervision = try CLI.xuanyi(["supervision", "list"] + db)
        #expect(supervision.status == 0 && supervision.stdout.contains("Chair, chosen by meeting") && supervision.stdout.contains("[accounts: 第三季度财务收支]"))
        let opinion = try CLI.xuanyi(["supervision", "opinion", "--member", "1", "--subject", "audit", "--text", "x", "--as", "jilu"] + db)
        #expect(opinion.status != 0 && opinion.stderr.contains("disclosure, accounts or implementation"))
        #expect(try CLI.xuanyi(["supervision", "opinion", "--member", "1", "--subject", "accounts", "--text", "账目相符。", "--as", "jilu"] + db).status == 0)
        // Meetings: the noticed representatives' meeting is postponed, then cancelled; a held one is not.
        let list = try CLI.xuanyi(["meeting", "list"] + db)
        #expect(list.status == 0 && list.stdout.contains("#2 ") && list.stdout.contains("noticed"))
        let noReason = try CLI.xuanyi(["meeting", "cancel", "2", "--reason", "", "--as", "zhuren"] + db)
        #expect(noReason.status != 0 && noReason.stderr.contains("reason"))
        let clerk = try CLI.xuanyi(["meeting", "postpone", "2", "--to", "2099-01-01", "--reason", "场地维修", "--as", "jilu"] + db)
        #expect(clerk.status != 0 && clerk.stderr.contains("jilu is not"))
        let held = try CLI.xuanyi(["meeting", "cancel", "1", "--reason", "误操作", "--as", "zhuren"] + db)
        #expect(held.status != 0 && held.stderr.contains("only a meeting that has not opened"))
        let postponed = try CLI.xuanyi(["meeting", "postpone", "2", "--to", "2099-01-01", "--reason", "场地维修", "--as", "zhuren"] + db)
        #expect(postponed.status != 0 && postponed.stderr.contains("date"))   // beyond the two-year horizon
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(30 * 86_400))
        let day = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        let moved = try CLI.xuanyi(["meeting", "postpone", "2", "--to", day, "--reason", "场地维修", "--as", "zhuren"] + db)
        #expect(moved.status == 0 && moved.stdout.contains("postponed to \(day) (draft)"))
        #expect(try CLI.xuanyi(["meeting", "list"] + db).stdout.contains("postponed from "))
        let cancelled = try CLI.xuanyi(["meeting", "cancel", "2", "--reason", "并入年度居民会议", "--as", "zhuren"] + db)
        #expect(cancelled.status == 0 && cancelled.stdout.contains("cancelled"))
        #expect(try CLI.xuanyi(["meeting", "list"] + db).stdout.contains("cancelled: 并入年度居民会议"))
    }
}
