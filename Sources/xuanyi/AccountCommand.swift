import ArgumentParser
import Community
import Foundation

/// `xuanyi account create|list`: accounts from the command line.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Create and list login accounts.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account: staff (committee, clerk, teller) or a resident's personal account linked by ID number.",
            discussion: "The password is read from the first line of --password-file (never from the command line). Each account gets its own Ed25519 key, sealed under the password.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long) var username: String
        @Option(name: .long) var displayName: String
        @Option(name: .long, help: "admin, committee, clerk, teller or resident (repeatable).") var role: [String]
        @Option(name: .long, help: "For a resident account: the resident's ID number.") var residentIdNumber: String?
        @Option(name: .long, help: "File whose first line is the password (at least 10 characters).") var passwordFile: String

        func run() async throws {
            let (database, community) = try openCommunity(options)
            var roles = Set<Role>()
            for name in role {
                guard let parsed = Role(rawValue: name) else { throw CommandError("--role \(name): one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
                roles.insert(parsed)
            }
            let residentID = try residentIdNumber.map { try database.resident(idNumber: $0.uppercased(), communityID: community.id!).id! }
            guard let password = try readPassphrase(file: passwordFile) else { throw CommandError("--password-file is required") }
            let account = try database.createAccount(NewAccount(communityID: community.id, username: username, displayName: displayName, password: password,
                                                                roles: roles, residentID: residentID, oneTimePassword: true), actor: .commandLine)
            say("账户 Account \(account.username) created (\(account.roles)); the password is one-time: its owner sets their own at first login")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts and their roles.")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            for account in try options.openExisting().accounts() {
                say("\(account.username)\t\(account.displayName)\t\(account.roles)\(account.residentID.map { "\tresident \($0)" } ?? "")\(account.disabled ? "\tdisabled" : "")")
            }
        }
    }
}
