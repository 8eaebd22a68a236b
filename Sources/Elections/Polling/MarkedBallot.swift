import Community
import Foundation

/// What one ballot says, as entered from paper or cast electronically: per post of the paper,
/// a mark for each listed candidate and the write-ins. It holds nothing about the voter.
/// The tally (not the entry) decides over-marking and the other §6 rules.
public struct MarkedBallot: Codable, Sendable, Equatable {
    /// How the paper as a whole reads.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Marked (some posts may be blank or partly unreadable).
        case marked
        /// Untouched: counted as collected, no votes.
        case blank
        /// Not an official paper: counted as collected, no votes.
        case notOfficial
        /// Wholly unreadable: counted as collected, no votes.
        case unreadable

        public var chinese: String {
            switch self {
            case .marked: return "有效标记"
            case .blank: return "空白票"
            case .notOfficial: return "非正式选票"
            case .unreadable: return "无法辨认"
            }
        }
    }

    /// One post's marks.
    public struct PostMarks: Codable, Sendable, Equatable {
        public var post: Post
        /// One mark per listed candidate, in paper order (`abstain` where nothing is marked).
        public var marks: [Mark]
        /// Written-in persons: a resident id, or nil for a write-in that names nobody on the
        /// roll or cannot be identified (void, but still a mark for the over-mark check).
        public var writeIns: [WriteIn]
        /// This part of the paper cannot be read: void for this post only.
        public var unreadable: Bool?

        public init(post: Post, marks: [Mark], writeIns: [WriteIn] = [], unreadable: Bool? = nil) {
            self.post = post
            self.marks = marks
            self.writeIns = writeIns
            self.unreadable = unreadable
        }
    }

    /// A write-in line (另选他人) with 同意 marked.
    public struct WriteIn: Codable, Sendable, Equatable {
        public var person: Int64?
        public init(person: Int64?) { self.person = person }
    }

    /// SHA-256 of the paper this ballot was marked on.
    public var paper: String
    public var state: State
    /// Present for `marked` ballots, one per section of the paper.
    public var posts: [PostMarks]

    public init(paper: String, state: State, posts: [PostMarks]) {
        self.paper = paper
        self.state = state
        self.posts = posts
    }

    /// The one way of writing this reading (an unreadable flag that is false is left out), so
    /// that two clerks' entries of the same paper compare equal byte for byte.
    public func normalized() -> MarkedBallot {
        var copy = self
        for index in copy.posts.indices where copy.posts[index].unreadable == false { copy.posts[index].unreadable = nil }
        return copy
    }

    /// An empty ballot of `state` (blank, not official, unreadable) on `paper`.
    public static func unmarked(_ state: State, paper: String) -> MarkedBallot {
        MarkedBallot(paper: paper, state: state, posts: [])
    }

    /// Checks the ballot fits `paper` (digest, one entry per section, a mark per candidate, no
    /// more write-ins than lines, write-ins naming voters on the roll). Errors name the post.
    public func validate(against paper: BallotPaper, digest: String, isOnRoll: (Int64) -> Bool) throws {
        guard self.paper == digest else { throw CommunityError.invalid(field: "paper", reason: "not marked on this round's ballot paper") }
        guard state == .marked else {
            guard posts.isEmpty else { throw CommunityError.invalid(field: "posts", reason: "a \(state.rawValue) ballot carries no marks") }
            return
        }
        guard posts.count == paper.sections.count, zip(posts, paper.sections).allSatisfy({ $0.post == $1.post }) else {
            throw CommunityError.invalid(field: "posts", reason: "one entry for each post of the paper: " + paper.sections.map(\.post.rawValue).joined(separator: ", "))
        }
        for (marks, section) in zip(posts, paper.sections) {
            guard marks.marks.count == section.candidates.count else {
                throw CommunityError.invalid(field: section.post.rawValue, reason: "\(section.candidates.count) marks, one per candidate")
            }
            guard marks.writeIns.count <= section.writeInLines else {
                throw CommunityError.invalid(field: section.post.rawValue, reason: "at most \(section.writeInLines) write-ins")
            }
            for writeIn in marks.writeIns {
                if let person = writeIn.person, !isOnRoll(person) {
                    throw CommunityError.invalid(field: section.post.rawValue, reason: "write-in \(person) is not on the roll; enter it as void")
                }
            }
        }
    }
}
