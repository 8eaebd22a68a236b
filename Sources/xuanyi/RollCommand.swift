import ArgumentParser
import Community
import Elections
import Foundation

/// `xuanyi election list`: the community's elections.
struct ElectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "election", abstract: "Elections of the community.", subcommands: [ListElections.self, Rules.self, Timeline.self, MoveDay.self, Candidates.self, Ballot.self, Result.self, NextRound.self, OpenBox.self, SignCountSheet.self, Certify.self, Statistics.self, Notices.self, Notice.self, VerifyNotice.self, Archive.self, CorrectNotice.self, Recall.self, HandoverCommand.self, Annul.self])

    /// `xuanyi election move-day --election ID --to YYYY-MM-DD --reason TEXT`: a roll that can no
    /// longer be published 20 days ahead moves election day (never publishes late).
    struct MoveDay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "move-day", abstract: "Move election day before the roll is published (the roll is then built again).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "The new election day, YYYY-MM-DD (at least rollPublicationDays from today).") var to: String
        @Option(name: .long, help: "Why election day moves (recorded in the audit log).") var reason: String

        func run() async throws {
            guard let day = CivilDate(to) else { throw CommandError("--to: \(to) is not a date (YYYY-MM-DD)") }
            let moved = try options.openExisting().moveElectionDay(electionID: election, to: day, today: .today(), reason: reason, actor: .commandLine)
            say("选举日已改为 Election day moved to \(moved.electionDay); build the roll again: xuanyi roll build --election \(election)")
        }
    }

    struct ListElections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the elections with their roll status.")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let database = try options.openExisting()
            guard let community = try database.primaryCommunity() else { throw CommandError("the database has no community") }
            for election in try database.elections(communityID: community.id!) {
                let counts = try database.rollCounts(electionID: election.id!)
                let roll = election.rollBuilt ? "\(counts.totalActive) voters" : "no roll yet"
                let status = election.rollPublishedOn.map { "published \($0)\(election.rollPublishedLate ? " (late)" : "")" } ?? "not published"
                say("\(election.id!)\t\(election.electionDay)\t\(election.method.rawValue)\t\(roll), \(status)\t\(election.title)")
            }
        }
    }
}

/// `xuanyi roll build|publish|export --election ID`: the voter roll from the command line.
struct RollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roll", abstract: "Build, publish and export an election's voter roll.",
                                                    subcommands: [Build.self, Publish.self, Export.self, Cards.self, Applications.self, Apply.self, Decide.self, ConfirmWorker.self])

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build (or, before publication, rebuild) the base roll.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id (see `xuanyi election list`).") var election: Int64

        func run() async throws {
            let summary = try options.openExisting().buildRoll(electionID: election, actor: .commandLine)
            say("选民名单 Roll built: \(summary.entries) voters (" + RegistrationCategory.allCases.map { "\($0.rawValue) \(summary.byCategory[$0] ?? 0)" }.joined(separator: ", ") + ")")
            for (reason, count) in summary.ineligible.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { say("  not listed — \(reason.chinese): \(count)") }
            for warning in summary.warnings { say("  ! \(warning)") }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish the roll today (China Standard Time).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64

        func run() async throws {
            let published = try options.openExisting().publishRoll(electionID: election, on: .today(), actor: .commandLine)
            say("选民名单已公布 Roll published on \(published.rollPublishedOn!); objections until \(published.objectionDeadline!)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the published roll as CSV (masked ID numbers, UTF-8 with BOM for Excel).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Output file (default: standard output).") var out: String?

        func run() async throws {
            let database = try options.openExisting()
            guard try database.election(id: election).status.rollIsPublic else { throw CommandError("the roll of election \(election) is not published") }
            let data = RollCSV.render(try database.rollLines(electionID: election))
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: data) else { throw CommandError("cannot write \(out)") }
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    struct Cards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue voter cards: one-time access codes for electronic voting, written once as CSV (roll number, name, code).",
            discussion: "Without --numbers, cards for every voter who has none. With --numbers, new codes for those voters (a lost card): their old codes stop working. The codes are stored only as scrypt hashes; keep the file safe and delete it once the cards are printed.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Roll numbers, comma-separated (default: every voter without a card).") var numbers: String?
        @Option(name: .long, help: "Output CSV file (created new, mode 0600).") var out: String

        func run() async throws {
            let database = try options.openExisting()
            let wanted = try numbers.map { text in
                try text.split(separator: ",").map { part -> Int in
                    guard let number = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CommandError("--numbers: \"\(part)\" is not a roll number") }
                    return number
                }
            }
            guard !FileManager.default.fileExists(atPath: out) else { throw CommandError("\(out) exists; the codes are written to a new file only") }
            let cards = try database.issueVoterCards(electionID: election, numbers: wanted, actor: .commandLine)
            var csv = "roll number,name,access code\n"
            for card in cards { csv += CSVField.line([String(card.number), card.name, card.accessCode]) + "\n" }
            guard FileManager.default.createFile(atPath: out, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandError("cannot write \(out)")
            }
            say("选民证 Voter cards: \(cards.count) access codes written to \(out)")
        }
    }
}
