import Foundation

/// Gender as recorded on the identity card.
public enum Gender: String, Codable, Sendable, CaseIterable {
    case male
    case female

    /// The Chinese word, as on forms and ballots (男 / 女).
    public var chinese: String { self == .male ? "男" : "女" }

    /// Parses 男/女, M/F or male/female.
    public init?(text: String) {
        switch text.trimmedSpaces.lowercased() {
        case "男", "m", "male": self = .male
        case "女", "f", "female": self = .female
        default: return nil
        }
    }
}

/// Whether a person holds political rights (政治权利); only those who do may vote.
public enum PoliticalRights: String, Codable, Sendable, CaseIterable {
    case held
    case deprived
}

/// What ties a household to the community: household registration here (户籍), or
/// living here with hukou elsewhere (人户分离).
public enum HouseholdBasis: String, Codable, Sendable, CaseIterable {
    case hukou
    case residence
}
