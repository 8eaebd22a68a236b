import Community
import Testing
@testable import Elections

@Suite("voter eligibility (election-rules.md §3)")
struct EligibilityTests {
    let day = CivilDate(year: 2026, month: 12, day: 20)!
    /// The older local rule of 12 months for category c, after a residents' meeting's approval
    /// (the L25 preset says 6, on application: `parameters`, `onApplication`).
    let rules: RuleSet = {
        var rules = RuleSet()
        rules.residenceMonths = 12
        rules.residentApproval = .meeting
        return rules
    }()

    func resident(born: CivilDate, hukouHere: Bool = true, livesHere: Bool = true, livingSince: CivilDate? = nil,
                  workingSince: CivilDate? = nil, rights: PoliticalRights = .held) -> Resident {
        Resident(communityID: 1, name: "甲", gender: .male, idNumber: makeID(birth: born, male: true, serial: 1), livingSince: livingSince,
                 politicalRights: rights, hukouHere: hukouHere, livesHere: livesHere, workingSince: workingSince)
    }

    func application(_ category: RegistrationCategory, approved: Bool = true, statement: Bool = true) -> RollApplication {
        RollApplication(electionID: 1, residentID: 1, category: category, appliedOn: CivilDate(year: 2026, month: 10, day: 1)!,
                        statementNotRegisteredElsewhere: statement, status: approved ? .approved : .pending)
    }

    @Test("age 18 on election day: the 18th birthday on election day counts, the day after does not")
    func ageBoundaryOnElectionDay() {
        #expect(Eligibility.assess(resident(born: CivilDate(year: 2008, month: 12, day: 20)!), application: nil, electionDay: day, rules: rules) == .eligible(.a))
        #expect(Eligibility.assess(resident(born: CivilDate(year: 2008, month: 12, day: 21)!), application: nil, electionDay: day, rules: rules) == .ineligible(.underage))
    }

    @Test("29 February birthday: 18 on 1 March of a common year, not on 28 February")
    func leapDayBirthday() {
        let born = CivilDate(year: 2008, month: 2, day: 29)!
        #expect(Eligibility.assess(resident(born: born), application: nil, electionDay: CivilDate(year: 2026, month: 2, day: 28)!, rules: rules) == .ineligible(.underage))
        #expect(Eligibility.assess(resident(born: born), application: nil, electionDay: CivilDate(year: 2026, month: 3, day: 1)!, rules: rules) == .eligible(.a))
    }

    @Test("deprived of political rights: not on the roll")
    func politicalRights() {
        #expect(Eligibility.assess(resident(born: CivilDate(year: 1970, month: 1, day: 1)!, rights: .deprived), application: nil, electionDay: day, rules: rules) == .ineligible(.rightsDeprived))
    }

    @Test("category b: hukou here, living elsewhere, only with a statement of taking part")
    func categoryB() {
        let away = resident(born: CivilDate(year: 1970, month: 1, day: 1)!, livesHere: false)
        #expect(Eligibility.assess(away, application: nil, electionDay: day, rules: rules) == .ineligible(.awayWithoutStatement))
        #expect(Eligibility.assess(away, application: application(.b), electionDay: day, rules: rules) == .eligible(.b))
    }

    @Test("category c: residence months counted to election day, approval and written statement needed")
    func residenceMonths() {
        let exactly12 = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2025, month: 12, day: 20)!)
        let oneDayShort = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2025, month: 12, day: 21)!)
        #expect(Eligibility.assess(exactly12, application: application(.c), electionDay: day, rules: rules) == .eligible(.c))
        #expect(Eligibility.assess(oneDayShort, application: application(.c), electionDay: day, rules: rules) == .ineligible(.tooShortHere))
        #expect(Eligibility.assess(exactly12, application: nil, electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        #expect(Eligibility.assess(exactly12, application: application(.c, approved: false), electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        #expect(Eligibility.assess(exactly12, application: application(.c, statement: false), electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
    }

    @Test("category d: community workers after workerMonths, recommended and approved")
    func workerMonths() {
        let worker = resident(born: CivilDate(year: 1995, month: 1, day: 1)!, hukouHere: false, livesHere: false, workingSince: CivilDate(year: 2026, month: 6, day: 20)!)
        let tooNew = resident(born: CivilDate(year: 1995, month: 1, day: 1)!, hukouHere: false, livesHere: false, workingSince: CivilDate(year: 2026, month: 6, day: 21)!)
        #expect(Eligibility.assess(worker, application: application(.d), electionDay: day, rules: rules) == .eligible(.d))
        #expect(Eligibility.assess(tooNew, application: application(.d), electionDay: day, rules: rules) == .ineligible(.tooShortHere))
        #expect(Eligibility.assess(worker, application: nil, electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        let stranger = resident(born: CivilDate(year: 1995, month: 1, day: 1)!, hukouHere: false, livesHere: false)
        #expect(Eligibility.assess(stranger, application: nil, electionDay: day, rules: rules) == .ineligible(.notConnected))
    }

    @Test("rule-set fields change the outcome: 6 residence months (the L25 preset, GS25 Art. 16) instead of 12")
    func parameters() {
        let shorter = RuleSet()
        #expect(shorter.residenceMonths == 6)
        let newcomer = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2026, month: 6, day: 1)!)
        #expect(Eligibility.assess(newcomer, application: application(.c), electionDay: day, rules: rules) == .ineligible(.tooShortHere))
        #expect(Eligibility.assess(newcomer, application: application(.c), electionDay: day, rules: shorter) == .eligible(.c))
    }

    @Test("category c under residentApproval = none (the L25 default): registered on application with the written statement, no meeting; a rejection or no statement still keeps them off")
    func onApplication() {
        let rules = RuleSet()
        #expect(rules.residentApproval == .none)
        let tenant = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2026, month: 6, day: 20)!)
        #expect(Eligibility.assess(tenant, application: application(.c, approved: false), electionDay: day, rules: rules) == .eligible(.c))
        #expect(Eligibility.assess(tenant, application: application(.c, statement: false), electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        var rejected = application(.c)
        rejected.status = .rejected
        #expect(Eligibility.assess(tenant, application: rejected, electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        #expect(Eligibility.assess(tenant, application: nil, electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        // Five months and a half: not long enough whatever the application.
        let newcomer = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2026, month: 7, day: 5)!)
        #expect(Eligibility.assess(newcomer, application: application(.c), electionDay: day, rules: rules) == .ineligible(.tooShortHere))
    }

    @Test("category c under residentApproval = meeting: only a residents' meeting's approval registers; a registration made on application before the rule changed does not count")
    func meetingApproval() {
        var rules = RuleSet()
        rules.residentApproval = .meeting
        let tenant = resident(born: CivilDate(year: 1990, month: 1, day: 1)!, hukouHere: false, livingSince: CivilDate(year: 2026, month: 1, day: 1)!)
        #expect(Eligibility.assess(tenant, application: application(.c, approved: false), electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        var byMeeting = application(.c)
        byMeeting.approval = .residentsMeeting
        #expect(Eligibility.assess(tenant, application: byMeeting, electionDay: day, rules: rules) == .eligible(.c))
        var onApplication = application(.c)
        onApplication.approval = .onApplication
        #expect(Eligibility.assess(tenant, application: onApplication, electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
        #expect(Eligibility.assess(tenant, application: onApplication, electionDay: day, rules: RuleSet()) == .eligible(.c))
    }

    @Test("category d: a community worker not yet confirmed by the election committee is not on the roll, whatever residentApproval says")
    func workerNeedsConfirmation() {
        let worker = resident(born: CivilDate(year: 1995, month: 1, day: 1)!, hukouHere: false, livesHere: false, workingSince: CivilDate(year: 2026, month: 6, day: 1)!)
        for approval in ResidentApproval.allCases {
            var rules = RuleSet()
            rules.residentApproval = approval
            #expect(Eligibility.assess(worker, application: application(.d, approved: false), electionDay: day, rules: rules) == .ineligible(.noApprovedApplication))
            #expect(Eligibility.assess(worker, application: application(.d), electionDay: day, rules: rules) == .eligible(.d))
        }
    }

    @Test("months are added by calendar: 31 March − 1 month is the end of February")
    func monthArithmetic() {
        #expect(CivilDate(year: 2026, month: 3, day: 31)!.adding(months: -1) == CivilDate(year: 2026, month: 2, day: 28))
        #expect(CivilDate(year: 2028, month: 3, day: 31)!.adding(months: -1) == CivilDate(year: 2028, month: 2, day: 29))
        #expect(CivilDate(year: 2026, month: 12, day: 20)!.adding(months: -12) == CivilDate(year: 2025, month: 12, day: 20))
        #expect(CivilDate(year: 2026, month: 1, day: 15)!.adding(months: -13) == CivilDate(year: 2024, month: 12, day: 15))
    }
}
