import Community
import Foundation

/// A closed box's count sheet (计票结果, format `xuanyi-count-sheet/1`): what the box held and
/// how its ballots count, and where the ballot log stood when it closed. Its canonical JSON is
/// signed with the election key at closing and then by the election committee's scrutineers
/// with their own keys (`countersignCountSheet`); it is stored as `BallotBox.countSheetJSON`,
/// published, and carried in the record as `countsheets/round-R-box-B.json`. Every figure can
/// be recomputed from the box's lines in the ballot log (`docs/counting-rules.md`).
public struct CountSheet: Codable, Sendable, Equatable {
    public static let format = "xuanyi-count-sheet/1"

    /// The ballot log's last line when the box closed: a later line of this box, or a change to
    /// any line before, no longer matches the signed sheet.
    public struct Head: Codable, Sendable, Equatable {
        /// Its `seq` (0 when the log was empty).
        public var seq: Int
        /// Its tracking code (64 zeros when the log was empty).
        public var tracking: String
    }

    public var format: String
    public var election: Int64
    public var round: Int
    /// The box's number in the round (0: the electronic box).
    public var box: Int
    public var name: String
    /// `fixed`, `mobile` or `electronic`.
    public var kind: String
    /// Ballots issued into the box (check-ins).
    public var issued: Int
    /// The tellers' count of papers in the box (for the electronic box: ballots opened).
    public var handCount: Int
    /// The box's lines in the ballot log.
    public var ballots: Int
    /// Ballots that count: neither invalid nor void as a whole (blank papers included).
    public var valid: Int
    /// Not official or wholly unreadable.
    public var invalid: Int
    /// Untouched papers.
    public var blank: Int
    /// Void as a whole (`overvote = voidBallot`, `samePersonTwoPosts = voidBallot`).
    public var voided: Int
    /// Per post: ballots on which the post was void.
    public var voidPosts: [PostFigure]
    /// Per post: write-ins that named nobody who may be elected.
    public var voidWriteIns: [PostFigure]
    /// Per post, every candidate on the round's paper with the box's votes (0 included).
    public var candidates: [PersonVotes]
    /// Per post, every written-in person with votes in the box.
    public var writeIns: [PersonVotes]
    public var head: Head
    /// A mobile box's named scrutineers (residents, who sign the printed sheet by hand); empty
    /// for other boxes.
    public var scrutineers: [String]
    /// When the box closed, RFC 3339.
    public var at: String

    /// The sheet of a box whose ballots count as `count` on `paper`.
    public init(election: Int64, round: Int, box: Int, name: String, kind: String, issued: Int, handCount: Int, count: BallotCount,
                paper: BallotPaper, head: Head, scrutineers: [String], at: String) {
        format = Self.format
        self.election = election
        self.round = round
        self.box = box
        self.name = name
        self.kind = kind
        self.issued = issued
        self.handCount = handCount
        ballots = count.collected
        valid = count.collected - count.invalid - count.voided
        invalid = count.invalid
        blank = count.blank
        voided = count.voided
        voidPosts = count.voidPosts.sorted { $0.key < $1.key }.map { PostFigure(post: $0.key, count: $0.value) }
        voidWriteIns = count.voidWriteIns.sorted { $0.key < $1.key }.map { PostFigure(post: $0.key, count: $0.value) }
        let listed = Set(paper.sections.flatMap { section in section.candidates.map { "\(section.post.rawValue)|\($0.person)" } })
        let standings = RoundInput(number: round, kind: .main, paper: paper, count: count, issued: issued).standings
        candidates = standings.filter { listed.contains("\($0.post.rawValue)|\($0.person)") }
        writeIns = standings.filter { !listed.contains("\($0.post.rawValue)|\($0.person)") }
        self.head = head
        self.scrutineers = scrutineers
        self.at = at
    }

    /// The record path of this sheet.
    public var path: String { ElectionRecordFormat.countSheetFile(round: round, box: box) }
}

/// A scrutineer's signature on a count sheet, as stored and as the record carries it
/// (`countsheets/round-R-box-B.member-M.sig`: the Ed25519 signature over the sheet's bytes by
/// the key the election definition registers for member M).
public struct CountSheetSignature: Sendable, Equatable {
    /// The committee member (as the election definition names them).
    public var member: Int64
    public var name: String
    public var publicKeyPEM: String
    public var signature: Data
    public var signedAt: Date
}

extension BallotCount {
    /// Adds another set of ballots' count to this one (a round's count is the sum of its
    /// boxes'): every figure, and every person's votes per post.
    mutating func add(_ other: BallotCount) {
        collected += other.collected
        invalid += other.invalid
        blank += other.blank
        voided += other.voided
        voidPosts.merge(other.voidPosts, uniquingKeysWith: +)
        voidWriteIns.merge(other.voidWriteIns, uniquingKeysWith: +)
        var all = votes
        for (post, persons) in other.votes { all[post, default: [:]].merge(persons, uniquingKeysWith: +) }
        votes = all
    }
}
