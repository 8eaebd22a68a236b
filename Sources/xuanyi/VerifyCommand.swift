import ArgumentParser
import Community
import Foundation

/// `xuanyi verify --audit`: checks the hash-chained audit log of a database.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the audit log of a database (election records: see ballots/README.md)."
    )

    @OptionGroup var options: DatabaseOptions

    @Flag(name: .long, help: "Verify the hash-chained audit log.")
    var audit = false

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard audit else { throw ValidationError("say what to verify: --audit") }
    }

    func run() async throws {
        let result = try options.openExisting().verifyAudit()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("审计日志 Audit log: \(result.entries) entries, head \(result.head)")
            for problem in result.problems { print("  ✗ \(problem)") }
            print(result.isIntact ? "通过 PASS: the audit chain is intact." : "未通过 FAIL: \(result.problems.count) problem(s) in the audit chain.")
        }
        if !result.isIntact { throw ExitCode(1) }
    }
}
