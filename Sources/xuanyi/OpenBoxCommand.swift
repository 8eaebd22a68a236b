import ArgumentParser
import Community
import Elections
import Foundation
import Notary

extension ElectionCommand {
    /// `xuanyi election open-box --election ID --round N --member USER=FILE …`: the committee
    /// opens a round's sealed electronic box at the count.
    struct OpenBox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open-box",
            abstract: "Open a round's sealed electronic box at the count, with the passwords of enough committee members.",
            discussion: "Each --member names a committee member's username and a file whose first line is that member's own password (each member writes theirs; nothing is echoed). The ballots enter the ballot log in a random order, the key shares are destroyed and the box's count sheet is signed.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Round number (1 for the main round).") var round: Int = 1
        @Option(name: .long, help: "USERNAME=PASSWORD-FILE of a committee member opening the box (repeat, one per member).") var member: [String] = []
        @Option(name: .long, help: "File whose first line is the passphrase of an encrypted election key.") var keyPassphraseFile: String?

        func run() async throws {
            let database = try options.openExisting()
            let openers = try member.map { text -> BoxOpener in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, let password = try readPassphrase(file: parts[1]) else {
                    throw CommandError("--member \(text): expected USERNAME=PASSWORD-FILE")
                }
                return BoxOpener(username: parts[0], password: password)
            }
            let chosen = try database.election(id: election)
            guard let pollingRound = try database.rounds(electionID: election).first(where: { $0.number == round }) else {
                throw CommandError("--round \(round): election \(election) has no such round")
            }
            guard let box = try database.boxes(roundID: pollingRound.id!).first(where: { $0.box.kind == .electronic })?.box else {
                throw CommandError("--round \(round): the round has no electronic box")
            }
            let key = try options.keyStore.load(keyID: chosen.keyID, passphrase: try readPassphrase(file: keyPassphraseFile))
            do {
                let opened = try database.openSealedBox(boxID: box.id!, electionID: election, openers: openers, signingKey: key, actor: .commandLine)
                say("opened the sealed box of round \(round): \(opened.ballots) ballots entered the log in a random order; opened by \(opened.openers.joined(separator: "、"))")
                say("count sheet: \(opened.receipt.compactText)")
            } catch let error as BoxOpeningError {
                throw CommandError(error.description)
            }
        }
    }
}
