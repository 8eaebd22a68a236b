import Community
import Notary

/// How the woman member is guaranteed (election-rules.md §7.4).
public enum WomenRule: String, Codable, Sendable, CaseIterable {
    /// One 委员 seat is a separate 妇女委员 line with women candidates only (ZJ).
    case separateSeat
    /// If no woman is elected, the woman with most votes above the threshold takes the lowest 委员's seat.
    case guaranteeAfterCount
    /// No rule: read from rule sets made before the 2025 law only. The statutory floors refuse
    /// it (L25: a woman member is required), and it is not offered.
    case none

    /// The rules a committee may choose (`none` is not one of them).
    public static var allCases: [WomenRule] { [.separateSeat, .guaranteeAfterCount] }
}

/// What an over-marked post does to a ballot (§6).
public enum OvervoteRule: String, Codable, Sendable, CaseIterable {
    /// That post is void on that ballot; other posts count.
    case voidPost
    /// The whole ballot is void.
    case voidBallot
}

/// What marking the same person for two posts does (§6).
public enum SamePersonRule: String, Codable, Sendable, CaseIterable {
    /// The ballot is void (ZJ Art. 27).
    case voidBallot
    /// Only the mark for the highest post counts.
    case highestPostOnly
}

/// One paper for all posts, or one round per post (§5).
public enum BallotLayout: String, Codable, Sendable, CaseIterable {
    case onePaper
    case roundPerPost
}

/// Order of the candidate list within a post (§4).
public enum CandidateOrder: String, Codable, Sendable, CaseIterable {
    /// 姓氏笔画: by the strokes of the name, surname first.
    case surnameStrokes
    /// By votes: primary votes where a primary was held, else nomination votes.
    case nominationVotes
}

/// Who may hold a proxy (§5).
public enum ProxyHolder: String, Codable, Sendable, CaseIterable {
    /// Any other voter of the community (2025 urban text).
    case anyVoter
    /// A close relative who is a voter (V18 Art. 15).
    case closeRelative
}

/// Every parameter of election-rules.md, with its default (the "national model" preset) and
/// usual source. The committee edits fields until the roll is published; then the rule set is
/// frozen and its canonical-JSON SHA-256 digest goes into the election and its record.
/// Thresholds are integer fractions; nothing here is a floating-point number.
public struct RuleSet: Codable, Sendable, Equatable {
    // MARK: The committee being elected (§1)
    /// 主任 seats: always 1.
    public var directorSeats = 1
    /// 副主任 seats, 0–2 (BJ, JS20).
    public var deputyDirectorSeats = 1
    /// Ordinary 委员 seats (the 妇女委员 seat of `separateSeat` comes on top).
    public var memberSeats = 2
    /// The smallest committee (L18 Art. 7).
    public var committeeSizeMin = 5
    /// The largest committee (L18 Art. 7).
    public var committeeSizeMax = 9
    /// The committee must have an odd number of members (Tianjin).
    public var oddCommitteeSize = false
    /// Woman member rule (JS20; V18 Art. 6).
    public var womenRule = WomenRule.separateSeat
    /// Multi-ethnic area: warn on a result without a member of the smaller ethnic group(s) (L18 Art. 7).
    public var ethnicMinorityMember = false
    /// Term in years (L18 Art. 8).
    public var termYears = 5
    /// The election committee has at least this many members (GC13).
    public var electionCommitteeMinimum = 3

    // MARK: Timeline
    /// The election is announced at least this many days before election day (local practice).
    public var announcementDays = 30

    // MARK: Voter roll (§3)
    /// Voting age on election day (L18 Art. 8).
    public var votingAge = 18
    /// Months of living here for hukou-elsewhere residents, category c (GS25 Art. 16 under L25:
    /// 6; the 2020 guidance said 12).
    public var residenceMonths = 6
    /// How category c gets on the roll: `none` (the default, L25 practice, GS25 Art. 16) —
    /// registered on application — or `meeting` — once a residents' meeting approves (older
    /// local rules). Not written into the canonical JSON while `none`, so older rule sets keep
    /// their digest (`NoneWhenAbsent`).
    @NoneWhenAbsent public var residentApproval = ResidentApproval.none
    /// Months of community work for community workers, category d (JS20).
    public var workerMonths = 6
    /// The roll is published at least this many days before election day (V18 Art. 14).
    public var rollPublicationDays = 20
    /// Objections are accepted within this many days of publication (V18 Art. 14).
    public var objectionDays = 5
    /// Objections are decided within this many days of receipt (V18 Art. 14).
    public var objectionDecisionDays = 3
    /// Fewest representatives a residents' group sends (L18 Art. 8).
    public var representativesPerGroupMin = 2
    /// Most representatives a residents' group sends (L18 Art. 8).
    public var representativesPerGroupMax = 3
    /// A voter who cannot return asks this many days before election day not to be counted (UC).
    public var voterRequestDays = 2

    // MARK: Nominations and candidates (§4)
    /// Joint nomination by voters is allowed.
    public var allowJointNomination = true
    /// Voters needed for a joint nomination (BJ Art. 13).
    public var jointNominators = 10
    /// Joint nomination by household representatives is allowed.
    public var allowHouseholdNomination = true
    /// Household representatives needed for a joint nomination (BJ Art. 13).
    public var jointHouseholdNominators = 5
    /// Nomination by a residents' group's representatives is allowed (BJ Art. 13, HN20).
    public var allowGroupNomination = true
    /// Self-nomination (自荐) is allowed.
    public var allowSelfNomination = true
    /// Nominations close this many days before election day (ZJV20 Art. 20: ≥ 10).
    public var nominationCloseDays = 10
    /// 主任: fewest extra candidates beyond the seats (差额, SH Art. 12).
    public var directorMarginMin = 1
    /// 主任: most extra candidates; more nominees → primary.
    public var directorMarginMax = 1
    /// 副主任: fewest extra candidates.
    public var deputyDirectorMarginMin = 1
    /// 副主任: most extra candidates.
    public var deputyDirectorMarginMax = 1
    /// 妇女委员: fewest extra candidates.
    public var womenMemberMarginMin = 1
    /// 妇女委员: most extra candidates.
    public var womenMemberMarginMax = 1
    /// 委员: fewest extra candidates.
    public var memberMarginMin = 1
    /// 委员: most extra candidates (SH Art. 12: +1 to +3).
    public var memberMarginMax = 3
    /// 等额: a post may have exactly as many candidates as seats when nominations only match (BJ).
    public var allowUncontested = false
    /// A primary (预选) is valid when this share of voters takes part (ZJ Art. 18).
    public var primaryTurnout = Threshold.moreThanHalf
    /// The candidate list is published at least this many days before election day.
    public var candidateListDays = 5
    /// Withdrawals in writing at least this many days before election day (ZJ Art. 19).
    public var withdrawalDays = 3
    /// Campaign speeches are requested at least this many days before (ZJV20 Art. 23).
    public var campaignSpeechDays = 5
    /// Order of the candidate list.
    public var candidateOrder = CandidateOrder.surnameStrokes

    // MARK: Voting (§5)
    /// One paper for all posts, or one round per post.
    public var ballotLayout = BallotLayout.onePaper
    /// Scrutineers with each mobile box (BJ).
    public var mobileBoxScrutineers = 3
    /// Who may hold a proxy.
    public var proxyHolder = ProxyHolder.anyVoter
    /// Principals per proxy holder (SH, ZJ, BJ).
    public var maxPrincipalsPerProxy = 3
    /// Proxies are filed at least this many days before (SH Art. 16).
    public var proxyFilingDays = 5
    /// The proxy list is published at least this many days before (SH Art. 16).
    public var proxyListDays = 2
    /// Electronic voting: `off` (paper only, the default), `station` (polling-station terminals
    /// only) or `remote` (any browser, only with `electronicVotingBasis`); §11, `ElectronicVoting`.
    /// Not written into the canonical JSON while `off`, so older rule sets keep their digest.
    @OffWhenAbsent public var electronicVoting = ElectronicVoting.off
    /// The legal basis of remote electronic voting: the local rule's citation, recorded with the
    /// rule set and shown on the voting page and in the record; nil unless `remote`.
    public var electronicVotingBasis: String?

    // MARK: Counting and result (§6, §7)
    /// Over-marked post.
    public var overvote = OvervoteRule.voidPost
    /// The same person marked for two posts.
    public var samePersonTwoPosts = SamePersonRule.voidBallot
    /// Turnout for the round to be valid (§2; the method's default).
    public var turnout = Threshold.moreThanHalf
    /// Votes needed to be elected in a first round: of ballots collected (V18 Art. 15).
    public var electedThreshold = Threshold.moreThanHalf
    /// Votes needed in a second round (另行选举, V18 Art. 15).
    public var runoffThreshold = Threshold.atLeastOneThird
    /// The second round is held within this many days (ZJ).
    public var runoffWithinDays = 30
    /// Second-round candidates beyond the unfilled seats.
    public var runoffMargin = 1
    /// Seats may stay vacant after a second round when at least this many are elected (SH, ZJ).
    public var minimumMembers = 3
    /// Committee signatures a result needs; absent = more than half of the election committee.
    public var resultSignaturesRequired: Int?
    /// The old committee hands over within this many days (V18 Art. 20).
    public var handoverDays = 10

    // MARK: Recall and by-election (§8)
    /// Share of voters (or household representatives) who may propose a recall (V18 Art. 16).
    public var recallProposalVoters = Threshold(.atLeast, 1, 5)
    /// Share of residents' representatives who may propose a recall.
    public var recallProposalRepresentatives = Threshold(.atLeast, 1, 3)
    /// Turnout for a recall vote: of the roll.
    public var recallTurnout = Threshold.moreThanHalf
    /// Approval for a recall: of those voting.
    public var recallApproval = Threshold.moreThanHalf
    /// The recall vote is held within this many days of the request.
    public var recallWithinDays = 30
    /// A by-election is needed when fewer than this many members remain (SH Art. 29).
    public var byElectionBelowMembers = 3
    /// … held within this many months.
    public var byElectionWithinMonths = 3
    /// Set only in a by-election's rule set: the term it fills seats of, the seats per post
    /// (the term's vacancies) and the term's last day (`ByElectionSeats`).
    public var byElection: ByElectionSeats?

    /// The national model preset, with the turnout rule of `method` (§2).
    public static func nationalModel(method: ElectionMethod) -> RuleSet {
        var rules = RuleSet()
        rules.turnout = method.defaultTurnout
        return rules
    }

    public init() {}

    // MARK: Derived

    /// The posts on the ballot, highest first: 主任, 副主任 (if any seats), 妇女委员 (with
    /// `separateSeat`), 委员.
    public var posts: [Post] {
        Post.allCases.filter { seats(for: $0) > 0 }
    }

    /// Seats of a post.
    public func seats(for post: Post) -> Int {
        if let byElection { return byElection.seats(for: post) }
        switch post {
        case .director: return directorSeats
        case .deputyDirector: return deputyDirectorSeats
        case .womenMember: return womenRule == .separateSeat ? 1 : 0
        case .member: return memberSeats
        }
    }

    /// Extra candidates a post needs and allows (差额).
    public func margin(for post: Post) -> ClosedRange<Int> {
        let bounds = marginBounds(post)
        return bounds.min...max(bounds.min, bounds.max)
    }

    /// Members of the committee being elected.
    public var committeeSize: Int { Post.allCases.reduce(0) { $0 + seats(for: $1) } }

    /// Representatives a residents' group sends.
    public var representativesPerGroup: ClosedRange<Int> { representativesPerGroupMin...max(representativesPerGroupMin, representativesPerGroupMax) }

    /// Canonical-JSON SHA-256 of the rule set (hex): what is frozen at roll publication.
    public func digest() throws -> String { try CanonicalJSON.digest(self).hex }

    // MARK: Validation

    /// Checks every field, then the statutory floors (`StatutoryFloors`: nothing looser than
    /// the law; `method` decides the turnout floor); the error names the first field that is
    /// wrong and why.
    public func validate(method: ElectionMethod? = nil) throws {
        try validateFields()
        try StatutoryFloors.check(self, method: method)
    }

    /// The structural checks of every field (ranges and consistency).
    func validateFields() throws {
        func require(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw CommunityError.invalid(field: field, reason: reason) }
        }
        try require(directorSeats == 1, "directorSeats", "a committee has exactly one 主任")
        try require((0...2).contains(deputyDirectorSeats), "deputyDirectorSeats", "0 to 2 副主任")
        try require(memberSeats >= 0, "memberSeats", "not negative")
        try require((3...15).contains(committeeSizeMin), "committeeSizeMin", "between 3 and 15")
        try require((committeeSizeMin...15).contains(committeeSizeMax), "committeeSizeMax", "between committeeSizeMin and 15")
        if let byElection {
            // A by-election fills the term's vacant seats: the committee's size is the term's.
            for post in Post.allCases {
                let full = post == .womenMember ? (womenRule == .separateSeat ? 1 : 0) : post == .director ? directorSeats : post == .deputyDirector ? deputyDirectorSeats : memberSeats
                try require((0...full).contains(byElection.seats(for: post)), "byElection", "\(post.rawValue): 0 to the term's \(full) seat(s)")
            }
            try require(byElection.total >= 1, "byElection", "at least one vacant seat")
        } else {
            try require((committeeSizeMin...committeeSizeMax).contains(committeeSize), "memberSeats",
                        "主任 + 副主任 + 委员\(womenRule == .separateSeat ? " + 妇女委员" : "") = \(committeeSize), must be \(committeeSizeMin) to \(committeeSizeMax)")
            try require(!oddCommitteeSize || committeeSize % 2 == 1, "memberSeats", "the committee must have an odd number of members (now \(committeeSize))")
        }
        try require((1...10).contains(termYears), "termYears", "between 1 and 10")
        try require((3...21).contains(electionCommitteeMinimum), "electionCommitteeMinimum", "at least 3")
        try require((16...25).contains(votingAge), "votingAge", "between 16 and 25")
        try require((0...60).contains(residenceMonths), "residenceMonths", "between 0 and 60")
        try require((0...residenceMonths).contains(workerMonths), "workerMonths", "between 0 and residenceMonths")
        try require((0...90).contains(rollPublicationDays), "rollPublicationDays", "between 0 and 90")
        try require((rollPublicationDays...180).contains(announcementDays), "announcementDays", "between rollPublicationDays and 180")
        try require((1...30).contains(objectionDays), "objectionDays", "between 1 and 30")
        try require((1...30).contains(objectionDecisionDays), "objectionDecisionDays", "between 1 and 30")
        try require(representativesPerGroupMin >= 1, "representativesPerGroupMin", "at least 1")
        try require(representativesPerGroupMax >= representativesPerGroupMin, "representativesPerGroupMax", "at least representativesPerGroupMin")
        try require((0...30).contains(voterRequestDays), "voterRequestDays", "between 0 and 30")
        try require((2...100).contains(jointNominators), "jointNominators", "between 2 and 100")
        try require((2...100).contains(jointHouseholdNominators), "jointHouseholdNominators", "between 2 and 100")
        try require(allowJointNomination || allowHouseholdNomination || allowGroupNomination || allowSelfNomination,
                    "allowJointNomination", "at least one way of nominating must be allowed")
        for (post, field) in [(Post.director, "directorMargin"), (.deputyDirector, "deputyDirectorMargin"),
                              (.womenMember, "womenMemberMargin"), (.member, "memberMargin")] {
            let range = marginBounds(post)
            try require(((allowUncontested ? 0 : 1)...10).contains(range.min), "\(field)Min",
                        allowUncontested ? "between 0 and 10" : "between 1 and 10 (candidates must outnumber seats unless allowUncontested)")
            try require((range.min...10).contains(range.max), "\(field)Max", "between \(field)Min and 10")
        }
        try require((candidateListDays...rollPublicationDays).contains(nominationCloseDays), "nominationCloseDays", "between candidateListDays and rollPublicationDays")
        try require((1...30).contains(candidateListDays), "candidateListDays", "between 1 and 30")
        try require((0...candidateListDays).contains(withdrawalDays), "withdrawalDays", "between 0 and candidateListDays")
        try require((0...30).contains(campaignSpeechDays), "campaignSpeechDays", "between 0 and 30")
        try require((1...10).contains(mobileBoxScrutineers), "mobileBoxScrutineers", "between 1 and 10")
        try require((1...10).contains(maxPrincipalsPerProxy), "maxPrincipalsPerProxy", "between 1 and 10")
        try require((0...30).contains(proxyFilingDays), "proxyFilingDays", "between 0 and 30")
        try require((0...proxyFilingDays).contains(proxyListDays), "proxyListDays", "between 0 and proxyFilingDays")
        try validateElectronicVoting()
        for (threshold, field) in [(primaryTurnout, "primaryTurnout"), (turnout, "turnout"), (electedThreshold, "electedThreshold"),
                                   (runoffThreshold, "runoffThreshold"), (recallProposalVoters, "recallProposalVoters"),
                                   (recallProposalRepresentatives, "recallProposalRepresentatives"), (recallTurnout, "recallTurnout"),
                                   (recallApproval, "recallApproval")] {
            try require(threshold.isProperFraction, field, "a fraction in (0, 1] such as >1/2 or ≥1/3")
        }
        try require((1...90).contains(runoffWithinDays), "runoffWithinDays", "between 1 and 90")
        try require((0...5).contains(runoffMargin), "runoffMargin", "between 0 and 5")
        try require((1...committeeSize).contains(minimumMembers), "minimumMembers", "between 1 and the committee's size")
        if let required = resultSignaturesRequired {
            try require((1...21).contains(required), "resultSignaturesRequired", "between 1 and 21, or empty for more than half of the committee")
        }
        try require((1...60).contains(handoverDays), "handoverDays", "between 1 and 60")
        try require((1...90).contains(recallWithinDays), "recallWithinDays", "between 1 and 90")
        try require((1...(byElection == nil ? committeeSize : committeeSizeMax)).contains(byElectionBelowMembers), "byElectionBelowMembers", "between 1 and the committee's size")
        try require((1...12).contains(byElectionWithinMonths), "byElectionWithinMonths", "between 1 and 12")
    }

    private func marginBounds(_ post: Post) -> (min: Int, max: Int) {
        switch post {
        case .director: return (directorMarginMin, directorMarginMax)
        case .deputyDirector: return (deputyDirectorMarginMin, deputyDirectorMarginMax)
        case .womenMember: return (womenMemberMarginMin, womenMemberMarginMax)
        case .member: return (memberMarginMin, memberMarginMax)
        }
    }
}

/// What the audit log records when a rule set is edited or frozen: the whole rule set.
struct RulesAudit: Encodable {
    let rules: RuleSet
    let digest: String?
    /// The preset loaded (`applyRulePreset`), if any.
    var preset: String? = nil
}
