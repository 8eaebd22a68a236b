import ArgumentParser
import Community
import Councils
import Foundation

/// `xuanyi consultation list|plan|participant|outcome|feedback`: consultations (民主协商, L25) —
/// a council session, hearing or open forum with named outside participants and their roles,
/// its outcome and how it was carried out, both public.
struct ConsultationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consultation", abstract: "Consultations (民主协商): outside participants with their roles, the outcome and how it was carried out.",
        subcommands: [List.self, Plan.self, Participant.self, Outcome.self, Feedback.self])

    static func committee(_ database: AppDatabase, _ username: String) throws -> Actor {
        Actor(try staffAccount(database, username: username, roles: [.admin, .committee]))
    }

    static func consultation(_ database: AppDatabase, _ communityID: Int64, _ id: Int64) throws -> Consultation {
        let consultation = try database.consultation(id: id)
        guard consultation.communityID == communityID else { throw CommandError("no consultation \(id) in this community") }
        return consultation
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the consultations with their participants, outcome and feedback.")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let (database, community) = try openCommunity(options)
            let consultations = try database.consultations(communityID: community.id!)
            if consultations.isEmpty { say("no consultations") }
            for item in consultations {
                say("#\(item.id) \(item.date) \(item.form.english): \(item.title) — \(item.status.rawValue)" + (item.motionNumber.map { ", motion \($0)" } ?? ""))
                for participant in try database.consultationParticipants(consultationID: item.id) {
                    say("  \(participant.role.english): \(participant.name)" + (participant.organisation.isEmpty ? "" : " (\(participant.organisation))"))
                }
                if let outcome = item.outcome { say("  outcome (\(item.outcomeOn!)): \(outcome)") }
                if let feedback = item.feedback { say("  carried out (\(item.feedbackOn!)): \(feedback)") }
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plan a consultation.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "council, hearing or openForum.") var form: String
        @Option(name: .long, help: "Title.") var title: String
        @Option(name: .long, help: "What is consulted on.") var matter: String
        @Option(name: .long, help: "Day (YYYY-MM-DD).") var date: String
        @Option(name: .long, help: "Venue.") var venue: String
        @Option(name: .long, help: "The motion it is about.") var motion: String?
        @Option(name: .customLong("as"), help: "The committee account.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            guard let kind = Consultation.Form(rawValue: form) else { throw CommandError("--form: council, hearing or openForum") }
            guard let day = try AssemblyCommand.date(date, "date") else { return }
            let item = try database.planConsultation(communityID: community.id!, form: kind, title: title, matter: matter, date: day, venue: venue,
                                                     motionNumber: motion, actor: try ConsultationCommand.committee(database, account))
            say("consultation #\(item.id) planned for \(item.date)")
        }
    }

    struct Participant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name an outside participant with their role.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Consultation id.") var id: Int64
        @Option(name: .long, help: "Name.") var name: String
        @Option(name: .long, help: "The organisation they speak for.") var organisation: String = ""
        @Option(name: .long, help: "ownersCommittee, propertyCompany, unitInArea, socialOrganisation, deputy, expert or other.") var role: String
        @Option(name: .customLong("as"), help: "The committee account.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            _ = try ConsultationCommand.consultation(database, community.id!, id)
            guard let kind = ConsultationParticipant.Role(rawValue: role) else {
                throw CommandError("--role: \(ConsultationParticipant.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let participant = try database.addConsultationParticipant(consultationID: id, name: name, organisation: organisation, role: kind,
                                                                      actor: try ConsultationCommand.committee(database, account))
            say("\(participant.name) takes part as \(participant.role.english)")
        }
    }

    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the outcome (on or after the day); public from then on.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Consultation id.") var id: Int64
        @Option(name: .long, help: "What was agreed.") var text: String
        @Option(name: .customLong("as"), help: "The committee account.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            _ = try ConsultationCommand.consultation(database, community.id!, id)
            try database.recordConsultationOutcome(id: id, outcome: text, actor: try ConsultationCommand.committee(database, account))
            say("outcome of #\(id) recorded")
        }
    }

    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record how the outcome was carried out (fed back to residents).")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "Consultation id.") var id: Int64
        @Option(name: .long, help: "How it was carried out.") var text: String
        @Option(name: .customLong("as"), help: "The committee account.") var account: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            _ = try ConsultationCommand.consultation(database, community.id!, id)
            try database.recordConsultationFeedback(id: id, feedback: text, actor: try ConsultationCommand.committee(database, account))
            say("feedback on #\(id) recorded")
        }
    }
}
