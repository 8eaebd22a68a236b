import ArgumentParser
import Community
import Elections
import Foundation

extension RollCommand {
    /// `xuanyi roll applications --election ID`: the registration applications (b, c, d) with
    /// how each was decided.
    struct Applications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registration applications (categories b, c, d) and how each was decided.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64

        func run() async throws {
            let database = try options.openExisting()
            let rules = try database.election(id: election).rules
            say("residentApproval = \(rules.residentApproval.rawValue) (\(rules.residentApproval.chinese) · \(rules.residentApproval.english))")
            for (application, name) in try database.rollApplicationsWithNames(electionID: election) {
                var line = "\(application.id!)\t\(application.category.rawValue)\t\(name)\t\(application.status.rawValue)"
                line += "\tstatement: \(application.statementNotRegisteredElsewhere ? "yes" : "no")"
                if let basis = application.basis { line += "\t\(basis.chinese) \(basis.english)" }
                if let by = application.decidedBy { line += " · \(by)" }
                if let on = application.decidedOn { line += " · \(on)" }
                if let reference = application.decisionReference { line += " · ref \(reference)" }
                if let recorder = application.recordedBy { line += " · recorded by \(recorder)" }
                if let reason = application.reason { line += " · \(reason)" }
                say(line)
            }
        }
    }

    /// `xuanyi roll apply --election ID --id-number N --category c --statement`: files an
    /// application (c is registered on application under `residentApproval = none`).
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File a registration application (b: will take part; c: hukou elsewhere, living here; d: community worker).",
            discussion: "c and d need --statement (the applicant's written statement of no registration elsewhere). Under residentApproval = none a c application registers at once; under meeting it waits for `roll decide`; a d application waits for `roll confirm-worker`.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .customLong("id-number"), help: "The applicant's ID number.") var idNumber: String
        @Option(name: .long, help: "b, c or d.") var category: String
        @Flag(name: .long, help: "The applicant has stated in writing that they are not registered elsewhere.") var statement = false

        func run() async throws {
            let database = try options.openExisting()
            guard let category = RegistrationCategory(rawValue: category), category != .a else { throw CommandError("--category: b, c or d") }
            let current = try database.election(id: election)
            let resident = try database.resident(idNumber: idNumber, communityID: current.communityID)
            let filed = try database.fileRollApplication(RollApplication(electionID: election, residentID: resident.id!, category: category, appliedOn: .today(),
                                                                         statementNotRegisteredElsewhere: statement), actor: .commandLine)
            say("application \(filed.id!) (\(category.rawValue)) \(resident.name): \(filed.status.rawValue)\(filed.basis.map { " — \($0.chinese) \($0.english)" } ?? "")")
        }
    }

    /// `xuanyi roll decide --election ID --application A --approve|--reject --decided-by … --reference …`:
    /// records a residents' meeting's decision on a (c) application.
    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a residents' meeting's decision on a category c application (residentApproval = meeting).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Application id (see `roll applications`).") var application: Int64
        @Flag(name: .long, help: "The meeting approved.") var approve = false
        @Flag(name: .long, help: "The meeting refused (needs --reason).") var reject = false
        @Option(name: .customLong("decided-by"), help: "The residents' meeting, e.g. \"居民会议 2026-10-08\".") var decidedBy: String
        @Option(name: .long, help: "The decision's reference (minutes, number).") var reference: String
        @Option(name: .long, help: "The date of the decision, YYYY-MM-DD (default today).") var on: String?
        @Option(name: .long, help: "Why it was refused.") var reason: String?

        func run() async throws {
            guard approve != reject else { throw CommandError("give exactly one of --approve and --reject") }
            let date = try on.map { text in try CivilDate(text).orThrow("--on: \(text) is not a date (YYYY-MM-DD)") } ?? .today()
            let database = try options.openExisting()
            try requireApplication(database, election: election, application: application)
            try database.decideRollApplication(id: application, approved: approve, decidedBy: decidedBy, reference: reference, on: date,
                                               reason: reason, actor: .commandLine)
            say("application \(application): \(approve ? "approved" : "refused") by \(decidedBy), \(date), ref \(reference)")
        }
    }

    /// `xuanyi roll confirm-worker --election ID --application A --member USER=FILE --reference …`:
    /// the residents' election committee confirms a community worker's (d) registration.
    struct ConfirmWorker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm-worker",
            abstract: "The residents' election committee confirms (or refuses) a community worker's (d) registration.",
            discussion: "--member names a member of the election committee (an account with the committee role) and a file whose first line is their own password; the confirmation records them, the date and the decision's reference, and is audited. An unconfirmed worker is not on the roll.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Application id (see `roll applications`).") var application: Int64
        @Option(name: .long, help: "USERNAME=PASSWORD-FILE of the committee member entering the decision.") var member: String
        @Option(name: .long, help: "The committee's decision reference (minutes, number).") var reference: String
        @Flag(name: .long, help: "Refuse the confirmation (needs --reason).") var refuse = false
        @Option(name: .long, help: "Why it was refused.") var reason: String?
        @Option(name: .long, help: "The date of the decision, YYYY-MM-DD (default today).") var on: String?

        func run() async throws {
            let date = try on.map { text in try CivilDate(text).orThrow("--on: \(text) is not a date (YYYY-MM-DD)") } ?? .today()
            let parts = member.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let password = try readPassphrase(file: parts[1]) else {
                throw CommandError("--member \(member): expected USERNAME=PASSWORD-FILE")
            }
            let database = try options.openExisting()
            let account: Account
            do { account = try database.authenticate(username: parts[0], password: password) } catch CommunityError.authenticationFailed {
                throw CommandError("--member \(parts[0]): wrong username or password")
            }
            try requireApplication(database, election: election, application: application)
            try database.confirmCommunityWorker(applicationID: application, confirmed: !refuse, reference: reference, on: date, reason: reason,
                                                actor: Actor(account))
            say("application \(application): \(refuse ? "refused" : "confirmed") by the residents' election committee (\(account.displayName)), \(date), ref \(reference)")
        }
    }
}

/// Refuses an application id that is not of the election named.
private func requireApplication(_ database: AppDatabase, election: Int64, application: Int64) throws {
    guard try database.rollApplications(electionID: election).contains(where: { $0.id == application }) else {
        throw CommandError("--application \(application): election \(election) has no such application")
    }
}

private extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw CommandError(message) }
        return self
    }
}
