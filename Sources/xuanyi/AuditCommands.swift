import ArgumentParser
import Community
import Foundation
import Web

/// `xuanyi audit heads|publish-head`: the audit log's published heads (审计日志链头).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List or publish the audit log's signed heads (the server publishes one daily and after each public step).",
        subcommands: [HeadsCommand.self, PublishHeadCommand.self])

    /// `xuanyi audit heads [--json]`.
    struct HeadsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "heads",
            abstract: "List the published audit heads; --json prints the document to keep for `xuanyi verify --audit --heads`.")
        @OptionGroup var options: DatabaseOptions
        @Flag(name: .long, help: "Print the JSON document (the same as /api/v1/audit/heads).") var json = false

        func run() async throws {
            let document = try options.openExisting().auditHeadsDocument()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                say(String(decoding: try encoder.encode(document), as: UTF8.self))
                return
            }
            say("社区公钥指纹 Community key fingerprint: \(document.communityKeyFingerprint)")
            if document.heads.isEmpty { say("尚未公布链头 No head published yet.") }
            for head in document.heads {
                say("第\(head.number)号 no. \(head.number)  \(head.at)  \(head.entries) entries  \(head.head)  (\(head.reason))")
            }
        }
    }

    /// `xuanyi audit publish-head`: publishes the current head now, whatever the schedule.
    struct PublishHeadCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-head",
            abstract: "Sign and publish the audit log's current head now (for a server run without `xuanyi serve`, e.g. from cron).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "File whose first line is the passphrase of encrypted private keys.") var keyPassphraseFile: String?
        @Flag(name: .long, help: "Only when one is due (daily, or after a public step), as the server does.") var ifDue = false

        func run() async throws {
            let database = try options.openExisting()
            let key = try database.communitySigningKey(keyStore: options.keyStore, passphrase: try readPassphrase(file: keyPassphraseFile))
            let published = ifDue
                ? try database.publishAuditHeadIfDue(publicSteps: XuanyiSchema.publicStepActions, signingKey: key)
                : try database.publishAuditHead(reason: "manual", signingKey: key)
            guard let published else { return say("无需公布 No head is due: the last published head covers the log (or was published today).") }
            let statement = try published.decoded()
            say("已公布 Published audit head no. \(published.number): \(statement.entries) entries, head \(statement.head) (\(statement.reason))")
        }
    }
}
