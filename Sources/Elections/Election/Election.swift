import Community
import Foundation

/// Where an election stands.
public enum ElectionStatus: String, Codable, Sendable {
    /// Set up; the roll can be built and changed freely.
    case preparing
    /// The roll is published (the rule set is frozen): changes only with a 四增四减 reason,
    /// objections and nominations open.
    case rollPublished
    /// The candidate list is published; withdrawals top it up.
    case candidatesPublished

    /// Whether the roll has been published (in this or a later state).
    public var rollIsPublic: Bool { self != .preparing }
}

/// An election of a residents' committee.
public struct Election: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    /// e.g. 桃园社区第十二届居民委员会换届选举
    public var title: String
    public var method: ElectionMethod
    public var electionDay: CivilDate
    /// The rule set (stored as JSON in the `rulesJSON` column); editable while preparing.
    public var rules: RuleSet
    /// SHA-256 of the rule set's canonical JSON, set when the roll is published and the rules freeze.
    public var rulesDigest: String?
    public var status: ElectionStatus
    /// Key id of the election's signing key (receipts, results).
    public var keyID: String
    /// Whether the base roll has been built.
    public var rollBuilt: Bool
    public var rollPublishedOn: CivilDate?
    /// Published later than `rollPublicationDays` before election day (allowed with confirmation, shown as a warning).
    public var rollPublishedLate: Bool
    public var createdAt: Date
    /// When the election was announced (选举公告第1号).
    public var announcedOn: CivilDate?
    /// When the candidate list was published.
    public var candidateListPublishedOn: CivilDate?
    /// Published later than `candidateListDays` before election day (confirmed, shown as a warning).
    public var candidateListLate: Bool
    /// When the proxy list (委托投票名单) was published; proxies filed before then are valid.
    public var proxyListPublishedOn: CivilDate?

    enum CodingKeys: String, CodingKey {
        case id, communityID, title, method, electionDay, status, keyID, rollBuilt, rollPublishedOn, rollPublishedLate, createdAt
        case rules = "rulesJSON"
        case rulesDigest, announcedOn, candidateListPublishedOn, candidateListLate, proxyListPublishedOn
    }

    /// Whether the rule set is frozen (from roll publication on).
    public var rulesFrozen: Bool { rulesDigest != nil }

    /// The last day the roll may be published on time.
    public var rollPublicationDeadline: CivilDate { electionDay.adding(days: -rules.rollPublicationDays) }

    /// The last day objections are accepted, once published.
    public var objectionDeadline: CivilDate? { rollPublishedOn?.adding(days: rules.objectionDays) }
}
