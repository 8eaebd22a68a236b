/// The facts a notice states, by kind (only the members its kind uses are present). Numbers
/// come from the domain at the step that issues the notice; the text is rendered from them.
public struct NoticeFacts: Codable, Sendable, Equatable {
    /// A post and its seats.
    public struct PostSeats: Codable, Sendable, Equatable {
        public var post: Post
        public var seats: Int
    }
    /// A member of the election committee and the fingerprint of their own key (nil: no key yet).
    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        public var roles: [CommitteeRole]
        public var key: String?
    }
    /// A decided objection.
    public struct ObjectionDecision: Codable, Sendable, Equatable {
        public var seq: Int
        public var kind: String
        public var filedOn: String
        public var upheld: Bool
        public var decision: String
    }
    /// A proxy: principal and holder by roll number and name.
    public struct Proxy: Codable, Sendable, Equatable {
        public var principalNumber: Int
        public var principal: String
        public var holderNumber: Int
        public var holder: String
    }
    /// A candidate on the list or a paper.
    public struct Candidate: Codable, Sendable, Equatable {
        public var post: Post
        public var position: Int
        public var name: String
        public var gender: String?
        public var age: Int?
    }
    /// A polling station.
    public struct Station: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
    }
    /// A round's paper: its number, kind and what is voted on.
    public struct Round: Codable, Sendable, Equatable {
        public var number: Int
        public var kind: RoundKind
        public var electronic: Bool
        public var posts: [PostSeats]
        public var candidates: [Candidate]
        public var paper: String
    }
    /// A counted box and its stored count sheet.
    public struct Box: Codable, Sendable, Equatable {
        public var round: Int
        public var number: Int
        public var name: String
        public var kind: String
        public var station: String?
        /// Ballots issued into the box (check-ins).
        public var issued: Int
        /// Ballots counted in the box.
        public var counted: Int
        /// The count sheet as stored at closing (canonical JSON of `CountSheet`), embedded whole.
        public var sheet: NoticeJSON?
        /// SHA-256 of the stored count sheet.
        public var sheetSHA256: String?
        /// The compact signed receipt of the count sheet.
        public var sheetSignature: String?
        /// The names of the persons the sheet gives votes to (it names them by person id).
        public var names: [PersonName]?
    }
    /// A person's name, for the votes a count sheet gives by person id.
    public struct PersonName: Codable, Sendable, Equatable {
        public var person: Int64
        public var name: String
    }
    /// An elected member.
    public struct Elected: Codable, Sendable, Equatable {
        public var post: Post
        public var name: String
        public var votes: Int
        public var round: Int
    }

    public var title: String?
    public var electionDay: String?
    public var method: ElectionMethod?
    public var posts: [PostSeats]?
    /// Key id and fingerprint of the election key (the record's trust anchor).
    public var electionKey: String?
    public var electionKeyFingerprint: String?
    public var members: [Member]?
    /// Who joined the committee with this change.
    public var joined: String?
    /// Who stepped down with this change, and why.
    public var left: String?
    public var leftReason: String?
    public var voters: Int?
    public var objectionDeadline: String?
    public var objection: ObjectionDecision?
    public var proxies: [Proxy]?
    public var candidates: [Candidate]?
    public var stations: [Station]?
    public var rounds: [Round]?
    public var box: Box?
    public var elected: [Elected]?
    public var vacant: [PostSeats]?
    /// SHA-256 of the signed result statement.
    public var statement: String?
    /// A recall proposal, vote or result.
    public var recall: RecallFacts?
    /// The correction's own words.
    public var correction: String?
    /// The handover (工作移交) completed.
    public var handover: HandoverFacts?
    /// The certified result declared void.
    public var annulment: AnnulmentFacts?

    public init() {}
}
