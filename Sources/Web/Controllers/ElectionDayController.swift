import Community
import Elections
import Foundation
import Hummingbird

/// Election day for the committee and clerks (issue 22 #1, #2): `/elections/:id/today` — what is
/// open, what is next and what is late, and each round's turnout against the roll with the
/// threshold line, per station and per box, boxes whose count differs from the ballots issued
/// flagged. `?wall=1` is the same page for a wall screen: large type, refreshing itself every
/// 30 seconds without JavaScript. `/api/v1/elections/:id/today` gives it as JSON. Staff only;
/// nothing of an open round's ballots is on it (`ElectionDayStatus`).
struct ElectionDayController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }
    var renderer: PageRenderer { elections.renderer }

    /// Seconds between refreshes of the wall screen.
    static let wallRefreshSeconds = 30

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/elections/:id/today", use: page)
        staff.get("/api/v1/elections/:id/today", use: api)
    }

    static func roundKind(_ kind: RoundKind, _ locale: AppLocale) -> String {
        locale == .zhHans ? kind.chinese : locale.text("round_kind_\(kind.rawValue)")
    }

    static func taskText(_ task: ElectionDayStatus.Task, _ locale: AppLocale) -> String {
        switch task {
        case .timeline(let step): return locale == .zhHans ? step.chinese : step.english
        case .openPolling(let day): return locale.text("ed_task_open_polling", ["date": ReadableTime.day(day, locale)])
        case .closeBoxes(let round, let open): return locale.text("ed_task_close_boxes", ["round": round, "open": open])
        case .closeRound(let round): return locale.text("ed_task_close_round", ["round": round])
        case .openNextRound(let kind, let by): return locale.text("ed_task_next_round", ["kind": roundKind(kind, locale), "date": ReadableTime.day(by, locale)])
        case .certify: return locale.text("ed_task_certify")
        case .handover(let by): return locale.text("ed_task_handover", ["date": ReadableTime.day(by, locale)])
        }
    }

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let today = CivilDate.today()
        let status = try database.electionDayStatus(electionID: election.id!, today: today)
        let locale = context.locale
        let wall = request.uri.queryParameters.get("wall") == "1"
        let overdue = status.overdue(today: today)
        var data: [String: Any] = [
            "election": elections.summary(election), "electionID": election.id!, "today": ReadableTime.day(today, locale),
            "now": ReadableTime.text(Date(), locale), "wall": wall,
            "open": status.rounds.filter(\.open).map { round -> [String: Any] in
                ["number": round.number, "kind": Self.roundKind(round.kind, locale), "boxesOpen": round.boxes.filter { $0.status != .closed }.count]
            },
            "tasks": status.tasks.map { task -> [String: Any] in
                ["text": Self.taskText(task, locale), "overdue": overdue.contains(task)]
            },
            "late": status.lateSteps.map { locale == .zhHans ? $0.chinese : $0.english }.joined(separator: locale == .zhHans ? "、" : ", "),
            "rounds": status.rounds.reversed().map { round -> [String: Any] in
                [
                    "number": round.number, "kind": Self.roundKind(round.kind, locale), "open": round.open, "base": round.base,
                    "threshold": round.threshold.description, "needed": round.needed, "issued": round.issued,
                    "collected": round.collected.map(String.init) ?? "—", "counted": round.collected != nil, "reached": round.reached,
                    "percent": round.base > 0 ? String(format: "%.1f", Double(round.collected ?? round.issued) * 100 / Double(round.base)) : "—",
                    "stations": round.stations.map { station -> [String: Any] in
                        ["name": station.electronic ? locale.text("ed_electronic") : station.name, "issued": station.issued,
                         "share": round.base > 0 ? String(format: "%.1f", Double(station.issued) * 100 / Double(round.base)) : "—"]
                    },
                    "boxes": round.boxes.map { box -> [String: Any] in
                        ["id": box.id, "number": box.number, "name": box.name, "station": box.station,
                         "kind": locale == .zhHans ? box.kind.chinese : locale.text("ed_box_\(box.kind.rawValue)"),
                         "status": locale.text("box_\(box.status.rawValue)"), "issued": box.issued,
                         "counted": box.counted.map(String.init) ?? "—",
                         "difference": box.difference.map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "", "flagged": (box.difference ?? 0) != 0]
                    },
                    "flagged": round.flaggedBoxes.count,
                ] as [String: Any]
            },
        ]
        data["nothingOpen"] = (data["open"] as? [Any])?.isEmpty ?? true
        if wall { data["refreshSeconds"] = Self.wallRefreshSeconds }
        return try renderer.page("election_day", title: "\(election.title) · \(locale.text("ed_title"))", data: data,
                                 request: request, context: context)
    }

    /// The JSON form of the page, for a program that shows turnout elsewhere.
    struct Document: Encodable {
        struct Station: Encodable { let name: String; let electronic: Bool; let issued: Int }
        struct Box: Encodable {
            let number: Int; let name: String; let station: String; let kind: String; let status: String
            let issued: Int; let counted: Int?; let difference: Int?
        }
        struct Round: Encodable {
            let number: Int; let kind: String; let open: Bool; let base: Int; let threshold: String; let needed: Int
            let issued: Int; let collected: Int?; let reached: Bool; let stations: [Station]; let boxes: [Box]
        }
        struct Task: Encodable { let text: String; let due: String?; let overdue: Bool }
        let election: Int64
        let today: String
        let rounds: [Round]
        let tasks: [Task]
        let late: [String]
    }

    @Sendable func api(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let today = CivilDate.today()
        let status = try database.electionDayStatus(electionID: election.id!, today: today)
        let overdue = status.overdue(today: today)
        return try JSONResponse.make(Document(
            election: election.id!, today: today.description,
            rounds: status.rounds.map { round in
                .init(number: round.number, kind: round.kind.rawValue, open: round.open, base: round.base, threshold: round.threshold.description,
                      needed: round.needed, issued: round.issued, collected: round.collected, reached: round.reached,
                      stations: round.stations.map { .init(name: $0.name, electronic: $0.electronic, issued: $0.issued) },
                      boxes: round.boxes.map { .init(number: $0.number, name: $0.name, station: $0.station, kind: $0.kind.rawValue,
                                                     status: $0.status.rawValue, issued: $0.issued, counted: $0.counted, difference: $0.difference) })
            },
            tasks: status.tasks.map { .init(text: Self.taskText($0, context.locale), due: $0.due?.description, overdue: overdue.contains($0)) },
            late: status.lateSteps.map(\.key)))
    }
}
