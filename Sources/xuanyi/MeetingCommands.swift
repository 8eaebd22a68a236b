import ArgumentParser
import Community
import Councils
import Foundation

/// `xuanyi meeting list|postpone|cancel`: the meetings, and postponing or cancelling one that
/// has not opened, with a reason (decision 97: its motions return to `accepted`; a postponed
/// meeting goes back to draft for a new notice and roll).
struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting", abstract: "Meetings (居民会议, 居民代表会议, 议事园会议): list, postpone or cancel with a reason.",
        subcommands: [List.self, Postpone.self, Cancel.self])

    static func meeting(_ database: AppDatabase, _ communityID: Int64, _ id: Int64) throws -> Meeting {
        let meeting = try database.meeting(id: id)
        guard meeting.communityID == communityID else { throw CommandError("no meeting \(id) in this community") }
        return meeting
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the meetings, latest first.")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let meetings = try database.meetings(communityID: community.id!)
            if meetings.isEmpty { say("no meetings") }
            for meeting in meetings {
                var line = "#\(meeting.id!) \(meeting.date) \(meeting.time) \(meeting.kind.english): \(meeting.title) — \(meeting.status.rawValue), entitled \(meeting.entitled)"
                if let from = meeting.postponedFrom { line += ", postponed from \(from)" }
                if let reason = meeting.cancelReason { line += ", cancelled: \(reason)" }
                say(line)
            }
        }
    }

    struct Postpone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Postpone a meeting that has not opened to a new day, with a reason: it goes back to draft for a new notice; its motions return to accepted.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Meeting id.") var id: Int64
        @Option(name: .long, help: "The new day (YYYY-MM-DD).") var to: String
        @Option(name: .long, help: "Why it is postponed.") var reason: String
        @Option(name: .customLong("as"), help: "The committee account taking the step.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.admin, .committee])
            _ = try MeetingCommand.meeting(database, community.id!, id)
            guard let day = CivilDate(to) else { throw CommandError("--to \(to): expected a date YYYY-MM-DD") }
            let meeting = try database.postponeMeeting(id: id, to: day, reason: reason, actor: Actor(actor))
            say("meeting #\(id) postponed to \(meeting.date) (\(meeting.status.rawValue)): publish a new notice")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a meeting that has not opened, with a reason; its motions return to accepted.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Meeting id.") var id: Int64
        @Option(name: .long, help: "Why it is cancelled.") var reason: String
        @Option(name: .customLong("as"), help: "The committee account taking the step.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.admin, .committee])
            _ = try MeetingCommand.meeting(database, community.id!, id)
            _ = try database.cancelMeeting(id: id, reason: reason, actor: Actor(actor))
            say("meeting #\(id) cancelled")
        }
    }
}
