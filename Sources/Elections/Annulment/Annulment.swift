import Community
import Foundation

/// Why a result is void (L25: a result obtained by violence, threats, bribery, forged ballots or
/// false counts is void).
public enum AnnulmentGround: String, Codable, Sendable, CaseIterable {
    /// 暴力
    case violence
    /// 威胁
    case threats
    /// 贿赂
    case bribery
    /// 伪造选票
    case forgedBallots
    /// 虚报选举票数
    case falseCount

    public var chinese: String {
        switch self {
        case .violence: return "暴力"
        case .threats: return "威胁"
        case .bribery: return "贿赂"
        case .forgedBallots: return "伪造选票"
        case .falseCount: return "虚报选举票数"
        }
    }

    public var english: String {
        switch self {
        case .violence: return "violence"
        case .threats: return "threats"
        case .bribery: return "bribery"
        case .forgedBallots: return "forged ballots"
        case .falseCount: return "false counts"
        }
    }
}

/// Who decided that the result is void. The law makes such a result void; the street office
/// (街道办事处), which guides and supervises the election, decides it on a complaint or its own
/// inquiry, or the residents' election committee finds it on its own decision. Xuanyi has no
/// street-office account: the election committee records the decision, naming the deciding body
/// and its document (docs/decisions.md).
public enum AnnulmentAuthority: String, Codable, Sendable, CaseIterable {
    /// 街道办事处 (the community's street office): the deciding body is the street office.
    case streetOffice
    /// 居民选举委员会: the election committee's own decision.
    case electionCommittee

    public var chinese: String { self == .streetOffice ? "街道办事处" : "居民选举委员会" }
    public var english: String { self == .streetOffice ? "street office" : "election committee" }
}

/// A certified result declared void: the grounds, the reason, the deciding body and its
/// document, the day decided, and the election notice that announced it (signed with the
/// election key; the same signed bytes travel with the public election record as
/// `annulment.json` and `annulment.sig`).
public struct Annulment: Sendable, Equatable {
    public var electionID: Int64
    public var grounds: [AnnulmentGround]
    public var reason: String
    public var authority: AnnulmentAuthority
    /// The deciding body's name (e.g. 安和街道办事处).
    public var decidedBy: String
    /// The decision's document reference (文号, e.g. 安街发〔2027〕3号).
    public var reference: String
    public var decidedOn: CivilDate
    /// The display name of the account (or the command line) that recorded it.
    public var recordedBy: String
    /// The number of the election notice that announced it.
    public var noticeNumber: Int
}
