import ArgumentParser
import Community
import Councils
import Foundation

/// `xuanyi supervision list|choose|end|declare|opinion`: the residents' affairs supervisory
/// committee (居务监督委员会, L25) — members chosen by a residents' or representatives' meeting,
/// none of the residents' committee nor their close relatives, and their recorded opinions.
struct SupervisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervision", abstract: "The residents' affairs supervisory committee (居务监督委员会): members and opinions.",
        subcommands: [List.self, Choose.self, End.self, Declare.self, Opinion.self])

    static func resident(_ database: AppDatabase, _ communityID: Int64, _ idNumber: String) throws -> Resident {
        try database.resident(idNumber: idNumber.trimmingCharacters(in: .whitespaces).uppercased(), communityID: communityID)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the members, any now barred by a residents' committee member, and the opinions.")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let members = try database.supervisoryMembers(communityID: community.id!)
            if members.isEmpty { say("no members") }
            for member in members {
                say("#\(member.id) \(member.name) \(member.post.english), chosen by meeting \(member.meetingID), recorded \(member.chosenOn)" + (member.until.map { ", until \($0)" } ?? ""))
            }
            for conflict in try database.supervisoryConflicts(communityID: community.id!) {
                say("BARRED: #\(conflict.member.id) \(conflict.member.name) — \(conflict.kinship.rawValue) of residents' committee member \(conflict.committeeMember)")
            }
            for opinion in try database.supervisoryOpinions(communityID: community.id!) {
                say("opinion #\(opinion.id) \(opinion.recordedOn) \(opinion.memberName) [\(opinion.subject.rawValue)\(opinion.concerns.isEmpty ? "" : ": \(opinion.concerns)")] \(opinion.text)"
                    + (opinion.reportedToMeetingID.map { " (reported to meeting \($0))" } ?? ""))
            }
        }
    }

    struct Choose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a member chosen by a held residents' or representatives' meeting (the election committee organises the choice).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "The resident's ID number.") var idNumber: String
        @Option(name: .long, help: "The meeting that chose the member.") var meeting: Int64
        @Flag(name: .long, help: "The committee's chair (else a member).") var chair = false
        @Option(name: .customLong("as"), help: "The election committee account recording it.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.committee])
            let member = try database.chooseSupervisoryMember(communityID: community.id!, residentID: try SupervisionCommand.resident(database, community.id!, idNumber).id!,
                                                              post: chair ? .chair : .member, meetingID: meeting, actor: Actor(actor))
            say("#\(member.id) \(member.name) \(member.post.english) of the supervisory committee")
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a member's service.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Member id (from xuanyi supervision list).") var member: Int64
        @Option(name: .long, help: "The member no longer serves from this date (default: today).") var until: String?
        @Option(name: .customLong("as"), help: "The election committee account recording it.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.committee])
            guard try database.supervisoryMembers(communityID: community.id!).contains(where: { $0.id == member }) else { throw CommandError("no member \(member)") }
            try database.endSupervisoryMember(id: member, until: try AssemblyCommand.date(until, "until") ?? .today(), actor: Actor(actor))
            say("member #\(member) ended")
        }
    }

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record kinship a resident declared (for relations the household register does not show).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "The resident's ID number.") var idNumber: String
        @Option(name: .long, help: "The relative's ID number.") var relative: String
        @Option(name: .long, help: "spouse, lineal, sibling or otherClose.") var kinship: String
        @Option(name: .customLong("as"), help: "The election committee account recording it.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.committee])
            guard let kind = Kinship(rawValue: kinship), kind != .same else { throw CommandError("--kinship: spouse, lineal, sibling or otherClose") }
            try database.declareCouncilRelative(communityID: community.id!, residentID: try SupervisionCommand.resident(database, community.id!, idNumber).id!,
                                                relativeID: try SupervisionCommand.resident(database, community.id!, relative).id!, kinship: kind, actor: Actor(actor))
            say("declared: \(kind.rawValue)")
        }
    }

    struct Opinion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a member's opinion on the disclosure board, the accounts or how decisions are carried out (public once recorded).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Member id.") var member: Int64
        @Option(name: .long, help: "disclosure, accounts or implementation.") var subject: String
        @Option(name: .long, help: "What it concerns (a month, an account, a motion number).") var concerns: String = ""
        @Option(name: .long, help: "The opinion.") var text: String
        @Option(name: .long, help: "The residents' or representatives' meeting it was reported to.") var meeting: Int64?
        @Option(name: .customLong("as"), help: "The staff account recording it.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let actor = try staffAccount(database, username: account, roles: [.committee, .clerk])
            guard let kind = SupervisoryCommittee.Subject(rawValue: subject) else { throw CommandError("--subject: disclosure, accounts or implementation") }
            guard try database.supervisoryMembers(communityID: community.id!).contains(where: { $0.id == member }) else { throw CommandError("no member \(member)") }
            let opinion = try database.recordSupervisoryOpinion(memberID: member, subject: kind, concerns: concerns, text: text, reportedToMeetingID: meeting, actor: Actor(actor))
            say("opinion #\(opinion.id) recorded")
        }
    }
}
