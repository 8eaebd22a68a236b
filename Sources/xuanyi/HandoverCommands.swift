import ArgumentParser
import Community
import Elections
import Foundation

extension ElectionCommand {
    /// `xuanyi election handover show|open|add-item|sign|confirm --election ID`: the handover
    /// (工作移交) after a certified election, presided over by the election committee.
    struct HandoverCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "handover",
            abstract: "The handover (工作移交) after the certified result: checklist, the two committees' signatures, the election committee's confirmation and notice.",
            subcommands: [Show.self, Open.self, AddItem.self, Sign.self, Confirm.self], defaultSubcommand: Show.self)

        static func parseDay(_ text: String?, option: String) throws -> CivilDate {
            guard let text else { return .today() }
            guard let day = CivilDate(text) else { throw CommandError("\(option): \(text) is not a date (YYYY-MM-DD)") }
            return day
        }

        static func print(_ handover: Handover, outgoing: [OutgoingMember]) {
            say("certified \(handover.certifiedOn); due by \(handover.deadline) (\(handover.days) days)\(handover.isOverdue(today: .today()) ? " — OVERDUE 已逾期" : "")")
            say("opened \(handover.openedOn)")
            for item in handover.items {
                say("  \(item.seq). [\(item.category.rawValue)] \(item.description)\t\(item.quantity)\(item.remarks.isEmpty ? "" : "\t\(item.remarks)")")
            }
            if !handover.missingCategories.isEmpty {
                say("still to list: \(handover.missingCategories.map(\.rawValue).joined(separator: ", "))")
            }
            for side in HandoverSide.allCases {
                let signOff = side == .outgoing ? handover.outgoing : handover.incoming
                say("\(side.rawValue): " + (signOff.map { "\($0.name) (\($0.post.english)), signed \($0.signedOn), recorded by \($0.recordedBy)" } ?? "not signed"))
            }
            if handover.outgoing == nil, !outgoing.isEmpty {
                say("the outgoing committee (previous term), --person: " + outgoing.map { "\($0.person) \($0.name) (\($0.post.rawValue))" }.joined(separator: ", "))
            }
            if let completed = handover.completedOn {
                say("completed \(completed)\(handover.completedLate ? " (late)" : ""), presided over by \(handover.presidedBy ?? ""); election notice No. \(handover.noticeNumber ?? 0)")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the handover checklist, its signatures and deadline.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "Election id.") var election: Int64

            func run() async throws {
                let database = try options.openExisting()
                guard let handover = try database.handover(electionID: election) else {
                    if let deadline = try database.handoverDeadline(electionID: election) {
                        say("no handover checklist yet; due by \(deadline): xuanyi election handover open --election \(election)")
                    } else {
                        say("the result is not certified yet: the handover follows the certified result")
                    }
                    return
                }
                HandoverCommand.print(handover, outgoing: try database.outgoingMembers(electionID: election))
                if handover.completedOn == nil {
                    let members = try database.committeeMembers(electionID: election).filter(\.member.active)
                    say("election committee, --presiding-member: " + members.map { "\($0.member.id!) \($0.name)" }.joined(separator: ", "))
                }
            }
        }

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Open the handover checklist of a certified result.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "Election id.") var election: Int64
            @Option(name: .long, help: "The day, YYYY-MM-DD (default today).") var on: String?

            func run() async throws {
                let database = try options.openExisting()
                let handover = try database.openHandover(electionID: election, on: try HandoverCommand.parseDay(on, option: "--on"), actor: .commandLine)
                say("handover checklist open; due by \(handover.deadline). List the seal, accounts, assets, files and ledgers with add-item.")
            }
        }

        struct AddItem: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-item", abstract: "Add a line to the checklist (before anyone signs).")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "Election id.") var election: Int64
            @Option(name: .long, help: "seal | accounts | assets | files | ledgers | other") var category: String
            @Option(name: .long, help: "What is handed over.") var description: String
            @Option(name: .long, help: "How much (e.g. 1枚, 48卷, 余额 12,345.60 元).") var quantity: String
            @Option(name: .long, help: "Remarks.") var remarks = ""

            func run() async throws {
                guard let category = HandoverCategory(rawValue: category) else {
                    throw CommandError("--category: one of \(HandoverCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let handover = try options.openExisting().addHandoverItem(electionID: election, category: category, description: description,
                                                                          quantity: quantity, remarks: remarks, actor: .commandLine)
                say("line \(handover.items.count) added" + (handover.missingCategories.isEmpty ? "; every required category is listed" : "; still to list: \(handover.missingCategories.map(\.rawValue).joined(separator: ", "))"))
            }
        }

        struct Sign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record a committee's signature on the checklist.",
                discussion: "incoming: --person of the incoming 主任 (from the certified result). outgoing: --person of a member of the previous term when this database holds it (`show` lists them), otherwise --name and --post of the outgoing 主任 or member.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "Election id.") var election: Int64
            @Option(name: .long, help: "outgoing | incoming") var side: String
            @Option(name: .long, help: "The signer's person id (a resident of a certified result).") var person: Int64?
            @Option(name: .long, help: "The outgoing signer's name (no earlier term in this database).") var name: String?
            @Option(name: .long, help: "The outgoing signer's post: director | deputyDirector | womenMember | member.") var post: String?
            @Option(name: .long, help: "The day signed, YYYY-MM-DD (default today).") var on: String?

            func run() async throws {
                guard let side = HandoverSide(rawValue: side) else { throw CommandError("--side: outgoing or incoming") }
                let post = try self.post.map { text -> Post in
                    guard let post = Post(rawValue: text) else { throw CommandError("--post: one of \(Post.allCases.map(\.rawValue).joined(separator: ", "))") }
                    return post
                }
                let handover = try options.openExisting().signHandover(electionID: election, side: side, person: person, name: name, post: post,
                                                                       on: try HandoverCommand.parseDay(on, option: "--on"), actor: .commandLine)
                let signed = side == .outgoing ? handover.outgoing : handover.incoming
                say("\(side.rawValue) signed by \(signed?.name ?? "") (\(signed?.post.english ?? ""))")
            }
        }

        struct Confirm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Confirm the signed handover: names the presiding member and issues the election notice.")
            @OptionGroup var options: DatabaseOptions
            @Option(name: .long, help: "Election id.") var election: Int64
            @Option(name: .long, help: "The id of the election committee member who presided (`xuanyi election handover show` lists them).") var presidingMember: Int64
            @Option(name: .long, help: "The day, YYYY-MM-DD (default today).") var on: String?

            func run() async throws {
                let (handover, notice) = try options.openExisting().confirmHandover(electionID: election, presidingMember: presidingMember,
                                                                                   on: try HandoverCommand.parseDay(on, option: "--on"), actor: .commandLine)
                say("handover completed \(handover.completedOn!)\(handover.completedLate ? " (late: due by \(handover.deadline))" : ""); \(notice.notice.title) issued (SHA-256 \(notice.sha256))")
            }
        }
    }

    /// `xuanyi election annul --election ID --grounds bribery,falseCount --reason TEXT --authority streetOffice --reference 文号`.
    struct Annul: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that the certified result is void (obtained by violence, threats, bribery, forged ballots or false counts).",
            discussion: "The decision is the street office's or the election committee's; it is issued as a signed election notice, shown on the result page and certificates, and exported with the record (annulment.json), which `xuanyi verify` then reports as annulled (exit 4). It is final. The seats are then elected in a new election.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Comma-separated: violence, threats, bribery, forgedBallots, falseCount.") var grounds: String
        @Option(name: .long, help: "What happened (1 to 2,000 characters).") var reason: String
        @Option(name: .long, help: "Who decided: streetOffice (the community's street office) or electionCommittee.") var authority: String
        @Option(name: .long, help: "The decision's document reference (文号).") var reference: String
        @Option(name: .long, help: "The day decided, YYYY-MM-DD (default today).") var decidedOn: String?

        func run() async throws {
            var parsed: [AnnulmentGround] = []
            for text in grounds.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
                guard let ground = AnnulmentGround(rawValue: text) else {
                    throw CommandError("--grounds: \(text) is not one of \(AnnulmentGround.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.append(ground)
            }
            guard let authority = AnnulmentAuthority(rawValue: authority) else { throw CommandError("--authority: streetOffice or electionCommittee") }
            let (annulment, notice) = try options.openExisting().annulResult(
                electionID: election, grounds: parsed, reason: reason, authority: authority, reference: reference,
                decidedOn: try HandoverCommand.parseDay(decidedOn, option: "--decided-on"), actor: .commandLine)
            say("result of election \(election) declared void by \(annulment.decidedBy) (\(annulment.reference)); \(notice.notice.title) issued (SHA-256 \(notice.sha256)); export the record again to carry it; the seats are to be elected again")
        }
    }
}
