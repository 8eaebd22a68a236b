import Community
import Elections
import Foundation
import Hummingbird

/// The 计票结果报告单 of one box (issue 22 #3): the signed count sheet printed as the document
/// the scrutineers and tellers sign by hand and post — figures, each candidate's votes, write-ins,
/// the committee members who signed it with their keys, signature lines for 监票人 / 计票人 /
/// 唱票人 / 记票人 and the committee's seal, Beijing time, and the sheet's SHA-256 small at the
/// foot. Public once the box's round is closed, like the round's result (decision 70).
struct CountSheetReportController {
    let elections: ElectionsController
    var database: AppDatabase { elections.database }

    func addRoutes(to routes: Routes) {
        routes.open().get("/elections/:id/boxes/:bid/count-sheet", use: page)
    }

    @Sendable func page(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        guard let boxID = context.parameters.get("bid").flatMap(Int64.init) else { throw WebError.notFound }
        let report = try database.countSheetReport(boxID: boxID, electionID: election.id!)
        let locale = context.locale
        let zh = locale == .zhHans
        let sheet = report.sheet
        func post(_ post: Post) -> String { zh ? post.chinese : post.english }
        let posts = Post.allCases.filter { post in
            sheet.candidates.contains { $0.post == post } || sheet.writeIns.contains { $0.post == post }
        }
        let kind = zh ? (BallotBox.Kind(rawValue: sheet.kind)?.chinese ?? sheet.kind) : locale.text("ed_box_\(sheet.kind)")
        let data: [String: Any] = [
            "election": elections.summary(election), "community": try database.servedCommunity().name,
            "round": sheet.round, "roundKind": ElectionDayController.roundKind(report.roundKind, locale),
            "box": sheet.box, "boxName": sheet.name, "boxKind": kind, "station": report.station,
            "closedAt": ReadableTime.text(sheet.at, locale),
            "figures": [
                ["label": locale.text("csr_issued"), "value": sheet.issued],
                ["label": locale.text("csr_hand_count"), "value": sheet.handCount],
                ["label": locale.text("csr_ballots"), "value": sheet.ballots],
                ["label": locale.text("csr_valid"), "value": sheet.valid],
                ["label": locale.text("csr_invalid"), "value": sheet.invalid],
                ["label": locale.text("csr_blank"), "value": sheet.blank],
                ["label": locale.text("csr_voided"), "value": sheet.voided],
            ] as [[String: Any]],
            "differs": sheet.handCount != sheet.issued,
            "posts": posts.map { p -> [String: Any] in
                [
                    "post": post(p),
                    "candidates": sheet.candidates.filter { $0.post == p }.map { ["name": report.name($0.person), "votes": $0.votes] as [String: Any] },
                    "writeIns": sheet.writeIns.filter { $0.post == p }.map { ["name": report.name($0.person), "votes": $0.votes] as [String: Any] },
                    "voidPost": sheet.voidPosts.first { $0.post == p }?.count ?? 0,
                    "voidWriteIns": sheet.voidWriteIns.first { $0.post == p }?.count ?? 0,
                ]
            },
            "scrutineers": sheet.scrutineers.joined(separator: zh ? "、" : ", "),
            "signatures": report.signatures.map { signature -> [String: Any] in
                let at = ReadableTime.text(signature.signedAt, locale)
                return ["signed": "\(signature.name) · \(at)"]
            },
            "keySigned": !report.signatures.isEmpty,
            "roles": ["csr_scrutineer", "csr_counter", "csr_caller", "csr_recorder"].map { locale.text($0) },
            "digest": report.digest,
        ]
        return try elections.renderer.page("count_sheet_report", title: locale.text("csr_title"), data: data, request: request, context: context)
    }
}
