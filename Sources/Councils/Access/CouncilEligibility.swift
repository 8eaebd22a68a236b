import Community
import Foundation
import GRDB

/// Who may take part in deliberation (deliberation.md, "Readings that decide edge cases"): a
/// resident on the community's register who lives in the community, is 18 or older on the day
/// and is not deprived of political rights. Co-signing, hearing registration, ratings and the
/// attendance roll of a residents' meeting ask this one rule; a household with no such member
/// is not an entitled household of a households' meeting, and only such a member can be its
/// representative.
///
/// "On the register" is read as living here (`livesHere`): a resident whose household
/// registration (户籍) is here but who lives elsewhere can take part in an election by
/// statement (category b), but is not counted in the quorum base of a meeting nor co-signs or
/// rates for the community (docs/decisions.md, "Who takes part in deliberation").
public enum CouncilEligibility {
    /// Why a resident may not take part.
    public enum Refusal: String, Sendable, Equatable, CaseIterable {
        case notOnRegister
        case livesElsewhere
        case underage
        case rightsDeprived

        /// English reason, used in error messages (the web translates them).
        public var english: String {
            switch self {
            case .notOnRegister: return "is not on this community's register"
            case .livesElsewhere: return "does not live in the community"
            case .underage: return "is under 18"
            case .rightsDeprived: return "is deprived of political rights"
            }
        }

        public var chinese: String {
            switch self {
            case .notOnRegister: return "不在本社区居民名册上"
            case .livesElsewhere: return "不在本社区居住"
            case .underage: return "未满十八周岁"
            case .rightsDeprived: return "被剥夺政治权利"
            }
        }
    }

    /// The latest birth date of an adult on `day` (18 years earlier; someone born on
    /// 29 February is an adult from 1 March in a common year).
    public static func adultBornBy(_ day: CivilDate) -> CivilDate { day.adding(months: -18 * 12) }

    /// The rule on a resident's fields; nil when the resident may take part on `day`.
    public static func refusal(birthDate: CivilDate, politicalRights: PoliticalRights, livesHere: Bool, on day: CivilDate) -> Refusal? {
        if !livesHere { return .livesElsewhere }
        if birthDate > adultBornBy(day) { return .underage }
        if politicalRights != .held { return .rightsDeprived }
        return nil
    }

    /// The same rule as an SQL condition on the table alias `resident`; bind `adultBornBy(day)`
    /// once for the `?`.
    static let sqlCondition = "(resident.livesHere AND resident.birthDate <= ? AND resident.politicalRights = 'held')"

    /// Why resident `residentID` may not take part for community `communityID` on `day`, or nil.
    static func refusal(_ db: Database, residentID: Int64, communityID: Int64, on day: CivilDate) throws -> Refusal? {
        guard let row = try Row.fetchOne(db, sql: "SELECT birthDate, politicalRights, livesHere, communityID FROM resident WHERE id = ?", arguments: [residentID]),
              row["communityID"] as Int64 == communityID,
              let birth = CivilDate(row["birthDate"] as String) else { return .notOnRegister }
        return refusal(birthDate: birth, politicalRights: PoliticalRights(rawValue: row["politicalRights"]) ?? .deprived, livesHere: row["livesHere"], on: day)
    }

    /// Whether the household has at least one member who may take part on `day`.
    static func householdIsEntitled(_ db: Database, householdID: Int64, on day: CivilDate) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE resident.householdID = ? AND \(sqlCondition))",
                          arguments: [householdID, adultBornBy(day).description]) ?? false
    }

    /// Refuses an identity that may not act for co-signing, hearing registration or rating:
    /// the named member must be eligible; a household acting without naming a member must have
    /// an eligible member. `what` names the act in the message.
    static func require(_ db: Database, identity: ResidentIdentity, communityID: Int64, on day: CivilDate, what: String) throws {
        if let residentID = identity.residentID {
            if let refusal = try refusal(db, residentID: residentID, communityID: communityID, on: day) {
                throw CommunityError.notAllowed("only an adult resident living here and holding political rights may \(what); this member \(refusal.english)")
            }
        } else if try !householdIsEntitled(db, householdID: identity.householdID, on: day) {
            throw CommunityError.notAllowed("household \(identity.householdNumber) has no adult member living here and holding political rights, who alone may \(what)")
        }
    }
}

extension AppDatabase {
    /// Why resident `residentID` may not take part in deliberation on `day`, or nil (`CouncilEligibility`).
    public func councilRefusal(residentID: Int64, communityID: Int64, on day: CivilDate) throws -> CouncilEligibility.Refusal? {
        try reader.read { db in try CouncilEligibility.refusal(db, residentID: residentID, communityID: communityID, on: day) }
    }
}
