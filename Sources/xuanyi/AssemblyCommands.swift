import ArgumentParser
import Community
import Councils
import Foundation

/// `xuanyi assembly list|term|add|end`: the representatives' meeting (居民代表会议) as a body
/// per term — committee members and residents' representatives by residents' group, with the
/// households each answers to (L25; `RepresentativeAssembly`).
struct AssemblyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assembly", abstract: "The representatives' meeting (居民代表会议) per term: its members, four fifths representatives.",
        subcommands: [List.self, Term.self, Add.self, End.self])

    static func date(_ text: String?, _ option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(text) else { throw CommandError("--\(option) \(text): expected a date YYYY-MM-DD") }
        return date
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the terms and their members, and whether representatives make four fifths.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "The day whose serving members count for the composition (default: today, or the term's first day).") var on: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let terms = try database.assemblyTerms(communityID: community.id!)
            if terms.isEmpty { say("no term of the representatives' meeting"); return }
            let asked = try AssemblyCommand.date(on, "on")
            for term in terms {
                let day = asked ?? (term.covers(.today()) ? .today() : term.startsOn)
                let composition = try database.assemblyComposition(termID: term.id, on: day)
                say("term \(term.id): \(term.startsOn) to \(term.endsOn.adding(days: -1)); on \(day): \(composition.representatives) representatives + \(composition.committeeMembers) committee members"
                    + (composition.constituted ? " (at least four fifths representatives)" : " — NOT constituted: representatives must be at least four fifths"))
                for member in try database.assemblyMembers(termID: term.id) {
                    var line = "  #\(member.id) \(member.name) \(member.seat.english)"
                    if member.seat == .representative { line += ", \(member.group.isEmpty ? "group not recorded" : member.group), households \(member.households.joined(separator: " "))" }
                    line += ", since \(member.since)" + (member.until.map { " until \($0)" } ?? "")
                    say(line)
                }
            }
        }
    }

    struct Term: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a term (at most the committee's five years; terms do not overlap).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "First day (YYYY-MM-DD).") var starts: String
        @Option(name: .long, help: "The next term's first day (default: five years later).") var ends: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            guard let starts = try AssemblyCommand.date(starts, "starts") else { return }
            let term = try database.createAssemblyTerm(communityID: community.id!, startsOn: starts, endsOn: try AssemblyCommand.date(ends, "ends"), actor: .commandLine)
            say("term \(term.id): \(term.startsOn) to \(term.endsOn.adding(days: -1))")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a residents' representative (--group, --households) or a committee member (--committee-member) to a term.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Term id (default: the term covering --since).") var term: Int64?
        @Option(name: .long, help: "The resident's ID number.") var idNumber: String
        @Flag(name: .long, help: "A member of the residents' committee (else a residents' representative).") var committeeMember = false
        @Option(name: .long, help: "The residents' group that elected the representative.") var group: String?
        @Option(name: .long, help: "Numbers of the households the representative answers to, comma-separated.") var households: String?
        @Option(name: .long, help: "First day of service (default: today).") var since: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let day = try AssemblyCommand.date(since, "since") ?? .today()
            guard let termID = try term ?? database.assemblyTerm(communityID: community.id!, on: day)?.id else {
                throw CommandError("no term of the representatives' meeting covers \(day): open one with xuanyi assembly term")
            }
            let resident = try database.resident(idNumber: idNumber.trimmingCharacters(in: .whitespaces).uppercased(), communityID: community.id!)
            let member: AssemblyMember
            if committeeMember {
                member = try database.addAssemblyCommitteeMember(termID: termID, residentID: resident.id!, since: day, actor: .commandLine)
            } else {
                let numbers = (households ?? "").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init)
                member = try database.addAssemblyRepresentative(termID: termID, residentID: resident.id!, group: group ?? "", households: numbers, since: day, actor: .commandLine)
            }
            let composition = try database.assemblyComposition(termID: termID, on: day)
            say("#\(member.id) \(member.name) \(member.seat.english) from \(member.since); now \(composition.representatives) representatives + \(composition.committeeMembers) committee members"
                + (composition.constituted ? "" : " — not yet four fifths representatives"))
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a member's service (moved away, recalled, resigned).")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Member id (from xuanyi assembly list).") var member: Int64
        @Option(name: .long, help: "Last day's next day: the member no longer serves from this date (default: today).") var until: String?

        func run() async throws {
            let (database, _) = try openCommunity(options)
            let day = try AssemblyCommand.date(until, "until") ?? .today()
            try database.endAssemblyMember(id: member, until: day, actor: .commandLine)
            say("member #\(member) serves until \(day.adding(days: -1))")
        }
    }
}
