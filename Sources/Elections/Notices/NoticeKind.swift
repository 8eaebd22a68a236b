/// What an election notice (选举公告) announces: one kind per public step of an election
/// (election-rules.md §10), plus a correction of an earlier notice.
public enum NoticeKind: String, Codable, Sendable, CaseIterable {
    /// The election announced: election day, method, posts and seats, the election key's fingerprint.
    case announcement
    /// The election committee formed or changed: each member's name, roles and key fingerprint.
    case committee
    /// The voter roll published.
    case roll
    /// An objection to the roll decided.
    case objection
    /// The proxy list (委托投票名单) published.
    case proxies
    /// The candidate list (正式候选人名单) published.
    case candidates
    /// Polling arrangements of the main vote: rounds, stations, electronic voting.
    case polling
    /// One box's count (its count sheet's figures), issued when its round closes.
    case boxCount
    /// A later round (重新投票, 另行选举, women-only) announced.
    case nextRound
    /// The certified result.
    case result
    /// A recall proposal (罢免要求) reached its signatures and went to the committee.
    case recallProposal
    /// A recall vote arranged.
    case recallVote
    /// A recall vote's result.
    case recallResult
    /// A correction of an earlier notice (notices are never changed: a new one says what it corrects).
    case correction
    /// The handover (工作移交) completed under the election committee.
    case handover
    /// The certified result declared void (obtained by violence, threats, bribery, forgery or false counts).
    case annulment

    /// The notice's subject line in Chinese.
    public var chinese: String {
        switch self {
        case .announcement: return "选举公告"
        case .committee: return "选举委员会组成"
        case .roll: return "选民名单公布"
        case .objection: return "选民资格异议处理决定"
        case .proxies: return "委托投票名单"
        case .candidates: return "正式候选人名单"
        case .polling: return "投票安排"
        case .boxCount: return "票箱计票结果"
        case .nextRound: return "再次投票安排"
        case .result: return "选举结果"
        case .recallProposal: return "罢免要求"
        case .recallVote: return "罢免表决安排"
        case .recallResult: return "罢免表决结果"
        case .correction: return "更正"
        case .handover: return "工作移交"
        case .annulment: return "选举结果无效"
        }
    }

    /// The notice's subject line in English.
    public var english: String {
        switch self {
        case .announcement: return "Election announcement"
        case .committee: return "Election committee"
        case .roll: return "Voter roll published"
        case .objection: return "Decision on an objection to the roll"
        case .proxies: return "Proxy list"
        case .candidates: return "Candidate list"
        case .polling: return "Polling arrangements"
        case .boxCount: return "Count of a ballot box"
        case .nextRound: return "A further round"
        case .result: return "Election result"
        case .recallProposal: return "Recall proposal"
        case .recallVote: return "Recall vote"
        case .recallResult: return "Recall result"
        case .correction: return "Correction"
        case .handover: return "Handover completed"
        case .annulment: return "Election result void"
        }
    }
}
