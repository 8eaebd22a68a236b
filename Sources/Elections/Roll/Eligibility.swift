import Community

/// Registration categories of election-rules.md §3 (V18 Art. 13, JS20).
public enum RegistrationCategory: String, Codable, Sendable, CaseIterable {
    /// (a) hukou here and living here.
    case a
    /// (b) hukou here, living elsewhere, has stated they will take part.
    case b
    /// (c) hukou elsewhere, living or doing community work here for `residenceMonths`, applied and approved.
    case c
    /// (d) community worker here for `workerMonths` but under `residenceMonths`, recommended and approved.
    case d

    public var chinese: String {
        switch self {
        case .a: return "户籍在本社区并居住"
        case .b: return "户籍在本社区、不在本社区居住、本人表示参加选举"
        case .c: return "户籍不在本社区、居住满规定期限、本人申请并经同意"
        case .d: return "在本社区工作的社区工作者、经推荐并同意"
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
    /// Hukou elsewhere, long enough, but no approved application with the written statement.
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
    /// Who approved: the residents' meeting (with its date) or the election committee, per the rule set.
    public var decidedBy: String?
    public var decidedOn: CivilDate?
    public var reason: String?

    public init(id: Int64? = nil, electionID: Int64, residentID: Int64, category: RegistrationCategory, appliedOn: CivilDate,
                statementNotRegisteredElsewhere: Bool, status: Status = .pending, decidedBy: String? = nil, decidedOn: CivilDate? = nil, reason: String? = nil) {
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
        let approved = application.flatMap { $0.status == .approved && $0.statementNotRegisteredElsewhere ? $0.category : nil }
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
}
