import Foundation
import Testing

/// `xuanyi election notices|notice|verify-notice|archive` on the demo database: the current
/// election (a round still open) and the previous term's, certified.
@Suite("xuanyi election notices, notice files and the archive on the command line", .serialized)
struct NoticeCLITests {
    @Test("notices list and JSON; a notice file verifies with the announced fingerprint (exit 0), without one says what to compare (exit 3), changed fails (exit 1); openssl checks it as ballots/README.md says; the archive")
    func notices() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let database = workspace.path("demo.sqlite")
        let demo = try CLI.xuanyi(["demo", "--database", database, "--households", "250", "--no-serve"])
        #expect(demo.status == 0, "\(demo.stderr)")

        for election in ["1", "2"] {
            let listed = try CLI.xuanyi(["election", "notices", "--database", database, "--election", election, "--json"])
            #expect(listed.status == 0, "\(listed.stderr)")
            let notices = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(notices.compactMap { $0["number"] as? Int } == Array(1...notices.count))
            #expect(notices.first?["kind"] as? String == "announcement")
            let kinds = notices.compactMap { $0["kind"] as? String }
            if election == "1" {
                // The demo's round is still open: no box's count is published, no result.
                #expect(kinds.contains("polling") && !kinds.contains("boxCount") && !kinds.contains("result"), "\(kinds)")
            } else {
                // The previous term: its result, then its handover (工作移交), completed in the demo (later steps of the term follow).
                let result = try #require(kinds.firstIndex(of: "result")), handover = try #require(kinds.firstIndex(of: "handover"))
                #expect(kinds.contains("boxCount") && handover == result + 1, "\(kinds)")
            }
        }
        let text = try CLI.xuanyi(["election", "notices", "--database", database, "--election", "2"])
        #expect(text.status == 0 && text.stdout.contains("选举公告 第1号") && text.stdout.contains("election key fingerprint"))
        let fingerprint = try #require(text.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let english = try CLI.xuanyi(["election", "notice", "--database", database, "--election", "2", "--number", "1", "--lang", "en"])
        #expect(english.status == 0 && english.stdout.contains("Election notice No. 1") && english.stdout.contains(fingerprint))

        let file = workspace.path("n1.json")
        let written = try CLI.xuanyi(["election", "notice", "--database", database, "--election", "2", "--number", "1", "--out", file])
        #expect(written.status == 0, "\(written.stderr)")
        let valid = try CLI.xuanyi(["election", "verify-notice", file, "--anchor", fingerprint])
        #expect(valid.status == 0 && valid.stdout.hasPrefix("valid:"), "\(valid.stdout)\(valid.stderr)")
        let unanchored = try CLI.xuanyi(["election", "verify-notice", file])
        #expect(unanchored.status == 3 && unanchored.stdout.contains(fingerprint))
        let wrong = try CLI.xuanyi(["election", "verify-notice", file, "--anchor", String(repeating: "ab", count: 32)])
        #expect(wrong.status == 1 && wrong.stdout.contains("INVALID"))
        // The plain-tools path of ballots/README.md.
        let plain = try CLI.tool("sh", ["-c", """
            cd '\(workspace.url.path)' && jq -j .payload n1.json > n1.bin && jq -r .signature n1.json | base64 -d > n1.sig \
            && jq -r .publicKey n1.json > election.pub.pem \
            && openssl pkey -pubin -in election.pub.pem -outform DER | tail -c 32 | sha256sum | cut -c1-64 \
            && openssl pkeyutl -verify -pubin -inkey election.pub.pem -rawin -in n1.bin -sigfile n1.sig
            """])
        #expect(plain.status == 0 && plain.stdout.contains(fingerprint) && plain.stdout.contains("Signature Verified Successfully"), "\(plain.stdout)\(plain.stderr)")
        // One changed character of the payload: both refuse it.
        let forged = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\\\"number\\\":1", with: "\\\"number\\\":7")
        #expect(forged != (try String(contentsOfFile: file, encoding: .utf8)))
        try forged.write(toFile: workspace.path("forged.json"), atomically: true, encoding: .utf8)
        let refused = try CLI.xuanyi(["election", "verify-notice", workspace.path("forged.json"), "--anchor", fingerprint])
        #expect(refused.status == 1 && refused.stdout.contains("INVALID"), "\(refused.stdout)")

        let archive = workspace.path("archive.zip")
        let archived = try CLI.xuanyi(["election", "archive", "--database", database, "--election", "2", "--out", archive])
        #expect(archived.status == 0 && archived.stdout.contains("archive written"), "\(archived.stdout)\(archived.stderr)")
        let zip = try #require(FileManager.default.contents(atPath: archive))
        #expect(zip.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let current = try CLI.xuanyi(["election", "archive", "--database", database, "--election", "1", "--out", workspace.path("current.zip")])
        #expect(current.status == 0 && current.stdout.contains("尚未确认") && current.stdout.contains("尚未结束"), "\(current.stdout)")
    }
}
