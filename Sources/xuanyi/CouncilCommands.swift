import ArgumentParser
import Community
import Councils
import Elections
import Foundation
import Notary

/// Opens the database and its community, for the discussion garden's commands.
func openCommunity(_ options: DatabaseOptions) throws -> (AppDatabase, Community) {
    let database = try options.openExisting()
    guard let community = try database.primaryCommunity() else { throw CommandError("the database has no community") }
    return (database, community)
}

/// A staff account named on the command line (`--as`), for actions recorded under a person.
func staffAccount(_ database: AppDatabase, username: String, roles: Set<Role>) throws -> Account {
    guard let account = try database.accounts().first(where: { $0.username.lowercased() == username.lowercased() }), !account.disabled else {
        throw CommandError("no active account \(username)")
    }
    guard account.has(anyOf: roles) else { throw CommandError("\(username) is not \(roles.map(\.rawValue).sorted().joined(separator: " or "))") }
    return account
}

/// `xuanyi council settings|calendar|workflow|cards`: the discussion garden's configuration.
struct CouncilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "council", abstract: "Discussion garden (议事园) settings, working calendar, workflow and household cards.",
                                                    subcommands: [Settings.self, Calendar.self, Workflow.self, Cards.self, Report.self])

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show or change the deliberation settings (supportThreshold, acceptDays …).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Set a field, e.g. --set supportThreshold=8 (repeatable).") var set: [String] = []
        @Flag(name: .long, help: "Print the settings as JSON.") var json = false

        func run() async throws {
            let (database, community) = try openCommunity(options)
            var settings = try database.councilSettings(communityID: community.id!)
            if !set.isEmpty {
                var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(settings)) as? [String: Any] ?? [:]
                for assignment in set {
                    let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, object[parts[0]] != nil, parts[0] != "categories" else { throw CommandError("--set \(assignment): expected field=value with one of \(object.keys.filter { $0 != "categories" }.sorted().joined(separator: ", "))") }
                    object[parts[0]] = Int(parts[1]).map { $0 as Any } ?? parts[1]
                }
                do {
                    settings = try JSONDecoder().decode(CouncilSettings.self, from: try JSONSerialization.data(withJSONObject: object))
                } catch DecodingError.dataCorrupted(let context) {
                    throw CommandError("--set \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
                } catch { throw CommandError("--set: a value has the wrong type (\(error.localizedDescription))") }
                try database.setCouncilSettings(settings, communityID: community.id!, actor: .commandLine)
            }
            if json {
                FileHandle.standardOutput.write(try CanonicalJSON.encode(settings) + Data("\n".utf8))
            } else {
                say("supportUnit \(settings.supportUnit.rawValue), supportThreshold \(settings.supportThreshold), acceptDays \(settings.acceptDays), replyDays \(settings.replyDays), noticeDays \(settings.noticeDays), hearingNoticeDays \(settings.hearingNoticeDays), speakingMinutes \(settings.speakingMinutes), meetingsPerYear \(settings.meetingsPerYear), photoMaxBytes \(settings.photoMaxBytes)")
                say("categories: " + settings.categories.map { "\($0.key) \($0.zh)" }.joined(separator: ", "))
                say("requests to convene: a residents' meeting by conveningAdults \(settings.conveningAdults), conveningHouseholds \(settings.conveningHouseholds), conveningRepresentatives \(settings.conveningRepresentatives); a hearing by hearingAdults \(settings.hearingAdults), hearingHouseholds \(settings.hearingHouseholds); convened within requestAnswerDays \(settings.requestAnswerDays) working days")
                let reminder = try database.meetingsPerYearReminder(communityID: community.id!)
                say("residents' meetings \(reminder.year): held \(reminder.held), planned \(reminder.planned), required \(reminder.required)"
                    + (reminder.behind ? " — plan another residents' meeting this year" : ""))
            }
        }
    }

    struct Calendar: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a year's holidays and adjusted working days, or set a day.",
                                                        discussion: "Deadlines count working days. The State Council's announced arrangements for 2025 and 2026 are built in; every later year to 2100 is computed from the holiday regulation (2024 revision: statutory holidays, and a holiday on a weekend made up on the next working day) and flagged 'computed, not yet announced' until the year is confirmed (--confirm-year with --source) after entering the announced adjusted days. Local entries override the list; changing one recomputes the deadlines of open motions, each change written on the motion.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Year to list (default: this year).") var year: Int?
        @Option(name: .long, help: "Mark a date as a holiday (YYYY-MM-DD).") var holiday: String?
        @Option(name: .long, help: "Mark a date as a working day (调休上班).") var workday: String?
        @Option(name: .long, help: "Back to the weekday rule for a date (cancels an official entry).") var normal: String?
        @Option(name: .long, help: "Remove the community's own entry for a date.") var remove: String?
        @Option(name: .long, help: "What the day is (国庆节, 调休上班 …), with --holiday, --workday or --normal.") var name: String?
        @Option(name: .long, help: "Count the working days from this date: prints the date N working days later (with --days).") var from: String?
        @Option(name: .long, help: "Working days to add to --from.") var days: Int?
        @Option(name: .long, help: "Confirm that this year's announced arrangement is entered (with --source).") var confirmYear: Int?
        @Option(name: .long, help: "The announcement confirmed with --confirm-year (国办发明电〔…〕…号).") var source: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            func date(_ text: String) throws -> CivilDate {
                guard let date = CivilDate(text) else { throw CommandError("\(text): expected a date YYYY-MM-DD") }
                return date
            }
            for (value, kind) in [(holiday, WorkingCalendar.DayKind.holiday), (workday, .workday), (normal, .normal)] {
                if let value { try database.setCalendarDay(communityID: community.id!, date: try date(value), kind: kind, name: name ?? "", actor: .commandLine) }
            }
            if let remove { try database.removeCalendarDay(communityID: community.id!, date: try date(remove), actor: .commandLine) }
            if let confirmYear {
                guard let source else { throw CommandError("--confirm-year needs --source (the announcement)") }
                try database.confirmCalendarYear(communityID: community.id!, year: confirmYear, source: source, actor: .commandLine)
            }
            let calendar = try database.workingCalendar(communityID: community.id!)
            if let from {
                guard let days else { throw CommandError("--from needs --days") }
                say(calendar.addingWorkingDays(days, to: try date(from)).description)
                return
            }
            let changed = try [holiday, workday, normal, remove].compactMap { $0 }.first.map(date)
            let shown = year ?? confirmYear ?? changed?.year ?? CivilDate.today().year
            if !OfficialHolidays.years.contains(shown) {
                say("! \(shown): no holiday data (2025–2100 only): enter the days one by one")
            } else if calendar.isUnconfirmed(year: shown) {
                say("! \(shown): computed from the holiday regulation, not yet announced by the State Council; enter the adjusted days when announced, then --confirm-year")
            }
            for day in calendar.listed(year: shown) {
                say("\(day.date)\t\(day.kind == .holiday ? "放假" : day.kind == .workday ? "上班" : "平常")\t\(day.name)\t\(day.computed ? "computed" : day.official ? "official" : "local")")
            }
        }
    }

    struct Workflow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the motion workflow, or replace it from a JSON file (rename states, add states and transitions).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "A workflow JSON file (as printed with --json) to install.") var from: String?
        @Flag(name: .long, help: "Print the workflow as JSON.") var json = false

        func run() async throws {
            let (database, community) = try openCommunity(options)
            if let from {
                guard let data = FileManager.default.contents(atPath: from) else { throw CommandError("cannot read \(from)") }
                let workflow: MotionWorkflow
                do { workflow = try JSONDecoder().decode(MotionWorkflow.self, from: data) } catch { throw CommandError("\(from): not a workflow (\(error.localizedDescription))") }
                try database.setMotionWorkflow(workflow, communityID: community.id!, actor: .commandLine)
            }
            let workflow = try database.motionWorkflow(communityID: community.id!)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(workflow) + Data("\n".utf8))
            } else {
                for transition in workflow.transitions {
                    say("\(transition.action)\t\(transition.from.joined(separator: ",")) → \(transition.to)\t\(transition.zh)\tby \(transition.by.rawValue)\(transition.reasonRequired ? "\treason required" : "")")
                }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The monthly disclosure report (居务公开月报): received, accepted, referred, overdue, completed, satisfaction.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Month, YYYY-MM (default: last month).") var month: String?
        @Flag(name: .long, help: "Write CSV (UTF-8 with BOM).") var csv = false
        @Flag(name: .long, help: "Write JSON.") var json = false

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let last = CivilDate.today().adding(months: -1)
            let parts = (month ?? String(format: "%04d-%02d", last.year, last.month)).split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2 else { throw CommandError("--month: expected YYYY-MM") }
            let report = try database.disclosureReport(communityID: community.id!, year: parts[0], month: parts[1])
            if csv {
                FileHandle.standardOutput.write(Data(report.csv.utf8))
            } else if json {
                FileHandle.standardOutput.write(try CanonicalJSON.encode(report) + Data("\n".utf8))
            } else {
                say("\(community.name) 居务公开月报 \(report.month)")
                for (label, value) in report.rows { say("  \(label)\t\(value)") }
            }
        }
    }

    struct Cards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue household access cards for the discussion garden, written once as CSV (household, address, code).",
                                                        discussion: "Without --households, cards for every household without one; with --households, new codes for those (the old ones stop working). Only scrypt hashes are stored.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Household numbers, comma-separated.") var households: String?
        @Option(name: .long, help: "Output CSV file.") var out: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let numbers = households?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            try database.refuseCardsWhilePolling(communityID: community.id!)
            let cards = try database.issueHouseholdCodes(communityID: community.id!, numbers: numbers, actor: .commandLine)
            let csv = "\u{FEFF}户号,地址,访问码\r\n" + cards.map { CSVField.line([$0.householdNumber, $0.address, $0.code]) + "\r\n" }.joined()
            guard FileManager.default.createFile(atPath: out, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600]) else { throw CommandError("cannot write \(out)") }
            say("议事卡 Household cards: \(cards.count) written to \(out)")
        }
    }
}

/// `xuanyi motion list|show|submit|move`: the motion register from the command line.
struct MotionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "motion", abstract: "The discussion garden's motion register (议事园议题).",
                                                    subcommands: [List.self, Show.self, Submit.self, Move.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List motions (newest first), with filters; --csv writes the register as CSV.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "State key (submitted, accepted …).") var state: String?
        @Option(name: .long, help: "Category key.") var category: String?
        @Option(name: .long, help: "Building.") var building: String?
        @Flag(name: .long, help: "Only motions past their accept or reply deadline.") var overdue = false
        @Option(name: .long, help: "Words in the title or description, or a number.") var search: String?
        @Flag(name: .long, help: "Write CSV (UTF-8 with BOM) instead of lines.") var csv = false

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let filter = MotionFilter(state: state, category: category, building: building, overdueOnly: overdue, text: search)
            if csv {
                FileHandle.standardOutput.write(Data(try database.motionsCSV(communityID: community.id!, filter: filter).utf8))
                return
            }
            let today = CivilDate.today()
            for listing in try database.motions(communityID: community.id!, filter: filter) {
                let motion = listing.motion
                say("\(motion.number)\t\(motion.state)\t\(listing.supports) supports\t\(motion.overdue(today: today) ? "OVERDUE\t" : "")\(motion.title)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a motion and its history.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Motion number, e.g. 2026-0007.") var number: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let motion = try database.motion(number: number, communityID: community.id!)
            say("\(motion.number) \(motion.title)\n  state \(motion.state) since \(motion.stateSince); supports \(try database.supportCount(motionID: motion.id!))")
            say("  accept by \(motion.acceptDue), reply by \(motion.replyDue)\(motion.repliedOn.map { ", replied \($0)" } ?? "")")
            say("  tracking \(motion.tracking)")
            if try database.mustSchedule(motionID: motion.id!) { say("  must be put on an agenda (co-sign threshold reached)") }
            let moves = try database.availableMoves(motionID: motion.id!, by: .committee) + database.availableMoves(motionID: motion.id!, by: .submitter)
            say("  moves: " + (moves.isEmpty ? "none (a meeting or the implementation takes it on)" : moves.map { "\($0.action) (\($0.zh))" }.joined(separator: ", ")))
            for event in try database.motionHistory(motionID: motion.id!) {
                say("  \(event.at)\t\(event.actor)\t\(event.action)\(event.toState.map { " → \($0)" } ?? "")\(event.reason.map { "\t\($0)" } ?? "")")
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enter a motion received on paper or by phone on a household's behalf; prints the signed receipt.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .customLong("as"), help: "The clerk's username (recorded as who entered it).") var clerk: String
        @Option(name: .long, help: "Household number.") var household: String
        @Option(name: .long, help: "paper or phone.") var channel = "paper"
        @Option(name: .long) var title: String
        @Option(name: .long) var description: String
        @Option(name: .long, help: "Category key (see `xuanyi council settings`).") var category: String
        @Option(name: .long) var building = ""
        @Option(name: .long) var unit = ""
        @Option(name: .long) var grid = ""
        @Option(name: .long, help: "A JPEG or PNG photo.") var photo: String?
        @Option(name: .long, help: "File with the community key's passphrase, if it has one.") var keyPassphraseFile: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let account = try staffAccount(database, username: clerk, roles: [.admin, .committee, .clerk])
            let keyID = try database.communityKeyID(communityID: community.id!)
            let key = try options.keyStore.load(keyID: keyID, passphrase: try readPassphrase(file: keyPassphraseFile))
            let photoData = try photo.map { path -> Data in
                guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
                return data
            }
            let (motion, receipt) = try database.submitMotion(
                communityID: community.id!, NewMotion(title: title, description: description, category: category, building: building, unit: unit, grid: grid, photo: photoData),
                by: .onBehalf(householdNumber: household, residentID: nil, channel: channel, clerk: account), signingKey: key)
            say("议题 Motion \(motion.number) recorded; accept by \(motion.acceptDue), reply by \(motion.replyDue)")
            say(receipt.compactText)
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a committee transition (accept, notAccept, refer, merge, archive …), or record a submitter's written withdrawal.",
                                                        discussion: "`xuanyi motion show` lists the moves open from the motion's state. Implementation is started and completed with its own commands (the owner, what was done); a motion whose co-signs reached the threshold can be merged or referred, not refused.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .customLong("as"), help: "The committee member's (or, for a withdrawal, the clerk's) username.") var username: String
        @Argument(help: "Motion number.") var number: String
        @Argument(help: "Action key (see `xuanyi council workflow`).") var action: String
        @Option(name: .long, help: "Written reason.") var reason: String?
        @Option(name: .long, help: "refer: where to; merge: the motion number it joins.") var target: String?

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let motion = try database.motion(number: number, communityID: community.id!)
            let workflow = try database.motionWorkflow(communityID: community.id!)
            let mover: MotionMover = workflow.transition(action, from: motion.state)?.by == .submitter
                ? .clerkForSubmitter(try staffAccount(database, username: username, roles: [.admin, .committee, .clerk]))
                : .committee(try staffAccount(database, username: username, roles: [.admin, .committee]))
            let moved = try database.moveMotion(id: motion.id!, action: action, reason: reason, target: target, by: mover)
            say("\(moved.number): \(motion.state) → \(moved.state)")
        }
    }
}
