import Foundation
import ArgumentParser
import Community

/// `xuanyi init`: creates the database, the community, its key pair and an administrator.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database, the community and its signing key, and print a one-time admin password."
    )

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "Community name, e.g. 桃园社区.")
    var community: String

    @Option(name: .long, help: "12-digit statistical division code of the community.")
    var code: String?

    @Option(name: .long, help: "Supervising street office (街道办事处).")
    var streetOffice: String = ""

    @Option(name: .long, help: "District (区).")
    var district: String = ""

    @Option(name: .long, help: "Username of the first administrator.")
    var adminUsername: String = "admin"

    @Option(name: .long, help: "File whose first line is a passphrase to encrypt the community's private key.")
    var keyPassphraseFile: String?

    @Flag(name: .long, help: "Make a rehearsal (演练) database for practice: every page and record says so, and `serve --rehearsal-date` may move its clock.")
    var rehearsal = false

    func run() async throws {
        let database = try options.open()
        let result = try CommunitySetup.initialize(
            database: database, keyStore: options.keyStore, name: community, code: code,
            streetOffice: streetOffice, district: district, adminUsername: adminUsername,
            keyPassphrase: try readPassphrase(file: keyPassphraseFile), rehearsal: rehearsal)
        say("""
        已初始化 Initialised: \(result.community.name)\(rehearsal ? "  (演练 rehearsal database)" : "")
          database:       \(options.database)
          community key:  \(result.communityKeyID)  (\(result.keyFile.path), mode 0600)
          admin username: \(result.adminUsername)
          admin password: \(result.adminPassword)
        This password is shown only once and is one-time: at the first login it opens only the
        page where the administrator sets their own. Start the server with:
          xuanyi serve --database \(options.database)
        """)
    }
}
