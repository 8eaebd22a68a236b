import ArgumentParser
import Community
import Elections
import Foundation
import Notary

extension ElectionCommand {
    /// `xuanyi election sign-count-sheet --election ID --round N --box B --member USER=FILE`: a
    /// scrutineer of the election committee signs a closed box's count sheet with their own key.
    struct SignCountSheet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-count-sheet",
            abstract: "A scrutineer (监票人) of the election committee signs a closed box's count sheet with their own key.",
            discussion: "--member names the scrutineer's username and a file whose first line is their own password (nothing is echoed). Every box's count sheet needs a scrutineer's signature before the result is certified. Prints the sheet and every scrutineer signature on it.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "Round number (1 for the main round).") var round: Int = 1
        @Option(name: .long, help: "Box number in the round (0 is the electronic box).") var box: Int
        @Option(name: .long, help: "USERNAME=PASSWORD-FILE of the signing scrutineer.") var member: String

        func run() async throws {
            let database = try options.openExisting()
            let parts = member.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let password = try readPassphrase(file: parts[1]) else {
                throw CommandError("--member \(member): expected USERNAME=PASSWORD-FILE")
            }
            guard let entry = try database.committeeMembers(electionID: election).first(where: { $0.username == parts[0] && $0.member.active }) else {
                throw CommandError("--member \(parts[0]): not a serving member of election \(election)'s committee")
            }
            guard let pollingRound = try database.rounds(electionID: election).first(where: { $0.number == round }) else {
                throw CommandError("--round \(round): election \(election) has no such round")
            }
            guard let status = try database.boxes(roundID: pollingRound.id!).first(where: { $0.box.number == box }) else {
                throw CommandError("--box \(box): round \(round) has no such box")
            }
            let signatures = try database.countersignCountSheet(boxID: status.box.id!, electionID: election, accountID: entry.member.accountID,
                                                                password: password, actor: .commandLine)
            say("count sheet of round \(round), \(status.box.name): \(try database.box(id: status.box.id!, electionID: election).box.countSheetJSON ?? "")")
            for signed in signatures {
                say("signed by \(signed.name) (key \(try Ed25519PublicKey(pem: signed.publicKeyPEM).keyID)) at \(Timestamp.string(from: signed.signedAt))")
            }
        }
    }
}
