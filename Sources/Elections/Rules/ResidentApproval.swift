import Community

/// How a hukou-elsewhere resident who has lived here at least `residenceMonths` (registration
/// category c, election-rules.md §3) gets on the roll — the rule set's `residentApproval`:
/// - `none` (the default, L25 practice, GS25 Art. 16): registered on application, with the
///   written statement of no registration elsewhere; nobody votes on it.
/// - `meeting` (older local rules, V18 Art. 13, JS20): registered once a residents' meeting
///   (居民会议) has approved the application; the committee records the meeting's decision —
///   who, when and its reference.
public enum ResidentApproval: String, Codable, Sendable, CaseIterable {
    case none, meeting

    /// The rule as the roll pages say it.
    public var chinese: String {
        switch self {
        case .none: return "本人申请即登记"
        case .meeting: return "经居民会议同意后登记"
        }
    }

    /// The rule in English.
    public var english: String {
        switch self {
        case .none: return "registered on application"
        case .meeting: return "registered once a residents' meeting approves"
        }
    }
}

/// How the rule set stores `residentApproval`: `none` — the default, and every rule set made
/// before the field existed — is written as no member at all, so those rule sets keep their
/// canonical JSON and their frozen SHA-256 (as `electronicVoting = off`, decision 88); a
/// missing member reads as `none`.
@propertyWrapper
public struct NoneWhenAbsent: Codable, Sendable, Equatable {
    public var wrappedValue: ResidentApproval

    public init(wrappedValue: ResidentApproval) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(ResidentApproval.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// A missing `residentApproval` member is `none`.
    public func decode(_ type: NoneWhenAbsent.Type, forKey key: Key) throws -> NoneWhenAbsent {
        NoneWhenAbsent(wrappedValue: try decodeIfPresent(ResidentApproval.self, forKey: key) ?? ResidentApproval.none)
    }
}

extension KeyedEncodingContainer {
    /// `none` is written as no member.
    public mutating func encode(_ value: NoneWhenAbsent, forKey key: Key) throws {
        if value.wrappedValue != ResidentApproval.none { try encode(value.wrappedValue, forKey: key) }
    }
}
