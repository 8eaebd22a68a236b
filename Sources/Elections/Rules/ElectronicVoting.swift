import Community
import Foundation

/// Whether and where voters may cast electronically (election-rules.md §11, the rule set's
/// `electronicVoting`). The secret booth and the public count are the law's (V18 Art. 15,
/// SQ06 Art. 2(7)); no source found authorises remote voting for residents' committee
/// elections, so it is `off` unless the committee chooses otherwise:
/// - `off`: paper only; a round cannot be opened with an electronic box.
/// - `station`: ballots are cast only on a polling-station terminal — a device a clerk of the
///   election has unlocked at a polling station (`VotingTerminal`), inside the booth; the voter
///   signs in there with the voter card. A browser anywhere else is refused.
/// - `remote`: the voter card works from any browser, and only with the legal basis (the
///   local rule's citation) recorded in `electronicVotingBasis`, shown on the voting page and
///   in the election record.
public enum ElectronicVoting: String, Codable, Sendable, CaseIterable {
    case off, station, remote

    /// The mode as the polling notice says it.
    public var chinese: String {
        switch self {
        case .off: return "不设电子投票（仅纸质选票）"
        case .station: return "投票站内电子投票（仅限投票站终端）"
        case .remote: return "远程电子投票"
        }
    }

    /// The mode in English.
    public var english: String {
        switch self {
        case .off: return "no electronic voting (paper ballots only)"
        case .station: return "electronic voting at the polling station (its terminals only)"
        case .remote: return "remote electronic voting"
        }
    }
}

/// The place an electronic ballot comes from, as far as the server can tell: a polling-station
/// terminal (the device presented a terminal token a clerk issued for an open station of the
/// election), or any other browser or program.
public enum CastingPlace: Sendable, Equatable {
    /// An unlocked terminal at a polling station of the election.
    case terminal(VotingTerminal)
    /// Anywhere else (a voter's own browser, a program without a terminal token).
    case elsewhere
}

extension RuleSet {
    /// The one home of the electronic-voting rule: refuses an electronic ballot box under
    /// `off` (naming the field), and, for a ballot or a voter-card sign-in, refuses a place the
    /// mode does not allow: under `station` anything but a terminal of this election.
    /// `place` nil asks only whether a round may have an electronic box.
    public func checkElectronicVoting(place: CastingPlace? = nil, electionID: Int64) throws {
        switch electronicVoting {
        case .off:
            throw CommunityError.notAllowed("electronic voting is off in this election's rule set (electronicVoting = off): paper ballots only")
        case .station:
            guard let place else { return }
            guard case .terminal(let terminal) = place, terminal.electionID == electionID else {
                throw CommunityError.notAllowed("electronic ballots of this election are cast only on a polling-station terminal (electronicVoting = station): come to a polling station")
            }
        case .remote:
            return
        }
    }

    /// The legal basis of remote electronic voting as recorded, or nil (any other mode).
    public var remoteVotingBasis: String? { electronicVoting == .remote ? electronicVotingBasis : nil }

    /// The field checks of the electronic-voting fields (the statutory floor, remote only with
    /// a basis, is in `StatutoryFloors`).
    func validateElectronicVoting() throws {
        guard let basis = electronicVotingBasis else { return }
        guard electronicVoting == .remote else {
            throw CommunityError.invalid(field: "electronicVotingBasis", reason: "a legal basis is recorded only for electronicVoting = remote; leave it empty for \(electronicVoting.rawValue)")
        }
        guard basis == basis.trimmingCharacters(in: .whitespacesAndNewlines), !basis.isEmpty, basis.count <= 500 else {
            throw CommunityError.invalid(field: "electronicVotingBasis", reason: "the local rule's citation, 1 to 500 characters without leading or trailing spaces")
        }
        guard !basis.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw CommunityError.invalid(field: "electronicVotingBasis", reason: "no control characters (line breaks included)")
        }
    }
}

/// How the rule set stores `electronicVoting`: `off` — the default, and every rule set made
/// before the field existed — is written as no member at all, so those rule sets keep their
/// canonical JSON and their frozen SHA-256; a missing member reads as `off`.
@propertyWrapper
public struct OffWhenAbsent: Codable, Sendable, Equatable {
    public var wrappedValue: ElectronicVoting

    public init(wrappedValue: ElectronicVoting) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(ElectronicVoting.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// A missing `electronicVoting` member is `off`.
    public func decode(_ type: OffWhenAbsent.Type, forKey key: Key) throws -> OffWhenAbsent {
        OffWhenAbsent(wrappedValue: try decodeIfPresent(ElectronicVoting.self, forKey: key) ?? .off)
    }
}

extension KeyedEncodingContainer {
    /// `off` is written as no member.
    public mutating func encode(_ value: OffWhenAbsent, forKey key: Key) throws {
        if value.wrappedValue != .off { try encode(value.wrappedValue, forKey: key) }
    }
}
