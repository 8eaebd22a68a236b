import Foundation

/// How two people are related, as far as the register or a declaration says (近亲属:
/// spouse, parents, children, siblings, grandparents, grandchildren). Shared by the election
/// committee's conflicts (Elections) and the supervisory committee's bar on the residents'
/// committee's relatives (Councils), so it lives with the residents.
public enum Kinship: String, Codable, Sendable, CaseIterable {
    /// The same person.
    case same
    case spouse
    /// Parent, child, grandparent or grandchild (直系亲属).
    case lineal
    case sibling
    /// Another close relative the committee recorded.
    case otherClose

    /// Spouse or lineal relative (or the person): may not hold a polling role for a candidate (SH, ZJ).
    public var barsPollingRole: Bool { self == .same || self == .spouse || self == .lineal }

    public var chinese: String {
        switch self {
        case .same: return "本人"
        case .spouse: return "配偶"
        case .lineal: return "直系亲属"
        case .sibling: return "兄弟姐妹"
        case .otherClose: return "其他近亲属"
        }
    }

    /// A place in the family relative to the head of household, read from 与户主关系.
    enum Place: Equatable {
        case head, spouse, sibling, unknown
        /// Lineal relative of the head: +1 parent, −1 child, ±2 grand…
        case lineal(Int)
        /// Married to the head's lineal relative of this generation: −1 儿媳/女婿 (married to a
        /// child), +1 岳父/公公 … (a parent of the head's spouse).
        case married(Int)
        /// Married to the head's sibling (嫂子, 弟媳, 姐夫, 妹夫).
        case siblingInLaw

        init(_ relation: String?) {
            let text = (relation ?? "").trimmingCharacters(in: .whitespaces)
            switch text {
            case "户主", "本人": self = .head
            case "配偶", "妻", "夫", "妻子", "丈夫": self = .spouse
            case "子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女", "三女", "养子", "养女", "继子", "继女", "独生子", "独生女":
                self = .lineal(-1)
            case "孙子", "孙女", "外孙子", "外孙女", "外孙": self = .lineal(-2)
            case "父", "母", "父亲", "母亲", "养父", "养母", "继父", "继母": self = .lineal(1)
            case "祖父", "祖母", "外祖父", "外祖母": self = .lineal(2)
            case "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹": self = .sibling
            case "儿媳", "女婿": self = .married(-1)
            case "岳父", "岳母", "公公", "婆婆": self = .married(1)
            case "嫂子", "弟媳", "姐夫", "妹夫": self = .siblingInLaw
            default: self = .unknown
            }
        }
    }

    /// The kinship of two members of the same household from their relations to its head, or
    /// nil where the register does not show one. Where it is ambiguous it errs towards a
    /// relation (儿媳 and a son of the head are taken as a couple, a child and a grandchild as
    /// lineal), because a missed conflict is worse than a question the committee answers.
    public static func fromRegister(_ a: String?, _ b: String?) -> Kinship? {
        let (x, y) = (Place(a), Place(b))
        switch (x, y) {
        case (.head, .spouse), (.spouse, .head): return .spouse
        case (.head, .lineal), (.lineal, .head): return .lineal
        case (.head, .sibling), (.sibling, .head): return .sibling
        case (.spouse, .lineal(let g)), (.lineal(let g), .spouse): return g < 0 ? .lineal : nil
        case (.spouse, .married(let g)), (.married(let g), .spouse): return g > 0 ? .lineal : nil   // the spouse's own parent
        case (.lineal(let g), .lineal(let h)):
            if g == h { return g < 0 ? .sibling : .spouse }   // grandchildren may be cousins: err towards siblings
            return .lineal
        case (.married(let g), .lineal(let h)), (.lineal(let h), .married(let g)):
            if g == h { return .spouse }                      // 儿媳 and 子: a couple
            return g < 0 && h < g ? .lineal : nil            // 儿媳 and 孙子: mother and son
        case (.married(let g), .married(let h)): return g == h && g > 0 ? .spouse : nil
        case (.siblingInLaw, .sibling), (.sibling, .siblingInLaw): return .spouse
        case (.sibling, .sibling): return .sibling
        case (.sibling, .lineal(let g)), (.lineal(let g), .sibling): return g == 1 ? .lineal : nil
        default: return nil
        }
    }

    /// How `a` and `b` are related: the same person, the register (same household), or a
    /// declaration — the closest one found.
    public static func between(_ a: Resident, _ b: Resident, declared: Kinship? = nil) -> Kinship? {
        if a.id == b.id { return .same }
        var found: [Kinship] = []
        if let declared { found.append(declared) }
        if let household = a.householdID, household == b.householdID, let kinship = fromRegister(a.relationToHead, b.relationToHead) {
            found.append(kinship)
        }
        return found.min { Kinship.allCases.firstIndex(of: $0)! < Kinship.allCases.firstIndex(of: $1)! }
    }
}
