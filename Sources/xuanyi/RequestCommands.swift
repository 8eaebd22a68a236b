import ArgumentParser
import Community
import Councils
import Foundation

/// `xuanyi request list|convened`: residents' requests to convene a residents' meeting or a
/// hearing — progress against the share, the committee's deadline — and recording the meeting
/// or hearing the committee convened (L25; `ConveningRequest`). Residents sign on the web.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Residents' requests to convene a residents' meeting or a hearing: progress, deadlines, convening.",
        subcommands: [List.self, Convened.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the requests with their signatures against the required number; --due for those on the committee's desk.")
        @OptionGroup var options: DatabaseOptions
        @Flag(name: .long, help: "Only requests that reached their share and are not convened yet.") var due = false

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let requests = due ? try database.requestsToConvene(communityID: community.id!) : try database.conveningRequests(communityID: community.id!)
            if requests.isEmpty { say("no requests") }
            let today = CivilDate.today()
            for request in requests {
                var line = "#\(request.id) \(request.body.english) by \(request.basis.rawValue): \(request.title) — \(request.signatures) of \(request.required) (share \(request.share) of \(request.base)), \(request.status.rawValue)"
                if let due = request.dueOn, request.status == .reached { line += ", convene by \(due)" + (request.overdue(today: today) ? " — OVERDUE" : "") }
                if let convened = request.convenedOn { line += " on \(convened)" + (request.meetingID.map { ", meeting \($0)" } ?? "") + (request.hearingID.map { ", hearing \($0)" } ?? "") }
                say(line)
            }
        }
    }

    struct Convened: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the residents' meeting (--meeting) or hearing (--hearing) convened for a request that reached its share.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Request id.") var id: Int64
        @Option(name: .long, help: "The residents' meeting convened.") var meeting: Int64?
        @Option(name: .long, help: "The hearing convened.") var hearing: Int64?
        @Option(name: .long, help: "A note for the residents.") var note: String?
        @Option(name: .customLong("as"), help: "The committee account recording it.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.committee])
            let request = try database.conveningRequest(id: id)
            guard request.communityID == community.id else { throw CommandError("no request \(id) in this community") }
            try database.answerConveningRequest(id: id, meetingID: meeting, hearingID: hearing, note: note, actor: Actor(actor))
            say("request #\(id) convened")
        }
    }
}
