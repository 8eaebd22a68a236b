import Community
import Foundation

/// An objection (异议) to the published roll.
public struct Objection: Codable, Sendable, Equatable, Identifiable {
    /// What the objection is about.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Someone is on the roll who should not be (不应列入).
        case wrongInclusion
        /// Someone eligible is missing (应列入而未列入).
        case omission
        /// Someone's details are wrong (信息有误).
        case wrongDetails

        public var chinese: String {
            switch self {
            case .wrongInclusion: return "不应列入选民名单"
            case .omission: return "应列入而未列入"
            case .wrongDetails: return "登记信息有误"
            }
        }
    }
    public enum Status: String, Codable, Sendable { case pending, upheld, dismissed }

    public var id: Int64?
    public var electionID: Int64
    /// Sequence number within the election (shown on the receipt).
    public var seq: Int
    /// RFC 3339 UTC time of filing.
    public var filedAt: String
    /// Filing date in China Standard Time.
    public var filedOn: CivilDate
    public var filerName: String
    public var filerContact: String?
    public var kind: Kind
    /// Whom it is about, as the filer wrote it (name, building, roll number …).
    public var subject: String
    public var statement: String
    /// SHA-256 of the objection's canonical JSON: the receipt's tracking code.
    public var tracking: String
    public var status: Status
    public var decision: String?
    public var decidedOn: CivilDate?
    public var decidedBy: String?

    /// The last day a decision is due.
    public func decisionDue(rules: RuleSet) -> CivilDate { filedOn.adding(days: rules.objectionDecisionDays) }
}

/// What an objection's tracking code is the hash of: everything the filer submitted, with its
/// time and number, as canonical JSON.
struct ObjectionStatement: Encodable {
    let election: Int64
    let seq: Int
    let filedAt: String
    let filer: String
    let kind: String
    let subject: String
    let statement: String
}
