import Foundation
import GRDB

/// A deterministic pseudo-random generator (SplitMix64), so demo and test data are the same on
/// every run for the same seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates a realistic sample community: households in buildings, residents with common
/// (and a few rare-character and compound) names, valid ID numbers, some 人户分离 households.
public enum DemoCommunity {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤乙").map(String.init)
        + ["欧阳", "司马", "诸葛", "上官"]
    static let givenCharacters = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华建国红梅玉文辉鑫宇浩然思彤子涵欣怡雨萱梓轩博文佳琪志强海燕春晓晨阳雪丹").map(String.init)
    /// Characters outside the Basic Multilingual Plane or rare in fonts, found in real names.
    static let rareGiven = ["𠮷", "䶮", "堃", "犇", "喆", "昇", "𬌗", "頔"]
    static let ethnicities = ["汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "回族", "满族", "蒙古族", "朝鲜族"]

    /// Seeds `householdCount` households into `communityID`; returns (households, residents) added.
    /// Everything is one transaction: the demo either loads fully or not at all.
    @discardableResult
    public static func seed(into database: AppDatabase, communityID: Int64, householdCount: Int, seed: UInt64 = 2026,
                            referenceDate: CivilDate = CivilDate(year: 2026, month: 11, day: 26)!) throws -> (households: Int, residents: Int) {
        var rng = SeededGenerator(seed: seed)
        return try database.writer.write { db in
            var residentCount = 0
            var usedIDs = Set<String>()
            for index in 0..<householdCount {
                let building = "\(index / 48 + 1)号楼"
                let unit = "\((index / 16) % 3 + 1)单元"
                let room = "\((index % 16) / 2 + 1)0\(index % 2 + 1)"
                let address = try AppDatabase.address(db, communityID: communityID, building: building, unit: unit, room: room)
                let isRegisteredElsewhere = Int.random(in: 0..<10, using: &rng) == 0
                let household = try AppDatabase.insertHousehold(db, Household(
                    communityID: communityID, number: String(format: "H%05d", index + 1), addressID: address.id,
                    basis: isRegisteredElsewhere ? .residence : .hukou,
                    hukouAddress: isRegisteredElsewhere ? "河北省保定市莲池区" : "本社区 \(address.display)"), actor: .system)
                let surname = surnames.randomElement(using: &rng)!
                let members = memberPlan(using: &rng)
                let headAge = Int.random(in: 28...82, using: &rng)
                for (memberIndex, member) in members.enumerated() {
                    let age: Int
                    switch member.relation {
                    case "户主": age = headAge
                    case "配偶": age = max(20, headAge + Int.random(in: -5...3, using: &rng))
                    case "父亲", "母亲": age = min(99, headAge + Int.random(in: 22...32, using: &rng))
                    default: age = max(0, headAge - Int.random(in: 22...34, using: &rng))
                    }
                    let familyName = member.relation == "配偶" || member.relation == "母亲" ? surnames.randomElement(using: &rng)! : surname
                    let birth = birthDate(age: age, reference: referenceDate, using: &rng)
                    var idNumber: ResidentIDNumber
                    repeat {
                        idNumber = try makeID(region: isRegisteredElsewhere ? "130602" : "110101", birth: birth, gender: member.gender, using: &rng)
                    } while !usedIDs.insert(idNumber.value).inserted
                    let name = familyName + givenName(using: &rng, rareChance: index % 97 == 0 && memberIndex == 0)
                    _ = try AppDatabase.insertResident(db, Resident(
                        communityID: communityID, name: name, gender: member.gender, idNumber: idNumber,
                        ethnicity: ethnicities.randomElement(using: &rng)!,
                        phone: "1\([3, 5, 7, 8, 9].randomElement(using: &rng)!)\(String(format: "%09d", Int.random(in: 0..<1_000_000_000, using: &rng)))",
                        householdID: household.id, relationToHead: member.relation, residenceAddressID: address.id,
                        livingSince: referenceDate.adding(days: -Int.random(in: isRegisteredElsewhere ? 100...2000 : 200...9000, using: &rng)),
                        politicalRights: Int.random(in: 0..<400, using: &rng) == 0 ? .deprived : .held,
                        hukouHere: !isRegisteredElsewhere,
                        // Some registered residents live elsewhere (work, study): roll category b if they opt in.
                        livesHere: isRegisteredElsewhere || Int.random(in: 0..<25, using: &rng) != 0,
                        workingSince: index % 211 == 7 && memberIndex == 0 ? referenceDate.adding(days: -Int.random(in: 200...300, using: &rng)) : nil), actor: .system)
                    residentCount += 1
                }
            }
            return (householdCount, residentCount)
        }
    }

    static func memberPlan(using rng: inout SeededGenerator) -> [(relation: String, gender: Gender)] {
        let headGender: Gender = Bool.random(using: &rng) ? .male : .female
        var plan: [(String, Gender)] = [("户主", headGender)]
        // Averages 2.5 people per household, as in Chinese urban communities.
        let size = [1, 2, 2, 2, 3, 3, 3, 4].randomElement(using: &rng)!
        if size >= 2 { plan.append(("配偶", headGender == .male ? .female : .male)) }
        for _ in 2..<max(size, 2) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: plan.append(("父亲", .male))
            case 1: plan.append(("母亲", .female))
            case 2, 3: plan.append(("子", .male))
            default: plan.append(("女", .female))
            }
        }
        return plan
    }

    static func givenName(using rng: inout SeededGenerator, rareChance: Bool) -> String {
        if rareChance { return rareGiven.randomElement(using: &rng)! }
        let length = Int.random(in: 0..<3, using: &rng) == 0 ? 1 : 2
        return (0..<length).map { _ in givenCharacters.randomElement(using: &rng)! }.joined()
    }

    static func birthDate(age: Int, reference: CivilDate, using rng: inout SeededGenerator) -> CivilDate {
        reference.adding(days: -(age * 365 + Int.random(in: 0..<365, using: &rng)))
    }

    /// A valid 18-character ID number for a birth date and gender.
    public static func makeID(region: String, birth: CivilDate, gender: Gender, using rng: inout SeededGenerator) throws -> ResidentIDNumber {
        var sequence = Int.random(in: 0..<500, using: &rng) * 2
        if gender == .male { sequence += 1 }
        let first17 = region + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, sequence % 1000)
        return try ResidentIDNumber(first17 + String(ResidentIDNumber.checkCharacter(for: first17)!))
    }
}
