import ArgumentParser
import Community
import Elections
import Foundation
import Notary

extension ElectionCommand {
    /// `xuanyi election rules --election ID [--set key=value …] [--from FILE] [--json]`
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change an election's rule set (changes only before the roll is published).",
            discussion: "Each field is shown with its key; `--set directorMarginMax=2 --set womenRule=guaranteeAfterCount` changes fields, `--from GS25` loads a shipped preset (`--presets` lists them: L25, the national model and default, and the provinces' presets shipped as data), `--from rules.json` a whole rule set as JSON. `--set` applies after `--from`; everything is checked against the statutory floors.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id (see `xuanyi election list`).") var election: Int64?
        @Option(name: .long, help: "key=value; repeat for several fields.") var set: [String] = []
        @Option(name: .long, help: "A shipped preset (L25, GS25 …; see --presets) or a JSON rule set file to load (every field).") var from: String?
        @Flag(name: .long, help: "List the shipped presets with the fields each sets, its citations and what is unchecked.") var presets = false
        @Flag(name: .long, help: "Print the rule set as JSON (canonical form, as it is hashed).") var json = false

        func run() async throws {
            if presets {
                for preset in RulePreset.shipped {
                    say("\(preset.id)\t\(preset.name) · \(preset.english)")
                    say("  \(preset.source)")
                    say("  \(preset.sourceEnglish)")
                    if !preset.note.isEmpty { say("  \(preset.note) \(preset.noteEnglish)") }
                    for key in preset.values.keys.sorted() {
                        say("  \(key) = \(preset.values[key]!)\t\(preset.citations[key] ?? "")\(preset.unchecked.contains(key) ? "  [未核实 unchecked]" : "")")
                    }
                    if preset.values.isEmpty { say("  (the national model: RuleSet defaults, sources on the rules page)") }
                }
                return
            }
            guard let election else { throw CommandError("--election: which election (see `xuanyi election list`)") }
            let database = try options.openExisting()
            var values: [String: String] = [:]
            var presetID: String?
            if let from {
                let loaded: RuleSet
                if let preset = RulePreset.shipped.first(where: { $0.id.caseInsensitiveCompare(from) == .orderedSame }) {
                    loaded = try preset.rules(method: try database.election(id: election).method)
                    presetID = preset.id
                } else if FileManager.default.fileExists(atPath: from) {
                    guard let data = FileManager.default.contents(atPath: from) else { throw CommandError("cannot read \(from)") }
                    do { loaded = try JSONDecoder().decode(RuleSet.self, from: data) } catch { throw CommandError("\(from): not a complete rule set: \(error)") }
                } else {
                    throw CommandError("--from \(from): neither a shipped preset (\(RulePreset.shipped.map(\.id).joined(separator: ", "))) nor a file")
                }
                for field in RuleSet.fields { values[field.key] = field.value(in: loaded) }
            }
            for assignment in set {
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw CommandError("--set \(assignment): write key=value") }
                values[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1])
            }
            var current = try database.election(id: election)
            if !values.isEmpty { current = try database.updateRules(electionID: election, values, preset: presetID, actor: .commandLine) }
            if let presetID { say("preset \(presetID) loaded\(set.isEmpty ? "" : ", then --set applied")") }
            if json {
                FileHandle.standardOutput.write(try CanonicalJSON.encode(current.rules))
                say("")
                return
            }
            var section: RuleField.Section?
            for field in RuleSet.fields {
                if field.section != section { section = field.section; say("[\(field.section.rawValue)]") }
                say("  \(field.key) = \(field.value(in: current.rules))\t\(field.label) · \(field.source)"
                    + (field.superseded.map { " · 2018年条文 \($0) 已被2025年修订取代，L25对应条款未能核实 (2018 text superseded; L25 article not checked)" } ?? ""))
            }
            if let digest = current.rulesDigest {
                say("frozen; SHA-256 \(digest)")
            } else {
                say("editable until the roll is published; SHA-256 now \(try current.rules.digest())")
            }
        }
    }

    /// `xuanyi election timeline --election ID`
    struct Timeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The legal dates of an election and what is done, due or late.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64

        func run() async throws {
            let current = try options.openExisting().election(id: election)
            let today = CivilDate.today()
            let timeline = ElectionTimeline(election: current)
            for step in timeline.steps {
                let state = step.doneOn.map { "done \($0)" } ?? (step.kind == .action ? (step.date < today ? "OVERDUE" : "due") : "")
                say("\(step.date)\t\(step.chinese) \(step.english)\t\(state)\(step.isLate(today: today) && step.done ? " (late)" : "")")
            }
            if let next = timeline.nextAction { say("next: \(next.english) by \(next.date)") }
        }
    }

    /// `xuanyi election candidates --election ID [--publish [--allow-late]]`
    struct Candidates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each post's nominees and margin, or publish the candidate list.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Flag(name: .long, help: "Publish the candidate list today.") var publish = false
        @Flag(name: .long, help: "Publish even though the legal date has passed (recorded as late).") var allowLate = false

        func run() async throws {
            let database = try options.openExisting()
            if publish {
                _ = try database.publishCandidateList(electionID: election, on: .today(), allowLate: allowLate, actor: .commandLine)
            }
            if try database.election(id: election).status == .candidatesPublished {
                for line in try database.candidateList(electionID: election) {
                    say("\(line.post.chinese)\t\(line.position)\t\(line.name)\t\(line.gender.chinese)\t\(line.age)\t\(line.education)\t\(line.occupation)")
                }
                return
            }
            let names = Dictionary(uniqueKeysWithValues: try database.nominees(electionID: election).map { ($0.nominee.id!, $0.name) })
            for slate in try database.candidateSlates(electionID: election) {
                let state: String
                switch slate.state {
                case .ready(let ids): state = "ready: " + ids.compactMap { names[$0] }.joined(separator: "、") + (slate.uncontested ? " (uncontested)" : "")
                case .tooFew(let have, let need): state = "too few: \(have) accepted, needs \(need)"
                case .primaryNeeded(let count, let places): state = "primary needed: \(count) nominees for \(places) places"
                case .primaryTie(let tied, let open): state = "tie: " + tied.compactMap { names[$0] }.joined(separator: "、") + " for \(open) place(s)"
                }
                say("\(slate.post.chinese)\t\(slate.seats) seat(s)\t\(state)")
            }
            for conflict in try database.committeeConflicts(electionID: election) {
                say("! \(conflict.memberName) must step down: \(conflict.kinship.chinese) — \(conflict.nomineeName) (\(conflict.post.chinese))")
            }
        }
    }

    /// `xuanyi election ballot --election ID [--json]`
    struct Ballot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A ballot paper: the main round's (from the published candidate list), an opened round's, or a pending round's.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "The paper round N was opened with (a 另行选举, revote or women-only round included).") var round: Int?
        @Option(name: .long, help: "The paper of pending round K of `xuanyi election result`, before it opens.") var pending: Int?
        @Flag(name: .long, help: "Print the BallotPaper model as canonical JSON (one line per paper).") var json = false

        func papers(_ database: AppDatabase) throws -> [BallotPaper] {
            if let round {
                guard let opened = try database.rounds(electionID: election).first(where: { $0.number == round }) else {
                    throw CommandError("election \(election) has no round \(round)")
                }
                return [try opened.paper()]
            }
            if let pending { return [try database.pendingPaper(electionID: election, index: pending)] }
            let current = try database.election(id: election)
            guard current.status == .candidatesPublished else { throw CommandError("the candidate list of election \(election) is not published") }
            let community = try database.community(id: current.communityID)
            return BallotPaper.mainRound(election: current, communityName: community.name, candidates: try database.candidateList(electionID: election))
        }

        func run() async throws {
            let database = try options.openExisting()
            for paper in try papers(database) {
                if json {
                    FileHandle.standardOutput.write(try CanonicalJSON.encode(paper))
                    say("")
                    continue
                }
                say("\(paper.title)  选举日期 \(paper.electionDay)")
                for section in paper.sections {
                    say("  \(section.title)（应选\(section.seats)名）: " + section.candidates.map(\.name).joined(separator: "  ")
                        + String(repeating: "  [另选他人]", count: section.writeInLines))
                }
                for (index, line) in paper.instructions.enumerated() { say("  \(index + 1). \(line)") }
                say("  SHA-256 \(try paper.digest())")
            }
        }
    }
}
