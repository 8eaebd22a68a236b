import Community

/// Who signs a recall proposal (罢免要求): the voters on the term's roll under the direct
/// method, the household representatives under the household method, the residents'
/// representatives under the representative method (election-rules.md §8). Each signs once.
public enum RecallSignatories: String, Codable, Sendable, CaseIterable {
    case voters
    case households
    case representatives

    /// Whose signatures a term elected by `method` collects: the people its roll lists.
    public init(method: ElectionMethod) {
        switch method {
        case .direct: self = .voters
        case .household: self = .households
        case .representative: self = .representatives
        }
    }

    public var chinese: String {
        switch self {
        case .voters: return "选民"
        case .households: return "户代表"
        case .representatives: return "居民代表"
        }
    }

    public var english: String {
        switch self {
        case .voters: return "voters"
        case .households: return "household representatives"
        case .representatives: return "residents' representatives"
        }
    }
}

