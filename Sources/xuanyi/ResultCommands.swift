import ArgumentParser
import Community
import Elections
import Foundation
import Notary

extension ElectionCommand {
    /// `xuanyi election result --election ID`: the result from the closed rounds, each decision
    /// explained, and the rounds still needed.
    struct Result: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The result so far: elected members, the tally's steps, rounds still to hold.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Language: zh or en.") var lang: String = "zh"

        func run() async throws {
            let database = try options.openExisting()
            let result = try database.electionResult(electionID: election)
            for ((number, outcome), input) in zip(result.outcome.rounds, result.rounds) {
                say(lang == "en" ? "Round \(number) (\(input.kind.rawValue))" : "第 \(number) 轮（\(input.kind.chinese)）")
                for line in input.standings {
                    say("  \(lang == "en" ? line.post.english : line.post.chinese)\t\(result.name(line.person))\t\(line.votes)")
                }
                for step in outcome.steps { say("  " + (lang == "en" ? step.english(result.name) : step.chinese(result.name))) }
            }
            for member in result.outcome.elected {
                say("\(member.post.chinese)\t\(result.name(member.person))\t\(member.votes)\t\(lang == "en" ? "round" : "第") \(member.round)\(lang == "en" ? "" : " 轮")")
            }
            for warning in result.warnings { say("! " + (lang == "en" ? warning.english(result.name) : warning.chinese(result.name))) }
            if let open = result.openRound { say(lang == "en" ? "round \(open) is still open" : "第 \(open) 轮尚未结束") }
            for (index, pending) in result.outcome.pending.enumerated() {
                say("pending \(index): \(pending.kind.chinese) (\(pending.kind.rawValue)) " + RecordNextText.describe(pending.next, names: result.name))
            }
            if result.outcome.isFinal && result.openRound == nil {
                let certified = try database.certifiedResult(electionID: election)
                say(certified.map { "certified: \($0.countersignatures.count)/\($0.required) countersignatures\($0.isFinal ? ", final" : "")" } ?? "final: certify it with `xuanyi election certify`")
            }
        }
    }

    /// `xuanyi election next-round --election ID [--pending N] [--electronic]`
    struct NextRound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next-round", abstract: "Open a round the result asks for (tie-break, 另行选举, women-only, repeat).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Which pending round (see `xuanyi election result`).") var pending: Int = 0
        @Flag(name: .long, help: "Allow electronic casting in the round.") var electronic = false

        func run() async throws {
            let round = try options.openExisting().openPendingRound(electionID: election, index: pending, electronic: electronic, actor: .commandLine)
            say("opened round \(round.number) (\(round.kind.chinese)), paper SHA-256 \(round.paperDigest)")
        }
    }

    /// `xuanyi election certify --election ID`: signs the result statement with the election key.
    struct Certify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Certify the final result: sign the result statement with the election key.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "File whose first line is the passphrase of an encrypted election key.") var keyPassphraseFile: String?

        func run() async throws {
            let database = try options.openExisting()
            let key = try options.keyStore.load(keyID: try database.election(id: election).keyID, passphrase: try readPassphrase(file: keyPassphraseFile))
            let certified = try database.certifyResult(electionID: election, signingKey: key, actor: .commandLine)
            say("certified: statement SHA-256 \(certified.statementDigest); \(certified.required) committee countersignatures make it final")
        }
    }
}

extension ElectionCommand {
    /// `xuanyi election statistics --election ID [--csv]`: the official statistics (§9).
    struct Statistics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The election's official statistics (换届选举统计表), as text or CSV.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Flag(name: .long, help: "Print CSV (UTF-8 with BOM) instead of text.") var csv = false

        func run() async throws {
            let statistics = try options.openExisting().electionStatistics(electionID: election)
            if csv {
                FileHandle.standardOutput.write(statistics.csv)
                return
            }
            var section = ""
            for row in statistics.rows {
                if row.section != section { section = row.section; say("[\(section)]") }
                say("  \(row.item)\t\(row.value)")
            }
        }
    }
}

/// `xuanyi export-record --election ID --out DIR`: the public election record, as a directory
/// and as `DIR.zip`.
struct ExportRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-record", abstract: "Write the public election record of a certified election (directory and .zip).",
                                                    discussion: "Check it with `xuanyi verify DIR` or with openssl and sha256sum alone (ballots/README.md).")
    @OptionGroup var options: DatabaseOptions
    @Option(name: .long, help: "Election id.") var election: Int64
    @Option(name: .long, help: "Directory to write (a .zip of it is written beside it).") var out: String
    @Option(name: .long, help: "File whose first line is the passphrase of an encrypted election key.") var keyPassphraseFile: String?

    func run() async throws {
        let directory = URL(fileURLWithPath: out)
        let database = try options.openExisting()
        let key = try options.keyStore.load(keyID: try database.election(id: election).keyID, passphrase: try readPassphrase(file: keyPassphraseFile))
        let manifest = try database.exportRecord(electionID: election, to: directory, signingKey: key)
        let zip = directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + ".zip")
        try RecordArchive.zip(directory, to: zip)
        say("record written: \(directory.path) (\(manifest.files.count) listed files) and \(zip.path)")
    }
}

/// Pending rounds described for the command line.
enum RecordNextText {
    static func describe(_ next: RoundOutcome.Next, names: (Int64) -> String) -> String {
        switch next {
        case .tieBreak(let post, let persons, let seats), .runoff(let post, let persons, let seats):
            return "\(post.chinese) \(seats) seat(s): " + persons.map(names).joined(separator: "、")
        case .womenOnly(let persons, let seats): return "委员 \(seats) seat(s), women only: " + persons.map(names).joined(separator: "、")
        case .repeatRound: return "the void round is held again"
        }
    }
}

/// `xuanyi record-examples --out ballots/examples`: regenerates the example records.
struct RecordExamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record-examples",
                                                    abstract: "Run the small example elections in memory and write their public records (ballots/examples).")
    @Option(name: .long, help: "Directory to write the examples into.") var out: String = "ballots/examples"
    @Option(name: .long, help: "Instead: write one generated record of this many ballots (for benchmarks) into --out.") var generated: Int?
    @Option(name: .long, help: "With --generated: also write this many signed ballot receipts into <out>-receipts.") var receipts: Int = 0

    func run() async throws {
        if let generated {
            guard generated > 0 else { throw CommandError("--generated needs a positive number of ballots") }
            guard receipts >= 0 else { throw CommandError("--receipts needs a number of receipts, 0 or more") }
            let directory = URL(fileURLWithPath: out)
            let receiptsDirectory = directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + "-receipts")
            let manifest = try SyntheticRecord.write(to: directory, ballots: generated, receipts: receipts, receiptsDirectory: receiptsDirectory)
            say("\(out): generated record of \(generated) ballots, \(manifest.files.count) listed files"
                + (receipts > 0 ? "; receipts in \(receiptsDirectory.path)" : ""))
            return
        }
        let written = try ExampleElections.writeAll(to: URL(fileURLWithPath: out))
        for (kind, manifest) in written.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            say("\(out)/\(kind.rawValue): \(manifest.files.count) listed files")
        }
    }
}
