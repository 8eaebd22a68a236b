import Community

/// Registration categories of election-rules.md §3 (V18 Art. 13, JS20).
public enum RegistrationCategory: String, Codable, Sendable, CaseIterable {
    /// (a) hukou here and living here.
    case a
    /// (b) hukou here, living elsewhere, has stated they will take part.
    case b
    /// (c) hukou elsewhere, living or doing community work here for `residenceMonths`, applied
    /// with the written statement of no registration elsewhere; registered on application or
    /// once a residents' meeting approves, as the rule set's `residentApproval` says.
    case c
    /// (d) community worker here for `workerMonths`, applied with the written statement and
    /// confirmed by the residents' election committee (GS25 Art. 16).
    case d

    public var chinese: String {
        switch self {
        case .a: return "户籍在本社区并居住"
        case .b: return "户籍在本社区、不在本社区居住、本人表示参加选举"
        case .c: return "户籍不在本社区、居住满规定期限、本人申请登记"
        case .d: return "在本社区工作的社区工作者、经居民选举委员会确认"
        }
    }

    /// The category in English.
    public var english: String {
        switch self {
        case .a: return "hukou here, living here"
        case .b: return "hukou here, living elsewhere, will take part"
        case .c: return "hukou elsewhere, living here long enough, applied"
        case .d: return "community worker here, confirmed by the election committee"
        }
    }
}

/// How an application of category b, c or d was decided: what the roll shows as its basis.
public enum RegistrationApproval: String, Codable, Sendable, CaseIterable {
    /// (b) the voter's own statement that they will take part; no approval.
    case statement
    /// (c) under `residentApproval = none`: registered on application.
    case onApplication
    /// (c) under `residentApproval = meeting`: a residents' meeting's decision, recorded by the committee.
    case residentsMeeting
    /// (d) confirmed (or refused) by the residents' election committee.
    case electionCommittee

    public var chinese: String {
        switch self {
        case .statement: return "本人表示参加选举"
        case .onApplication: return "本人申请即登记"
        case .residentsMeeting: return "居民会议决定"
        case .electionCommittee: return "居民选举委员会确认"
        }
    }

    public var english: String {
        switch self {
        case .statement: return "own statement of taking part"
        case .onApplication: return "registered on application"
        case .residentsMeeting: return "residents' meeting's decision"
        case .electionCommittee: return "confirmed by the residents' election committee"
        }
    }

    /// The way an application of `category` is decided under `rules`.
    public static func required(for category: RegistrationCategory, rules: RuleSet) -> RegistrationApproval? {
        switch category {
        case .a: return nil
        case .b: return .statement
        case .c: return rules.residentApproval == .meeting ? .residentsMeeting : .onApplication
        case .d: return .electionCommittee
        }
    }
}

/// Why someone is not on the roll.
public enum Ineligibility: String, Codable, Sendable, CaseIterable {
    case underage
    case rightsDeprived
    /// Hukou here but living elsewhere, and no statement that they will take part (b).
    case awayWithoutStatement
    /// Hukou elsewhere and not living or working here long enough.
    case tooShortHere
    /// Hukou elsewhere, long enough, but no registered application with the written statement
    /// (c: not applied, or not approved by the residents' meeting under `meeting`; d: not
    /// confirmed by the election committee).
    case noApprovedApplication
    /// Neither hukou nor residence nor work here.
    case notConnected

    public var chinese: String {
        switch self {
        case .underage: return "选举日未满十八周岁"
        case .rightsDeprived: return "被剥夺政治权利"
        case .awayWithoutStatement: return "户籍在本社区但不在本社区居住，未表示参加选举"
        case .tooShortHere: return "户籍不在本社区，居住或工作未满规定期限"
        case .noApprovedApplication: return "户籍不在本社区，未经申请并同意（或未作未在他处登记的书面承诺）"
        case .notConnected: return "户籍、居住、工作均不在本社区"
        }
    }
}

/// An application to be registered in category b, c or d, with its decision.
public struct RollApplication: Codable, Sendable, Equatable, Identifiable {
    public enum Status: String, Codable, Sendable { case pending, approved, rejected }
    public var id: Int64?
    public var electionID: Int64
    public var residentID: Int64
    public var category: RegistrationCategory
    public var appliedOn: CivilDate
    /// The applicant's written statement that they are not registered elsewhere (c, d).
    public var statementNotRegisteredElsewhere: Bool
    public var status: Status
    /// Who decided: the applicant's own statement or application, the residents' meeting (with
    /// its date), or the residents' election committee, per the rule set.
    public var decidedBy: String?
    public var decidedOn: CivilDate?
    public var reason: String?
    /// How it was decided; nil while pending (and in rows from before the field: `basis`).
    public var approval: RegistrationApproval?
    /// The decision's reference: the residents' meeting's or the election committee's decision
    /// (minutes, number) that approved, confirmed or refused the application.
    public var decisionReference: String?
    /// The account (display name and username) that recorded the decision or, for (d), the
    /// election committee's member who entered the confirmation.
    public var recordedBy: String?

    /// How the application was decided, also for rows from before `approval` was recorded
    /// (then c was decided by a residents' meeting and d by the committee); nil while pending.
    public var basis: RegistrationApproval? {
        guard status != .pending else { return nil }
        if let approval { return approval }
        switch category {
        case .a: return nil
        case .b: return .statement
        case .c: return .residentsMeeting
        case .d: return .electionCommittee
        }
    }

    public init(id: Int64? = nil, electionID: Int64, residentID: Int64, category: RegistrationCategory, appliedOn: CivilDate,
                statementNotRegisteredElsewhere: Bool, status: Status = .pending, decidedBy: String? = nil, decidedOn: CivilDate? = nil, reason: String? = nil,
                approval: RegistrationApproval? = nil, decisionReference: String? = nil, recordedBy: String? = nil) {
        self.id = id
        self.electionID = electionID
        self.residentID = residentID
        self.category = category
        self.appliedOn = appliedOn
        self.statementNotRegisteredElsewhere = statementNotRegisteredElsewhere
        self.status = status
        self.decidedBy = decidedBy
        self.decidedOn = decidedOn
        self.reason = reason
        self.approval = approval
        self.decisionReference = decisionReference
        self.recordedBy = recordedBy
    }
}

/// The eligibility rules of election-rules.md §3 as one pure function.
public enum Eligibility {
    public enum Outcome: Equatable, Sendable {
        case eligible(RegistrationCategory)
        case ineligible(Ineligibility)
    }

    /// The facts about a resident that eligibility depends on.
    public struct Facts: Sendable {
        public var birthDate: CivilDate
        public var politicalRights: PoliticalRights
        public var hukouHere: Bool
        public var livesHere: Bool
        public var livingSince: CivilDate?
        public var workingSince: CivilDate?

        public init(birthDate: CivilDate, politicalRights: PoliticalRights, hukouHere: Bool, livesHere: Bool, livingSince: CivilDate?, workingSince: CivilDate?) {
            self.birthDate = birthDate
            self.politicalRights = politicalRights
            self.hukouHere = hukouHere
            self.livesHere = livesHere
            self.livingSince = livingSince
            self.workingSince = workingSince
        }

        public init(_ resident: Resident) {
            self.init(birthDate: resident.birthDate, politicalRights: resident.politicalRights, hukouHere: resident.hukouHere,
                      livesHere: resident.livesHere, livingSince: resident.livingSince, workingSince: resident.workingSince)
        }
    }

    /// Decides whether a resident is on the roll of an election held on `electionDay`, and in which category.
    public static func assess(_ resident: Resident, application: RollApplication?, electionDay: CivilDate, rules: RuleSet) -> Outcome {
        assess(Facts(resident), application: application, electionDay: electionDay, rules: rules)
    }

    /// The same decision from the facts alone.
    public static func assess(_ resident: Facts, application: RollApplication?, electionDay: CivilDate, rules: RuleSet) -> Outcome {
        guard resident.birthDate.age(on: electionDay) >= rules.votingAge else { return .ineligible(.underage) }
        guard resident.politicalRights == .held else { return .ineligible(.rightsDeprived) }
        if resident.hukouHere {
            if resident.livesHere { return .eligible(.a) }
            if let application, application.category == .b, application.status != .rejected { return .eligible(.b) }
            return .ineligible(.awayWithoutStatement)
        }
        let residenceCutoff = electionDay.adding(months: -rules.residenceMonths)
        let workerCutoff = electionDay.adding(months: -rules.workerMonths)
        let livedLongEnough = resident.livesHere && (resident.livingSince.map { $0 <= residenceCutoff } ?? false)
        let workedLongEnough = resident.workingSince.map { $0 <= residenceCutoff } ?? false
        let workedForWorkerRule = resident.workingSince.map { $0 <= workerCutoff } ?? false
        // The category approved for this person, with the written statement; nil when none.
        let approved = application.flatMap { registered($0, rules: rules) ? $0.category : nil }
        if livedLongEnough || workedLongEnough {
            // Long enough here for (c); an approved (d) recommendation also stands.
            if let approved, approved == .c || approved == .d { return .eligible(approved) }
            return .ineligible(.noApprovedApplication)
        }
        if workedForWorkerRule {
            return approved == .d ? .eligible(.d) : .ineligible(.noApprovedApplication)
        }
        if !resident.livesHere && resident.workingSince == nil { return .ineligible(.notConnected) }
        return .ineligible(.tooShortHere)
    }

    /// Whether a (c) or (d) application registers its applicant (the written statement is always
    /// needed): (c) under `residentApproval = none` on application (pending or approved), under
    /// `meeting` only with the residents' meeting's approval — a registration made on
    /// application before the rule set changed to `meeting` does not count; (d) only once the
    /// residents' election committee has confirmed it.
    static func registered(_ application: RollApplication, rules: RuleSet) -> Bool {
        guard application.statementNotRegisteredElsewhere, application.status != .rejected else { return false }
        switch application.category {
        case .c:
            if rules.residentApproval == .meeting { return application.status == .approved && application.basis != .onApplication }
            return true
        case .d:
            return application.status == .approved
        case .a, .b:
            return application.status == .approved
        }
    }
}
