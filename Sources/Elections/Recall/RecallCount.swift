import Community

/// One member's line on the recall paper: 同意罢免 / 不同意罢免 / 弃权, as counted.
public struct RecallMarks: Codable, Sendable, Equatable, Hashable {
    /// The member proposed for recall (resident id).
    public var member: Int64
    /// 同意罢免.
    public var approve: Int
    /// 不同意罢免.
    public var reject: Int
    /// 弃权 (and a line left blank or marked twice on an otherwise valid paper).
    public var abstain: Int

    public init(member: Int64, approve: Int, reject: Int, abstain: Int) {
        self.member = member
        self.approve = approve
        self.reject = reject
        self.abstain = abstain
    }
}

/// A box's count of recall papers, as a teller enters it: papers issued to voters for the box,
/// papers found in it, papers invalid as a whole, and every member's line.
public struct RecallCount: Codable, Sendable, Equatable, Hashable {
    public var issued: Int
    public var collected: Int
    public var invalid: Int
    public var marks: [RecallMarks]

    public init(issued: Int, collected: Int, invalid: Int, marks: [RecallMarks]) {
        self.issued = issued
        self.collected = collected
        self.invalid = invalid
        self.marks = marks
    }

    /// Refuses a count that cannot be right, naming the figure: negative figures, more invalid
    /// papers than papers, a member's line not adding up to the valid papers, a member missing
    /// or not on the paper.
    public func validate(members: [Int64]) throws {
        func require(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw CommunityError.invalid(field: field, reason: reason) }
        }
        try require(issued >= 0, "issued", "not negative")
        try require(collected >= 0, "collected", "not negative")
        try require((0...collected).contains(invalid), "invalid", "between 0 and the papers collected (\(collected))")
        try require(Set(marks.map(\.member)) == Set(members) && marks.count == members.count, "marks",
                    "one line for each member on the paper, no more")
        for line in marks {
            try require(line.approve >= 0 && line.reject >= 0 && line.abstain >= 0, "marks", "votes are not negative")
            try require(line.approve + line.reject + line.abstain == collected - invalid, "marks",
                        "同意 + 不同意 + 弃权 for member \(line.member) is \(line.approve + line.reject + line.abstain), must equal the valid papers (\(collected - invalid))")
        }
    }

    /// The sum of counts (boxes added up); `members` fixes the order of the lines.
    public static func sum(_ counts: [RecallCount], members: [Int64]) -> RecallCount {
        var total = RecallCount(issued: 0, collected: 0, invalid: 0, marks: members.map { RecallMarks(member: $0, approve: 0, reject: 0, abstain: 0) })
        for count in counts {
            total.issued += count.issued
            total.collected += count.collected
            total.invalid += count.invalid
            for line in count.marks {
                guard let index = total.marks.firstIndex(where: { $0.member == line.member }) else { continue }
                total.marks[index].approve += line.approve
                total.marks[index].reject += line.reject
                total.marks[index].abstain += line.abstain
            }
        }
        return total
    }
}
