import Community
import Foundation

/// The parameters of election-rules.md §3 that the voter roll needs; each is a field with its
/// usual default and source. The full rule set (posts, thresholds, ballots) completes it later.
public struct RollRules: Codable, Sendable, Equatable {
    /// Voting age on election day (L18 Art. 8).
    public var votingAge: Int = 18
    /// Months of living or community work here for hukou-elsewhere residents, category c (V18 Art. 13).
    public var residenceMonths: Int = 12
    /// Months of community work for community workers, category d (JS20).
    public var workerMonths: Int = 6
    /// The roll is published at least this many days before election day (V18 Art. 14).
    public var rollPublicationDays: Int = 20
    /// Objections are accepted within this many days of publication.
    public var objectionDays: Int = 5
    /// Objections are decided within this many days of receipt.
    public var objectionDecisionDays: Int = 3
    /// Representatives each residents' group sends under the representative method (L18 Art. 8).
    public var representativesPerGroup: ClosedRange<Int> = 2...3

    public init() {}

    /// Checks the numbers make sense; the error names the field.
    public func validate() throws {
        guard (16...25).contains(votingAge) else { throw CommunityError.invalid(field: "votingAge", reason: "between 16 and 25") }
        guard (0...60).contains(residenceMonths) else { throw CommunityError.invalid(field: "residenceMonths", reason: "between 0 and 60") }
        guard (0...residenceMonths).contains(workerMonths) else { throw CommunityError.invalid(field: "workerMonths", reason: "between 0 and residenceMonths") }
        guard (0...90).contains(rollPublicationDays) else { throw CommunityError.invalid(field: "rollPublicationDays", reason: "between 0 and 90") }
        guard (1...30).contains(objectionDays) else { throw CommunityError.invalid(field: "objectionDays", reason: "between 1 and 30") }
        guard (1...30).contains(objectionDecisionDays) else { throw CommunityError.invalid(field: "objectionDecisionDays", reason: "between 1 and 30") }
        guard representativesPerGroup.lowerBound >= 1 else { throw CommunityError.invalid(field: "representativesPerGroup", reason: "at least 1") }
    }
}

/// Where an election stands.
public enum ElectionStatus: String, Codable, Sendable {
    /// Set up; the roll can be built and changed freely.
    case preparing
    /// The roll is published: changes only with a 四增四减 reason, objections open.
    case rollPublished
}

/// An election of a residents' committee.
public struct Election: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    /// e.g. 桃园社区第十二届居民委员会换届选举
    public var title: String
    public var method: ElectionMethod
    public var electionDay: CivilDate
    /// Canonical JSON of the `RollRules` (stored as text).
    public var rulesJSON: String
    public var status: ElectionStatus
    /// Key id of the election's signing key (receipts, results).
    public var keyID: String
    /// Whether the base roll has been built.
    public var rollBuilt: Bool
    public var rollPublishedOn: CivilDate?
    /// Published later than `rollPublicationDays` before election day (allowed with confirmation, shown as a warning).
    public var rollPublishedLate: Bool
    public var createdAt: Date

    /// The decoded rules.
    public var rules: RollRules {
        (try? JSONDecoder().decode(RollRules.self, from: Data(rulesJSON.utf8))) ?? RollRules()
    }

    /// The last day the roll may be published on time.
    public var rollPublicationDeadline: CivilDate { electionDay.adding(days: -rules.rollPublicationDays) }

    /// The last day objections are accepted, once published.
    public var objectionDeadline: CivilDate? { rollPublishedOn?.adding(days: rules.objectionDays) }
}
