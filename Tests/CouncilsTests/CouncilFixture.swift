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
        _ = try DemoCommunity.seed(into: database, communityID: community.id!, householdCount: households)
        key = try Ed25519PrivateKey.generate()
        try database.registerSigningKey(key.publicKey, communityID: community.id!, purpose: "community", actor: .commandLine)
        chair = try database.createAccount(NewAccount(communityID: community.id!, username: "chair", displayName: "王主任", password: "password-123", roles: [.committee]), actor: .commandLine)
        recorder = try database.createAccount(NewAccount(communityID: community.id!, username: "recorder", displayName: "李记录", password: "password-123", roles: [.clerk]), actor: .commandLine)
        clerk = try database.createAccount(NewAccount(communityID: community.id!, username: "clerk", displayName: "赵文员", password: "password-123", roles: [.clerk]), actor: .commandLine)
    }

    /// The identity of household `H000nn` acting through its access code (first member, or `member`).
    func household(_ number: Int, member: Int = 0) throws -> ResidentIdentity {
        let code = String(format: "H%05d", number)
        let household = try database.household(number: code, communityID: communityID)!
        let members = try database.householdMembers(householdID: household.id!)
        return try database.residentIdentity(household: HouseholdSession(householdID: household.id!, householdNumber: code, expiresAt: .distantFuture),
                                             residentID: members[min(member, members.count - 1)].id)
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
