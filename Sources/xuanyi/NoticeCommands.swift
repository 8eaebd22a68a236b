import ArgumentParser
import Community
import Elections
import Foundation
import Notary

extension ElectionCommand {
    /// `xuanyi election notices --election ID [--json]`: the election's notices (选举公告).
    struct Notices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the election's numbered notices (选举公告 第N号).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Flag(name: .long, help: "Print JSON (each notice with its signed payload and signature).") var json = false

        func run() async throws {
            let database = try options.openExisting()
            let notices = try database.notices(electionID: election)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(notices.map(NoticeDocument.init)))
                FileHandle.standardOutput.write(Data("\n".utf8))
                return
            }
            if let fingerprint = try database.electionKeyFingerprint(electionID: election) { say("election key fingerprint \(fingerprint)") }
            for signed in notices {
                let n = signed.notice
                say("\(n.title)\t\(n.issuedOn)\t\(n.subject)\(n.corrects.map { "（更正第\($0)号）" } ?? "")\tSHA-256 \(signed.sha256)")
            }
            if notices.isEmpty { say("no notice yet") }
        }
    }

    /// `xuanyi election notice --election ID --number N [--out FILE] [--lang en]`: one notice.
    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one notice, or write it to a file (JSON with the signed payload and signature; .html: the printable page).",
            discussion: "Check a notice file with `xuanyi election verify-notice FILE --anchor FINGERPRINT` or with openssl (ballots/README.md).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "The notice's number.") var number: Int
        @Option(name: .long, help: "Write to this file: JSON, or the printable page when it ends in .html.") var out: String?
        @Option(name: .long, help: "zh (the signed text, default) or en.") var lang = "zh"

        func run() async throws {
            guard let language = NoticeText.Language(rawValue: lang) else { throw CommandError("--lang: zh or en") }
            guard let signed = try options.openExisting().notice(electionID: election, number: number) else {
                throw CommandError("election \(election) has no notice No. \(number)")
            }
            if let out {
                let data: Data
                if out.hasSuffix(".html") {
                    data = Data(NoticeHTML.render(signed, language: language).utf8)
                } else {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                    data = try encoder.encode(NoticeDocument(signed))
                }
                try data.write(to: URL(fileURLWithPath: out))
                say("notice No. \(number) written to \(out) (SHA-256 of the signed payload \(signed.sha256))")
                return
            }
            let n = signed.notice
            say(NoticeText.title(number: n.number, language: language))
            say(NoticeText.issuer(community: n.community, language: language))
            say(NoticeText.subject(n, language: language))
            say("")
            let body = language == .zh ? n.text : NoticeText.body(kind: n.kind, facts: n.facts, community: n.community, corrects: n.corrects, language: .en)
            for paragraph in body { say(paragraph) }
            say("")
            say(NoticeText.date(n.issuedOn, language: language))
            say("key \(signed.keyFingerprint)")
            say("sha256 \(signed.sha256)")
            say("signature \(Base64.encode(signed.signature))")
        }
    }

    /// `xuanyi election verify-notice FILE [--anchor FINGERPRINT | --key PEM]`: checks a notice
    /// file anywhere, without the database.
    struct VerifyNotice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-notice",
            abstract: "Check a notice file (from `election notice --out` or the API) against the election key.",
            discussion: "Exit 0: valid and anchored; 1: invalid; 3: the signature matches the key the file carries, but no anchor was given.")
        @Argument(help: "The notice file (JSON).") var file: String
        @Option(name: .long, help: "The election key's fingerprint as printed on the announcement (选举公告第1号).") var anchor: String?
        @Option(name: .long, help: "The election key (public PEM file).") var key: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
            let document: NoticeDocument
            do { document = try JSONDecoder().decode(NoticeDocument.self, from: data) } catch { throw CommandError("\(file) is not a notice file: \(error)") }
            let publicKey = try key.map { path -> Ed25519PublicKey in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CommandError("cannot read key file \(path)") }
                return try Ed25519PublicKey(pem: text)
            }
            do {
                let notice = try document.verify(key: publicKey, anchor: anchor)
                if anchor == nil && publicKey == nil {
                    say("signature valid with the key the file carries (\(document.keyFingerprint)); compare that fingerprint with the one printed on election notice No. 1, or give --anchor")
                    throw ExitCode(3)
                }
                say("valid: \(notice.title) of election \(notice.election), \(notice.subject), issued \(notice.issuedOn)")
            } catch let failure as NoticeDocument.Failure {
                say("INVALID: \(failure.description)")
                throw ExitCode(1)
            }
        }
    }

    /// `xuanyi election archive --election ID --out FILE.zip`: the election archive (选举档案).
    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the election archive (选举档案) as one zip: notices, roll and changes, nominations, count sheets, tally steps, result, statistics and the record.")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "The zip file to write.") var out: String
        @Option(name: .long, help: "File whose first line is the passphrase of an encrypted election key.") var keyPassphraseFile: String?

        func run() async throws {
            let database = try options.openExisting()
            let key = try options.keyStore.load(keyID: try database.election(id: election).keyID, passphrase: try readPassphrase(file: keyPassphraseFile))
            let index = try database.writeElectionArchiveZip(electionID: election, to: URL(fileURLWithPath: out), signingKey: key)
            say("archive written: \(out) (\(index.files.count) files listed in index.json, signed with the election key)")
            for note in index.notes { say("note: \(note)") }
        }
    }

    /// `xuanyi election correct-notice --election ID --number N --text TEXT`: a correction notice.
    struct CorrectNotice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "correct-notice",
                                                        abstract: "Issue a notice correcting an earlier one (notices are never changed).")
        @OptionGroup var options: DatabaseOptions
        @Option(name: .long, help: "Election id.") var election: Int64
        @Option(name: .long, help: "The number of the notice corrected.") var number: Int
        @Option(name: .long, help: "What is corrected (Chinese, as it is posted).") var text: String

        func run() async throws {
            let signed = try options.openExisting().issueCorrection(electionID: election, corrects: number, text: text, actor: .commandLine)
            say("issued \(signed.notice.title), correcting No. \(number) (SHA-256 \(signed.sha256))")
        }
    }
}
