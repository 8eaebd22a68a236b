import Community
import Foundation
import GRDB

/// What a recall notice states (`NoticeFacts.recall`): the proposal, its members and their
/// replies, and — once counted — the vote's figures and what follows for the committee.
public struct RecallFacts: Codable, Sendable, Equatable {
    /// A member proposed for recall, with the reply and, once counted, their line.
    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        public var post: Post
        public var reply: String?
        public var approve: Int?
        public var reject: Int?
        public var abstain: Int?
        public var recalled: Bool?
    }

    public var number: Int
    public var signatories: RecallSignatories
    public var reasons: String
    public var proposer: String
    public var filedOn: String
    public var base: Int
    public var needed: Int
    public var signatures: Int
    public var reachedOn: String?
    public var voteDeadline: String?
    public var heldOn: String?
    /// The rule as the rule set states it: turnout of the roll, approval of those voting.
    public var turnoutRule: String
    public var approvalRule: String
    public var members: [Member]
    // The count, once decided.
    public var rollSize: Int?
    public var voted: Int?
    public var invalid: Int?
    public var turnoutNeeded: Int?
    public var approvalNeeded: Int?
    public var turnoutMet: Bool?
    public var void: Bool?
    /// After the result: members serving, and whether (and by when) a by-election is required.
    public var remaining: Int?
    public var byElectionRequired: Bool?
    public var byElectionDueBy: String?

    /// The facts of a proposal as it stands.
    init(_ proposal: RecallProposal, rules: RuleSet) {
        number = proposal.number
        signatories = proposal.signatories
        reasons = proposal.reasons
        proposer = proposal.proposer
        filedOn = proposal.filedOn.description
        base = proposal.base
        needed = proposal.needed
        signatures = proposal.signatures
        reachedOn = proposal.reachedOn?.description
        voteDeadline = proposal.voteDeadline?.description
        heldOn = proposal.heldOn?.description
        turnoutRule = rules.recallTurnout.description
        approvalRule = rules.recallApproval.description
        members = proposal.targets.map { target in
            let line = proposal.outcome?.members.first { $0.member == target.person }
            return Member(name: target.name, post: target.post, reply: target.reply, approve: line?.approve, reject: line?.reject,
                          abstain: line?.abstain, recalled: line?.recalled)
        }
        if let outcome = proposal.outcome {
            rollSize = outcome.rollSize
            voted = outcome.voted
            invalid = outcome.invalid
            turnoutNeeded = outcome.turnoutNeeded
            approvalNeeded = outcome.members.first?.needed
            turnoutMet = outcome.turnoutMet
            void = outcome.void
        }
    }
}

extension AppDatabase {
    /// The facts of a recall notice: the proposal as it stands in the step's transaction, and
    /// after the result the committee's by-election need.
    static func recallNoticeFacts(_ db: Database, election: Election, number: Int) throws -> RecallFacts {
        let proposal = try requireRecall(db, electionID: election.id!, number: number)
        var facts = RecallFacts(proposal, rules: election.rules)
        if proposal.status == .decided {
            let committee = try termCommittee(db, electionID: election.id!)
            facts.remaining = committee.members.count
            facts.byElectionRequired = committee.byElection.required
            facts.byElectionDueBy = committee.byElection.dueBy?.description
        }
        return facts
    }
}

/// The texts of the recall notices (罢免要求公告, 罢免表决安排, 罢免表决结果).
enum RecallNoticeText {
    /// A threshold as the Chinese text says it: 过半数, 超过三分之二, 不少于五分之一.
    static func chinese(_ text: String) -> String {
        guard let t = Threshold(text: text) else { return text }
        if t.numerator * 2 == t.denominator { return t.comparison == .moreThan ? "过半数" : "半数以上" }
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        func number(_ n: Int) -> String { n >= 0 && n <= 10 ? digits[n] : String(n) }
        return (t.comparison == .moreThan ? "超过" : "不少于") + "\(number(t.denominator))分之\(number(t.numerator))"
    }

    static func chinese(_ kind: NoticeKind, _ f: NoticeFacts, community: String) -> [String] {
        guard let r = f.recall else { return [] }
        let d = { (text: String?) in NoticeText.date(text ?? "", language: .zh) }
        let names = r.members.map { "\($0.post.chinese)\($0.name)" }.joined(separator: "、")
        var lines: [String] = []
        switch kind {
        case .recallProposal:
            lines.append("\(d(r.filedOn))，\(r.proposer)等提出罢免\(names)的要求（罢免要求第\(r.number)号）。截至\(d(r.reachedOn))，本届选民名单上的\(r.signatories.chinese)\(r.base)人中已有\(r.signatures)人联名（须\(r.needed)人），达到法定人数，罢免要求已提交居民委员会。")
            lines.append("罢免理由：\(r.reasons)")
            for member in r.members { lines.append("\(member.name)的申辩意见：\(member.reply ?? "尚未提出")") }
            lines.append("居民委员会应当在\(d(r.voteDeadline))前召开会议进行投票表决。")
        case .recallVote:
            lines.append("根据罢免要求第\(r.number)号，定于\(d(r.heldOn))对\(names)进行罢免表决。")
            lines.append("罢免理由：\(r.reasons)")
            for member in r.members { lines.append("\(member.name)的申辩意见：\(member.reply ?? "未提出")") }
            lines.append("表决票对每名被提出罢免的成员设“同意罢免”“不同意罢免”“弃权”三项，只能选择一项。须有本届选民名单上的\(r.signatories.chinese)\(chinese(r.turnoutRule))投票，并须经投票的\(chinese(r.approvalRule))同意，方可罢免。")
        case .recallResult:
            lines.append("\(d(r.heldOn))对\(names)进行了罢免表决（罢免要求第\(r.number)号）。本届选民名单\(r.rollSize ?? 0)人，投票\(r.voted ?? 0)人（须至少\(r.turnoutNeeded ?? 0)人），其中无效票\(r.invalid ?? 0)张。")
            if r.void == true {
                lines.append("收回表决票多于发出表决票，本次表决无效，应当重新表决。")
            } else if r.turnoutMet != true {
                lines.append("投票人数未过半数，本次表决无效。")
            }
            for member in r.members {
                let outcome = member.recalled == true ? "予以罢免" : "不予罢免"
                lines.append("\(member.post.chinese)\(member.name)：同意罢免\(member.approve ?? 0)票，不同意罢免\(member.reject ?? 0)票，弃权\(member.abstain ?? 0)票（须\(r.approvalNeeded ?? 0)票），\(outcome)。")
            }
            if let remaining = r.remaining {
                lines.append("居民委员会现有成员\(remaining)名。" + (r.byElectionRequired == true
                    ? "成员不足法定人数，应当于\(d(r.byElectionDueBy))前进行补选。" : "空缺职位由居民委员会依法补选。"))
            }
        default:
            break
        }
        return lines
    }

    static func english(_ kind: NoticeKind, _ f: NoticeFacts, community: String) -> [String] {
        guard let r = f.recall else { return [] }
        let d = { (text: String?) in NoticeText.date(text ?? "", language: .en) }
        let names = r.members.map { "\($0.name) (\($0.post.english))" }.joined(separator: ", ")
        var lines: [String] = []
        switch kind {
        case .recallProposal:
            lines.append("On \(d(r.filedOn)) \(r.proposer) and others proposed to recall \(names) (recall proposal No. \(r.number)). By \(d(r.reachedOn)) \(r.signatures) of the \(r.base) \(r.signatories.english) on the term's roll had signed (\(r.needed) needed): the proposal has gone to the residents' committee.")
            lines.append("Reasons: \(r.reasons)")
            for member in r.members { lines.append("Reply of \(member.name): \(member.reply ?? "none yet")") }
            lines.append("The residents' committee holds the vote by \(d(r.voteDeadline)).")
        case .recallVote:
            lines.append("Under recall proposal No. \(r.number), the vote on recalling \(names) is held on \(d(r.heldOn)).")
            lines.append("Reasons: \(r.reasons)")
            for member in r.members { lines.append("Reply of \(member.name): \(member.reply ?? "none")") }
            lines.append("The paper gives each member three choices — recall, do not recall, abstain — one to be marked. A member is recalled when \(r.turnoutRule) of the \(r.signatories.english) on the term's roll vote and \(r.approvalRule) of those voting approve.")
        case .recallResult:
            lines.append("On \(d(r.heldOn)) the recall of \(names) was put to the vote (recall proposal No. \(r.number)). Roll: \(r.rollSize ?? 0); voted: \(r.voted ?? 0) (\(r.turnoutNeeded ?? 0) needed); invalid papers: \(r.invalid ?? 0).")
            if r.void == true {
                lines.append("More papers were collected than issued: the vote is void and is held again.")
            } else if r.turnoutMet != true {
                lines.append("Not more than half of the roll voted: the vote is void.")
            }
            for member in r.members {
                lines.append("\(member.name) (\(member.post.english)): recall \(member.approve ?? 0), do not recall \(member.reject ?? 0), abstain \(member.abstain ?? 0) (\(r.approvalNeeded ?? 0) needed): \(member.recalled == true ? "recalled" : "not recalled").")
            }
            if let remaining = r.remaining {
                lines.append("The committee now has \(remaining) member(s). " + (r.byElectionRequired == true
                    ? "Too few remain: a by-election is held by \(d(r.byElectionDueBy))." : "Vacant seats are filled by a by-election."))
            }
        default:
            break
        }
        return lines
    }
}
