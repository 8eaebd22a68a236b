import Community
import Foundation

/// The templates of election notices: the official Chinese text (signed with the notice) and
/// the English rendering of the same facts for the English pages. One template per kind.
public enum NoticeText {
    /// A notice's language.
    public enum Language: String, Sendable { case zh, en }

    /// "选举公告 第N号" / "Election notice No. N".
    public static func title(number: Int, language: Language) -> String {
        language == .zh ? "选举公告 第\(number)号" : "Election notice No. \(number)"
    }

    /// The issuing committee: the community's residents' committee election committee.
    public static func issuer(community: String, language: Language) -> String {
        language == .zh ? "\(community)居民委员会选举委员会" : "Election committee of the \(community) residents' committee"
    }

    /// "2026年12月3日" / "3 December 2026".
    public static func date(_ text: String, language: Language) -> String {
        guard let date = CivilDate(text) else { return text }
        if language == .zh { return "\(date.year)年\(date.month)月\(date.day)日" }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(date.day) \(months[date.month - 1]) \(date.year)"
    }

    /// The subject line of a notice.
    public static func subject(_ notice: ElectionNotice, language: Language) -> String {
        language == .zh ? notice.kind.chinese : notice.kind.english
    }

    /// The body of a notice, paragraph by paragraph.
    public static func body(kind: NoticeKind, facts: NoticeFacts, community: String, corrects: Int?, language: Language) -> [String] {
        language == .zh ? chinese(kind, facts, community: community, corrects: corrects) : english(kind, facts, community: community, corrects: corrects)
    }

    // MARK: Chinese

    static func chinese(_ kind: NoticeKind, _ f: NoticeFacts, community: String, corrects: Int?) -> [String] {
        let d = { (text: String?) in date(text ?? "", language: .zh) }
        func seats(_ posts: [NoticeFacts.PostSeats]?) -> String {
            (posts ?? []).map { "\($0.post.chinese)\($0.seats)名" }.joined(separator: "、")
        }
        func candidates(_ list: [NoticeFacts.Candidate]) -> [String] {
            Post.allCases.compactMap { post in
                let names = list.filter { $0.post == post }.sorted { $0.position < $1.position }
                guard !names.isEmpty else { return nil }
                return "\(post.chinese)：" + names.map { c in
                    c.gender.flatMap(Gender.init(rawValue:)).map { "\(c.name)（\($0.chinese)\(c.age.map { "，\($0)岁" } ?? "")）" } ?? c.name
                }.joined(separator: "、")
            }
        }
        switch kind {
        case .announcement:
            return [
                "\(f.title ?? "\(community)居民委员会换届选举")定于\(d(f.electionDay))举行，现将有关事项公告如下：",
                "一、选举方式：\(f.method?.chinese ?? "")。",
                "二、应选职位和名额：\(seats(f.posts))。",
                "三、本次选举的选举密钥编号为\(f.electionKey ?? "")，其指纹（SHA-256）为：\(f.electionKeyFingerprint ?? "")。选举结果、计票单和选举档案均以该密钥签名；核验时请以本公告所载指纹为准。",
            ]
        case .committee:
            var lines = ["\(community)居民委员会选举委员会现由以下\(f.members?.count ?? 0)名成员组成\(f.joined.map { "（\($0)加入）" } ?? "")\(f.left.map { "（\($0)不再担任成员\(f.leftReason.map { "，原因：\($0)" } ?? "")）" } ?? "")："]
            for member in f.members ?? [] {
                lines.append("\(member.name)　\(member.roles.map(\.chinese).joined(separator: "、"))　密钥指纹：\(member.key ?? "尚未登记（成员本人设置密码后生成）")")
            }
            lines.append("选举委员会成员以本人密钥会签选举结果；核验会签时请以本公告所载指纹为准。")
            return lines
        case .roll:
            return [
                "\(community)居民委员会换届选举选民名单已经公布，登记选民共\(f.voters ?? 0)人。",
                "对选民名单有不同意见的，请于\(d(f.objectionDeadline))前向选举委员会提出，选举委员会依法作出处理决定并予公布。",
            ]
        case .objection:
            guard let o = f.objection else { return [] }
            return [
                "\(d(o.filedOn))提出的第\(o.seq)号选民名单异议（\(Objection.Kind(rawValue: o.kind)?.chinese ?? o.kind)），经选举委员会审查，决定\(o.upheld ? "予以支持，选民名单相应更正" : "不予支持")。",
                "理由：\(o.decision)",
            ]
        case .proxies:
            let proxies = f.proxies ?? []
            guard !proxies.isEmpty else { return ["本次选举没有经选举委员会登记的委托投票。"] }
            return ["经选举委员会审核，以下\(proxies.count)名选民书面委托他人代为投票，现予公布："]
                + proxies.map { "第\($0.principalNumber)号选民\($0.principal)　委托　第\($0.holderNumber)号选民\($0.holder)" }
        case .candidates:
            return ["经选民提名、预选，\(community)居民委员会换届选举正式候选人名单公布如下（按名单顺序）："] + candidates(f.candidates ?? [])
        case .polling:
            var lines = ["\(community)居民委员会换届选举定于\(d(f.electionDay))投票。"]
            if let stations = f.stations, !stations.isEmpty {
                lines.append("投票站：" + stations.map { "\($0.name)（\(PollingStation.Kind(rawValue: $0.kind)?.chinese ?? $0.kind)）" }.joined(separator: "、") + "。")
            }
            for round in f.rounds ?? [] {
                lines.append("第\(round.number)轮（\(round.kind.chinese)）：应选\(seats(round.posts))\(round.electronic ? "；本轮同时设电子投票" : "")。")
                lines += candidates(round.candidates)
                lines.append("选票样式摘要（SHA-256）：\(round.paper)")
            }
            return lines
        case .boxCount:
            guard let b = f.box else { return [] }
            var lines = ["第\(b.round)轮\(b.name)（\(BallotBox.Kind(rawValue: b.kind)?.chinese ?? b.kind)\(b.station.map { "，\($0)" } ?? "")）计票结果：发出选票\(b.issued)张，收回选票\(b.counted)张。"]
            if b.kind == BallotBox.Kind.mobile.rawValue { lines.append("流动票箱投票选民共\(b.issued)人。") }
            lines += extraFigures(b.sheet, names: b.names, language: .zh)
            if let sha = b.sheetSHA256 { lines.append("计票单（SHA-256）：\(sha)，已由选举密钥签名。") }
            return lines
        case .nextRound:
            var lines: [String] = []
            for round in f.rounds ?? [] {
                lines.append("根据选举结果，选举委员会决定进行第\(round.number)轮投票（\(round.kind.chinese)），应选\(seats(round.posts))\(round.electronic ? "，本轮同时设电子投票" : "")。")
                lines += candidates(round.candidates)
                lines.append("选票样式摘要（SHA-256）：\(round.paper)")
            }
            return lines
        case .result:
            var lines = ["\(community)居民委员会换届选举投票已经结束，经选举委员会确认，选举结果公告如下："]
            for post in Post.allCases {
                let names = (f.elected ?? []).filter { $0.post == post }
                guard !names.isEmpty else { continue }
                lines.append("\(post.chinese)：" + names.map { "\($0.name)（第\($0.round)轮，得票\($0.votes)票）" }.joined(separator: "、"))
            }
            for vacant in f.vacant ?? [] where vacant.seats > 0 { lines.append("\(vacant.post.chinese)空缺\(vacant.seats)名。") }
            if let statement = f.statement { lines.append("选举结果声明（SHA-256）：\(statement)，已由选举密钥签名。") }
            return lines
        case .recallProposal, .recallVote, .recallResult:
            return RecallNoticeText.chinese(kind, f, community: community)
        case .correction:
            return ["现对选举公告第\(corrects ?? 0)号更正如下：\(f.correction ?? "")", "原公告保留，以本公告为准。"]
        case .handover:
            return HandoverNoticeText.chinese(f, community: community)
        case .annulment:
            return AnnulmentNoticeText.chinese(f, community: community)
        }
    }

    // MARK: English

    static func english(_ kind: NoticeKind, _ f: NoticeFacts, community: String, corrects: Int?) -> [String] {
        let d = { (text: String?) in date(text ?? "", language: .en) }
        func seats(_ posts: [NoticeFacts.PostSeats]?) -> String {
            (posts ?? []).map { "\($0.post.english): \($0.seats)" }.joined(separator: "; ")
        }
        func candidates(_ list: [NoticeFacts.Candidate]) -> [String] {
            Post.allCases.compactMap { post in
                let names = list.filter { $0.post == post }.sorted { $0.position < $1.position }
                guard !names.isEmpty else { return nil }
                return "\(post.english): " + names.map { c in
                    c.gender.flatMap(Gender.init(rawValue:)).map { "\(c.name) (\($0 == .female ? "female" : "male")\(c.age.map { ", \($0)" } ?? ""))" } ?? c.name
                }.joined(separator: ", ")
            }
        }
        func method(_ m: ElectionMethod?) -> String {
            switch m {
            case .direct?: return "direct election by all voters"
            case .household?: return "election by household representatives"
            case .representative?: return "election by residents' representatives"
            case nil: return ""
            }
        }
        func round(_ kind: RoundKind) -> String {
            switch kind {
            case .main: return "main vote"
            case .tieBreak: return "revote between tied candidates"
            case .runoff: return "second round for unfilled seats"
            case .womenOnly: return "women-only second round"
            }
        }
        switch kind {
        case .announcement:
            return [
                "The election of the \(community) residents' committee (\(f.title ?? "")) is held on \(d(f.electionDay)); the election committee announces:",
                "1. Method: \(method(f.method)).",
                "2. Posts and seats: \(seats(f.posts)).",
                "3. The election key has key id \(f.electionKey ?? "") and fingerprint (SHA-256) \(f.electionKeyFingerprint ?? ""). The result, the count sheets and the archive are signed with it; check them against the fingerprint printed here.",
            ]
        case .committee:
            var lines = ["The election committee now has these \(f.members?.count ?? 0) members\(f.joined.map { " (\($0) joined)" } ?? "")\(f.left.map { " (\($0) stepped down\(f.leftReason.map { ": \($0)" } ?? ""))" } ?? ""):"]
            for member in f.members ?? [] {
                lines.append("\(member.name) — \(member.roles.map(\.rawValue).joined(separator: ", ")) — key fingerprint: \(member.key ?? "not yet registered (made when the member sets their own password)")")
            }
            lines.append("Members countersign the result with their own keys; check countersignatures against the fingerprints printed here.")
            return lines
        case .roll:
            return [
                "The voter roll of the \(community) residents' committee election is published: \(f.voters ?? 0) voters.",
                "Objections to the roll are filed with the election committee by \(d(f.objectionDeadline)); its decisions are published.",
            ]
        case .objection:
            guard let o = f.objection else { return [] }
            return [
                "Objection No. \(o.seq) to the roll (\(o.kind)), filed on \(d(o.filedOn)): the election committee \(o.upheld ? "upholds it and corrects the roll" : "does not uphold it").",
                "Reason: \(o.decision)",
            ]
        case .proxies:
            let proxies = f.proxies ?? []
            guard !proxies.isEmpty else { return ["No proxy vote was registered with the election committee."] }
            return ["The election committee has registered these \(proxies.count) written proxies:"]
                + proxies.map { "Voter No. \($0.principalNumber) \($0.principal) — proxy: voter No. \($0.holderNumber) \($0.holder)" }
        case .candidates:
            return ["The candidate list of the \(community) residents' committee election, in list order:"] + candidates(f.candidates ?? [])
        case .polling:
            var lines = ["Polling for the \(community) residents' committee election is on \(d(f.electionDay))."]
            if let stations = f.stations, !stations.isEmpty {
                lines.append("Polling stations: " + stations.map { "\($0.name) (\($0.kind == "central" ? "central venue" : "branch station"))" }.joined(separator: ", ") + ".")
            }
            for r in f.rounds ?? [] {
                lines.append("Round \(r.number) (\(round(r.kind))): seats \(seats(r.posts))\(r.electronic ? "; electronic voting too" : "").")
                lines += candidates(r.candidates)
                lines.append("Ballot paper digest (SHA-256): \(r.paper)")
            }
            return lines
        case .boxCount:
            guard let b = f.box else { return [] }
            let box = b.kind == BallotBox.Kind.electronic.rawValue ? "the electronic box" : "\(b.name) (\(b.kind) box\(b.station.map { ", \($0)" } ?? ""))"
            var lines = ["Round \(b.round), \(box): \(b.issued) ballots issued, \(b.counted) counted."]
            if b.kind == BallotBox.Kind.mobile.rawValue { lines.append("Voters who voted by the mobile box: \(b.issued).") }
            lines += extraFigures(b.sheet, names: b.names, language: .en)
            if let sha = b.sheetSHA256 { lines.append("Count sheet (SHA-256): \(sha), signed with the election key.") }
            return lines
        case .nextRound:
            var lines: [String] = []
            for r in f.rounds ?? [] {
                lines.append("By the result so far, the election committee holds round \(r.number) (\(round(r.kind))) for seats \(seats(r.posts))\(r.electronic ? ", with electronic voting too" : "").")
                lines += candidates(r.candidates)
                lines.append("Ballot paper digest (SHA-256): \(r.paper)")
            }
            return lines
        case .result:
            var lines = ["Polling in the \(community) residents' committee election has ended; the election committee declares this result:"]
            for post in Post.allCases {
                let names = (f.elected ?? []).filter { $0.post == post }
                guard !names.isEmpty else { continue }
                lines.append("\(post.english): " + names.map { "\($0.name) (round \($0.round), \($0.votes) votes)" }.joined(separator: ", "))
            }
            for vacant in f.vacant ?? [] where vacant.seats > 0 { lines.append("\(vacant.post.english): \(vacant.seats) seat(s) vacant.") }
            if let statement = f.statement { lines.append("Result statement (SHA-256): \(statement), signed with the election key.") }
            return lines
        case .recallProposal, .recallVote, .recallResult:
            return RecallNoticeText.english(kind, f, community: community)
        case .correction:
            return ["This notice corrects election notice No. \(corrects ?? 0): \(f.correction ?? "")", "The earlier notice stays on record; this one prevails."]
        case .handover:
            return HandoverNoticeText.english(f, community: community)
        case .annulment:
            return AnnulmentNoticeText.english(f, community: community)
        }
    }

    /// The count sheet's figures (计票结果): valid, invalid, blank and void ballots, every
    /// candidate's and written-in person's votes per post, posts void on some ballots; and any
    /// other integer figure the sheet carries (as the sheet grows, its new figures are printed).
    static func extraFigures(_ sheet: NoticeJSON?, names: [NoticeFacts.PersonName]?, language: Language) -> [String] {
        guard case .object(let members)? = sheet else { return [] }
        var lines: [String] = []
        var known: Set<String> = ["election", "round", "box", "handCount", "issued"]
        if let data = try? JSONEncoder().encode(sheet), let f = try? JSONDecoder().decode(CountSheetFigures.self, from: data) {
            known.formUnion(["ballots", "valid", "invalid", "blank", "voided"])
            let zh = language == .zh
            if let ballots = f.ballots, let valid = f.valid, let invalid = f.invalid, let blank = f.blank, let voided = f.voided {
                lines.append(zh ? "票箱内选票\(ballots)张：有效\(valid)张（其中空白票\(blank)张），无效\(invalid)张，整张作废\(voided)张。"
                                : "Ballots in the box: \(ballots); valid \(valid) (blank \(blank)), invalid \(invalid), void as a whole \(voided).")
            }
            let name = { (person: Int64) in names?.first { $0.person == person }?.name ?? "#\(person)" }
            for post in Post.allCases {
                let listed = (f.candidates ?? []).filter { $0.post == post }
                let written = (f.writeIns ?? []).filter { $0.post == post }
                guard !listed.isEmpty || !written.isEmpty else { continue }
                var line = (zh ? "\(post.chinese)：" : "\(post.english): ")
                    + listed.map { zh ? "\(name($0.person))\($0.votes)票" : "\(name($0.person)) \($0.votes)" }.joined(separator: zh ? "、" : ", ")
                if !written.isEmpty {
                    line += (zh ? "；另选他人：" : "; written in: ")
                        + written.map { zh ? "\(name($0.person))\($0.votes)票" : "\(name($0.person)) \($0.votes)" }.joined(separator: zh ? "、" : ", ")
                }
                lines.append(line + (zh ? "。" : "."))
            }
            for figure in f.voidPosts ?? [] where figure.count > 0 {
                lines.append(zh ? "\(figure.post.chinese)一栏作废的选票\(figure.count)张。" : "\(figure.post.english): void on \(figure.count) ballot(s).")
            }
        }
        return lines + members.keys.sorted().compactMap { key -> String? in
            guard !known.contains(key), case .integer(let value)? = members[key] else { return nil }
            return language == .zh ? "计票单 \(key)：\(value)" : "Count sheet \(key): \(value)"
        }
    }
}

/// The figures of a stored count sheet a notice prints (each optional: an older sheet has fewer).
struct CountSheetFigures: Decodable {
    var ballots: Int?
    var valid: Int?
    var invalid: Int?
    var blank: Int?
    var voided: Int?
    var voidPosts: [PostFigure]?
    var candidates: [PersonVotes]?
    var writeIns: [PersonVotes]?
}
