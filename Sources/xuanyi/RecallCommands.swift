import ArgumentParser
import Community
import Elections
import Foundation

extension ElectionCommand {
    /// `xuanyi election recall …`: recall proposals (罢免要求) against members of a term's
    /// certified committee, their signatures, the members' replies, the vote and its result.
    struct Recall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recall (罢免) of members of a certified committee: proposals, signatures, replies, the vote, the result.",
            subcommands: [Committee.self, List.self, Show.self, Propose.self, Sign.self, Reply.self, OpenVote.self, Count.self, Close.self, ByElection.self])

        static func print(_ p: RecallProposal) {
            say("罢免要求第\(p.number)号 Recall proposal No. \(p.number) — \(p.status.chinese) \(p.status.english)")
            say("  filed \(p.filedOn) by \(p.proposer); signatories: \(p.signatories.chinese) \(p.signatories.english)")
            say("  signatures \(p.signatures) of \(p.base) (\(p.needed) needed)")
            if let reached = p.reachedOn, let deadline = p.voteDeadline { say("  threshold reached \(reached); vote due by \(deadline)") }
            if let held = p.heldOn { say("  vote held on \(held)") }
            say("  reasons: \(p.reasons)")
            for target in p.targets {
                say("  member \(target.person) \(target.name) (\(target.post.chinese) \(target.post.english))")
                say("    reply: \(target.reply.map { "\($0) (\(target.repliedOn?.description ?? ""))" } ?? "—")")
            }
            if let outcome = p.outcome {
                say("  roll \(outcome.rollSize), voted \(outcome.voted) (\(outcome.turnoutNeeded) needed), invalid \(outcome.invalid), issued \(outcome.issued)"
                    + (outcome.void ? " — VOID: more papers than issued" : outcome.turnoutMet ? "" : " — VOID: turnout not met"))
                for line in outcome.members {
                    let name = p.targets.first { $0.person == line.member }?.name ?? String(line.member)
                    say("  \(name): 同意罢免 \(line.approve) / 不同意罢免 \(line.reject) / 弃权 \(line.abstain) (\(line.needed) needed) → \(line.recalled ? "罢免 recalled" : "未罢免 not recalled")")
                }
            }
        }

        /// `xuanyi election recall committee --election ID`: the term's committee as it stands.
        struct Committee: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The term's committee: serving members (with their ids), recalls, vacancies, whether a by-election is due.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's (certified) election id.") var election: Int64

            func run() async throws {
                let committee = try options.openExisting().termCommittee(electionID: election)
                say("term ends \(committee.termEnds); \(committee.members.count) of \(committee.seats) seats filled")
                for member in committee.members { say("  \(member.person)\t\(member.name)\t\(member.post.chinese) \(member.post.english)") }
                for recall in committee.recalled { say("  recalled \(recall.on): \(recall.name) (\(recall.post.chinese)), proposal No. \(recall.proposal)") }
                for (post, seats) in committee.vacant.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { say("  vacant: \(post.chinese) \(post.english) × \(seats)") }
                let need = committee.byElection
                if need.required {
                    say("补选 BY-ELECTION REQUIRED: \(need.remaining) member(s) remain; hold it by \(need.dueBy?.description ?? "")")
                } else if need.vacancies > 0 {
                    say("\(need.vacancies) seat(s) vacant: a by-election may be held (the remaining term ends \(committee.termEnds))")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the term's recall proposals.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64

            func run() async throws {
                let proposals = try options.openExisting().recallProposals(electionID: election)
                for p in proposals {
                    say("\(p.number)\t\(p.filedOn)\t\(p.status.rawValue)\t\(p.signatures)/\(p.needed)\t\(p.targets.map(\.name).joined(separator: "、"))")
                }
                if proposals.isEmpty { say("no recall proposal") }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a recall proposal, its replies and its result.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int

            func run() async throws {
                let database = try options.openExisting()
                guard let p = try database.recallProposal(electionID: election, number: number) else { throw CommandError("election \(election) has no recall proposal No. \(number)") }
                Recall.print(p)
                for box in try database.recallBoxes(electionID: election, number: number) {
                    say("  box \(box.number) \(box.name): \(box.agreed == nil ? "tellers' counts do not agree yet" : "agreed") — tellers \(box.entries.map(\.teller).joined(separator: ", "))")
                }
            }
        }

        struct Propose: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "File a recall proposal against members (ids from `recall committee`) with written reasons.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "A member proposed for recall (repeat for several).") var member: [Int64]
            @Option(name: .long, help: "The written reasons.") var reasons: String
            @Option(name: .long, help: "Who files it (the first signatory).") var proposer: String
            @Option(name: .long, help: "Filing date (YYYY-MM-DD; default today).") var on: String?

            func run() async throws {
                let p = try options.openExisting().proposeRecall(electionID: election, members: member, reasons: reasons, proposer: proposer,
                                                                 on: try recallDate(on), actor: .commandLine)
                Recall.print(p)
            }
        }

        struct Sign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Count signatures by roll number (all or none); at the threshold the proposal goes to the committee and its notice is issued.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int
            @Option(name: .long, help: "Roll numbers of the signatories, comma-separated.") var roll: String
            @Option(name: .long, help: "Date (YYYY-MM-DD; default today).") var on: String?

            func run() async throws {
                var numbers: [Int] = []
                for part in roll.split(separator: ",") {
                    guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CommandError("--roll: roll numbers separated by commas, not \(part)") }
                    numbers.append(n)
                }
                let p = try options.openExisting().addRecallSignatures(electionID: election, number: number, rollNumbers: numbers, on: try recallDate(on), actor: .commandLine)
                Recall.print(p)
            }
        }

        struct Reply: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Record a member's written reply (申辩意见); it is published with the proposal.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int
            @Option(name: .long, help: "The member replying (id).") var member: Int64
            @Option(name: .long, help: "The reply's text.") var text: String
            @Option(name: .long, help: "Date (YYYY-MM-DD; default today).") var on: String?

            func run() async throws {
                Recall.print(try options.openExisting().recordRecallReply(electionID: election, number: number, member: member, text: text,
                                                                          on: try recallDate(on), actor: .commandLine))
            }
        }

        struct OpenVote: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "open-vote", abstract: "Arrange the recall vote (within the rule set's recallWithinDays); issues its notice.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int
            @Option(name: .long, help: "The day of the vote (YYYY-MM-DD).") var heldOn: String
            @Option(name: .long, help: "Date of the notice (YYYY-MM-DD; default today).") var on: String?

            func run() async throws {
                guard let held = CivilDate(heldOn) else { throw CommandError("--held-on: a date YYYY-MM-DD") }
                Recall.print(try options.openExisting().openRecallVote(electionID: election, number: number, heldOn: held, on: try recallDate(on), actor: .commandLine))
            }
        }

        struct Count: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Enter one teller's count of one box of the recall vote; a box counts when two tellers entered the same figures.",
                discussion: "Each --line is MEMBER=APPROVE,REJECT,ABSTAIN (同意罢免,不同意罢免,弃权) and the three add up to the valid papers (collected − invalid).")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int
            @Option(name: .long, help: "Box number (1–99).") var box: Int
            @Option(name: .long, help: "Box name (e.g. 第一投票站, 流动票箱).") var boxName: String
            @Option(name: .long, help: "The teller who counted.") var teller: String
            @Option(name: .long, help: "Papers issued for the box.") var issued: Int
            @Option(name: .long, help: "Papers found in the box.") var collected: Int
            @Option(name: .long, help: "Papers invalid as a whole.") var invalid = 0
            @Option(name: .long, help: "MEMBER=APPROVE,REJECT,ABSTAIN, once per member on the paper.") var line: [String]

            func run() async throws {
                var marks: [RecallMarks] = []
                for text in line {
                    let parts = text.split(separator: "=")
                    let figures = parts.count == 2 ? parts[1].split(separator: ",").compactMap { Int($0) } : []
                    guard parts.count == 2, let member = Int64(parts[0]), figures.count == 3 else {
                        throw CommandError("--line: MEMBER=APPROVE,REJECT,ABSTAIN, not \(text)")
                    }
                    marks.append(RecallMarks(member: member, approve: figures[0], reject: figures[1], abstain: figures[2]))
                }
                let database = try options.openExisting()
                try database.enterRecallCount(electionID: election, number: number, box: box, boxName: boxName, teller: teller,
                                              count: RecallCount(issued: issued, collected: collected, invalid: invalid, marks: marks), actor: .commandLine)
                let entered = try database.recallBoxes(electionID: election, number: number).first { $0.number == box }
                say("box \(box) \(boxName): \(entered?.agreed == nil ? "entered; waiting for a second teller's agreeing count" : "two tellers agree")")
            }
        }

        /// `xuanyi election recall by-election --election TERM --day D --title T`: a by-election for the vacant seats.
        struct ByElection: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "by-election",
                abstract: "Set up a by-election (补选) for the term's vacant seats: an election of its own under the normal procedure, its members serving until the term ends.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's (certified) election id.") var election: Int64
            @Option(name: .long, help: "Election day of the by-election (YYYY-MM-DD), within the term.") var day: String
            @Option(name: .long, help: "Title (e.g. 桃园社区第十一届居民委员会补选).") var title: String

            func run() async throws {
                guard let electionDay = CivilDate(day) else { throw CommandError("--day: a date YYYY-MM-DD") }
                let database = try options.openExisting()
                let created = try database.createByElection(termElectionID: election, title: title, electionDay: electionDay, keyStore: options.keyStore,
                                                            actor: .commandLine)
                let seats = created.rules.posts.map { "\($0.chinese)\(created.rules.seats(for: $0))名" }.joined(separator: "、")
                say("by-election \(created.id!) created: \(created.title), election day \(created.electionDay); seats \(seats); members serve until \(created.rules.byElection?.termEnds.description ?? "")")
                say("next: announce it and build the roll as for any election (xuanyi roll build --election \(created.id!))")
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Count the recall vote (every box agreed by two tellers), store and announce its result.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "The term's election id.") var election: Int64
            @Option(name: .long, help: "The proposal's number.") var number: Int
            @Option(name: .long, help: "Date (YYYY-MM-DD; default today).") var on: String?

            func run() async throws {
                let database = try options.openExisting()
                Recall.print(try database.closeRecallVote(electionID: election, number: number, on: try recallDate(on), actor: .commandLine))
                let need = try database.termCommittee(electionID: election).byElection
                if need.required { say("补选 BY-ELECTION REQUIRED: \(need.remaining) member(s) remain; hold it by \(need.dueBy?.description ?? "")") }
            }
        }
    }
}

/// A `--on` date, or today.
fileprivate func recallDate(_ text: String?) throws -> CivilDate {
    guard let text else { return .today() }
    guard let date = CivilDate(text) else { throw CommandError("--on: a date YYYY-MM-DD, not \(text)") }
    return date
}
