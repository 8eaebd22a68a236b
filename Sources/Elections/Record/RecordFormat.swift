import Community
import Foundation
import Notary

/// The public election record, version 3 (ballots/README.md): the files it holds and their
/// JSON shapes. Every JSON file is canonical JSON (sorted keys, no spaces); `ballots.jsonl` is
/// the ballot log, one canonical line per ballot each followed by `\n`.
public enum ElectionRecordFormat {
    /// The format named in the manifest; a verifier refuses any other.
    public static let version = "xuanyi-election-record/3"
    public static let statementFormat = "xuanyi-result-statement/1"
    public static let countersignatureFormat = "xuanyi-countersignature/1"
    public static let certificateFormat = "xuanyi-certificate/1"

    // Files the manifest lists (their digests are covered by the result statement).
    public static let electionFile = "election.json"
    public static let rulesFile = "rules.json"
    public static let rollFile = "roll.json"
    public static let candidatesFile = "candidates.json"
    public static let personsFile = "persons.json"
    public static let roundsFile = "rounds.json"
    public static let ballotsFile = "ballots.jsonl"
    public static let tallyFile = "tally.json"
    public static let resultFile = "result.json"
    public static let electionKeyFile = "keys/election.pub.pem"
    public static func paperFile(round: Int) -> String { "papers/round-\(round).json" }
    /// The signed election definition (`ElectionDefinition`) and the election key's signature.
    public static let definitionFile = "definition.json"
    public static let definitionSignatureFile = "definition.sig"
    /// Election notice N (选举公告 第N号) as signed: its canonical JSON, and the raw signature.
    /// A record carries every notice issued before certification (the result's own notice
    /// names the statement, so it comes after); each carries the audit log's head at its step.
    public static func noticeFile(number: Int) -> String { "notices/notice-\(number).json" }
    public static func noticeSignatureFile(number: Int) -> String { "notices/notice-\(number).sig" }
    /// A box's count sheet (`CountSheet`), the election key's signature over it, and each
    /// scrutineer's (member M of the definition).
    public static func countSheetFile(round: Int, box: Int) -> String { "countsheets/round-\(round)-box-\(box).json" }
    public static func countSheetSignatureFile(round: Int, box: Int) -> String { "countsheets/round-\(round)-box-\(box).sig" }
    public static func countSheetMemberSignatureFile(round: Int, box: Int, member: Int64) -> String {
        "countsheets/round-\(round)-box-\(box).member-\(member).sig"
    }

    // Files outside the manifest, each covered by a signature.
    public static let manifestFile = "manifest.json"
    public static let sumsFile = "SHA256SUMS"
    public static let statementFile = "statement.json"
    public static let statementSignatureFile = "statement.sig"
    public static let certificatesFile = "certificates.json"
    public static func countersignatureFile(member: Int64) -> String { "countersignatures/member-\(member).json" }
    public static func countersignatureSignatureFile(member: Int64) -> String { "countersignatures/member-\(member).sig" }
}

/// `manifest.json`: the format and every content file with its size and SHA-256.
public struct RecordManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
    }
    public var format: String
    public var election: Int64
    public var files: [File]

    /// `SHA256SUMS`: the same digests in `sha256sum -c` form.
    public var sums: Data {
        Data(files.map { "\($0.sha256)  \($0.path)\n" }.joined().utf8)
    }
}

/// `election.json`: what was elected and how (who signs for the election committee is in the
/// signed `definition.json`).
public struct RecordElection: Codable, Sendable, Equatable {
    public struct Community: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var streetOffice: String
        public var district: String
    }
    public struct Seats: Codable, Sendable, Equatable {
        public var post: Post
        public var seats: Int
    }
    public var id: Int64
    public var community: Community
    public var title: String
    public var method: String
    public var electionDay: String
    public var posts: [Seats]
    public var rulesDigest: String
    public var announcedOn: String?
    public var rollPublishedOn: String?
    public var candidateListPublishedOn: String?
    /// Present (true) only in a record from a rehearsal (演练) database: practice, not a real election.
    public var rehearsal: Bool? = nil
}

/// `roll.json`: the roll's commitment, never names or ID numbers.
public struct RecordRoll: Codable, Sendable, Equatable {
    public var method: String
    /// Entries on the roll on election day: the base of turnout.
    public var voters: Int
    /// Lines of the published roll, removed entries included.
    public var lines: Int
    /// SHA-256 of the public roll CSV (`/elections/ID/roll.csv`) as published.
    public var csvSHA256: String
}

/// A line of `candidates.json` (the published candidate list).
public struct RecordCandidate: Codable, Sendable, Equatable {
    public var post: Post
    public var position: Int
    public var person: Int64
    public var name: String
}

/// A line of `persons.json`: everyone on a paper or named by a write-in, by pseudonymous id.
public struct RecordPerson: Codable, Sendable, Equatable {
    public var person: Int64
    public var name: String
    /// `female` or `male` (the women rule needs it).
    public var gender: String
}

/// A round in `rounds.json`, with its boxes' accounting.
public struct RecordRound: Codable, Sendable, Equatable {
    public struct Box: Codable, Sendable, Equatable {
        public var number: Int
        public var name: String
        public var kind: String
        /// Ballots issued into the box (check-ins).
        public var issued: Int
        /// The tellers' count of papers in the box (electronic: ballots cast).
        public var collected: Int
    }
    public var number: Int
    public var kind: RoundKind
    /// SHA-256 of `papers/round-N.json`.
    public var paper: String
    public var issued: Int
    public var collected: Int
    public var boxes: [Box]
}

/// One post's figure.
public struct PostFigure: Codable, Sendable, Equatable {
    public var post: Post
    public var count: Int
}

/// One person's votes in a post.
public struct PersonVotes: Codable, Sendable, Equatable {
    public var post: Post
    public var person: Int64
    public var votes: Int
}

/// A further round, as data.
public struct RecordNext: Codable, Sendable, Equatable {
    public var kind: String
    public var post: Post?
    public var persons: [Int64]
    public var seats: Int?
    /// The round that asked for it (in `result.json`).
    public var from: Int?

    init(_ next: RoundOutcome.Next, from: Int? = nil) {
        self.from = from
        switch next {
        case .tieBreak(let post, let persons, let seats): (kind, self.post, self.persons, self.seats) = ("tieBreak", post, persons, seats)
        case .runoff(let post, let persons, let seats): (kind, self.post, self.persons, self.seats) = ("runoff", post, persons, seats)
        case .womenOnly(let persons, let seats): (kind, post, self.persons, self.seats) = ("womenOnly", .member, persons, seats)
        case .repeatRound: (kind, post, persons, seats) = ("repeatRound", nil, [], nil)
        }
    }
}

/// A round in `tally.json`: the recount's figures, every decision, and what comes next.
public struct RecordTally: Codable, Sendable, Equatable {
    public var round: Int
    public var kind: RoundKind
    public var issued: Int
    public var collected: Int
    public var invalid: Int
    public var blank: Int
    public var voided: Int
    public var voidPosts: [PostFigure]
    public var voidWriteIns: [PostFigure]
    public var votes: [PersonVotes]
    public var valid: Bool
    public var steps: [TallyStep]
    public var next: [RecordNext]

    init(input: RoundInput, outcome: RoundOutcome) {
        let count = input.count
        round = input.number
        kind = input.kind
        issued = input.issued
        collected = count.collected
        invalid = count.invalid
        blank = count.blank
        voided = count.voided
        voidPosts = count.voidPosts.sorted { $0.key < $1.key }.map { PostFigure(post: $0.key, count: $0.value) }
        voidWriteIns = count.voidWriteIns.sorted { $0.key < $1.key }.map { PostFigure(post: $0.key, count: $0.value) }
        votes = input.standings
        valid = outcome.valid
        steps = outcome.steps
        next = outcome.next.map { RecordNext($0) }
    }
}

/// `result.json`: the election's result from all its rounds.
public struct RecordResult: Codable, Sendable, Equatable {
    public var final: Bool
    public var elected: [ElectedMember]
    public var vacant: [PostFigure]
    public var acting: Int64?
    public var pending: [RecordNext]

    init(_ outcome: ElectionOutcome) {
        final = outcome.isFinal
        elected = outcome.elected
        vacant = outcome.vacant.sorted { $0.key < $1.key }.map { PostFigure(post: $0.key, count: $0.value) }
        acting = outcome.acting
        pending = outcome.pending.map { RecordNext($0.next, from: $0.from) }
    }
}

/// `statement.json`: the result statement the election key signs (verifiability.md §5).
public struct ResultStatement: Codable, Sendable, Equatable {
    public struct Winner: Codable, Sendable, Equatable {
        public var post: Post
        public var person: Int64
        public var name: String
        public var votes: Int
        public var round: Int
    }
    public struct Round: Codable, Sendable, Equatable {
        public var round: Int
        public var kind: RoundKind
        public var issued: Int
        public var collected: Int
    }
    public var format: String
    public var election: Int64
    public var community: String
    public var title: String
    /// SHA-256 of `manifest.json`.
    public var manifest: String
    /// Tracking code of the last ballot in the log.
    public var logHead: String
    public var ballots: Int
    public var rulesDigest: String
    public var rounds: [Round]
    public var elected: [Winner]
    public var vacant: [PostFigure]
    public var acting: Int64?
    public var at: String
    /// Key id of the election key.
    public var key: String
}

/// `countersignatures/member-N.json`: a committee member's signature on the statement.
public struct Countersignature: Codable, Sendable, Equatable {
    public var format: String
    public var election: Int64
    /// SHA-256 of `statement.json`.
    public var statement: String
    public var member: Int64
    public var name: String
    public var at: String
    /// Key id of the member's own key.
    public var key: String
}

/// A certificate of election (当选证书), signed with the election key.
public struct Certificate: Codable, Sendable, Equatable {
    public var format: String
    public var election: Int64
    public var title: String
    public var person: Int64
    public var name: String
    public var post: Post
    public var votes: Int
    public var round: Int
    /// SHA-256 of `statement.json`.
    public var statement: String
    /// A by-election's certificate: the last day of the term the member serves (the committee's
    /// term). Absent on an ordinary certificate, whose canonical JSON it leaves as it was.
    public var termEnds: String? = nil
}

/// A certificate with its signature, as `certificates.json` lists it.
public struct SignedCertificate: Codable, Sendable, Equatable {
    public var certificate: Certificate
    /// Ed25519 signature over the certificate's canonical JSON, base64.
    public var signature: String

    /// The compact code printed on the certificate: `xyc1.<election>.<person>.<signature, base64url>`.
    public var code: String {
        "xyc1.\(certificate.election).\(certificate.person).\(Data(base64Encoded: signature).map(Base64.encodeURL) ?? "")"
    }
}
