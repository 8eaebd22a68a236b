import Community
import Foundation
import GRDB

/// The residents' affairs supervisory committee (居务监督委员会, L25): chosen by the residents'
/// meeting or the representatives' meeting, the election committee organising the choice; no
/// member of the residents' committee, nor a close relative of one, may sit on it; it answers
/// to the residents' meeting and the representatives' meeting. Its members' opinions on the
/// disclosure board, the accounts and how decisions are carried out are recorded and public.
public enum SupervisoryCommittee {
    /// A member's post.
    public enum Post: String, Codable, Sendable, CaseIterable {
        case chair
        case member

        public var chinese: String { self == .chair ? "主任" : "委员" }
        public var english: String { self == .chair ? "Chair" : "Member" }
    }

    /// What an opinion is about.
    public enum Subject: String, Codable, Sendable, CaseIterable {
        /// The disclosure board (居务公开).
        case disclosure
        /// The accounts (财务).
        case accounts
        /// How decisions are carried out (决策执行 / 落实).
        case implementation

        public var chinese: String {
            switch self {
            case .disclosure: return "居务公开"
            case .accounts: return "财务收支"
            case .implementation: return "决定执行情况"
            }
        }

        public var english: String {
            switch self {
            case .disclosure: return "Disclosure board"
            case .accounts: return "Accounts"
            case .implementation: return "Carrying out decisions"
            }
        }
    }

    /// Why a resident may not sit on the committee, given the residents' committee's members
    /// serving that day (the representatives' meeting's committee seats) and the kinship the
    /// register and declarations show; nil when nothing bars them.
    public static func bar(candidate: Resident, committeeMembers: [Resident], declared: [Int64: Kinship] = [:]) -> (member: Resident, kinship: Kinship)? {
        for member in committeeMembers {
            if let kinship = Kinship.between(candidate, member, declared: declared[member.id!]) { return (member, kinship) }
        }
        return nil
    }
}

/// A member of the supervisory committee, with the resident's name and the meeting that chose them.
public struct SupervisoryMember: Sendable, Equatable, Codable {
    public let id: Int64
    public let residentID: Int64
    public let name: String
    public let building: String
    public let post: SupervisoryCommittee.Post
    public let meetingID: Int64
    public let chosenOn: CivilDate
    public let until: CivilDate?
}

/// A recorded opinion of a supervisory committee member, public once recorded.
public struct SupervisoryOpinion: Sendable, Equatable, Codable {
    public let id: Int64
    public let memberID: Int64
    public let memberName: String
    public let subject: SupervisoryCommittee.Subject
    /// What it concerns: a month of the board, an account, a motion number — free text.
    public let concerns: String
    public let text: String
    public let recordedOn: CivilDate
    /// The residents' or representatives' meeting it was reported to, if any.
    public let reportedToMeetingID: Int64?
}
