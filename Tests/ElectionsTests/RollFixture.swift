import Community
import Foundation
import GRDB
@testable import Elections
import Notary

/// Valid ID numbers for test input, computed here independently of ResidentIDNumber.
func makeID(region: String = "110101", birth: CivilDate, male: Bool, serial: Int) -> ResidentIDNumber {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sequence = (serial % 500) * 2 + (male ? 1 : 0)
    let first17 = region + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, sequence)
    let sum = zip(first17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
    return try! ResidentIDNumber(first17 + String(Array("10X98765432")[sum % 11]))
}

/// A community with hand-made residents and an election, for roll tests.
final class RollFixture {
    let database: AppDatabase
    let community: Community
    let keyStore: KeyStore
    let keyDirectory: URL
    var serial = 0
    var households: [String: Household] = [:]
    static let electionDay = CivilDate(year: 2026, month: 12, day: 20)!

    init(code: String = "110101001001", name: String = "桃园社区", database: AppDatabase? = nil) throws {
        self.database = try database ?? AppDatabase.inMemory(modules: [ElectionsSchema.self])
        community = try self.database.createCommunity(code: code, name: name, streetOffice: "安和街道", district: "和平区", actor: .commandLine)
        keyDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("roll-keys-\(UUID().uuidString)")
        keyStore = KeyStore(directory: keyDirectory)
    }

    deinit { try? FileManager.default.removeItem(at: keyDirectory) }

    /// Adds a resident (and their household, created on first use, at `building`/`room`).
    @discardableResult
    func person(_ name: String, born: CivilDate, male: Bool = true, household: String, relation: String = "户主",
                building: String = "1号楼", room: String = "101", hukouHere: Bool = true, livesHere: Bool = true,
                livingSince: CivilDate? = nil, workingSince: CivilDate? = nil, rights: PoliticalRights = .held,
                id: ResidentIDNumber? = nil) throws -> Resident {
        serial += 1
        if households[household] == nil {
            let address = try database.writer.write { db in
                try AppDatabase.address(db, communityID: community.id!, building: building, unit: "1单元", room: room)
            }
            households[household] = try database.addHousehold(Household(communityID: community.id!, number: household, addressID: address.id,
                                                                        basis: hukouHere ? .hukou : .residence), actor: .commandLine)
        }
        let home = households[household]!
        return try database.addResident(Resident(
            communityID: community.id!, name: name, gender: male ? .male : .female,
            idNumber: id ?? makeID(birth: born, male: male, serial: serial), householdID: home.id, relationToHead: relation,
            residenceAddressID: home.addressID, livingSince: livingSince, politicalRights: rights,
            hukouHere: hukouHere, livesHere: livesHere, workingSince: workingSince), actor: .commandLine)
    }

    func election(method: ElectionMethod = .direct, day: CivilDate = RollFixture.electionDay, rules: RuleSet? = nil) throws -> Election {
        try database.createElection(communityID: community.id!, title: "第十二届居民委员会换届选举", method: method, electionDay: day,
                                    rules: rules, keyStore: keyStore, actor: .commandLine)
    }

    func signingKey(for election: Election) throws -> Ed25519PrivateKey {
        try keyStore.load(keyID: election.keyID)
    }
}
