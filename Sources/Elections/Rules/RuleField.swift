import Community
import Foundation

/// One editable field of a `RuleSet`, described for the committee's form and the CLI's
/// `--set key=value`: its key (the JSON member name), section, labels, source and how to read
/// and write it as text.
public struct RuleField: Sendable {
    /// The sections of the rules page, in election-rules.md order.
    public enum Section: String, Sendable, CaseIterable {
        case committee, roll, nominations, voting, result, recall
    }

    /// What kind of value the field holds (for the form control).
    public enum Kind: Sendable, Equatable {
        case integer
        case optionalInteger
        case flag
        case choice([String])
        case threshold
        /// Free text (a citation); empty means none.
        case text
    }

    public let key: String
    public let section: Section
    /// Chinese label.
    public let label: String
    /// English label.
    public let english: String
    /// Where the default comes from (election-rules.md source tags).
    public let source: String
    public let kind: Kind
    let read: @Sendable (RuleSet) -> String
    let write: @Sendable (inout RuleSet, String) -> Bool

    /// The field's value as text (`>1/2` for thresholds, `true`/`false` for flags).
    public func value(in rules: RuleSet) -> String { read(rules) }

    static func integer(_ key: String, _ section: Section, _ label: String, _ english: String, _ source: String,
                        _ path: any WritableKeyPath<RuleSet, Int> & Sendable) -> RuleField {
        RuleField(key: key, section: section, label: label, english: english, source: source, kind: .integer,
                  read: { String($0[keyPath: path]) },
                  write: { rules, text in
                      guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { return false }
                      rules[keyPath: path] = value
                      return true
                  })
    }

    static func flag(_ key: String, _ section: Section, _ label: String, _ english: String, _ source: String,
                     _ path: any WritableKeyPath<RuleSet, Bool> & Sendable) -> RuleField {
        RuleField(key: key, section: section, label: label, english: english, source: source, kind: .flag,
                  read: { $0[keyPath: path] ? "true" : "false" },
                  write: { rules, text in
                      switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                      case "true", "yes", "on", "1": rules[keyPath: path] = true
                      case "false", "no", "off", "0", "": rules[keyPath: path] = false
                      default: return false
                      }
                      return true
                  })
    }

    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ section: Section, _ label: String, _ english: String, _ source: String,
        _ path: any WritableKeyPath<RuleSet, Value> & Sendable) -> RuleField where Value.RawValue == String {
        RuleField(key: key, section: section, label: label, english: english, source: source, kind: .choice(Value.allCases.map(\.rawValue)),
                  read: { $0[keyPath: path].rawValue },
                  write: { rules, text in
                      guard let value = Value(rawValue: text.trimmingCharacters(in: .whitespaces)) else { return false }
                      rules[keyPath: path] = value
                      return true
                  })
    }

    static func threshold(_ key: String, _ section: Section, _ label: String, _ english: String, _ source: String,
                          _ path: any WritableKeyPath<RuleSet, Threshold> & Sendable) -> RuleField {
        RuleField(key: key, section: section, label: label, english: english, source: source, kind: .threshold,
                  read: { $0[keyPath: path].description },
                  write: { rules, text in
                      guard let value = Threshold(text: text) else { return false }
                      rules[keyPath: path] = value
                      return true
                  })
    }

    /// What a value of this kind looks like, for error messages.
    var expected: String {
        switch kind {
        case .integer: return "a whole number"
        case .optionalInteger: return "a whole number, or empty"
        case .flag: return "true or false"
        case .choice(let values): return "one of \(values.joined(separator: ", "))"
        case .threshold: return "a fraction such as >1/2 or ≥1/3"
        case .text: return "text"
        }
    }
}

extension RuleSet {
    /// Every field, in the order of the rules page.
    public static let fields: [RuleField] = [
        .integer("directorSeats", .committee, "主任名额", "Director seats", "L25 (5–9 members, one 主任; article unchecked); GS25 Art. 5", \.directorSeats),
        .integer("deputyDirectorSeats", .committee, "副主任名额", "Deputy director seats", "BJ, JS20", \.deputyDirectorSeats),
        .integer("memberSeats", .committee, "委员名额（不含妇女委员专席）", "Member seats (besides the women member seat)", "L25 (5–9 members; article unchecked); GS25 Art. 5", \.memberSeats),
        .choice("womenRule", .committee, "妇女成员规则", "Woman member rule", "L25; GS25 Art. 5 (应当有妇女成员); separate seat: ZJV20", \.womenRule),
        .integer("committeeSizeMin", .committee, "成员最少人数", "Smallest committee", "L25 (5–9 members; article unchecked); GS25 Art. 5", \.committeeSizeMin),
        .integer("committeeSizeMax", .committee, "成员最多人数", "Largest committee", "L25 (5–9 members; article unchecked); GS25 Art. 5", \.committeeSizeMax),
        .flag("oddCommitteeSize", .committee, "成员须为单数", "Odd number of members", "TJ11", \.oddCommitteeSize),
        .flag("ethnicMinorityMember", .committee, "多民族居住地区（应有人数较少民族成员）", "Multi-ethnic area (smaller-group member expected)", "L18 Art. 7", \.ethnicMinorityMember),
        .integer("termYears", .committee, "任期（年）", "Term (years)", "L25 (每届任期五年; article unchecked)", \.termYears),
        .integer("electionCommitteeMinimum", .committee, "选举委员会最少人数", "Election committee, fewest members", "GC13", \.electionCommitteeMinimum),
        .integer("announcementDays", .committee, "选举公告提前天数", "Announce at least … days before", "local practice", \.announcementDays),
        .integer("votingAge", .roll, "选民年龄", "Voting age", "L25 (18 on election day; article unchecked)", \.votingAge),
        .integer("residenceMonths", .roll, "人户分离居住月数", "Months living here (category c)", "GS25 Art. 16 (6 under L25); JS20: 12", \.residenceMonths),
        .choice("residentApproval", .roll, "人户分离居民登记方式（none：本人申请即登记；meeting：经居民会议同意）",
                "Category c registration (none: on application; meeting: after a residents' meeting approves)", "GS25 Art. 16 (none); older local rules: meeting", \.residentApproval),
        .integer("workerMonths", .roll, "社区工作者工作月数", "Months of community work (category d)", "GS25 Art. 16; JS20", \.workerMonths),
        .integer("rollPublicationDays", .roll, "选民名单提前公布天数", "Publish the roll at least … days before", "L25 (选举日的二十日前公布; article unchecked)", \.rollPublicationDays),
        .integer("objectionDays", .roll, "异议期（天）", "Objection period (days)", "V18 Art. 14", \.objectionDays),
        .integer("objectionDecisionDays", .roll, "异议处理期限（天）", "Objection decision within (days)", "V18 Art. 14", \.objectionDecisionDays),
        .integer("representativesPerGroupMin", .roll, "每组居民代表最少人数", "Representatives per group, fewest", "L18 Art. 8", \.representativesPerGroupMin),
        .integer("representativesPerGroupMax", .roll, "每组居民代表最多人数", "Representatives per group, most", "L18 Art. 8", \.representativesPerGroupMax),
        .integer("voterRequestDays", .roll, "申请不计入选民数提前天数", "Not-counted requests at least … days before", "UC", \.voterRequestDays),
        .flag("allowJointNomination", .nominations, "允许选民联名提名", "Joint nomination by voters", "BJ Art. 13", \.allowJointNomination),
        .integer("jointNominators", .nominations, "联名提名选民人数", "Voters for a joint nomination", "BJ Art. 13", \.jointNominators),
        .flag("allowHouseholdNomination", .nominations, "允许户代表联名提名", "Joint nomination by household representatives", "BJ Art. 13", \.allowHouseholdNomination),
        .integer("jointHouseholdNominators", .nominations, "联名提名户代表人数", "Household representatives for a joint nomination", "BJ Art. 13", \.jointHouseholdNominators),
        .flag("allowGroupNomination", .nominations, "允许居民小组代表提名", "Nomination by a residents' group's representatives", "BJ Art. 13; HN20", \.allowGroupNomination),
        .flag("allowSelfNomination", .nominations, "允许自荐", "Self-nomination", "SQ06; ZJV20 Art. 20", \.allowSelfNomination),
        .integer("nominationCloseDays", .nominations, "提名截止（选举日前天数）", "Nominations close … days before", "ZJV20 Art. 20", \.nominationCloseDays),
        .integer("directorMarginMin", .nominations, "主任差额最少", "Director: extra candidates, fewest", "SH Art. 12", \.directorMarginMin),
        .integer("directorMarginMax", .nominations, "主任差额最多", "Director: extra candidates, most", "SH Art. 12", \.directorMarginMax),
        .integer("deputyDirectorMarginMin", .nominations, "副主任差额最少", "Deputy: extra candidates, fewest", "SH Art. 12", \.deputyDirectorMarginMin),
        .integer("deputyDirectorMarginMax", .nominations, "副主任差额最多", "Deputy: extra candidates, most", "SH Art. 12", \.deputyDirectorMarginMax),
        .integer("womenMemberMarginMin", .nominations, "妇女委员差额最少", "Women member: extra candidates, fewest", "ZJ", \.womenMemberMarginMin),
        .integer("womenMemberMarginMax", .nominations, "妇女委员差额最多", "Women member: extra candidates, most", "ZJ", \.womenMemberMarginMax),
        .integer("memberMarginMin", .nominations, "委员差额最少", "Member: extra candidates, fewest", "SH Art. 12", \.memberMarginMin),
        .integer("memberMarginMax", .nominations, "委员差额最多", "Member: extra candidates, most", "SH Art. 12", \.memberMarginMax),
        .flag("allowUncontested", .nominations, "提名人数仅等于名额时允许等额", "Uncontested when nominations only match seats", "L25 (候选人的名额应当多于应选名额; article unchecked)", \.allowUncontested),
        .threshold("primaryTurnout", .nominations, "预选有效参加比例", "Primary valid with", "ZJ Art. 18", \.primaryTurnout),
        .integer("candidateListDays", .nominations, "候选人名单提前公布天数", "Publish the candidate list at least … days before", "GS25 (article not given); SHV20 Art. 12", \.candidateListDays),
        .integer("withdrawalDays", .nominations, "书面退出提前天数", "Withdraw in writing at least … days before", "ZJ Art. 19", \.withdrawalDays),
        .integer("campaignSpeechDays", .nominations, "竞选演讲申请提前天数", "Request speeches at least … days before", "ZJV20 Art. 23", \.campaignSpeechDays),
        .choice("candidateOrder", .nominations, "候选人排列顺序", "Candidate order", "ZJV20 Art. 20; SHV20", \.candidateOrder),
        .choice("ballotLayout", .voting, "选票样式", "Ballot layout", "SH Art. 15", \.ballotLayout),
        .integer("mobileBoxScrutineers", .voting, "流动票箱监票人数", "Scrutineers per mobile box", "BJV12 Art. 23", \.mobileBoxScrutineers),
        .choice("proxyHolder", .voting, "受托人范围", "Who may hold a proxy", "L25 (可以书面委托本社区其他选民; article unchecked); closeRelative: V18 Art. 15", \.proxyHolder),
        .integer("maxPrincipalsPerProxy", .voting, "每人最多接受委托数", "Principals per proxy holder", "SH, ZJ, BJ", \.maxPrincipalsPerProxy),
        .integer("proxyFilingDays", .voting, "委托提前办理天数", "File proxies at least … days before", "SH Art. 16", \.proxyFilingDays),
        .integer("proxyListDays", .voting, "委托名单提前公布天数", "Publish the proxy list at least … days before", "SH Art. 16", \.proxyListDays),
        .choice("electronicVoting", .voting, "电子投票", "Electronic voting", "V18 Art. 15; SQ06 Art. 2(7): secret booth; no source authorises remote voting", \.electronicVoting),
        RuleField(key: "electronicVotingBasis", section: .voting, label: "远程电子投票的法律依据（地方规定名称及条款；仅 remote 时填写）",
                  english: "Legal basis of remote electronic voting (the local rule's citation; remote only)", source: "local rule", kind: .text,
                  read: { $0.electronicVotingBasis ?? "" },
                  write: { rules, text in
                      let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
                      rules.electronicVotingBasis = text.isEmpty ? nil : text
                      return true
                  }),
        .choice("overvote", .result, "多选处理", "Over-marked post", "SH, ZJ, BJ", \.overvote),
        .choice("samePersonTwoPosts", .result, "同一人选入两职处理", "Same person for two posts", "ZJ Art. 27", \.samePersonTwoPosts),
        .threshold("turnout", .result, "选举有效参加比例", "Round valid with turnout", "L25 (过半数或者超过三分之二的居民代表投票; article unchecked)", \.turnout),
        .threshold("electedThreshold", .result, "当选票数（占收回选票）", "Elected with (of ballots collected)", "V18 Art. 15", \.electedThreshold),
        .threshold("runoffThreshold", .result, "另行选举当选票数", "Second round: elected with", "L25 (不足的名额另行选举; threshold: V18 Art. 15)", \.runoffThreshold),
        .integer("runoffWithinDays", .result, "另行选举期限（天）", "Second round within (days)", "ZJ", \.runoffWithinDays),
        .integer("runoffMargin", .result, "另行选举差额", "Second round: extra candidates", "V18 Art. 15", \.runoffMargin),
        .integer("minimumMembers", .result, "可缺额时最少当选人数", "Vacancies allowed with at least … elected", "SH, ZJ", \.minimumMembers),
        RuleField(key: "resultSignaturesRequired", section: .result, label: "结果须签名的选举委员会成员数（空=过半数）",
                  english: "Committee signatures on the result (empty = more than half)", source: "Xuanyi", kind: .optionalInteger,
                  read: { $0.resultSignaturesRequired.map(String.init) ?? "" },
                  write: { rules, text in
                      let text = text.trimmingCharacters(in: .whitespaces)
                      if text.isEmpty { rules.resultSignaturesRequired = nil; return true }
                      guard let value = Int(text) else { return false }
                      rules.resultSignaturesRequired = value
                      return true
                  }),
        .integer("handoverDays", .result, "工作移交期限（天）", "Handover within (days)", "L25 (工作移交由居民选举委员会主持; days: V18 Art. 20)", \.handoverDays),
        .threshold("recallProposalVoters", .recall, "罢免提议选民比例", "Recall proposed by voters", "V18 Art. 16", \.recallProposalVoters),
        .threshold("recallProposalRepresentatives", .recall, "罢免提议居民代表比例", "Recall proposed by representatives", "V18 Art. 16", \.recallProposalRepresentatives),
        .threshold("recallTurnout", .recall, "罢免投票参加比例", "Recall vote turnout", "L25 (须有选民或者户的代表过半数或者超过三分之二的居民代表投票; article unchecked)", \.recallTurnout),
        .threshold("recallApproval", .recall, "罢免通过比例", "Recall approval", "V18 Art. 16", \.recallApproval),
        .integer("recallWithinDays", .recall, "罢免表决期限（天）", "Recall vote within (days)", "SHV20 Art. 27", \.recallWithinDays),
        .integer("byElectionBelowMembers", .recall, "成员少于此数须补选", "By-election when fewer members than", "SH Art. 29", \.byElectionBelowMembers),
        .integer("byElectionWithinMonths", .recall, "补选期限（月）", "By-election within (months)", "SH Art. 29", \.byElectionWithinMonths),
    ]

    /// Sets fields from text (`key → value`), then validates the whole rule set. Nothing changes
    /// unless every value reads and the result is valid; the error names the field.
    public func updating(_ values: [String: String], method: ElectionMethod? = nil) throws -> RuleSet {
        var rules = self
        let byKey = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.key, $0) })
        for (key, text) in values.sorted(by: { $0.key < $1.key }) {
            guard let field = byKey[key] else { throw CommunityError.invalid(field: key, reason: "no such rule") }
            guard field.write(&rules, text) else { throw CommunityError.invalid(field: key, reason: "\"\(text)\" is not \(field.expected)") }
        }
        try rules.validate(method: method)
        return rules
    }
}
