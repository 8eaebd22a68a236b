import Community

/// What the annulment notice states (`NoticeFacts.annulment`); the notice's `statement` names the
/// result statement declared void, `elected` the members whose election is void and `posts`
/// the seats to be elected again.
public struct AnnulmentFacts: Codable, Sendable, Equatable {
    public var grounds: [AnnulmentGround]
    public var reason: String
    public var authority: AnnulmentAuthority
    public var decidedBy: String
    public var reference: String
    public var decidedOn: String
}

/// The annulment notice's text, in Chinese (signed) and English.
enum AnnulmentNoticeText {
    static func chinese(_ facts: NoticeFacts, community: String) -> [String] {
        guard let a = facts.annulment else { return [] }
        let d = NoticeText.date(a.decidedOn, language: .zh)
        var lines = [
            "经\(a.decidedBy)（\(a.authority.chinese)）\(d)决定（\(a.reference)），\(community)居民委员会换届选举的选举结果系以\(a.grounds.map(\.chinese).joined(separator: "、"))手段取得，依法宣布无效。",
            "理由：\(a.reason)",
        ]
        let names = (facts.elected ?? []).map { "\($0.post.chinese)\($0.name)" }
        if !names.isEmpty { lines.append("以下人员的当选无效，其当选证书作废：" + names.joined(separator: "、") + "。") }
        let seats = (facts.posts ?? []).map { "\($0.post.chinese)\($0.seats)名" }.joined(separator: "、")
        lines.append("应选职位须依法重新选举\(seats.isEmpty ? "" : "（\(seats)）")。")
        if let statement = facts.statement { lines.append("被宣布无效的选举结果声明（SHA-256）：\(statement)。") }
        return lines
    }

    static func english(_ facts: NoticeFacts, community: String) -> [String] {
        guard let a = facts.annulment else { return [] }
        let d = NoticeText.date(a.decidedOn, language: .en)
        var lines = [
            "By decision of \(a.decidedBy) (\(a.authority.english)) of \(d) (\(a.reference)), the result of the \(community) residents' committee election, obtained by \(a.grounds.map(\.english).joined(separator: ", ")), is void.",
            "Reason: \(a.reason)",
        ]
        let names = (facts.elected ?? []).map { "\($0.name) (\($0.post.english))" }
        if !names.isEmpty { lines.append("The election of these persons is void and their certificates of election are cancelled: " + names.joined(separator: ", ") + ".") }
        let seats = (facts.posts ?? []).map { "\($0.post.english): \($0.seats)" }.joined(separator: "; ")
        lines.append("The seats are to be elected again\(seats.isEmpty ? "" : " (\(seats))").")
        if let statement = facts.statement { lines.append("Result statement declared void (SHA-256): \(statement).") }
        return lines
    }
}
