import Community

/// A role on the election committee (election-rules.md §1).
public enum CommitteeRole: String, Codable, Sendable, CaseIterable {
    case chair, member, scrutineer, teller, caller, recorder, ballotIssuer, writer

    /// Roles at the polls, which candidates and their spouses or lineal relatives may not hold (SH, ZJ).
    public var isPollingRole: Bool { self != .chair && self != .member }

    public var chinese: String {
        switch self {
        case .chair: return "主任"
        case .member: return "委员"
        case .scrutineer: return "监票人"
        case .teller: return "计票人"
        case .caller: return "唱票人"
        case .recorder: return "记票人"
        case .ballotIssuer: return "发票员"
        case .writer: return "代写员"
        }
    }

    /// Reads a comma- or space-separated list of role names.
    public static func list(_ text: String) throws -> [CommitteeRole] {
        let names = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isWhitespace }).map(String.init)
        let roles = try names.map { name -> CommitteeRole in
            guard let role = CommitteeRole(rawValue: name) ?? CommitteeRole.allCases.first(where: { $0.chinese == name }) else {
                throw CommunityError.invalid(field: "roles", reason: "\"\(name)\" is not one of \(CommitteeRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }
        guard !roles.isEmpty else { throw CommunityError.invalid(field: "roles", reason: "at least one role") }
        return CommitteeRole.allCases.filter(roles.contains)
    }
}

/// A member of the election committee (选举委员会): an account (to act in the system) and a
/// resident (so that conflicts with candidates can be found).
public struct CommitteeMember: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var electionID: Int64
    public var accountID: Int64
    public var residentID: Int64
    /// Comma-separated `CommitteeRole` raw values.
    public var roles: String
    public var joinedOn: CivilDate
    /// False once the member has stepped down (the row stays, with date and reason).
    public var active: Bool
    public var leftOn: CivilDate?
    public var leftReason: String?

    public var roleList: [CommitteeRole] { roles.split(separator: ",").compactMap { CommitteeRole(rawValue: String($0)) } }
}

/// A conflict between an active committee member and a nominee: the member is nominated, or
/// a close relative of a nominee; it must be resolved by stepping down before the candidate
/// list is published.
public struct CommitteeConflict: Sendable, Equatable {
    public var member: CommitteeMember
    public var memberName: String
    public var nomineeName: String
    public var post: Post
    public var kinship: Kinship
    /// The member holds a polling role the kinship bars (spouse, lineal, or the candidate).
    public var pollingRoleBarred: Bool
}
