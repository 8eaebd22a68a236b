import Community

/// One decision of the tally, as data: the results page and the record render it in zh and en.
/// `rule` names the paragraph of the counting rules (docs/counting-rules.md) that made it.
public struct TallyStep: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Ballots collected against ballots issued (§7.1).
        case accounting
        /// Ballots collected against the roll (§7.2).
        case turnout
        /// Elected: votes meet the threshold and rank within the seats.
        case elected
        /// Votes do not meet the threshold.
        case notReached
        /// Passed the threshold but ranked below the seats.
        case outranked
        /// Already elected to a higher post or in an earlier round: skipped here.
        case alreadyElected
        /// Tied for the last seat(s): a revote among them decides.
        case tie
        /// Seats left unfilled: a second round (另行选举) among these persons.
        case runoff
        /// Not on a 另行选举 list although they had votes there: elected to `otherPost` already.
        case notOnList
        /// Seats left vacant (allowed: at least `minimumMembers` elected).
        case vacant
        /// `guaranteeAfterCount`: a woman takes the lowest-voted elected member's seat (or an unfilled one).
        case womanReplaces
        /// `guaranteeAfterCount`: no woman above the threshold; a 委员 seat goes to a women-only round.
        case womenOnlyRound
        /// `guaranteeAfterCount`: a woman is on the committee already; nothing to do.
        case womanPresent
        /// `guaranteeAfterCount`: the 委员 post awaits a revote, so the guarantee waits for it.
        case womenDeferred
        /// `guaranteeAfterCount`: the lowest-voted elected 委员 are tied; a revote among them for the seats they keep.
        case lowestTie
        /// `guaranteeAfterCount`: women tied for the most votes above the threshold; a revote among them for the seat.
        case womenTie
        /// No 主任 elected: who acts.
        case acting
    }

    public var kind: Kind
    public var post: Post?
    public var persons: [Int64]
    public var votes: Int?
    /// The base the threshold applies to (ballots collected, or the roll for turnout).
    public var base: Int?
    /// The threshold, as text (`> 1/2`).
    public var threshold: String?
    /// Seats concerned (for ties and runoffs).
    public var seats: Int?
    /// Persons displaced (`womanReplaces`, `womenOnlyRound`, `lowestTie`).
    public var others: [Int64]?
    /// The post a person was elected to (`notOnList`).
    public var otherPost: Post?
    /// A 另行选举 list's size before ties at the cut (seats + `runoffMargin`).
    public var listSize: Int?

    init(_ kind: Kind, post: Post? = nil, persons: [Int64] = [], votes: Int? = nil, base: Int? = nil, threshold: Threshold? = nil, seats: Int? = nil,
         others: [Int64]? = nil, otherPost: Post? = nil, listSize: Int? = nil) {
        self.kind = kind
        self.post = post
        self.persons = persons
        self.votes = votes
        self.base = base
        self.threshold = threshold?.description
        self.seats = seats
        self.others = others?.isEmpty == true ? nil : others
        self.otherPost = otherPost
        self.listSize = listSize
    }

    /// The paragraph of the counting rules (docs/counting-rules.md) this decision applies.
    public var rule: String {
        switch kind {
        case .accounting: return "7.1"
        case .turnout: return "7.2"
        case .elected, .notReached, .outranked, .alreadyElected: return "7.3"
        case .tie: return "7.3"
        case .womanReplaces, .womenOnlyRound, .womanPresent, .womenDeferred, .lowestTie, .womenTie: return "7.4"
        case .runoff, .notOnList, .vacant, .acting: return "7.5"
        }
    }

    /// The step in Chinese, with `names` for the persons.
    public func chinese(_ names: (Int64) -> String) -> String {
        let who = persons.map(names).joined(separator: "、")
        let displaced = (others ?? []).map(names).joined(separator: "、")
        let postName = post?.chinese ?? ""
        switch kind {
        case .accounting: return "收回选票 \(votes ?? 0) 张，发出 \(base ?? 0) 张：" + ((votes ?? 0) <= (base ?? 0) ? "收回不多于发出，本轮有效" : "收回多于发出，本轮选举无效，应重新投票")
        case .turnout: return "参加投票 \(votes ?? 0) 人，登记 \(base ?? 0) 人，需 \(threshold ?? "")：" + (persons.isEmpty ? "本轮有效" : "不足，本轮选举无效")
        case .elected: return "\(who) \(votes ?? 0) 票 \(threshold ?? "") × \(base ?? 0) → 当选\(postName)"
        case .notReached: return "\(who) \(votes ?? 0) 票，未达到 \(threshold ?? "") × \(base ?? 0)"
        case .outranked: return "\(who) \(votes ?? 0) 票，票数已过但名次在应选名额之外"
        case .alreadyElected: return "\(who) 已当选，不再计入\(postName)"
        case .tie: return "\(who) 各得 \(votes ?? 0) 票，并列争夺\(postName)最后 \(seats ?? 0) 个名额 → 就票数相同者重新投票"
        case .runoff:
            var text = "\(postName)尚缺 \(seats ?? 0) 名 → 另行选举，候选人：\(who)"
            if let size = listSize, persons.count > size { text += "（按差额应列 \(size) 名，票数相同者均列入）" }
            return text
        case .notOnList: return "\(who) 已当选\(otherPost?.chinese ?? "")，不列入\(postName)另行选举候选人"
        case .vacant: return "\(postName)缺额 \(seats ?? 0) 名；当选成员已达最低人数，可以缺额"
        case .womanReplaces:
            return "当选成员中没有妇女：\(who) \(votes ?? 0) 票 \(threshold ?? "") × \(base ?? 0)，当选委员" + ((others ?? []).count > 1 ? "，得票最少的 \(displaced) 重新投票决定谁保留名额" : displaced.isEmpty ? "，占用空缺名额" : "，代替得票最少的 \(displaced)")
        case .womenOnlyRound:
            return "当选成员中没有妇女，且没有妇女过票 → 委员 1 个名额留待妇女另行选举" + ((others ?? []).count > 1 ? "（得票最少的 \(displaced) 重新投票决定谁保留名额）" : displaced.isEmpty ? "（占用空缺名额）" : "（得票最少的 \(displaced) 不再当选）")
                + (persons.isEmpty ? "" : "，候选人：\(who)")
        case .womanPresent: return "当选成员中已有妇女（\(who)），无需另行保障"
        case .womenDeferred: return "委员尚待重新投票，妇女成员保障在重新投票后再行确定，暂不替换任何人"
        case .lowestTie: return "得票最少的当选委员 \(who) 各得 \(votes ?? 0) 票 → 就他们重新投票，保留 \(seats ?? 0) 个名额"
        case .womenTie: return "妇女 \(who) 各得 \(votes ?? 0) 票，并列最高 → 就她们重新投票，争取 1 个委员名额"
        case .acting:
            if persons.isEmpty { return "未选出主任" }
            return persons.count == 1 ? "未选出主任，由 \(who) 主持工作" : "未选出主任，\(who) 得票相同，由选举委员会确定主持工作的人"
        }
    }

    /// The step in English.
    public func english(_ names: (Int64) -> String) -> String {
        let who = persons.map(names).joined(separator: ", ")
        let displaced = (others ?? []).map(names).joined(separator: ", ")
        let postName = post?.english ?? ""
        switch kind {
        case .accounting: return "\(votes ?? 0) ballots collected, \(base ?? 0) issued: " + ((votes ?? 0) <= (base ?? 0) ? "the round stands" : "more collected than issued, the round is void and repeated")
        case .turnout: return "\(votes ?? 0) of \(base ?? 0) voters took part, \(threshold ?? "") needed: " + (persons.isEmpty ? "valid" : "too few, the round is void")
        case .elected: return "\(who) \(votes ?? 0) votes, \(threshold ?? "") of \(base ?? 0) → elected \(postName)"
        case .notReached: return "\(who) \(votes ?? 0) votes, not \(threshold ?? "") of \(base ?? 0)"
        case .outranked: return "\(who) \(votes ?? 0) votes: passed, but ranked below the seats"
        case .alreadyElected: return "\(who) already elected: not counted for \(postName)"
        case .tie: return "\(who) tied at \(votes ?? 0) for the last \(seats ?? 0) seat(s) of \(postName) → revote among them"
        case .runoff:
            var text = "\(postName): \(seats ?? 0) seat(s) unfilled → second round between \(who)"
            if let size = listSize, persons.count > size { text += " (\(size) by the margin; all tied at the cut go on)" }
            return text
        case .notOnList: return "\(who) already elected \(otherPost?.english ?? ""): not on the \(postName) second-round list"
        case .vacant: return "\(postName): \(seats ?? 0) seat(s) left vacant (the minimum number of members is elected)"
        case .womanReplaces:
            return "No woman among the members elected: \(who) \(votes ?? 0) votes, \(threshold ?? "") of \(base ?? 0), elected Member"
                + ((others ?? []).count > 1 ? "; the lowest-voted \(displaced) revote for the seats they keep" : displaced.isEmpty ? " to an unfilled seat" : " in place of the lowest-voted \(displaced)")
        case .womenOnlyRound:
            return "No woman elected and none above the threshold → one member seat goes to a women-only round"
                + ((others ?? []).count > 1 ? " (the lowest-voted \(displaced) revote for the seats they keep)" : displaced.isEmpty ? " (an unfilled seat)" : " (\(displaced), the lowest-voted, is not elected)") + (persons.isEmpty ? "" : " between \(who)")
        case .womanPresent: return "A woman is on the committee (\(who)): no guarantee needed"
        case .womenDeferred: return "The member post awaits a revote: the women guarantee waits for it, nobody is displaced yet"
        case .lowestTie: return "The lowest-voted members elected, \(who), are tied at \(votes ?? 0) → revote among them for the \(seats ?? 0) seat(s) they keep"
        case .womenTie: return "Women \(who) tied at \(votes ?? 0) for the most votes → revote among them for the one member seat"
        case .acting:
            if persons.isEmpty { return "No director elected" }
            return persons.count == 1 ? "No director elected: \(who) acts" : "No director elected: \(who) are tied, the election committee decides who acts"
        }
    }
}
