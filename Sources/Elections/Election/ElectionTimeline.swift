import Community

/// The legal dates of an election, computed from election day and the rule set, with what has
/// been done and when: the committee's dashboard shows what is due next and any step done late.
public struct ElectionTimeline: Sendable, Equatable {
    /// One step of the timeline.
    public struct Step: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Something the committee does no later than `date` (announce, publish).
            case action
            /// A period for others that ends on `date` (objections, nominations, withdrawals …).
            case closes
            /// A fixed day (election day) or a limit after it (second round, handover).
            case day
        }

        public var key: String
        public var chinese: String
        public var english: String
        public var kind: Kind
        /// The last day for an action, the day a period ends, or the day itself.
        public var date: CivilDate
        /// When an action was done.
        public var doneOn: CivilDate?

        public var done: Bool { doneOn != nil }
        /// Done after its date, or not done and its date has passed (as of `today`).
        public func isLate(today: CivilDate) -> Bool {
            guard kind == .action else { return false }
            if let doneOn { return doneOn > date }
            return today > date
        }
    }

    public var steps: [Step]

    /// The timeline of `election` (its rules, election day and what it records as done).
    public init(election: Election) {
        let rules = election.rules
        let day = election.electionDay
        func before(_ days: Int) -> CivilDate { day.adding(days: -days) }
        let objectionsClose = (election.rollPublishedOn ?? before(rules.rollPublicationDays)).adding(days: rules.objectionDays)
        steps = [
            Step(key: "announce", chinese: "发布选举公告", english: "Announce the election", kind: .action,
                 date: before(rules.announcementDays), doneOn: election.announcedOn),
            Step(key: "rollPublication", chinese: "公布选民名单", english: "Publish the roll", kind: .action,
                 date: before(rules.rollPublicationDays), doneOn: election.rollPublishedOn),
            Step(key: "objectionsClose", chinese: "选民名单异议截止", english: "Objections to the roll close", kind: .closes,
                 date: objectionsClose),
            Step(key: "nominationsClose", chinese: "提名截止", english: "Nominations close", kind: .closes,
                 date: before(rules.nominationCloseDays)),
            Step(key: "candidateList", chinese: "公布正式候选人名单", english: "Publish the candidate list", kind: .action,
                 date: before(rules.candidateListDays), doneOn: election.candidateListPublishedOn),
            Step(key: "campaignSpeeches", chinese: "竞选演讲申请截止", english: "Requests for campaign speeches close", kind: .closes,
                 date: before(rules.campaignSpeechDays)),
            Step(key: "proxyFiling", chinese: "委托投票办理截止", english: "Proxies filed by", kind: .closes,
                 date: before(rules.proxyFilingDays)),
            Step(key: "withdrawals", chinese: "候选人书面退出截止", english: "Candidates may withdraw until", kind: .closes,
                 date: before(rules.withdrawalDays)),
            Step(key: "proxyList", chinese: "公布委托投票名单", english: "Publish the proxy list", kind: .action,
                 date: before(rules.proxyListDays), doneOn: election.proxyListPublishedOn),
            Step(key: "voterRequests", chinese: "申请不计入选民数截止", english: "Not-counted requests close", kind: .closes,
                 date: before(rules.voterRequestDays)),
            Step(key: "electionDay", chinese: "选举日", english: "Election day", kind: .day, date: day),
            Step(key: "handover", chinese: "工作移交期限", english: "Handover by", kind: .day, date: day.adding(days: rules.handoverDays)),
            Step(key: "runoff", chinese: "另行选举期限", english: "Second round (if needed) by", kind: .day, date: day.adding(days: rules.runoffWithinDays)),
        ].sorted { $0.date < $1.date }
    }

    /// The first action not yet done, in date order: what the committee has to do next.
    public var nextAction: Step? { steps.first { $0.kind == .action && !$0.done } }

    /// Actions done late, or overdue as of `today`.
    public func late(today: CivilDate) -> [Step] { steps.filter { $0.isLate(today: today) } }

    /// A step by key.
    public func step(_ key: String) -> Step? { steps.first { $0.key == key } }
}
