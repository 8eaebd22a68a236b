import Community
import Elections
import Foundation

/// The ballot paper as an HTML form, and back: field `m.<post>.<position>` holds a candidate's
/// mark, `w.<post>.<line>` a write-in (a roll number for a clerk entering paper, a name for a
/// voter), `u.<post>` marks an unreadable part, `state` the paper as a whole (entry only).
enum BallotForm {
    /// The paper's sections as template data, with the marks of `ballot` preselected and the
    /// write-in texts of `writeIns` (line → text) filled in.
    static func sections(_ paper: BallotPaper, ballot: MarkedBallot? = nil, writeIns: [String: String] = [:]) -> [[String: Any]] {
        paper.sections.enumerated().map { index, section in
            let marks = ballot?.posts.count ?? 0 > index ? ballot!.posts[index] : nil
            return [
                "post": section.post.rawValue, "title": section.title, "seats": section.seats, "womenOnly": section.womenOnly,
                "unreadable": marks?.unreadable == true,
                "candidates": section.candidates.enumerated().map { position, candidate -> [String: Any] in
                    let mark = marks?.marks.count ?? 0 > position ? marks!.marks[position] : .abstain
                    return ["name": candidate.name, "field": "m.\(section.post.rawValue).\(candidate.position)",
                            "approve": mark == .approve, "disapprove": mark == .disapprove, "abstain": mark == .abstain]
                },
                "writeIns": (0..<section.writeInLines).map { line -> [String: Any] in
                    let field = "w.\(section.post.rawValue).\(line + 1)"
                    return ["field": field, "line": line + 1, "value": writeIns[field] ?? ""]
                },
            ]
        }
    }

    /// The sections with what was typed into `form` kept (issue 22 #5): every mark that reads,
    /// unreadable parts, and the write-in texts exactly as typed — for the page shown again after
    /// an error, or when a voter goes back from the confirmation to change their marks.
    static func sections(_ paper: BallotPaper, keeping form: FormFields) -> [[String: Any]] {
        let posts = paper.sections.map { section in
            MarkedBallot.PostMarks(post: section.post,
                                   marks: section.candidates.map { Mark(rawValue: form["m.\(section.post.rawValue).\($0.position)"] ?? "") ?? .abstain },
                                   unreadable: form["u.\(section.post.rawValue)"] == "yes" ? true : nil)
        }
        let typed = form.values.filter { $0.key.hasPrefix("w.") }
        return sections(paper, ballot: MarkedBallot(paper: "", state: .marked, posts: posts), writeIns: typed)
    }

    /// Reads a ballot from form fields. `resolve` turns a write-in text into a person (nil:
    /// void) or throws for input that cannot be read; empty write-ins are no write-in.
    static func read(_ form: FormFields, paper: BallotPaper, digest: String, entry: Bool,
                     resolve: (String, Post) throws -> Int64?) throws -> MarkedBallot {
        let state = entry ? (MarkedBallot.State(rawValue: form["state"] ?? "marked") ?? .marked) : .marked
        guard state == .marked else { return .unmarked(state, paper: digest) }
        var posts: [MarkedBallot.PostMarks] = []
        for section in paper.sections {
            let marks = try section.candidates.map { candidate -> Mark in
                let field = "m.\(section.post.rawValue).\(candidate.position)"
                guard let text = form[field], !text.isEmpty else { return .abstain }
                guard let mark = Mark(rawValue: text) else { throw CommunityError.invalid(field: field, reason: "approve, disapprove or abstain") }
                return mark
            }
            var writeIns: [MarkedBallot.WriteIn] = []
            for line in 0..<section.writeInLines {
                let text = (form["w.\(section.post.rawValue).\(line + 1)"] ?? "").trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                writeIns.append(MarkedBallot.WriteIn(person: try resolve(text, section.post)))
            }
            posts.append(MarkedBallot.PostMarks(post: section.post, marks: marks, writeIns: writeIns,
                                                unreadable: entry && form["u.\(section.post.rawValue)"] == "yes" ? true : nil))
        }
        return MarkedBallot(paper: digest, state: .marked, posts: posts)
    }

    /// What a ballot says, line by line, for a confirmation page or a third look.
    static func summary(_ ballot: MarkedBallot, paper: BallotPaper, names: [Int64: String]) -> [[String: Any]] {
        guard ballot.state == .marked else { return [["title": ballot.state.chinese, "lines": [String]()]] }
        return zip(ballot.posts, paper.sections).map { marks, section in
            var lines = zip(marks.marks, section.candidates).map { "\($1.name)：\($0.chinese)" }
            lines += marks.writeIns.map { "另选他人：\($0.person.flatMap { names[$0] } ?? "作废 void")" }
            if marks.unreadable == true { lines.append("此栏无法辨认 unreadable") }
            return ["title": section.title, "lines": lines]
        }
    }
}
