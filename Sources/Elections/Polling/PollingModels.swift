import Community
import Foundation

/// What a polling round is for (an election can have several, each with its own paper and
/// its own record of who received a ballot).
public enum RoundKind: String, Codable, Sendable, CaseIterable {
    /// The main vote.
    case main
    /// A revote among candidates tied for the last seat(s) (§7.3).
    case tieBreak
    /// 另行选举 for unfilled seats (§7.5).
    case runoff
    /// A women-only second round for the women's seat (§7.4).
    case womenOnly

    public var chinese: String {
        switch self {
        case .main: return "正式选举"
        case .tieBreak: return "重新投票"
        case .runoff: return "另行选举"
        case .womenOnly: return "妇女委员另行选举"
        }
    }
}

/// A polling round: one ballot paper, the boxes it is cast into, and who received a ballot.
public struct PollingRound: Codable, Sendable, Equatable, Identifiable {
    public enum Status: String, Codable, Sendable { case open, closed }

    public var id: Int64?
    public var electionID: Int64
    /// 1, 2, … within the election.
    public var number: Int
    public var kind: RoundKind
    /// The BallotPaper, canonical JSON.
    public var paperJSON: String
    /// SHA-256 of `paperJSON`.
    public var paperDigest: String
    public var status: Status
    /// Voters may also cast electronically (with their voter card's access code).
    public var electronic: Bool
    public var openedAt: Date
    /// The round's turnout base: voters (or households, or representatives) on the roll when the
    /// round opened. The roll is frozen from the first round on, so it cannot move afterwards.
    public var rollSize: Int?
    /// The public half of the sealed electronic box's key (X25519, hex); nil without
    /// electronic voting. Its private half exists only as the committee's sealed shares.
    public var boxPublicKey: String? = nil
    /// How many committee members open the sealed box together.
    public var boxThreshold: Int? = nil

    /// The decoded paper.
    public func paper() throws -> BallotPaper { try DecodedCache.papers.value(for: paperJSON) }
}

/// A polling station: the central venue (中心会场) or a branch station (分会场).
public struct PollingStation: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case central, branch
        public var chinese: String { self == .central ? "中心会场" : "分会场" }
    }

    public var id: Int64?
    public var electionID: Int64
    public var name: String
    public var kind: Kind
}

/// A ballot box of a round: fixed at a station, mobile (流动票箱, carried by named scrutineers
/// to voters who cannot come), or the round's electronic box.
public struct BallotBox: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case fixed, mobile, electronic
        public var chinese: String {
            switch self {
            case .fixed: return "固定票箱"
            case .mobile: return "流动票箱"
            case .electronic: return "电子投票"
            }
        }
    }
    public enum Status: String, Codable, Sendable {
        /// Ballots go in.
        case open
        /// Closed for counting: the tellers' hand count is entered, papers are being entered.
        case counting
        /// Entered ballots equal the hand count; the count sheet is signed.
        case closed
    }

    public var id: Int64?
    public var roundID: Int64
    public var stationID: Int64?
    /// Number within the round (1, 2 …), printed on the box.
    public var number: Int
    public var name: String
    public var kind: Kind
    public var status: Status
    /// Papers the tellers counted in the box.
    public var handCount: Int?
    /// The signed count sheet, compact receipt form, once closed.
    public var countSheet: String?
    /// The count sheet itself (canonical JSON of `CountSheet`), whose SHA-256 the receipt signs.
    public var countSheetJSON: String?
    /// The election key's Ed25519 signature over `countSheetJSON`'s bytes (the record's
    /// `countsheets/round-R-box-B.sig`).
    public var countSheetSignature: Data?
    public var closedAt: Date?
}

/// How a voter received a ballot.
public enum CheckInMethod: String, Codable, Sendable, CaseIterable {
    case inPerson, proxy, mobile, electronic

    public var chinese: String {
        switch self {
        case .inPerson: return "本人领票"
        case .proxy: return "委托投票"
        case .mobile: return "流动票箱"
        case .electronic: return "电子投票"
        }
    }
}

/// That a voter (roll entry) received a ballot in a round — never what they marked.
public struct CheckIn: Codable, Sendable, Equatable {
    public var roundID: Int64
    public var rollEntryID: Int64
    public var boxID: Int64
    public var method: CheckInMethod
    public var proxyID: Int64?
    /// Who helped mark the ballot (代写), if anyone: a resident, or a committee writer.
    public var assistedByID: Int64?
    /// RFC 3339 time of a paper check-in; only the date (China time) for an electronic ballot,
    /// so the time cannot be matched against the ballot log.
    public var at: String
    /// The clerk (account) who issued the ballot; nil for electronic ballots.
    public var issuedBy: Int64?
}

/// A written proxy (委托投票): the principal's vote cast by the holder.
public struct ProxyAuthorisation: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    public var principalEntryID: Int64
    public var holderEntryID: Int64
    /// The written authorisation's reference (its number or description).
    public var document: String
    public var signedOn: CivilDate
    public var filedOn: CivilDate
    public var revoked: Bool
}

/// Ballot papers handed to or back from a station (the papers themselves, not votes).
public enum PaperMovement: String, Codable, Sendable, CaseIterable {
    /// Blank papers the station received from the committee.
    case received
    /// Papers a voter spoiled and handed back for a new one (each a replacement issued).
    case spoiled
    /// Unused papers returned after the vote.
    case returned

    public var chinese: String {
        switch self {
        case .received: return "领取选票"
        case .spoiled: return "写坏换票"
        case .returned: return "退回空白选票"
        }
    }
}
