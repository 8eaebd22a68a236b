import Foundation
import GRDB

/// A resident as listed in the register for the committee: with address and household.
public struct ResidentListing: Sendable, Equatable {
    public let resident: Resident
    public let householdNumber: String
    public let building: String
    public let unit: String
    public let room: String
}

/// The fields a clerk may correct on a resident. The ID number (and so birth date and gender)
/// is not editable: a wrong ID number means a wrong person; remove and re-add instead.
public struct ResidentCorrection: Sendable {
    public var name: String
    public var ethnicity: String
    public var phone: String?
    public var relationToHead: String?
    public var hukouHere: Bool
    public var livesHere: Bool
    public var livingSince: CivilDate?
    public var workingSince: CivilDate?
    public var politicalRights: PoliticalRights

    public init(name: String, ethnicity: String, phone: String?, relationToHead: String?, hukouHere: Bool, livesHere: Bool,
                livingSince: CivilDate?, workingSince: CivilDate?, politicalRights: PoliticalRights) {
        self.name = name
        self.ethnicity = ethnicity
        self.phone = phone
        self.relationToHead = relationToHead
        self.hukouHere = hukouHere
        self.livesHere = livesHere
        self.livingSince = livingSince
        self.workingSince = workingSince
        self.politicalRights = politicalRights
    }

    /// The current values of a resident, to prefill the form.
    public init(_ resident: Resident) {
        self.init(name: resident.name, ethnicity: resident.ethnicity, phone: resident.phone, relationToHead: resident.relationToHead,
                  hukouHere: resident.hukouHere, livesHere: resident.livesHere, livingSince: resident.livingSince,
                  workingSince: resident.workingSince, politicalRights: resident.politicalRights)
    }
}

extension AppDatabase {
    /// Searches the register: by name (part of it), household number, building, or the last 4
    /// characters of the ID number. Returns one page in address order and the total count.
    public func searchResidents(communityID: Int64, query: String, page: Int = 1, pageSize: Int = 50) throws -> (listings: [ResidentListing], total: Int) {
        let text = query.trimmingCharacters(in: .whitespaces)
        var condition = "resident.communityID = ?"
        var arguments: StatementArguments = [communityID]
        if !text.isEmpty {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            condition += " AND (resident.name LIKE ? OR household.number = ? OR address.building = ? OR substr(resident.idNumber, 15, 4) = ?)"
            _ = arguments.append(contentsOf: [pattern, text, text, text.uppercased()])
        }
        let from = """
            FROM resident
            LEFT JOIN household ON household.id = resident.householdID
            LEFT JOIN address ON address.id = COALESCE(resident.residenceAddressID, household.addressID)
            WHERE \(condition)
            """
        return try reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
            let offset = max(0, page - 1) * pageSize
            let rows = try Row.fetchAll(db, sql: """
                SELECT resident.*, household.number AS hn, address.building AS b, address.unit AS u, address.room AS r \(from)
                ORDER BY address.building, address.unit, address.room, household.number, resident.id LIMIT ? OFFSET ?
                """, arguments: arguments + [pageSize, offset])
            let listings = try rows.map { row in
                ResidentListing(resident: try Resident(row: row), householdNumber: row["hn"] ?? "", building: row["b"] ?? "",
                                unit: row["u"] ?? "", room: row["r"] ?? "")
            }
            return (listings, total)
        }
    }

    /// A resident by id, within a community.
    public func resident(id: Int64, communityID: Int64) throws -> Resident {
        guard let resident = try reader.read({ db in try Resident.fetchOne(db, key: id) }), resident.communityID == communityID else {
            throw CommunityError.notFound("resident \(id)")
        }
        return resident
    }

    /// A household by its number.
    public func household(number: String, communityID: Int64) throws -> Household? {
        try reader.read { db in
            try Household.filter(Column("communityID") == communityID && Column("number") == number.trimmingCharacters(in: .whitespaces)).fetchOne(db)
        }
    }

    /// Creates a household at an address (found or created).
    @discardableResult
    public func addHousehold(communityID: Int64, number: String, building: String, unit: String, room: String,
                             basis: HouseholdBasis, hukouAddress: String?, actor: Actor) throws -> Household {
        guard !building.trimmingCharacters(in: .whitespaces).isEmpty || !room.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CommunityError.invalid(field: "楼栋", reason: "give the household's address (楼栋, 单元, 房号)")
        }
        return try writer.write { db in
            let address = try Self.address(db, communityID: communityID, building: building.trimmingCharacters(in: .whitespaces),
                                           unit: unit.trimmingCharacters(in: .whitespaces), room: room.trimmingCharacters(in: .whitespaces))
            return try Self.insertHousehold(db, Household(communityID: communityID, number: number, addressID: address.id, basis: basis,
                                                          hukouAddress: hukouAddress?.nilIfEmpty), actor: actor)
        }
    }

    /// Corrects a resident's details; the audit log records which fields changed.
    public func correctResident(id: Int64, communityID: Int64, _ correction: ResidentCorrection, actor: Actor) throws {
        let name = correction.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 50 else { throw CommunityError.invalid(field: "姓名", reason: "1 to 50 characters") }
        try writer.write { db in
            guard var resident = try Resident.fetchOne(db, key: id), resident.communityID == communityID else {
                throw CommunityError.notFound("resident \(id)")
            }
            let before = ResidentCorrection(resident)
            resident.name = name
            resident.ethnicity = correction.ethnicity.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? "汉族"
            resident.phone = correction.phone?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            resident.relationToHead = correction.relationToHead?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            resident.hukouHere = correction.hukouHere
            resident.livesHere = correction.livesHere
            resident.livingSince = correction.livingSince
            resident.workingSince = correction.workingSince
            resident.politicalRights = correction.politicalRights
            try resident.update(db)
            var changed: [String] = []
            if before.name != resident.name { changed.append("name") }
            if before.ethnicity != resident.ethnicity { changed.append("ethnicity") }
            if before.phone != resident.phone { changed.append("phone") }
            if before.relationToHead != resident.relationToHead { changed.append("relationToHead") }
            if before.hukouHere != resident.hukouHere { changed.append("hukouHere") }
            if before.livesHere != resident.livesHere { changed.append("livesHere") }
            if before.livingSince != resident.livingSince { changed.append("livingSince") }
            if before.workingSince != resident.workingSince { changed.append("workingSince") }
            if before.politicalRights != resident.politicalRights { changed.append("politicalRights") }
            try AuditLog.append(db, actor: actor, action: "resident.correct", subject: "resident:\(id)", details: ["fields": changed.joined(separator: ",")])
        }
    }
}

extension AppDatabase {
    /// A resident of the community by ID number.
    public func resident(idNumber: String, communityID: Int64) throws -> Resident {
        let id = try ResidentIDNumber(idNumber)
        guard let resident = try reader.read({ db in
            try Resident.filter(Column("communityID") == communityID && Column("idNumber") == id.value).fetchOne(db)
        }) else { throw CommunityError.notFound("resident with ID number \(id.masked)") }
        return resident
    }
}

extension AppDatabase {
    /// A household with its address, for the edit form.
    public func household(id: Int64, communityID: Int64) throws -> (household: Household, address: Address?) {
        try reader.read { db in
            guard let household = try Household.fetchOne(db, key: id), household.communityID == communityID else {
                throw CommunityError.notFound("household \(id)")
            }
            return (household, try household.addressID.flatMap { try Address.fetchOne(db, key: $0) })
        }
    }

    /// Corrects a household's address, basis and registered address. Members who lived at the
    /// old address move with the household.
    public func correctHousehold(id: Int64, communityID: Int64, building: String, unit: String, room: String,
                                 basis: HouseholdBasis, hukouAddress: String?, actor: Actor) throws {
        guard !building.trimmedSpaces.isEmpty || !room.trimmedSpaces.isEmpty else {
            throw CommunityError.invalid(field: "楼栋", reason: "give the household's address (楼栋, 单元, 房号)")
        }
        try writer.write { db in
            guard var household = try Household.fetchOne(db, key: id), household.communityID == communityID else {
                throw CommunityError.notFound("household \(id)")
            }
            let oldAddress = household.addressID
            let address = try Self.address(db, communityID: communityID, building: building.trimmedSpaces, unit: unit.trimmedSpaces, room: room.trimmedSpaces)
            household.addressID = address.id
            household.basis = basis
            household.hukouAddress = hukouAddress?.trimmedSpaces.nilIfEmpty
            try household.update(db)
            var moved = 0
            if let oldAddress, oldAddress != address.id {
                try db.execute(sql: "UPDATE resident SET residenceAddressID = ? WHERE householdID = ? AND residenceAddressID = ?",
                               arguments: [address.id, id, oldAddress])
                moved = db.changesCount
            }
            try AuditLog.append(db, actor: actor, action: "household.correct", subject: "household:\(id)", details: [
                "address": address.display, "basis": basis.rawValue, "membersMoved": String(moved),
            ])
        }
    }
}
