import Community

/// What the handover notice states (`NoticeFacts.handover`): the checklist as signed, who signed
/// for each committee, who presided, and the dates against the 10-day deadline.
public struct HandoverFacts: Codable, Sendable, Equatable {
    /// A committee's signer.
    public struct Signer: Codable, Sendable, Equatable {
        public var name: String
        public var post: Post
        public var signedOn: String
    }
    public var certifiedOn: String
    public var deadline: String
    public var completedOn: String
    /// Completed after the deadline.
    public var late: Bool
    /// The election committee member who presided.
    public var presidedBy: String
    public var items: [HandoverItem]
    public var outgoing: Signer
    public var incoming: Signer
}

/// The handover notice's text, in Chinese (signed) and English.
enum HandoverNoticeText {
    static func chinese(_ facts: NoticeFacts, community: String) -> [String] {
        guard let h = facts.handover else { return [] }
        let d = { (text: String) in NoticeText.date(text, language: .zh) }
        var lines = [
            "\(community)居民委员会换届选举结果于\(d(h.certifiedOn))确认。在\(community)居民委员会选举委员会主持下，原居民委员会于\(d(h.completedOn))向新一届居民委员会完成工作移交\(h.late ? "（逾期：应于\(d(h.deadline))前完成）" : "（期限：\(d(h.deadline))前）")。",
            "移交清单：",
        ]
        for item in h.items {
            lines.append("\(item.seq). \(item.category.chinese)：\(item.description)，\(item.quantity)\(item.remarks.isEmpty ? "" : "（备注：\(item.remarks)）")")
        }
        lines.append("移交人：原居民委员会\(h.outgoing.post.chinese)\(h.outgoing.name)（\(d(h.outgoing.signedOn))签字）")
        lines.append("接收人：新一届居民委员会\(h.incoming.post.chinese)\(h.incoming.name)（\(d(h.incoming.signedOn))签字）")
        lines.append("主持人：选举委员会成员\(h.presidedBy)")
        return lines
    }

    static func english(_ facts: NoticeFacts, community: String) -> [String] {
        guard let h = facts.handover else { return [] }
        let d = { (text: String) in NoticeText.date(text, language: .en) }
        var lines = [
            "The result of the \(community) residents' committee election was certified on \(d(h.certifiedOn)). Presided over by the election committee, the outgoing committee handed over its work to the incoming committee on \(d(h.completedOn))\(h.late ? " (late: it was due by \(d(h.deadline)))" : " (due by \(d(h.deadline)))").",
            "Checklist:",
        ]
        for item in h.items {
            lines.append("\(item.seq). \(item.category.english): \(item.description), \(item.quantity)\(item.remarks.isEmpty ? "" : " (remarks: \(item.remarks))")")
        }
        lines.append("Handed over by: \(h.outgoing.name), \(h.outgoing.post.english) of the outgoing committee (signed \(d(h.outgoing.signedOn)))")
        lines.append("Received by: \(h.incoming.name), \(h.incoming.post.english) of the incoming committee (signed \(d(h.incoming.signedOn)))")
        lines.append("Presided over by: \(h.presidedBy), election committee")
        return lines
    }
}
