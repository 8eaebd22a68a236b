import Community
import GRDB

/// What the result says beyond who is elected, that the election committee must act on
/// (election-rules.md §1): close relatives elected together (GS25 Art. 5, 近亲属回避), and in a
/// multi-ethnic area a committee without a member of the smaller ethnic group(s) (L18 Art. 7).
public struct ResultWarning: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Two elected members are close relatives.
        case closeRelatives
        /// `ethnicMinorityMember`: nobody elected is of an ethnic minority.
        case noEthnicMinorityMember
    }

    public var kind: Kind
    public var persons: [Int64]
    public var kinship: Kinship?

    public func chinese(_ names: (Int64) -> String) -> String {
        switch kind {
        case .closeRelatives:
            return "\(persons.map(names).joined(separator: "与"))为近亲属（\(kinship?.chinese ?? "")），不得同时担任居民委员会成员（近亲属回避，GS25 第五条）："
                + "由选举委员会依当地规定确定其中一人不再担任（通常为得票较少者），所空名额另行选举或补选，并予公告"
        case .noEthnicMinorityMember:
            return "本社区为多民族居住地区（规则集 ethnicMinorityMember），当选成员中没有人数较少的民族的成员（城市居民委员会组织法第七条）：请选举委员会说明并报街道"
        }
    }

    public func english(_ names: (Int64) -> String) -> String {
        switch kind {
        case .closeRelatives:
            return "\(persons.map(names).joined(separator: " and ")) are close relatives (\(kinship?.rawValue ?? "")) and may not both serve (GS25 Art. 5): "
                + "the election committee decides under the local rule which one steps aside (usually the lower-voted), and the seat goes to a second round or a by-election, with a notice"
        case .noEthnicMinorityMember:
            return "A multi-ethnic area (rule ethnicMinorityMember): nobody elected is of a smaller ethnic group (L18 Art. 7); the election committee explains it to the street office"
        }
    }
}

extension AppDatabase {
    /// The warnings a result carries: every pair of elected members who are close relatives
    /// (household register or declaration), and a missing ethnic-minority member where the rule
    /// set asks for one.
    static func resultWarnings(_ db: Database, election: Election, elected: [ElectedMember]) throws -> [ResultWarning] {
        let residents = try Resident.fetchAll(db, keys: elected.map(\.person))
        let declared = try declaredKinship(db, election.id!)
        var warnings: [ResultWarning] = []
        for (i, a) in residents.enumerated() {
            for b in residents[(i + 1)...] {
                let kinship = Kinship.between(a, b, declared: declared[Pair(a.id!, b.id!)] ?? declared[Pair(b.id!, a.id!)])
                if let kinship, kinship != .same {
                    warnings.append(ResultWarning(kind: .closeRelatives, persons: [a.id!, b.id!].sorted(), kinship: kinship))
                }
            }
        }
        if election.rules.ethnicMinorityMember, !residents.isEmpty,
           !residents.contains(where: { !$0.ethnicity.isEmpty && $0.ethnicity != "汉族" && $0.ethnicity != "汉" }) {
            warnings.append(ResultWarning(kind: .noEthnicMinorityMember, persons: [], kinship: nil))
        }
        return warnings.sorted { $0.kind != $1.kind ? $0.kind.rawValue < $1.kind.rawValue : $0.persons.lexicographicallyPrecedes($1.persons) }
    }
}
