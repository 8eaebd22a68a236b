import ArgumentParser
import Community
import Foundation

/// `xuanyi residents …`: the residents register.
struct ResidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "residents",
        abstract: "Manage the residents register.",
        subcommands: [ImportResidentsCommand.self]
    )
}

/// `xuanyi residents import FILE.csv`: all or nothing, with every problem listed by line.
struct ImportResidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import households and residents from CSV (UTF-8 or GB18030; format: docs/import-format.md).",
        discussion: "Nothing is imported unless every row is valid. --dry-run only checks the file."
    )

    @OptionGroup var options: DatabaseOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Flag(name: .long, help: "Check the file and report, without importing.")
    var dryRun = false

    func run() async throws {
        let database = try options.openExisting()
        guard let community = try database.primaryCommunity(), let communityID = community.id else {
            throw CommandError("the database has no community: run xuanyi init first")
        }
        let importer = ResidentImporter(database: database, communityID: communityID)
        let report = try importer.run(file: URL(fileURLWithPath: file), dryRun: dryRun, actor: .commandLine) { phase, rows in
            FileHandle.standardError.write(Data("\r\(phase == .validating ? "检查 checking" : "写入 writing") \(rows) rows…".utf8))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        say(ImportReportText.render(report, file: file))
        if !report.isValid { throw ExitCode(1) }
    }
}

/// The import report as text for the terminal.
enum ImportReportText {
    static func render(_ report: ImportReport, file: String) -> String {
        var lines = ["文件 File: \(file) (\(report.encoding), sha256 \(report.fileDigest.prefix(16))…), \(report.rows) rows"]
        if report.isValid {
            if report.applied {
                lines.append("导入成功 Imported: \(report.householdsCreated) households, \(report.residentsCreated) residents.")
            } else {
                lines.append("检查通过 Dry run: every row is valid; nothing was written.")
            }
        } else {
            lines.append("未导入 Nothing was imported: \(report.problemCount) problem(s).")
            lines += report.problems.map { "  \($0)" }
            if report.problemCount > report.problems.count {
                lines.append("  … and \(report.problemCount - report.problems.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }
}
