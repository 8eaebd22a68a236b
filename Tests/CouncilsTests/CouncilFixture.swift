import Community
import Foundation
import GRDB
@testable import Councils
import Notary

/// A community with generated residents, its signing key, and staff accounts, for councils tests.
final class CouncilFixture {
    let database: AppDatabase
    let community: Community
    let key: Ed25519PrivateKey
    let chair: Account
    let recorder: Account
    let clerk: Account
    var communityID: Int64 { community.id! }

    init(households: Int = 40) throws {
        database = try AppDatabase.inMemory(modules: [CouncilsSchema.self])
        community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .commandLine)
        if households > 0 { _ = try DemoCommunity.seed(into: database, communityID: community.id!, householdCount: households) }
        key = try Ed25519PrivateKey.generate()
        try database.registerSigningKey(key.publicKey, communityID: community.id!, purpose: "community", actor: .commandLine)
        chair = try database.createAccount(NewAccount(communityID: community.id!, username: "chair", displayName: "王主任", password: "password-123", roles: [.committee]), actor: .commandLine)
        recorder = try database.createAccount(NewAccount(communityID: community.id!, username: "recorder", displayName: "李记录", password: "password-123", roles: [.clerk]), actor: .commandLine)
        clerk = try database.createAccount(NewAccount(communityID: community.id!, username: "clerk", displayName: "赵文员", password: "password-123", roles: [.clerk]), actor: .commandLine)
    }

    /// The identity of household `H000nn` acting through its access code (first member, or
    /// `member`; members who may take part first, `CouncilEligibility`).
    func household(_ number: Int, member: Int = 0) throws -> ResidentIdentity {
        let code = String(format: "H%05d", number)
        let household = try database.household(number: code, communityID: communityID)!
        let eligible = try database.eligibleMembers(householdID: household.id!, on: .today())
        let members = eligible + (try database.householdMembers(householdID: household.id!)).filter { member in !eligible.contains { $0.id == member.id } }
        return try database.residentIdentity(household: HouseholdSession(householdID: household.id!, householdNumber: code, expiresAt: .distantFuture),
                                             residentID: members[min(member, members.count - 1)].id)
    }

    /// A household of the given members (birth date, political rights, lives here), numbered
    /// `number`, with fresh ID numbers; returns the household id and the residents' ids.
    @discardableResult
    func addHousehold(_ number: String, members: [(birth: CivilDate, rights: PoliticalRights, livesHere: Bool)]) throws -> (Int64, [Int64]) {
        let household = try database.addHousehold(Household(communityID: communityID, number: number, basis: .hukou), actor: .commandLine)
        var ids: [Int64] = []
        for member in members {
            let id = try nextIDNumber(birth: member.birth)
            let resident = try database.addResident(Resident(communityID: communityID, name: "居民\(idCounter)", gender: id.gender, idNumber: id, householdID: household.id!,
                                                             politicalRights: member.rights, hukouHere: true, livesHere: member.livesHere), actor: .commandLine)
            ids.append(resident.id!)
        }
        return (household.id!, ids)
    }

    private var idCounter = 0

    /// A valid, unused ID number for `birth` (region 110101; the sequence makes it unique).
    func nextIDNumber(birth: CivilDate) throws -> ResidentIDNumber {
        idCounter += 1
        let first17 = String(format: "1101%02d", 1 + idCounter / 1000) + String(format: "%04d%02d%02d", birth.year, birth.month, birth.day) + String(format: "%03d", idCounter % 1000)
        return try ResidentIDNumber(first17 + String(ResidentIDNumber.checkCharacter(for: first17)!))
    }

    /// The identity of a household acting through its card, naming `residentID`.
    func cardIdentity(householdID: Int64, residentID: Int64?) throws -> ResidentIdentity {
        let number = try database.reader.read { db in try String.fetchOne(db, sql: "SELECT number FROM household WHERE id = ?", arguments: [householdID])! }
        return try database.residentIdentity(household: HouseholdSession(householdID: householdID, householdNumber: number, expiresAt: .distantFuture), residentID: residentID)
    }

    func membersOf(_ number: Int) throws -> [(id: Int64, name: String)] {
        let household = try database.household(number: String(format: "H%05d", number), communityID: communityID)!
        return try database.householdMembers(householdID: household.id!)
    }

    /// Submits a motion from household `number`.
    @discardableResult
    func motion(_ title: String = "3号楼电梯经常停运", from number: Int = 1, on date: CivilDate = CivilDate(year: 2026, month: 11, day: 2)!,
                photo: Data? = nil) throws -> (Motion, SignedReceipt) {
        try database.submitMotion(communityID: communityID, NewMotion(title: title, description: "电梯本月停运四次，请督促检修。", category: "facilities",
                                                                      building: "3号楼", unit: "2单元", grid: "第一网格", photo: photo),
                                  by: .resident(try household(number)), signingKey: key, now: date.instant(hour: 10))
    }

    func move(_ motion: Motion, _ action: String, reason: String? = nil, target: String? = nil) throws -> Motion {
        try database.moveMotion(id: motion.id!, action: action, reason: reason, target: target, by: .committee(chair))
    }

    /// Opens a term of the representatives' meeting from `since` and adds `residentIDs` as
    /// residents' representatives of one residents' group, each answering to their own household.
    @discardableResult
    func representatives(_ residentIDs: [Int64], since: CivilDate) throws -> AssemblyTerm {
        let term = try database.assemblyTerm(communityID: communityID, on: since) ?? database.createAssemblyTerm(communityID: communityID, startsOn: since, actor: .commandLine)
        for resident in residentIDs {
            let number = try database.reader.read { db in
                try String.fetchOne(db, sql: "SELECT household.number FROM resident JOIN household ON household.id = resident.householdID WHERE resident.id = ?", arguments: [resident])!
            }
            try database.addAssemblyRepresentative(termID: term.id, residentID: resident, group: "第一居民小组", households: [number], since: since, actor: .commandLine)
        }
        return term
    }

    /// The first `count` household heads who may take part in deliberation today
    /// (`CouncilEligibility`), as representatives must: ids.
    func eligibleHeads(_ count: Int) throws -> [Int64] {
        try database.reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM resident WHERE relationToHead = '户主' AND \(CouncilEligibility.sqlCondition) ORDER BY id LIMIT ?",
                               arguments: [CouncilEligibility.adultBornBy(.d(2026, 1, 1)).description, count])
        }
    }

    /// Residents with a household, first `count` household heads: ids.
    func heads(_ count: Int) throws -> [Int64] {
        try database.reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM resident WHERE relationToHead = '户主' ORDER BY id LIMIT ?", arguments: [count])
        }
    }
}

extension CivilDate {
    static func d(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }
}
