import Community
import Notary

/// The official ballot paper (选票) of a round, as a typed model: the print page renders it, and
/// polling (electronic ballots, paper ballot entry) and the tally read the same structure.
/// Its canonical-JSON SHA-256 (`digest`) identifies exactly which paper a ballot was cast on.
public struct BallotPaper: Codable, Sendable, Equatable {
    /// One post's part of the paper.
    public struct Section: Codable, Sendable, Equatable {
        public var post: Post
        /// 主任, 副主任 …
        public var title: String
        public var seats: Int
        /// Only women may be elected on this line (the 妇女委员 seat).
        public var womenOnly: Bool
        /// Candidates in list order.
        public var candidates: [Entry]
        /// "另选他人" lines: as many as seats (SH Art. 17, ZJ Art. 21).
        public var writeInLines: Int
    }

    /// A candidate on the paper.
    public struct Entry: Codable, Sendable, Equatable {
        /// Position within the post, from 1.
        public var position: Int
        public var name: String
        /// The resident's id: the key ballots refer to.
        public var person: Int64
    }

    /// Format version of this structure.
    public var format = 1
    public var election: Int64
    /// 桃园社区第十二届居民委员会成员选举选票
    public var title: String
    public var electionDay: String
    /// 1 for the main round; later rounds (second round, tie-break) get their own paper.
    public var round: Int
    /// `main`, or the kind of a later round.
    public var roundKind: String
    public var sections: [Section]
    /// The marks a voter may make next to a candidate.
    public var marks: [Mark]
    /// Marking instructions printed on the paper, in order.
    public var instructions: [String]
    /// Where the election committee's seal goes.
    public var sealLabel: String

    /// SHA-256 of the paper's canonical JSON (hex).
    public func digest() throws -> String { try CanonicalJSON.digest(self).hex }

    /// The papers of the main round from a published candidate list: one paper for all posts,
    /// or (`roundPerPost`) one per post.
    public static func mainRound(election: Election, communityName: String, candidates: [CandidateLine]) -> [BallotPaper] {
        let rules = election.rules
        let sections = rules.posts.map { post in
            Section(post: post, title: post.chinese, seats: rules.seats(for: post), womenOnly: post == .womenMember,
                    candidates: candidates.filter { $0.post == post && $0.active }.sorted { $0.position < $1.position }
                        .map { Entry(position: $0.position, name: $0.name, person: $0.residentID) },
                    writeInLines: rules.seats(for: post))
        }
        let base = "\(communityName)居民委员会成员选举选票"
        switch rules.ballotLayout {
        case .onePaper:
            return [BallotPaper(election: election.id!, title: base, electionDay: election.electionDay.description, round: 1, roundKind: "main",
                                sections: sections, marks: Mark.allCases, instructions: instructions(rules: rules, sections: sections), sealLabel: "选举委员会（盖章）")]
        case .roundPerPost:
            return sections.map { section in
                BallotPaper(election: election.id!, title: "\(communityName)居民委员会\(section.title)选举选票", electionDay: election.electionDay.description,
                            round: 1, roundKind: "main.\(section.post.rawValue)", sections: [section], marks: Mark.allCases,
                            instructions: instructions(rules: rules, sections: [section]), sealLabel: "选举委员会（盖章）")
            }
        }
    }

    /// The marking instructions (写票说明) that follow from the rule set.
    static func instructions(rules: RuleSet, sections: [Section]) -> [String] {
        var lines = [
            "在每位候选人姓名下的“同意”“不同意”“弃权”三格中选择一格划“○”；三格都不划的，视为弃权。",
            "如另选他人，在“另选他人”栏内写上所选人的姓名，并在其下的“同意”格内划“○”。",
            "每一职位所选人数（同意的候选人加另选他人）不得多于该职位应选人数："
                + sections.map { "\($0.title)\($0.seats)名" }.joined(separator: "，") + "。",
            rules.overvote == .voidPost ? "某一职位所选人数多于应选人数的，该职位选票无效，其他职位仍然有效。"
                                        : "任一职位所选人数多于应选人数的，整张选票无效。",
        ]
        if sections.count > 1 {
            lines.append(rules.samePersonTwoPosts == .voidBallot ? "同一人不得在两个以上职位中被选，否则整张选票无效。"
                                                                 : "同一人在两个以上职位中被选的，只计其较高职位的一票。")
        }
        if sections.contains(where: \.womenOnly) {
            lines.append("妇女委员一栏只能选女性。")
        }
        lines.append("请使用选举委员会提供的笔填写，字迹清楚；无法辨认的部分无效。")
        return lines
    }
}
