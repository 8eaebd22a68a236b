import Community
import Foundation

/// The 居民代表会议 as a standing body (L25): per term, the residents' committee's members plus
/// the residents' representatives, the representatives at least four fifths of its members
/// ("居民代表应当占居民代表会议组成人员的五分之四以上"). Representatives are elected by their
/// residents' group (居民小组), answer to the households they represent, and serve the
/// committee's term. The roster serving on a meeting's day is the attendance roll (and so the
/// quorum base) of a representatives' meeting; its representatives are the roll of a
/// residents' meeting convened through the residents' groups' representatives.
public enum RepresentativeAssembly {
    /// The residents' committee's term (L18 Art. 8 as amended in 2018: five years); a term of
    /// the representatives' meeting is at most this long.
    public static let termYears = 5

    /// Whether `representatives` of `members` make at least four fifths (以上 includes the
    /// figure itself). Integer arithmetic; an empty body is not constituted.
    public static func representativesSuffice(representatives: Int, members: Int) -> Bool {
        members > 0 && representatives >= 0 && representatives <= members && 5 * representatives >= 4 * members
    }

    /// The most committee members a body with `representatives` representatives may have.
    public static func committeeSeats(representatives: Int) -> Int { max(0, representatives / 4) }
}

/// A term of the representatives' meeting, equal to (at most) the committee's term.
public struct AssemblyTerm: Sendable, Equatable, Codable {
    public let id: Int64
    public let communityID: Int64
    public let startsOn: CivilDate
    public let endsOn: CivilDate

    /// Whether `day` falls in the term (the end day excluded: the next term starts on it).
    public func covers(_ day: CivilDate) -> Bool { startsOn <= day && day < endsOn }
}

/// Why a person sits in the representatives' meeting.
public enum AssemblySeat: String, Codable, Sendable, CaseIterable {
    /// A member of the residents' committee (居委会成员).
    case committeeMember
    /// A residents' representative (居民代表), elected by a residents' group.
    case representative

    public var chinese: String { self == .committeeMember ? "居委会成员" : "居民代表" }
    public var english: String { self == .committeeMember ? "Committee member" : "Residents' representative" }
}

/// A member of a term's representatives' meeting, with the resident's name and, for a
/// representative, the residents' group and the households they answer to.
public struct AssemblyMember: Sendable, Equatable, Codable {
    public let id: Int64
    public let termID: Int64
    public let residentID: Int64
    public let name: String
    public let building: String
    public let seat: AssemblySeat
    /// The residents' group that elected the representative (empty for committee members, and
    /// for representatives carried over from before groups were recorded).
    public let group: String
    public let since: CivilDate
    public let until: CivilDate?
    /// The numbers of the households the representative answers to.
    public let households: [String]

    /// Whether the member serves on `day`.
    public func serves(on day: CivilDate) -> Bool { since <= day && (until.map { day < $0 } ?? true) }
}

/// How a term's body is made up on a day.
public struct AssemblyComposition: Sendable, Equatable, Codable {
    public let committeeMembers: Int
    public let representatives: Int
    public var members: Int { committeeMembers + representatives }
    /// Representatives are at least four fifths of the members.
    public var constituted: Bool { RepresentativeAssembly.representativesSuffice(representatives: representatives, members: members) }
}
