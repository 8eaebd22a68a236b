import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Creates the community. The code, when given, must be 12 digits (statistical division
    /// code) and unique.
    @discardableResult
    public func createCommunity(code: String?, name: String, streetOffice: String, district: String, rehearsal: Bool = false,
                                actor: Actor) throws -> Community {
        let code = code?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let code, code.count != 12 || !code.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw CommunityError.invalid(field: "code", reason: "a community code is 12 digits (统计用区划代码)")
        }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw CommunityError.invalid(field: "name", reason: "1 to 100 characters") }
        return try writer.write { db in
            if let code, try Community.filter(Column("code") == code).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "code", value: code)
            }
            var community = Community(code: code, name: name, streetOffice: streetOffice, district: district, rehearsal: rehearsal)
            try community.insert(db)
            var details = ["code": code ?? "", "name": name, "streetOffice": streetOffice, "district": district]
            if rehearsal { details["rehearsal"] = "yes" }
            try AuditLog.append(db, actor: actor, action: "community.create", subject: "community:\(community.id!)", details: details)
            return community
        }
    }

    /// The communities in this database, by code.
    public func communities() throws -> [Community] {
        try reader.read { db in try Community.order(Column("code")).fetchAll(db) }
    }

    /// A community by id.
    public func community(id: Int64) throws -> Community {
        guard let community = try reader.read({ db in try Community.fetchOne(db, key: id) }) else { throw CommunityError.notFound("community \(id)") }
        return community
    }

    /// The first (for a single-community deployment, the only) community.
    public func primaryCommunity() throws -> Community? {
        try reader.read(Self.primaryCommunity)
    }

    /// The first community, inside a transaction.
    static func primaryCommunity(_ db: Database) throws -> Community? {
        try Community.order(Column("id")).fetchOne(db)
    }

    /// Finds or creates an address inside a write transaction.
    public static func address(_ db: Database, communityID: Int64, building: String, unit: String, room: String) throws -> Address {
        let find = try db.cachedStatement(sql: "SELECT * FROM address WHERE communityID = ? AND building = ? AND unit = ? AND room = ?")
        if let existing = try Address.fetchOne(find, arguments: [communityID, building, unit, room]) {
            return existing
        }
        var address = Address(communityID: communityID, building: building, unit: unit, room: room)
        try address.insert(db)
        return address
    }

    /// Adds a household; the household number must be unique in the community.
    @discardableResult
    public func addHousehold(_ household: Household, actor: Actor) throws -> Household {
        try writer.write { db in try Self.insertHousehold(db, household, actor: actor) }
    }

    /// Inserts a household inside the caller's transaction (used by imports).
    public static func insertHousehold(_ db: Database, _ household: Household, actor: Actor) throws -> Household {
        let number = household.number.trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty else { throw CommunityError.invalid(field: "户号", reason: "must not be empty") }
        if try Household.filter(Column("communityID") == household.communityID && Column("number") == number).fetchCount(db) > 0 {
            throw CommunityError.duplicate(field: "户号", value: number)
        }
        var record = household
        record.number = number
        try record.insert(db)
        try AuditLog.append(db, actor: actor, action: "household.create", subject: "household:\(record.id!)",
                            details: ["number": number, "basis": record.basis.rawValue])
        return record
    }

    /// Adds a resident. The name must not be empty; the gender must match the ID number;
    /// the ID number must be unique in the community.
    @discardableResult
    public func addResident(_ resident: Resident, actor: Actor) throws -> Resident {
        try writer.write { db in try Self.insertResident(db, resident, actor: actor) }
    }

    /// Inserts a resident inside the caller's transaction (used by imports).
    public static func insertResident(_ db: Database, _ resident: Resident, actor: Actor) throws -> Resident {
        var record = resident
        record.name = resident.name.trimmingCharacters(in: .whitespaces)
        guard !record.name.isEmpty, record.name.count <= 50 else {
            throw CommunityError.invalid(field: "姓名", reason: "1 to 50 characters")
        }
        guard record.gender == record.idNumber.gender else {
            throw CommunityError.invalid(field: "性别", reason: "is \(record.gender.chinese) but the ID number says \(record.idNumber.gender.chinese)")
        }
        record.birthDate = record.idNumber.birthDate
        if try Resident.filter(Column("communityID") == record.communityID && Column("idNumber") == record.idNumber.value).fetchCount(db) > 0 {
            throw CommunityError.duplicate(field: "公民身份号码", value: record.idNumber.masked)
        }
        try record.insert(db)
        // The audit entry holds the masked ID only: the log is not a second copy of personal data.
        try AuditLog.append(db, actor: actor, action: "resident.create", subject: "resident:\(record.id!)",
                            details: ["name": record.name, "idNumber": record.idNumber.masked, "household": record.householdID.map(String.init) ?? ""])
        return record
    }

    /// Counts for the home page and dashboard.
    public func peopleCounts(communityID: Int64) throws -> (households: Int, residents: Int) {
        try reader.read { db in
            (try Household.filter(Column("communityID") == communityID).fetchCount(db),
             try Resident.filter(Column("communityID") == communityID).fetchCount(db))
        }
    }
}

extension String {
    /// nil for an empty string, for optional form fields.
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}
